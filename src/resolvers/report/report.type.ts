import { ClassType, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { JSONObjectScalar } from '../../graphql/scalars';
import { Connection } from '../common/connection.type';
import { Node } from '../common/node.type';

/** Where a report stands. */
export enum ReportStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  DONE = 'DONE',
  FAILED = 'FAILED',
}
registerEnumType(ReportStatus, {
  name: 'ReportStatus',
  description: 'Where a report stands: waiting for a worker, being generated, ready, or failed.',
  valuesConfig: {
    QUEUED: { description: 'Requested; waiting for a worker.' },
    RUNNING: { description: 'Being generated.' },
    DONE: { description: 'Figures and file are ready.' },
    FAILED: { description: 'Generation failed; see error.' },
  },
});

/** How long a form's period is. */
export enum ReportPeriodType {
  MONTH = 'MONTH',
  QUARTER = 'QUARTER',
  YEAR = 'YEAR',
}
registerEnumType(ReportPeriodType, {
  name: 'ReportPeriodType',
  description: 'Reporting period of a form (报告期): month (2026-09), quarter (2026Q3) or year (2026).',
  valuesConfig: {
    MONTH: { description: 'Monthly (月报), periods like 2026-09.' },
    QUARTER: { description: 'Quarterly (季报), periods like 2026Q3.' },
    YEAR: { description: 'Yearly (年报), periods like 2026.' },
  },
});

/** The kind of ledger record behind a cell. */
export enum CellEntity {
  PERSON = 'PERSON',
  HOUSEHOLD = 'HOUSEHOLD',
  CASE = 'CASE',
}
registerEnumType(CellEntity, {
  name: 'CellEntity',
  description: 'The kind of ledger record a cell counts.',
  valuesConfig: {
    PERSON: { description: 'Persons (人).' },
    HOUSEHOLD: { description: 'Households (户).' },
    CASE: { description: 'Cases (事件).' },
  },
});

/** One column of a form definition. */
@ObjectType({ description: 'A column of a statistical form (指标).' })
export class FormColumn {
  @Field({ description: 'Key of the column in figures and drill-down.' })
  key: string;

  @Field(() => [String], { description: 'Header levels, outermost first (merged in the XLSX).' })
  header: string[];

  @Field({ description: 'Number format: INTEGER, MONEY or PERCENT.' })
  format: string;

  @Field(() => String, {
    nullable: true,
    description: 'Named ledger query computing it; null for ratios and blanks.',
  })
  indicator: string | null;

  @Field({ description: 'Whether its cells can be drilled into (indicator columns).' })
  drillable: boolean;

  @Field(() => String, { nullable: true, description: 'Why the column is blank, when it is.' })
  note: string | null;
}

/** A statistical form (报表). */
@ObjectType({ description: 'A statistical form (报表) the ledger can generate.' })
export class Form {
  @Field(() => ID, { description: 'Form id, e.g. minimum-living.' })
  id: string;

  @Field({ description: 'Title (表名).' })
  title: string;

  @Field(() => String, { nullable: true, description: 'Form number (表号), e.g. 民统季1表.' })
  tableCode: string | null;

  @Field({ description: 'Unit of measure (单位).' })
  unit: string;

  @Field(() => ReportPeriodType, { description: 'Period type.' })
  periodType: ReportPeriodType;

  @Field({ description: 'Area level of its rows: COMMUNITY or GRID.' })
  rowLevel: string;

  @Field(() => [FormColumn], { description: 'Columns, in order.' })
  columns: FormColumn[];

  @Field(() => [String], { description: 'Notes printed under the table (注).' })
  notes: string[];
}

/** A generated report. */
@ObjectType({ description: 'A report: one form generated for a period and area.' })
export class Report {
  @Field(() => ID, { description: 'Report id.' })
  id: string;

  @Field({ description: 'Form id.' })
  formId: string;

  @Field({ description: 'Period, e.g. 2026Q3.' })
  period: string;

  @Field({ description: 'Area the report covers (填报单位).' })
  areaCode: string;

  @Field({ description: "The instant the figures reflect: the period's last instant (China time)." })
  asOf: Date;

  @Field(() => ReportStatus, { description: 'Where generation stands.' })
  status: ReportStatus;

  @Field(() => JSONObjectScalar, {
    nullable: true,
    description: 'Figures when DONE: columns, rows (AREA, SUBTOTAL, TOTAL) with values by column key, notes.',
  })
  figures: object | null;

  @Field(() => String, {
    nullable: true,
    description: 'Download path of the XLSX file when DONE (relative to the API origin).',
  })
  downloadUrl: string | null;

  @Field(() => String, { nullable: true, description: 'Why generation failed.' })
  error: string | null;

  @Field({ description: 'When it was requested.' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When generation finished.' })
  finishedAt: Date | null;
}

/** A page of the ledger records behind a cell. */
@ObjectType({ description: 'A page of the ledger records behind a report cell.' })
export class ReportCellRecordConnection extends Connection(
  Node as unknown as ClassType<Node>,
  'ReportCellRecord',
  'record behind a cell',
) {}

/** A cell against the same cell one period earlier. */
@ObjectType({
  description: 'A cell compared with the previous period: figures and the records that entered or left.',
})
export class ReportCellChange {
  @Field({ description: 'The previous period, e.g. 2026Q2.' })
  previousPeriod: string;

  @Field({ description: 'The figure for this period.' })
  value: number;

  @Field({ description: 'The figure for the previous period.' })
  previousValue: number;

  @Field({ description: 'value - previousValue.' })
  delta: number;

  @Field(() => Int, {
    description: 'How many records are behind the cell now but were not at the previous period end.',
  })
  enteredCount: number;

  @Field(() => Int, {
    description: 'How many records were behind the cell at the previous period end but are not now.',
  })
  leftCount: number;

  @Field(() => [Node], { description: 'The records that entered (first 200, as of this period end).' })
  entered: object[];

  @Field(() => [Node], { description: 'The records that left (first 200, as of the previous period end).' })
  left: object[];
}

/** One cell of a form for a period and area. */
@ObjectType({
  description: 'One cell of a form: a column for an area (a row, a subtotal or the total) in a period.',
})
export class ReportCell {
  @Field({ description: 'Form id.' })
  formId: string;

  @Field({ description: 'Period.' })
  period: string;

  @Field({ description: "Area code: the row's area, or the report's area for the total row." })
  areaCode: string;

  @Field({ description: 'Column key.' })
  column: string;

  @Field(() => CellEntity, { description: 'The kind of record the cell counts.' })
  entity: CellEntity;
}
