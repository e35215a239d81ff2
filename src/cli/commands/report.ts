import { WorkflowNotFoundError } from '@temporalio/common';
import type { Command } from 'commander';
import { renderEvidenceMarkdown } from '../../report/evidence';
import { buildPacket } from '../../report/packet';
import { renderHtml } from '../../report/html';
import { renderMarkdown } from '../../report/markdown';
import { temporalUiBase, workflowUrl } from '../../report/temporalUi';
import { config, print, withTemporal } from '../context';
import { LEDGER_SOURCE, readEvidenceFile, storedEvidence, verifyEvidence } from '../evidence';
import { CliError, action } from '../errors';
import { EXIT_CODES } from '../exitCodes';
import { observe, recorded } from '../execution';
import { workflowIdArg } from '../options';

interface ReportOptions {
  format: string;
  runId?: string;
}

const FORMATS = ['md', 'json', 'html', 'evidence'];

/** The packet the target's ledger keeps: when Temporal has forgotten the rollout, or always for --format evidence. */
async function fromLedger(id: string, format: string): Promise<void> {
  if (!config().databaseUrl) throw new CliError(`Temporal has no rollout ${id}: set DATABASE_URL to read its evidence from the target's ledger`);
  const stored = await storedEvidence(id);
  if (!stored) throw new CliError(`no rollout ${id} in Temporal, and no evidence for it in the target's ledger: check the id and DATABASE_URL`);
  if (format === 'html') {
    throw new CliError(
      `Temporal no longer has rollout ${id}: its HTML page is made from Temporal's history; ` +
        "--format md reads the sealed packet from the target's ledger",
    );
  }
  if (format === 'evidence') print(JSON.stringify(stored.evidence, null, 2));
  else if (format === 'json') print(JSON.stringify({ source: LEDGER_SOURCE, recordedAt: stored.recordedAt, evidence: stored.evidence }, null, 2));
  else print(renderEvidenceMarkdown(stored.evidence, LEDGER_SOURCE));
}

/** `rollout report verify FILE`: exit 0 for an intact packet (equal to the stored copy when reachable), TAMPERED otherwise. */
async function verify(file: string | undefined): Promise<void> {
  if (!file) throw new CliError('rollout report verify FILE: the evidence file to check (rollout report ID --format evidence)');
  const outcome = await verifyEvidence(readEvidenceFile(file), config().databaseUrl);
  for (const line of outcome.lines) print(line);
  if (!outcome.ok) process.exitCode = EXIT_CODES.TAMPERED.code;
}

export function register(program: Command): void {
  program
    .command('report')
    .description('the evidence packet of a rollout: the gate, per phase the expected and actual deltas, verification, rollback, SQL digests, Temporal ids and link')
    .argument('<id>', 'workflow id (or: verify FILE)')
    .argument('[file]', 'with verify: the evidence file')
    .option(
      '--format <format>',
      'md, json, html (one self-contained page, for people without a terminal), or evidence (the sealed packet in the target\'s ledger)',
      'md',
    )
    .option('--run-id <runId>', 'a particular run (default: the latest)')
    .addHelpText(
      'after',
      '\nExamples:\n  rollout report rollout-db-5432-directus > evidence.md\n  rollout report rollout-db-5432-directus --format json | jq .phases\n' +
        '  rollout report rollout-db-5432-directus --format html > evidence.html     # open in any browser; loads nothing\n' +
        '  rollout report rollout-db-5432-directus --format evidence > evidence.json\n  rollout report verify evidence.json\n\n' +
        'Works for running rollouts (an interim packet) and finished ones. The link uses TEMPORAL_UI_URL (default http://localhost:8080).\n' +
        'When Temporal no longer has the rollout (its retention passed), the packet comes from the target\'s ledger\n' +
        '(DATABASE_URL), sealed when the rollout ended, and the report says so. `verify` re-computes a packet\'s digests\n' +
        'offline and, with DATABASE_URL, compares it with the stored copy.',
    )
    .action(
      action(async (idArg: string, file: string | undefined, opts: ReportOptions) => {
        if (idArg === 'verify') return verify(file);
        if (file !== undefined) {
          throw new CliError(`unexpected argument ${JSON.stringify(file)}: rollout report ID [--format md|json|html|evidence]`);
        }
        const workflowId = workflowIdArg(idArg);
        if (!FORMATS.includes(opts.format)) throw new CliError(`--format ${JSON.stringify(opts.format)}: use md, json, html or evidence`);
        if (opts.format === 'evidence') return fromLedger(workflowId, opts.format);
        const ui = temporalUiBase(process.env);
        try {
          await withTemporal(async (client, cfg) => {
            const { execution, progress } = await observe(client, workflowId, opts.runId ? workflowIdArg(opts.runId) : undefined);
            const { input, approvals } = await recorded(client, workflowId, execution.runId);
            const namespace = cfg.temporal.namespace;
            const uiUrl = workflowUrl(ui, namespace, workflowId, execution.runId);
            const packet = buildPacket({ progress, input, approvals, execution, namespace, uiUrl });
            const render = { json: () => JSON.stringify(packet, null, 2), html: () => renderHtml(packet) }[opts.format];
            print(render ? render() : renderMarkdown(packet));
          });
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError) || !config().databaseUrl) throw err;
          await fromLedger(workflowId, opts.format);
        }
      }),
    );
}
