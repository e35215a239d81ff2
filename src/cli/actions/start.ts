import { targetOf, taskQueueOf } from '../../config';
import { sqlFile } from '../../db/sql';
import type { RolloutInputDraft } from '../../shared/input';
import { WORKFLOW_TYPE, rolloutSummary, workflowIdForTarget } from '../../shared/names';
import { config, withTemporal } from '../context';
import { CliError } from '../errors';
import { withTarget, type RolloutFlags } from '../options';
import { print } from '../output';

/** The UI's fixed details of a rollout: what it will do, in markdown. */
export function rolloutDetails(input: RolloutInputDraft): string {
  const seed = input.seedScript
    ? `seed (production's own script, sha256 ${input.seedScript.sha256.slice(0, 12)})`
    : 'seed';
  const steps = input.scan
    ? `${seed}, scan (ruleset ${input.scan.ruleset.code} v${input.scan.ruleset.version}), cursor to ` +
      input.scan.snapshotRef
    : seed;
  return [
    `**APR** ${input.apr}`,
    `**target** ${input.target}`,
    `**steps** ${steps}`,
    'Waits at the gate (os_proposal_approvals >= 1) and writes nothing before people open it.',
  ].join('\n\n');
}

/** The snapshot ref exists on the target, when the target can be reached from here; the preflight checks it again. */
async function checkSnapshotRef(databaseUrl: string, ref: string): Promise<void> {
  const { createPool, runScript, withClient } = await import('../../db/pool.js');
  const pool = createPool(databaseUrl, { max: 1, connectionTimeoutMillis: 5_000 });
  try {
    const known = await withClient(
      pool,
      async (client) => (await runScript(client, sqlFile('snapshot/read.sql'), [ref])).rowCount === 1,
    );
    if (!known)
      throw new CliError(
        `snapshot ref ${ref} is unknown on the target: take one with \`rollout snapshot create\`, nothing was started`,
      );
  } catch (err) {
    if (err instanceof CliError) throw err;
    print(
      `note: could not check snapshot ref ${ref} on the database from here; the preflight checks it after the gate`,
    );
  } finally {
    await pool.end();
  }
}

/** Starts the rollout its checked flags describe (options.ts's startFlags), with the workflow id checked too. */
export async function start(flags: RolloutFlags, opts: { id?: string; json?: boolean }): Promise<void> {
  const cfg = config();
  const input = withTarget(flags, targetOf(cfg));
  if (input.scan && cfg.databaseUrl) await checkSnapshotRef(cfg.databaseUrl, input.scan.snapshotRef);
  const workflowId = opts.id ?? workflowIdForTarget(input.target);
  await withTemporal(async (client) => {
    await client.workflow.start(WORKFLOW_TYPE, {
      taskQueue: taskQueueOf(cfg),
      workflowId,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      staticSummary: rolloutSummary(input.apr, input.target),
      staticDetails: rolloutDetails(input),
    });
  });
  if (opts.json) {
    print(JSON.stringify({ workflowId, target: input.target, apr: input.apr, state: 'WAITING_FOR_GATE' }));
    return;
  }
  print(`rollout started for target ${input.target} (APR ${input.apr}); it waits at the gate`);
  print(workflowId);
}
