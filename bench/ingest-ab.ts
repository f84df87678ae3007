import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { lastJson } from './compare';
import { machineCpu } from './lib/cpu';

/**
 * A/B of the ingest on a machine whose speed drifts (the same build's 1M-row run took 117 s and
 * 137 s an hour apart): runs the CSV part of two builds in turn (A, B, A, B, …), each run in its
 * own process with the worker's heap cap, and prints every run and each build's medians: wall
 * time, the process's CPU, and the whole machine's busy CPU during the run (the database and
 * Redis included) with its idle share. A root is a folder holding a build's `dist/` where
 * `node_modules` resolves (a `git worktree` of an earlier commit, built with
 * `npx tsc -p tsconfig.build.json`, with the checkout's node_modules linked in).
 *
 *   DATABASE_URL=…/postgres REDIS_URL=… node dist/bench/ingest-ab.js <rootA> <rootB> [rounds=3] [rows=200000]
 */

/** One run of one build. */
export interface AbRun {
  build: 'A' | 'B';
  seconds: number;
  nodeCpuSeconds: number;
  machineBusySeconds: number;
  idleShare: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Each build's medians, and B's over A's (below 1: B is faster or cheaper); and round by round B's
 * wall time over the A run before it, with how many rounds B won: on a machine whose runs of one
 * build spread by ±10 %, a change of a few percent shows as B winning most rounds before its
 * medians can be trusted, and one slow run shows as one odd ratio.
 */
export function summarise(runs: AbRun[]) {
  const of = (b: 'A' | 'B') => {
    const r = runs.filter((x) => x.build === b);
    if (r.length === 0) throw new Error(`no run of build ${b}`);
    return {
      runs: r.length,
      seconds: median(r.map((x) => x.seconds)),
      nodeCpuSeconds: median(r.map((x) => x.nodeCpuSeconds)),
      machineBusySeconds: median(r.map((x) => x.machineBusySeconds)),
      idleShare: median(r.map((x) => x.idleShare)),
    };
  };
  const A = of('A');
  const B = of('B');
  const ratio = (k: 'seconds' | 'nodeCpuSeconds' | 'machineBusySeconds') =>
    Math.round((1000 * B[k]) / A[k]) / 1000;
  const as = runs.filter((r) => r.build === 'A');
  const bs = runs.filter((r) => r.build === 'B');
  const perRound = bs
    .slice(0, as.length)
    .map((b, i) => Math.round((1000 * b.seconds) / as[i].seconds) / 1000);
  return {
    A,
    B,
    rounds: { secondsBOverA: perRound, bFaster: perRound.filter((x) => x < 1).length },
    bOverA: {
      seconds: ratio('seconds'),
      nodeCpuSeconds: ratio('nodeCpuSeconds'),
      machineBusySeconds: ratio('machineBusySeconds'),
    },
  };
}

async function runOnce(root: string, rows: number): Promise<Omit<AbRun, 'build'>> {
  const before = machineCpu();
  const child = spawn(
    process.execPath,
    ['--max-old-space-size=256', join(root, 'dist/bench/ingest.js'), '--rows', String(rows), '--only', 'csv'],
    { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const after = machineCpu();
  if (code !== 0) throw new Error(`${root}: the ingest bench exited with code ${code}`);
  const csv = lastJson(out).csv as { status: string; seconds: number; nodeCpuSeconds: number };
  if (csv.status !== 'SUCCEEDED') throw new Error(`${root}: the run ended ${csv.status}`);
  const busy = before && after ? after.busy - before.busy : NaN;
  const idle = before && after ? after.idle - before.idle : NaN;
  return {
    seconds: csv.seconds,
    nodeCpuSeconds: csv.nodeCpuSeconds,
    machineBusySeconds: Math.round(busy * 10) / 10,
    idleShare: Math.round((100 * idle) / (busy + idle)) / 100,
  };
}

async function main(argv: string[]) {
  const [rootA, rootB, rounds = '3', rows = '200000'] = argv;
  if (!rootA || !rootB)
    throw new Error('usage: node dist/bench/ingest-ab.js <rootA> <rootB> [rounds=3] [rows=200000]');
  if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL (the bench creates its own databases)');
  const runs: AbRun[] = [];
  for (let i = 0; i < Number(rounds); i++) {
    for (const [build, root] of [
      ['A', rootA],
      ['B', rootB],
    ] as const) {
      const run = { build, ...(await runOnce(root, Number(rows))) };
      process.stderr.write(`round ${i + 1} ${build}: ${JSON.stringify(run)}\n`);
      runs.push(run);
    }
  }
  process.stdout.write(JSON.stringify({ rows: Number(rows), runs, ...summarise(runs) }, null, 2) + '\n');
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`ingest-ab: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
