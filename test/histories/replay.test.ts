// Every recorded history (test/histories/*.json, one per path of the workflow) replays on the
// current workflow code: a change that would break rollouts already running fails here. Changes to
// src/workflows/ use patched()/deprecatePatch(); re-record with docs/RELIABILITY.md's command.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { quietRuntime } from '../support/harness';
import { historyFromText } from './format';
import { searchableHistory } from './secrets';

const files = readdirSync(__dirname)
  .filter((f) => f.endsWith('.json'))
  .sort();

const replayOptions = () => ({ workflowBundle: { codePath: process.env.GR_TEST_WORKFLOW_BUNDLE ?? '' } });

describe('recorded histories replay deterministically', () => {
  beforeAll(quietRuntime);

  test('every path is recorded', () => {
    expect(files.map((f) => f.replace(/\.json$/, ''))).toEqual([
      'cancel-after-cursor',
      'cancel-after-scan',
      'cancel-after-seed',
      'cancel-before-gate',
      'drift-refused',
      'failed-verification',
      'footprint-refused',
      'gate-refused-then-accepted',
      'happy',
      'invalid-input',
      'preflight-refused',
      'second-rollout-refused',
      'seed-script',
    ]);
  });

  test('all of them replay on the current workflow code, with no credentials inside', async () => {
    const texts = files.map((f) => ({ name: f, text: readFileSync(path.join(__dirname, f), 'utf8') }));
    for (const { text } of texts)
      expect(searchableHistory(text)).not.toMatch(/postgres(ql)?:\/\/[^"\s]*:[^"\s]*@|password/i);
    const histories = texts.map(({ name, text }) => ({ workflowId: name, history: historyFromText(text) }));
    const results = Worker.runReplayHistories(replayOptions(), histories);
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of results) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(files.length);
  });

  test('a history the code no longer matches fails the replay (so this test can fail)', async () => {
    const text = readFileSync(path.join(__dirname, 'happy.json'), 'utf8').replace(
      /"name": "applyStep"/g,
      '"name": "applyStepRenamed"',
    );
    await expect(Worker.runReplayHistory(replayOptions(), historyFromText(text), 'tampered')).rejects.toThrow(
      /[Nn]ondetermin/,
    );
  });
});
