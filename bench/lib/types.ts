import type { MachineFacts } from './machine';

/** What every benchmark gets from the runner. */
export interface BenchContext {
  /** The benchmark database (yibiao_bench unless BENCH_DATABASE_URL says otherwise). */
  databaseUrl: string;
  redisUrl: string;
  machine: MachineFacts;
  /** The command line as typed, for RESULTS.md. */
  command: string;
  /** Run date, YYYY-MM-DD (UTC). */
  date: string;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Persons the fixture should hold. */
  persons: number;
  /** Where a --cpu-prof profile of the server goes, when profiling was asked for. */
  cpuProfDir: string | null;
  log: (line: string) => void;
}

/** A benchmark's output: raw figures for bench/out/<id>.json and its RESULTS.md section body. */
export interface BenchOutcome {
  json: Record<string, unknown>;
  markdown: string;
}

/** One benchmark the runner can run by name. */
export interface Benchmark {
  id: string;
  /** The `##` heading of its RESULTS.md section. */
  title: string;
  run(ctx: BenchContext): Promise<BenchOutcome>;
}
