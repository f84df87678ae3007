import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { cpuSeconds } from './lib/cpu';
import { probe, runLoad, useCredentials } from './lib/load';
import { startServer, ServerUnderTest } from './lib/server';
import { benchToken, PERSONS_PAGE_QUERY } from './persons-page.bench';

/**
 * A/B comparison of two builds on the persons page, for a machine shared with other work: both
 * servers run side by side and are loaded in turn (A, B, A, B, ...) so that both see the same
 * background load; reports req/s and the CPU milliseconds per request of each server process and
 * of PostgreSQL. A build is a folder holding bin/yibiao, dist/ and package.json (a copy of an
 * earlier build) with the checkout's node_modules, src, fixtures, schema, prisma and console
 * linked in (the server reads resources from them).
 *
 *   node dist/bench/ab.js <rootA> <rootB> [rounds=3] [seconds=10] [connections=10] [areaCode]
 *
 * DATABASE_URL (the loaded bench database) and REDIS_URL must be set.
 */
async function main(argv: string[]) {
  const [rootA, rootB, rounds = '3', seconds = '10', connections = '10', areaCode] = argv;
  if (!rootA || !rootB)
    throw new Error(
      'usage: node dist/bench/ab.js <rootA> <rootB> [rounds] [seconds] [connections] [areaCode]',
    );
  const databaseUrl = process.env.DATABASE_URL!;
  const redisUrl = process.env.REDIS_URL!;
  const env = {
    AUTH_JWT_SECRET: randomBytes(24).toString('hex'),
    SQL_COUNT_HEADER: 'off',
    RATE_LIMIT_PER_MINUTE: '100000000',
    ACCESS_TOKEN_TTL_SECONDS: '7200',
  };
  // the account is made with build B's CLI (both builds share the database)
  const token = benchToken(databaseUrl, redisUrl, env, rootB);
  useCredentials({ authorization: `Bearer ${token}` });
  const request = { query: PERSONS_PAGE_QUERY, variables: areaCode ? { filter: { areaCode } } : {} };
  const servers: [string, ServerUnderTest][] = [];
  for (const [name, root] of [
    ['A', rootA],
    ['B', rootB],
  ] as const)
    servers.push([name, await startServer({ databaseUrl, redisUrl, env, root })]);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const backends = async () =>
    (
      await client.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
      )
    ).rows.map((r) => r.pid);
  const totals: Record<string, { req: number; server: number; postgres: number; rps: number[] }> = {};
  try {
    for (const [, s] of servers) {
      const r = await probe(s.url, request);
      if (r.body.errors?.length) throw new Error(r.body.errors[0].message);
      await runLoad({ url: s.url, request, connections: Number(connections), durationSeconds: 3 });
    }
    for (let round = 0; round < Number(rounds); round++) {
      for (const [name, s] of servers) {
        // backends come and go (the pools close idle connections): per backend, what it used
        // between the two readings, all of it for one that started in between
        const cpuBefore = new Map((await backends()).map((p) => [p, cpuSeconds([p])!]));
        const before = { server: cpuSeconds([s.pid])!, postgres: 0 };
        const load = await runLoad({
          url: s.url,
          request,
          connections: Number(connections),
          durationSeconds: Number(seconds),
        });
        const after = {
          server: cpuSeconds([s.pid])!,
          postgres: (await backends()).reduce(
            (sum, p) => sum + cpuSeconds([p])! - (cpuBefore.get(p) ?? 0),
            0,
          ),
        };
        const t = (totals[name] ??= { req: 0, server: 0, postgres: 0, rps: [] });
        t.req += load.requestsTotal;
        t.server += after.server - before.server;
        t.postgres += after.postgres - before.postgres;
        t.rps.push(load.requestsPerSecond);
        const failures = load.errors + load.timeouts + load.non2xx + load.graphqlErrors;
        process.stdout.write(
          `round ${round + 1} ${name}: ${load.requestsPerSecond} req/s, p99 ${load.latencyMs.p99} ms, server ${((1000 * (after.server - before.server)) / load.requestsTotal).toFixed(2)} ms/req, postgres ${((1000 * (after.postgres - before.postgres)) / load.requestsTotal).toFixed(2)} ms/req${failures ? `, ${failures} FAILED` : ''}\n`,
        );
      }
    }
  } finally {
    await client.end();
    for (const [, s] of servers) await s.stop();
  }
  for (const [name, t] of Object.entries(totals))
    process.stdout.write(
      `${name}: mean ${(t.rps.reduce((a, b) => a + b, 0) / t.rps.length).toFixed(1)} req/s, server ${((1000 * t.server) / t.req).toFixed(2)} ms/req, postgres ${((1000 * t.postgres) / t.req).toFixed(2)} ms/req over ${t.req} requests\n`,
    );
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
