import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildPerson, buildTerritory, T } from '../../../test/factories';
import { openTestApi, TestApi } from '../../../test/harness';
import { toGlobalId } from '../../graphql/global-id';
import { handleRefreshCohorts } from '../../reports/jobs/refresh-cohorts.job';
import { LazyReportQueue } from '../../reports/jobs/report.queue';
import { ReportWorker, startReportWorker } from '../../reports/jobs/report.worker';
import { FileRecordingSender } from '../../reports/outreach/outreach.sender';

let api: TestApi;
let queue: LazyReportQueue;
let worker: ReportWorker;
let outbox: string;
const prefix = `t${randomBytes(4).toString('hex')}`;
const ids: number[] = [];

beforeAll(async () => {
  api = await openTestApi();
  const s = api.services;
  queue = new LazyReportQueue(process.env.REDIS_URL!, prefix);
  s.reports.useQueue(queue);
  Object.assign(s.reports, { queue });
  outbox = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-')), 'outbox.jsonl');
  s.reports.outreach.useSender(new FileRecordingSender(outbox));
  worker = startReportWorker(s.reports, { redis: process.env.REDIS_URL!, prefix });
  await buildTerritory(s);
  ids.push((await buildPerson(s, { name: '钱大爷', birthDate: '1950-01-01', phone: '13800001111' })).id);
  ids.push(
    (
      await buildPerson(s, {
        name: '孙奶奶',
        birthDate: '1952-02-02',
        gender: 'FEMALE',
        phone: '13900002222',
        areaCode: T.gridB1,
      })
    ).id,
  );
});
afterAll(async () => {
  await worker.close();
  await queue.get().obliterate({ force: true });
  await queue.close();
  await api.close();
});

describe('cohorts and outreach through GraphQL', () => {
  it('lists cohorts, counts per community and members (masked)', async () => {
    const r = await api.exec(`{
      cohorts { id name }
      cohortCounts(cohort: "elderly-without-pension", areaCode: "${T.street}", level: COMMUNITY) { areaCode count }
      cohortMembers(cohort: "elderly-without-pension", areaCode: "${T.communityB}") { totalCount edges { node { name phone } } }
    }`);
    expect(r.errors).toBeUndefined();
    expect(r.data!.cohorts.map((c: { id: string }) => c.id)).toEqual([
      'school-entry',
      'elderly-without-pension',
      'elderly-health-check-due',
    ]);
    expect(r.data!.cohortCounts).toEqual([
      { areaCode: T.communityA, count: 1 },
      { areaCode: T.communityB, count: 1 },
    ]);
    expect(r.data!.cohortMembers).toEqual({
      totalCount: 1,
      edges: [{ node: { name: '孙奶奶', phone: '139****2222' } }],
    });
  });

  it('refresh job records entries, visible as cohort events', async () => {
    const out = await handleRefreshCohorts(api.services.reports.cohorts, {
      at: new Date(Date.now() + 1000).toISOString(),
    });
    expect(out['elderly-without-pension']).toEqual({ entered: 2, exited: 0 });
    const r = await api.exec(
      `{ cohortEvents(cohort: "elderly-without-pension") { kind areaCode person { name } } }`,
    );
    expect(r.data!.cohortEvents).toEqual([
      { kind: 'ENTERED', areaCode: T.gridA1, person: { name: '钱大爷' } },
      { kind: 'ENTERED', areaCode: T.gridB1, person: { name: '孙奶奶' } },
    ]);
  });

  it('creates a campaign and a batch, honours opt-out, and sends in the worker', async () => {
    const opt = await api.exec(
      `mutation($p: String!) { optOutOfOutreach(personId: $p, channel: SMS, reason: "不需要") }`,
      {
        p: toGlobalId('Person', ids[0]),
      },
    );
    expect(opt.errors).toBeUndefined();
    const c = await api.exec(`mutation {
      createOutreachCampaign(id: "pension-q4", cohort: "elderly-without-pension", channel: SMS) { id template pending }
      createOutreachBatch(campaign: "pension-q4", areaCode: "${T.street}") { members queued optedOut alreadyQueued }
    }`);
    expect(c.errors).toBeUndefined();
    expect(c.data!.createOutreachBatch).toEqual({ members: 2, queued: 1, optedOut: 1, alreadyQueued: 0 });
    expect((await api.exec(`mutation { sendOutreach(campaign: "pension-q4") }`)).data!.sendOutreach).toBe(
      true,
    );
    let status: Record<string, number> = {};
    for (let i = 0; i < 100; i++) {
      status = (await api.exec(`{ outreachCampaign(id: "pension-q4") { pending sent delivered failed } }`))
        .data!.outreachCampaign;
      if (status.sent === 1) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(status).toEqual({ pending: 0, sent: 1, delivered: 0, failed: 0 });
    expect(fs.readFileSync(outbox, 'utf8')).toMatch(/孙奶奶您好/);
    const bad = await api.exec(
      `mutation { createOutreachCampaign(id: "x", cohort: "nope", channel: SMS) { id } }`,
    );
    expect(bad.errors![0].extensions).toMatchObject({
      code: 'NOT_FOUND',
      reason: 'COHORT_UNKNOWN',
      field: 'cohort',
    });
  });

  it("keeps cohorts, cohort events and reports of areas outside the viewer's scope out of reach", async () => {
    // community A's staff: community B (the other member lives there) is outside the scope
    const staff = await api.viewer('COMMUNITY_STAFF', [T.communityA]);
    const members = await api.execAs(
      staff,
      `{ cohortMembers(cohort: "elderly-without-pension", areaCode: "${T.communityB}") { totalCount } }`,
    );
    expect(members.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'AREA_UNKNOWN' });
    const counts = await api.execAs(
      staff,
      `{ cohortCounts(cohort: "elderly-without-pension", areaCode: "${T.street}", level: COMMUNITY) { count } }`,
    );
    expect(counts.errors?.[0].extensions).toMatchObject({ reason: 'AREA_UNKNOWN' });
    const report = await api.execAs(
      staff,
      `mutation { generateReport(form: "elderly", period: "2026Q3", areaCode: "${T.communityB}") { id } }`,
    );
    expect(report.errors?.[0].extensions).toMatchObject({ reason: 'AREA_UNKNOWN' });
    const cell = await api.execAs(
      staff,
      `{ reportCell(form: "elderly", period: "2026Q3", areaCode: "${T.street}", column: "age60") { formId } }`,
    );
    expect(cell.errors?.[0].extensions).toMatchObject({ reason: 'AREA_UNKNOWN' });
    // events: the broad viewer sees both communities' entries, community A's staff only A's
    const q = `{ cohortEvents(cohort: "elderly-without-pension") { areaCode } }`;
    const all = (await api.exec(q)).data!.cohortEvents as { areaCode: string }[];
    expect(all.some((e) => e.areaCode.startsWith(T.communityB))).toBe(true);
    const mine = (await api.execAs(staff, q)).data!.cohortEvents as { areaCode: string }[];
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((e) => e.areaCode.startsWith(T.communityA))).toBe(true);
  });
});
