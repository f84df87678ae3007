import { createHash } from 'node:crypto';
import type pg from 'pg';
import { AppError } from '../errors/app-error';
import { copyJson, copyRows, copyText, copyValue, COPY_NULL, fromCopyField } from '../db/copy';
import { withTransaction } from '../db/pool';
import { BulkChecks } from './bulk-checks';
import {
  canonical,
  type ColumnKind,
  ENTITIES,
  type EntitySpec,
  EntityType,
  sameValue,
  sourceOf,
} from './entities';
import { ledgerSql } from './ledger.queries';
import type {
  CommitResult,
  ConflictRow,
  EntityWrite,
  LedgerItem,
  SourceInput,
  WriteResult,
} from './ledger.types';

/**
 * An entity row as its table holds it: snake_case tracked columns, `version`, and its provenance as
 * stored: the creating source once, the map only where a field's source differs (`sourceOf`).
 */
export type LedgerRow = Record<string, unknown> & {
  district_code: string;
  id: number;
  version: number;
  provenance: Record<string, number | null>;
  created_source_id?: number | null;
};
type Row = LedgerRow;
type SourceMeta = { kind: string; department_code: string | null };

/** Rows a caller locked (`LedgerService.lock`) to decide a write from, by `TYPE:id`. */
export interface LockedRows {
  rows: Map<string, Row>;
  sources: Map<number, SourceMeta>;
}

/** Listeners called after a batch has committed (subscriptions, caches); never inside the transaction. */
export type CommitListener = (result: CommitResult) => void;

/**
 * The one write path of the ledger. Mutations, ingest, seeds and cases all come through here, so
 * every value keeps its source record, every change is in the append-only change log, and a value
 * that disagrees with another department's is kept as a conflict instead of silently overwritten.
 * A batch costs a fixed number of statements whatever its size.
 */
export class LedgerService {
  private precedence: Map<string, number> | undefined;
  /** When `precedence` was read: an administrator may change it (`yibiao department`) at any time. */
  private precedenceReadAt = 0;
  /** How long a read of the departments' precedence serves before it is read again. */
  precedenceMaxAgeMs = PRECEDENCE_MAX_AGE_MS;
  private readonly listeners: CommitListener[] = [];
  private readonly bulkChecks: BulkChecks;

  constructor(private readonly pool: pg.Pool) {
    const entityTables = Object.values(ENTITIES).map((e) => e.table);
    this.bulkChecks = new BulkChecks(pool, {
      given: ['source_record', ...entityTables],
      silent: ['ledger_change', 'conflict', 'person_id_number'],
      updated: entityTables,
    });
  }

  /**
   * Whether `recordIn(…, { bulk: true })` checks foreign keys set-based on this database (see
   * `BulkChecks`); false when the role may not switch the per-row checks off.
   */
  async bulkAvailable(): Promise<boolean> {
    return (await this.bulkChecks.foreignKeys()) !== null;
  }

  /** Registers a listener for committed batches. */
  onCommit(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  /** Forgets cached department precedence (after departments change). */
  invalidateDepartments(): void {
    this.precedence = undefined;
  }

  /** Reserves ids for entities a batch will create, so writes in one batch can refer to each other. */
  async allocateIds(client: pg.PoolClient | pg.Pool, type: EntityType, count: number): Promise<number[]> {
    if (count === 0) return [];
    const { rows } = await client.query<{ id: number }>(ledgerSql.allocateIds(ENTITIES[type].table), [count]);
    return rows.map((r) => r.id);
  }

  /** Records a batch in its own transaction and notifies listeners after commit. */
  async record(items: LedgerItem[], opts: { at?: Date } = {}): Promise<CommitResult> {
    const result = await withTransaction(this.pool, (client) => this.recordIn(client, items, opts));
    this.emit(result);
    return result;
  }

  /** Tells listeners about a batch the caller committed itself (see `recordIn`). */
  emit(result: CommitResult): void {
    for (const l of this.listeners) {
      try {
        l(result);
      } catch {
        // a listener's failure must not undo or fail a committed write
      }
    }
  }

  /**
   * Records a batch inside the caller's transaction. The caller commits, then calls `emit`.
   * `at` back-dates the transaction time (seeds and historical imports only). `locked` are rows the
   * caller locked with `lock` in this transaction (a case step decides on the case it locked): they
   * are not locked and read a second time. `bulk` (large batches: ingest): foreign keys are checked
   * once per batch and key instead of row by row where the database allows it (`BulkChecks`); a
   * deferred reference must then hold when this call returns, not only at commit.
   */
  async recordIn(
    client: pg.PoolClient,
    items: LedgerItem[],
    opts: { at?: Date; locked?: LockedRows; bulk?: boolean } = {},
  ): Promise<CommitResult> {
    const precedence = await this.departmentPrecedence(client);
    const bulk = opts.bulk === true && (await this.bulkAvailable());
    if (!bulk) return this.write(client, items, opts, precedence, false);
    await client.query(ledgerSql.perRowChecks(false)).catch((e: unknown) => {
      this.bulkChecks.reset(); // the privilege was revoked since it was read: read it again next time
      throw e;
    });
    try {
      return await this.write(client, items, opts, precedence, true);
    } catch (e) {
      // a refusal decided here (a version conflict, a missing record) leaves the transaction
      // usable: whatever the caller does in it next is checked row by row again
      await client.query(ledgerSql.perRowChecks(true)).catch(() => undefined);
      throw e;
    }
  }

  /** `recordIn`'s work; `bulk`: the per-row checks are off, check the batch's keys at the end. */
  private async write(
    client: pg.PoolClient,
    items: LedgerItem[],
    opts: { at?: Date; locked?: LockedRows },
    precedence: Map<string, number>,
    bulk: boolean,
  ): Promise<CommitResult> {
    // 1. what arrived, and the transaction's time (the database's, unless back-dated)
    const { ids: sourceIds, at } = await this.insertSources(client, items, opts.at);
    const atIso = at.toISOString();
    const sourceMeta = new Map<number, SourceMeta>();
    items.forEach((item, i) =>
      sourceMeta.set(sourceIds[i], {
        kind: item.source.kind,
        department_code: item.source.departmentCode ?? null,
      }),
    );

    // 2. what we believe now: lock the rows being updated, one statement per entity type
    const byType = new Map<EntityType, { write: EntityWrite; sourceId: number }[]>();
    items.forEach((item, i) => {
      for (const write of item.writes) {
        const list = byType.get(write.type) ?? [];
        list.push({ write, sourceId: sourceIds[i] });
        byType.set(write.type, list);
      }
    });
    // (rows the caller locked already serve this batch once: a later batch reads them afresh;
    // a row this batch creates is not in the table yet: there is nothing to lock or read)
    const current = new Map<string, Row>();
    const held = opts.locked;
    for (const [type, list] of byType) {
      const ids = new Set<number>();
      const createdHere = new Set<number>();
      for (const { write } of list) if (write.create) createdHere.add(write.id);
      for (const { write } of list) {
        if (write.create || createdHere.has(write.id)) continue;
        const key = `${type}:${write.id}`;
        const row = held?.rows.get(key);
        if (row) {
          current.set(key, row);
          held!.rows.delete(key);
        } else ids.add(write.id);
      }
      if (ids.size > 0) await this.lockInto(client, type, [...ids], current, sourceMeta);
    }
    if (held) for (const [id, meta] of held.sources) if (!sourceMeta.has(id)) sourceMeta.set(id, meta);

    // 3. decide each field
    const changes: string[][] = [];
    let conflicts: ConflictRow[] = [];
    // which result raised each conflict (the one being built when it was pushed)
    const raisedBy: number[] = [];
    const results: WriteResult[] = [];
    const actors = new Map(items.map((item, i) => [sourceIds[i], item.source.actor ?? null]));
    // rows to write, by entity key; an entity written twice in a batch is written once, last state
    const pending = new Map<string, { type: EntityType; row: Row; created: boolean }>();
    for (const [type, list] of byType) {
      const spec = ENTITIES[type];
      const columnNames = Object.keys(spec.columns);
      for (const { write, sourceId } of list) {
        const key = `${type}:${write.id}`;
        const source = sourceMeta.get(sourceId)!;
        let row: Row;
        let created = false;
        const earlier = pending.get(key);
        if (write.create) {
          if (current.has(key) || earlier) throw new Error(`ledger: ${key} is created twice in one batch`);
          // the creating source stands for every field the creation fills (`sourceOf`)
          row = {
            district_code: write.districtCode,
            id: write.id,
            version: 0,
            provenance: {},
            created_source_id: sourceId,
          };
          for (const c of columnNames) row[c] = null;
          created = true;
        } else if (earlier) {
          row = earlier.row;
          created = earlier.created;
        } else {
          const found = current.get(key);
          if (!found)
            throw new AppError(notFoundReason(type), `${type.toLowerCase()} ${write.id} does not exist`);
          if (found.district_code !== write.districtCode) {
            throw new AppError(
              'DISTRICT_MISMATCH',
              `${type.toLowerCase()} ${write.id} belongs to another district`,
            );
          }
          if (write.expectedVersion !== undefined && write.expectedVersion !== found.version) {
            throw new AppError(
              'VERSION_CONFLICT',
              `${type.toLowerCase()} ${write.id} was changed by someone else (version ${found.version}, you edited ${write.expectedVersion})`,
            );
          }
          row = { ...found, provenance: { ...found.provenance } };
        }
        // {field: [old, new]} of an update; a creation logs no values (`CREATED_CHANGES`)
        const fieldChanges: Record<string, [unknown, unknown]> | null = write.create ? null : {};
        const changed: string[] = [];
        let conflictCount = 0;
        // (for…in, not Object.entries: no array per field, and a batch decides millions of fields)
        for (const col in write.values) {
          const raw = write.values[col];
          const kind = spec.columns[col];
          if (!kind) throw new Error(`ledger: ${type} has no tracked column ${col}`);
          if (raw === undefined) continue;
          const next = canonical(kind, raw);
          const prev = row[col] ?? null;
          if (prev === next || (prev !== null && next !== null && sameValue(prev, next))) {
            if (sourceOf(row, col) === undefined) row.provenance[col] = sourceId;
            continue;
          }
          const prevSourceId = sourceOf(row, col);
          const verdict =
            write.create || prev === null ? 'APPLY' : decide(source, prevSourceId, sourceMeta, precedence);
          if (verdict === 'KEEP_CONFLICT') {
            conflicts.push(conflictRow(write, col, prev, prevSourceId ?? null, next, sourceId, atIso));
            raisedBy.push(results.length);
            conflictCount++;
            continue;
          }
          if (verdict === 'APPLY_CONFLICT') {
            conflicts.push(conflictRow(write, col, next, sourceId, prev, prevSourceId!, atIso));
            raisedBy.push(results.length);
            conflictCount++;
          }
          changed.push(col);
          if (fieldChanges) fieldChanges[col] = [prev, next];
          row[col] = next;
          // (a value the creation fills has the creating source without an entry of its own; a
          // creation reaches here only with a value: an unchanged null was handled above)
          if (!write.create) row.provenance[col] = sourceId;
        }
        if (write.provenance) {
          for (const [col, src] of Object.entries(write.provenance)) {
            if (src !== null) row.provenance[col] = src;
            // no source: where the creating source would stand in, say so (JSON null)
            else if (row.created_source_id != null) row.provenance[col] = null;
            else delete row.provenance[col];
          }
        }
        if (write.create || changed.length > 0 || (write.provenance && !earlier)) {
          if (!earlier) {
            // the version is logged like a field so that an as-of read shows the version of then
            if (fieldChanges) fieldChanges.version = [Number(row.version), Number(row.version) + 1];
            row.version = Number(row.version) + 1;
          }
          row.updated_at = atIso;
          if (write.create) row.created_at = atIso;
          pending.set(key, { type, row, created });
          changes.push([
            copyText(write.districtCode),
            type,
            String(write.id),
            write.create ? 'CREATE' : 'UPDATE',
            fieldChanges ? copyJson(fieldChanges) : CREATED_CHANGES,
            String(sourceId),
            copyValue(actors.get(sourceId) ?? null),
            atIso,
          ]);
        }
        const result: WriteResult = {
          type,
          districtCode: write.districtCode,
          id: write.id,
          areaCode: (row.area_code as string | null | undefined) ?? null,
          created: write.create,
          changedFields: changed,
          conflicts: conflictCount,
          sourceRecordId: sourceId,
        };
        if (fieldChanges?.area_code) result.previousAreaCode = fieldChanges.area_code[0] as string | null;
        results.push(result);
      }
    }

    // 4. write it all: one statement per entity type and kind of row; new rows by COPY
    // parents before children, so that foreign keys hold whatever order the batch came in
    const order: EntityType[] = ['HOUSE', 'HOUSEHOLD', 'PERSON', 'FACT', 'THING', 'CASE'];
    for (const type of order.filter((t) => byType.has(t))) {
      const all = [...pending.values()].filter((p) => p.type === type);
      const created = all.filter((p) => p.created).map((p) => p.row);
      const updated = all.filter((p) => !p.created).map((p) => p.row);
      if (created.length > 0) {
        const spec = ENTITIES[type];
        await copyRows(
          client,
          spec.table,
          ledgerSql.entityColumns(spec),
          lazyMap(created, (r) => entityFields(spec, r)),
        );
      }
      if (updated.length > 0)
        await client.query(ledgerSql.updateEntities(ENTITIES[type]), [JSON.stringify(updated)]);
    }
    if (changes.length > 0) await copyRows(client, 'ledger_change', ledgerSql.changeColumns, changes);
    if (conflicts.length > 0) {
      // a disagreement already waiting for review, or one a reviewer has answered, is not raised
      // again (its value stays in its source record, as every value does)
      const settled = await this.settledConflicts(client, conflicts);
      if (settled.size > 0) {
        for (const i of settled) results[raisedBy[i]].conflicts--;
        conflicts = conflicts.filter((_, i) => !settled.has(i));
      }
    }
    if (conflicts.length > 0)
      await copyRows(client, 'conflict', ledgerSql.conflictColumns, conflicts.map(conflictFields));
    if (bulk) {
      const written = await this.bulkChecks.written();
      items.forEach((item, i) => written.add('source_record', sourceKeyRow(item.source, sourceIds[i]), true));
      for (const p of pending.values()) written.add(ENTITIES[p.type].table, p.row, p.created);
      await this.bulkChecks.check(client, written);
      await client.query(ledgerSql.perRowChecks(true));
    }
    return { results, sourceRecordIds: sourceIds, recordedAt: at };
  }

  /**
   * The conflicts of a batch (by index) that are raised already: the same disagreement (entity,
   * field, chosen and other value) still open, or answered by a reviewer (kept, or the other value
   * taken: then the same two values the other way round), or twice in this batch.
   */
  private async settledConflicts(client: pg.PoolClient, conflicts: ConflictRow[]): Promise<Set<number>> {
    const settled = new Set<number>();
    const seen = new Set<string>();
    conflicts.forEach((c, i) => {
      const key = JSON.stringify([c.entity_type, c.entity_id, c.field, c.chosen_value, c.other_value]);
      if (seen.has(key)) settled.add(i);
      seen.add(key);
    });
    const { rows } = await client.query<{ i: number }>(ledgerSql.settledConflicts, [
      JSON.stringify(
        conflicts.map((c, i) => ({
          i,
          entity_type: c.entity_type,
          entity_id: c.entity_id,
          field: c.field,
          chosen: c.chosen_value ?? null,
          other: c.other_value ?? null,
        })),
      ),
    ]);
    for (const r of rows) settled.add(r.i);
    return settled;
  }

  /**
   * Writes the batch's source records and returns their ids and the transaction time they carry
   * (`at`, else the database's `now()`): a single one by an insert that draws its id and reads the
   * time (one round trip), more by reserving the ids and one COPY.
   */
  private async insertSources(
    client: pg.PoolClient,
    items: LedgerItem[],
    at: Date | undefined,
  ): Promise<{ ids: number[]; at: Date }> {
    if (items.length === 1) {
      const fields = sourceFields(items[0].source, 0, at?.toISOString() ?? COPY_NULL).map(fromCopyField);
      fields.splice(1, 1); // the id column: drawn by the insert
      const { rows } = await client.query<{ id: number; at: Date }>(ledgerSql.insertOneSource, fields);
      return { ids: [Number(rows[0].id)], at: rows[0].at };
    }
    if (!at) at = (await client.query<{ now: Date }>('SELECT now() AS now')).rows[0].now;
    const { rows } = await client.query<{ id: number }>(ledgerSql.allocateIds('source_record'), [
      items.length,
    ]);
    const ids = rows.map((r) => r.id);
    const atIso = at.toISOString();
    await copyRows(
      client,
      'source_record',
      ledgerSql.sourceColumns,
      lazyMap(items, (item, i) => sourceFields(item.source, ids[i], atIso)),
    );
    return { ids, at };
  }

  /**
   * Locks rows of one entity type for the rest of the caller's transaction and returns them as
   * they are, for a caller that decides what to write from them; pass them to `recordIn`.
   */
  async lock(client: pg.PoolClient, type: EntityType, ids: number[]): Promise<LockedRows> {
    const held: LockedRows = { rows: new Map(), sources: new Map() };
    await this.lockInto(client, type, ids, held.rows, held.sources);
    return held;
  }

  /** Locks rows (one statement) into `rows`, and the kind of each source they name into `sources`. */
  private async lockInto(
    client: pg.PoolClient,
    type: EntityType,
    ids: number[],
    rows: Map<string, Row>,
    sources: Map<number, SourceMeta>,
  ): Promise<void> {
    const found = await client.query<Row>(ledgerSql.lockCurrent(ENTITIES[type]), [ids]);
    for (const r of found.rows) {
      for (const [id, kind, department_code] of r.old_sources as [number, string, string | null][])
        if (!sources.has(Number(id))) sources.set(Number(id), { kind, department_code });
      delete r.old_sources;
      rows.set(`${type}:${r.id}`, r);
    }
  }

  /**
   * Each department's precedence, read again once it is `precedenceMaxAgeMs` old, so that a
   * change made by an administrator (in another process) decides conflicts within a minute.
   */
  private async departmentPrecedence(client: pg.PoolClient): Promise<Map<string, number>> {
    if (!this.precedence || performance.now() - this.precedenceReadAt > this.precedenceMaxAgeMs) {
      const { rows } = await client.query<{ code: string; precedence: number }>(ledgerSql.departments);
      this.precedence = new Map(rows.map((r) => [r.code, r.precedence]));
      this.precedenceReadAt = performance.now();
    }
    return this.precedence;
  }
}

/** By default, a read of the departments' precedence serves a minute. */
export const PRECEDENCE_MAX_AGE_MS = 60_000;

/**
 * `xs.map(f)` produced one element at a time as COPY consumes it, so that a batch's encoded fields
 * die young instead of all living (and being copied by the garbage collector) until the COPY ends.
 */
function* lazyMap<T, U>(xs: readonly T[], f: (x: T, i: number) => U): Generator<U> {
  for (let i = 0; i < xs.length; i++) yield f(xs[i], i);
}

/** A source record as COPY fields (`ledgerSql.sourceColumns`). */
function sourceFields(s: SourceInput, id: number, atIso: string): string[] {
  const rawJson = s.rawJson ?? JSON.stringify(s.raw);
  const hash = s.contentHash ?? createHash('sha256').update(rawJson).digest('hex');
  return [
    copyText(s.districtCode),
    String(id),
    s.kind,
    copyValue(s.departmentCode ?? null),
    copyValue(s.actor ?? null),
    copyValue(s.ingestRunId ?? null),
    copyValue(s.fileName ?? null),
    copyValue(s.sheet ?? null),
    copyValue(s.rowNumber ?? null),
    copyText(rawJson),
    copyJson(s.normalized ?? {}),
    copyText(hash),
    atIso,
  ];
}

/** A source record's columns a foreign key may use, for the bulk check (`sourceColumns` but the cells). */
function sourceKeyRow(s: SourceInput, id: number): Record<string, unknown> {
  return {
    district_code: s.districtCode,
    id,
    kind: s.kind,
    department_code: s.departmentCode ?? null,
    actor: s.actor ?? null,
    ingest_run_id: s.ingestRunId ?? null,
    file_name: s.fileName ?? null,
    sheet: s.sheet ?? null,
    row_number: s.rowNumber ?? null,
  };
}

/** One tracked value as a COPY field of its column's type. */
function columnField(kind: ColumnKind, v: unknown): string {
  if (v === null || v === undefined) return COPY_NULL;
  return kind === 'jsonb' ? copyJson(v) : copyValue(v);
}

/** A created entity as COPY fields (`ledgerSql.entityColumns`). */
function entityFields(spec: EntitySpec, row: Row): string[] {
  const out = [copyText(row.district_code), String(row.id)];
  for (const col in spec.columns) out.push(columnField(spec.columns[col], row[col]));
  out.push(
    copyJson(row.provenance),
    copyValue(row.created_source_id ?? null),
    String(row.version),
    copyValue(row.created_at),
    copyValue(row.updated_at),
  );
  return out;
}

/** A conflict as COPY fields (`ledgerSql.conflictColumns`). */
function conflictFields(c: ConflictRow): string[] {
  return [
    copyText(c.district_code),
    c.entity_type,
    String(c.entity_id),
    copyText(c.field),
    copyJson(c.chosen_value),
    copyValue(c.chosen_source_id),
    copyJson(c.other_value),
    String(c.other_source_id),
    c.created_at,
  ];
}

/**
 * The changes a CREATE row logs: none. The "new" side of a creation is the entity's row itself, as
 * the later changes' "old" sides undo it (`HistoryService` shows it that way), and an as-of read
 * never needs it (an entity created after T does not exist at T). Logging every value as
 * `[null, v]` made the change log as large as the entities and cost an ingest 4–8 % of its time
 * (bench/RESULTS.md, "Creations logged without their values").
 */
const CREATED_CHANGES = '{}';

type Verdict = 'APPLY' | 'APPLY_SILENT' | 'APPLY_CONFLICT' | 'KEEP_CONFLICT';

/**
 * Source precedence: a staff edit is a deliberate correction and wins; a spreadsheet never
 * overwrites a staff-verified value; between departments the higher precedence wins (ties: the
 * newer value). Whenever departments disagree, the losing value is kept as a conflict.
 */
function decide(
  next: SourceMeta,
  prevSourceId: number | undefined,
  meta: Map<number, SourceMeta>,
  precedence: Map<string, number>,
): Verdict {
  if (next.kind === 'STAFF_EDIT' || next.kind === 'SYSTEM') return 'APPLY_SILENT';
  const prev = prevSourceId === undefined ? undefined : meta.get(prevSourceId);
  if (!prev) return 'APPLY';
  if (prev.kind === 'STAFF_EDIT') return 'KEEP_CONFLICT';
  if (prev.department_code === next.department_code) return 'APPLY_SILENT';
  const p = precedence.get(prev.department_code ?? '') ?? 0;
  const n = precedence.get(next.department_code ?? '') ?? 0;
  return n >= p ? 'APPLY_CONFLICT' : 'KEEP_CONFLICT';
}

function conflictRow(
  write: EntityWrite,
  field: string,
  chosen: unknown,
  chosenSource: number | null,
  other: unknown,
  otherSource: number,
  atIso: string,
): ConflictRow {
  return {
    district_code: write.districtCode,
    entity_type: write.type,
    entity_id: write.id,
    field,
    chosen_value: chosen,
    chosen_source_id: chosenSource,
    other_value: other,
    other_source_id: otherSource,
    created_at: atIso,
  };
}

function notFoundReason(type: EntityType) {
  switch (type) {
    case 'PERSON':
      return 'PERSON_NOT_FOUND' as const;
    case 'HOUSEHOLD':
      return 'HOUSEHOLD_NOT_FOUND' as const;
    case 'HOUSE':
      return 'HOUSE_NOT_FOUND' as const;
    default:
      return 'THING_NOT_FOUND' as const;
  }
}
