import type { Command } from 'commander';
import { buildPacket } from '../../report/packet';
import { renderMarkdown } from '../../report/markdown';
import { temporalUiBase, workflowUrl } from '../../report/temporalUi';
import { print, withTemporal } from '../context';
import { CliError, action } from '../errors';
import { observe, recorded } from '../execution';
import { workflowIdArg } from '../options';

interface ReportOptions {
  format: string;
  runId?: string;
}

export function register(program: Command): void {
  program
    .command('report')
    .description('the evidence packet of a rollout: the gate, per phase the expected and actual deltas, verification, rollback, SQL digests, Temporal ids and link')
    .argument('<id>', 'workflow id')
    .option('--format <format>', 'md or json', 'md')
    .option('--run-id <runId>', 'a particular run (default: the latest)')
    .addHelpText(
      'after',
      '\nExamples:\n  rollout report rollout-db-5432-directus > evidence.md\n  rollout report rollout-db-5432-directus --format json | jq .phases\n\n' +
        'Works for running rollouts (an interim packet) and finished ones. The link uses TEMPORAL_UI_URL (default http://localhost:8080).',
    )
    .action(
      action(async (idArg: string, opts: ReportOptions) => {
        const workflowId = workflowIdArg(idArg);
        if (opts.format !== 'md' && opts.format !== 'json') throw new CliError(`--format ${JSON.stringify(opts.format)}: use md or json`);
        const ui = temporalUiBase(process.env);
        await withTemporal(async (client, cfg) => {
          const { execution, progress } = await observe(client, workflowId, opts.runId ? workflowIdArg(opts.runId) : undefined);
          const { input, cursorBefore } = await recorded(client, workflowId, execution.runId);
          const namespace = cfg.temporal.namespace;
          const uiUrl = workflowUrl(ui, namespace, workflowId, execution.runId);
          const packet = buildPacket({ progress, input, cursorBefore, execution, namespace, uiUrl });
          print(opts.format === 'json' ? JSON.stringify(packet, null, 2) : renderMarkdown(packet));
        });
      }),
    );
}
