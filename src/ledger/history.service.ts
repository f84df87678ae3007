import type pg from 'pg';
import { registrySql } from '../registry/registry.queries';
import type { SourceRow } from '../registry/registry.types';
import type { EntityType } from './entities';
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
    return rows.map((r) => ({
      id: r.id,
      op: r.op,
      changes: r.changes,
      sourceRecordId: r.source_record_id,
      actor: r.actor,
      recordedAt: r.recorded_at,
    }));
  }

  /** Conflicts recorded for one entity. */
  async conflictsOf(type: EntityType, id: number): Promise<ConflictView[]> {
    const { rows } = await this.pool.query<ConflictView>(registrySql.conflictsOf, [type, id]);
    return rows;
  }
}
