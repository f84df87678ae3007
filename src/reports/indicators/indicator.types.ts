import type { z } from 'zod';
import type { SqlParams } from './sql-params';

/** The kind of ledger record a cell counts; drill-down lists records of this kind. */
export type CellEntity = 'PERSON' | 'HOUSEHOLD' | 'CASE';

/** An indicator compiled against one statement's parameters. */
export interface CompiledIndicator {
  /** SQL condition over the family's rows (alias `b`). */
  condition: string;
  /** SQL expression of the record behind a row (a person, household or case id). */
  entity: string;
  /** How the rows that meet the condition become a figure. */
  measure: 'count' | 'countDistinct' | 'sum';
  /** SQL expression summed when measure is `sum`. */
  value?: string;
}

/**
 * A family of indicators sharing one source relation (persons as of T, cases as of T). All
 * columns of a form from one family are computed by one aggregate statement grouped by row.
 */
export interface IndicatorFamily {
  id: string;
  /**
   * A subquery yielding one row per candidate record with at least `row_code`. `needs` lists
   * what the compiled indicators asked the source for (e.g. fact kinds), so unneeded joins are
   * left out.
   */
  source(p: SqlParams, needs: SourceNeeds): string;
}

/** What indicators of one statement need from the family's source. */
export interface SourceNeeds {
  factKinds: Set<string>;
}

/** A named query over the ledger that a form column refers to by name. */
export interface IndicatorDef<A = unknown> {
  name: string;
  family: IndicatorFamily;
  entity: CellEntity;
  /** What the indicator counts, for the forms list and documentation. */
  description: string;
  args: z.ZodType<A>;
  /** Records the source needs for these arguments. */
  needs?(args: A, needs: SourceNeeds): void;
  compile(args: A, p: SqlParams): CompiledIndicator;
}
