// No secrets in logs, and hostile CLI arguments through the real binary: a CLI worker and every CLI
// command of a whole rollout, with their stdout and stderr, and the history and progress, are
// searched for the database password; then a few dozen generated hostile `start` arguments.
import fc from 'fast-check';
import type { RolloutProgress } from '../../src/shared';
import { envFor, lastLine, rollout, startCliWorker, type CliWorker } from '../support/cli';
import { fingerprint, freshDatabase, ratify, type TestDatabase } from '../support/db';
import { unique } from '../support/names';
import { searchableHistory, testPassword } from '../histories/secrets';
import { historyToText } from '../histories/format';
import { INJECTIONS } from '../security/arbitraries';
import { temporalClient } from './support/rollouts';

const CLI_RUNS = 40;

describe('the CLI: no secrets anywhere, hostile arguments refused', () => {
  let db: TestDatabase;
  let worker: CliWorker | undefined;
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await db.drop();
  });

  test('a whole rollout by CLI: the password is in no output, history or progress', async () => {
    db = await freshDatabase();
    const env = envFor(db, { TEMPORAL_TASK_QUEUE: unique('cli-secret') });
    worker = await startCliWorker(env);
    const outputs: string[] = [];
    const run = async (args: string[]) => {
      const r = await rollout(args, env);
      outputs.push(r.stdout, r.stderr);
      return r;
    };
    const id = lastLine((await run(['start', '--apr', 'APR-BOOT-AUTHMODEL-1'])).stdout);
    await run(['gate-open', id, '--by', 'eager operator']);
    await ratify(db.pool);
    await run(['gate-open', id, '--by', 'ops on call']);
    const final = JSON.parse((await run(['result', id, '--json'])).stdout) as RolloutProgress;
    expect(final.state).toBe('COMPLETED');
    await run(['progress', id]);
    await run(['start', '--apr', 'APR-BOOT-AUTHMODEL-1']); // refused: none running now, so this one starts
    await run(['cancel', id]);
    expect(await worker.stop()).toBe(0);
    outputs.push(worker.output());
    worker = undefined;

    const temporal = await temporalClient();
    try {
      const history = historyToText(await temporal.client.workflow.getHandle(id).fetchHistory());
      const everything = [...outputs, searchableHistory(history), JSON.stringify(final)].join('\n');
      expect(everything).toContain(db.name); // the target is named, so the search looked at real text
      expect(everything).not.toContain(testPassword());
      expect(everything).not.toMatch(/postgres(ql)?:\/\/[^\s"]*:[^\s"]*@/);
    } finally {
      await temporal.close();
    }
  });

  test(
    `${CLI_RUNS} generated hostile start arguments ` +
      `through the real CLI: one clear line each, nothing ` +
      `written`,
    async () => {
      db = await freshDatabase();
      const env = envFor(db, { TEMPORAL_TASK_QUEUE: unique('cli-hostile') });
      const before = await fingerprint(db.pool);
      const arg = fc.oneof(
        fc.constantFrom(...INJECTIONS.filter((s) => !s.includes('\u0000'))),
        fc.string({ maxLength: 40 }).filter((s) => !s.includes('\u0000')),
        fc.string({ minLength: 1000, maxLength: 3000 }).filter((s) => !s.includes('\u0000')),
      );
      const argv = fc.oneof(
        arg.map((a) => ['start', '--apr', a]),
        arg.map((a) => [
          'start',
          '--apr',
          'APR-BOOT-AUTHMODEL-1',
          '--scan',
          '--ruleset',
          '/dev/null',
          '--snapshot-ref',
          a,
        ]),
        arg.map((a) => ['start', '--apr', 'APR-BOOT-AUTHMODEL-1', '--gate-timeout', a]),
        arg.map((a) => ['start', '--apr', 'APR-BOOT-AUTHMODEL-1', '--id', a]),
        arg.map((a) => ['progress', a]),
      );
      const samples = fc
        .sample(argv, { numRuns: CLI_RUNS, seed: 7 })
        .filter((a) => a.every((x) => !/^APR-[A-Z0-9]+(-[A-Z0-9]+)*$/.test(x) || x === 'APR-BOOT-AUTHMODEL-1'));
      for (const args of samples) {
        const r = await rollout(args, env);
        if (r.code === 0) {
          // Only a well-formed --id passes; it is the workflow id, a parameter, and the rollout waits at the gate.
          expect(args[3]).toBe('--id');
          expect(lastLine(r.stdout)).toBe(args[4]);
          continue;
        }
        const lines = r.stderr.trimEnd().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^rollout: .{4,}/);
      }
      expect(samples.length).toBeGreaterThan(CLI_RUNS / 2);
      expect(await fingerprint(db.pool)).toEqual(before);
    },
  );
});
