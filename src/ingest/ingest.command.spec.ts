import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli } from '../cli/main';
import { openTestDb, type TestDb } from '../../test/harness';
import { buildTerritory, T } from '../../test/factories';
import { PEOPLE } from './fixtures/ingest-fixtures';
import { bar, progressLines, runIngestCommand } from './ingest.command';
import { IngestService } from './run/ingest.service';

const DIR = join(__dirname, '../../fixtures/ingest');

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
  db.services.ingest = new IngestService(db.services.pool, db.services.ledger, db.services.areas, {
    storageDir: mkdtempSync(join(tmpdir(), 'ingest-cli-')),
  });
});
afterAll(() => db.close());

function io() {
  const lines: string[] = [];
  const progress: string[] = [];
  return {
    lines,
    progress,
    io: { out: (l: string) => lines.push(l), progress: (l: string) => progress.push(l) },
  };
}

async function persons() {
  return (await db.services.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM person')).rows[0].n;
}

it('registers `yibiao ingest` with its options', () => {
  const cmd = buildCli().commands.find((c) => c.name() === 'ingest')!;
  expect(cmd.options.map((o) => o.long)).toEqual(
    expect.arrayContaining(['--profile', '--dry-run', '--json']),
  );
});

it('--dry-run prints the layout, mapping and first rows (masked) and writes nothing', async () => {
  const o = io();
  const code = await runIngestCommand(
    db.services,
    join(DIR, 'civil-affairs-dibao.xlsx'),
    { profile: 'civil-affairs-dibao', dryRun: true },
    o.io,
  );
  expect(code).toBe(0);
  const text = o.lines.join('\n');
  expect(text).toContain('工作表 北门社区：标题行 1,2，表头行 3,4');
  expect(text).toContain('成员信息/身份证号码 → idNumber');
  expect(text).toContain('共 6 行：可入库 3，跳过 2，拒收 1');
  expect(text).not.toContain(PEOPLE.wangJianguo.idNumber);
  expect(await persons()).toBe(0);
});

it('ingests with a progress bar and prints the summary, or one JSON object with --json', async () => {
  const o = io();
  const code = await runIngestCommand(
    db.services,
    join(DIR, 'police-registry.csv'),
    { profile: 'police-registry', area: T.street },
    o.io,
  );
  expect(code).toBe(0);
  expect(o.progress.at(-1)).toMatch(/\[#+\] 4\/4 行/);
  expect(o.lines.at(-1)).toMatch(/共 4 行，入库 4.*新建人员 4，跳过 0，拒收 0/);
  const j = io();
  await runIngestCommand(
    db.services,
    join(DIR, 'hrss-insured.csv'),
    { profile: 'hrss-insured', area: T.street, json: true },
    j.io,
  );
  expect(j.lines).toHaveLength(1);
  expect(JSON.parse(j.lines[0])).toMatchObject({
    status: 'SUCCEEDED',
    rows: 3,
    landed: 3,
    mergedIntoExisting: 1,
    newPersons: 2,
    skipped: 0,
    rejected: 0,
    error: null,
  });
});

it('exits non-zero with the reason when the file is bad', async () => {
  const o = io();
  const code = await runIngestCommand(
    db.services,
    join(DIR, 'bad/junk.csv'),
    { area: T.street, json: true },
    o.io,
  );
  expect(code).toBe(1);
  expect(JSON.parse(o.lines[0])).toMatchObject({
    status: 'FAILED',
    error: { reason: 'FILE_FORMAT_UNSUPPORTED' },
  });
});

describe('progress on stderr', () => {
  function stream(isTTY: boolean) {
    const written: string[] = [];
    return { written, isTTY, write: (t: string) => written.push(t) };
  }

  it('redraws one line on a terminal and ends it', () => {
    const s = stream(true);
    const p = progressLines(s, 10_000, () => 0);
    p.progress('[#-] 1/2 行');
    p.progress('[##] 2/2 行');
    p.end();
    expect(s.written).toEqual(['\r[#-] 1/2 行\x1b[K', '\r[##] 2/2 行\x1b[K', '\n']);
  });

  it('writes whole lines elsewhere, at most one per interval, and always the last state', () => {
    const s = stream(false);
    let t = 0;
    const p = progressLines(s, 10_000, () => t);
    p.progress('a'); // shown: the first
    t = 4_000;
    p.progress('b'); // held back
    t = 9_999;
    p.progress('c'); // held back
    t = 10_000;
    p.progress('d'); // shown: the interval has passed
    t = 12_000;
    p.progress('e'); // held back, then written by end()
    p.end();
    expect(s.written).toEqual(['a\n', 'd\n', 'e\n']);
    const quiet = stream(false);
    const q = progressLines(quiet, 10_000, () => 0);
    q.progress('only');
    q.progress('only'); // the final state of a small file, as it was shown
    q.end(); // the last state is not written twice
    expect(quiet.written).toEqual(['only\n']);
  });
});

describe('the progress line', () => {
  const p = { runId: 1, areaCode: T.street, total: 1000, landed: 0, skipped: 0, rejected: 0 };

  it('tells the time left at the rate so far while the run goes on', () => {
    // 200 rows in 10 s: 800 more take 40 s
    expect(bar({ ...p, processed: 200, status: 'RUNNING' }, 10_000)).toMatch(
      /^\[######-{24}\] 200\/1000 行 .* 约剩 40 秒$/,
    );
    // a resumed run counts its rate from where it took up (row 600): 100 rows in 5 s, 300 left
    expect(bar({ ...p, processed: 700, status: 'RUNNING' }, 5_000, 600)).toMatch(/约剩 15 秒$/);
    expect(bar({ ...p, processed: 100, status: 'RUNNING' }, 20_000)).toMatch(/约剩 3 分 0 秒$/);
  });

  it('says nothing of time before a row has moved or once the run has ended', () => {
    expect(bar({ ...p, processed: 0, status: 'RUNNING' }, 5_000)).not.toContain('约剩');
    expect(bar({ ...p, processed: 1000, status: 'SUCCEEDED' }, 5_000)).not.toContain('约剩');
    expect(bar({ ...p, processed: 400, status: 'FAILED' }, 5_000)).not.toContain('约剩');
  });
});
