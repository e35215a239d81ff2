// Peak memory of a real `rollout worker` process through one rollout: the kernel's own high-water mark
// (VmHWM), read before the process ends, so no sample can miss a peak. One process per rollout, so each
// size's figure is that rollout's alone; the worker loads dist/ and the prebuilt workflow bundle.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'rollout.js');

export interface WorkerMemory {
  /** RSS when the worker said it was ready, when the rollout waited at its gate, and the peak by its end (MB). */
  readyMb: number;
  gateMb: number;
  peakMb: number;
}

function status(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  const kb = Number(/(\d+)\s*kB/.exec(line ?? '')?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no ${field} for process ${pid}`);
  return kb / 1024;
}

export interface SpawnedWorker {
  pid: number;
  rssMb(): number;
  peakMb(): number;
  stop(): Promise<void>;
}

/** `rollout worker` until its ready line; stop() is SIGTERM, as an operator's service manager sends. */
export async function spawnWorker(env: NodeJS.ProcessEnv): Promise<SpawnedWorker> {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'worker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rollout worker not ready in 120 s: ${out}`)), 120_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('"event":"ready"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => reject(new Error(`rollout worker exited ${code}: ${out}`)));
  });
  if (!out.includes('"bundle":"prebuilt"')) {
    throw new Error(`the worker bundled its workflows at start (npm run build first): ${out}`);
  }
  const pid = child.pid ?? NaN;
  return {
    pid,
    rssMb: () => status(pid, 'VmRSS'),
    peakMb: () => status(pid, 'VmHWM'),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
