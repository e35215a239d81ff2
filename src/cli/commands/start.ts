import type { Command } from 'commander';
import { RolloutInput, WORKFLOW_TYPE, rolloutSummary, workflowIdForTarget, type RolloutInputDraft } from '../../shared';
import { targetOf } from '../../config';
import { config, print, withTemporal } from '../context';
import { CliError, action } from '../errors';
import { parseDuration, readExpected, readRuleset, workflowIdArg } from '../options';

interface StartOptions {
  apr: string;
  scan?: boolean;
  ruleset?: string;
  snapshotRef?: string;
  id?: string;
  gateTimeout?: string;
  expected?: string;
}

/** Everything validated before Temporal is contacted: bad input starts nothing. */
export function startInput(opts: StartOptions, target: string): RolloutInputDraft {
  if (!opts.scan && (opts.ruleset || opts.snapshotRef)) throw new CliError('--ruleset and --snapshot-ref go with --scan');
  if (opts.scan && (!opts.ruleset || !opts.snapshotRef)) throw new CliError('--scan needs --ruleset FILE and --snapshot-ref REF');
  const draft: RolloutInputDraft = {
    target,
    apr: opts.apr,
    ...(opts.scan && opts.ruleset && opts.snapshotRef
      ? { scan: { ruleset: readRuleset(opts.ruleset), snapshotRef: opts.snapshotRef } }
      : {}),
    ...(opts.gateTimeout ? { gateTimeoutMs: parseDuration(opts.gateTimeout) } : {}),
    ...(opts.expected ? { expected: readExpected(opts.expected) } : {}),
  };
  return RolloutInput.parse(draft);
}

/** The UI's fixed details of a rollout: what it will do, in markdown. */
export function rolloutDetails(input: RolloutInputDraft): string {
  const steps = input.scan ? `seed, scan (ruleset ${input.scan.ruleset.code} v${input.scan.ruleset.version}), cursor to ${input.scan.snapshotRef}` : 'seed';
  return [`**APR** ${input.apr}`, `**target** ${input.target}`, `**steps** ${steps}`, 'Waits at the gate (os_proposal_approvals >= 1) and writes nothing before people open it.'].join('\n\n');
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
    .option('--expected <file>', "the guards' baseline numbers as JSON (default: the clone's; rollout db init --scale N --write-expected FILE writes them)")
    .addHelpText(
      'after',
      '\nExample:\n  rollout start --apr APR-BOOT-AUTHMODEL-1 --scan --ruleset examples/ruleset.clone.json --snapshot-ref SNAP-20261124T101500Z-1a2b3c4d\n\nPrints the workflow id alone on the last line.',
    )
    .action(
      action(async (opts: StartOptions) => {
        const cfg = config();
        const input = startInput(opts, targetOf(cfg));
        const workflowId = opts.id ? workflowIdArg(opts.id) : workflowIdForTarget(input.target);
        await withTemporal(async (client) => {
          await client.workflow.start(WORKFLOW_TYPE, {
            taskQueue: cfg.taskQueue,
            workflowId,
            args: [input],
            workflowIdConflictPolicy: 'FAIL',
            staticSummary: rolloutSummary(input.apr, input.target),
            staticDetails: rolloutDetails(input),
          });
        });
        print(`rollout started for target ${input.target} (APR ${input.apr}); it waits at the gate`);
        print(workflowId);
      }),
    );
}
