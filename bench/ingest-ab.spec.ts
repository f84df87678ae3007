import { summarise, type AbRun } from './ingest-ab';
import { machineCpu } from './lib/cpu';

describe('ingest A/B', () => {
  const run = (build: 'A' | 'B', seconds: number, cpu: number): AbRun => ({
    build,
    seconds,
    nodeCpuSeconds: cpu,
    machineBusySeconds: seconds * 1.6,
    idleShare: 0.2,
  });

  it("takes each build's median, so one slow round does not decide", () => {
    const s = summarise([
      run('A', 20, 18),
      run('B', 30, 16),
      run('A', 40, 19),
      run('B', 18, 15),
      run('A', 21, 20),
      run('B', 19, 17),
    ]);
    expect(s.A).toMatchObject({ runs: 3, seconds: 21, nodeCpuSeconds: 19 });
    expect(s.B).toMatchObject({ runs: 3, seconds: 19, nodeCpuSeconds: 16 });
    expect(s.bOverA.seconds).toBe(0.905);
    expect(s.bOverA.nodeCpuSeconds).toBe(0.842);
    // round by round: the slow A round shows as one odd ratio
    expect(s.rounds).toEqual({ secondsBOverA: [1.5, 0.45, 0.905], bFaster: 2 });
  });

  it('refuses a comparison with no run of a build', () => {
    expect(() => summarise([run('A', 20, 18)])).toThrow(/no run of build B/);
  });

  it("reads the machine's busy and idle seconds from /proc/stat", () => {
    const stat = 'cpu  1000 50 250 4000 100 10 40 0 0 0\ncpu0 500 25 125 2000 50 5 20 0 0 0\nintr 1\n';
    const perTick = machineCpu('cpu  1 0 0 0 0 0 0 0 0 0\n')!.busy; // 1 / CLK_TCK
    const m = machineCpu(stat)!;
    expect(m.busy).toBeCloseTo((1000 + 50 + 250 + 10 + 40) * perTick);
    expect(m.idle).toBeCloseTo((4000 + 100) * perTick);
    expect(machineCpu('intr 1\n')).toBeNull();
  });
});
