// Before the first write, after the gate: no older rollout for the database (of two started in the same
// instant, the younger yields), and the contract and every step's prerequisites as the worker meets them.
// Both are reads the worker answers itself, side by side; the preflight's numbers are the baseline.
import type { RolloutInput } from '../shared';
import type { OnePerDatabase } from './database';
import type { ProgressBook } from './progress';
import { reads } from './proxies';

/** Why the rollout may not write, or null once the baseline is set. */
export async function preflight(
  book: ProgressBook,
  database: OnePerDatabase,
  input: RolloutInput,
): Promise<string | null> {
  const summary = "preflight: the contract and every step's prerequisites, read only";
  const [elder, pre] = await Promise.all([
    database.recheck(),
    reads.preflight.executeWithOptions({ summary }, [input]),
  ]);
  if (elder) return elder;
  if (pre.verdict !== 'GO' || !pre.metrics) return `preflight refused, nothing written: ${pre.refusals.join('; ')}`;
  book.setBaseline(pre.metrics);
  return null;
}
