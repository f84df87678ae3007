import { openTestApi, TestApi } from '../../test/harness';
import { buildTerritory, T } from '../../test/factories';
import { UNRESTRICTED } from '../auth/scope';
import { statementCounter } from '../db/pool';
import { idOf, toGlobalId } from '../graphql/global-id';
import { TRANSITIONS, CASE_STATUSES, CaseAction, CaseStatus, nextStatus } from './case.workflow';
import type { DeadlineScheduler } from './case.service';

let api: TestApi;
const scheduled: { caseId: number; dueAt: Date; warnAt: Date }[] = [];
/** Beijing time instant. */
const bj = (s: string) => new Date(`${s}+08:00`);
let now = bj('2026-09-30T15:00:00');

beforeAll(async () => {
  api = await openTestApi();
  await buildTerritory(api.services);
  api.services.cases.clock.setNow(() => now);
  const fake: DeadlineScheduler = {
    schedule: async (ref) => {
      scheduled.push(ref);
    },
  };
  api.services.cases.scheduler = fake;
});
afterAll(() => api.close());

const CASE_FIELDS = `id status areaCode handlingLevel handlingAreaCode departmentCode escalationLevel routingReason
  reporterName reporterPhone dueAt originalDueAt filedAt claimedAt closedAt invalidReason rating version categoryVersion
  transitions { action fromStatus toStatus actor approver note }`;

async function report(over: Record<string, unknown> = {}) {
  const r = await api.exec(
    `mutation($input: ReportCaseInput!) { reportCase(input: $input) { ${CASE_FIELDS} } }`,
    {
      input: {
        categoryCode: 'L0201',
        description: '楼道里有马蜂窝',
        location: T.inA1,
        channel: 'APP',
        reporterName: '王小明',
        reporterPhone: '13812345678',
        ...over,
      },
    },
  );
  return r;
}

async function step(id: string, action: CaseAction, extra: Record<string, unknown> = {}, actor = 'staff-a') {
  return api.exec(
    `mutation($input: TransitionCaseInput!) { transitionCase(input: $input) { ${CASE_FIELDS} } }`,
    { input: { caseId: id, action, ...extra } },
    actor,
  );
}

async function ok(id: string, action: CaseAction, extra: Record<string, unknown> = {}) {
  const r = await step(id, action, extra);
  expect(r.errors).toBeUndefined();
  return r.data!.transitionCase;
}

describe('reportCase', () => {
  it('routes to the smallest containing area, the community handles it, personal data is masked', async () => {
    const r = await report();
    expect(r.errors).toBeUndefined();
    const c = r.data!.reportCase;
    expect(c).toMatchObject({
      status: 'REPORTED',
      areaCode: T.gridA1,
      handlingLevel: 'COMMUNITY',
      handlingAreaCode: T.communityA,
      departmentCode: 'EMERGENCY',
      escalationLevel: 0,
      routingReason: null,
      reporterName: '王**',
      reporterPhone: '138****5678',
      categoryVersion: '2026.1',
    });
    expect(c.transitions).toEqual([
      {
        action: 'REPORT',
        fromStatus: null,
        toStatus: 'REPORTED',
        actor: 'test-staff',
        approver: null,
        note: null,
      },
    ]);
    const history = await api.exec(
      `query($id: ID!) { node(id: $id) { ... on Case { history { op fields { field newValue } } } } }`,
      { id: c.id },
    );
    expect(history.errors).toBeUndefined();
    const create = history.data!.node.history[0];
    expect(create.op).toBe('CREATE');
    const phone = create.fields.find((x: { field: string }) => x.field === 'reporterPhone');
    expect(phone.newValue).toBe('138****5678');
  });

  it('puts a point on the edge shared by two grids into the lower code', async () => {
    const r = await report({ location: { type: 'Point', coordinates: [109.005, 32.6825] } });
    expect(r.data!.reportCase.areaCode).toBe(T.gridA1);
    const b = await report({ location: T.inB1 });
    expect(b.data!.reportCase).toMatchObject({ areaCode: T.gridB1, handlingAreaCode: T.communityB });
  });

  it('sends a point in no area to the district command center, saying why', async () => {
    const r = await report({ location: T.outside });
    expect(r.errors).toBeUndefined();
    expect(r.data!.reportCase).toMatchObject({
      areaCode: T.district,
      handlingLevel: 'DISTRICT',
      handlingAreaCode: T.district,
      escalationLevel: 2,
      routingReason: 'POINT_OUTSIDE_AREAS',
    });
  });

  it('refuses an unknown category, a bad point and an unknown photo, naming the field', async () => {
    const a = await report({ categoryCode: 'X99' });
    expect(a.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'CASE_CATEGORY_UNKNOWN',
      field: 'input.categoryCode',
    });
    const b = await report({ location: { type: 'Point', coordinates: [500, 1] } });
    expect(b.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'GEOMETRY_INVALID',
      field: 'input.location',
    });
    const c = await report({ photoIds: ['00000000-0000-0000-0000-000000000000.jpg'] });
    expect(c.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'PHOTO_UNKNOWN',
      field: 'input.photoIds[0]',
    });
    const d = await report({ channel: 'FAX' });
    expect(d.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });
});

describe('the state machine', () => {
  it('allows exactly the listed transitions and names both states when refusing', () => {
    for (const action of Object.keys(TRANSITIONS) as CaseAction[]) {
      for (const from of CASE_STATUSES) {
        const rule = TRANSITIONS[action];
        const given = { note: 'n', approver: 'a' };
        if (rule.from.includes(from))
          expect(nextStatus(from, action, given)).toBe(rule.to === 'SAME' ? from : rule.to);
        else
          expect(() => nextStatus(from, action, given)).toThrow(new RegExp(`illegal transition ${from} → `));
      }
    }
    // the rules the issue names, spelled out
    const to = (from: CaseStatus, a: CaseAction) => nextStatus(from, a, { note: 'n', approver: 'a' });
    expect(to('REPORTED', 'FILE')).toBe('FILED');
    expect(to('REPORTED', 'REJECT')).toBe('INVALID');
    expect(to('RESOLVED', 'REWORK')).toBe('DISPATCHED');
    expect(to('CLAIMED', 'RETURN')).toBe('RETURNED');
    expect(to('IN_PROGRESS', 'EXTEND')).toBe('IN_PROGRESS');
    expect(to('CLOSED', 'REOPEN')).toBe('REOPENED');
    expect(() => to('CLOSED', 'CLAIM')).toThrow(/CLOSED → CLAIMED/);
  });

  it('walks a case from report to closing, recording actor, time and note of every step', async () => {
    const id = (await report()).data!.reportCase.id;
    now = bj('2026-09-30T15:00:00');
    const filed = await ok(id, 'FILE');
    // 马蜂窝: 1 working day; the National Day holiday is skipped → end of 2026-10-08
    expect(new Date(filed.dueAt)).toEqual(new Date('2026-10-08T23:59:59.999+08:00'));
    expect(filed.originalDueAt).toEqual(filed.dueAt);
    await ok(id, 'DISPATCH');
    now = bj('2026-10-08T09:00:00');
    await ok(id, 'CLAIM');
    await ok(id, 'START');
    await ok(id, 'RESOLVE', { note: '已摘除蜂窝' });
    await ok(id, 'CHECK');
    const closed = await ok(id, 'CLOSE');
    expect(closed.status).toBe('CLOSED');
    expect(new Date(closed.closedAt)).toEqual(bj('2026-10-08T09:00:00'));
    expect(
      closed.transitions.map((t: { action: string; toStatus: string }) => `${t.action}:${t.toStatus}`),
    ).toEqual([
      'REPORT:REPORTED',
      'FILE:FILED',
      'DISPATCH:DISPATCHED',
      'CLAIM:CLAIMED',
      'START:IN_PROGRESS',
      'RESOLVE:RESOLVED',
      'CHECK:CHECKED',
      'CLOSE:CLOSED',
    ]);
    expect(closed.transitions[5]).toMatchObject({ actor: 'staff-a', note: '已摘除蜂窝' });
    // every step went through the ledger: the change log holds each status change
    const h = await api.exec(
      `query($id: ID!) { node(id: $id) { ... on Case { history { fields { field oldValue newValue } } } } }`,
      { id },
    );
    const statuses = h
      .data!.node.history.flatMap((c: { fields: { field: string; newValue: unknown }[] }) => c.fields)
      .filter((c: { field: string }) => c.field === 'status')
      .map((c: { newValue: unknown }) => c.newValue);
    expect(statuses).toEqual([
      'REPORTED',
      'FILED',
      'DISPATCHED',
      'CLAIMED',
      'IN_PROGRESS',
      'RESOLVED',
      'CHECKED',
      'CLOSED',
    ]);
    expect(scheduled.some((s) => toGlobalId('Case', s.caseId) === id)).toBe(true);
  });

  it('gives complex categories 7 working days and schedules the warning before the stored due date', async () => {
    now = bj('2026-09-30T15:00:00');
    const id = (await report({ categoryCode: 'L0202' })).data!.reportCase.id; // 危岩: complex
    const filed = await ok(id, 'FILE');
    // 10/8, 10/9, 10/10 (make-up Saturday), 10/12 … 10/15
    expect(filed.dueAt).toEqual(new Date('2026-10-15T23:59:59.999+08:00'));
    const last = scheduled.at(-1)!;
    expect(toGlobalId('Case', last.caseId)).toBe(id);
    expect(last.dueAt).toEqual(filed.dueAt);
    expect(last.warnAt).toEqual(new Date(filed.dueAt.getTime() - 240 * 60_000));
  });

  it('refuses an illegal transition with BAD_USER_INPUT naming from and to, and changes nothing', async () => {
    const c = (await report()).data!.reportCase;
    const r = await step(c.id, 'CLAIM');
    expect(r.errors![0].message).toMatch(/REPORTED → CLAIMED/);
    expect(r.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'CASE_TRANSITION_ILLEGAL',
      from: 'REPORTED',
      to: 'CLAIMED',
    });
    const again = await api.exec(`query($id: ID!) { node(id: $id) { ... on Case { status version } } }`, {
      id: c.id,
    });
    expect(again.data!.node).toEqual({ status: 'REPORTED', version: c.version });
  });

  it('rejects (不予立案) only with a reason, and keeps it', async () => {
    const c = (await report()).data!.reportCase;
    const missing = await step(c.id, 'REJECT');
    expect(missing.errors![0].extensions).toMatchObject({
      reason: 'CASE_NOTE_REQUIRED',
      field: 'input.note',
    });
    const done = await ok(c.id, 'REJECT', { note: '重复上报' });
    expect(done).toMatchObject({ status: 'INVALID', invalidReason: '重复上报' });
  });

  it('reworks, returns and re-dispatches, extends keeping the original due date, parks with approval', async () => {
    now = bj('2026-03-04T10:00:00');
    const id = (await report({ categoryCode: 'L0401' })).data!.reportCase.id; // 道路破损: 3 days
    const filed = await ok(id, 'FILE');
    expect(new Date(filed.dueAt)).toEqual(new Date('2026-03-09T23:59:59.999+08:00'));
    await ok(id, 'DISPATCH');
    expect((await ok(id, 'RETURN', { note: '不属于本单位' })).status).toBe('RETURNED');
    const redispatched = await ok(id, 'DISPATCH', { departmentCode: 'HOUSING' });
    expect(redispatched).toMatchObject({ status: 'DISPATCHED', departmentCode: 'HOUSING' });
    await ok(id, 'CLAIM');
    const noApprover = await step(id, 'EXTEND', { note: '需协调', extendWorkingDays: 2 });
    expect(noApprover.errors![0].extensions).toMatchObject({
      reason: 'CASE_APPROVER_REQUIRED',
      field: 'input.approver',
    });
    const extended = await ok(id, 'EXTEND', { note: '需协调', approver: '李主任', extendWorkingDays: 2 });
    expect(extended.status).toBe('CLAIMED');
    expect(new Date(extended.dueAt)).toEqual(new Date('2026-03-11T23:59:59.999+08:00'));
    expect(extended.originalDueAt).toEqual(filed.originalDueAt);
    expect(extended.transitions.at(-1)).toMatchObject({
      action: 'EXTEND',
      approver: '李主任',
      note: '需协调',
    });
    await ok(id, 'START');
    await ok(id, 'RESOLVE', { note: '已修补' });
    expect((await ok(id, 'REWORK', { note: '修补不合格' })).status).toBe('DISPATCHED');
    expect((await step(id, 'PARK', { note: '待资金' })).errors![0].extensions!.reason).toBe(
      'CASE_APPROVER_REQUIRED',
    );
    expect((await ok(id, 'PARK', { note: '待资金', approver: '王书记' })).status).toBe('PARKED');
    expect((await ok(id, 'UNPARK')).status).toBe('DISPATCHED');
  });

  it('escalates community → street → district command center, and no further', async () => {
    const id = (await report()).data!.reportCase.id;
    await ok(id, 'FILE');
    const s = await ok(id, 'ESCALATE', { note: '社区无法解决' });
    expect(s).toMatchObject({
      status: 'ESCALATED',
      handlingLevel: 'STREET',
      handlingAreaCode: T.street,
      escalationLevel: 1,
    });
    const d = await ok(id, 'ESCALATE');
    expect(d).toMatchObject({ handlingLevel: 'DISTRICT', handlingAreaCode: T.district, escalationLevel: 2 });
    const top = await step(id, 'ESCALATE');
    expect(top.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'CASE_ESCALATION_AT_TOP',
    });
    expect((await ok(id, 'CLAIM')).status).toBe('CLAIMED');
  });
});

describe('rating', () => {
  async function closedCase() {
    const id = (await report()).data!.reportCase.id;
    for (const a of ['FILE', 'DISPATCH', 'CLAIM', 'START'] as CaseAction[]) await ok(id, a);
    await ok(id, 'RESOLVE', { note: '已处理' });
    await ok(id, 'CHECK');
    await ok(id, 'CLOSE');
    return id;
  }
  const rate = (input: Record<string, unknown>) =>
    api.exec(
      `mutation($input: RateCaseInput!) { rateCase(input: $input) { ${CASE_FIELDS} ratingComment } }`,
      { input },
    );

  it('takes 1–5 with a comment; only an unsatisfied rating reopens', async () => {
    const id = await closedCase();
    expect((await step(id, 'REOPEN', { note: 'x' })).errors![0].extensions!.reason).toBe(
      'CASE_REOPEN_NOT_ALLOWED',
    );
    expect((await rate({ caseId: id, score: 6 })).errors![0].extensions).toMatchObject({
      reason: 'CASE_RATING_INVALID',
      field: 'input.score',
    });
    expect((await rate({ caseId: id, score: 4, reopen: true })).errors![0].extensions!.reason).toBe(
      'CASE_REOPEN_NOT_ALLOWED',
    );
    const bad = await rate({ caseId: id, score: 2, comment: '没有处理干净', reopen: true });
    expect(bad.errors).toBeUndefined();
    expect(bad.data!.rateCase).toMatchObject({
      status: 'REOPENED',
      rating: 2,
      ratingComment: '没有处理干净',
      closedAt: null,
    });
    expect(bad.data!.rateCase.transitions.slice(-2).map((t: { action: string }) => t.action)).toEqual([
      'RATE',
      'REOPEN',
    ]);
    expect((await ok(id, 'DISPATCH')).status).toBe('DISPATCHED');
  });

  it('refuses rating a case that is not closed', async () => {
    const id = (await report()).data!.reportCase.id;
    const r = await rate({ caseId: id, score: 5 });
    expect(r.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'CASE_TRANSITION_ILLEGAL',
    });
  });
});

describe('a step and the case it holds', () => {
  const staff = { name: 'staff-a', scope: UNRESTRICTED };

  async function dispatched(): Promise<number> {
    const id = idOf((await report()).data!.reportCase.id, 'Case');
    await api.services.cases.transition({ caseId: id, action: 'FILE' }, staff);
    await api.services.cases.transition({ caseId: id, action: 'DISPATCH' }, staff);
    return id;
  }

  it('costs eight statements: the case is locked and read once', async () => {
    const id = await dispatched();
    const store = { count: 0 };
    await statementCounter.run(store, () =>
      api.services.cases.transition({ caseId: id, action: 'CLAIM', note: '签收' }, staff),
    );
    // BEGIN, the case locked (with its values' sources), the source record, the row, its change,
    // the transition, COMMIT; then the case as it now is
    expect(store.count).toBe(8);
  });

  it('is recorded at the instant it held the case, so a step that waited is not dated before the one it waited for', async () => {
    const id = await dispatched();
    const other = await api.services.pool.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT 1 FROM civic_case WHERE id = $1 FOR UPDATE', [id]);
      now = bj('2026-10-09T09:00:00');
      const claim = api.services.cases.transition({ caseId: id, action: 'CLAIM' }, staff);
      // the step is waiting for the lock
      for (let i = 0; i < 100; i++) {
        const { rows } = await api.services.pool.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
        );
        if (rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      now = bj('2026-10-09T09:05:00');
      await other.query('COMMIT');
      const c = await claim;
      expect(c.claimedAt).toEqual(bj('2026-10-09T09:05:00'));
      const [log] = await api.services.cases.transitionsOf([id]);
      expect(log.at(-1)).toMatchObject({ action: 'CLAIM', recordedAt: bj('2026-10-09T09:05:00') });
    } finally {
      other.release();
    }
  });
});

describe('the cases count under a scope', () => {
  it('a case without an area is never counted for a scoped viewer, and the count matches the list', async () => {
    const r = await report();
    expect(r.errors).toBeUndefined();
    const district = await api.viewer('COMMAND_CENTER', [T.district]);
    const Q = `{ cases(first: 200) { totalCount edges { node { id } } } }`;
    const before = (await api.execAs(district, Q)).data!.cases;
    expect(before.totalCount).toBe(before.edges.length);
    expect(before.totalCount).toBeGreaterThan(0);
    // a legacy row without an area (no scope holds it): it falls out of the list and the count alike
    await api.services.pool.query(`UPDATE civic_case SET area_code = NULL WHERE id = $1`, [
      idOf(r.data!.reportCase.id, 'Case'),
    ]);
    const after = (await api.execAs(district, Q)).data!.cases;
    expect(after.edges).toHaveLength(before.edges.length - 1);
    expect(after.totalCount).toBe(after.edges.length);
  });
});
