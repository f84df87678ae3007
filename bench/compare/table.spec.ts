import { comparisonTable, existingRows, PartRun, rowsOf } from './table';

const base = {
  command: 'npm run bench:compare',
  startedAt: '2026-11-24T10:30:00.000Z',
  load: [1.5, 2.25] as [number, number],
};

const read = (rps: { project: number; postgraphile: number; sql: number }): PartRun => ({
  ...base,
  part: 'read',
  childCommands: ['node dist/bench/compare/read.js --connections 10 --duration 20 --warmup 5'],
  figures: {
    persons: 100000,
    settings: { connections: 10, durationSeconds: 20 },
    contenders: (['postgraphile', 'project', 'sql'] as const).map((key, i) => ({
      key,
      load: { requestsPerSecond: rps[key], latencyMs: { p99: 70 + i } },
      statementsPerRequest: { mean: key === 'project' ? 4 : 1 },
      cpuMsPerRequest: { server: 2 + i, postgres: 10 },
    })),
    ratioProjectToPostgraphile: Math.round((rps.project / rps.postgraphile) * 100) / 100,
    ratioProjectToSql: Math.round((rps.project / rps.sql) * 100) / 100,
  },
});

const ingest: PartRun = {
  ...base,
  part: 'ingest',
  childCommands: [
    'node dist/bench/ingest.js --rows 200000 --only copy',
    'node dist/bench/ingest.js --rows 200000 --only csv',
  ],
  figures: {
    rows: 200000,
    copy: { rowsPerSecond: 70000, seconds: 2.86 },
    csv: { rowsPerSecond: 3500, seconds: 57.14 },
    ratioToCopy: 0.05,
  },
};

describe('the bench:compare table', () => {
  it('shows each side, the ratio, the command underneath, the date and the load', () => {
    const rows = rowsOf(read({ project: 500, postgraphile: 1000, sql: 2500 }));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual([
      'read: persons page, 100,000 persons, 10 conn × 20 s, vs PostGraphile v5',
      '500 req/s, p99 71 ms, 4 SQL/request, CPU/request 3 ms server + 10 ms PostgreSQL',
      '1,000 req/s, p99 70 ms, 1 SQL/request, CPU/request 2 ms server + 10 ms PostgreSQL',
      '0.5 (req/s)',
      'npm run bench:compare → node dist/bench/compare/read.js --connections 10 --duration 20 --warmup 5',
      '2026-11-24 10:30',
      '1.5 → 2.25',
    ]);
    expect(rows[1][0]).toMatch(/^read: .*hand-written SQL/);
    expect(rows[1].slice(2, 4)).toEqual([
      '2,500 req/s, p99 72 ms, 1 SQL/request, CPU/request 4 ms server + 10 ms PostgreSQL',
      '0.2 (req/s)',
    ]);
  });

  it('keeps the rows of parts not run this time and replaces those run again', () => {
    const first = comparisonTable([read({ project: 500, postgraphile: 1000, sql: 2500 }), ingest], null);
    expect(existingRows(first).get('read')).toHaveLength(2);
    expect(existingRows(first).get('ingest')).toHaveLength(1);
    const second = comparisonTable([read({ project: 900, postgraphile: 1000, sql: 2500 })], first);
    expect(second).toContain('| 900 req/s');
    expect(second).not.toContain('| 500 req/s');
    // ingest was not run again: its row stays as it was, in its place after read
    const ingestRow = existingRows(first).get('ingest')![0];
    expect(second.split('\n').at(-1)).toBe(ingestRow);
    expect(second.split('\n')[0]).toBe(
      '| part | this project | peer / baseline | ratio | command | date (UTC) | machine load |',
    );
  });
});
