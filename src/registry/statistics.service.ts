import type pg from 'pg';
import { areaVisible, Scope } from '../auth/scope';
import { AppError } from '../errors/app-error';
import { CaseStatus } from '../generated/prisma/enums';
import type { AreaNode, AreaService } from '../geo/area.service';
import { isoDay, shiftYears } from './person.service';
import { statisticsSql } from './statistics.queries';

/** Case statuses in workflow order, as the database enum declares them (every one is reported). */
export const CASE_STATUS_ORDER: readonly string[] = Object.values(CaseStatus);

/** Age from which a resident counts as elderly (老年人) on the dashboard. */
export const ELDERLY_AGE = 60;

/** The figures of one area (its whole subtree), as far as the viewer's scope reaches. */
export interface AreaFiguresRow {
  area: AreaNode;
  persons: number;
  registered: number;
  floating: number;
  elderly: number;
  minimumLiving: number;
  cases: number;
  closedCases: number;
  casesByStatus: { status: string; count: number }[];
}

/** The figures of an area and of each of its direct children visible to the viewer. */
export interface AreaStatisticsRow {
  /** The day (China time) ages and facts are taken on. */
  day: string;
  total: AreaFiguresRow;
  children: AreaFiguresRow[];
}

interface PersonCounts {
  bucket: string | null;
  persons: number;
  registered: number;
  floating: number;
  elderly: number;
  minimumLiving: number;
}

/**
 * Counts for the command center: "every community at a glance" in two statements (persons with
 * their facts, cases), whatever the number of children, grouped by child through a code → child
 * map built from the in-memory area tree. Children outside the viewer's view of the tree are
 * omitted (as in `Area.children`); the counts of the others include only records in scope, so a
 * figure never reveals records the viewer could not list.
 */
export class StatisticsService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly areas: AreaService,
  ) {}

  /**
   * The figures of `areaCode` and of its direct children on today's date (China time). An area
   * outside the viewer's view of the tree is reported as unknown, like `areas(under:)`.
   * `treeScope` decides which areas are visible, `readScope` which records are counted.
   */
  async ofArea(
    areaCode: string,
    treeScope: Scope,
    readScope: Scope,
    now = new Date(),
  ): Promise<AreaStatisticsRow> {
    const area = await this.areas.get(areaCode, 'areaCode');
    if (!areaVisible(this.areas, treeScope, area.code))
      throw new AppError('AREA_UNKNOWN', `no area has code ${areaCode}`, 'areaCode');
    const children = (await this.areas.childrenOf(area.code)).filter((c) =>
      areaVisible(this.areas, treeScope, c.code),
    );
    // code → bucket: each child's subtree counts in the child; the area itself (and any code of an
    // omitted child) only in the total, which the statements add as the NULL bucket.
    const bucketOf = new Map<string, string>();
    for (const code of await this.areas.subtreeCodes(area.code)) bucketOf.set(code, area.code);
    for (const child of children)
      for (const code of await this.areas.subtreeCodes(child.code)) bucketOf.set(code, child.code);
    const input = { codes: [...bucketOf.keys()], buckets: [...bucketOf.values()], scope: readScope };
    const day = isoDay(now);
    const [persons, cases] = await Promise.all([
      this.pool.query<PersonCounts>(
        statisticsSql.persons({ ...input, day, elderlyBornBy: shiftYears(day, -ELDERLY_AGE) }),
      ),
      this.pool.query<{ bucket: string | null; status: string; count: number }>(statisticsSql.cases(input)),
    ]);
    const figures = (node: AreaNode, bucket: string | null): AreaFiguresRow => {
      const p = persons.rows.find((r) => r.bucket === bucket);
      const byStatus = new Map(cases.rows.filter((r) => r.bucket === bucket).map((r) => [r.status, r.count]));
      const casesByStatus = CASE_STATUS_ORDER.map((status) => ({ status, count: byStatus.get(status) ?? 0 }));
      return {
        area: node,
        persons: p?.persons ?? 0,
        registered: p?.registered ?? 0,
        floating: p?.floating ?? 0,
        elderly: p?.elderly ?? 0,
        minimumLiving: p?.minimumLiving ?? 0,
        cases: casesByStatus.reduce((s, c) => s + c.count, 0),
        closedCases: byStatus.get('CLOSED') ?? 0,
        casesByStatus,
      };
    };
    return {
      day,
      total: figures(area, null),
      children: children.map((c) => figures(c, c.code)),
    };
  }
}
