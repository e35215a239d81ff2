import type { Pool } from '../../src/db/pool';
import type { TemporalClusterOptions } from '../../src/infra/temporalServer';

/** The connection the Temporal server proper gets to a test PostgreSQL (its superuser). */
export function clusterPostgres(postgres: { port: number; url(): string }): TemporalClusterOptions['postgres'] {
  const url = new URL(postgres.url());
  return {
    host: url.hostname,
    port: postgres.port,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}

/** What tableNumbers reads after a rollout with the scan: the packet's numbers, Phase 3 off, 5 + 35 candidates. */
export const SCANNED_TABLES = {
  own: 30,
  gap: 0,
  conflict: 0,
  gov_emit: 0,
  gov_types_active: 0,
  candidate_state: 5,
  candidate_object: 35,
};

/** The packet's numbers read from the tables themselves, not from the workflow's report. */
export async function tableNumbers(pool: Pool): Promise<Record<string, number>> {
  const { rows } = await pool.query<Record<string, number>>(
    `select (select count(*) from governance_object_ownership)::int as own,
            (select count(*) from v_object_owner_gap)::int as gap,
            (select count(*) from v_object_owner_conflict)::int as conflict,
            (select count(*) from event_outbox o join event_type_registry r using (event_type)
              where r.event_domain = 'governance')::int as gov_emit,
            (select count(*) from event_type_registry
              where event_domain = 'governance' and active)::int as gov_types_active,
            (select count(*) from candidate_state)::int as candidate_state,
            (select count(*) from candidate_object)::int as candidate_object`,
  );
  return rows[0] ?? {};
}
