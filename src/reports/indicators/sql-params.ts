/**
 * Positional parameters for a composed statement. The first five are fixed for every indicator
 * family: $1 as-of instant, $2 the period's last day, $3 the period's first instant, $4 leaf area
 * codes and $5 the row each leaf belongs to (so grouping by row needs no per-area loop). Indicator
 * arguments are always bound as further parameters, never spliced into the SQL text.
 */
export class SqlParams {
  readonly values: unknown[];

  constructor(asOf: Date, lastDay: string, start: Date, leaves: string[], rows: string[]) {
    this.values = [asOf, lastDay, start, leaves, rows];
  }

  /** Binds a value and returns its placeholder, with a cast when given. */
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return `$${this.values.length}${cast ? `::${cast}` : ''}`;
  }
}
