/**
 * Ingest benchmark: a community roster CSV of N rows (default 1,000,000) end to end (parse,
 * normalise, resolve against a ledger that already holds the fixture district, write with
 * provenance) against a raw COPY of the same rows into the same person table (with its indexes
 * and foreign keys), against a raw COPY of every row the ingest wrote into the same tables (the
 * `ledger` part: its floor), and a 100,000-row XLSX. Each part runs in a fresh database.
 *
 *   npm run build && DATABASE_URL=postgresql://…/postgres REDIS_URL=redis://… \
 *     node dist/bench/ingest.js [--rows 1000000] [--xlsx-rows 100000] [--batch 5000] [--corrected 10]
 *
 * `--corrected k` then ingests a corrected roster (every k-th resident's phone changed) into the
 * same ledger, the monthly case: unchanged rows are recognised, changed ones update their persons.
 *
 * Prints one JSON object with the figures; peak RSS is the process's VmHWM.
 */
import 'reflect-metadata';
import { createReadStream, createWriteStream, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { tuneHeapForBatches } from '../src/app/heap';
import { createServices } from '../src/app/services';
import { UNRESTRICTED } from '../src/auth/scope';
import { ensureDatabase, migrate } from '../src/db/migrate';
import { IngestService } from '../src/ingest/run/ingest.service';
import { makeIdNumber } from '../src/normalize';
import { seedDistrict } from '../src/seed/seed.service';

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国玉兰萍红志强德华淑珍';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

/** Row i of the synthetic roster: 3 residents per household, unique valid ID numbers. */
function row(i: number) {
  const day = i % 30000;
  const seq = Math.floor(i / 30000);
  const birth = new Date(Date.UTC(1930, 0, 1) + day * 86400000).toISOString().slice(0, 10);
  const gender = seq % 2 === 1 ? 'MALE' : 'FEMALE';
  // another county's area code, so no resident of the fixture district shares a number
  const id = makeIdNumber('610927', birth, seq, gender);
  const name =
    SURNAMES[i % SURNAMES.length] +
    GIVEN[(i * 7) % GIVEN.length] +
    (i % 3 === 0 ? '' : GIVEN[(i * 13) % GIVEN.length]);
  const h = Math.floor(i / 3);
  return {
    name,
    id,
    gender: gender === 'MALE' ? '男' : '女',
    birth: birth.replace(/-/g, '.'),
    phone: `1${38 + (i % 10)}${String(10000000 + (i % 89999999)).slice(0, 8)}`,
    household: `B${String(h).padStart(9, '0')}`,
    relation: i % 3 === 0 ? '户主' : i % 3 === 1 ? '配偶' : '子女',
    address: `新城街道兴安路${(h % 900) + 1}号${(h % 30) + 1}栋${(h % 6) + 1}单元${h}室`,
    birthIso: birth,
    genderCode: gender,
  };
}

/** The roster as CSV; with `correctedEvery` k, every k-th resident's phone is a new one (a corrected roster). */
async function writeCsv(path: string, n: number, correctedEvery = 0): Promise<void> {
  async function* lines() {
    yield '新城街道社区居民花名册\n';
    yield '姓名,身份证号,性别,出生日期,联系电话,户号,与户主关系,家庭住址\n';
    let buf = '';
    for (let i = 0; i < n; i++) {
      const r = row(i);
      const phone =
        correctedEvery > 0 && i % correctedEvery === 0 ? `139${String(i).padStart(8, '0')}` : r.phone;
      buf += `${r.name},${r.id},${r.gender},${r.birth},${phone},${r.household},${r.relation},${r.address}\n`;
      if (buf.length > 1 << 20) {
        yield buf;
        buf = '';
      }
    }
    yield buf;
  }
  await pipeline(Readable.from(lines()), createWriteStream(path));
}

async function writeXlsx(path: string, n: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useSharedStrings: false,
    useStyles: false,
  });
  const ws = wb.addWorksheet('新城社区');
  ws.addRow(['新城街道社区居民花名册']).commit();
  ws.addRow(['姓名', '身份证号', '性别', '出生日期', '联系电话', '户号', '与户主关系', '家庭住址']).commit();
  for (let i = 0; i < n; i++) {
    const r = row(2_000_000 + i);
    ws.addRow([r.name, r.id, r.gender, r.birth, r.phone, r.household, r.relation, r.address]).commit();
  }
  await wb.commit();
}

/** Samples RSS every 100 ms while a part runs: the part's own peak, apart from seeding the district. */
function rssSampler() {
  let peak = 0;
  const cpu = process.cpuUsage();
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const before = process.memoryUsage().rss;
  return {
    stop: () => {
      clearInterval(t);
      peak = Math.max(peak, process.memoryUsage().rss);
      const used = process.cpuUsage(cpu);
      return {
        rssBeforeMb: Math.round(before / 1048576),
        rssPeakDuringMb: Math.round(peak / 1048576),
        // this process's CPU time during the part (user + system), apart from the server's
        nodeCpuSeconds: Math.round((used.user + used.system) / 1e5) / 10,
      };
    },
  };
}

function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : Math.round(process.memoryUsage().rss / 1048576);
}

async function freshDatabase(base: string, name: string): Promise<string> {
  const u = new URL(base);
  u.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: u.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
  u.pathname = `/${name}`;
  await ensureDatabase(u.toString());
  await migrate(u.toString());
  return u.toString();
}

/** The tables an ingest of the roster writes (person_id_number follows person by trigger), parents first. */
const LEDGER_TABLES = ['house', 'household', 'person', 'source_record', 'ledger_change'] as const;

/**
 * The ingest's own floor: a raw COPY of exactly the rows the CSV part wrote (houses, households,
 * persons, source records, change rows), exported from the database that part left, into a fresh
 * database with the same district, in one transaction, with every index, trigger and foreign key
 * as PostgreSQL checks them row by row. The ratio of the ingest to this COPY is the one that counts
 * the same rows into the same tables; the person-only COPY counts a fifth of them.
 */
async function ledgerCopy(base: string, out: string, rosterRows: number): Promise<Record<string, unknown>> {
  const from = new URL(base);
  from.pathname = '/yibiao_bench_ingest';
  const src = new pg.Client({ connectionString: from.toString() });
  await src.connect().catch((e: unknown) => {
    throw new Error(`the ledger part copies what the csv part wrote: run --only csv first (${String(e)})`);
  });
  const runs = await src.query<{ n: string; seconds: number }>(
    'SELECT count(*) AS n, max(extract(epoch FROM finished_at - started_at))::float8 AS seconds FROM ingest_run',
  );
  if (Number(runs.rows[0].n) !== 1)
    throw new Error('the csv part ran more than one roster (--corrected): run --only csv without it first');
  const url = await freshDatabase(base, 'yibiao_bench_ledger_copy');
  const { s } = await withDistrict(url);
  const client = await s.pool.connect();
  const rows: Record<string, number> = {};
  try {
    for (const t of LEDGER_TABLES) {
      // the same seed in both databases: the run's rows are those after the seed's last id
      const { rows: m } = await client.query<{ max: string }>(`SELECT coalesce(max(id), 0) AS max FROM ${t}`);
      const exported = src.query(
        copyTo(`COPY (SELECT * FROM ${t} WHERE id > ${m[0].max} ORDER BY id) TO STDOUT`),
      );
      await pipeline(exported, createWriteStream(join(out, `ledger-${t}.copy`)));
      rows[t] = exported.rowCount;
    }
    if (rows.person !== rosterRows)
      throw new Error(
        `the csv part's database holds ${rows.person} new persons, not ${rosterRows}: run --only csv with the same --rows first`,
      );
    const seconds: Record<string, number> = {};
    const t0 = Date.now();
    await client.query('BEGIN');
    for (const t of LEDGER_TABLES) {
      const t1 = Date.now();
      await pipeline(
        createReadStream(join(out, `ledger-${t}.copy`)),
        client.query(copyFrom(`COPY ${t} FROM STDIN`)),
      );
      seconds[t] = (Date.now() - t1) / 1000;
    }
    const t2 = Date.now();
    await client.query('COMMIT');
    seconds.commit = (Date.now() - t2) / 1000;
    const secs = (Date.now() - t0) / 1000;
    // the csv part's run as its database recorded it (from the start of its first pass to its end)
    const ingestRunSeconds = Math.round(runs.rows[0].seconds * 10) / 10;
    return {
      seconds: secs,
      rowsPerSecond: Math.round(rosterRows / secs),
      rows,
      secondsByTable: seconds,
      ingestRunSeconds,
      ratioOfIngestRun: Math.round((100 * secs) / ingestRunSeconds) / 100,
    };
  } finally {
    client.release();
    await src.end();
    await s.close();
    // the exported rows take about as much disk as the roster's ledger (1.3 GB for 1M rows)
    for (const t of LEDGER_TABLES) rmSync(join(out, `ledger-${t}.copy`), { force: true });
  }
}

async function withDistrict(url: string) {
  const s = createServices({
    DATABASE_URL: url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  });
  await seedDistrict(s, { persons: 2000 });
  const street =
    (await s.areas.list('STREET')).find((a) => a.name === '新城街道') ?? (await s.areas.list('STREET'))[0];
  return { s, street: street.code };
}

async function main() {
  tuneHeapForBatches(); // as the ingest worker and command do
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('set DATABASE_URL (any database on the server; the bench creates its own)');
  const rows = arg('rows', 1_000_000);
  const xlsxRows = arg('xlsx-rows', 100_000);
  const batchSize = arg('batch', 5000);
  // --only copy|csv|ledger|xlsx runs one part, so that each part's peak RSS is its own (ledger copies
  // what the csv part left in its database: run csv first)
  const oi = process.argv.indexOf('--only');
  const only = oi > 0 ? process.argv[oi + 1] : null;
  const want = (part: string) => only === null || only === part;
  const out = join(process.cwd(), 'bench', 'out');
  mkdirSync(out, { recursive: true });
  const csv = join(out, `roster-${rows}.csv`);
  const xlsx = join(out, `roster-${xlsxRows}.xlsx`);
  if (want('copy') || want('csv')) await writeCsv(csv, rows);
  if (want('xlsx')) await writeXlsx(xlsx, xlsxRows);
  const result: Record<string, unknown> = { rows, xlsxRows, batchSize };

  // 1. raw COPY of the same rows into person (same indexes, foreign keys), in a district-loaded database
  if (want('copy')) {
    const url = await freshDatabase(base, 'yibiao_bench_copy');
    const { s, street } = await withDistrict(url);
    const client = await s.pool.connect();
    const t0 = Date.now();
    const copy = client.query(
      copyFrom(
        'COPY person (district_code, id_number, name, gender, birth_date, phone, relation_to_head, area_code, provenance) FROM STDIN',
      ),
    );
    async function* data() {
      let buf = '';
      for (let i = 0; i < rows; i++) {
        const r = row(i);
        buf += `610902\t${r.id}\t${r.name}\t${r.genderCode}\t${r.birthIso}\t${r.phone}\t${r.relation}\t${street}\t{}\n`;
        if (buf.length > 1 << 20) {
          yield buf;
          buf = '';
        }
      }
      yield buf;
    }
    await pipeline(Readable.from(data()), copy);
    const secs = (Date.now() - t0) / 1000;
    client.release();
    result.copy = { seconds: secs, rowsPerSecond: Math.round(rows / secs) };
    await s.close();
  }

  // 2. the CSV end to end
  if (want('csv')) {
    const url = await freshDatabase(base, 'yibiao_bench_ingest');
    const { s, street } = await withDistrict(url);
    const ingest = new IngestService(s.pool, s.ledger, s.areas, {
      storageDir: join(out, 'storage'),
      batchSize,
    });
    const sampler = rssSampler();
    const t0 = Date.now();
    const run = await ingest.ingestFile(
      csv,
      { fileName: 'roster.csv', areaCode: street, scope: UNRESTRICTED },
      {
        onProgress: (p) => process.stderr.write(`\rcsv ${p.processed}/${p.total}`),
      },
    );
    const secs = (Date.now() - t0) / 1000;
    process.stderr.write('\n');
    result.csv = {
      status: run.status,
      seconds: secs,
      rowsPerSecond: Math.round(rows / secs),
      landed: run.landed,
      rejected: run.rejected,
      ...sampler.stop(),
      processPeakRssMb: peakRssMb(),
    };
    // --corrected k: then a corrected roster, every k-th resident's phone changed, into the same
    // ledger: unchanged rows are recognised and left alone, changed ones update their persons
    const correctedEvery = arg('corrected', 0);
    if (correctedEvery > 0) {
      const corrected = join(out, 'roster-corrected.csv');
      await writeCsv(corrected, rows, correctedEvery);
      const again = rssSampler();
      const t1 = Date.now();
      const second = await ingest.ingestFile(
        corrected,
        { fileName: 'roster-corrected.csv', areaCode: street, scope: UNRESTRICTED },
        { onProgress: (p) => process.stderr.write(`\rcorrected ${p.processed}/${p.total}`) },
      );
      const secs2 = (Date.now() - t1) / 1000;
      process.stderr.write('\n');
      result.corrected = {
        status: second.status,
        changedEvery: correctedEvery,
        seconds: secs2,
        rowsPerSecond: Math.round(rows / secs2),
        landed: second.landed,
        unchanged: second.unchanged,
        ...again.stop(),
      };
    }
    await s.close();
  }

  // 3. the floor: a raw COPY of the very rows the CSV part wrote, into the same tables
  if (want('ledger')) result.ledgerCopy = await ledgerCopy(base, out, rows);

  // 4. the XLSX end to end
  if (want('xlsx')) {
    const url = await freshDatabase(base, 'yibiao_bench_xlsx');
    const { s, street } = await withDistrict(url);
    const ingest = new IngestService(s.pool, s.ledger, s.areas, {
      storageDir: join(out, 'storage'),
      batchSize,
    });
    const sampler = rssSampler();
    const t0 = Date.now();
    const run = await ingest.ingestFile(xlsx, {
      fileName: 'roster.xlsx',
      areaCode: street,
      scope: UNRESTRICTED,
    });
    const secs = (Date.now() - t0) / 1000;
    result.xlsx = {
      status: run.status,
      seconds: secs,
      rowsPerSecond: Math.round(xlsxRows / secs),
      landed: run.landed,
      ...sampler.stop(),
      processPeakRssMb: peakRssMb(),
    };
    await s.close();
  }
  if (result.copy && result.csv) {
    const copyRate = (result.copy as { rowsPerSecond: number }).rowsPerSecond;
    const csvRate = (result.csv as { rowsPerSecond: number }).rowsPerSecond;
    result.ratioToCopy = Math.round((100 * csvRate) / copyRate) / 100;
  }
  if (result.ledgerCopy && result.csv) {
    const floorRate = (result.ledgerCopy as { rowsPerSecond: number }).rowsPerSecond;
    const csvRate = (result.csv as { rowsPerSecond: number }).rowsPerSecond;
    result.ratioToLedgerCopy = Math.round((100 * csvRate) / floorRate) / 100;
  }
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
