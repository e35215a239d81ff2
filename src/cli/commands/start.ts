import type { Command } from 'commander';
import { WORKFLOW_TYPE, rolloutSummary, workflowIdForTarget, type RolloutInputDraft } from '../../shared';
import { targetOf, taskQueueOf } from '../../config';
import { createPool, runScript, withClient } from '../../db/pool';
import { sqlFile } from '../../db/sql';
import { config, print, withTemporal } from '../context';
import { CliError, action } from '../errors';
import { startInput, workflowIdArg, type StartOptions } from '../options';

/** The UI's fixed details of a rollout: what it will do, in markdown. */
export function rolloutDetails(input: RolloutInputDraft): string {
  const seed = input.seedScript ? `seed (production's own script, sha256 ${input.seedScript.sha256.slice(0, 12)})` : 'seed';
  const steps = input.scan ? `${seed}, scan (ruleset ${input.scan.ruleset.code} v${input.scan.ruleset.version}), cursor to ${input.scan.snapshotRef}` : seed;
  return [`**APR** ${input.apr}`, `**target** ${input.target}`, `**steps** ${steps}`, 'Waits at the gate (os_proposal_approvals >= 1) and writes nothing before people open it.'].join('\n\n');
}

/** The snapshot ref exists on the target, when the target can be reached from here; the preflight checks it again. */
async function checkSnapshotRef(databaseUrl: string, ref: string): Promise<void> {
  const pool = createPool(databaseUrl, { max: 1, connectionTimeoutMillis: 5_000 });
  try {
    const known = await withClient(pool, async (client) => (await runScript(client, sqlFile('snapshot/read.sql'), [ref])).rowCount === 1);
    if (!known) throw new CliError(`snapshot ref ${ref} is unknown on the target: take one with \`rollout snapshot create\`, nothing was started`);
  } catch (err) {
    if (err instanceof CliError) throw err;
    print(`note: could not check snapshot ref ${ref} on the database from here; the preflight checks it after the gate`);
  } finally {
    await pool.end();
  }
}

export function register(program: Command): void {
  program
    .command('start')
    .description('start a rollout: it waits at the gate, writing nothing, until people ratify the APR and someone signals gate-open')
    .requiredOption('--apr <code>', 'the APR code the rollout is ratified by, e.g. APR-BOOT-AUTHMODEL-1')
    .option('--scan', 'also run Phase 2 (ruleset seed, scanner write-half) and advance the scan cursor')
    .option('--ruleset <file>', 'the ruleset JSON document for --scan')
    .option('--snapshot-ref <ref>', 'the source snapshot ref for --scan (from rollout snapshot create)')
    .option('--id <id>', 'workflow id (default: derived from the target, so one rollout per target runs at a time)')
    .option('--gate-timeout <duration>', 'end EXPIRED, having written nothing, if the gate is not accepted in time (e.g. 7d)')
    .option('--json', 'print JSON: the workflow id, target and APR')
    .option('--expected <file>', "the guards' baseline numbers as JSON (default: the clone's; rollout db init --scale N --write-expected FILE writes them)")
    .option('--seed-sql <file>', "production's own commit_ready_f6_ownership_seed.sql, run unmodified by psql -v ratified_apr=APR on the worker (default: the bundled one)")
    .option('--rehearsal <file>', "the clone rehearsal's sealed evidence (rollout report ID --format evidence), for a target that requires one")
    .addHelpText(
      'after',
      '\nExample:\n  rollout start --apr APR-BOOT-AUTHMODEL-1 --scan --ruleset examples/ruleset.clone.json --snapshot-ref SNAP-20261124T101500Z-1a2b3c4d\n\nPrints the workflow id alone on the last line.',
    )
    .action(
      action(async (opts: StartOptions & { json?: boolean }) => {
        const cfg = config();
        const input = startInput(opts, targetOf(cfg));
        if (input.scan && cfg.databaseUrl) await checkSnapshotRef(cfg.databaseUrl, input.scan.snapshotRef);
        const workflowId = opts.id ? workflowIdArg(opts.id) : workflowIdForTarget(input.target);
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
      }),
    );
}
