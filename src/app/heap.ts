import v8 from 'node:v8';

/** Below this heap limit V8 grows the old generation cautiously (V8's `MaxGrowingFactor`). */
const CAUTIOUS_BELOW = 2048 * 1024 * 1024;

/**
 * For a process that works through batches (the ingest worker and command), on a machine whose
 * cores the database is busy on as well:
 * - young collections run on the main thread alone (`--no-parallel-scavenge`). A batch's rows
 *   outlive several young collections, and V8 copied them with helper threads that took cores
 *   from PostgreSQL, the other half of the same ingest: 5.3 s of helper-thread CPU per 200,000
 *   rows, 3.7 s without parallel scavenges, and a 1M-row run 1.5 % faster (bench/RESULTS.md,
 *   "Young collections on the main thread"). The other parts of `--single-threaded-gc` cannot
 *   be switched in a running process (V8 aborts), and as a start-up flag it was no faster.
 * - under a heap cap well below 2 GB (`--max-old-space-size=256`, to keep a worker within
 *   512 MB), the old generation grows by a fixed factor of 2: V8 scales its factor (1.1 to 4)
 *   with the heap limit, and with about 85 MB live it collected every few hundred milliseconds:
 *   Node spent 45 % more CPU on a 1M-row ingest than uncapped (bench/RESULTS.md, "Checking
 *   foreign keys per batch"). Without a cap (or a large one) V8's own factor is left alone.
 * Returns whether it changed the growing factor; `limit` and `setFlags` are this process's unless
 * a test passes its own.
 */
export function tuneHeapForBatches(
  limit = v8.getHeapStatistics().heap_size_limit,
  setFlags: (flags: string) => void = (f) => v8.setFlagsFromString(f),
): boolean {
  setFlags('--no-parallel-scavenge');
  if (limit >= CAUTIOUS_BELOW) return false;
  setFlags('--heap-growing-percent=100');
  return true;
}
