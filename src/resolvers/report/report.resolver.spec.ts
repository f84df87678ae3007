import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { buildTerritory, recordFacts, recordPopulation, T } from '../../../test/factories';
import { broadTestViewer, openTestApi, TestApi } from '../../../test/harness';
import { LazyReportQueue } from '../../reports/jobs/report.queue';
import { QUARTER_SCHEDULE } from '../../reports/jobs/report.jobs';
import { ReportWorker, startReportWorker } from '../../reports/jobs/report.worker';
import { RunningServer, startServer } from '../../server';
import { parse, subscribe } from 'graphql';
import { createContext } from '../../graphql/context';
import { createSchema } from '../../graphql/schema';

let api: TestApi;
let queue: LazyReportQueue;
let worker: ReportWorker;
let server: RunningServer;
let ids: number[];
const prefix = `t${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  api = await openTestApi();
  const s = api.services;
  Object.assign(s.reports, { dir: fs.mkdtempSync(path.join(os.tmpdir(), 'reports-')) });
  queue = new LazyReportQueue(process.env.REDIS_URL!, prefix);
  s.reports.useQueue(queue);
  worker = startReportWorker(s.reports, { redis: process.env.REDIS_URL!, prefix });
  await buildTerritory(s);
  const at = new Date('2026-03-01T00:00:00+08:00');
  const pop = await recordPopulation(
    s,
    {
      houses: [
        { lon: T.inA1.coordinates[0], lat: T.inA1.coordinates[1], streetName: '兴安路', streetNumber: '1' },
        { lon: T.inA2.coordinates[0], lat: T.inA2.coordinates[1], streetName: '兴安路', streetNumber: '2' },
      ],
      households: [
        { householdNumber: 'H1', house: 0 },
        { householdNumber: 'H2', house: 1 },
      ],
      persons: [
        {
          name: '王秀英',
          gender: 'FEMALE',
          birthDate: '1950-01-01',
          residenceType: 'REGISTERED',
          household: 0,
          head: true,
        },
        {
          name: '李建国',
          gender: 'MALE',
          birthDate: '1952-01-01',
          residenceType: 'REGISTERED',
          household: 0,
        },
        {
          name: '赵敏',
          gender: 'FEMALE',
          birthDate: '1980-01-01',
          residenceType: 'REGISTERED',
          household: 1,
          head: true,
        },
      ],
    },
    { at },
  );
  ids = pop.personIds;
  await recordFacts(
    s,
    [
      {
        personId: ids[0],
        kind: 'MINIMUM_LIVING',
        departmentCode: 'CIVIL_AFFAIRS',
        validFrom: '2025-01-01',
        attributes: { monthlyAmount: 560 },
      },
      {
        personId: ids[1],
        kind: 'MINIMUM_LIVING',
        departmentCode: 'CIVIL_AFFAIRS',
        validFrom: '2025-01-01',
        attributes: { monthlyAmount: 560 },
      },
      // enters in Q3: the change against Q2 shows her
      {
        personId: ids[2],
        kind: 'MINIMUM_LIVING',
        departmentCode: 'CIVIL_AFFAIRS',
        validFrom: '2026-08-01',
        attributes: { monthlyAmount: 420 },
      },
    ],
    { at },
  );
  server = await startServer(s, { port: 0, host: '127.0.0.1', log: () => undefined });
});
afterAll(async () => {
  await worker.close();
  await queue.get().obliterate({ force: true });
  await queue.close();
  await server.close();
  await api.close();
});

async function waitDone(id: string) {
  for (let i = 0; i < 200; i++) {
    const r = await api.exec(
      `query($id: ID!) { report(id: $id) { id status error figures downloadUrl asOf } }`,
      { id },
    );
    if (r.data?.report.status === 'DONE' || r.data?.report.status === 'FAILED') return r.data.report;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('report did not finish');
}

describe('reports through GraphQL, a BullMQ worker and the download URL', () => {
  it('lists the forms with their columns', async () => {
    const r = await api.exec(
      `{ forms { id title unit periodType rowLevel columns { key header drillable note } } }`,
    );
    expect(r.errors).toBeUndefined();
    const forms = r.data!.forms as {
      id: string;
      columns: { key: string; drillable: boolean; note: string | null }[];
    }[];
    expect(forms.map((f) => f.id)).toEqual([
      'case-handling',
      'elderly',
      'insurance',
      'minimum-living',
      'population',
    ]);
    const onTime = forms[0].columns.find((c) => c.key === 'onTimeRate')!;
    // a ratio now (按期结案数 ÷ 应结案数), no longer blank: nothing to drill into, no note
    expect(onTime).toMatchObject({ drillable: false, note: null });
  });

  it('generates a report in the worker: status, figures JSON and a working download URL', async () => {
    const req = await api.exec(
      `mutation { generateReport(form: "minimum-living", period: "2026Q3", areaCode: "${T.street}") { id status downloadUrl } }`,
    );
    expect(req.errors).toBeUndefined();
    expect(req.data!.generateReport).toMatchObject({ status: 'QUEUED', downloadUrl: null });
    const done = await waitDone(req.data!.generateReport.id);
    expect(done.status).toBe('DONE');
    expect(new Date(done.asOf).toISOString()).toBe('2026-09-30T15:59:59.999Z');
    const total = done.figures.rows.at(-1);
    expect(total).toMatchObject({ kind: 'TOTAL', values: { persons: 3, households: 2, amount: 1540 } });

    const res = await fetch(`http://127.0.0.1:${server.port}${done.downloadUrl}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/attachment/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    expect(wb.worksheets[0].getCell('A1').value).toBe('城乡最低生活保障对象情况统计表');
    // a wrong token is a plain 404
    const bad = await fetch(
      `http://127.0.0.1:${server.port}${done.downloadUrl.replace(/token=.*/, 'token=nope')}`,
    );
    expect(bad.status).toBe(404);
    // the same request again gives identical figures
    const again = await api.exec(
      `mutation { generateReport(form: "minimum-living", period: "2026Q3", areaCode: "${T.street}") { id } }`,
    );
    expect((await waitDone(again.data!.generateReport.id)).figures).toEqual(done.figures);
  });

  it('tells a subscriber when the report is finished', async () => {
    const schema = await createSchema(api.services.events.pubSub);
    // hold the worker so the report cannot finish before the subscription is listening
    await worker.worker.pause();
    const req = await api.exec(
      `mutation { generateReport(form: "elderly", period: "2026Q3", areaCode: "${T.street}") { id } }`,
    );
    const id = req.data!.generateReport.id as string;
    const it = (await subscribe({
      schema,
      document: parse(`subscription($id: ID!) { reportFinished(id: $id) { id status figures } }`),
      variableValues: { id },
      contextValue: createContext(api.services, broadTestViewer()),
    })) as AsyncIterableIterator<{
      data?: { reportFinished: { id: string; status: string; figures: { formId: string } } };
    }>;
    const next = it.next();
    await new Promise((res) => setTimeout(res, 200)); // let Redis confirm the SUBSCRIBE
    expect((await api.exec(`{ report(id: "${id}") { status } }`)).data!.report.status).toBe('QUEUED');
    await worker.worker.resume();
    const event = (await next).value.data!.reportFinished;
    await it.return?.();
    expect(event).toMatchObject({ id, status: 'DONE', figures: { formId: 'elderly' } });
  });

  it('rejects bad requests naming what was wrong', async () => {
    const r = await api.exec(
      `mutation { generateReport(form: "nope", period: "2026Q3", areaCode: "${T.street}") { id } }`,
    );
    expect(r.errors![0].extensions).toMatchObject({
      code: 'NOT_FOUND',
      reason: 'FORM_UNKNOWN',
      field: 'form',
    });
    const p = await api.exec(
      `mutation { generateReport(form: "elderly", period: "2026-13", areaCode: "${T.street}") { id } }`,
    );
    expect(p.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'period' });
    const a = await api.exec(
      `mutation { generateReport(form: "elderly", period: "2026Q3", areaCode: "999") { id } }`,
    );
    expect(a.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'AREA_UNKNOWN',
      field: 'areaCode',
    });
  });

  it('drills into a cell: the persons behind it, paginated and masked, and the change against the previous quarter', async () => {
    const q = `query($after: String) {
      reportCell(form: "minimum-living", period: "2026Q3", areaCode: "${T.communityA}", column: "persons") {
        entity
        records(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id ... on Person { name idNumber } } } }
        change { previousPeriod value previousValue delta enteredCount leftCount entered { ... on Person { name } } }
      }
    }`;
    const r = await api.exec(q);
    expect(r.errors).toBeUndefined();
    const cell = r.data!.reportCell;
    expect(cell.entity).toBe('PERSON');
    expect(cell.records.totalCount).toBe(3);
    expect(cell.records.pageInfo.hasNextPage).toBe(true);
    expect(cell.records.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual([
      '王秀英',
      '李建国',
    ]);
    expect(cell.records.edges[0].node.idNumber).toMatch(/\*{8}/);
    const next = await api.exec(q, { after: cell.records.pageInfo.endCursor });
    expect(next.data!.reportCell.records.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual([
      '赵敏',
    ]);
    expect(cell.change).toEqual({
      previousPeriod: '2026Q2',
      value: 3,
      previousValue: 2,
      delta: 1,
      enteredCount: 1,
      leftCount: 0,
      entered: [{ name: '赵敏' }],
    });
    // households behind the 户数 cell
    const h =
      await api.exec(`{ reportCell(form: "minimum-living", period: "2026Q3", areaCode: "${T.street}", column: "households") {
      entity records { totalCount edges { node { __typename } } } } }`);
    expect(h.data!.reportCell.entity).toBe('HOUSEHOLD');
    expect(h.data!.reportCell.records.totalCount).toBe(2);
    // a ratio column is not drillable
    const ratio = await api.exec(
      `{ reportCell(form: "elderly", period: "2026Q3", areaCode: "${T.street}", column: "age60Share") { entity } }`,
    );
    expect(ratio.errors![0].extensions).toMatchObject({ reason: 'COLUMN_NOT_DRILLABLE', field: 'column' });
  });

  it('requests every quarterly form for every community after the quarter ends, once, and schedules itself', async () => {
    const s = api.services.reports;
    const first = await s.requestQuarter(new Date('2026-10-01T01:00:00+08:00'), T.street);
    const quarterly = s.forms().filter((f) => f.periodType === 'QUARTER').length;
    expect(first).toHaveLength(quarterly * 2);
    expect(new Set(first.map((r) => r.period))).toEqual(new Set(['2026Q3']));
    expect(await s.requestQuarter(new Date('2026-10-02T01:00:00+08:00'), T.street)).toHaveLength(0);
    await queue.scheduleQuarterReports();
    const schedulers = await queue.get().getJobSchedulers();
    expect(schedulers).toEqual([
      expect.objectContaining({
        key: 'quarter-reports',
        pattern: QUARTER_SCHEDULE.pattern,
        tz: QUARTER_SCHEDULE.tz,
      }),
    ]);
    const done = await Promise.all(first.map((r) => waitDone(String(r.id))));
    expect(done.every((r) => r.status === 'DONE')).toBe(true);
  }, 60_000);
});
