import { markdownTable } from '../lib/results-md';

/** The parts of `npm run bench:compare`, in the order they run and appear in the table. */
export const PARTS = ['read', 'ingest', 'subscriptions', 'reports', 'routing'] as const;
export type Part = (typeof PARTS)[number];

/** What one part printed (its JSON) and how it was run. */
export interface PartRun {
  part: Part;
  /** The part's own JSON output. */
  figures: Record<string, any>;
  /** The command line that reproduces the whole comparison run (`npm run bench:compare -- …`). */
  command: string;
  /** The commands the part ran underneath, for RESULTS.md's notes. */
  childCommands: string[];
  /** Start time, ISO. */
  startedAt: string;
  /** 1-minute load average at the start and at the end of the part. */
  load: [number, number];
}

export const TABLE_HEADERS = [
  'part',
  'this project',
  'peer / baseline',
  'ratio',
  'command',
  'date (UTC)',
  'machine load',
];

const n0 = (n: number) => Math.round(n).toLocaleString('en-US');
const n2 = (n: number) => (Math.round(n * 100) / 100).toString();
const ms = (n: number) => (n >= 1000 ? `${n2(n / 1000)} s` : `${n2(n)} ms`);

/** The table rows of one part's run: part name first, so a later run of other parts keeps them. */
export function rowsOf(run: PartRun): string[][] {
  const f = run.figures;
  const tail = [
    `${run.command} → ${run.childCommands.join('; ')}`,
    run.startedAt.slice(0, 16).replace('T', ' '),
    `${n2(run.load[0])} → ${n2(run.load[1])}`,
  ];
  const row = (what: string, project: string, peer: string, ratio: string) => [
    `${run.part}: ${what}`,
    project,
    peer,
    ratio,
    ...tail,
  ];
  switch (run.part) {
    case 'read': {
      const by = (k: string) => (f.contenders as any[]).find((c) => c.key === k);
      const show = (c: any) =>
        c
          ? `${n0(c.load.requestsPerSecond)} req/s, p99 ${c.load.latencyMs.p99} ms, ${c.statementsPerRequest.mean} SQL/request, CPU/request ${c.cpuMsPerRequest?.server ?? '?'} ms server + ${c.cpuMsPerRequest?.postgres ?? '?'} ms PostgreSQL`
          : 'not run';
      const what = `persons page, ${n0(f.persons)} persons, ${f.settings.connections} conn × ${f.settings.durationSeconds} s`;
      const project = by('project');
      const rows: string[][] = [];
      if (by('postgraphile'))
        rows.push(
          row(
            `${what}, vs PostGraphile v5`,
            show(project),
            show(by('postgraphile')),
            f.ratioProjectToPostgraphile === null ? 'n/a' : `${n2(f.ratioProjectToPostgraphile)} (req/s)`,
          ),
        );
      if (by('sql'))
        rows.push(
          row(
            `${what}, vs one hand-written SQL statement (pg + node:http, the ceiling)`,
            show(project),
            show(by('sql')),
            f.ratioProjectToSql === null ? 'n/a' : `${n2(f.ratioProjectToSql)} (req/s)`,
          ),
        );
      return rows;
    }
    case 'ingest':
      return [
        row(
          `${n0(f.rows)}-row roster CSV end to end vs raw COPY of the same rows`,
          `${n0(f.csv.rowsPerSecond)} rows/s (${n2(f.csv.seconds)} s)`,
          `${n0(f.copy.rowsPerSecond)} rows/s (${n2(f.copy.seconds)} s)`,
          `${n2(f.ratioToCopy)} (rows/s)`,
        ),
      ];
    case 'subscriptions':
      return [
        row(
          `delivery, ${n0(f.clients)} subscribers on 2 processes, ${f.rate} events/s × ${f.seconds} s, vs raw Redis pub/sub + ws`,
          `p50 ${ms(f.project.p50Ms)}, p99 ${ms(f.project.p99Ms)}; ${n0(f.project.delivered)} of ${n0(f.project.expected)} delivered, ${f.project.duplicates} duplicates`,
          `p50 ${ms(f.baseline.p50Ms)}, p99 ${ms(f.baseline.p99Ms)}; ${n0(f.baseline.delivered)} of ${n0(f.baseline.expected)} delivered`,
          f.ratioP99 === null ? 'n/a' : `${n2(f.ratioP99)} (p99; +${ms(f.p99DifferenceMs)})`,
        ),
        row(
          `saturation, events as fast as possible for ${f.saturationSeconds} s`,
          `${n0(f.project.saturationPerSecond)} deliveries/s`,
          `${n0(f.baseline.saturationPerSecond)} deliveries/s`,
          `${n2(f.project.saturationPerSecond / f.baseline.saturationPerSecond)} (deliveries/s)`,
        ),
      ];
    case 'reports':
      return [
        row(
          `all ${(f.forms as unknown[]).length} forms for ${f.period}, ${n0(f.persons)} persons, vs hand-written SQL (best of 3)`,
          ms(f.engineMs),
          ms(f.handWrittenMs),
          `${n2(f.ratio)} (time)`,
        ),
      ];
    case 'routing':
      return [
        row(
          `per-case routing, ${n0(f.grids)} grids (${n0(f.cells)} cells), ${n0(f.points)} points, vs raw PostGIS ST_Intersects`,
          `p50 ${ms(f.routeMs.p50)}, p99 ${ms(f.routeMs.p99)}` +
            (f.routeStatementMs ? ` (its statement alone: p50 ${ms(f.routeStatementMs.p50)})` : ''),
          `p50 ${ms(f.rawPostgisMs.p50)}, p99 ${ms(f.rawPostgisMs.p99)}`,
          `${n2(f.ratioP50)} (p50 time)`,
        ),
      ];
  }
}

/** The rows of a table in a RESULTS.md section body, by their part (the first cell's first word). */
export function existingRows(body: string | null): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  if (!body) return rows;
  for (const line of body.split('\n')) {
    const m = /^\| ([a-z]+): /.exec(line);
    if (!m || !(PARTS as readonly string[]).includes(m[1])) continue;
    rows.set(m[1], [...(rows.get(m[1]) ?? []), line]);
  }
  return rows;
}

/**
 * The table for RESULTS.md: the parts run now, and, for parts not run this time, the rows the
 * section held before (so `--only read` leaves the ingest figures of an earlier run in place).
 */
export function comparisonTable(runs: PartRun[], previousBody: string | null): string {
  const before = existingRows(previousBody);
  const lines = markdownTable(TABLE_HEADERS, []).split('\n');
  for (const part of PARTS) {
    const run = runs.find((r) => r.part === part);
    if (run) lines.push(...markdownTable(TABLE_HEADERS, rowsOf(run)).split('\n').slice(2));
    else lines.push(...(before.get(part) ?? []));
  }
  return lines.join('\n');
}

/** The body of another `<!-- bench:id -->` section in a RESULTS.md text, or null. */
export function sectionBody(doc: string | null, id: string): string | null {
  if (!doc) return null;
  const from = doc.indexOf(`<!-- bench:${id} -->`);
  const to = doc.indexOf(`<!-- /bench:${id} -->`);
  return from >= 0 && to > from ? doc.slice(from, to) : null;
}
