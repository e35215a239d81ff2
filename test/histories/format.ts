// History files: protobufjs's own object form (enum names, longs and bytes as strings), which
// round-trips exactly. historyToJSON from @temporalio/common throws "type must be a Type" with the
// installed packages (its nested protobufjs 8 meets @temporalio/proto's protobufjs 7).
import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
const { History } = temporal.api.history.v1;

export function historyToText(history: History): string {
  const object = History.toObject(History.fromObject(history), { longs: String, enums: String, bytes: String });
  return `${JSON.stringify(object, null, 1)}\n`;
}

export function historyFromText(text: string): temporal.api.history.v1.History {
  return History.fromObject(JSON.parse(text) as Record<string, unknown>);
}
