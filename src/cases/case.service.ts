import type pg from 'pg';
import type { Scope } from '../auth/scope';
import type { AreaService } from '../geo/area.service';
import { PageArgs, pageWindow, toPage } from '../registry/pagination';
import { registrySql } from '../registry/registry.queries';
import type { CaseRow } from '../registry/registry.types';

/** Reads of cases (事); reporting and the workflow are built on the ledger write path too. */
export class CaseService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly areas: AreaService,
  ) {}

  /** Cases by id, in the order asked. */
  async byIds(ids: readonly number[], scope: Scope): Promise<(CaseRow | null)[]> {
    const { rows } = await this.pool.query<CaseRow>(registrySql.casesByIds(ids, scope));
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  }

  /** One page of cases by area subtree and status. */
  async list(filter: { areaCode?: string | null; status?: string | null }, page: PageArgs, scope: Scope) {
    const { limit, afterId } = pageWindow(page);
    const path = filter.areaCode ? await this.areas.pathOf(filter.areaCode, 'filter.areaCode') : null;
    const f = { afterId, limit: limit + 1, areaPath: path, status: filter.status ?? null, scope };
    const { rows } = await this.pool.query<CaseRow>(registrySql.casesPage(f, false));
    let total: Promise<number> | undefined;
    return {
      ...toPage(rows, limit, afterId),
      totalCount: () =>
        (total ??= this.pool
          .query<{ total: number }>(registrySql.casesPage(f, true))
          .then((r) => Number(r.rows[0].total))),
    };
  }
}
