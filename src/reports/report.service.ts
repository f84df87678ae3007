import { areaInScope, assertAreaInScope, Scope, UNRESTRICTED } from '../auth/scope';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { repoRoot } from '../config/paths';
import { AppError } from '../errors/app-error';
import type { AreaService } from '../geo/area.service';
import type { FormDefinition } from './forms/form.schema';
import type { ReportJobs } from './jobs/report.jobs';
import { lastEndedPeriod } from './engine/period';
import type { FormFigures, ReportEngine } from './engine/report-engine';
import { reportSql } from './report.queries';
import { formWorkbook } from './xlsx/form-xlsx';

/** A generated (or requested) report as stored. */
export interface ReportRow {
  id: number;
  formId: string;
  period: string;
  areaCode: string;
  asOf: Date;
  status: 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED';
  figures: FormFigures | null;
  filePath: string | null;
  downloadToken: string;
  error: string | null;
  requestedBy: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** Puts report jobs on the queue; the service does not care how (BullMQ in production). */
export interface ReportJobQueue {
  add<K extends keyof ReportJobs>(name: K, data: ReportJobs[K], opts?: { jobId?: string }): Promise<unknown>;
}

/** Called when a report reaches DONE or FAILED (subscriptions). */
export type ReportListener = (report: ReportRow) => void;

function toRow(r: Record<string, unknown>): ReportRow {
  return {
    id: Number(r.id),
    formId: r.form_id as string,
    period: r.period as string,
    areaCode: r.area_code as string,
    asOf: r.as_of as Date,
    status: r.status as ReportRow['status'],
    figures: (r.figures as FormFigures | null) ?? null,
    filePath: (r.file_path as string | null) ?? null,
    downloadToken: r.download_token as string,
    error: (r.error as string | null) ?? null,
    requestedBy: (r.requested_by as string | null) ?? null,
    createdAt: r.created_at as Date,
    finishedAt: (r.finished_at as Date | null) ?? null,
  };
}

/**
 * Requests, generates and serves reports: a request is stored QUEUED and a job generates it
 * (figures as JSON + an XLSX file); the download URL carries a random token. Generation is
 * idempotent: a report already DONE is not generated again.
 */
export class ReportService {
  private readonly listeners: ReportListener[] = [];
  private jobQueue: ReportJobQueue | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly areas: AreaService,
    readonly engine: ReportEngine,
    readonly dir: string = path.join(repoRoot(), 'storage', 'reports'),
  ) {}

  /** Sets the queue generation requests go to (none: `request` generates in-process, later). */
  useQueue(queue: ReportJobQueue): void {
    this.jobQueue = queue;
  }

  /** Registers a listener for finished reports. */
  onFinished(listener: ReportListener): void {
    this.listeners.push(listener);
  }

  /** Every form definition. */
  forms(): FormDefinition[] {
    return this.engine.forms.list();
  }

  /** Checks form, period and area before anything is queued, naming the argument at fault. */
  private async check(formId: string, periodKey: string, areaCode: string) {
    const { form, period } = await this.engine.check(formId, periodKey, areaCode);
    return { form, period };
  }

  /** Stores a report request and queues its generation. */
  async request(
    formId: string,
    periodKey: string,
    areaCode: string,
    actor: string | null,
    scope: Scope,
  ): Promise<ReportRow> {
    await this.areas.ready();
    assertAreaInScope(this.areas, scope, areaCode);
    const { form, period } = await this.check(formId, periodKey, areaCode);
    const token = randomBytes(18).toString('base64url');
    const { rows } = await this.pool.query(reportSql.insert, [
      form.id,
      period.key,
      areaCode,
      period.end,
      token,
      actor,
    ]);
    const report = toRow(rows[0]);
    if (this.jobQueue)
      await this.jobQueue.add('generate-report', { reportId: report.id }, { jobId: `report-${report.id}` });
    return report;
  }

  /** A report by id; an unknown id is the caller's error. */
  async byId(id: number, scope: Scope, field = 'id'): Promise<ReportRow> {
    const { rows } = await this.pool.query(reportSql.byId, [id]);
    const row = rows[0] ? toRow(rows[0]) : null;
    // a report of an area outside the reader's scope behaves as if it did not exist
    if (!row || !areaInScope(this.areas, scope, row.areaCode)) {
      throw new AppError('REPORT_NOT_FOUND', `no report has id ${id}`, field);
    }
    return row;
  }

  /** Generates a stored report (the job handler's work); a report already DONE is returned as is. */
  async generate(id: number): Promise<ReportRow> {
    const { rows } = await this.pool.query(reportSql.claim, [id]);
    if (!rows[0]) return this.byId(id, UNRESTRICTED);
    const claimed = toRow(rows[0]);
    try {
      const figures = await this.engine.evaluate(claimed.formId, claimed.period, claimed.areaCode);
      const file = await this.writeFile(
        figures,
        `${claimed.formId}-${claimed.period}-${claimed.areaCode}-${claimed.id}.xlsx`,
      );
      const done = toRow(
        (await this.pool.query(reportSql.done, [id, JSON.stringify(figures), file])).rows[0],
      );
      this.emit(done);
      return done;
    } catch (e) {
      // only our own messages are stored; they never hold personal data
      const message = e instanceof AppError ? e.message : 'generation failed (see the worker log)';
      const failed = toRow((await this.pool.query(reportSql.failed, [id, message])).rows[0]);
      this.emit(failed);
      if (e instanceof AppError) return failed;
      throw e;
    }
  }

  /** Evaluates and writes a form straight to a file (the CLI), without storing a report. */
  async generateToFile(
    formId: string,
    periodKey: string,
    areaCode: string,
    out: string,
  ): Promise<FormFigures> {
    await this.check(formId, periodKey, areaCode);
    const figures = await this.engine.evaluate(formId, periodKey, areaCode);
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    fs.writeFileSync(out, await formWorkbook(figures, { reportedAt: new Date() }));
    return figures;
  }

  /**
   * Requests every quarterly form for every community under `root` for the quarter that ended
   * last before `now`; combinations already queued, running or done are skipped. Returns the new
   * requests.
   */
  async requestQuarter(now: Date, root: string | null = null): Promise<ReportRow[]> {
    const period = lastEndedPeriod('QUARTER', now);
    const communities = await this.areas.list('COMMUNITY', root);
    const created: ReportRow[] = [];
    for (const form of this.forms().filter((f) => f.periodType === 'QUARTER')) {
      for (const c of communities) {
        const { rows } = await this.pool.query(reportSql.existing, [form.id, period.key, c.code]);
        if (rows[0]) continue;
        created.push(await this.request(form.id, period.key, c.code, 'scheduler', UNRESTRICTED));
      }
    }
    return created;
  }

  /** The file of a DONE report, if the token matches; null otherwise (no hint which part failed). */
  async file(id: number, token: string): Promise<{ path: string; name: string } | null> {
    const { rows } = await this.pool.query(reportSql.byId, [id]);
    const r = rows[0] ? toRow(rows[0]) : null;
    if (!r || r.status !== 'DONE' || !r.filePath || r.downloadToken.length !== token.length) return null;
    if (!timingSafeEqualText(r.downloadToken, token)) return null;
    const title = r.figures?.title ?? r.formId;
    return { path: r.filePath, name: `${title}-${r.period}-${r.figures?.areaName ?? r.areaCode}.xlsx` };
  }

  /** The download path of a report (relative to the API's origin). */
  downloadPath(r: ReportRow): string | null {
    return r.status === 'DONE' ? `/reports/${r.id}/file?token=${r.downloadToken}` : null;
  }

  private async writeFile(figures: FormFigures, name: string): Promise<string> {
    fs.mkdirSync(this.dir, { recursive: true });
    const file = path.join(this.dir, name);
    fs.writeFileSync(file, await formWorkbook(figures, { reportedAt: new Date() }));
    return file;
  }

  private emit(r: ReportRow): void {
    for (const l of this.listeners) {
      try {
        l(r);
      } catch {
        // a listener's failure must not fail a finished report
      }
    }
  }
}

function timingSafeEqualText(a: string, b: string): boolean {
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
