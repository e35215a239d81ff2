// The rollout's shape after its gate (src/workflows: rollout.ts, gate.ts, preflight.ts, saga.ts, ending.ts,
// notices.ts, progress.ts) with every activity a no-op: Temporal's own time for that shape, the floor under
// what the rollout adds to its SQL. Bundled on its own (bench/floor/index.ts).
import {
  condition,
  defineQuery,
  defineSignal,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  type ActivityInterfaceFor,
  type LocalActivityInterfaceFor,
} from '@temporalio/workflow';
import { DETAILS_MEMO, RolloutStateAttribute } from '../../src/shared/searchAttributes';
import * as proxies from '../../src/workflows/proxies';
import type { FloorActivities } from './activities';

export const floorGateOpenedSignal = defineSignal('gateOpened');
/** True once the workflow waits at its gate. */
export const floorAtGateQuery = defineQuery<boolean>('atGate');

// The rollout's own proxies, so every call has its timeouts, retries, heartbeat and cancellation type; a
// proxy takes any activity name, and the no-ops answer to the rollout's names.
const remote = (proxy: unknown) => proxy as ActivityInterfaceFor<FloorActivities>;
const local = (proxy: unknown) => proxy as LocalActivityInterfaceFor<FloorActivities>;
const gateReads = remote(proxies.gateReads);
const writes = remote(proxies.writes);
const notices = remote(proxies.notices);
const reads = local(proxies.reads);
const lastNotice = local(proxies.lastNotice);
const evidence = local(proxies.evidence);

const STEPS = ['seed', 'scan', 'cursor'] as const;

/** The memo and search attribute upserts at the points where the rollout's ProgressBook changes its details. */
class Account {
  private changes = 0;

  touch(): void {
    upsertMemo({ [DETAILS_MEMO]: `floor, change ${++this.changes}` });
  }

  setState(state: string): void {
    upsertSearchAttributes([{ key: RolloutStateAttribute, value: state }]);
    this.touch();
  }
}

export async function rolloutShapeFloor(): Promise<{ ok: boolean }> {
  const account = new Account();
  // Notices go in the background and are all awaited at the end, as the rollout's Notices does.
  const pending: Promise<unknown>[] = [];
  const announce = (event: string) =>
    pending.push(notices.notify.executeWithOptions({ summary: `notify ${event}` }, []));
  let opened = false;
  let waiting = false;
  setHandler(floorAtGateQuery, () => waiting);
  setHandler(floorGateOpenedSignal, () => void (opened = true));

  announce('waiting-for-gate');
  waiting = true;
  await condition(() => opened);
  await gateReads.readGate.executeWithOptions({ summary: 'read the gate' }, []);
  account.touch(); // the claim's attempt recorded
  announce('gate-accepted');
  account.setState('RUNNING');

  // The recheck for an older rollout and the preflight, side by side in one workflow task.
  await Promise.all([
    reads.otherRollouts.executeWithOptions({ summary: 'look again for an older rollout' }, []),
    reads.preflight.executeWithOptions({ summary: 'preflight' }, []),
  ]);
  account.touch(); // the baseline
  for (const step of STEPS) {
    account.touch(); // the step running
    await writes.applyStep.executeWithOptions({ summary: step, activityId: step }, []);
    account.touch(); // the step done, its numbers measured
  }

  // The ending: the last notice beside the evidence, both local, in the same workflow task.
  account.setState('COMPLETED');
  pending.push(lastNotice.notify.executeWithOptions({ summary: 'notify completed' }, []));
  await evidence.recordEvidence.executeWithOptions({ summary: 'store the evidence' }, []);
  await Promise.all(pending);
  return { ok: true };
}
