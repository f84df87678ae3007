import { assertAreaInScope, Scope } from '../../auth/scope';
import type pg from 'pg';
import { withTransaction } from '../../db/pool';
import { AppError } from '../../errors/app-error';
import type { AreaNode, AreaService } from '../../geo/area.service';
import { COHORTS, CohortDefinition } from './cohort.definitions';
import { cohortSql } from './cohort.queries';

/** An entry into or exit from a cohort, as detected by a refresh. */
export interface CohortEvent {
  id: number;
  cohortId: string;
  districtCode: string;
  personId: number;
  kind: 'ENTERED' | 'EXITED';
  areaCode: string;
  occurredAt: Date;
}

/** The China calendar day of an instant, YYYY-MM-DD. */
export function chinaDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

/**
 * Standing cohorts over the ledger: counts per area, members, and entry/exit events. A refresh
 * compares who qualifies at an instant with the stored membership, so people enter and leave by
 * ledger changes and by the passage of time alike (a birthday, a health check growing old).
 */
export class CohortService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly areas: AreaService,
    private readonly definitions: readonly CohortDefinition[] = COHORTS,
  ) {}

  /** Every cohort. */
  list(): readonly CohortDefinition[] {
    return this.definitions;
  }

  /** One cohort; an unknown id is the caller's error naming `field`. */
  get(id: string, field = 'cohort'): CohortDefinition {
    const c = this.definitions.find((d) => d.id === id);
    if (!c)
      throw new AppError(
        'COHORT_UNKNOWN',
        `no cohort is named "${id.slice(0, 40)}"; known cohorts: ${this.definitions.map((d) => d.id).join(', ')}`,
        field,
      );
    return c;
  }

  /** Members per area at a level under a root area, as of `at` (one statement, no per-area loop). */
  async counts(cohortId: string, at: Date, rootCode: string, level: AreaNode['level'], scope: Scope) {
    const cohort = this.get(cohortId);
    await this.areas.ready();
    assertAreaInScope(this.areas, scope, rootCode);
    const root = await this.areas.get(rootCode, 'areaCode');
    const rows = root.level === level ? [root] : await this.areas.list(level, root.code);
    const leaves: string[] = [];
    const rowOfLeaf: string[] = [];
    for (const r of rows)
      for (const a of await this.areas.list(null, r.code)) {
        leaves.push(a.code);
        rowOfLeaf.push(r.code);
      }
    const { rows: out } = await this.pool.query<{ row_code: string; n: number }>(
      cohortSql.counts(cohort.sql),
      [at, chinaDay(at), leaves, rowOfLeaf],
    );
    const byRow = new Map(out.map((r) => [r.row_code, r.n]));
    return rows
      .sort((a, b) => a.code.localeCompare(b.code))
      .map((r) => ({ areaCode: r.code, name: r.name, count: byRow.get(r.code) ?? 0 }));
  }

  /** One page of member person ids within an area (and below), as of `at`. */
  async members(
    cohortId: string,
    at: Date,
    areaCode: string,
    window: { afterId: number; limit: number },
    scope: Scope,
  ) {
    const cohort = this.get(cohortId);
    await this.areas.ready();
    assertAreaInScope(this.areas, scope, areaCode);
    const leaves = (await this.areas.list(null, (await this.areas.get(areaCode, 'areaCode')).code)).map(
      (a) => a.code,
    );
    const { rows } = await this.pool.query<{ person_id: string }>(cohortSql.members(cohort.sql), [
      at,
      chinaDay(at),
      leaves,
      window.afterId,
      window.limit + 1,
    ]);
    const ids = rows.map((r) => Number(r.person_id));
    return { ids: ids.slice(0, window.limit), hasNextPage: ids.length > window.limit };
  }

  /** Updates the stored membership to `at` and records the entries and exits. */
  async refresh(cohortId: string, at: Date): Promise<{ entered: number; exited: number }> {
    const cohort = this.get(cohortId);
    return withTransaction(this.pool, async (client) => {
      await client.query(cohortSql.lock, [cohort.id]);
      const { rows } = await client.query<{ entered: number; exited: number }>(
        cohortSql.refresh(cohort.sql),
        [at, chinaDay(at), cohort.id],
      );
      return rows[0];
    });
  }

  /** Entry and exit events of a cohort after an event id, oldest first. */
  async events(cohortId: string, scope: Scope, afterId = 0, limit = 200): Promise<CohortEvent[]> {
    this.get(cohortId);
    const { rows } = await this.pool.query(cohortSql.events(scope, cohortId, afterId, limit));
    return rows.map((r) => ({
      id: Number(r.id),
      cohortId: r.cohort_id,
      districtCode: r.district_code,
      personId: Number(r.person_id),
      kind: r.kind,
      areaCode: r.area_code,
      occurredAt: r.occurred_at,
    }));
  }
}
