import { UNRESTRICTED } from '../../auth/scope';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IngestService } from './ingest.service';
import { openTestDb, type TestDb } from '../../../test/harness';
import { buildTerritory, T } from '../../../test/factories';

const ROOT = join(__dirname, '../../..');
const FILE = join(ROOT, 'fixtures/ingest/civil-affairs-dibao.xlsx');

/** The ledger's content without ids and timestamps, which differ between any two runs. */
async function ledgerContent(db: TestDb) {
  const q = async (sql: string) => (await db.services.pool.query(sql)).rows;
  return {
    persons: await q(`
      SELECT p.id_number, p.name, p.gender, p.birth_date, p.phone, p.relation_to_head, p.area_code, p.version,
             h.household_number, hs.address, (h.head_person_id = p.id) AS head
      FROM person p LEFT JOIN household h ON h.id = p.household_id LEFT JOIN house hs ON hs.id = p.house_id
      ORDER BY p.name, p.id_number`),
    facts: await q(
      `SELECT p.name, f.kind, f.valid_from, f.attributes, f.version FROM fact f JOIN person p ON p.id = f.person_id ORDER BY p.name`,
    ),
    houses: await q(`SELECT address, area_code, version FROM house ORDER BY address`),
    sources: await q(
      `SELECT sheet, row_number, raw, content_hash FROM source_record WHERE kind = 'INGEST' ORDER BY sheet, row_number`,
    ),
    changes: await q(
      `SELECT entity_type, op, count(*)::int AS n FROM ledger_change GROUP BY 1, 2 ORDER BY 1, 2`,
    ),
    issues: await q(
      `SELECT sheet, row_number, outcome, reason FROM ingest_row_issue ORDER BY sheet, row_number`,
    ),
    conflicts: await q(`SELECT count(*)::int AS n FROM conflict`),
  };
}

let crashed: TestDb;
let clean: TestDb;
beforeAll(async () => {
  crashed = await openTestDb();
  clean = await openTestDb();
  await buildTerritory(crashed.services);
  await buildTerritory(clean.services);
});
afterAll(async () => {
  await crashed.close();
  await clean.close();
});

it('a run killed with kill -9 inside a batch and started again leaves exactly the ledger of a clean run', async () => {
  const storageDir = mkdtempSync(join(tmpdir(), 'ingest-crash-'));
  const opts = { storageDir, batchSize: 3 };
  const a = new IngestService(crashed.services.pool, crashed.services.ledger, crashed.services.areas, opts);
  const run = await a.createRun(FILE, {
    fileName: 'civil-affairs-dibao.xlsx',
    profile: 'civil-affairs-dibao',
    areaCode: T.street,
    scope: UNRESTRICTED,
  });
  const child = spawnSync(
    process.execPath,
    [
      '-r',
      join(ROOT, 'test/swc-register.js'),
      join(ROOT, 'test/ingest-crash-child.ts'),
      String(run.id),
      storageDir,
      '3',
    ],
    {
      env: { ...process.env, DATABASE_URL: crashed.url },
      encoding: 'utf8',
    },
  );
  expect(child.signal).toBe('SIGKILL');
  const half = (await a.get(run.id))!;
  expect(half.status).toBe('RUNNING');
  expect(half.checkpoint).toBe(6); // batches 1 and 2 committed, batch 3 died before its commit
  const done = await a.execute(run.id);
  expect(done.status).toBe('SUCCEEDED');
  expect(done.landed + done.skipped + done.rejected).toBe(done.rows_total);

  const b = new IngestService(clean.services.pool, clean.services.ledger, clean.services.areas, {
    storageDir: mkdtempSync(join(tmpdir(), 'ingest-clean-')),
    batchSize: 3,
  });
  const cleanRun = await b.ingestFile(FILE, {
    fileName: 'civil-affairs-dibao.xlsx',
    profile: 'civil-affairs-dibao',
    areaCode: T.street,
    scope: UNRESTRICTED,
  });
  expect([done.landed, done.skipped, done.rejected, done.persons_created]).toEqual([
    cleanRun.landed,
    cleanRun.skipped,
    cleanRun.rejected,
    cleanRun.persons_created,
  ]);
  expect(await ledgerContent(crashed)).toEqual(await ledgerContent(clean));
});

it('a failure inside a batch rolls the batch back; starting the run again completes it without duplicates', async () => {
  const storageDir = mkdtempSync(join(tmpdir(), 'ingest-crash-'));
  const a = new IngestService(clean.services.pool, clean.services.ledger, clean.services.areas, {
    storageDir,
    batchSize: 3,
  });
  const before = await ledgerContent(clean);
  const run = await a.createRun(FILE, {
    fileName: 'civil-affairs-dibao.xlsx',
    profile: 'civil-affairs-dibao',
    areaCode: T.street,
    scope: UNRESTRICTED,
  });
  await expect(
    a.execute(run.id, {
      beforeCommit: (n) => {
        if (n === 2) throw new Error('connection lost');
      },
    }),
  ).rejects.toThrow('connection lost');
  expect((await a.get(run.id))!).toMatchObject({ status: 'FAILED', error_reason: 'INTERNAL', checkpoint: 3 });
  const done = await a.execute(run.id);
  expect(done).toMatchObject({ status: 'SUCCEEDED', landed: 8, unchanged: 8 });
  const after = await ledgerContent(clean);
  // same file again: the ledger is as it was, apart from this run's own skipped/rejected rows
  expect({ ...after, issues: [] }).toEqual({ ...before, issues: [] });
});
