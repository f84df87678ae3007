import { UNRESTRICTED } from '../../auth/scope';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { IngestService } from './ingest.service';
import { openTestDb, type TestDb } from '../../../test/harness';
import { buildTerritory, T } from '../../../test/factories';
import { PEOPLE } from '../fixtures/ingest-fixtures';
import { ENTITIES, provenanceSql } from '../../ledger/entities';

const DIR = join(__dirname, '../../../fixtures/ingest');

let db: TestDb;
let ingest: IngestService;
beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
  ingest = new IngestService(db.services.pool, db.services.ledger, db.services.areas, {
    storageDir: mkdtempSync(join(tmpdir(), 'ingest-store-')),
    batchSize: 3,
  });
});
afterAll(() => db.close());

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.services.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${sql}`,
    params,
  );
  return rows[0].n;
}

async function person(idNumber: string) {
  const { rows } = await db.services.pool.query(
    `SELECT p.*, ${provenanceSql(ENTITIES.PERSON, 'p')} AS provenance FROM person p WHERE id_number = $1`,
    [idNumber],
  );
  return rows[0];
}

async function totals() {
  return {
    persons: await count('person'),
    households: await count('household'),
    houses: await count('house'),
    facts: await count('fact'),
    sources: await count('source_record'),
    changes: await count('ledger_change'),
    conflicts: await count('conflict'),
  };
}

describe('ingesting the civil-affairs 低保 roster', () => {
  let runId: number;
  beforeAll(async () => {
    const run = await ingest.ingestFile(join(DIR, 'civil-affairs-dibao.xlsx'), {
      fileName: 'civil-affairs-dibao.xlsx',
      profile: 'civil-affairs-dibao',
      areaCode: T.street,
      scope: UNRESTRICTED,
      actor: '民政局 张敏',
    });
    runId = run.id;
  });

  it('accounts for every row: rows in = landed + skipped + rejected', async () => {
    const run = (await ingest.get(runId))!;
    expect(run.status).toBe('SUCCEEDED');
    expect(run.rows_total).toBe(13);
    expect([run.landed, run.skipped, run.rejected]).toEqual([8, 4, 1]);
    expect(run.landed + run.skipped + run.rejected).toBe(run.rows_total);
    expect(run.persons_created).toBe(8);
  });

  it('keeps each landed value with its source: department, file, sheet, row number, raw cells, run', async () => {
    const p = await person(PEOPLE.zhaoGuoqing.idNumber!);
    const { rows } = await db.services.pool.query('SELECT * FROM source_record WHERE id = $1', [
      p.provenance.name,
    ]);
    expect(rows[0]).toMatchObject({
      kind: 'INGEST',
      department_code: 'CIVIL_AFFAIRS',
      file_name: 'civil-affairs-dibao.xlsx',
      sheet: '文昌社区',
      row_number: 5,
      ingest_run_id: runId,
    });
    expect(rows[0].normalized).toMatchObject({ idNumber: PEOPLE.zhaoGuoqing.idNumber, period: '2024-09-30' });
    // the 15-digit number as received stays in the raw cells; the ledger holds the 18-character one
    expect(rows[0].raw['成员信息/身份证号码']).toBe(
      PEOPLE.zhaoGuoqing.idNumber!.slice(0, 6) + PEOPLE.zhaoGuoqing.idNumber!.slice(8, 17),
    );
    expect(p.area_code).toBe(T.communityB);
  });

  it("keeps a row's raw cells in the spreadsheet's column order", async () => {
    const p = await person(PEOPLE.zhaoGuoqing.idNumber!);
    const { rows } = await db.services.pool.query<{ raw: string; sheet: string }>(
      'SELECT raw::text AS raw, sheet FROM source_record WHERE id = $1',
      [p.provenance.name],
    );
    const run = (await ingest.get(runId))!;
    const layout = (run.layout as { sheet: string; columns: string[] }[]).find(
      (l) => l.sheet === rows[0].sheet,
    )!;
    const keys = Object.keys(JSON.parse(rows[0].raw) as object);
    expect(keys.length).toBeGreaterThan(3);
    expect(keys).toEqual(layout.columns.filter((c) => keys.includes(c)));
  });

  it("resolves households (merged 户号 cells) and houses, and records the roster's fact", async () => {
    const wang = await person(PEOPLE.wangJianguo.idNumber!);
    const li = await person(PEOPLE.liXiuying.idNumber!);
    expect(li.household_id).toBe(wang.household_id);
    expect(li.house_id).toBe(wang.house_id);
    const { rows } = await db.services.pool.query('SELECT * FROM household WHERE id = $1', [
      wang.household_id,
    ]);
    expect(rows[0]).toMatchObject({ household_number: '6109020020010001', head_person_id: wang.id });
    expect(await count('household')).toBe(4);
    expect(await count('house')).toBe(4);
    const facts = await db.services.pool.query(
      "SELECT * FROM fact WHERE kind = 'MINIMUM_LIVING' AND person_id = $1",
      [wang.id],
    );
    expect(facts.rows[0]).toMatchObject({
      department_code: 'CIVIL_AFFAIRS',
      attributes: { period: '2024Q3', monthlyAmount: 560 },
    });
    expect(await count("fact WHERE kind = 'MINIMUM_LIVING'")).toBe(8);
  });

  it("puts a row whose gender contradicts its own ID number in the review queue, recording the ID's gender", async () => {
    const p = await person(PEOPLE.zhaoGuoqing.idNumber!);
    expect(p.gender).toBe('MALE');
    const { rows } = await db.services.pool.query(
      "SELECT * FROM review_item WHERE kind = 'ROW_CONTRADICTS_ID' AND ingest_run_id = $1",
      [runId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ person_id: p.id, status: 'OPEN' });
    expect(rows[0].detail).toBe('文昌社区 第 5 行：性别与身份证号不符，已按身份证号记录');
    const src = await db.services.pool.query('SELECT normalized FROM source_record WHERE id = $1', [
      rows[0].source_record_id,
    ]);
    expect(src.rows[0].normalized.warnings.map((w: { problem: string }) => w.problem)).toEqual([
      'GENDER_MISMATCH',
    ]);
  });

  it('lists rejected and skipped rows with sheet, spreadsheet row number, reason and cells', async () => {
    const rejected = await ingest.issues(runId, 'REJECTED');
    expect(rejected).toEqual([
      expect.objectContaining({ sheet: '文昌社区', row_number: 7, reason: 'ID_SCIENTIFIC_NOTATION' }),
    ]);
    expect(rejected[0].raw['成员信息/姓名']).toBe('周杰');
    const skipped = await ingest.issues(runId, 'SKIPPED');
    expect(skipped.map((s) => [s.sheet, s.row_number, s.reason])).toEqual([
      ['北门社区', 10, 'TOTAL_ROW'],
      ['北门社区', 12, 'FOOTER'],
      ['文昌社区', 9, 'TOTAL_ROW'],
      ['文昌社区', 11, 'FOOTER'],
    ]);
  });

  it('changes nothing when the same file is ingested again', async () => {
    const before = await totals();
    const again = await ingest.ingestFile(join(DIR, 'civil-affairs-dibao.xlsx'), {
      fileName: 'civil-affairs-dibao.xlsx',
      profile: 'civil-affairs-dibao',
      areaCode: T.street,
      scope: UNRESTRICTED,
    });
    expect(again.status).toBe('SUCCEEDED');
    expect([again.landed, again.unchanged, again.persons_created]).toEqual([8, 8, 0]);
    expect(await totals()).toEqual(before);
  });
});

describe('several departments', () => {
  beforeAll(async () => {
    for (const [file, profile] of [
      ['police-registry.csv', 'police-registry'],
      ['health-chronic.csv', 'health-chronic'],
      ['hrss-insured.csv', 'hrss-insured'],
    ]) {
      const run = await ingest.ingestFile(join(DIR, file), {
        fileName: file,
        profile,
        areaCode: T.street,
        scope: UNRESTRICTED,
      });
      expect(run.status).toBe('SUCCEEDED');
    }
  });

  it('joins records with the same valid ID number into one person', async () => {
    expect(await count('person WHERE id_number = $1', [PEOPLE.wangJianguo.idNumber])).toBe(1);
    const run = (await ingest.list(UNRESTRICTED, 1))[0];
    expect(run.persons_matched).toBeGreaterThan(0);
  });

  it('never merges two people with different valid ID numbers, even with the same name and birth date', async () => {
    expect(await count("person WHERE name = '李娜' AND birth_date = '1990-06-18'")).toBe(2);
  });

  it('keeps both phones when departments disagree, as a conflict decided by precedence', async () => {
    const wang = await person(PEOPLE.wangJianguo.idNumber!);
    // civil affairs (200) outranks health (150): its phone stays, health's is kept as a conflict
    expect(wang.phone).toBe('13812345678');
    const { rows } = await db.services.pool.query(
      "SELECT * FROM conflict WHERE entity_type = 'PERSON' AND entity_id = $1 AND field = 'phone'",
      [wang.id],
    );
    expect(rows.map((r) => r.other_value)).toContain('13987654321');
  });
});

describe('records without an ID number', () => {
  it('matches a child to the person already known from the household, with the decision explained', async () => {
    const before = await count("person WHERE name = '王小明'");
    const run = await ingest.ingestFile(join(DIR, 'education-children.xlsx'), {
      fileName: 'education-children.xlsx',
      profile: 'education-children',
      areaCode: T.street,
      scope: UNRESTRICTED,
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(await count("person WHERE name = '王小明'")).toBe(before);
    const { rows } = await db.services.pool.query(
      "SELECT d.* FROM match_decision d JOIN person p ON p.id = d.person_id WHERE p.name = '王小明' AND d.ingest_run_id = $1",
      [run.id],
    );
    expect(rows[0]).toMatchObject({ method: 'NAME_BIRTH_CONTEXT' });
    expect(rows[0].score).toBeGreaterThanOrEqual(80);
    expect(rows[0].agreed).toEqual(expect.arrayContaining(['name', 'birthDate', 'address']));
    expect(rows[0].explanation).toContain('住址');
    // 陈雨萱 has no namesake: a new person
    expect(await count("person WHERE name = '陈雨萱'")).toBe(1);
  });

  it('creates a new person and a review item when only name and birth date agree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ingest-'));
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('文昌社区');
    ws.addRow(['姓名', '性别', '出生日期', '家庭住址']);
    ws.addRow(['王小明', '男', '2019-05-01', '新城街道文昌社区文昌路99号']);
    await wb.xlsx.writeFile(join(dir, 'other.xlsx'));
    const run = await ingest.ingestFile(join(dir, 'other.xlsx'), {
      fileName: 'other.xlsx',
      areaCode: T.street,
      scope: UNRESTRICTED,
    });
    expect(run.persons_created).toBe(1);
    expect(run.review_items).toBe(1);
    expect(await count("person WHERE name = '王小明'")).toBe(2);
    const { rows } = await db.services.pool.query('SELECT * FROM review_item WHERE ingest_run_id = $1', [
      run.id,
    ]);
    expect(rows[0]).toMatchObject({ kind: 'LOW_SCORE_MATCH', status: 'OPEN' });
    expect(rows[0].candidate_id).not.toBe(rows[0].person_id);
  });
});

describe('bad files and corrections', () => {
  it.each([
    ['bad/legacy.xls', 'FILE_FORMAT_UNSUPPORTED'],
    ['bad/bomb.xlsx', 'FILE_TOO_LARGE'],
    ['bad/no-header.csv', 'HEADER_NOT_FOUND'],
  ])('%s fails the run with %s and writes nothing', async (file, reason) => {
    const before = await totals();
    const run = await ingest.ingestFile(join(DIR, file), {
      fileName: file.split('/')[1],
      areaCode: T.street,
      scope: UNRESTRICTED,
    });
    expect(run).toMatchObject({ status: 'FAILED', error_reason: reason, landed: 0, skipped: 0, rejected: 0 });
    expect(run.error_message).toContain(file.split('/')[1]);
    expect(await totals()).toEqual(before);
  });

  it('fails a file whose second sheet has no header without writing the first sheet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ingest-'));
    const wb = new ExcelJS.Workbook();
    const ok = wb.addWorksheet('北门社区');
    ok.addRow(['姓名', '身份证号']);
    ok.addRow(['赵六', '610902198505050013']);
    wb.addWorksheet('文昌社区').addRow(['会议签到', '2024']);
    await wb.xlsx.writeFile(join(dir, 'half.xlsx'));
    const before = await totals();
    const run = await ingest.ingestFile(join(dir, 'half.xlsx'), {
      fileName: 'half.xlsx',
      areaCode: T.street,
      scope: UNRESTRICTED,
    });
    expect(run).toMatchObject({ status: 'FAILED', error_reason: 'HEADER_NOT_FOUND' });
    expect(await totals()).toEqual(before);
  });

  it('changes only what differs when a corrected file comes in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ingest-'));
    const rows = (phone: string) =>
      `姓名,身份证号,联系电话\n孙丽,${PEOPLE.sunLi.idNumber},13700000001\n邓䶮,${PEOPLE.dengYan.idNumber},${phone}\n`;
    writeFileSync(join(dir, 'v1.csv'), rows('13700000002'));
    writeFileSync(join(dir, 'v2.csv'), rows('13700000009'));
    await ingest.ingestFile(join(dir, 'v1.csv'), {
      fileName: 'roster.csv',
      profile: 'police-registry',
      areaCode: T.street,
      scope: UNRESTRICTED,
    });
    const before = await totals();
    const run = await ingest.ingestFile(join(dir, 'v2.csv'), {
      fileName: 'roster.csv',
      profile: 'police-registry',
      areaCode: T.street,
      scope: UNRESTRICTED,
    });
    expect([run.landed, run.unchanged]).toEqual([2, 1]);
    const after = await totals();
    expect(after.sources - before.sources).toBe(1);
    expect(after.changes - before.changes).toBe(1);
    expect((await person(PEOPLE.dengYan.idNumber!)).phone).toBe('13700000009');
    const { rows: last } = await db.services.pool.query(
      'SELECT changes FROM ledger_change ORDER BY id DESC LIMIT 1',
    );
    expect(Object.keys(last[0].changes).sort()).toEqual(['phone', 'version']);
  });
});

describe('rejects download', () => {
  it('gives the skipped and rejected rows as XLSX with the original columns, row number and reason', async () => {
    const run = (await ingest.list(UNRESTRICTED, 100)).find(
      (r) => r.file_name === 'civil-affairs-dibao.xlsx' && r.status === 'SUCCEEDED',
    )!;
    const dir = mkdtempSync(join(tmpdir(), 'rejects-'));
    const { createWriteStream } = await import('node:fs');
    const out = createWriteStream(join(dir, 'rejects.xlsx'));
    await ingest.writeRejects(run.id, out, (v) => v, UNRESTRICTED);
    await new Promise<void>((r) => out.on('close', () => r()));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, 'rejects.xlsx'));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['北门社区', '文昌社区']);
    const ws = wb.getWorksheet('文昌社区')!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 4)).toEqual(['序号', '户号', '家庭住址', '成员信息/姓名']);
    expect(header.slice(-4)).toEqual(['原行号', '处理结果', '原因代码', '说明']);
    const zhou = (ws.getRow(2).values as unknown[]).slice(1);
    expect(zhou[3]).toBe('周杰');
    expect(zhou.slice(-4, -1)).toEqual([7, '拒收', 'ID_SCIENTIFIC_NOTATION']);
    expect(ws.rowCount).toBe(4);
  });
});
