/**
 * `npm run bench:compare` (issue #8, side by side on one machine, one run): runs each part as its
 * own process, reads the JSON it prints, and rewrites the comparison table in bench/RESULTS.md
 * between `<!-- bench:compare -->` markers. bench/compare.sh provisions the services and the
 * 100k-person bench database first.
 *
 *   npm run bench:compare [-- --only read,ingest] [--full] [--connections 10 --duration 20 --warmup 5] [--no-results]
 *
 * Parts and sizes (default / --full):
 *   read           persons page: PostGraphile v5, this project, one hand-written SQL statement (the fixture's persons)
 *   ingest         roster CSV end to end vs raw COPY: 200,000 / 1,000,000 rows
 *   subscriptions  graphql-ws delivery vs raw Redis + ws: 200 subscribers, 20/s × 10 s / 2,000, 50/s × 60 s
 *   reports        all forms for 2026Q3 vs hand-written SQL: the bench database / 1,000,000 persons
 *   routing        CaseService.route vs raw PostGIS: 1,000 grids, 2,000 points / 5,000 grids, 3,000 points
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { machineFacts, machineLabel } from './lib/machine';
import { upsertSection } from './lib/results-md';
import { repoRoot } from './lib/server';
import { comparisonTable, Part, PartRun, PARTS, sectionBody } from './compare/table';

const USAGE = `usage: npm run bench:compare -- [--only ${PARTS.join(',')}] [--full] [--connections N] [--duration S] [--warmup S] [--no-results]`;

/** A child command: node with a script under dist/ and its arguments, plus extra environment. */
interface Step {
  args: string[];
  env?: Record<string, string>;
}

/** The commands each part runs, at the default or the full size. */
export function partSteps(
  part: Part,
  o: { full: boolean; connections: number; duration: number; warmup: number; databaseUrl: string },
): Step[] {
  const adminUrl = (() => {
    const u = new URL(o.databaseUrl);
    u.pathname = '/postgres';
    return u.toString();
  })();
  switch (part) {
    case 'read':
      return [
        {
          args: [
            'dist/bench/compare/read.js',
            '--connections',
            String(o.connections),
            '--duration',
            String(o.duration),
            '--warmup',
            String(o.warmup),
          ],
        },
      ];
    case 'ingest': {
      // one process per side, so that each side's memory is its own (see bench/ingest.ts)
      const rows = String(o.full ? 1_000_000 : 200_000);
      return ['copy', 'csv'].map((only) => ({
        args: ['dist/bench/ingest.js', '--rows', rows, '--only', only],
        env: { DATABASE_URL: adminUrl },
      }));
    }
    case 'subscriptions':
      return [
        {
          args: [
            'dist/bench/cases-subscriptions.js',
            ...(o.full ? ['2000', '50', '60', '10'] : ['200', '20', '10', '3']),
          ],
          env: { DATABASE_URL: adminUrl },
        },
      ];
    case 'reports': {
      // the default reads the bench database as it is; --full loads 1M persons into a database of its own
      const u = new URL(o.databaseUrl);
      if (o.full) u.pathname = '/yibiao_bench_reports';
      return [
        {
          args: ['dist/bench/reports.js', o.full ? '1000000' : '0', '2026Q3'],
          env: { BENCH_DATABASE_URL: u.toString() },
        },
      ];
    }
    case 'routing':
      return [
        {
          args: ['dist/bench/cases-routing.js', ...(o.full ? ['3000', '50'] : ['2000', '10'])],
          env: { DATABASE_URL: adminUrl },
        },
      ];
  }
}

/** The last line of a part's standard output that is a JSON object. */
export function lastJson(stdout: string): Record<string, any> {
  const lines = stdout.trim().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i].trim();
    if (line.startsWith('{') && line.endsWith('}')) return JSON.parse(line) as Record<string, any>;
  }
  // a JSON object printed over several lines (read.js, ingest.js)
  const start = stdout.lastIndexOf('\n{');
  const text = start >= 0 ? stdout.slice(start + 1) : stdout.trimStart().startsWith('{') ? stdout : '';
  if (!text) throw new Error('the part printed no JSON');
  return JSON.parse(text) as Record<string, any>;
}

async function runStep(step: Step, log: (s: string) => void): Promise<Record<string, any>> {
  log(
    `$ ${Object.entries(step.env ?? {})
      .map(([k, v]) => `${k}=${v} `)
      .join('')}node ${step.args.join(' ')}`,
  );
  const child = spawn(process.execPath, step.args, {
    cwd: repoRoot,
    env: { ...process.env, ...step.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    process.stderr.write(b);
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`node ${step.args.join(' ')} exited with code ${code}`);
  return lastJson(out);
}

/** Combines the JSON of a part's steps into the part's figures. */
function combine(part: Part, outputs: Record<string, any>[]): Record<string, any> {
  if (part !== 'ingest') return outputs[0];
  const [copy, csv] = outputs;
  // a failed run would make a meaningless rate
  if (csv.csv.status !== 'SUCCEEDED') throw new Error(`the ingest run ended ${csv.csv.status}`);
  return {
    part: 'ingest',
    rows: csv.rows,
    batchSize: csv.batchSize,
    copy: copy.copy,
    csv: csv.csv,
    ratioToCopy: Math.round((100 * csv.csv.rowsPerSecond) / copy.copy.rowsPerSecond) / 100,
  };
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      full: { type: 'boolean', default: false },
      connections: { type: 'string', default: '10' },
      duration: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '5' },
      'no-results': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const only = values.only?.split(',').map((s) => s.trim());
  const unknown = (only ?? []).filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length) throw new Error(`--only: unknown part ${unknown.join(', ')}\n${USAGE}`);
  const chosen = only ? PARTS.filter((p) => only.includes(p)) : [...PARTS];
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl || !process.env.REDIS_URL)
    throw new Error(
      'DATABASE_URL and REDIS_URL must be set: run `npm run bench:compare`, which provisions them',
    );
  const opts = {
    full: values.full,
    connections: Number(values.connections),
    duration: Number(values.duration),
    warmup: Number(values.warmup),
    databaseUrl,
  };
  const command = ['npm run bench:compare', ...(argv.length ? ['--', ...argv] : [])].join(' ');
  const log = (s: string) => process.stderr.write(`compare: ${s}\n`);
  const machine = machineFacts();
  const outDir = path.join(repoRoot, 'bench', 'out');
  fs.mkdirSync(outDir, { recursive: true });

  const runs: PartRun[] = [];
  const failed: string[] = [];
  for (const part of chosen) {
    const steps = partSteps(part, opts);
    const startedAt = new Date().toISOString();
    const load0 = os.loadavg()[0];
    log(
      `${part}: starting (load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')})`,
    );
    try {
      const outputs: Record<string, any>[] = [];
      for (const step of steps) outputs.push(await runStep(step, log));
      const run: PartRun = {
        part,
        figures: combine(part, outputs),
        command,
        childCommands: steps.map(
          (s) =>
            `${Object.entries(s.env ?? {})
              .map(([k, v]) => `${k}=${v.replace(/:\/\/[^@/]*@/, '://…@')} `)
              .join('')}node ${s.args.join(' ')}`,
        ),
        startedAt,
        load: [load0, os.loadavg()[0]],
      };
      runs.push(run);
      fs.writeFileSync(path.join(outDir, `compare-${part}-latest.json`), JSON.stringify(run, null, 2) + '\n');
      log(`${part}: done`);
    } catch (e) {
      // one part failing (a busy machine, a timeout) must not lose the figures of the others
      failed.push(`${part}: ${e instanceof Error ? e.message : String(e)}`);
      log(`${part}: FAILED: ${failed[failed.length - 1]}`);
    }
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  fs.writeFileSync(
    path.join(outDir, `compare-${stamp}.json`),
    JSON.stringify({ command, machine, runs, failed }, null, 2) + '\n',
  );

  if (!values['no-results'] && runs.length) {
    const file = path.join(repoRoot, 'bench', 'RESULTS.md');
    const doc = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
    const body = [
      `Machine: ${machineLabel(machine)}, ${machine.os}; shared with other work (see "machine load": the 1-minute load average at the start → end of each part, on ${machine.nproc} cores).`,
      `Each part runs as its own process (the command column names the process after the arrow); raw figures in \`bench/out/compare-*.json\`.`,
      '',
      comparisonTable(runs, sectionBody(doc, 'compare')),
    ].join('\n');
    fs.writeFileSync(
      file,
      upsertSection(doc, 'compare', 'Side by side, one machine, one run (issue #8)', body),
    );
    log('updated bench/RESULTS.md');
  }
  if (failed.length) throw new Error(`parts failed:\n${failed.join('\n')}`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`compare: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
