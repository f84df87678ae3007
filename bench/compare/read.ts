/**
 * Side-by-side read benchmark (issue #8): the persons page (50 persons with household and its
 * head, house and its area, area; plus the count of live persons) against the same database,
 * served by
 *   - PostGraphile v5 (`allPeople`, Amber preset, bench/compare/postgraphile-server.ts),
 *   - this project (`persons`, signed in as a command-center account, as in production),
 *   - one hand-written SQL statement behind node:http + pg (bench/compare/sql-server.ts), the ceiling.
 * Each contender alone on the machine, one after another: first through a statement-counting relay
 * (the statements of 20 sequential requests), then directly, under autocannon with the same
 * connections, warm-up and duration. Before any load, the three answers are checked to hold the
 * same persons with the same household, head, house and areas, and the same totalCount (the
 * project masks house numbers in addresses for this role, so digits are not compared).
 *
 *   DATABASE_URL=<bench database> REDIS_URL=… node dist/bench/compare/read.js \
 *     [--connections 10] [--duration 20] [--warmup 5] [--only project,postgraphile,sql]
 *
 * Prints one JSON object on stdout; progress goes to stderr.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { cpuSeconds } from '../lib/cpu';
import { GraphqlRequest, LoadResult, probe, runLoad, useCredentials } from '../lib/load';
import { repoRoot, startServer } from '../lib/server';
import { backendPids, benchToken, PERSONS_PAGE_QUERY } from '../persons-page.bench';
import { startStatementCounter } from './pg-counter';

/** The same page in PostGraphile's default (Amber) naming; `live` is the condition its server adds. */
export const POSTGRAPHILE_QUERY = `query PersonsPage {
  allPeople(first: 50, orderBy: ROW_ID_ASC, condition: { live: true }) {
    totalCount
    edges { node { id name gender birthDate
      householdByDistrictCodeAndHouseholdId { householdNumber personByDistrictCodeAndHeadPersonId { name } }
      houseByDistrictCodeAndHouseId { address areaByAreaCode { code name } }
      areaByAreaCode { code name } } }
  }
}`;

interface Named {
  code: string;
  name: string;
}

/** One page as all three answer it, with each contender's field names mapped to the same row. */
export interface Page {
  totalCount: number;
  /** name, gender, birthDate, household number, head's name, house address, house area, area */
  rows: string[];
}

type Obj = Record<string, unknown>;
const maskDigits = (v: unknown) => (typeof v === 'string' ? v.replace(/[0-9]/g, '*') : null);
const at = (o: unknown, key: string): unknown => (o && typeof o === 'object' ? (o as Obj)[key] : undefined);

/** Maps a response body to a Page; `names` says which field holds what in this contender's schema. */
export function pageOf(
  body: unknown,
  names: { root: string; household: string; head: string; house: string; area: string },
): Page {
  const conn = at(at(body, 'data'), names.root);
  const edges = at(conn, 'edges');
  if (!Array.isArray(edges))
    throw new Error(`no ${names.root}.edges in the answer: ${JSON.stringify(body).slice(0, 300)}`);
  const rows = edges.map((e) => {
    const n = at(e, 'node');
    const household = at(n, names.household);
    const house = at(n, names.house);
    const houseArea = at(house, names.area) as Named | undefined;
    const area = at(n, names.area) as Named | undefined;
    return JSON.stringify([
      at(n, 'name'),
      at(n, 'gender'),
      at(n, 'birthDate'),
      at(household, 'householdNumber') ?? null,
      at(at(household, names.head), 'name') ?? null,
      // the project masks house numbers for roles that may not see them; compare the rest
      maskDigits(at(house, 'address')),
      houseArea ? `${houseArea.code} ${houseArea.name}` : null,
      area ? `${area.code} ${area.name}` : null,
    ]);
  });
  return { totalCount: Number(at(conn, 'totalCount')), rows };
}

const PROJECT_NAMES = { root: 'persons', household: 'household', head: 'head', house: 'house', area: 'area' };
const PGL_NAMES = {
  root: 'allPeople',
  household: 'householdByDistrictCodeAndHouseholdId',
  head: 'personByDistrictCodeAndHeadPersonId',
  house: 'houseByDistrictCodeAndHouseId',
  area: 'areaByAreaCode',
};

interface Running {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

interface Contender {
  key: 'postgraphile' | 'project' | 'sql';
  label: string;
  request: GraphqlRequest;
  headers: Record<string, string>;
  start(databaseUrl: string): Promise<Running>;
  page(body: unknown): Page;
}

/** Starts `node dist/bench/compare/<script>.js <databaseUrl>` and waits for `listening <port>`. */
async function startScript(script: string, databaseUrl: string): Promise<Running> {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'dist', 'bench', 'compare', script), databaseUrl],
    {
      cwd: repoRoot,
      env: { ...process.env, GRAPHILE_ENV: 'production', NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in 120 s:\n${out}`)), 120_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    // PostGraphile warns about PostGIS types it has no codec for; keep the tail for errors only
    child.stderr!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-8000)));
    void exited.then((c) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with code ${c}:\n${out}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface ContenderResult {
  key: string;
  label: string;
  totalCount: number;
  /** Statements per request over 20 sequential requests, counted at the wire; min and max. */
  statementsPerRequest: { mean: number; min: number; max: number };
  sequentialMedianMs: number;
  loadAverageBefore: number[];
  warmup: LoadResult;
  load: LoadResult;
  cpuMsPerRequest: { server: number | null; postgres: number | null };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

async function measure(
  c: Contender,
  databaseUrl: string,
  opts: { connections: number; durationSeconds: number; warmupSeconds: number },
  log: (s: string) => void,
): Promise<{ result: ContenderResult; page: Page }> {
  useCredentials(c.headers);
  // 1. statements per request, through the counting relay
  const counter = await startStatementCounter(databaseUrl);
  let page: Page;
  const perRequest: number[] = [];
  const sequentialMs: number[] = [];
  try {
    const server = await c.start(counter.url);
    try {
      const first = await probe(server.url, c.request);
      if (first.body.errors?.length) throw new Error(`${c.label}: ${first.body.errors[0].message}`);
      page = c.page(first.body);
      for (let i = 0; i < 3; i++) await probe(server.url, c.request);
      for (let i = 0; i < 20; i++) {
        const before = counter.statements;
        const r = await probe(server.url, c.request);
        sequentialMs.push(r.ms);
        // the relay sees the bytes before PostgreSQL answers, so once the response is here, all
        // of this request's statements have been counted
        perRequest.push(counter.statements - before);
      }
    } finally {
      await server.stop();
    }
  } finally {
    await counter.close();
  }
  sequentialMs.sort((a, b) => a - b);
  const statementsPerRequest = {
    mean: round2(perRequest.reduce((a, b) => a + b, 0) / perRequest.length),
    min: Math.min(...perRequest),
    max: Math.max(...perRequest),
  };
  log(`${c.label}: ${JSON.stringify(statementsPerRequest)} statements per request`);

  // 2. throughput and latency, connected directly
  const server = await c.start(databaseUrl);
  try {
    await probe(server.url, c.request);
    log(`${c.label}: warm-up ${opts.warmupSeconds} s`);
    const warmup = await runLoad({
      url: server.url,
      request: c.request,
      connections: opts.connections,
      durationSeconds: opts.warmupSeconds,
    });
    await new Promise((r) => setTimeout(r, 1000));
    const backends = await backendPids(databaseUrl);
    const loadAverageBefore = os.loadavg().map(round2);
    log(
      `${c.label}: measuring ${opts.connections} connections × ${opts.durationSeconds} s (load ${loadAverageBefore.join(' ')})`,
    );
    const cpu0 = { server: cpuSeconds([server.pid]), postgres: cpuSeconds(backends) };
    const load = await runLoad({
      url: server.url,
      request: c.request,
      connections: opts.connections,
      durationSeconds: opts.durationSeconds,
    });
    const cpu1 = { server: cpuSeconds([server.pid]), postgres: cpuSeconds(backends) };
    const per = (a: number | null, b: number | null) =>
      a === null || b === null || !load.requestsTotal ? null : round2((1000 * (b - a)) / load.requestsTotal);
    const failures = load.errors + load.timeouts + load.non2xx + load.graphqlErrors;
    if (failures)
      throw new Error(`${c.label}: ${failures} failed responses under load: ${JSON.stringify(load)}`);
    log(
      `${c.label}: ${load.requestsPerSecond} req/s, p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms`,
    );
    return {
      page,
      result: {
        key: c.key,
        label: c.label,
        totalCount: page.totalCount,
        statementsPerRequest,
        sequentialMedianMs: Math.round(sequentialMs[10] * 10) / 10,
        loadAverageBefore,
        warmup,
        load,
        cpuMsPerRequest: {
          server: per(cpu0.server, cpu1.server),
          postgres: per(cpu0.postgres, cpu1.postgres),
        },
      },
    };
  } finally {
    await server.stop();
  }
}

/** The contenders, each able to start its server against a given database URL. */
function contenders(redisUrl: string, benchDatabaseUrl: string): Contender[] {
  // the project runs as in production (no x-sql-count header), signed in like any client
  const env = {
    AUTH_JWT_SECRET: randomBytes(24).toString('hex'),
    RATE_LIMIT_PER_MINUTE: '100000000',
    ACCESS_TOKEN_TTL_SECONDS: '7200',
    SQL_COUNT_HEADER: 'off',
  };
  const token = benchToken(benchDatabaseUrl, redisUrl, env);
  return [
    {
      key: 'postgraphile',
      label: 'PostGraphile v5',
      request: { query: POSTGRAPHILE_QUERY },
      headers: {},
      start: (url) => startScript('postgraphile-server.js', url),
      page: (b) => pageOf(b, PGL_NAMES),
    },
    {
      key: 'project',
      label: 'this project',
      request: { query: PERSONS_PAGE_QUERY, variables: {} },
      headers: { authorization: `Bearer ${token}` },
      start: (url) => startServer({ databaseUrl: url, redisUrl, env }),
      page: (b) => pageOf(b, PROJECT_NAMES),
    },
    {
      key: 'sql',
      label: 'hand-written SQL (pg + node:http)',
      request: { query: PERSONS_PAGE_QUERY, variables: {} },
      headers: {},
      start: (url) => startScript('sql-server.js', url),
      page: (b) => pageOf(b, PROJECT_NAMES),
    },
  ];
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      connections: { type: 'string', default: '10' },
      duration: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '5' },
      only: { type: 'string' },
    },
  });
  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!databaseUrl || !redisUrl) throw new Error('set DATABASE_URL (the bench database) and REDIS_URL');
  const opts = {
    connections: Number(values.connections),
    durationSeconds: Number(values.duration),
    warmupSeconds: Number(values.warmup),
  };
  for (const [k, v] of Object.entries(opts))
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${k} must be a whole number of at least 1`);
  const log = (s: string) => process.stderr.write(`read: ${s}\n`);
  const only = values.only?.split(',');
  const all = contenders(redisUrl, databaseUrl);
  const chosen = only ? all.filter((c) => only.includes(c.key)) : all;
  if (!chosen.length) throw new Error(`--only names none of ${all.map((c) => c.key).join(', ')}`);

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const fixture = (
    await client.query<{ persons: string; pg: string }>(
      `SELECT (SELECT count(*) FROM person WHERE status <> 'MERGED') AS persons, current_setting('server_version') AS pg`,
    )
  ).rows[0];
  await client.end();

  const results: ContenderResult[] = [];
  let reference: { label: string; page: Page } | null = null;
  for (const c of chosen) {
    const { result, page } = await measure(c, databaseUrl, opts, log);
    if (page.rows.length !== 50) throw new Error(`${c.label} answered ${page.rows.length} persons, not 50`);
    if (page.totalCount !== Number(fixture.persons))
      throw new Error(
        `${c.label} counted ${page.totalCount} persons, the database holds ${fixture.persons} live ones`,
      );
    if (reference && JSON.stringify(reference.page.rows) !== JSON.stringify(page.rows)) {
      const i = page.rows.findIndex((r, n) => r !== reference!.page.rows[n]);
      throw new Error(
        `${c.label} and ${reference.label} answer different pages; first difference at row ${i}: ${page.rows[i]} vs ${reference.page.rows[i]}`,
      );
    }
    reference ??= { label: c.label, page };
    results.push(result);
  }
  const by = (k: string) => results.find((r) => r.key === k);
  const project = by('project');
  const peer = by('postgraphile');
  const sql = by('sql');
  const ratio = (a?: ContenderResult, b?: ContenderResult) =>
    a && b ? round2(a.load.requestsPerSecond / b.load.requestsPerSecond) : null;
  process.stdout.write(
    JSON.stringify(
      {
        part: 'read',
        persons: Number(fixture.persons),
        postgres: fixture.pg,
        settings: opts,
        samePage: true,
        contenders: results,
        ratioProjectToPostgraphile: ratio(project, peer),
        ratioProjectToSql: ratio(project, sql),
        ratioPostgraphileToSql: ratio(peer, sql),
      },
      null,
      2,
    ) + '\n',
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`read: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
