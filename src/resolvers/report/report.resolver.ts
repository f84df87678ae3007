import { assertAreaInScope } from '../../auth/scope';
import {
  Arg,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { ReportFinishedEvent, TOPIC } from '../../graphql/pubsub';
import type { Context } from '../../graphql/context';
import { AppError } from '../../errors/app-error';
import { encodeCursor, pageWindow } from '../../registry/pagination';
import type { CellEntity as EngineEntity } from '../../reports/indicators/indicator.types';
import { parsePeriod } from '../../reports/engine/period';
import type { ReportRow } from '../../reports/report.service';
import { toConnection } from '../common/connection.type';
import {
  CellEntity,
  Form,
  Report,
  ReportCell,
  ReportCellChange,
  ReportCellRecordConnection,
  ReportPeriodType,
} from './report.type';

interface CellRoot {
  formId: string;
  period: string;
  areaCode: string;
  column: string;
  entity: CellEntity;
}

const TYPENAME: Record<EngineEntity, string> = { PERSON: 'Person', HOUSEHOLD: 'Household', CASE: 'Case' };

/** Loads ledger records by id as of an instant, tagged with their GraphQL type. */
async function loadRecords(ctx: Context, entity: EngineEntity, ids: number[], asOf: Date): Promise<object[]> {
  const rows: (object | null)[] =
    entity === 'PERSON'
      ? await Promise.all(ids.map((id) => ctx.loaders.personById.load({ id, asOf })))
      : entity === 'HOUSEHOLD'
        ? await Promise.all(ids.map((id) => ctx.loaders.householdById.load({ id, asOf })))
        : await ctx.services.cases.byIds(ids, ctx.viewer.readScope);
  return rows.flatMap((r) => (r ? [{ ...r, __typename: TYPENAME[entity] }] : []));
}

function parseReportId(id: string): number {
  const n = Number(id);
  if (!Number.isInteger(n) || n <= 0)
    throw new AppError('REPORT_NOT_FOUND', `no report has id ${id.slice(0, 20)}`, 'id');
  return n;
}

/** Statistical forms: definitions, generation, reports and drill-down into cells. */
@Resolver(() => Report)
export class ReportResolver {
  @Query(() => [Form], { description: 'Every statistical form the ledger can generate.' })
  forms(@Ctx() ctx: Context): Form[] {
    return ctx.services.reports.forms().map((f) => ({
      id: f.id,
      title: f.title,
      tableCode: f.tableCode ?? null,
      unit: f.unit,
      periodType: f.periodType as ReportPeriodType,
      rowLevel: f.rows.level,
      notes: f.notes,
      columns: f.columns.map((c) => ({
        key: c.key,
        header: c.header,
        format: c.format,
        indicator: 'indicator' in c ? c.indicator : null,
        drillable: 'indicator' in c,
        note: 'blank' in c ? c.note : null,
      })),
    }));
  }

  @Mutation(() => Report, {
    description:
      'Requests a form for a period and area; a worker generates it. Poll report(id) for completion.',
  })
  async generateReport(
    @Ctx() ctx: Context,
    @Arg('form', () => String, { description: 'Form id (see forms).' }) form: string,
    @Arg('period', () => String, { description: 'Period: 2026Q3, 2026-09 or 2026, matching the form.' })
    period: string,
    @Arg('areaCode', () => String, {
      description: 'Area the report covers (its rows are the areas below it).',
    })
    areaCode: string,
  ): Promise<ReportRow> {
    return ctx.services.reports.request(form, period, areaCode, ctx.actor.name, ctx.viewer.readScope);
  }

  @Query(() => Report, { description: 'A report by id, with its status, figures and download URL.' })
  async report(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { description: 'Report id.' }) id: string,
  ): Promise<ReportRow> {
    return ctx.services.reports.byId(parseReportId(id), ctx.viewer.readScope);
  }

  @Query(() => ReportCell, {
    description: 'One cell of a form, to list the ledger records behind it (drill-down).',
  })
  async reportCell(
    @Ctx() ctx: Context,
    @Arg('form', () => String, { description: 'Form id.' }) form: string,
    @Arg('period', () => String, { description: 'Period.' }) period: string,
    @Arg('areaCode', () => String, {
      description: "The row's area code (the report's area for the total row).",
    })
    areaCode: string,
    @Arg('column', () => String, { description: 'Column key (an indicator column).' }) column: string,
  ): Promise<CellRoot> {
    await ctx.services.areas.ready();
    assertAreaInScope(ctx.services.areas, ctx.viewer.readScope, areaCode);
    const entity = await ctx.services.reports.engine.cellEntity(form, period, areaCode, column);
    return { formId: form, period: parsePeriod(period).key, areaCode, column, entity: entity as CellEntity };
  }

  @Subscription(() => Report, {
    topics: TOPIC.REPORT_FINISHED,
    filter: ({ payload, args }: { payload: ReportFinishedEvent; args: { id: string } }) =>
      String(payload.id) === args.id,
    description: 'Fires once when the report with this id is DONE or FAILED (instead of polling report(id)).',
  })
  async reportFinished(
    @Root() e: ReportFinishedEvent,
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { description: 'Report id, as generateReport returned it.' }) _id: string,
  ): Promise<ReportRow> {
    return ctx.services.reports.byId(e.id, ctx.viewer.readScope);
  }

  @FieldResolver(() => ID, { description: 'Report id.' })
  id(@Root() r: ReportRow): string {
    return String(r.id);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Download path of the XLSX file when DONE.' })
  downloadUrl(@Root() r: ReportRow, @Ctx() ctx: Context): string | null {
    return ctx.services.reports.downloadPath(r);
  }
}

/** Drill-down: the records behind a cell and the change against the previous period. */
@Resolver(() => ReportCell)
export class ReportCellResolver {
  @FieldResolver(() => ReportCellRecordConnection, {
    description:
      'The ledger records behind the cell as of the period end, by id (persons, households or cases).',
  })
  async records(
    @Root() cell: CellRoot,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 50, at most 200).' })
    first?: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after.' }) after?: string,
  ) {
    const { limit, afterId } = pageWindow({ first, after });
    const engine = ctx.services.reports.engine;
    const page = await engine.members(cell.formId, cell.period, cell.areaCode, cell.column, {
      afterId,
      limit,
    });
    const asOf = parsePeriod(cell.period).end;
    const nodes = (await loadRecords(ctx, page.entity, page.ids, asOf)) as { id: number }[];
    return toConnection({
      nodes,
      hasNextPage: page.hasNextPage,
      hasPreviousPage: afterId > 0,
      cursorOf: (n) => encodeCursor(n.id),
      totalCount: () => engine.memberCount(cell.formId, cell.period, cell.areaCode, cell.column),
    });
  }

  @FieldResolver(() => ReportCellChange, { description: 'The cell against the previous period.' })
  async change(@Root() cell: CellRoot, @Ctx() ctx: Context) {
    const c = await ctx.services.reports.engine.change(cell.formId, cell.period, cell.areaCode, cell.column);
    const now = parsePeriod(cell.period).end;
    const before = parsePeriod(c.previousPeriod).end;
    return {
      previousPeriod: c.previousPeriod,
      value: c.value,
      previousValue: c.previousValue,
      delta: Math.round((c.value - c.previousValue) * 100) / 100,
      enteredCount: c.enteredIds.length,
      leftCount: c.leftIds.length,
      entered: await loadRecords(ctx, c.entity, c.enteredIds.slice(0, 200), now),
      left: await loadRecords(ctx, c.entity, c.leftIds.slice(0, 200), before),
    };
  }
}
