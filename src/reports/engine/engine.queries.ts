import type { CompiledIndicator, IndicatorFamily, SourceNeeds } from '../indicators/indicator.types';
import type { SqlParams } from '../indicators/sql-params';

function aggregate(c: CompiledIndicator): string {
  switch (c.measure) {
    case 'count':
      return `count(*) FILTER (WHERE ${c.condition})`;
    case 'countDistinct':
      return `count(DISTINCT ${c.entity}) FILTER (WHERE ${c.condition})`;
    case 'sum':
      return `coalesce(sum(${c.value}) FILTER (WHERE ${c.condition}), 0)`;
  }
}

// Every statement names the types of the five fixed parameters, whether a family uses them all or not.
const typed = `WITH fixed AS (SELECT $1::timestamptz AS as_of, $2::date AS last_day, $3::timestamptz AS period_start,
  $4::text[] AS leaves, $5::text[] AS row_codes)\n`;

/** SQL of the report engine: composed from indicator families, always with bound parameters. */
export const engineSql = {
  /**
   * One aggregate statement for every column of one family: a single pass over the family's
   * rows as of T, grouped by row (columns v0, v1... in the order given).
   */
  figures(family: IndicatorFamily, compiled: CompiledIndicator[], p: SqlParams, needs: SourceNeeds): string {
    const source = family.source(p, needs);
    const cols = compiled.map((c, i) => `${aggregate(c)} AS v${i}`).join(',\n       ');
    return `${typed}SELECT b.row_code,\n       ${cols}\nFROM (${source}) b\nGROUP BY b.row_code`;
  },

  /** The records behind one cell: distinct entity ids meeting the column's condition, by id. */
  members(
    family: IndicatorFamily,
    c: CompiledIndicator,
    p: SqlParams,
    needs: SourceNeeds,
    window: { afterId: number; limit: number | null },
  ): string {
    const source = family.source(p, needs);
    const after = p.add(window.afterId, 'bigint');
    const limit = window.limit === null ? '' : `LIMIT ${p.add(window.limit, 'int')}`;
    return `${typed}SELECT DISTINCT ${c.entity} AS id FROM (${source}) b
            WHERE (${c.condition}) AND ${c.entity} > ${after}
            ORDER BY 1 ${limit}`;
  },

  /** How many records are behind one cell. */
  memberCount(family: IndicatorFamily, c: CompiledIndicator, p: SqlParams, needs: SourceNeeds): string {
    return `${typed}SELECT count(DISTINCT ${c.entity})::int AS n FROM (${family.source(p, needs)}) b WHERE ${c.condition}`;
  },
};
