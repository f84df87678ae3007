import { z } from 'zod';

const header = z.array(z.string().min(1)).min(1).max(3);
const format = z.enum(['INTEGER', 'MONEY', 'PERCENT']);

/** A column computed by a named indicator over the ledger. */
const indicatorColumn = z
  .object({
    key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/),
    header,
    indicator: z.string(),
    args: z.record(z.string(), z.unknown()).default({}),
    format: format.default('INTEGER'),
  })
  .strict();

/** A column computed from two others (numerator / denominator × scale), e.g. a rate in %. */
const ratioColumn = z
  .object({
    key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/),
    header,
    ratio: z
      .object({ numerator: z.string(), denominator: z.string(), scale: z.number().default(100) })
      .strict(),
    format: format.default('PERCENT'),
  })
  .strict();

/** A column the ledger cannot fill yet: printed blank, with the reason in the form's notes. */
const blankColumn = z
  .object({
    key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/),
    header,
    blank: z.literal(true),
    note: z.string().min(1),
    format: format.default('PERCENT'),
  })
  .strict();

/**
 * A statistical form (报表) as data: adding a form is adding a definition file, not engine code.
 * Rows are the areas of `rows.level` under the area a report is generated for, plus a 合计 row
 * (and, with `subtotals`, one 小计 row per area of that level).
 */
export const formDefinition = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    title: z.string().min(1),
    /** The form's number in the reporting system, e.g. 民统季1表. */
    tableCode: z.string().optional(),
    /** 单位 line, e.g. 户、人、元. */
    unit: z.string().min(1),
    periodType: z.enum(['MONTH', 'QUARTER', 'YEAR']),
    rows: z
      .object({
        level: z.enum(['STREET', 'COMMUNITY', 'GRID']),
        subtotals: z.enum(['STREET', 'COMMUNITY']).optional(),
      })
      .strict(),
    columns: z.array(z.union([indicatorColumn, ratioColumn, blankColumn])).min(1),
    notes: z.array(z.string()).default([]),
  })
  .strict();

/** A validated form definition. */
export type FormDefinition = z.infer<typeof formDefinition>;
/** One column of a form. */
export type FormColumn = FormDefinition['columns'][number];
/** Number format of a column. */
export type ColumnFormat = z.infer<typeof format>;
/** A column computed by a named indicator. */
export type IndicatorColumn = Extract<FormColumn, { indicator: string }>;
