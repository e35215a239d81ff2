// The README's first command tells the packet's story on servers of its own: rollout 1 lands the packet's
// numbers once people ratify; rollout 2 is cancelled while its scan waits, and all it wrote is undone.
import { rollout } from './support/cli';

describe('rollout demo', () => {
  test('rollout 1 lands the packet numbers; rollout 2, cancelled mid-rollout, is back at its baseline', async () => {
    const result = await rollout(['demo'], { PATH: process.env.PATH, HOME: process.env.HOME }, 170_000);
    expect(result.code).toBe(0);
    const [first, second] = result.stdout.split('== Rollout 2');
    expect(first).toMatch(/the gate stays closed: os_proposal_approvals has no row/);
    expect(first).toMatch(/ COMPLETED /);
    expect(first).toContain('own=30 gap=0 conflict=0 gov_emit=0 coverage_pct=100 (30 direct + 210 inherited');
    expect(second).toMatch(/seed done: own=30 gap=0/);
    expect(second).toMatch(/ COMPENSATED .*\n\s+reason: cancelled by request: 72 row\(s\) undone, baseline verified/);
    expect(second).toContain('baseline restored: own=0 gap=210 conflict=0 gov_emit=0');
  }, 180_000);
});
