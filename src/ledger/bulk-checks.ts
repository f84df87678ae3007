import type pg from 'pg';
import { bulkCheckSql } from './bulk-checks.queries';

/** A declared foreign key (MATCH SIMPLE) of a table the ledger writes, as the catalog has it. */
export interface ForeignKey {
  name: string;
  table: string;
  columns: string[];
  /** The SQL type of each column, for the arrays the check passes. */
  types: string[];
  refTable: string;
  refColumns: string[];
}

/** A row the ledger wrote in bulk mode: its columns by name (at least those its foreign keys use). */
export type WrittenRow = Record<string, unknown>;

/**
 * What a batch wrote in bulk mode: rows by table, and the keys (`district_code`, `id`) of the rows it
 * created, by table: a reference to one of those needs no lock, nobody else can see the row yet.
 * Created keys are kept only for `referenced` tables (those a foreign key points to): a batch
 * creates a source record per row, which no checked key refers to.
 */
export class WrittenRows {
  readonly byTable = new Map<string, WrittenRow[]>();
  readonly created = new Map<string, Set<string>>();

  constructor(private readonly referenced: ReadonlySet<string>) {}

  add(table: string, row: WrittenRow, created: boolean): void {
    let rows = this.byTable.get(table);
    if (!rows) this.byTable.set(table, (rows = []));
    rows.push(row);
    if (created && this.referenced.has(table)) {
      let keys = this.created.get(table);
      if (!keys) this.created.set(table, (keys = new Set()));
      keys.add(`${String(row.district_code)}\u0000${String(row.id)}`);
    }
  }
}

/**
 * PostgreSQL checks a foreign key row by row: for each row a batch inserts it runs one look-up of the
 * referenced row and locks it (`FOR KEY SHARE`), 5 or so per roster row, about a fifth of the
 * database's time in an ingest (bench/RESULTS.md). In bulk mode the ledger writes a batch with those
 * per-row checks off (`session_replication_role = replica` for that batch's statements only; the
 * triggers that keep invariants of their own fire always, migration 0011) and then checks each
 * foreign key of each table it wrote with one statement over the distinct keys the batch used:
 * every referenced row must exist, and each one that existed before the batch is locked
 * `FOR KEY SHARE` until the transaction ends, as the per-row checks lock it, so that no one can
 * delete it under the batch. A missing key fails the batch with PostgreSQL's own error code (23503)
 * and the constraint's name. Rows the batch itself created need no lock: nobody else sees them.
 *
 * Bulk mode needs the database role's leave to set `session_replication_role` (superuser, or
 * `GRANT SET ON PARAMETER`, migration 0011); without it, or when a foreign key is one this check
 * cannot read from the rows it is given, the ledger keeps the per-row checks.
 */
export class BulkChecks {
  private state: Promise<Map<string, ForeignKey[]> | null> | undefined;

  /**
   * `given`: the tables whose written rows the ledger hands to `check`; `silent`: the tables it (or
   * a trigger) writes without handing the rows over, which must have no foreign key; `updated`: the
   * tables it updates, whose rows other tables may reference only by `district_code, id` (columns an
   * update never changes), so that switching off the referenced side's checks changes nothing.
   */
  constructor(
    private readonly pool: pg.Pool,
    private readonly tables: { given: string[]; silent: string[]; updated: string[] },
  ) {}

  /** The foreign keys by referencing table, or null when bulk mode is not available. */
  foreignKeys(): Promise<Map<string, ForeignKey[]> | null> {
    this.state ??= this.load().catch((e: unknown) => {
      this.state = undefined;
      throw e;
    });
    return this.state;
  }

  /** An empty record of what a batch writes, for `check` (bulk mode must be available). */
  async written(): Promise<WrittenRows> {
    const fks = await this.foreignKeys();
    if (!fks) throw new Error('ledger: bulk checks are not available');
    return new WrittenRows(new Set([...fks.values()].flat().map((fk) => fk.refTable)));
  }

  /** Forgets what was read (the privilege turned out revoked, or the schema changed): read again next time. */
  reset(): void {
    this.state = undefined;
  }

  private async load(): Promise<Map<string, ForeignKey[]> | null> {
    const { rows } = await this.pool.query<{ allowed: boolean }>(bulkCheckSql.allowed);
    if (!rows[0]?.allowed) return null;
    const { rows: fks } = await this.pool.query<ForeignKey & { simple: boolean }>(bulkCheckSql.foreignKeys);
    const out = new Map<string, ForeignKey[]>();
    for (const fk of fks) {
      if (!fk.simple || this.tables.silent.includes(fk.table)) return null;
      if (
        this.tables.updated.includes(fk.refTable) &&
        fk.refColumns.some((c) => c !== 'district_code' && c !== 'id')
      )
        return null;
      if (!this.tables.given.includes(fk.table)) continue;
      const list = out.get(fk.table) ?? [];
      list.push({
        name: fk.name,
        table: fk.table,
        columns: fk.columns,
        types: fk.types,
        refTable: fk.refTable,
        refColumns: fk.refColumns,
      });
      out.set(fk.table, list);
    }
    return out;
  }

  /**
   * Checks every foreign key of every table in `written` over the keys its rows use; see the class.
   * Throws on the first key that references nothing.
   */
  async check(client: pg.PoolClient, written: WrittenRows): Promise<void> {
    const fks = await this.foreignKeys();
    if (!fks) throw new Error('ledger: bulk checks are not available');
    for (const [table, rows] of written.byTable) {
      for (const fk of fks.get(table) ?? []) {
        const createdHere =
          fk.refColumns.join() === 'district_code,id' ? written.created.get(fk.refTable) : undefined;
        const keys = new Map<string, unknown[]>();
        const cols = fk.columns;
        for (const row of rows) {
          // the key as one string, without an array per row (a batch is thousands of rows)
          let k = '';
          let complete = true;
          for (let i = 0; i < cols.length; i++) {
            const v = row[cols[i]];
            if (v === undefined && !(cols[i] in row))
              throw new Error(
                `ledger: ${fk.name} uses ${table}.${cols[i]}, which the bulk check was not given`,
              );
            // MATCH SIMPLE: a key with a null column references nothing and is not checked
            if (v === null || v === undefined) complete = false;
            k = i === 0 ? String(v) : `${k}\u0000${String(v)}`;
          }
          if (!complete || createdHere?.has(k) || keys.has(k)) continue;
          keys.set(
            k,
            cols.map((c) => row[c]),
          );
        }
        if (keys.size === 0) continue;
        const columns = fk.columns.map((_, i) => [...keys.values()].map((key) => key[i]));
        const { rows: missing } = await client.query<{ key: string[] }>(bulkCheckSql.check(fk), columns);
        if (missing.length > 0) throw violation(fk, missing[0].key);
      }
    }
  }
}

/** The error PostgreSQL raises for the same violation: same code, constraint and message. */
function violation(fk: ForeignKey, key: string[]): Error {
  return Object.assign(
    new Error(`insert or update on table "${fk.table}" violates foreign key constraint "${fk.name}"`),
    {
      code: '23503',
      constraint: fk.name,
      table: fk.table,
      detail: `Key (${fk.columns.join(', ')})=(${key.join(', ')}) is not present in table "${fk.refTable}".`,
    },
  );
}
