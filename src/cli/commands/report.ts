import type { Command } from 'commander';
import { workflowIdArg } from '../args';
import { CliError, action } from '../errors';

interface ReportOptions {
  format: string;
  runId?: string;
}

const FORMATS = ['md', 'json', 'html', 'evidence'];

export function register(program: Command): void {
  program
    .command('report')
    .description(
      'the evidence packet of a rollout: the gate, per phase the expected and actual deltas, verification, ' +
        'rollback, SQL digests, Temporal ids and link',
    )
    .argument('<id>', 'workflow id (or: verify FILE)')
    .argument('[file]', 'with verify: the evidence file')
    .option(
      '--format <format>',
      'md, json, html (one self-contained page, for people without a terminal), or evidence (the sealed packet in ' +
        "the target's ledger)",
      'md',
    )
    .option('--run-id <runId>', 'a particular run (default: the latest)')
    .addHelpText(
      'after',
      '\nExamples:\n  rollout report rollout-db-5432-directus > evidence.md\n  rollout report ' +
        'rollout-db-5432-directus --format json | jq .phases\n' +
        ('  rollout report rollout-db-5432-directus --format html > evidence.html     # open in any browser; loads ' +
          'nothing\n') +
        ('  rollout report rollout-db-5432-directus --format evidence > evidence.json\n  rollout report verify ' +
          'evidence.json\n\n') +
        ('Works for running rollouts (an interim packet) and finished ones. The link uses TEMPORAL_UI_URL (default ' +
          'http://localhost:8080).\n') +
        "When Temporal no longer has the rollout (its retention passed), the packet comes from the target's ledger\n" +
        ("(DATABASE_URL), sealed when the rollout ended, and the report says so. `verify` re-computes a packet's " +
          'digests\n') +
        'offline and, with DATABASE_URL, compares it with the stored copy.',
    )
    .action(
      action(async (idArg: string, file: string | undefined, opts: ReportOptions) => {
        if (idArg === 'verify') {
          if (!file)
            throw new CliError(
              'rollout report verify FILE: the evidence file to check (rollout report ID --format evidence)',
            );
          return (await import('../actions/report.js')).verify(file);
        }
        if (file !== undefined) {
          throw new CliError(
            `unexpected argument ${JSON.stringify(file)}: rollout report ID [--format md|json|html|evidence]`,
          );
        }
        const workflowId = workflowIdArg(idArg);
        if (!FORMATS.includes(opts.format))
          throw new CliError(`--format ${JSON.stringify(opts.format)}: use md, json, html or evidence`);
        const runId = opts.runId ? workflowIdArg(opts.runId) : undefined;
        return (await import('../actions/report.js')).report(workflowId, { format: opts.format, runId });
      }),
    );
}
