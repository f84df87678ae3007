import type { EntityType } from './entities';

/** Where a batch of values came from: one received row, one staff edit, one seed row. */
export interface SourceInput {
  districtCode: string;
  kind: 'INGEST' | 'STAFF_EDIT' | 'SEED' | 'SYSTEM';
  departmentCode?: string | null;
  actor?: string | null;
  ingestRunId?: number | null;
  fileName?: string | null;
  sheet?: string | null;
  rowNumber?: number | null;
  /** The cells or arguments exactly as received. */
  raw: Record<string, unknown>;
  /** `raw` as JSON, when the caller has made it already (ingest hashes it): not made again. */
  rawJson?: string;
  /** The values after normalisation. */
  normalized?: Record<string, unknown>;
  /**
   * Identifies the content for de-duplication; defaults to a hash of `raw`. Ingest passes a hash
   * that also covers the department and profile, so a re-run or a restart finds its rows again.
   */
  contentHash?: string;
}

/**
 * One entity write. `values` uses column names; a key that is absent is left alone, a key set to
 * null clears the field (ingest leaves blank cells out rather than clearing).
 */
export interface EntityWrite {
  type: EntityType;
  districtCode: string;
  id: number;
  create: boolean;
  values: Record<string, unknown>;
  /** Optimistic concurrency for staff edits: the version the editor saw. */
  expectedVersion?: number;
  /**
   * Merge and unmerge only: after the values are applied, set these provenance entries (a source
   * record id) or remove them (null), so values moved between records keep the sources they came from.
   */
  provenance?: Record<string, number | null>;
}

/** One source and the writes it supports. */
export interface LedgerItem {
  source: SourceInput;
  writes: EntityWrite[];
}

/** A field two sources disagree on; the value not chosen stays in its source record. */
export interface ConflictRow {
  district_code: string;
  entity_type: EntityType;
  entity_id: number;
  field: string;
  chosen_value: unknown;
  chosen_source_id: number | null;
  other_value: unknown;
  other_source_id: number;
  created_at: string;
}

/** What one write did. */
export interface WriteResult {
  type: EntityType;
  districtCode: string;
  id: number;
  /** The area the record belongs to after the write, when it has one. */
  areaCode: string | null;
  created: boolean;
  changedFields: string[];
  conflicts: number;
  sourceRecordId: number;
  /** The area the record belonged to before this write, when the write moved it. */
  previousAreaCode?: string | null;
}

/** The outcome of a committed batch, used to publish events after commit. */
export interface CommitResult {
  results: WriteResult[];
  sourceRecordIds: number[];
  recordedAt: Date;
}
