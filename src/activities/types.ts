import type { Pool } from '../db/pool';
import type { Expected, Ruleset, SeedScript } from '../shared/input';
import type { Executed } from '../db/sql';
import type { FootprintProof } from '../shared/footprint';
import type { Notifier } from './notify';

export interface ActivityDeps {
  pool: Pool;
  /** The database this worker serves, by name; a workflow naming another is refused. */
  target: string;
  /** Where rollout events go besides the log: the worker's own setting, never workflow input. */
  notifier?: Notifier;
  /** The worker's build id, recorded in each evidence packet. */
  workerBuild?: string;
}

/** Every activity input names its target, so a worker never acts on a database it was not meant for. */
export interface Targeted {
  target: string;
}

export interface RolloutRef extends Targeted {
  rolloutId: string;
}

/** A write step's result carries the proof of what its transaction wrote (src/shared/footprint.ts). */
export interface Proven extends Executed {
  footprint: FootprintProof;
}

export interface SeedInput extends RolloutRef {
  apr: string;
  expected: Pick<Expected, 'gap' | 'own' | 'conflict' | 'seed_rows'>;
  /** The operator's own seed script, run whole through psql instead of the bundled sections. */
  seedScript?: SeedScript;
}

export interface SeedResult extends Proven {
  inserted: number;
  /** The rows for this APR were already there (a retry after commit, or an earlier rollout). */
  alreadyPresent: boolean;
}

export interface ScanApplyInput extends RolloutRef {
  ruleset: Ruleset;
  snapshotRef: string;
}

export interface ScanResult extends Proven {
  rulesetId: number;
  rulesetCreated: boolean;
  scanRunId: number;
  alreadyApplied: boolean;
  statesInserted: number;
  objectsInserted: number;
  expectedStates: number;
  expectedObjects: number;
  states: number;
  objects: number;
}

/** The scan_cursor row as read before the scan: what the compare-and-set compares with. */
export interface CursorRow {
  snapshot_ref: string | null;
}

export interface CursorInput extends RolloutRef {
  cursorName: string;
  from: CursorRow;
  to: string;
}

export interface CursorResult extends Proven {
  changed: boolean;
  current: string | null;
}

export interface RevertResult extends Proven {
  deleted: number;
}
