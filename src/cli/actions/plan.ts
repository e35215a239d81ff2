import { requireDatabaseUrl, targetOf } from '../../config';
import { schemas } from '../args';
import { config } from '../context';
import { EXIT_CODES } from '../exitCodes';
import { withTarget, type RolloutFlags, type StartOptions } from '../options';
import { print } from '../output';

export interface PlanOptions extends StartOptions {
  workerRole?: string;
  json?: boolean;
}

/** The dry run of the rollout its checked flags describe (options.ts's startFlags, as `start` checks them). */
export async function plan(flags: RolloutFlags, opts: PlanOptions): Promise<void> {
  const cfg = config();
  // Parsing again gives the defaults their types.
  const input = schemas().RolloutInput.parse(withTarget(flags, targetOf(cfg)));
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
