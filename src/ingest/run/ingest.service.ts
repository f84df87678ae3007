import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type pg from 'pg';
import { withTransaction } from '../../db/pool';
import { AppError } from '../../errors/app-error';
import {
  areaInScope,
  areaScopeSql,
  assertAreaInScope,
  scopeOf,
  type Scope,
  UNRESTRICTED,
} from '../../auth/scope';
import type { AreaService } from '../../geo/area.service';
import type { LedgerService } from '../../ledger/ledger.service';
import { mapColumns } from '../mapping/mapping';
import { DEFAULT_PROFILE, loadProfile, type Profile } from '../mapping/profile';
import { openSpreadsheet } from '../read/open';
import type { ReadOptions } from '../read/read.types';
import { rowEventChunks } from '../rows';
import {
  type BatchMemory,
  type BatchRow,
  type BatchStats,
  type PreparedBatch,
  prepareBatch,
  type RunContext,
  writeBatch,
  writePrepared,
} from './batch';
import { ingestSql } from './ingest.queries';
import { writeRejectsWorkbook } from './rejects';
import { TimeSlice } from './time-slice';
import type { Writable } from 'node:stream';

/** An ingest run as stored: the file, the profile, the status and the counts. */
export interface IngestRunRow {
  district_code: string;
  id: number;
  file_name: string;
  file_path: string;
  file_sha256: string;
  file_size: number;
  profile: string;
  department_code: string;
  area_code: string;
  status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  error_reason: string | null;
  error_message: string | null;
  format: string | null;
  layout: unknown;
  checkpoint: number;
  rows_total: number;
  landed: number;
  unchanged: number;
  skipped: number;
  rejected: number;
  persons_created: number;
  persons_matched: number;
  conflicts: number;
  review_items: number;
  actor: string | null;
  /** The uploader's area scope (subtree roots); null: unrestricted (system work). */
  actor_scope: string[] | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/** A skipped or rejected row, with its cells as received. */
export interface IngestRowIssueRow {
  seq: number;
  sheet: string;
  row_number: number;
  outcome: 'SKIPPED' | 'REJECTED';
  reason: string;
  message: string;
  raw: Record<string, unknown>;
}

/** An item of the review queue: a low-score or ambiguous match, or a conflict between sources. */
export interface ReviewQueueRow {
  source: 'MATCH' | 'CONFLICT';
  id: number;
  kind: (typeof REVIEW_KINDS)[number];
  person_id: number;
  candidate_id: number | null;
  field: string | null;
  chosen_value: unknown;
  other_value: unknown;
  score: number | null;
  explanation: string | null;
  created_at: Date;
  /** The row or edit that raised it: the other value's source (conflicts), the row (matches, rows). */
  source_id: number | null;
  /** Where the shown value came from (conflicts). */
  chosen_source_id: number | null;
}

/** The kinds of item in the review queue. */
export const REVIEW_KINDS = ['LOW_SCORE_MATCH', 'AMBIGUOUS_MATCH', 'ROW_CONTRADICTS_ID', 'CONFLICT'] as const;

/** What the review queue may be narrowed to. */
export interface ReviewFilter {
  runId?: number;
  areaCode?: string;
  kind?: string;
}

/** How far a run has come, sent to subscribers and the CLI's progress bar. */
export interface IngestProgress {
  runId: number;
  /** The run's area, so subscribers see only the runs in their scope. */
  areaCode: string;
  processed: number;
  total: number;
  landed: number;
  skipped: number;
  rejected: number;
  status: IngestRunRow['status'];
}

/** What a new run ingests and where its rows land. */
export interface CreateRunInput {
  /** The file name as uploaded (the path on disk may be a temporary name). */
  fileName: string;
  /** A profile under fixtures/profiles; without one, synonyms only (community department). */
  profile?: string | null;
  /** The street, community or district the rows belong to when they do not name their community. */
  areaCode: string;
  /** Who uploads: the name kept with the run and its source records. */
  actor?: string | null;
  /**
   * The uploader's scope: the run writes as the uploader, so its area must lie inside the scope
   * and rows touching a person outside it are rejected. UNRESTRICTED for system work (CLI, bench).
   */
  scope: Scope;
}

/** Test and operations hooks around each batch. */
export interface ExecuteHooks {
  onProgress?: (p: IngestProgress) => void;
  /** Called inside the batch's transaction before it commits (used to prove crash safety). */
  beforeCommit?: (batchNumber: number) => Promise<void> | void;
}

/** Limits and places the ingest works with. */
export interface IngestOptions {
  storageDir: string;
  profilesDir?: string;
  batchSize?: number;
  maxFileBytes?: number;
  maxUncompressedBytes?: number;
  /**
   * Resolve each batch (look-ups, id reservations, ledger items) on the pool while the batch before
   * is still being written, instead of inside the write transaction (default true): the database
   * then writes one batch while the process prepares the next. False resolves each batch inside its
   * own transaction, after the one before has committed.
   */
  prepareAhead?: boolean;
  /**
   * Write each batch with foreign keys checked once per batch and key instead of row by row, where
   * the database role allows it (default true; `LedgerService.recordIn`'s `bulk`).
   */
  bulkChecks?: boolean;
}

/**
 * Rows per batch (one transaction each). Each batch costs a fixed number of statements and
 * look-ups that scan more as the ledger grows, so larger batches are markedly faster: a 100k-row
 * roster took 38 s in batches of 2,000 and 26 s in batches of 5,000 (10,000: no faster, more memory).
 */
export const DEFAULT_BATCH_SIZE = 5000;

/**
 * How long reading, normalising and preparing the next batch may hold the event loop before the
 * batch being written takes its turn. Rows buffered by the reader used to be normalised in one run
 * of promise callbacks, while the write transaction's replies and COPY's requests for more data
 * waited: the database sat idle for a quarter of a 100,000-row run (each BEGIN was answered after
 * ≈ 300 ms) until the loop gave way every few milliseconds (4 ms: 37 → 30 s; 1 ms: 28–29 s).
 */
const WORK_SLICE_MS = 1;

async function sha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Ingest runs: keeps the uploaded file, then reads it twice: once to prove the whole file is
 * readable (a bad file fails the run before anything is written), once to land its rows in
 * batches. Each batch commits with the run's checkpoint in the same transaction, and rows are
 * found again by content, so a run killed at any moment and started again (or the same file sent
 * again) leaves exactly the ledger a clean run leaves.
 */
export class IngestService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ledger: LedgerService,
    private readonly areas: AreaService,
    private readonly options: IngestOptions,
  ) {}

  /** Loads the named profile, or the default one. */
  profile(name: string | null | undefined): Promise<Profile> {
    return name ? loadProfile(name, this.options.profilesDir) : Promise.resolve(DEFAULT_PROFILE);
  }

  /** Stores the file (by content) and records a queued run; nothing is read yet. */
  async createRun(path: string, input: CreateRunInput): Promise<IngestRunRow> {
    const profile = await this.profile(input.profile);
    const area = await this.areas.get(input.areaCode, 'areaCode');
    if (!areaInScope(this.areas, input.scope, area.code)) {
      throw new AppError(
        'AREA_OUT_OF_SCOPE',
        `area ${area.code} is outside the uploader's scope`,
        'areaCode',
      );
    }
    if (!area.districtCode)
      throw new AppError(
        'AREA_LEVEL_INVALID',
        'Ingest needs a district, street, community or grid',
        'areaCode',
      );
    const { size } = await stat(path);
    const max = this.options.maxFileBytes;
    if (max !== undefined && size > max) {
      throw new AppError(
        'FILE_TOO_LARGE',
        `${input.fileName} is ${(size / 1048576).toFixed(1)} MB; the limit is ${(max / 1048576).toFixed(1)} MB`,
      );
    }
    const hash = await sha256(path);
    await mkdir(this.options.storageDir, { recursive: true });
    const stored = join(this.options.storageDir, `${hash}${extname(input.fileName).toLowerCase()}`);
    await copyFile(path, stored);
    const { rows } = await this.pool.query<{ id: number }>(ingestSql.createRun, [
      area.districtCode,
      input.fileName,
      stored,
      hash,
      size,
      profile.name,
      profile.department,
      area.code,
      input.actor ?? null,
      input.scope.areaCodes === null ? null : JSON.stringify(input.scope.areaCodes),
    ]);
    return (await this.get(rows[0].id))!;
  }

  /** A run by id, or undefined; a run whose area is outside `scope` is absent. */
  async get(id: number, scope: Scope = UNRESTRICTED): Promise<IngestRunRow | undefined> {
    const params: unknown[] = [id];
    const where = areaScopeSql(scope, 'area_code', (v) => `$${params.push(v)}`);
    const { rows } = await this.pool.query<IngestRunRow>(`${ingestSql.runById} AND ${where}`, params);
    return rows[0];
  }

  /** The latest runs whose area lies inside `scope`, newest first. */
  async list(scope: Scope, limit = 50, districtCode: string | null = null): Promise<IngestRunRow[]> {
    const params: unknown[] = [districtCode, limit];
    const where = areaScopeSql(scope, 'area_code', (v) => `$${params.push(v)}`);
    const { rows } = await this.pool.query<IngestRunRow>(ingestSql.listRuns(where), params);
    return rows;
  }

  /** Skipped and rejected rows of a run in file order, after row `after` (keyset paging). */
  async issues(
    runId: number,
    outcome: 'SKIPPED' | 'REJECTED' | null,
    after = 0,
    limit = 100,
  ): Promise<IngestRowIssueRow[]> {
    const { rows } = await this.pool.query<IngestRowIssueRow>(ingestSql.issues, [
      runId,
      outcome,
      after,
      limit,
    ]);
    return rows;
  }

  /**
   * The review queue: open match reviews and open conflicts on persons in `scope` (the person
   * concerned; a candidate outside it is left out of the item), oldest first; `filter` narrows it
   * to one run's items (matches it raised, conflicts one of whose values it brought), to persons
   * in one area (inside the scope), or to one kind.
   */
  async reviewQueue(
    scope: Scope,
    limit = 100,
    districtCode: string | null = null,
    filter: ReviewFilter = {},
  ): Promise<ReviewQueueRow[]> {
    const q = await this.reviewItems(scope, districtCode, filter);
    const { rows } = await this.pool.query<ReviewQueueRow>(
      ingestSql.reviewQueue(q.sql, q.add(limit)),
      q.params,
    );
    return rows;
  }

  /** How many items `reviewQueue` would give without a limit: a badge, a dashboard's figure. */
  async reviewQueueCount(
    scope: Scope,
    districtCode: string | null = null,
    filter: ReviewFilter = {},
  ): Promise<number> {
    const q = await this.reviewItems(scope, districtCode, filter);
    const { rows } = await this.pool.query<{ n: number }>(ingestSql.reviewQueueCount(q.sql), q.params);
    return rows[0].n;
  }

  /** The queue's items as SQL with its parameters (`add` appends one more). */
  private async reviewItems(scope: Scope, districtCode: string | null, filter: ReviewFilter) {
    const params: unknown[] = [districtCode];
    const add = (v: unknown) => `$${params.push(v)}`;
    const match: string[] = [];
    const conflict: string[] = [];
    if (filter.kind !== undefined) {
      if (!(REVIEW_KINDS as readonly string[]).includes(filter.kind))
        throw new AppError('VALUE_INVALID', `kind must be one of ${REVIEW_KINDS.join(', ')}`, 'kind');
      const k = add(filter.kind);
      match.push(`r.kind::text = ${k}`);
      conflict.push(`${k} = 'CONFLICT'`);
    }
    if (filter.areaCode !== undefined) {
      await this.areas.get(filter.areaCode, 'areaCode'); // an unknown code: AREA_UNKNOWN
      assertAreaInScope(this.areas, scope, filter.areaCode);
      const within = `p.area_code IN (SELECT code FROM area WHERE path <@ (SELECT path FROM area WHERE code = ${add(filter.areaCode)}))`;
      match.push(within);
      conflict.push(within);
    }
    if (filter.runId !== undefined) {
      const run = add(filter.runId);
      match.push(`r.ingest_run_id = ${run}`);
      conflict.push(
        `EXISTS (SELECT 1 FROM source_record s WHERE s.id IN (c.other_source_id, c.chosen_source_id) AND s.ingest_run_id = ${run})`,
      );
    }
    const sql = ingestSql.reviewItems(
      areaScopeSql(scope, 'p.area_code', add),
      areaScopeSql(scope, 'cp.area_code', add),
      match.join(' AND ') || 'true',
      conflict.join(' AND ') || 'true',
    );
    return { sql, params, add };
  }

  /**
   * Streams the run's skipped and rejected rows as an XLSX workbook (original columns + reason);
   * `cell` shapes each cell (the caller masks personal data unless the reader may see it).
   */
  async writeRejects(
    runId: number,
    out: Writable,
    cell: (v: unknown) => unknown,
    scope: Scope,
  ): Promise<void> {
    const run = await this.get(runId, scope);
    if (!run) throw new AppError('INGEST_RUN_NOT_FOUND', `Ingest run ${runId} does not exist`);
    await writeRejectsWorkbook(run, (after) => this.issues(runId, null, after, 1000), out, cell);
  }

  /** Creates a run and executes it at once (the CLI without a queue, and tests). */
  async ingestFile(path: string, input: CreateRunInput, hooks: ExecuteHooks = {}): Promise<IngestRunRow> {
    const run = await this.createRun(path, input);
    return this.execute(run.id, hooks);
  }

  private readOptions(run: IngestRunRow, profile: Profile): ReadOptions {
    return {
      fileName: run.file_name,
      encoding: profile.encoding,
      delimiter: profile.delimiter,
      extraHeaders: Object.keys(profile.columns),
      maxFileBytes: this.options.maxFileBytes,
      maxUncompressedBytes: this.options.maxUncompressedBytes,
    };
  }

  /**
   * Executes (or resumes) a run. Rows up to the checkpoint were committed before and are passed
   * over. A bad file fails the run with its reason and message and writes no row. Idempotent: a
   * finished run is returned as it is.
   */
  async execute(runId: number, hooks: ExecuteHooks = {}): Promise<IngestRunRow> {
    let run = await this.get(runId);
    if (!run) throw new AppError('INGEST_RUN_NOT_FOUND', `Ingest run ${runId} does not exist`);
    if (run.status === 'SUCCEEDED') return run;
    await this.pool.query(ingestSql.startRun, [runId]);
    try {
      const profile = await this.profile(run.profile === DEFAULT_PROFILE.name ? null : run.profile);
      const opts = this.readOptions(run, profile);
      // pass 1: the whole file must be readable before a single row is written
      const layouts: unknown[] = [];
      let total = 0;
      const checked = await openSpreadsheet(run.file_path, opts);
      for await (const table of checked.sheets()) {
        layouts.push({ ...table.layout, mapping: mapColumns(table.layout.columns, profile) });
        total += await table.count();
      }
      await this.pool.query(ingestSql.setLayout, [runId, JSON.stringify(layouts), checked.format, total]);
      const ctx = await this.context(run, profile);

      // pass 2: land the rows in batches
      const batchSize = this.options.batchSize ?? DEFAULT_BATCH_SIZE;
      let seq = 0;
      let batchNumber = 0;
      let batch: BatchRow[] = [];
      const progress = {
        runId,
        areaCode: run.area_code,
        processed: run.checkpoint,
        total,
        landed: run.landed,
        skipped: run.skipped,
        rejected: run.rejected,
        status: 'RUNNING' as const,
      };
      const commitRows = async (rows: BatchRow[], prepared: PreparedBatch | null, n: number) => {
        const last = rows[rows.length - 1].seq;
        const { stats, commit } = await withTransaction(this.pool, async (client) => {
          const out = prepared
            ? await writePrepared(client, this.ledger, ctx, prepared)
            : await writeBatch(client, this.ledger, ctx, rows);
          await client.query(ingestSql.advance, [runId, last, ...statsParams(out.stats)]);
          await hooks.beforeCommit?.(n);
          return out;
        });
        if (commit) this.ledger.emit(commit);
        progress.processed = last;
        progress.landed += stats.landed;
        progress.skipped += stats.skipped;
        progress.rejected += stats.rejected;
        hooks.onProgress?.({ ...progress });
      };
      // one batch is written while the next is read, normalised and (prepareAhead) resolved;
      // batches still commit in file order, one after the other, so the checkpoint only ever moves
      // forward, and a batch is written only once the one before has committed
      let inflight: Promise<void> | null = null;
      const prepareAhead = this.options.prepareAhead ?? true;
      let memory: BatchMemory | null = null;
      const slice = new TimeSlice(WORK_SLICE_MS);
      const flush = async () => {
        if (batch.length === 0) return;
        const rows = batch;
        batch = [];
        batchNumber++;
        let prepared: PreparedBatch | null = null;
        if (prepareAhead) {
          try {
            prepared = await prepareBatch(this.pool, this.ledger, ctx, rows, memory, slice);
          } catch (e) {
            if (inflight) await inflight.catch(() => undefined);
            throw e;
          }
          memory = prepared.memory;
        }
        if (inflight) await inflight;
        inflight = commitRows(rows, prepared, batchNumber);
        inflight.catch(() => undefined);
      };
      for await (const events of rowEventChunks(await openSpreadsheet(run.file_path, opts), profile)) {
        for (const e of events) {
          if (e.kind === 'sheet') continue;
          seq++;
          if (seq <= run.checkpoint) continue;
          batch.push({ seq, event: e });
          if (batch.length >= batchSize) await flush();
          if (inflight && slice.due()) await slice.pass();
        }
      }
      await flush();
      if (inflight) await inflight;
      await this.pool.query(ingestSql.finishRun, [runId]);
      run = (await this.get(runId))!;
      hooks.onProgress?.({ ...progress, processed: run.checkpoint, status: 'SUCCEEDED' });
      return run;
    } catch (e) {
      if (e instanceof AppError) {
        await this.pool.query(ingestSql.failRun, [runId, e.reason, e.message]);
        run = (await this.get(runId))!;
        hooks.onProgress?.({
          runId,
          areaCode: run.area_code,
          processed: run.checkpoint,
          total: run.rows_total,
          landed: run.landed,
          skipped: run.skipped,
          rejected: run.rejected,
          status: 'FAILED',
        });
        return run;
      }
      await this.pool
        .query(ingestSql.failRun, [
          runId,
          'INTERNAL',
          'The run stopped on an unexpected error; it can be started again',
        ])
        .catch(() => undefined);
      throw e;
    }
  }

  private async context(run: IngestRunRow, profile: Profile): Promise<RunContext> {
    const areaByName = new Map<string, string>();
    for (const level of ['COMMUNITY', 'GRID'] as const) {
      for (const a of await this.areas.list(level, run.area_code))
        areaByName.set(a.name.replace(/\s/g, ''), a.code);
    }
    // the run writes as its uploader: a row whose person lies outside the uploader's scope is
    // rejected (matching itself reads the whole district: that is system work)
    const scope = await scopeOf(this.areas, run.actor_scope, null);
    return {
      runId: run.id,
      districtCode: run.district_code,
      inScope: (areaCode: string | null) => areaInScope(this.areas, scope, areaCode),
      areaCode: run.area_code,
      department: profile.department,
      profileName: profile.name,
      period: profile.period ?? null,
      fileName: run.file_name,
      areaByName,
      bulkChecks: this.options.bulkChecks ?? true,
    };
  }
}

function statsParams(s: BatchStats): number[] {
  return [
    s.landed,
    s.unchanged,
    s.skipped,
    s.rejected,
    s.personsCreated,
    s.personsMatched,
    s.conflicts,
    s.reviewItems,
  ];
}
