import type pg from 'pg';
import type { Scope } from '../auth/scope';
import { areaInScope, UNRESTRICTED } from '../auth/scope';
import { withTransaction } from '../db/pool';
import { AppError } from '../errors/app-error';
import type { AreaNode, AreaService } from '../geo/area.service';
import { parsePoint } from '../geo/geojson';
import { pointToEwkt } from '../ledger/entities';
import type { LedgerRow, LedgerService, LockedRows } from '../ledger/ledger.service';
import type { CommitResult } from '../ledger/ledger.types';
import { PageArgs, pageWindow, toPage } from '../registry/pagination';
import type { Actor } from '../registry/person.service';
import { staffSource } from '../registry/person.service';
import { registrySql } from '../registry/registry.queries';
import type { CaseCategory, CaseCategoryList } from './calendar/categories';
import type { CaseClock } from './case-clock';
import { caseSql } from './case.queries';
import type {
  CaseChange,
  CaseKpis,
  CaseRecord,
  CaseTransitionRow,
  ReportCaseInput,
  TransitionInput,
} from './case.types';
import {
  CaseAction,
  CaseStatus,
  DEADLINE_FREE,
  HANDLING_LEVELS,
  HandlingLevel,
  nextStatus,
} from './case.workflow';
import type { PhotoStore } from './photo.store';

/** Schedules the deadline jobs of a case (BullMQ in production; see src/jobs). */
export interface DeadlineScheduler {
  schedule(ref: { districtCode: string; caseId: number; dueAt: Date; warnAt: Date }): Promise<void>;
  close?(): Promise<void>;
}

/** Told about every committed case step (live subscriptions). */
export type CaseListener = (change: CaseChange) => void;

/** The actor of steps the system takes by itself (deadline escalation). */
export const SYSTEM_ACTOR: Actor = { name: 'system:deadline', scope: UNRESTRICTED };

/** Dependencies of the case service. */
export interface CaseServiceDeps {
  pool: pg.Pool;
  ledger: LedgerService;
  areas: AreaService;
  categories: CaseCategoryList;
  clock: CaseClock;
  photos: PhotoStore;
  scheduler?: DeadlineScheduler;
}

/**
 * Cases (事): reporting with territorial routing, the explicit workflow with working-day deadlines
 * and escalation, ratings and the assessment KPIs. Every step is a ledger write (so the change log
 * is the case history) plus a case_transition row with its note and approver, in one transaction.
 */
export class CaseService {
  private readonly categoryByCode: Map<string, CaseCategory>;
  private readonly listeners: CaseListener[] = [];
  scheduler: DeadlineScheduler | undefined;

  constructor(private readonly d: CaseServiceDeps) {
    this.categoryByCode = new Map(d.categories.categories.map((c) => [c.code, c]));
    this.scheduler = d.scheduler;
  }

  /** The clock (tests inject "now" and the deadline policy through it). */
  get clock(): CaseClock {
    return this.d.clock;
  }

  /** Where case photos are kept. */
  get photoStore(): PhotoStore {
    return this.d.photos;
  }

  /** The code list in use. */
  get categories(): CaseCategoryList {
    return this.d.categories;
  }

  /** Registers a listener for committed case steps. */
  onChange(listener: CaseListener): void {
    this.listeners.push(listener);
  }

  /** Cases by id, in the order asked. */
  async byIds(ids: readonly number[], scope: Scope): Promise<(CaseRecord | null)[]> {
    const { rows } = await this.d.pool.query<CaseRecord>(caseSql.byIds(ids, scope));
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  }

  /** Whether a case the reader may see refers to the photo (photos follow their case's scope). */
  async photoVisible(photoId: string, scope: Scope): Promise<boolean> {
    const { rowCount } = await this.d.pool.query(caseSql.photoVisible(photoId, scope));
    return (rowCount ?? 0) > 0;
  }

  /** One case; a missing one is the caller's error. */
  async get(id: number, scope: Scope, field = 'id'): Promise<CaseRecord> {
    const [c] = await this.byIds([id], scope);
    if (!c) throw new AppError('CASE_NOT_FOUND', `case ${id} does not exist`, field);
    return c;
  }

  /** One page of cases by area subtree and status. */
  async list(filter: { areaCode?: string | null; status?: string | null }, page: PageArgs, scope: Scope) {
    const { limit, afterId } = pageWindow(page);
    const path = filter.areaCode ? await this.d.areas.pathOf(filter.areaCode, 'filter.areaCode') : null;
    const f = { afterId, limit: limit + 1, areaPath: path, status: filter.status ?? null, scope };
    const { rows } = await this.d.pool.query<{ id: number }>(registrySql.casesPage(f, false));
    const full = await this.byIds(
      rows.map((r) => r.id),
      scope,
    );
    let total: Promise<number> | undefined;
    return {
      ...toPage(full as CaseRecord[], limit, afterId),
      totalCount: () =>
        (total ??= this.d.pool
          .query<{ total: number }>(registrySql.casesPage(f, true))
          .then((r) => Number(r.rows[0].total))),
    };
  }

  /** The recorded steps of cases, oldest first, grouped by case id. */
  async transitionsOf(ids: readonly number[]): Promise<CaseTransitionRow[][]> {
    const { rows } = await this.d.pool.query<CaseTransitionRow>(caseSql.transitionsOf, [ids]);
    return ids.map((id) => rows.filter((r) => r.caseId === id));
  }

  /** A category of the code list; an unknown code is the caller's error. */
  category(code: string, field = 'input.categoryCode'): CaseCategory {
    const c = this.categoryByCode.get(code);
    if (!c) {
      throw new AppError(
        'CASE_CATEGORY_UNKNOWN',
        `category ${code} is not in the case category list (version ${this.d.categories.version})`,
        field,
      );
    }
    return c;
  }

  /** The department a category routes to (a subclass without one inherits its major class's). */
  private departmentOf(c: CaseCategory): string | null {
    return c.department ?? (c.parent ? (this.categoryByCode.get(c.parent)?.department ?? null) : null);
  }

  /**
   * Where a point belongs: the deepest area covering it, and the unit that handles cases there
   * (the community, else the street, else the district command center). A point in no area goes
   * to the command center of the nearest district, with that reason.
   */
  async route(
    lon: number,
    lat: number,
  ): Promise<{ area: AreaNode; handler: AreaNode; level: HandlingLevel; reason: string | null }> {
    const { rows } = await this.d.pool.query<{ areaCode: string }>(caseSql.route, [lon, lat]);
    if (rows.length > 0) {
      const area = await this.d.areas.get(rows[0].areaCode);
      const chain = await this.d.areas.ancestors(area.code);
      for (const level of HANDLING_LEVELS) {
        const handler = [...chain].reverse().find((a) => a.level === level);
        if (handler) return { area, handler, level, reason: null };
      }
    }
    const nearest = await this.d.pool.query<{ code: string }>(caseSql.nearestDistrict, [lon, lat]);
    const any = nearest.rows[0] ?? (await this.d.pool.query<{ code: string }>(caseSql.anyDistrict)).rows[0];
    if (!any) {
      throw new AppError(
        'POINT_OUTSIDE_AREAS',
        `no area and no district to route (${lon}, ${lat}) to`,
        'input.location',
      );
    }
    const district = await this.d.areas.get(any.code);
    return {
      area: district,
      handler: district,
      level: 'DISTRICT',
      reason: rows.length > 0 ? 'NO_HANDLING_UNIT' : 'POINT_OUTSIDE_AREAS',
    };
  }

  /** Records a reported case (REPORTED), routed to the unit that owns its location. */
  async report(input: ReportCaseInput, actor: Actor): Promise<CaseRecord> {
    const category = this.category(input.categoryCode);
    const description = input.description?.trim();
    if (!description)
      throw new AppError('VALUE_INVALID', 'description must not be empty', 'input.description');
    const { lon, lat } = parsePoint(input.location, 'input.location');
    const photos = input.photoIds ?? [];
    await this.d.photos.assertExist(photos, 'input.photoIds');
    const routed = await this.route(lon, lat);
    const districtCode = routed.area.districtCode ?? routed.area.code;
    const at = this.clock.now();
    const { id, result } = await withTransaction(this.d.pool, async (client) => {
      const [id] = await this.d.ledger.allocateIds(client, 'CASE', 1);
      const result = await this.d.ledger.recordIn(
        client,
        [
          {
            source: staffSource(districtCode, actor, 'reportCase', { ...input }),
            writes: [
              {
                type: 'CASE',
                districtCode,
                id,
                create: true,
                values: {
                  category_code: category.code,
                  category_version: this.d.categories.version,
                  description,
                  channel: input.channel,
                  reporter_name: input.reporterName?.trim() || null,
                  reporter_phone: input.reporterPhone?.trim() || null,
                  location: pointToEwkt(lon, lat),
                  area_code: routed.area.code,
                  routing_reason: routed.reason,
                  handling_level: routed.level,
                  handling_area_code: routed.handler.code,
                  department_code: this.departmentOf(category),
                  escalation_level: HANDLING_LEVELS.indexOf(routed.level),
                  photos,
                  status: 'REPORTED',
                  reported_at: at,
                },
              },
            ],
          },
        ],
        { at },
      );
      await client.query(caseSql.insertTransition, [
        districtCode,
        id,
        'REPORT',
        null,
        'REPORTED',
        actor.name,
        null,
        routed.reason,
        result.sourceRecordIds[0],
        at,
      ]);
      return { id, result };
    });
    this.after(result, {
      caseId: id,
      districtCode,
      areaCode: routed.area.code,
      action: 'REPORT',
      fromStatus: null,
      toStatus: 'REPORTED',
      recordedAt: at.toISOString(),
    });
    // the reporter sees the case it filed, wherever it was routed
    return this.get(id, UNRESTRICTED);
  }

  /**
   * Takes one workflow step. The state machine (case.workflow.ts) decides whether it is allowed;
   * deadlines are counted in working days from the step's instant; a new due date schedules its
   * warning and escalation jobs after commit.
   */
  async transition(input: TransitionInput, actor: Actor): Promise<CaseRecord> {
    const out = await withTransaction(this.d.pool, async (client) => {
      const { c, held } = (await this.lockCase(client, input.caseId)) ?? {};
      // a case outside the actor's scope behaves as if it did not exist
      if (!c || !areaInScope(this.d.areas, actor.scope, c.areaCode)) {
        throw new AppError('CASE_NOT_FOUND', `case ${input.caseId} does not exist`, 'input.caseId');
      }
      return this.step(client, c, input, actor, this.clock.now(), held);
    });
    this.after(out.result, out.change);
    if (out.dueChanged) await this.scheduleDeadline(out.change.districtCode, input.caseId, out.dueAt!);
    return this.get(input.caseId, actor.scope);
  }

  /**
   * The case locked for this transaction, through the ledger's lock so that the step's write does
   * not lock and read it a second time; null if there is no such case. A step's instant is taken
   * after this, so that a case's steps are recorded in the order they held the case.
   */
  private async lockCase(
    client: pg.PoolClient,
    id: number,
  ): Promise<{ c: LockedCase; held: LockedRows } | null> {
    const held = await this.d.ledger.lock(client, 'CASE', [id]);
    const row = held.rows.get(`CASE:${id}`);
    return row ? { c: lockedCase(row), held } : null;
  }

  private async step(
    client: pg.PoolClient,
    c: LockedCase,
    input: TransitionInput,
    actor: Actor,
    at: Date,
    held?: LockedRows,
  ): Promise<{ result: CommitResult; change: CaseChange; dueChanged: boolean; dueAt: Date | null }> {
    const from = c.status as CaseStatus;
    const action = input.action;
    const to = nextStatus(from, action, input);
    const category = this.category(c.categoryCode, 'input.caseId');
    const limit = category.limitWorkingDays;
    const due = (start: Date) => this.clock.policy.addWorkingDays(start, limit);
    const values: Record<string, unknown> = { status: to };
    switch (action) {
      case 'FILE': {
        const dueAt = due(at);
        Object.assign(values, { filed_at: at, due_at: dueAt, original_due_at: dueAt });
        break;
      }
      case 'REJECT':
        values.invalid_reason = input.note!.trim();
        break;
      case 'DISPATCH':
        if (input.departmentCode) {
          const found = await client.query(caseSql.departmentExists, [input.departmentCode]);
          if (found.rowCount === 0) {
            throw new AppError(
              'DEPARTMENT_NOT_FOUND',
              `no department has code ${input.departmentCode}`,
              'input.departmentCode',
            );
          }
          values.department_code = input.departmentCode;
        }
        break;
      case 'CLAIM':
        values.claimed_at = at;
        break;
      case 'RESOLVE':
        values.resolved_at = at;
        break;
      case 'REWORK':
        values.resolved_at = null;
        break;
      case 'CLOSE':
        values.closed_at = at;
        break;
      case 'EXTEND': {
        const days = input.extendWorkingDays ?? 0;
        if (!Number.isInteger(days) || days < 1 || days > 30) {
          throw new AppError(
            'VALUE_INVALID',
            'extendWorkingDays must be a whole number of 1–30 working days',
            'input.extendWorkingDays',
          );
        }
        // the original due date stays as it was: the on-time figure is measured against it
        values.due_at = this.clock.policy.addWorkingDays(c.dueAt ?? at, days);
        break;
      }
      case 'UNPARK':
        values.due_at = due(at);
        break;
      case 'ESCALATE': {
        const level = c.escalationLevel ?? 0;
        if (level >= HANDLING_LEVELS.length - 1) {
          throw new AppError(
            'CASE_ESCALATION_AT_TOP',
            `case ${c.id} is already with the district command center (指挥中心); it cannot be escalated further`,
            'input.action',
          );
        }
        const next = HANDLING_LEVELS[level + 1];
        const chain = await this.d.areas.ancestors(c.handlingAreaCode ?? c.areaCode ?? '');
        const unit = chain.find((a) => a.level === next) ?? chain.find((a) => a.level === 'DISTRICT');
        Object.assign(values, {
          escalation_level: level + 1,
          handling_level: next,
          handling_area_code: unit?.code ?? c.handlingAreaCode,
          due_at: due(at),
        });
        break;
      }
      case 'REOPEN':
        if (c.rating === null || c.rating > 2) {
          throw new AppError(
            'CASE_REOPEN_NOT_ALLOWED',
            `case ${c.id} can be reopened only after an unsatisfied rating (1 or 2), its rating is ${c.rating ?? 'none'}`,
            'input.action',
          );
        }
        Object.assign(values, { closed_at: null, resolved_at: null, due_at: due(at) });
        break;
      case 'START':
      case 'CHECK':
      case 'RETURN':
      case 'PARK':
        break;
    }
    const result = await this.d.ledger.recordIn(
      client,
      [
        {
          source: staffSource(c.districtCode, actor, `transitionCase:${action}`, { ...input }),
          writes: [
            {
              type: 'CASE',
              districtCode: c.districtCode,
              id: c.id,
              create: false,
              values,
              expectedVersion: input.expectedVersion ?? undefined,
            },
          ],
        },
      ],
      { at, locked: held },
    );
    await client.query(caseSql.insertTransition, [
      c.districtCode,
      c.id,
      action,
      from,
      to,
      actor.name,
      input.approver?.trim() || null,
      input.note?.trim() || null,
      result.sourceRecordIds[0],
      at,
    ]);
    const dueAt = (values.due_at as Date | undefined) ?? null;
    return {
      result,
      change: {
        caseId: c.id,
        districtCode: c.districtCode,
        areaCode: c.areaCode,
        action,
        fromStatus: from,
        toStatus: to,
        recordedAt: at.toISOString(),
      },
      dueChanged: dueAt !== null,
      dueAt,
    };
  }

  /**
   * The reporter's rating (1–5, with a comment) of a closed case. An unsatisfied rating (1 or 2)
   * with `reopen` reopens the case in the same transaction.
   */
  async rate(
    input: { caseId: number; score: number; comment?: string | null; reopen?: boolean | null },
    actor: Actor,
  ): Promise<CaseRecord> {
    if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) {
      throw new AppError(
        'CASE_RATING_INVALID',
        `a rating is a whole number from 1 to 5, got ${input.score}`,
        'input.score',
      );
    }
    if (input.reopen && input.score > 2) {
      throw new AppError(
        'CASE_REOPEN_NOT_ALLOWED',
        `only an unsatisfied rating (1 or 2) can reopen a case`,
        'input.reopen',
      );
    }
    const out = await withTransaction(this.d.pool, async (client) => {
      const { c, held } = (await this.lockCase(client, input.caseId)) ?? {};
      const at = this.clock.now();
      if (!c || !areaInScope(this.d.areas, actor.scope, c.areaCode)) {
        throw new AppError('CASE_NOT_FOUND', `case ${input.caseId} does not exist`, 'input.caseId');
      }
      if (c.status !== 'CLOSED') {
        throw new AppError(
          'CASE_TRANSITION_ILLEGAL',
          `only a CLOSED case can be rated; case ${c.id} is ${c.status}`,
          'input.caseId',
          { from: c.status, to: c.status, action: 'RATE' },
        );
      }
      const result = await this.d.ledger.recordIn(
        client,
        [
          {
            source: staffSource(c.districtCode, actor, 'rateCase', { ...input }),
            writes: [
              {
                type: 'CASE',
                districtCode: c.districtCode,
                id: c.id,
                create: false,
                values: { rating: input.score, rating_comment: input.comment?.trim() || null, rated_at: at },
              },
            ],
          },
        ],
        { at, locked: held },
      );
      await client.query(caseSql.insertTransition, [
        c.districtCode,
        c.id,
        'RATE',
        'CLOSED',
        'CLOSED',
        actor.name,
        null,
        `${input.score}${input.comment?.trim() ? ` ${input.comment.trim()}` : ''}`,
        result.sourceRecordIds[0],
        at,
      ]);
      const rated: CaseChange = {
        caseId: c.id,
        districtCode: c.districtCode,
        areaCode: c.areaCode,
        action: 'RATE',
        fromStatus: 'CLOSED',
        toStatus: 'CLOSED',
        recordedAt: at.toISOString(),
      };
      if (!input.reopen) return { steps: [{ result, change: rated }], dueAt: null };
      const reopened = await this.step(
        client,
        { ...c, rating: input.score },
        { caseId: c.id, action: 'REOPEN', note: input.comment?.trim() || '评价不满意，重新办理' },
        actor,
        at,
      );
      return { steps: [{ result, change: rated }, reopened], dueAt: reopened.dueAt };
    });
    for (const s of out.steps) this.after(s.result, s.change);
    const c = await this.get(input.caseId, actor.scope);
    if (out.dueAt) await this.scheduleDeadline(c.districtCode, c.id, out.dueAt);
    return c;
  }

  /**
   * The deadline job's warning: records (once per due date) that the deadline is near. Returns
   * false when the case no longer has this due date or nobody works against it.
   */
  async warnDeadline(caseId: number, dueAt: Date): Promise<boolean> {
    const out = await withTransaction(this.d.pool, async (client) => {
      const { c, held } = (await this.lockCase(client, caseId)) ?? {};
      const at = this.clock.now();
      if (!c || !this.stillDue(c, dueAt) || c.warnedDueAt?.getTime() === dueAt.getTime()) return null;
      const result = await this.d.ledger.recordIn(
        client,
        [
          {
            source: systemSource(c.districtCode, 'deadlineWarning', { caseId, dueAt }),
            writes: [
              {
                type: 'CASE',
                districtCode: c.districtCode,
                id: c.id,
                create: false,
                values: { warned_due_at: dueAt },
              },
            ],
          },
        ],
        { at, locked: held },
      );
      await client.query(caseSql.insertTransition, [
        c.districtCode,
        c.id,
        'WARN',
        c.status,
        c.status,
        SYSTEM_ACTOR.name,
        null,
        `临期提醒：办理时限 ${dueAt.toISOString()}`,
        result.sourceRecordIds[0],
        at,
      ]);
      const change: CaseChange = {
        caseId: c.id,
        districtCode: c.districtCode,
        areaCode: c.areaCode,
        action: 'WARN',
        fromStatus: c.status,
        toStatus: c.status,
        recordedAt: at.toISOString(),
      };
      return { result, change };
    });
    if (!out) return false;
    this.after(out.result, out.change);
    return true;
  }

  /**
   * The deadline job's escalation: a case still open past this due date goes one level up. A case
   * whose due date has moved (extended, escalated already) or that is done is left alone, so the
   * job can run any number of times.
   */
  async escalateOverdue(caseId: number, dueAt: Date): Promise<boolean> {
    if (this.clock.now().getTime() < dueAt.getTime()) return false;
    const out = await withTransaction(this.d.pool, async (client) => {
      const { c, held } = (await this.lockCase(client, caseId)) ?? {};
      if (!c || !this.stillDue(c, dueAt)) return null;
      if ((c.escalationLevel ?? 0) >= HANDLING_LEVELS.length - 1) return null; // already at the command center
      return this.step(
        client,
        c,
        { caseId, action: 'ESCALATE', note: `超期自动升级（办理时限 ${dueAt.toISOString()}）` },
        SYSTEM_ACTOR,
        this.clock.now(),
        held,
      );
    });
    if (!out) return false;
    this.after(out.result, out.change);
    if (out.dueAt) await this.scheduleDeadline(out.change.districtCode, caseId, out.dueAt);
    return true;
  }

  private stillDue(c: LockedCase, dueAt: Date): boolean {
    return c.dueAt?.getTime() === dueAt.getTime() && !DEADLINE_FREE.has(c.status as CaseStatus);
  }

  /** Schedules the warning and escalation jobs of a due date (idempotent: one job id per case and due date). */
  async scheduleDeadline(districtCode: string, caseId: number, dueAt: Date): Promise<void> {
    if (!this.scheduler) return;
    const warnAt = new Date(dueAt.getTime() - this.clock.warnBeforeMs);
    await this.scheduler.schedule({ districtCode, caseId, dueAt, warnAt });
  }

  /** The assessment KPIs of an area subtree for the period [from, to). */
  async kpis(areaCode: string, from: Date, to: Date, scope: Scope): Promise<CaseKpis> {
    // figures of a subtree the reader may not see wholly would leak what lies outside its scope
    if (!areaInScope(this.d.areas, scope, areaCode)) {
      throw new AppError('AREA_UNKNOWN', `no area has code ${areaCode}`, 'areaCode');
    }
    if (!(from.getTime() < to.getTime())) {
      throw new AppError('CASE_PERIOD_INVALID', `the period must end after it starts`, 'to');
    }
    const path = await this.d.areas.pathOf(areaCode, 'areaCode');
    const [counts, spans] = await Promise.all([
      this.d.pool.query<Omit<CaseKpis, 'areaCode' | 'from' | 'to'>>(caseSql.kpiCounts, [path, from, to]),
      this.d.pool.query<{ filedAt: Date; closedAt: Date }>(caseSql.kpiClosedSpans, [path, from, to]),
    ]);
    const k = counts.rows[0];
    const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
    const days = spans.rows.map((r) => this.clock.policy.workingDaysBetween(r.filedAt, r.closedAt));
    return {
      areaCode,
      from,
      to,
      received: k.received,
      filed: k.filed,
      due: k.due,
      closed: k.closed,
      closedOnTime: k.closedOnTime,
      completionRate: ratio(k.closed, k.due),
      onTimeRate: ratio(k.closedOnTime, k.due),
      closedInPeriod: k.closedInPeriod,
      closedAtOrBelowStreet: k.closedAtOrBelowStreet,
      shareClosedAtOrBelowStreet: ratio(k.closedAtOrBelowStreet, k.closedInPeriod),
      meanHandlingWorkingDays: days.length ? days.reduce((a, b) => a + b, 0) / days.length : null,
      rated: k.rated,
      satisfied: k.satisfied,
      satisfactionRate: ratio(k.satisfied, k.rated),
      meanRating: k.meanRating,
    };
  }

  /** Releases the scheduler's connection. */
  async close(): Promise<void> {
    await this.scheduler?.close?.();
  }

  private after(result: CommitResult, change: CaseChange): void {
    this.d.ledger.emit(result);
    for (const l of this.listeners) {
      try {
        l(change);
      } catch {
        // a listener's failure must not fail a committed step
      }
    }
  }
}

/** A locked case as the workflow reads it: the table's tracked columns (no coordinates or row times). */
type LockedCase = Omit<CaseRecord, 'lon' | 'lat' | 'createdAt' | 'updatedAt'>;

/** The ledger's row of a case (snake_case columns) as a `LockedCase`. */
function lockedCase(row: LedgerRow): LockedCase {
  const c: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row))
    c[k.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase())] = v;
  return c as LockedCase;
}

function systemSource(districtCode: string, operation: string, args: object) {
  return {
    districtCode,
    kind: 'SYSTEM' as const,
    actor: SYSTEM_ACTOR.name,
    raw: { operation, ...args },
  };
}

export type { CaseAction };
