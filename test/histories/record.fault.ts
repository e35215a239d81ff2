// Records a history of each path the workflow takes, checks it for the database password and
// replays it at once. With GR_RECORD_HISTORIES=1 it also rewrites test/histories/*.json, which
// replay.test.ts replays in every `npm test` (see docs/RELIABILITY.md).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { count, ratify, takeSnapshot } from '../support/db';
import { holdUntilCancelled, onApply } from '../support/faults';
import { CLONE_SCAN_RULESET, rolloutHarness, type ActivityWrapper, type Harness } from '../support/harness';
import { historyFromText, historyToText } from './format';
import { searchableHistory, testPassword } from './secrets';
import { finalProgress } from '../../src/cli/execution';
import { fileSha256 } from '../../src/db/sql';

const PRODUCTION_SEED = path.join(__dirname, '..', 'fixtures', 'production_seed.sql');

const RECORD = process.env.GR_RECORD_HISTORIES === '1';

let cursorCommitted = false;

interface Path {
  name: string;
  wrap?: ActivityWrapper;
  drive(h: Harness): Promise<WorkflowHandle>;
  state: string;
}

async function scanRollout(h: Harness): Promise<WorkflowHandle> {
  await ratify(h.db.pool);
  const snapshotRef = await takeSnapshot(h.db.pool);
  return h.start({ scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef } });
}

async function cancelWhen(
  h: Harness,
  handle: WorkflowHandle,
  ready: Parameters<Harness['waitFor']>[1],
): Promise<WorkflowHandle> {
  await handle.signal('gateOpened', { id: 'c1', by: 'president' });
  await h.waitFor(handle, ready);
  await handle.cancel();
  return handle;
}

const paths: Path[] = [
  {
    name: 'happy',
    state: 'COMPLETED',
    async drive(h) {
      const handle = await scanRollout(h);
      await handle.signal('gateOpened', { id: 'c1', by: 'president' });
      return handle;
    },
  },
  {
    name: 'gate-refused-then-accepted',
    state: 'COMPLETED',
    async drive(h) {
      // Through the openGate update, as `rollout gate-open` claims; the other paths use the gateOpened signal.
      const handle = await h.start();
      await h.openGate(handle, 'eager operator', 'c1');
      await ratify(h.db.pool);
      await h.openGate(handle, 'ops on call', 'c2');
      return handle;
    },
  },
  {
    name: 'cancel-before-gate',
    state: 'COMPENSATED',
    async drive(h) {
      const handle = await h.start();
      await h.waitFor(handle, (p) => p.state === 'WAITING_FOR_GATE');
      await handle.cancel();
      return handle;
    },
  },
  {
    name: 'cancel-after-seed',
    state: 'COMPENSATED',
    wrap: onApply('scan', () => holdUntilCancelled()),
    drive: async (h) => cancelWhen(h, await scanRollout(h), (p) => p.steps[0]?.status === 'done'),
  },
  {
    name: 'cancel-after-scan',
    state: 'COMPENSATED',
    wrap: onApply('cursor', () => holdUntilCancelled()),
    drive: async (h) => cancelWhen(h, await scanRollout(h), (p) => p.steps[1]?.status === 'done'),
  },
  {
    // The cursor step's activity is held once it committed: the cancel lands after all three wrote.
    name: 'cancel-after-cursor',
    state: 'COMPENSATED',
    wrap: onApply('cursor', async (real) => (await real(), (cursorCommitted = true), holdUntilCancelled())),
    drive: async (h) => cancelWhen(h, await scanRollout(h), () => cursorCommitted),
  },
  {
    // Production's script commits 31 rows (a 31st domain holds its guard): the packet's verification after its
    // COMMIT fails, and the compensation undoes them.
    name: 'failed-verification',
    state: 'COMPENSATED',
    async drive(h) {
      await ratify(h.db.pool);
      await h.db.pool.query(
        'insert into governance_domain (domain_code, ' +
          "title, steward_role) values ('GD31', 'late', " +
          "'steward_gd31')",
      );
      const handle = await h.startOpened({
        seedScript: { path: PRODUCTION_SEED, sha256: fileSha256(PRODUCTION_SEED) },
      });
      return handle;
    },
  },
  {
    // A 31st domain: the seed's transaction would write 31 rows, its footprint says 30: rolled back, nothing written.
    name: 'footprint-refused',
    state: 'FAILED',
    async drive(h) {
      await ratify(h.db.pool);
      await h.db.pool.query(
        'insert into governance_domain (domain_code, ' +
          "title, steward_role) values ('GD31', 'late', " +
          "'steward_gd31')",
      );
      const handle = await h.startOpened();
      return handle;
    },
  },
  {
    name: 'drift-refused',
    state: 'FAILED',
    async drive(h) {
      await ratify(h.db.pool);
      await h.db.pool.query(
        'insert into governance_object_ownership (object_ref, owner_role, ratified_apr, created_by) values ' +
          "('domain:GD07', 'someone', 'APR-OTHER-1', 'hand')",
      );
      const handle = await h.startOpened();
      return handle;
    },
  },
  {
    // The contract does not hold on the target (no ledger): the preflight refuses after the gate, nothing written.
    name: 'preflight-refused',
    state: 'FAILED',
    async drive(h) {
      await ratify(h.db.pool);
      await h.db.pool.query('drop schema governed_rollout cascade');
      const handle = await h.startOpened();
      return handle;
    },
  },
  {
    // Production's own seed script through psql (--seed-sql), then the scan and the cursor.
    name: 'seed-script',
    state: 'COMPLETED',
    async drive(h) {
      await ratify(h.db.pool);
      const snapshotRef = await takeSnapshot(h.db.pool);
      const handle = await h.startOpened({
        seedScript: { path: PRODUCTION_SEED, sha256: fileSha256(PRODUCTION_SEED) },
        scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef },
      });
      return handle;
    },
  },
  {
    // A second rollout for the same database (another workflow id): refused before its gate.
    name: 'second-rollout-refused',
    state: 'FAILED',
    async drive(h) {
      const first = await h.start();
      await h.waitFor(first, (p) => p.state === 'WAITING_FOR_GATE');
      await h.searchable(first);
      return h.start();
    },
  },
  {
    name: 'invalid-input',
    state: 'FAILED',
    async drive(h) {
      return h.client.workflow.start('rolloutWorkflow', {
        taskQueue: h.taskQueue,
        workflowId: `invalid-${h.target}`,
        args: [{ target: h.target, apr: "x'; --" }],
      });
    },
  },
];

describe('recorded histories of every path: no secrets, and they replay on the current workflow code', () => {
  test.each(paths)('$name', async ({ name, wrap, drive, state }) => {
    const h = await rolloutHarness(wrap ? { wrap } : {});
    try {
      const handle = await drive(h);
      const final = (await finalProgress(handle)) as { state: string };
      expect(final.state).toBe(state);
      const json = historyToText(await handle.fetchHistory());
      const plain = searchableHistory(json);
      expect(plain).toContain(h.target); // the payloads were decoded: the target is named in the input
      expect(plain).not.toContain(testPassword());
      expect(plain).not.toMatch(/postgres(ql)?:\/\/[^"\s]*:[^"\s]*@/);
      await Worker.runReplayHistory(
        { workflowBundle: { codePath: process.env.GR_TEST_WORKFLOW_BUNDLE ?? '' } },
        historyFromText(json),
        handle.workflowId,
      );
      if (RECORD) writeFileSync(path.join(__dirname, `${name}.json`), json);
      if (state === 'COMPLETED')
        expect(await count(h.db.pool, 'select count(*) as n from ' + 'governance_object_ownership')).toBe(30);
    } finally {
      await h.teardown();
    }
  });
});
