import { WorkflowNotFoundError } from '@temporalio/common';
import { buildPacket, packetOfEvidence, type Packet } from '../../report/packet';
import { renderHtml } from '../../report/html';
import { renderMarkdown } from '../../report/markdown';
import { temporalUiBase, workflowUrl } from '../../report/temporalUi';
import { config, withTemporal } from '../context';
import { LEDGER_SOURCE, readEvidenceFile, storedEvidence, verifyEvidence } from '../evidence';
import { CliError } from '../errors';
import { EXIT_CODES } from '../exitCodes';
import { observe } from '../execution';
import { print } from '../output';
import { recorded } from '../recorded';

/** The one rendering of a report, whichever source it was made from. */
function render(packet: Packet, format: string): string {
  if (format === 'json') return JSON.stringify(packet, null, 2);
  return format === 'html' ? renderHtml(packet) : renderMarkdown(packet);
}

/** The packet the target's ledger keeps: when Temporal has forgotten the rollout, or always for --format evidence. */
async function fromLedger(id: string, format: string): Promise<void> {
  const cfg = config();
  if (!cfg.databaseUrl)
    throw new CliError(`Temporal has no rollout ${id}: set DATABASE_URL to read its evidence from the target's ledger`);
  const stored = await storedEvidence(id);
  if (!stored)
    throw new CliError(
      `no rollout ${id} in Temporal, and no evidence for it in the target's ledger: check the id and DATABASE_URL`,
    );
  if (format === 'evidence') {
    print(JSON.stringify(stored.evidence, null, 2));
    return;
  }
  const { rollout } = stored.evidence.body;
  const namespace = cfg.temporal.namespace;
  const uiUrl = workflowUrl(temporalUiBase(process.env), namespace, rollout.workflowId, rollout.runId);
  const packet = packetOfEvidence(stored.evidence, LEDGER_SOURCE, namespace, uiUrl);
  const json = { source: LEDGER_SOURCE, recordedAt: stored.recordedAt, packet, evidence: stored.evidence };
  print(format === 'json' ? JSON.stringify(json, null, 2) : render(packet, format));
}

/**
 * `rollout report verify FILE`: exit 0 for an intact packet (equal to the stored copy when reachable), TAMPERED
 * otherwise. */
export async function verify(file: string): Promise<void> {
  const outcome = await verifyEvidence(readEvidenceFile(file), config().databaseUrl);
  for (const line of outcome.lines) print(line);
  if (!outcome.ok) process.exitCode = EXIT_CODES.TAMPERED.code;
}

export async function report(workflowId: string, opts: { format: string; runId?: string }): Promise<void> {
  if (opts.format === 'evidence') return fromLedger(workflowId, opts.format);
  const ui = temporalUiBase(process.env);
  try {
    await withTemporal(async (client, cfg) => {
      const { execution, progress } = await observe(client, workflowId, opts.runId);
      const { input, approvals } = await recorded(client, workflowId, execution.runId);
      const namespace = cfg.temporal.namespace;
      const uiUrl = workflowUrl(ui, namespace, workflowId, execution.runId);
      print(render(buildPacket({ progress, input, approvals, execution, namespace, uiUrl }), opts.format));
    });
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError) || !config().databaseUrl) throw err;
    await fromLedger(workflowId, opts.format);
  }
}
