import type pg from 'pg';
import { registrySql } from '../registry/registry.queries';
import type { SourceRow } from '../registry/registry.types';
import { canonical, ENTITIES, type EntityType } from './entities';
import { ledgerSql } from './ledger.queries';

/** One recorded change of one entity. */
export interface ChangeRow {
  id: number;
  op: string;
  changes: Record<string, [unknown, unknown]>;
  sourceRecordId: number | null;
  actor: string | null;
  recordedAt: Date;
}

/** A disagreement between sources about one field. */
export interface ConflictView {
  id: number;
  field: string;
  chosenValue: unknown;
  chosenSourceId: number | null;
  otherValue: unknown;
  otherSourceId: number;
  status: string;
  createdAt: Date;
  /** How a reviewer answered it (resolveReviewItem), once resolved. */
  decision: string | null;
  resolvedAt: Date | null;
}

/** Reads of what arrived and how things changed: sources, change history, conflicts. */
export class HistoryService {
  constructor(private readonly pool: pg.Pool) {}

  /** Source records by id (description only, never the raw cells). */
  async sourcesByIds(ids: readonly number[]): Promise<(SourceRow | null)[]> {
    const { rows } = await this.pool.query<SourceRow>(registrySql.sourcesByIds, [ids]);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  }

  /** The change log of one entity, oldest first. */
  async changesOf(type: EntityType, id: number): Promise<ChangeRow[]> {
    const { rows } = await this.pool.query<{
      id: number;
      op: string;
      changes: Record<string, [unknown, unknown]>;
      source_record_id: number | null;
      actor: string | null;
      recorded_at: Date;
    }>(ledgerSql.history, [type, id]);
    const log: ChangeRow[] = rows.map((r) => ({
      id: r.id,
      op: r.op,
      changes: r.changes,
      sourceRecordId: r.source_record_id,
      actor: r.actor,
      recordedAt: r.recorded_at,
    }));
    const created = log[0];
    if (created?.op === 'CREATE' && Object.keys(created.changes).length === 0)
      created.changes = await this.createdValues(type, id, log);
    return log;
  }

  /**
   * What an entity was created with, as a CREATE row of old showed it ({field: [null, value]} with
   * the version): a CREATE logs no values, so they are its current row with every later change
   * undone, newest first (each change's "old" side is the value it replaced).
   */
  private async createdValues(
    type: EntityType,
    id: number,
    log: readonly ChangeRow[],
  ): Promise<Record<string, [unknown, unknown]>> {
    const spec = ENTITIES[type];
    const { rows } = await this.pool.query<Record<string, unknown>>(ledgerSql.currentRow(spec), [id]);
    if (rows.length === 0) return {};
    const values: Record<string, unknown> = { version: rows[0].version };
    for (const col in spec.columns) values[col] = canonical(spec.columns[col], rows[0][col]);
    for (let i = log.length - 1; i > 0; i--)
      for (const field in log[i].changes) values[field] = log[i].changes[field][0];
    const out: Record<string, [unknown, unknown]> = {};
    for (const field in values) if (values[field] !== null) out[field] = [null, values[field]];
    return out;
  }

  /** Conflicts recorded for one entity. */
  async conflictsOf(type: EntityType, id: number): Promise<ConflictView[]> {
    const { rows } = await this.pool.query<ConflictView>(registrySql.conflictsOf, [type, id]);
    return rows;
  }
}
