// `npm ci && npm test` on a fresh machine: scripts/chromium.sh finds a Chromium or installs Debian's with
// apt-get, the way .ci/run used to. A fake apt-get stands in for the real one (nothing is installed), and
// CHROMIUM_CANDIDATES points where no Chromium is, as on a machine without one.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from './support/cli';

const SCRIPT = path.join(REPO, 'scripts', 'chromium.sh');

function executable(file: string, body: string): void {
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

/** A machine without Chromium: its would-be path, and an apt-get that logs its calls and "installs" it (or fails). */
function freshMachine(install: 'works' | 'fails') {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fresh-machine-'));
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  const chromium = path.join(dir, 'usr-bin', 'chromium');
  const log = path.join(dir, 'apt-get.log');
  const installs = `mkdir -p ${path.dirname(chromium)} && printf '#!/bin/sh\\n' > ${chromium} && chmod +x ${chromium}`;
  const onInstall = install === 'works' ? installs : 'exit 100';
  executable(path.join(bin, 'apt-get'), `echo "$*" >> ${log}\ncase "$1" in install) ${onInstall} ;; esac`);
  executable(path.join(bin, 'sudo'), 'shift; exec "$@"'); // when the tests do not run as root: sudo -n apt-get ...
  const env = { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: dir, CHROMIUM_CANDIDATES: chromium };
  const run = (extra: Record<string, string> = {}) =>
    spawnSync('bash', [SCRIPT], { env: { ...env, ...extra }, encoding: 'utf8' });
  return { chromium, log: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []), run };
}

describe('scripts/chromium.sh: the browser tests find or install Chromium', () => {
  test("no Chromium: installs Debian's chromium with apt-get and prints where it now is", () => {
    const machine = freshMachine('works');
    const first = machine.run();
    expect({ status: first.status, stdout: first.stdout.trim() }).toEqual({ status: 0, stdout: machine.chromium });
    expect(machine.log()).toEqual(['update -qq', 'install -y -qq chromium']);
    // Found the next time: nothing installed again.
    expect(machine.run().stdout.trim()).toBe(machine.chromium);
    expect(machine.log()).toHaveLength(2);
  });

  test('CHROMIUM_PATH wins, and one that is not a program is said to be so', () => {
    const machine = freshMachine('works');
    const given = machine.run({ CHROMIUM_PATH: process.execPath });
    expect([given.status, given.stdout.trim()]).toEqual([0, process.execPath]);
    const wrong = machine.run({ CHROMIUM_PATH: '/nonexistent/chromium' });
    expect([wrong.status, wrong.stdout]).toEqual([1, '']);
    expect(wrong.stderr.trim()).toBe('CHROMIUM_PATH=/nonexistent/chromium is not an executable file');
    expect(machine.log()).toEqual([]);
  });

  test('when apt-get cannot install it, one last line says what to do', () => {
    const machine = freshMachine('fails');
    const failed = machine.run();
    expect([failed.status, failed.stdout]).toEqual([1, '']);
    const lines = failed.stderr.trim().split('\n');
    expect(lines[lines.length - 1]).toBe(
      `no Chromium found (looked for: ${machine.chromium}) and none could be installed: install Debian's chromium, ` +
        `or set CHROMIUM_PATH`,
    );
  });
});
