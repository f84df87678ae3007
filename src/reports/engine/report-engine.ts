import type pg from 'pg';
import { AppError } from '../../errors/app-error';
import type { AreaNode, AreaService } from '../../geo/area.service';
import { engineSql } from './engine.queries';
import type { FormColumn, FormDefinition, IndicatorColumn } from '../forms/form.schema';
import type { FormRegistry } from '../forms/form.registry';
import { INDICATORS } from '../indicators/indicator.registry';
import { CellEntity, CompiledIndicator, IndicatorFamily, SourceNeeds } from '../indicators/indicator.types';
import { SqlParams } from '../indicators/sql-params';
import { parsePeriod, Period, previousPeriod } from './period';

/** A row of a generated form. */
export interface FigureRow {
  kind: 'AREA' | 'SUBTOTAL' | 'TOTAL';
  /** The row's area (the report's area for the total row). */
  areaCode: string;
  name: string;
  /** For grid rows: the community (or street) they belong to. */
  parentName: string | null;
  /** Figures by column key; null for blank columns and ratios over zero. */
  values: Record<string, number | null>;
}

/** A column as reported alongside the figures. */
export interface FigureColumn {
  key: string;
  header: string[];
  format: FormColumn['format'];
  /** Set for columns the ledger cannot fill yet. */
  note: string | null;
}

/** A form evaluated for a period and area: everything the XLSX writer and the API show. */
export interface FormFigures {
  formId: string;
  title: string;
  tableCode: string | null;
  unit: string;
  period: string;
  periodLabel: string;
  /** The instant the figures were evaluated at (the period's last instant). */
  asOf: string;
  areaCode: string;
  areaName: string;
  rowLevel: string;
  columns: FigureColumn[];
  rows: FigureRow[];
  notes: string[];
}

/** One page of the records behind a cell. */
export interface CellMembers {
  entity: CellEntity;
  ids: number[];
  hasNextPage: boolean;
}

/** A cell compared with the same cell one period earlier. */
export interface CellChange {
  entity: CellEntity;
  value: number;
  previousPeriod: string;
  previousValue: number;
  /** Records behind the cell now that were not behind it at the previous period's end. */
  enteredIds: number[];
  /** Records behind the cell at the previous period's end that are not now. */
  leftIds: number[];
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Runs one report statement with settings fit for a single large aggregate: no JIT (its compile
 * time, ~2 s here, exceeds what it saves on a one-off pass) and enough work_mem for the per-person
 * fact aggregate to stay in memory. SET LOCAL keeps them to this transaction.
 */
export async function analyticQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  pool: pg.Pool,
  sql: string,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  const client = await pool.connect();
  try {
    await client.query(`BEGIN READ ONLY; SET LOCAL jit = off; SET LOCAL work_mem = '${ANALYTIC_WORK_MEM}'`);
    const result = await client.query<R>(sql, params);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/** Memory for one report statement's hashes and sorts (per statement, not per connection). */
export const ANALYTIC_WORK_MEM = '256MB';

/**
 * Evaluates declarative forms over the ledger as of a period's last instant. Every indicator
 * column of one family (persons, cases) is computed by ONE aggregate statement grouped by row, so
 * the cost does not grow with the number of areas; totals and subtotals are sums of the rows, and
 * ratios are recomputed from the summed figures.
 */
export class ReportEngine {
  constructor(
    private readonly pool: pg.Pool,
    private readonly areas: AreaService,
    readonly forms: FormRegistry,
  ) {}

  /** The rows of a form under an area, and each row's leaf areas (the row and everything below). */
  private async layout(form: FormDefinition, areaCode: string, field: string) {
    const root = await this.areas.get(areaCode, field);
    const levels: AreaNode['level'][] = ['PROVINCE', 'CITY', 'DISTRICT', 'STREET', 'COMMUNITY', 'GRID'];
    const depth = (l: AreaNode['level']) => levels.indexOf(l);
    if (depth(root.level) > depth(form.rows.level))
      throw new AppError(
        'AREA_LEVEL_INVALID',
        `form ${form.id} has one row per ${form.rows.level.toLowerCase()}; area ${areaCode} is a ${root.level.toLowerCase()}`,
        field,
      );
    const rows =
      root.level === form.rows.level
        ? [root]
        : (await this.areas.list(form.rows.level, root.code)).sort((a, b) => a.code.localeCompare(b.code));
    const leaves: string[] = [];
    const rowOfLeaf: string[] = [];
    const under = await this.areas.list(null, root.code);
    const rowCodes = new Set(rows.map((r) => r.code));
    for (const a of under) {
      // walk up to the row this area belongs to (areas above the row level belong to none)
      let cur: AreaNode | undefined = a;
      while (cur && !rowCodes.has(cur.code))
        cur = cur.parentCode ? await this.areas.find(cur.parentCode) : undefined;
      if (cur) {
        leaves.push(a.code);
        rowOfLeaf.push(cur.code);
      }
    }
    return { root, rows, leaves, rowOfLeaf };
  }

  private compile(form: FormDefinition, cols: IndicatorColumn[], p: SqlParams) {
    const needs = new SourceNeeds();
    const defs = cols.map((c) => {
      const def = INDICATORS.get(c.indicator);
      if (!def) throw new AppError('FORM_DEFINITION_INVALID', `form ${form.id}: no indicator ${c.indicator}`);
      return { def, args: def.args.parse(c.args) };
    });
    const compiled = defs.map(({ def, args }) => def.compile(args, p, needs));
    needs.required = compiled
      .map((c) => c.requires ?? [])
      .reduce((common, r) => common.filter((x) => r.includes(x)));
    return { needs, compiled, entity: defs[0].def.entity };
  }

  /**
   * Checks a request without running it: the form exists, the period has the form's type, the
   * area exists and is not below the form's row level. Errors name the argument at fault.
   */
  async check(formId: string, periodKey: string, areaCode: string) {
    const form = this.forms.get(formId, 'form');
    const period = parsePeriod(periodKey, 'period');
    if (period.type !== form.periodType)
      throw new AppError(
        'VALUE_INVALID',
        `form ${form.id} is reported per ${form.periodType.toLowerCase()}; ${period.key} is a ${period.type.toLowerCase()}`,
        'period',
      );
    return { form, period, ...(await this.layout(form, areaCode, 'areaCode')) };
  }

  /** Evaluates a form for a period and area, as of the period's last instant. */
  async evaluate(formId: string, periodKey: string, areaCode: string): Promise<FormFigures> {
    const { form, period, root, rows, leaves, rowOfLeaf } = await this.check(formId, periodKey, areaCode);
    const values = new Map<string, Record<string, number | null>>(rows.map((r) => [r.code, {}]));

    // one statement per indicator family, run side by side
    const families = new Map<IndicatorFamily, IndicatorColumn[]>();
    for (const c of form.columns) {
      if (!('indicator' in c)) continue;
      const fam = INDICATORS.get(c.indicator)!.family;
      families.set(fam, [...(families.get(fam) ?? []), c]);
    }
    await Promise.all(
      [...families].map(async ([family, cols]) => {
        const p = new SqlParams(period.end, period.lastDay, period.start, leaves, rowOfLeaf);
        const { needs, compiled } = this.compile(form, cols, p);
        const { rows: out } = await analyticQuery(
          this.pool,
          engineSql.figures(family, compiled, p, needs),
          p.values,
        );
        const byRow = new Map(out.map((r) => [r.row_code as string, r]));
        for (const row of rows) {
          const r = byRow.get(row.code);
          cols.forEach((c, i) => {
            values.get(row.code)![c.key] = r ? round(Number(r[`v${i}`]), 2) : 0;
          });
        }
      }),
    );

    const figureRows: FigureRow[] = [];
    const sumOf = (list: Record<string, number | null>[]) => {
      const s: Record<string, number | null> = {};
      for (const c of form.columns) {
        if ('indicator' in c)
          s[c.key] = round(
            list.reduce((n, v) => n + (v[c.key] ?? 0), 0),
            2,
          );
      }
      return s;
    };
    const parentOf = (r: AreaNode) => (form.rows.subtotals && r.parentCode ? r.parentCode : null);
    const areaRows = rows.map((r) => ({
      node: r,
      row: {
        kind: 'AREA' as const,
        areaCode: r.code,
        name: r.name,
        parentName: null as string | null,
        values: values.get(r.code)!,
      },
    }));
    if (form.rows.subtotals) {
      const groups = new Map<string, typeof areaRows>();
      for (const ar of areaRows) {
        const key = parentOf(ar.node) ?? root.code;
        groups.set(key, [...(groups.get(key) ?? []), ar]);
      }
      for (const [parentCode, list] of groups) {
        const parent = await this.areas.get(parentCode);
        for (const ar of list) ar.row.parentName = parent.name;
        figureRows.push({
          kind: 'SUBTOTAL',
          areaCode: parent.code,
          name: `${parent.name}小计`,
          parentName: null,
          values: sumOf(list.map((x) => x.row.values)),
        });
        figureRows.push(...list.map((x) => x.row));
      }
    } else figureRows.push(...areaRows.map((x) => x.row));
    figureRows.push({
      kind: 'TOTAL',
      areaCode: root.code,
      name: '合计',
      parentName: null,
      values: sumOf(areaRows.map((x) => x.row.values)),
    });
    for (const r of figureRows) {
      for (const c of form.columns) {
        if ('blank' in c) r.values[c.key] = null;
        else if ('ratio' in c) {
          const den = r.values[c.ratio.denominator] ?? 0;
          r.values[c.key] =
            den === 0 ? null : round(((r.values[c.ratio.numerator] ?? 0) / den) * c.ratio.scale, 2);
        }
      }
    }
    return {
      formId: form.id,
      title: form.title,
      tableCode: form.tableCode ?? null,
      unit: form.unit,
      period: period.key,
      periodLabel: period.label,
      asOf: period.end.toISOString(),
      areaCode: root.code,
      areaName: root.name,
      rowLevel: form.rows.level,
      columns: form.columns.map((c) => ({
        key: c.key,
        header: c.header,
        format: c.format,
        note: 'blank' in c ? c.note : null,
      })),
      rows: figureRows,
      notes: [...form.notes, ...form.columns.flatMap((c) => ('blank' in c ? [c.note] : []))],
    };
  }

  private async cellQuery(formId: string, period: Period, areaCode: string, columnKey: string) {
    const form = this.forms.get(formId);
    const column = form.columns.find((c) => c.key === columnKey);
    if (!column)
      throw new AppError(
        'COLUMN_NOT_DRILLABLE',
        `form ${form.id} has no column ${columnKey.slice(0, 40)}`,
        'column',
      );
    if (!('indicator' in column))
      throw new AppError(
        'COLUMN_NOT_DRILLABLE',
        `column ${column.key} of form ${form.id} is ${'ratio' in column ? 'a ratio: drill into its numerator or denominator' : 'blank'}`,
        'column',
      );
    // a cell's records are those of its area's whole subtree: a row, a subtotal or the total
    const area = await this.areas.get(areaCode, 'areaCode');
    const leaves = (await this.areas.list(null, area.code)).map((a) => a.code);
    const family = INDICATORS.get(column.indicator)!.family;
    const at = (p: Period) => {
      const params = new SqlParams(
        p.end,
        p.lastDay,
        p.start,
        leaves,
        leaves.map(() => area.code),
      );
      const { needs, compiled, entity } = this.compile(form, [column], params);
      return { params, needs, compiled: compiled[0] as CompiledIndicator, entity };
    };
    return { family, at };
  }

  /** The kind of record a cell counts; checks form, period, area and column. */
  async cellEntity(
    formId: string,
    periodKey: string,
    areaCode: string,
    columnKey: string,
  ): Promise<CellEntity> {
    const period = parsePeriod(periodKey);
    const { at } = await this.cellQuery(formId, period, areaCode, columnKey);
    return at(period).entity;
  }

  /** One page of the ledger records behind a cell (ids ascending), as of the period end. */
  async members(
    formId: string,
    periodKey: string,
    areaCode: string,
    columnKey: string,
    window: { afterId: number; limit: number },
  ): Promise<CellMembers> {
    const period = parsePeriod(periodKey);
    const { family, at } = await this.cellQuery(formId, period, areaCode, columnKey);
    const q = at(period);
    const sql = engineSql.members(family, q.compiled, q.params, q.needs, {
      afterId: window.afterId,
      limit: window.limit + 1,
    });
    const { rows } = await analyticQuery<{ id: string }>(this.pool, sql, q.params.values);
    const ids = rows.map((r) => Number(r.id));
    return { entity: q.entity, ids: ids.slice(0, window.limit), hasNextPage: ids.length > window.limit };
  }

  /** How many records are behind a cell. */
  async memberCount(formId: string, periodKey: string, areaCode: string, columnKey: string): Promise<number> {
    const period = parsePeriod(periodKey);
    const { family, at } = await this.cellQuery(formId, period, areaCode, columnKey);
    const q = at(period);
    const { rows } = await analyticQuery<{ n: number }>(
      this.pool,
      engineSql.memberCount(family, q.compiled, q.params, q.needs),
      q.params.values,
    );
    return rows[0].n;
  }

  /** A cell against the previous period: both figures and the records that entered or left. */
  async change(formId: string, periodKey: string, areaCode: string, columnKey: string): Promise<CellChange> {
    const period = parsePeriod(periodKey);
    const prev = previousPeriod(period);
    const { family, at } = await this.cellQuery(formId, period, areaCode, columnKey);
    const idsAt = async (p: Period) => {
      const q = at(p);
      const sql = engineSql.members(family, q.compiled, q.params, q.needs, { afterId: 0, limit: null });
      const { rows } = await analyticQuery<{ id: string }>(this.pool, sql, q.params.values);
      return { entity: q.entity, ids: rows.map((r) => Number(r.id)) };
    };
    const [now, before] = await Promise.all([idsAt(period), idsAt(prev)]);
    const beforeSet = new Set(before.ids);
    const nowSet = new Set(now.ids);
    const form = this.forms.get(formId);
    const col = form.columns.find((c) => c.key === columnKey)!;
    const sumLike = 'indicator' in col && INDICATORS.get(col.indicator)!.name === 'factAmount';
    const value = sumLike ? NaN : now.ids.length;
    const previousValue = sumLike ? NaN : before.ids.length;
    if (sumLike) {
      // amounts are not record counts: read both figures from the engine's own aggregate
      const [a, b] = await Promise.all([
        this.cellValue(form, period, areaCode, columnKey),
        this.cellValue(form, prev, areaCode, columnKey),
      ]);
      return this.changeOf(now.entity, a, prev.key, b, now.ids, before.ids, nowSet, beforeSet);
    }
    return this.changeOf(now.entity, value, prev.key, previousValue, now.ids, before.ids, nowSet, beforeSet);
  }

  private changeOf(
    entity: CellEntity,
    value: number,
    previousPeriodKey: string,
    previousValue: number,
    nowIds: number[],
    beforeIds: number[],
    nowSet: Set<number>,
    beforeSet: Set<number>,
  ): CellChange {
    return {
      entity,
      value,
      previousPeriod: previousPeriodKey,
      previousValue,
      enteredIds: nowIds.filter((id) => !beforeSet.has(id)),
      leftIds: beforeIds.filter((id) => !nowSet.has(id)),
    };
  }

  private async cellValue(
    form: FormDefinition,
    period: Period,
    areaCode: string,
    key: string,
  ): Promise<number> {
    const col = form.columns.find((c) => c.key === key) as IndicatorColumn;
    const area = await this.areas.get(areaCode, 'areaCode');
    const leaves = (await this.areas.list(null, area.code)).map((a) => a.code);
    const p = new SqlParams(
      period.end,
      period.lastDay,
      period.start,
      leaves,
      leaves.map(() => area.code),
    );
    const { needs, compiled } = this.compile(form, [col], p);
    const family = INDICATORS.get(col.indicator)!.family;
    const { rows } = await analyticQuery(this.pool, engineSql.figures(family, compiled, p, needs), p.values);
    return rows.length ? round(Number(rows[0].v0), 2) : 0;
  }
}
