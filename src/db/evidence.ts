// The evidence packets in the target's ledger: sealed and chained when a rollout ends, read back for a
// report when Temporal has forgotten the rollout.
import { buildEvidence, type Evidence, type PlannedSql } from '../evidence/packet';
import type { Json } from '../evidence/seal';
import type { RolloutInput } from '../shared/input';
import type { RolloutProgress } from '../shared/progress';
import { takeRolloutLock } from './lock';
import type { Pool } from './pool';
import { runScript, withClient, withTransaction } from './pool';
import { sqlFile } from './sql';

const EVIDENCE_TABLE = 'governed_rollout.evidence';

export interface EvidenceInput {
  progress: RolloutProgress;
  input: RolloutInput;
  approvals: Record<string, unknown>[];
}

export interface StoredEvidence {
  digest: string;
  previousDigest: string | null;
  /** Where it is kept: the target's ledger. */
  where: string;
}

/**
 * Seals the rollout's evidence and stores it in the target's ledger, chained to the packet before it.
 * Idempotent: a retry finds the packet already stored and returns it unchanged.
 */
export async function recordEvidence(
  pool: Pool,
  src: EvidenceInput,
  planned: PlannedSql,
  workerBuild: string | null,
): Promise<StoredEvidence> {
  return withTransaction(pool, async (client) => {
    // Chained to the newest packet on this target: written one at a time, under the lock every write takes.
    await takeRolloutLock(client);
    const stored = (
      await runScript<{ packet: Evidence; digest: string }>(client, sqlFile('ledger/evidence_read.sql'), [
        src.progress.rolloutId,
      ])
    ).rows[0];
    if (stored)
      return { digest: stored.digest, previousDigest: stored.packet.body.previousDigest, where: EVIDENCE_TABLE };
    const previous =
      (await runScript<{ digest: string }>(client, sqlFile('ledger/evidence_last.sql'))).rows[0]?.digest ?? null;
    const evidence = buildEvidence({
      progress: src.progress,
      input: src.input,
      approvals: src.approvals as Json[],
      planned,
      workerBuild,
      previousDigest: previous,
      rehearsal: (src.input.rehearsal as Evidence | undefined) ?? null,
    });
    await runScript(client, sqlFile('ledger/evidence_write.sql'), [
      src.progress.rolloutId,
      src.progress.workflowId,
      src.progress.state,
      evidence.digest,
      previous,
      JSON.stringify(evidence),
    ]);
    return { digest: evidence.digest, previousDigest: previous, where: EVIDENCE_TABLE };
  });
}

/** A rollout's stored evidence, by rollout id or workflow id: for a report when Temporal has forgotten it. */
export async function readEvidence(pool: Pool, id: string): Promise<{ evidence: Evidence; recordedAt: string } | null> {
  return withClient(pool, async (client) => {
    const row = (
      await runScript<{ packet: Evidence; recorded_at: string }>(client, sqlFile('ledger/evidence_read.sql'), [id])
    ).rows[0];
    return row ? { evidence: row.packet, recordedAt: row.recorded_at } : null;
  });
}
