// The workflow code a worker runs, bundled once at build time (`npm run build` writes it next to the
// compiled code), so a replacement worker starts in well under a second and without webpack. Its
// digest names the build: a change to the workflow code is a new worker version.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

export const WORKFLOWS_PATH = require.resolve('./workflows');
/** dist/workflow-bundle.js beside dist/worker.js; absent when running from the TypeScript sources. */
export const PREBUILT_BUNDLE = path.join(__dirname, 'workflow-bundle.js');

export interface WorkflowBundle {
  code: string;
  /** Where the code came from: the build's file, or bundled in this process because there was none. */
  source: 'prebuilt' | 'bundled';
  /** The file read, when prebuilt. */
  path: string | null;
}

// webpack's progress and warnings would otherwise flood the worker's log.
const quiet = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => process.stderr.write(`${message}\n`),
};

export async function bundleWorkflows(workflowsPath = WORKFLOWS_PATH): Promise<string> {
  return (await bundleWorkflowCode({ workflowsPath, logger: quiet })).code;
}

/** The build step: bundles the compiled workflows and writes the file workers load. */
export async function writeWorkflowBundle(file = PREBUILT_BUNDLE): Promise<string> {
  const code = await bundleWorkflows();
  writeFileSync(file, code);
  return file;
}

/** The newest modification time of the compiled code a bundle is made from (workflows and the shared contract). */
function newestSource(): number {
  const dirs = [path.dirname(WORKFLOWS_PATH), path.join(__dirname, 'shared')];
  let newest = 0;
  for (const dir of dirs) {
    for (const name of readdirSync(dir)) {
      if (name.endsWith('.js')) newest = Math.max(newest, statSync(path.join(dir, name)).mtimeMs);
    }
  }
  return newest;
}

/**
 * The prebuilt bundle when there is one and it is not older than the code it was made from (a plain
 * `tsc` after a build would otherwise run stale workflow code); else the workflows bundled here.
 */
export async function loadWorkflowBundle(file = PREBUILT_BUNDLE): Promise<WorkflowBundle> {
  let fresh = false;
  try {
    fresh = statSync(file).mtimeMs >= newestSource();
  } catch {
    fresh = false;
  }
  if (fresh) return { code: readFileSync(file, 'utf8'), source: 'prebuilt', path: file };
  return { code: await bundleWorkflows(), source: 'bundled', path: null };
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '..', 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** `0.1.0-3f2a9c1b7d4e`: the package version and a digest of the workflow code, so new workflow code is a new build. */
export function buildIdOf(code: string): string {
  return `${packageVersion()}-${createHash('sha256').update(code).digest('hex').slice(0, 12)}`;
}
