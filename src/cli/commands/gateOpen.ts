import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { GateClaim, gateOpenedSignal, progressQuery, type GateAttempt } from '../../shared';
import { print, withTemporal } from '../context';
import { action } from '../errors';
import { whileOpen } from '../execution';
import { formatAttempt } from '../../format/progress';
import { workflowIdArg } from '../options';

const ANSWER_TIMEOUT_MS = 60_000;

export function register(program: Command): void {
  program
    .command('gate-open')
    .description('claim that people opened the gate; the workflow checks os_proposal_approvals and accepts or refuses')
    .argument('<id>', 'workflow id')
    .requiredOption('--by <name>', 'who opens the gate (recorded with the attempt)')
    .option('--json', 'print the attempt as JSON')
    .addHelpText('after', '\nExample:\n  rollout gate-open rollout-db-5432-directus --by "ops on call"\n\nExit 0 whether accepted or refused; non-zero only when the signal could not be delivered.')
    .action(
      action(async (idArg: string, opts: { by: string; json?: boolean }) => {
        const workflowId = workflowIdArg(idArg);
        const claim = GateClaim.parse({ id: randomUUID(), by: opts.by });
        await withTemporal(async (client) => {
          const handle = client.workflow.getHandle(workflowId);
          await whileOpen(client, workflowId, (h) => h.signal(gateOpenedSignal, claim));
          const deadline = Date.now() + ANSWER_TIMEOUT_MS;
          let answer: GateAttempt | undefined;
          while (!answer && Date.now() < deadline) {
            const progress = await handle.query(progressQuery).catch(() => undefined);
            answer = progress?.gate.attempts.find((a) => a.id === claim.id);
            if (!answer) await new Promise((r) => setTimeout(r, 200));
          }
          if (opts.json) {
            print(JSON.stringify({ workflowId, answered: answer !== undefined, attempt: answer ?? null }));
            return;
          }
          if (!answer) {
            print(`signal delivered to ${workflowId}; no answer within ${ANSWER_TIMEOUT_MS / 1000}s (is a worker running?)`);
            return;
          }
          print(formatAttempt(answer));
          print(answer.outcome);
        });
      }),
    );
}
