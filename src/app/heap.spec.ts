import { spawnSync } from 'node:child_process';
import { tuneHeapForBatches } from './heap';

describe('the heap growing factor for batch work', () => {
  it('is fixed at 2 under a heap limit below 2 GB, and left to V8 above', () => {
    const set: string[] = [];
    expect(tuneHeapForBatches(256 * 1024 * 1024, (f) => set.push(f))).toBe(true);
    expect(set).toEqual(['--heap-growing-percent=100']);
    expect(tuneHeapForBatches(4096 * 1024 * 1024, (f) => set.push(f))).toBe(false);
    expect(set).toHaveLength(1);
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
