import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { cpuSeconds } from './lib/cpu';
import { GraphqlRequest, LoadResult, probe, runLoad, useCredentials } from './lib/load';
import { machineLabel } from './lib/machine';
import { markdownTable } from './lib/results-md';
import { startServer } from './lib/server';
import type { BenchContext, BenchOutcome, Benchmark } from './lib/types';

/** The persons page of issue #2: 50 persons with household (and its head), house and area. */
export const PERSONS_PAGE_QUERY = `query PersonsPage($filter: PersonFilter) {
  persons(first: 50, filter: $filter) {
    totalCount
    edges { node { id name gender birthDate
      household { householdNumber head { name } }
      house { address area { code name } }
      area { code name } } }
  }
}`;

interface Scenario {
  key: string;
  label: string;
  request: GraphqlRequest;
  expectedTotal: number;
}

interface ScenarioResult {
  key: string;
  label: string;
  variables: Record<string, unknown>;
  expectedTotal: number;
  /** Statements per request (x-sql-count) seen over 20 sequential requests on a warm server. */
  sqlPerRequest: (number | null)[];
  /** Median latency of those sequential requests (no concurrency). */
  sequentialMedianMs: number;
  warmup: LoadResult;
  load: LoadResult;
  /** CPU milliseconds per request during the measured run, by process; null where unknown. */
  cpuMsPerRequest: { server: number | null; postgres: number | null; loadGenerator: number };
}

/** The PostgreSQL backends serving the bench database right now (the server's pool, once warm). */
export async function backendPids(databaseUrl: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
    );
    return rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
}

/** The fixture as the database holds it: persons, and the first community with its residents. */
async function readFixture(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const persons = Number(
      (await client.query(`SELECT count(*) AS n FROM person WHERE status <> 'MERGED'`)).rows[0].n,
    );
    const community = (
      await client.query<{ code: string; name: string; n: string }>(
        `SELECT a.code, a.name,
                (SELECT count(*) FROM person p JOIN area b ON b.code = p.area_code
                  WHERE b.path <@ a.path AND p.status <> 'MERGED') AS n
           FROM area a WHERE a.level = 'COMMUNITY' ORDER BY a.code LIMIT 1`,
      )
    ).rows[0];
    const postgres = (await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`))
      .rows[0].v;
    const postgis = (await client.query<{ v: string }>(`SELECT postgis_lib_version() AS v`)).rows[0].v;
    return { persons, community: community && { ...community, n: Number(community.n) }, postgres, postgis };
  } finally {
    await client.end();
  }
}

/** An access token of the benchmark's own command-center account (created on first use). */
export function benchToken(
  databaseUrl: string,
  redisUrl: string,
  env: Record<string, string>,
  root = path.join(__dirname, '..', '..'),
): string {
  const cli = path.join(root, 'bin', 'yibiao');
  const opts = {
    env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, NODE_ENV: 'production', ...env },
    encoding: 'utf8' as const,
    stdio: 'pipe' as const,
  };
  try {
    execFileSync(
      process.execPath,
      [cli, 'user', 'add', 'bench-center', '--role', 'COMMAND_CENTER', '--area', '610902'],
      opts,
    );
  } catch (e) {
    // left from an earlier run on the same database
    if (!/exist|taken|already/i.test(String((e as { stderr?: string }).stderr ?? e))) throw e;
  }
  const lines = execFileSync(process.execPath, [cli, 'token', '--user', 'bench-center'], opts)
    .trim()
    .split('\n');
  return lines[lines.length - 1].trim();
}

/**
 * Statements per request of each scenario, one request at a time on a server that sends the
 * x-sql-count header: the header undercounts under concurrency (see RESULTS.md), and counting
 * costs CPU on every request (an AsyncLocalStorage store), so the measured runs use another
 * server without it, as production runs by default.
 */
async function countStatements(
  ctx: BenchContext,
  env: Record<string, string>,
  scenarios: Scenario[],
): Promise<Map<string, (number | null)[]>> {
  const server = await startServer({
    databaseUrl: ctx.databaseUrl,
    redisUrl: ctx.redisUrl,
    env: { ...env, SQL_COUNT_HEADER: 'on' },
  });
  const out = new Map<string, (number | null)[]>();
  try {
    for (const s of scenarios) {
      const counts = new Set<number | null>();
      for (let i = 0; i < 20; i++) {
        const r = await probe(server.url, s.request);
        if (r.body.errors?.length) throw new Error(`${s.label}: GraphQL errors: ${r.body.errors[0].message}`);
        counts.add(r.sqlCount);
      }
      out.set(s.key, [...counts]);
      ctx.log(`${s.label}: statements per request (20 sequential requests): ${[...counts].join(', ')}`);
    }
  } finally {
    await server.stop();
  }
  return out;
}

async function runScenario(
  ctx: BenchContext,
  server: { url: string; pid: number },
  s: Scenario,
  sqlCounts: (number | null)[],
): Promise<ScenarioResult> {
  const url = server.url;
  const first = await probe(url, s.request);
  if (first.body.errors?.length)
    throw new Error(`${s.label}: GraphQL errors: ${first.body.errors[0].message}`);
  const conn = (first.body.data as { persons?: { totalCount: number; edges: unknown[] } }).persons;
  if (!conn || conn.edges.length !== 50 || conn.totalCount !== s.expectedTotal) {
    throw new Error(
      `${s.label}: expected 50 edges and totalCount ${s.expectedTotal}, got ${conn?.edges.length} and ${conn?.totalCount}`,
    );
  }
  ctx.log(`${s.label}: first request ${first.ms.toFixed(1)} ms; warm-up ${ctx.warmupSeconds} s`);
  const warmup = await runLoad({
    url,
    request: s.request,
    connections: ctx.connections,
    durationSeconds: ctx.warmupSeconds,
  });
  // autocannon stops mid-request: let the server finish what is still in flight first
  await new Promise((r) => setTimeout(r, 1000));
  const sequentialMs: number[] = [];
  for (let i = 0; i < 20; i++) sequentialMs.push((await probe(url, s.request)).ms);
  sequentialMs.sort((a, b) => a - b);
  ctx.log(`${s.label}: sequential requests: median ${sequentialMs[10].toFixed(1)} ms`);
  ctx.log(`${s.label}: measuring ${ctx.connections} connections × ${ctx.durationSeconds} s`);
  const backends = await backendPids(ctx.databaseUrl);
  const before = {
    server: cpuSeconds([server.pid]),
    postgres: cpuSeconds(backends),
    self: process.cpuUsage(),
  };
  const load = await runLoad({
    url,
    request: s.request,
    connections: ctx.connections,
    durationSeconds: ctx.durationSeconds,
  });
  const self = process.cpuUsage(before.self);
  const after = { server: cpuSeconds([server.pid]), postgres: cpuSeconds(backends) };
  const perRequest = (a: number | null, b: number | null) =>
    a === null || b === null || !load.requestsTotal
      ? null
      : Math.round(((1000 * (b - a)) / load.requestsTotal) * 100) / 100;
  const cpuMsPerRequest = {
    server: perRequest(before.server, after.server),
    postgres: perRequest(before.postgres, after.postgres),
    loadGenerator:
      Math.round(((self.user + self.system) / 1000 / Math.max(load.requestsTotal, 1)) * 100) / 100,
  };
  ctx.log(
    `${s.label}: ${load.requestsPerSecond} req/s, p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms, CPU ms/request ${JSON.stringify(cpuMsPerRequest)}, x-sql-count seen ${JSON.stringify(load.sqlCountHistogram)}`,
  );
  const failures = load.errors + load.timeouts + load.non2xx + load.graphqlErrors;
  if (failures)
    throw new Error(`${s.label}: ${failures} failed responses under load: ${JSON.stringify(load)}`);
  return {
    key: s.key,
    label: s.label,
    variables: s.request.variables ?? {},
    expectedTotal: s.expectedTotal,
    sqlPerRequest: sqlCounts,
    sequentialMedianMs: Math.round(sequentialMs[10] * 10) / 10,
    warmup,
    load,
    cpuMsPerRequest,
  };
}

/** The statements per request, e.g. "4" or "4–5" when it varied. */
function sqlRange(r: ScenarioResult): string {
  const values = r.sqlPerRequest.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (!values.length) return 'n/a (no x-sql-count header)';
  return values.length === 1 ? String(values[0]) : `${values[0]}–${values[values.length - 1]}`;
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

/** Persons page throughput, latency and statements per request, with and without a community filter. */
export const personsPage: Benchmark = {
  id: 'persons-page',
  title: 'Persons page (issue #2)',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const fixture = await readFixture(ctx.databaseUrl);
    if (fixture.persons !== ctx.persons) {
      throw new Error(
        `the bench database holds ${fixture.persons} persons, not ${ctx.persons}: drop it (or set BENCH_DATABASE_URL) and run again`,
      );
    }
    if (!fixture.community)
      throw new Error('the bench database has no community: is the fixture district loaded?');
    const scenarios: Scenario[] = [
      {
        key: 'all',
        label: 'no filter',
        request: { query: PERSONS_PAGE_QUERY, variables: {} },
        expectedTotal: fixture.persons,
      },
      {
        key: 'community',
        label: `areaCode ${fixture.community.code} (${fixture.community.name})`,
        request: { query: PERSONS_PAGE_QUERY, variables: { filter: { areaCode: fixture.community.code } } },
        expectedTotal: fixture.community.n,
      },
    ];

    // The server runs as in production, so it needs a signing secret; the benchmark signs in like
    // any client (a command-center account over the district) and its key is not rate limited.
    const serverEnv = {
      AUTH_JWT_SECRET: randomBytes(24).toString('hex'),
      SQL_COUNT_HEADER: 'off',
      RATE_LIMIT_PER_MINUTE: '100000000',
      ACCESS_TOKEN_TTL_SECONDS: '7200',
    };
    useCredentials({ authorization: `Bearer ${benchToken(ctx.databaseUrl, ctx.redisUrl, serverEnv)}` });
    const statements = await countStatements(ctx, serverEnv, scenarios);
    const server = await startServer({
      databaseUrl: ctx.databaseUrl,
      redisUrl: ctx.redisUrl,
      nodeArgs: ctx.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', ctx.cpuProfDir] : [],
      env: serverEnv,
    });
    ctx.log(`server pid ${server.pid} on ${server.url}`);
    const results: ScenarioResult[] = [];
    try {
      for (const s of scenarios) results.push(await runScenario(ctx, server, s, statements.get(s.key) ?? []));
    } finally {
      await server.stop();
    }

    const machine = machineLabel(ctx.machine);
    const load = `${ctx.connections} conn × ${ctx.durationSeconds} s`;
    const rows: string[][] = [];
    for (const r of results) {
      const what =
        r.key === 'all' ? `all ${fmt(fixture.persons)}` : `community, ${fmt(r.expectedTotal)} persons`;
      rows.push(
        [
          `throughput, ${what} (${load})`,
          `${fmt(r.load.requestsPerSecond)} req/s`,
          ctx.command,
          machine,
          ctx.date,
        ],
        [`latency p50, ${what}`, `${r.load.latencyMs.p50} ms`, ctx.command, machine, ctx.date],
        [`latency p99, ${what}`, `${r.load.latencyMs.p99} ms`, ctx.command, machine, ctx.date],
        [`SQL statements per request, ${what}`, sqlRange(r), ctx.command, machine, ctx.date],
        [
          `CPU per request, ${what}: server / PostgreSQL`,
          `${r.cpuMsPerRequest.server ?? 'n/a'} ms / ${r.cpuMsPerRequest.postgres ?? 'n/a'} ms`,
          ctx.command,
          machine,
          ctx.date,
        ],
      );
    }
    rows.push([
      'context, NOT measured here: PostGraphile v5, same query, 100k persons (issue #8)',
      '≈1,050 req/s, p99 73 ms, 1 statement',
      'n/a (figure quoted from issue #8)',
      '2-core machine of this kind, per issue #8',
      'n/a',
    ]);
    const m = ctx.machine;
    const markdown = [
      `Query: \`persons(first: 50) { totalCount edges { node { id name gender birthDate household { householdNumber head { name } } house { address area { code name } } area { code name } } } }\`,`,
      `without a filter and with \`filter: { areaCode: "${fixture.community.code}" }\` (${fixture.community.name}).`,
      `Fixture: ${fmt(fixture.persons)} persons (\`yibiao seed --persons ${ctx.persons}\`), PostgreSQL ${fixture.postgres}, PostGIS ${fixture.postgis}.`,
      `Load: autocannon over loopback, ${ctx.connections} connections, ${ctx.warmupSeconds} s warm-up then ${ctx.durationSeconds} s measured per case,`,
      `against \`node bin/yibiao serve\` as a child process (default pool of 10 connections); load generator, server and PostgreSQL share the same cores.`,
      `SQL statements per request: \`x-sql-count\` over 20 sequential requests to a separate server started with \`SQL_COUNT_HEADER=on\`; the measured server runs without the header (production's default). CPU per request: user + system time of the server process and of its PostgreSQL backends (/proc) over the measured run, divided by the requests served.`,
      `Machine: ${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; load average at start ${m.loadAverage.join(' / ')}.`,
      '',
      markdownTable(['figure', 'value', 'command', 'machine', 'date'], rows),
    ].join('\n');

    return {
      json: {
        benchmark: 'persons-page',
        query: PERSONS_PAGE_QUERY,
        fixture,
        settings: {
          connections: ctx.connections,
          durationSeconds: ctx.durationSeconds,
          warmupSeconds: ctx.warmupSeconds,
        },
        scenarios: results,
      },
      markdown,
    };
  },
};
