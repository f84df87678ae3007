import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scopeOf, UNRESTRICTED, type Scope } from '../../auth/scope';
import { openTestDb, type TestDb } from '../../../test/harness';
import { buildTerritory, T } from '../../../test/factories';
import { PEOPLE } from '../fixtures/ingest-fixtures';
import { IngestService } from './ingest.service';

// An ingest run writes as its uploader: the run's area must lie in the uploader's scope, and a
// row naming a person recorded outside that scope is rejected rather than written.

let db: TestDb;
let ingest: IngestService;
let dir: string;
let communityB: Scope;
const ADDRESS = '新城街道北门社区兴安路20号1栋1单元101室';
beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
  dir = mkdtempSync(join(tmpdir(), 'ingest-scope-'));
  ingest = new IngestService(db.services.pool, db.services.ledger, db.services.areas, {
    storageDir: join(dir, 'store'),
  });
  communityB = await scopeOf(db.services.areas, [T.communityB], null);
  // 王建国 and 孙丽 are recorded in community A by system work
  writeFileSync(
    join(dir, 'a.csv'),
    `姓名,身份证号,性别,出生日期,家庭住址\n王建国,${PEOPLE.wangJianguo.idNumber},男,1948-03-02,\n陈小芳,,女,2001-04-05,${ADDRESS}\n`,
  );
  const run = await ingest.ingestFile(join(dir, 'a.csv'), {
    fileName: 'a.csv',
    profile: 'police-registry',
    areaCode: T.communityA,
    scope: UNRESTRICTED,
  });
  expect(run.landed).toBe(2);
});
afterAll(() => db.close());

async function personsNamed(name: string) {
  const { rows } = await db.services.pool.query<{ id: number; area_code: string; phone: string | null }>(
    'SELECT id, area_code, phone FROM person WHERE name = $1 ORDER BY id',
    [name],
  );
  return rows;
}

describe('ingest runs write as the uploader', () => {
  it('refuses a run whose area lies outside the uploader’s scope, before storing anything', async () => {
    writeFileSync(join(dir, 'b.csv'), `姓名,身份证号\n李娜,${PEOPLE.liNaA.idNumber}\n`);
    await expect(
      ingest.createRun(join(dir, 'b.csv'), { fileName: 'b.csv', areaCode: T.communityA, scope: communityB }),
    ).rejects.toMatchObject({ reason: 'AREA_OUT_OF_SCOPE', field: 'areaCode' });
    await expect(
      ingest.createRun(join(dir, 'b.csv'), { fileName: 'b.csv', areaCode: T.street, scope: communityB }),
    ).rejects.toMatchObject({ reason: 'AREA_OUT_OF_SCOPE' });
    expect(await ingest.list(UNRESTRICTED)).toHaveLength(1);
  });

  it('rejects a row naming a person recorded outside the scope, and lands the others in scope', async () => {
    const before = await personsNamed('王建国');
    writeFileSync(
      join(dir, 'c.csv'),
      `姓名,身份证号,联系电话\n王建国,${PEOPLE.wangJianguo.idNumber},13912345678\n李娜,${PEOPLE.liNaA.idNumber},13812345678\n`,
    );
    const run = await ingest.ingestFile(join(dir, 'c.csv'), {
      fileName: 'c.csv',
      profile: 'police-registry',
      areaCode: T.communityB,
      actor: '文昌社区 网格员',
      scope: communityB,
    });
    expect([run.landed, run.skipped, run.rejected]).toEqual([1, 0, 1]);
    const [issue] = await ingest.issues(run.id, 'REJECTED');
    expect(issue).toMatchObject({ reason: 'PERSON_OUT_OF_SCOPE', row_number: 2 });
    expect(issue.message).not.toContain(PEOPLE.wangJianguo.idNumber);
    // the record outside the scope is untouched; the new person is in the uploader's community
    expect(await personsNamed('王建国')).toEqual(before);
    expect(await personsNamed('李娜')).toEqual([expect.objectContaining({ area_code: T.communityB })]);
  });

  it('never matches a row without an ID number to a person outside the scope', async () => {
    // name, birth date, gender and address agree: enough to join the person, were it in scope
    writeFileSync(
      join(dir, 'd.csv'),
      `姓名,性别,出生日期,家庭住址,联系电话\n陈小芳,女,2001-04-05,${ADDRESS},13700000003\n`,
    );
    const run = await ingest.ingestFile(join(dir, 'd.csv'), {
      fileName: 'd.csv',
      profile: 'police-registry',
      areaCode: T.communityB,
      scope: communityB,
    });
    expect(run.landed).toBe(1);
    const rows = await personsNamed('陈小芳');
    expect(rows.map((r) => [r.area_code, r.phone])).toEqual([
      [T.communityA, null],
      [T.communityB, '13700000003'],
    ]);
  });

  it('lists only the runs whose area lies in the reader’s scope', async () => {
    const mine = await ingest.list(communityB);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((r) => r.area_code === T.communityB)).toBe(true);
    const all = await ingest.list(UNRESTRICTED);
    const other = all.find((r) => r.area_code === T.communityA)!;
    expect(await ingest.get(other.id, communityB)).toBeUndefined();
    expect(await ingest.get(other.id, UNRESTRICTED)).toBeDefined();
  });
});
