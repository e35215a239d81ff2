// Notifications end to end: the real notify activity, bound to a notifier, POSTing to a local webhook.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createActivities, type Notification, type NotifyEvent } from '../src/activities';
import type { Notifier } from '../src/activities/notify';
import type { RolloutProgress } from '../src/shared';
import { count, ratify, takeSnapshot } from './support/db';
import { holdUntilCancelled, onApply } from './support/faults';
import { CLONE_SCAN_RULESET, rolloutHarness, type Harness } from './support/harness';
import { unique } from './support/names';
import { finalProgress } from '../src/cli/execution';

interface Received {
  body: Notification;
  status: number;
  at: number;
}

/** A webhook on 127.0.0.1 that answers 500 to the first `failures(event)` POSTs of each event. */
async function webhook(
  failures: (event: NotifyEvent) => number = () => 0,
): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      const body = JSON.parse(text) as Notification;
      const earlier = received.filter((r) => r.body.event === body.event).length;
      const status = earlier < failures(body.event) ? 500 : 204;
      received.push({ body, status, at: Date.now() });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/rollout-events`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const delivered = (received: Received[]) => received.filter((r) => r.status < 300).map((r) => r.body);
const eventsOf = (items: { event: NotifyEvent }[]) => items.map((n) => n.event).sort();

describe('notifications: a log line always, a webhook when set, retried, never blocking the rollout', () => {
  let h: Harness | undefined;
  let hook: Awaited<ReturnType<typeof webhook>> | undefined;
  afterEach(async () => {
    await h?.teardown();
    await hook?.close();
    h = undefined;
    hook = undefined;
  });

  /** A harness whose worker runs the real notify activity with this notifier; `extra` replaces other activities. */
  async function harnessWith(
    notifier: Notifier,
    extra: Parameters<Harness['startWorker']>[0] = () => ({}),
  ): Promise<Harness> {
    const harness = await rolloutHarness({ worker: false });
    await harness.startWorker((real) => ({
      ...(extra ? extra(real) : {}),
      notify: createActivities({ pool: harness.db.pool, target: harness.target, notifier }).notify,
    }));
    return harness;
  }

  test('happy path: waiting-for-gate, gate-refused, gate-accepted, completed with the packet numbers', async () => {
    hook = await webhook();
    const logs: string[] = [];
    h = await harnessWith({ webhookUrl: hook.url, log: (line) => logs.push(line) });
    const handle = await h.start();
    await handle.signal('gateOpened', { id: unique('claim'), by: 'eager operator' });
    await h.waitFor(handle, (p) => p.gate.attempts.length === 1);
    await ratify(h.db.pool);
    await handle.signal('gateOpened', { id: unique('claim'), by: 'ops on call' });
    const final: RolloutProgress = await finalProgress(handle);
    expect(final.state).toBe('COMPLETED');

    // The workflow awaits its notices before it ends: every one is in by now, each exactly once.
    const bodies = delivered(hook.received);
    expect(eventsOf(bodies)).toEqual(['completed', 'gate-accepted', 'gate-refused', 'waiting-for-gate']);
    for (const b of bodies)
      expect(b).toMatchObject({ workflowId: handle.workflowId, target: h.target, apr: 'APR-BOOT-AUTHMODEL-1' });
    const byEvent = Object.fromEntries(bodies.map((b) => [b.event, b]));
    expect(byEvent['waiting-for-gate']).toMatchObject({ state: 'WAITING_FOR_GATE', metrics: null });
    expect(byEvent['gate-refused']).toMatchObject({ state: 'WAITING_FOR_GATE', metrics: null });
    expect(byEvent.completed).toMatchObject({
      state: 'COMPLETED',
      reason: null,
      metrics: { own: 30, gap: 0, conflict: 0, gov_emit: 0, coverage_pct: 100, direct: 30, inherited: 210, ospa: 1 },
    });

    expect(logs).toHaveLength(4);
    for (const b of bodies)
      expect(logs).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^rollout ${b.event}: ${handle.workflowId} target=${h.target} apr=APR-BOOT-AUTHMODEL-1 state=${b.state}`,
          ),
        ),
      );
    expect(logs.find((l) => l.startsWith('rollout completed:'))).toContain(
      'own=30 gap=0 conflict=0 gov_emit=0 coverage_pct=100',
    );
  });

  test('cancelled after the seed: gate-accepted, compensating, compensated with the baseline numbers', async () => {
    hook = await webhook();
    const logs: string[] = [];
    h = await harnessWith(
      { webhookUrl: hook.url, log: (line) => logs.push(line) },
      onApply('scan', () => holdUntilCancelled()),
    );
    await ratify(h.db.pool);
    const snapshotRef = await takeSnapshot(h.db.pool);
    const handle = await h.start({ scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef } });
    await handle.signal('gateOpened', { id: unique('claim'), by: 'ops on call' });
    await h.waitFor(handle, (p) => p.steps[0]?.status === 'done');
    await handle.cancel();
    const final: RolloutProgress = await finalProgress(handle);
    expect(final.state).toBe('COMPENSATED');

    const bodies = delivered(hook.received);
    expect(eventsOf(bodies)).toEqual(['compensated', 'compensating', 'gate-accepted', 'waiting-for-gate']);
    const byEvent = Object.fromEntries(bodies.map((b) => [b.event, b]));
    // Compensating is announced with the numbers as the seed left them; compensated with the baseline back.
    expect(byEvent.compensating).toMatchObject({
      state: 'COMPENSATING',
      reason: 'cancelled by request',
      metrics: { own: 30, gap: 0 },
    });
    expect(byEvent.compensated).toMatchObject({
      state: 'COMPENSATED',
      metrics: { own: 0, gap: 210, conflict: 0, gov_emit: 0 },
    });
    expect(byEvent.compensated?.reason).toContain('30 row(s) undone, baseline verified');
    expect(logs).toHaveLength(4);
    expect(await count(h.db.pool, 'select count(*) as n from governance_object_ownership')).toBe(0);
  });

  test('a webhook answering 500 is retried, and the rollout goes on meanwhile and completes', async () => {
    // gate-accepted fails four times (1+2+4+8 s of backoff), the others once each.
    hook = await webhook((event) => (event === 'gate-accepted' ? 4 : 1));
    const logs: string[] = [];
    h = await harnessWith({ webhookUrl: hook.url, log: (line) => logs.push(line) });
    await ratify(h.db.pool);
    const handle = await h.start();
    await handle.signal('gateOpened', { id: unique('claim'), by: 'ops on call' });

    // The seed is done while gate-accepted is still being retried: notices never hold a step back.
    await h.waitFor(handle, (p) => p.steps[0]?.status === 'done');
    const acceptedSoFar = hook.received.filter((r) => r.body.event === 'gate-accepted');
    expect(acceptedSoFar.every((r) => r.status === 500)).toBe(true);
    expect(await count(h.db.pool, 'select count(*) as n from governance_object_ownership')).toBe(30);

    const final: RolloutProgress = await finalProgress(handle);
    expect(final.state).toBe('COMPLETED');
    const tries = (event: NotifyEvent) => hook?.received.filter((r) => r.body.event === event).map((r) => r.status);
    expect(tries('gate-accepted')).toEqual([500, 500, 500, 500, 204]);
    expect(tries('waiting-for-gate')).toEqual([500, 204]);
    expect(tries('completed')).toEqual([500, 204]);
    // A log line for every attempt, delivered or not.
    expect(logs.filter((l) => l.startsWith('rollout gate-accepted:'))).toHaveLength(5);
    expect(logs).toHaveLength(9);
  });

  test('a webhook that never answers 2xx: the rollout completes all the same', async () => {
    hook = await webhook(() => Number.POSITIVE_INFINITY);
    const logs: string[] = [];
    h = await harnessWith({ webhookUrl: hook.url, log: (line) => logs.push(line) });
    await ratify(h.db.pool);
    const final = await h.run();
    expect(final.state).toBe('COMPLETED');
    expect(final.metrics).toMatchObject({ own: 30, gap: 0, conflict: 0, gov_emit: 0, coverage_pct: 100 });
    // Five attempts per event, then the workflow gives the notice up.
    for (const event of ['waiting-for-gate', 'gate-accepted', 'completed'] as const) {
      expect(hook.received.filter((r) => r.body.event === event)).toHaveLength(5);
    }
    expect(logs).toHaveLength(15);
  }, 120_000);

  test('without a webhook, the log line alone', async () => {
    const logs: string[] = [];
    h = await harnessWith({ log: (line) => logs.push(line) });
    await ratify(h.db.pool);
    const final = await h.run();
    expect(final.state).toBe('COMPLETED');
    expect(logs.map((l) => l.split(':')[0]).sort()).toEqual([
      'rollout completed',
      'rollout gate-accepted',
      'rollout waiting-for-gate',
    ]);
  });
});
