import { spawnSync } from 'node:child_process';
import { tuneHeapForBatches } from './heap';

describe('the heap of batch work', () => {
  it('scavenges on the main thread, and fixes the growing factor at 2 under a limit below 2 GB only', () => {
    const set: string[] = [];
    expect(tuneHeapForBatches(256 * 1024 * 1024, (f) => set.push(f))).toBe(true);
    expect(set).toEqual(['--no-parallel-scavenge', '--heap-growing-percent=100']);
    const above: string[] = [];
    expect(tuneHeapForBatches(4096 * 1024 * 1024, (f) => above.push(f))).toBe(false);
    expect(above).toEqual(['--no-parallel-scavenge']);
  });

  it('sees the limit --max-old-space-size gives a process', () => {
    // the default argument reads V8's own limit: below 2 GB with a 256 MB cap, above without one
    const limitOf = (args: string[]) =>
      Number(
        spawnSync(
          process.execPath,
          [...args, '-p', 'require("node:v8").getHeapStatistics().heap_size_limit'],
          {
            encoding: 'utf8',
          },
        ).stdout,
      );
    expect(limitOf(['--max-old-space-size=256'])).toBeLessThan(2048 * 1024 * 1024);
    expect(limitOf(['--max-old-space-size=4096'])).toBeGreaterThanOrEqual(2048 * 1024 * 1024);
  });
});
