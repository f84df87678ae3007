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

/**
 * Ingests `csv` (as `file`) while another transaction holds row `id` of `table` as a staff edit does
 * (FOR NO KEY UPDATE: a reference to the row may still be checked meanwhile); the run's outcome,
 * or 'waited' if it had not ended after 5 s.
 */
async function ingestWhileHeld(table: 'house' | 'household', id: number, file: string, csv: string) {
  const editor = await db.services.pool.connect();
  let timer: NodeJS.Timeout | undefined;
  try {
    await editor.query('BEGIN');
    await editor.query(`SELECT 1 FROM ${table} WHERE id = $1 FOR NO KEY UPDATE`, [id]);
    writeFileSync(join(dir, file), csv);
    const landed = ingest.ingestFile(join(dir, file), {
      fileName: file,
      areaCode: T.street,
      scope: UNRESTRICTED,
    });
    const waited = new Promise<'waited'>((resolve) => {
      timer = setTimeout(() => resolve('waited'), 5000);
    });
    return await Promise.race([landed, waited]);
  } finally {
    clearTimeout(timer);
    await editor.query('ROLLBACK');
    editor.release();
  }
}

it('lands a person in a known house while someone else holds the house for an edit', async () => {
  const { rows: houses } = await db.services.pool.query<{ id: number }>('SELECT id FROM house');
  expect(houses).toHaveLength(1);
  const outcome = await ingestWhileHeld(
    'house',
    houses[0].id,
    'second.csv',
    `姓名,身份证号,户号,与户主关系,家庭住址\n吴芳,${idNumberFor('1972-03-04', 'FEMALE')},H8,配偶,${ADDRESS}\n`,
  );
  expect(outcome).toMatchObject({ status: 'SUCCEEDED', landed: 1 });
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
  // a member listed by household number only: nothing to give the household
  const outcome = await ingestWhileHeld(
    'household',
    households[0].id,
    'third.csv',
    `姓名,身份证号,户号,与户主关系\n周小明,${idNumberFor('2001-05-06')},H8,子女\n`,
  );
  expect(outcome).toMatchObject({ status: 'SUCCEEDED', landed: 1 });
  const { rows } = await db.services.pool.query<{ household_id: number }>(
    `SELECT household_id FROM person WHERE name = '周小明'`,
  );
  expect(rows).toEqual([{ household_id: households[0].id }]);
});
