import { requireDatabaseUrl, targetOf } from '../../config';
import { RolloutInput } from '../../shared/input';
import { config } from '../context';
import { EXIT_CODES } from '../exitCodes';
import { startInput, type StartOptions } from '../options';
import { print } from '../output';

export interface PlanOptions extends StartOptions {
  workerRole?: string;
  json?: boolean;
}

export async function plan(opts: PlanOptions): Promise<void> {
  const cfg = config();
  // startInput validates exactly as `start` does; parsing again gives the defaults their types.
  const input = RolloutInput.parse(startInput(opts, targetOf(cfg)));
  const databaseUrl = requireDatabaseUrl(cfg);
  // The catalog reads and the driver load once the input holds.
  const [{ planRollout, readOnlyPool }, { formatPlan }] = await Promise.all([
    import('../../plan/plan.js'),
    import('../../plan/format.js'),
  ]);
  const pool = readOnlyPool(databaseUrl);
  try {
    const plan = await planRollout(pool, input, opts.workerRole ? { workerRole: opts.workerRole } : {});
    print(opts.json ? JSON.stringify(plan, null, 2) : formatPlan(plan));
    if (plan.verdict !== 'GO') process.exitCode = EXIT_CODES.NO_GO.code;
  } finally {
    await pool.end();
  }
}
