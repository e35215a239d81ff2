// Everything a rollout would meet, read and never written: the contract against the live catalog, then
// every step's prerequisites. `rollout plan` prints it; the preflight activity refuses on it, after the
// gate and before the first write, so the seed never commits when a later step would be refused.
import {
  catalogRelationNames,
  contractFindings,
  describeFinding,
  type Catalog,
  type Finding,
  type WrittenValues,
} from '../contract/check';
import { dataValues, writtenValues, type DataValue } from '../contract/values';
import { CONTRACT, relationsInScope, type ContractScope } from '../contract/contract';
import { measureOn } from '../db/measure';
import type { Pool, PoolClient } from '../db/pool';
import { runScript, withTransaction } from '../db/pool';
import { sqlFile } from '../db/sql';
import type { Metrics, RolloutInput } from '../shared';
import { rehearsalProblems, type RehearsalRule } from '../evidence/packet';
import { stepsFor } from './index';
import { check, one } from './inspect';
import { plannedSql } from './manifest';
import type { Change, Check } from './types';

export interface Inspection {
  verdict: 'GO' | 'NO-GO';
  /** The role whose privileges the contract was checked for. */
  role: string;
  /** Every gap between the contract and the catalog; notes do not block. */
  contract: Finding[];
  /** The relations the contract holds this rollout to. */
  relations: number;
  /** The data checks; empty when the contract does not hold (they would only fail on the same gaps). */
  checks: Check[];
  changes: Change[];
  metrics: Metrics | null;
}

export interface InspectOptions {
  /** Check the privileges of this role instead of the connected one (the plan, run by the owner). */
  workerRole?: string;
}

export function scopeOf(input: Pick<RolloutInput, 'scan' | 'seedScript'>): ContractScope {
  return { scan: Boolean(input.scan), seedScript: Boolean(input.seedScript) };
}

export async function readCatalog(client: PoolClient): Promise<Catalog> {
  const { rows } = await runScript<{ jsonb_build_object: Omit<Catalog, 'ledgerVersion'> }>(
    client,
    sqlFile('contract/catalog.sql'),
    [catalogRelationNames(CONTRACT), CONTRACT.functions.map((f) => f.signature)],
  );
  const found = rows[0]?.jsonb_build_object;
  if (!found) throw new Error('contract/catalog.sql returned no row');
  const versionTable = found.relations.find((r) => r.name === `${CONTRACT.ledger.schema}.ledger_version`);
  const ledgerVersion =
    versionTable?.found && versionTable.select
      ? ((await runScript<{ version: number | null }>(client, sqlFile('ledger/version.sql'))).rows[0]?.version ?? null)
      : null;
  return { ...found, ledgerVersion };
}

/**
 * The owner's plan takes the worker's identity for the rest of its (read-only) transaction: its role and
 * the search_path its sessions get, so names resolve, privileges hold and row level security applies
 * as they will for the rollout. A finding when that cannot be done.
 */
async function actAsWorker(client: PoolClient, role: string): Promise<Finding | null> {
  const exists = (
    await client.query<{ n: number }>('select count(*)::int as n from pg_roles where rolname = $1', [role])
  ).rows[0]?.n;
  if (!exists) {
    return {
      object: `role ${role}`,
      problem: 'does not exist',
      fix: "create it (README: a least-privilege role) or name the worker's role",
      severity: 'no-go',
    };
  }
  await client.query('savepoint as_worker');
  try {
    await runScript(client, sqlFile('contract/as_worker.sql'), [role]);
    await client.query('release savepoint as_worker');
    return null;
  } catch (err) {
    if ((err as { code?: unknown }).code !== '42501') throw err;
    await client.query('rollback to savepoint as_worker');
    return {
      object: `role ${role}`,
      problem: 'the connected role may not act as it (SET ROLE), so the database cannot be seen as the worker sees it',
      fix:
        'run the plan as a member of the role, or as the worker itself (its own connection settings, without ' +
        '--worker-role)',
      severity: 'no-go',
    };
  }
}

/** The longest values the target's own data puts into written columns, for the columns the catalog has. */
async function measuredValues(client: PoolClient, catalog: Catalog, data: DataValue[]): Promise<WrittenValues> {
  const readable = data.filter((d) => {
    const relation = catalog.relations.find((r) => r.name === d.relation);
    return relation?.found && relation.columns.some((c) => c.name === d.column && c.select);
  });
  if (readable.length === 0) return {};
  const { rows } = await runScript<{ key: string; length: number | null }>(client, sqlFile('contract/widths.sql'), [
    JSON.stringify(readable),
  ]);
  return dataValues(readable, rows);
}

/** A target whose owner requires a clone rehearsal: the run must carry a rehearsal's evidence that stands for it. */
async function inspectRehearsal(client: PoolClient, input: RolloutInput): Promise<Check[]> {
  const rule = (await one<{ value: RehearsalRule }>(client, 'ledger/policy_read.sql', []))?.value;
  if (!rule) return [];
  const name = 'rehearsal';
  const note =
    `this target requires a COMPLETED clone rehearsal of the same SQL, contract and numbers, at most ` +
    `${rule.maxAgeDays} days old`;
  if (!input.rehearsal) {
    return [
      check(
        name,
        false,
        'the evidence of a completed clone rehearsal (--rehearsal FILE)',
        'none given',
        `${note}: rehearse on the clone, then pass its evidence (rollout report ID --format evidence > FILE)`,
      ),
    ];
  }
  const problems = rehearsalProblems(input.rehearsal, plannedSql(input), input.expected, rule, new Date());
  const digest = input.rehearsal.digest;
  return [
    check(
      name,
      problems.length === 0,
      'a completed rehearsal of this very rollout',
      problems.length ? problems.join('; ') : `rehearsal ${digest.slice(0, 12)} stands`,
      note,
    ),
  ];
}

/** The whole inspection on one session; the caller owns the transaction (READ ONLY in both callers). */
export async function inspectRollout(
  client: PoolClient,
  input: RolloutInput,
  options: InspectOptions = {},
): Promise<Inspection> {
  const scope = scopeOf(input);
  const relations = relationsInScope(CONTRACT, scope).length;
  const gateChange: Change = {
    step: 'gate',
    automated: false,
    summary:
      `people ratify ${input.apr} (os_proposal_approvals >= ${input.expected.ospa_min}), then someone runs ` +
      `rollout gate-open: never automated`,
  };
  const refused = options.workerRole ? await actAsWorker(client, options.workerRole) : null;
  if (refused) {
    return {
      verdict: 'NO-GO',
      role: options.workerRole ?? '',
      contract: [refused],
      relations,
      checks: [],
      changes: [gateChange],
      metrics: null,
    };
  }
  const catalog = await readCatalog(client);
  const { values, data } = writtenValues(CONTRACT, scope, input);
  const contract = contractFindings(CONTRACT, catalog, scope, {
    ...values,
    ...(await measuredValues(client, catalog, data)),
  });
  if (contract.some((f) => f.severity === 'no-go')) {
    return {
      verdict: 'NO-GO',
      role: catalog.role,
      contract,
      relations,
      checks: [],
      changes: [gateChange],
      metrics: null,
    };
  }
  const { expected: e, apr } = input;
  const rehearsal = await inspectRehearsal(client, input);
  const m = await measureOn(client, apr);
  const steps: { checks: Check[]; changes: Change[] }[] = [];
  for (const step of stepsFor(input)) steps.push(await step.inspect(client, input, m));
  const [seed, ...later] = steps;
  const checks = [
    check(
      'gate',
      m.ospa >= e.ospa_min,
      `ospa >= ${e.ospa_min}`,
      `ospa = ${m.ospa}`,
      `os_proposal_approvals for ${apr}: only people open it (L2 quorum + L4 President e-signature)`,
    ),
    ...(seed?.checks ?? []),
    check('gov_emit', m.gov_emit === e.gov_emit, e.gov_emit, m.gov_emit, 'event_outbox rows of governance types'),
    check(
      'gov_types_active',
      m.gov_types_active === 0,
      0,
      m.gov_types_active,
      'event_type_registry.active of governance types (Phase 3 is manual)',
    ),
    ...later.flatMap((s) => s.checks),
    ...rehearsal,
  ];
  const changes: Change[] = [
    gateChange,
    ...steps.flatMap((s) => s.changes),
    {
      step: 'phase3',
      automated: false,
      summary:
        `emit activation (UPDATE event_type_registry SET active=true, a dispatcher for event_outbox) is a ` +
        `separate governed step: manual, never automated; ${m.gov_types_active} governance types active now`,
    },
  ];
  return {
    verdict: checks.every((c) => c.ok) ? 'GO' : 'NO-GO',
    role: catalog.role,
    contract,
    relations,
    checks,
    changes,
    metrics: m,
  };
}

/** One line per reason the inspection says NO-GO, each naming the object. */
export function refusals(inspection: Inspection): string[] {
  return [
    ...inspection.contract.filter((f) => f.severity === 'no-go').map(describeFinding),
    ...inspection.checks
      .filter((c) => !c.ok)
      .map((c) => `${c.name}: expected ${c.expected}, actual ${c.actual}${c.note ? ` (${c.note})` : ''}`),
  ];
}

export interface PreflightResult {
  verdict: 'GO' | 'NO-GO';
  refusals: string[];
  notes: string[];
  metrics: Metrics | null;
}

/**
 * After the gate is accepted and before anything is written: the contract and every later step's
 * prerequisites, in a READ ONLY transaction, as the worker's own role.
 */
export async function preflight(pool: Pool, input: RolloutInput): Promise<PreflightResult> {
  return withTransaction(
    pool,
    async (client) => {
      const inspection = await inspectRollout(client, input);
      return {
        verdict: inspection.verdict,
        refusals: refusals(inspection),
        notes: inspection.contract.filter((f) => f.severity === 'note').map(describeFinding),
        metrics: inspection.metrics,
      };
    },
    { readOnly: true },
  );
}
