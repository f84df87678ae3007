import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { machineFacts } from './lib/machine';
import { upsertSection } from './lib/results-md';
import { repoRoot } from './lib/server';
import type { Benchmark, BenchContext } from './lib/types';
import { personsPage } from './persons-page.bench';

/** Every benchmark `npm run bench` knows, in the order they run and appear in RESULTS.md. */
export const BENCHMARKS: Benchmark[] = [personsPage];

const USAGE = `usage: npm run bench -- [name...] [--connections N] [--duration S] [--warmup S] [--cpu-prof] [--no-results]
  names: ${BENCHMARKS.map((b) => b.id).join(', ')} (default: all)
  --cpu-prof     profile the server (node --cpu-prof) into bench/out/prof/;
                 summarise with: node dist/bench/profile-summary.js bench/out/prof/<file>.cpuprofile
  --no-results   write bench/out/*.json only, leave bench/RESULTS.md alone`;

async function settleDatabase(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('VACUUM (ANALYZE)');
  } finally {
    await client.end();
  }
}

function whole(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name} must be a whole number of at least 1, not "${value}"`);
  return n;
}

/** Runs the benchmarks named on the command line (all by default) and records their figures. */
export async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      connections: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      'no-results': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const unknown = positionals.filter((p) => !BENCHMARKS.some((b) => b.id === p));
  if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(', ')}\n${USAGE}`);
  const chosen = positionals.length ? BENCHMARKS.filter((b) => positionals.includes(b.id)) : BENCHMARKS;

  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!databaseUrl || !redisUrl)
    throw new Error('DATABASE_URL and REDIS_URL must be set: run `npm run bench`, which provisions them');

  const outDir = path.join(repoRoot, 'bench', 'out');
  fs.mkdirSync(outDir, { recursive: true });
  const now = new Date();
  const cpuProfDir = values['cpu-prof'] ? path.join(outDir, 'prof') : null;
  if (cpuProfDir) fs.mkdirSync(cpuProfDir, { recursive: true });
  const ctx: BenchContext = {
    databaseUrl,
    redisUrl,
    machine: machineFacts(),
    command: ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '),
    date: now.toISOString().slice(0, 10),
    connections: whole('connections', values.connections, 10),
    durationSeconds: whole('duration', values.duration, 20),
    warmupSeconds: whole('warmup', values.warmup, 5),
    persons: whole('persons (BENCH_PERSONS)', process.env.BENCH_PERSONS, 100_000),
    cpuProfDir,
    log: (line) => process.stderr.write(`bench: ${line}\n`),
  };

  // A freshly seeded database has no visibility map and statistics taken mid-load; settle it as
  // autovacuum eventually would, so that runs right after seeding and later runs plan alike.
  await settleDatabase(databaseUrl);
  ctx.log('database vacuumed and analysed');

  const resultsFile = path.join(repoRoot, 'bench', 'RESULTS.md');
  for (const b of chosen) {
    ctx.log(`${b.id}: starting`);
    const outcome = await b.run(ctx);
    const stamp = now.toISOString().replace(/[:.]/g, '-');
    const json = {
      ...outcome.json,
      command: ctx.command,
      startedAt: now.toISOString(),
      machine: ctx.machine,
      loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100),
    };
    const file = path.join(outDir, `${b.id}-${stamp}.json`);
    fs.writeFileSync(file, JSON.stringify(json, null, 2) + '\n');
    fs.writeFileSync(path.join(outDir, `${b.id}-latest.json`), JSON.stringify(json, null, 2) + '\n');
    ctx.log(`${b.id}: wrote ${path.relative(repoRoot, file)}`);
    if (!values['no-results']) {
      const doc = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8') : null;
      fs.writeFileSync(resultsFile, upsertSection(doc, b.id, b.title, outcome.markdown));
      ctx.log(`${b.id}: updated bench/RESULTS.md`);
    }
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
