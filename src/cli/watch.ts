import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { RolloutProgress } from '../shared/progress';
import { print } from './output';
import { formatWaiting, pendingWaits } from './waiting';
import { observe } from './execution';
import { formatChanges, formatFrame } from '../format/progress';

interface View {
  show(p: RolloutProgress): void;
  note(line: string): void;
  close(): void;
}

/** One line per change, for pipes and logs. */
function lineView(): View {
  let last: RolloutProgress | null = null;
  return {
    show(p) {
      for (const line of formatChanges(last, p)) print(line);
      last = p;
    },
    // Stamped like the changes, so a log of the watch reads in one shape.
    note: (line) => print(`${new Date().toISOString()}  ${line}`),
    close: () => undefined,
  };
}

/** One JSON document per change (NDJSON), for programs. */
function jsonView(): View {
  let last = '';
  return {
    show(p) {
      const json = JSON.stringify(p);
      if (json !== last) print(json);
      last = json;
    },
    // Notes go to stderr so stdout stays parseable.
    note: (line) => process.stderr.write(`${line}\n`),
    close: () => undefined,
  };
}

/** A frame redrawn in place; log-update is ESM-only, hence the real dynamic import from our CommonJS build. */
async function terminalView(): Promise<View> {
  const { createLogUpdate } = await import('log-update');
  const render = createLogUpdate(process.stdout, { showCursor: false });
  let last: RolloutProgress | null = null;
  let notice = '';
  let tick = 0;
  const draw = () => {
    if (last) render(`${formatFrame(last, tick)}\n${notice || 'watching: Ctrl-C stops watching, the rollout goes on'}`);
  };
  const spinner = setInterval(() => {
    tick += 1;
    draw();
  }, 100);
  return {
    show(p) {
      last = p;
      notice = '';
      draw();
    },
    note(line) {
      notice = line;
      draw();
    },
    close() {
      clearInterval(spinner);
      tick = 0;
      draw();
      render.done();
    },
  };
}

const MAX_CONSECUTIVE_FAILURES = 30;

/** Follows a rollout until it ends (or Ctrl-C); returns the last progress seen. */
export type WatchMode = 'terminal' | 'lines' | 'json';

export async function watch(
  client: Client,
  workflowId: string,
  intervalMs: number,
  mode: WatchMode,
): Promise<RolloutProgress | null> {
  const view = mode === 'terminal' ? await terminalView() : mode === 'json' ? jsonView() : lineView();
  let stopped = false;
  let wake: () => void = () => undefined;
  const onSigint = () => {
    stopped = true;
    wake();
  };
  process.on('SIGINT', onSigint);
  let last: RolloutProgress | null = null;
  let lastWaiting = '';
  let failures = 0;
  try {
    while (!stopped) {
      try {
        const seen = await observe(client, workflowId);
        last = seen.progress;
        failures = 0;
        view.show(last);
        // The ending is written (state, then the evidence packet it seals) before the execution closes: the
        // view follows it to the close, so its last frame is the rollout's final progress.
        if (seen.execution.status !== 'RUNNING') break;
        // A step retrying (the rollout lock held elsewhere): said once per change, with the holder.
        const waits =
          last.state === 'RUNNING' || last.state === 'COMPENSATING'
            ? await pendingWaits(client.workflow.getHandle(workflowId)).catch(() => [])
            : [];
        const waiting = waits.map(formatWaiting).join('; ');
        if (waiting && waiting !== lastWaiting) view.note(waiting);
        lastWaiting = waiting;
      } catch (err) {
        // A worker restarting or a brief outage is weathered; a rollout that does not exist is not.
        failures += 1;
        if (err instanceof WorkflowNotFoundError || failures >= MAX_CONSECUTIVE_FAILURES) throw err;
        // The describer knows zod's and the libraries' errors: loaded on the first failure, not at start.
        const { describeError } = await import('./describe.js');
        view.note(`no answer (${describeError(err)}); retrying`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    process.off('SIGINT', onSigint);
    view.close();
  }
  if (stopped)
    process.stderr.write(
      `stopped watching ${workflowId}; the rollout goes on (rollout progress ${workflowId} --watch resumes)\n`,
    );
  return last;
}
