import v8 from 'node:v8';

/** Below this heap limit V8 grows the old generation cautiously (V8's `MaxGrowingFactor`). */
const CAUTIOUS_BELOW = 2048 * 1024 * 1024;

/**
 * For a process that works through batches (the ingest worker and command) under a heap cap:
 * after each full collection V8 lets the old generation grow by a factor between 1.1 and 4 that
 * it scales with the heap limit, so under a cap well below 2 GB (`--max-old-space-size=256`,
 * to keep a worker within 512 MB) and about 85 MB live it collected every few hundred
 * milliseconds: Node spent 45 % more CPU on a 1M-row ingest than uncapped (bench/RESULTS.md,
 * "Checking foreign keys per batch"). A fixed factor of 2 keeps the cap and most of the speed.
 * Without a cap (or a large one) V8's own factor is left alone. Returns whether it changed it;
 * `limit` and `setFlags` are this process's unless a test passes its own.
 */
export function tuneHeapForBatches(
  limit = v8.getHeapStatistics().heap_size_limit,
  setFlags: (flags: string) => void = (f) => v8.setFlagsFromString(f),
): boolean {
  if (limit >= CAUTIOUS_BELOW) return false;
  setFlags('--heap-growing-percent=100');
  return true;
}
