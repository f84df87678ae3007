import DataLoader from 'dataloader';
import type pg from 'pg';
import { withTransaction } from '../db/pool';
import { AppError } from '../errors/app-error';
import { MAX_PAGE_SIZE } from '../registry/pagination';
import { auditSql } from './audit.queries';
import type { Viewer } from './viewer';

/** One audit record. */
export interface AuditEntry {
  actorKind: string;
  actorId: string | null;
  actorName: string;
  role: string | null;
  /** e.g. `mutation updatePerson`, `unmask Person.idNumber`, `login`. */
  operation: string;
  /** Global id or other name of what was touched. */
  target: string | null;
  purpose: string | null;
  outcome: 'SUCCESS' | 'FAILURE' | 'DENIED';
  requestId: string;
  details: Record<string, unknown> | null;
}

/** An audit record as read back. */
export interface AuditRow extends AuditEntry {
  id: number;
  at: Date;
}

/** Filters of the audit log query. */
export interface AuditFilter {
  actorName?: string | null;
  operation?: string | null;
  target?: string | null;
  from?: Date | null;
  to?: Date | null;
}

/** The fields of an entry that come from the viewer. */
export function actorFields(
  v: Viewer | null,
): Pick<AuditEntry, 'actorKind' | 'actorId' | 'actorName' | 'role'> {
  return v
    ? { actorKind: v.kind, actorId: v.id, actorName: v.name, role: v.role }
    : { actorKind: 'ANONYMOUS', actorId: null, actorName: 'anonymous', role: null };
}

/**
 * The append-only audit log (GB/T 22239: who, when, what, on what, with which outcome). Writes
 * are batched: the entries of one tick go in one INSERT, and a caller awaits its entry before it
 * may hand out what it audits, so nothing unmasked leaves the server unrecorded.
 */
export class AuditService {
  constructor(private readonly pool: pg.Pool) {}

  /** Writes entries now (one statement). */
  async write(entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.pool.query(auditSql.insert, [JSON.stringify(entries)]);
  }

  /** A per-request batcher: every `load(entry)` of one tick shares one INSERT. */
  batcher(): DataLoader<AuditEntry, true> {
    return new DataLoader<AuditEntry, true>(
      async (entries) => {
        await this.write([...entries]);
        return entries.map(() => true as const);
      },
      { cache: false },
    );
  }

  /** A page of the log, newest first; `before` continues after the last id seen. */
  async list(filter: AuditFilter, first: number, before: number | null): Promise<AuditRow[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE)
      throw new AppError('PAGE_SIZE_EXCEEDED', `first must be between 1 and ${MAX_PAGE_SIZE}`, 'first');
    const { rows } = await this.pool.query<AuditRow>(auditSql.page, [
      before,
      filter.actorName ?? null,
      filter.operation ?? null,
      filter.target ?? null,
      filter.from ?? null,
      filter.to ?? null,
      first,
    ]);
    return rows;
  }

  /**
   * Deletes entries older than `keepDays` (at least 180). Only the maintenance path runs this: the
   * database function is executable by the yibiao_maintenance role alone, which this switches to
   * (the connecting login must be a member of it).
   */
  async purge(keepDays: number): Promise<number> {
    return withTransaction(this.pool, async (c) => {
      await c.query('SET LOCAL ROLE yibiao_maintenance');
      const { rows } = await c.query<{ deleted: number }>(auditSql.purge, [keepDays]);
      return Number(rows[0].deleted);
    });
  }
}
