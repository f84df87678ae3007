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
  /** Fact flags (`b.ff0`…) the condition requires to be true: lets the source inner-join facts. */
  requires?: string[];
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

/**
 * What the indicators of one statement need from the family's source: per-person fact flags and
 * sums, each computed once in the source and referred to by its alias (`b.<alias>`).
 */
export class SourceNeeds {
  readonly flags = new Map<
    string,
    { alias: string; kind: string; attributes: Record<string, unknown> | null }
  >();
  readonly sums = new Map<string, { alias: string; kind: string; attribute: string }>();
  /** Flags every row of the statement must have (set by the engine when all columns require them). */
  required: string[] = [];

  /** The alias of "has an active fact of this kind (with these attributes)". */
  factFlag(kind: string, attributes: Record<string, unknown> | null = null): string {
    const key = JSON.stringify([kind, attributes]);
    let f = this.flags.get(key);
    if (!f) this.flags.set(key, (f = { alias: `ff${this.flags.size}`, kind, attributes }));
    return `b.${f.alias}`;
  }

  /** The alias of "the sum of this numeric attribute over the person's active facts of a kind". */
  factSum(kind: string, attribute: string): string {
    const key = JSON.stringify([kind, attribute]);
    let f = this.sums.get(key);
    if (!f) this.sums.set(key, (f = { alias: `fs${this.sums.size}`, kind, attribute }));
    return `b.${f.alias}`;
  }

  /** The fact kinds any flag or sum refers to. */
  kinds(): string[] {
    return [...new Set([...this.flags.values(), ...this.sums.values()].map((f) => f.kind))].sort();
  }
}

/** A named query over the ledger that a form column refers to by name. */
export interface IndicatorDef<A = unknown> {
  name: string;
  family: IndicatorFamily;
  entity: CellEntity;
  /** What the indicator counts, for the forms list and documentation. */
  description: string;
  args: z.ZodType<A>;
  /** Compiles the indicator; what it needs from the source is registered in `needs`. */
  compile(args: A, p: SqlParams, needs: SourceNeeds): CompiledIndicator;
}
