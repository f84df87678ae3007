import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UNRESTRICTED } from '../../auth/scope';
import { openTestDb, type TestDb } from '../../../test/harness';
import { buildTerritory, idNumberFor, T } from '../../../test/factories';
import { IngestService } from './ingest.service';

// A roster row names the house and household its person belongs to. Where the row has nothing to
// give them (no house code; no house or head for the household), the ingest writes nothing to them
// and so does not lock them: staff editing a house or household do not hold up a roster of the
// people living there, and a batch does not lock every known house its rows point at.

let db: TestDb;
let ingest: IngestService;
let dir: string;
const ADDRESS = '新城街道兴安路8号2栋1单元302室';
beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
  dir = mkdtempSync(join(tmpdir(), 'ingest-house-lock-'));
  ingest = new IngestService(db.services.pool, db.services.ledger, db.services.areas, {
    storageDir: join(dir, 'store'),
  });
  writeFileSync(
    join(dir, 'first.csv'),
    `姓名,身份证号,户号,与户主关系,家庭住址\n周建,${idNumberFor('1970-01-02')},H8,户主,${ADDRESS}\n`,
  );
  const run = await ingest.ingestFile(join(dir, 'first.csv'), {
    fileName: 'first.csv',
    areaCode: T.street,
    scope: UNRESTRICTED,
  });
  expect(run).toMatchObject({ status: 'SUCCEEDED', landed: 1 });
});
afterAll(() => db.close());

it('lands a person in a known house while someone else holds the house for an edit', async () => {
  const { rows: houses } = await db.services.pool.query<{ id: number }>('SELECT id FROM house');
  expect(houses).toHaveLength(1);
  const editor = await db.services.pool.connect();
  try {
    await editor.query('BEGIN');
    // as a staff edit of the house holds it (a reference to it may still be checked meanwhile)
    await editor.query('SELECT 1 FROM house WHERE id = $1 FOR NO KEY UPDATE', [houses[0].id]);
    writeFileSync(
      join(dir, 'second.csv'),
      `姓名,身份证号,户号,与户主关系,家庭住址\n吴芳,${idNumberFor('1972-03-04', 'FEMALE')},H8,配偶,${ADDRESS}\n`,
    );
    const landed = ingest.ingestFile(join(dir, 'second.csv'), {
      fileName: 'second.csv',
      areaCode: T.street,
      scope: UNRESTRICTED,
    });
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'waited'>((resolve) => {
      timer = setTimeout(() => resolve('waited'), 5000);
    });
    const first = await Promise.race([landed, waited]);
    clearTimeout(timer);
    expect(first).toMatchObject({ status: 'SUCCEEDED', landed: 1 });
  } finally {
    await editor.query('ROLLBACK');
    editor.release();
  }
  const { rows } = await db.services.pool.query<{ name: string; house_id: number }>(
    'SELECT name, house_id FROM person ORDER BY id',
  );
  expect(rows).toEqual([
    { name: '周建', house_id: houses[0].id },
    { name: '吴芳', house_id: houses[0].id },
  ]);
});

it('lands a person in a known household without an address while someone else holds the household', async () => {
  const { rows: households } = await db.services.pool.query<{ id: number }>(
    `SELECT id FROM household WHERE household_number = 'H8'`,
  );
  expect(households).toHaveLength(1);
  const editor = await db.services.pool.connect();
  try {
    await editor.query('BEGIN');
    await editor.query('SELECT 1 FROM household WHERE id = $1 FOR NO KEY UPDATE', [households[0].id]);
    // a member listed by household number only: nothing to give the household
    writeFileSync(
      join(dir, 'third.csv'),
      `姓名,身份证号,户号,与户主关系\n周小明,${idNumberFor('2001-05-06')},H8,子女\n`,
    );
    const landed = ingest.ingestFile(join(dir, 'third.csv'), {
      fileName: 'third.csv',
      areaCode: T.street,
      scope: UNRESTRICTED,
    });
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'waited'>((resolve) => {
      timer = setTimeout(() => resolve('waited'), 5000);
    });
    const first = await Promise.race([landed, waited]);
    clearTimeout(timer);
    expect(first).toMatchObject({ status: 'SUCCEEDED', landed: 1 });
  } finally {
    await editor.query('ROLLBACK');
    editor.release();
  }
  const { rows } = await db.services.pool.query<{ household_id: number }>(
    `SELECT household_id FROM person WHERE name = '周小明'`,
  );
  expect(rows).toEqual([{ household_id: households[0].id }]);
});
