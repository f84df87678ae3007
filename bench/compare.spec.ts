import { lastJson, partSteps } from './compare';

const base = {
  connections: 10,
  duration: 20,
  warmup: 5,
  databaseUrl: 'postgresql://postgres@127.0.0.1:5432/yibiao_bench',
};

describe('bench:compare', () => {
  it('reads the JSON a part prints after its text, on one line or pretty-printed', () => {
    expect(lastJson('route p50 1 ms\n{"part":"routing","ratioP50":2}\n')).toEqual({
      part: 'routing',
      ratioP50: 2,
    });
    const pretty = JSON.stringify({ rows: 5, copy: { seconds: 1 } }, null, 2);
    expect(lastJson(`csv 5/5\n${pretty}\n`)).toEqual({ rows: 5, copy: { seconds: 1 } });
    expect(lastJson(pretty)).toEqual({ rows: 5, copy: { seconds: 1 } });
    expect(() => lastJson('no figures\n')).toThrow(/printed no JSON/);
  });

  it('runs the default sizes, and the sizes of issue #8 with --full', () => {
    const args = (part: Parameters<typeof partSteps>[0], full: boolean) =>
      partSteps(part, { ...base, full }).map((s) => s.args.slice(1).join(' '));
    expect(args('ingest', false)).toEqual(['--rows 200000 --only copy', '--rows 200000 --only csv']);
    expect(args('ingest', true)).toEqual(['--rows 1000000 --only copy', '--rows 1000000 --only csv']);
    expect(args('subscriptions', true)).toEqual(['2000 50 60 10']);
    expect(args('routing', true)).toEqual(['3000 50']);
    expect(args('reports', true)).toEqual(['1000000 2026Q3']);
    // --full reports load 1M persons into a database of their own, never into the read benchmark's
    expect(partSteps('reports', { ...base, full: true })[0].env?.BENCH_DATABASE_URL).toMatch(
      /\/yibiao_bench_reports$/,
    );
    expect(partSteps('reports', { ...base, full: false })[0].env?.BENCH_DATABASE_URL).toMatch(
      /\/yibiao_bench$/,
    );
    expect(args('read', true)).toEqual(['--connections 10 --duration 20 --warmup 5']);
  });
});
