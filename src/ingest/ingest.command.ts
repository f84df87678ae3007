import { tuneHeapForBatches } from '../app/heap';
import { checkRedisAtStartup, DEFAULT_QUEUE_PREFIX, redisTargetOf } from '../config/redis';
import { withDefaults } from '../config/config';
import { UNRESTRICTED } from '../auth/scope';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { Services } from '../app/services';
import { AppError } from '../errors/app-error';
import { dryRun, type DryRunReport } from './dry-run';
import { IngestQueue } from './ingest-run.job';
import type { IngestProgress, IngestRunRow } from './run/ingest.service';

/** Options of `yibiao ingest`. */
export interface IngestCommandOptions {
  profile?: string;
  area?: string;
  dryRun?: boolean;
  json?: boolean;
  resume?: number;
}

/** Where the command writes: the summary (stdout) and progress (stderr). */
export interface CommandIo {
  out: (line: string) => void;
  progress: (line: string) => void;
}

/** The final summary, the same in words and in --json. */
export interface IngestSummary {
  runId: number;
  file: string;
  profile: string;
  status: string;
  rows: number;
  landed: number;
  unchanged: number;
  mergedIntoExisting: number;
  newPersons: number;
  skipped: number;
  rejected: number;
  conflicts: number;
  reviewItems: number;
  error: { reason: string; message: string } | null;
}

function summaryOf(run: IngestRunRow): IngestSummary {
  return {
    runId: run.id,
    file: run.file_name,
    profile: run.profile,
    status: run.status,
    rows: run.rows_total,
    landed: run.landed,
    unchanged: run.unchanged,
    mergedIntoExisting: run.persons_matched,
    newPersons: run.persons_created,
    skipped: run.skipped,
    rejected: run.rejected,
    conflicts: run.conflicts,
    reviewItems: run.review_items,
    error: run.error_reason ? { reason: run.error_reason, message: run.error_message ?? '' } : null,
  };
}

/**
 * The progress line: a bar, the counts, and while the run goes on the time left at the rate so
 * far (`elapsedMs` since this process took the run up at row `from`, a resumed run's checkpoint).
 */
export function bar(p: IngestProgress, elapsedMs = 0, from = 0): string {
  const width = 30;
  const done = p.total > 0 ? Math.min(1, p.processed / p.total) : 0;
  const filled = Math.round(done * width);
  const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.processed}/${p.total} 行  入库 ${p.landed}  跳过 ${p.skipped}  拒收 ${p.rejected}`;
  const moved = p.processed - from;
  if (p.status !== 'RUNNING' || moved <= 0 || elapsedMs <= 0 || p.processed >= p.total) return line;
  const left = Math.ceil(((p.total - p.processed) * elapsedMs) / moved / 1000);
  return `${line}  约剩 ${left >= 60 ? `${Math.floor(left / 60)} 分 ${left % 60} 秒` : `${left} 秒`}`;
}

/** Where progress goes: a terminal, a log file, a pipe (stderr or a stand-in for it). */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * Progress on a stream. On a terminal one line is redrawn in place. Anywhere else (a log file, a CI
 * job, a pipe) redrawing means a carriage return per batch, hundreds of them on one line of the log
 * for a large roster; there each update is a line of its own, at most one per `everyMs`, and
 * `end()` writes the last state if it was held back (and differs from the line shown), so the log
 * ends with the final counts.
 */
export function progressLines(stream: ProgressStream, everyMs = 10_000, now: () => number = Date.now) {
  let shownAt = -Infinity;
  let shown: string | null = null;
  let held: string | null = null;
  return {
    progress(line: string): void {
      if (stream.isTTY) {
        stream.write(`\r${line}\x1b[K`);
        return;
      }
      const t = now();
      if (t - shownAt < everyMs) {
        held = line === shown ? null : line;
        return;
      }
      stream.write(`${line}\n`);
      shownAt = t;
      shown = line;
      held = null;
    },
    end(): void {
      if (stream.isTTY) stream.write('\n');
      else if (held !== null) stream.write(`${held}\n`);
      held = null;
    },
  };
}

function printDryRun(r: DryRunReport, io: CommandIo): void {
  io.out(
    `文件 ${r.fileName}：${r.format}${r.encoding ? `，编码 ${r.encoding}` : ''}${r.delimiter ? `，分隔符 ${JSON.stringify(r.delimiter)}` : ''}，方案 ${r.profile}`,
  );
  if (r.ignoredSheets.length > 0) io.out(`未读取的工作表（隐藏或空白）：${r.ignoredSheets.join('、')}`);
  for (const s of r.sheets) {
    io.out(
      `\n工作表 ${s.layout.sheet}：标题行 ${s.layout.titleRows.join(',') || '无'}，表头行 ${s.layout.headerRows.join(',')}`,
    );
    for (const m of s.mapping)
      io.out(`  ${m.letter.padEnd(3)} ${m.header} → ${m.target ?? '（仅保留原值）'}  [${m.via}]`);
    io.out(
      `  共 ${s.counts.rows} 行：可入库 ${s.counts.wouldLand}，跳过 ${s.counts.skipped}，拒收 ${s.counts.rejected}`,
    );
    for (const x of s.sample) {
      const what = x.skip
        ? `跳过 ${x.skip}`
        : x.outcome?.ok
          ? JSON.stringify(x.outcome.record)
          : `拒收 ${x.outcome?.reason}：${x.outcome?.message}`;
      io.out(`  第 ${x.rowNumber} 行 ${what}`);
    }
  }
}

/**
 * `yibiao ingest FILE`: a dry run prints the layout, mapping and first rows and writes nothing;
 * otherwise the file is ingested in this process with a progress bar on stderr and a summary
 * (or one JSON object with --json) on stdout. A failed run exits non-zero.
 */
export async function runIngestCommand(
  services: Services,
  file: string,
  o: IngestCommandOptions,
  io: CommandIo,
): Promise<number> {
  if (o.dryRun) {
    const report = await dryRun(file, await services.ingest.profile(o.profile ?? null), {
      fileName: basename(file),
    });
    if (o.json) io.out(JSON.stringify(report));
    else printDryRun(report, io);
    return 0;
  }
  let areaCode = o.area;
  if (!areaCode) {
    const districts = await services.areas.list('DISTRICT');
    if (districts.length !== 1)
      throw new AppError('AREA_UNKNOWN', 'Name the area the rows belong to with --area CODE', 'area');
    areaCode = districts[0].code;
  }
  const began = Date.now();
  const from = o.resume ? ((await services.ingest.get(o.resume))?.checkpoint ?? 0) : 0;
  const hooks = { onProgress: (p: IngestProgress) => io.progress(bar(p, Date.now() - began, from)) };
  const run = o.resume
    ? await services.ingest.execute(o.resume, hooks)
    : await services.ingest.ingestFile(
        file,
        { fileName: basename(file), profile: o.profile ?? null, areaCode, actor: 'cli', scope: UNRESTRICTED },
        hooks,
      );
  const s = summaryOf(run);
  if (o.json) io.out(JSON.stringify(s));
  else if (s.error) io.out(`导入失败（批次 ${s.runId}）：${s.error.reason} ${s.error.message}`);
  else {
    io.out(
      `批次 ${s.runId} 完成：共 ${s.rows} 行，入库 ${s.landed}（其中未变化 ${s.unchanged}），并入已有人员 ${s.mergedIntoExisting}，` +
        `新建人员 ${s.newPersons}，跳过 ${s.skipped}，拒收 ${s.rejected}，冲突 ${s.conflicts}，待核实 ${s.reviewItems}`,
    );
  }
  return s.status === 'SUCCEEDED' ? 0 : 1;
}

/** Registers `yibiao ingest` and `yibiao ingest-worker` on the CLI. */
export function registerIngestCommand(program: Command, makeServices: () => Services): void {
  program
    .command('ingest')
    .description('ingest a department roster (CSV or XLSX) into the ledger, or --dry-run to preview it')
    .argument('<file>', 'the roster file')
    .option('--profile <name>', 'department profile in fixtures/profiles (default: synonyms only)')
    .option(
      '--area <code>',
      'area the rows belong to when they do not name their community (default: the only district)',
    )
    .option('--dry-run', 'show the layout, mapping and first rows; write nothing')
    .option('--json', 'print the summary as one JSON object')
    .option('--resume <run>', 'resume a run that was interrupted', (v) => Number(v))
    .action(async (file: string, o: IngestCommandOptions) => {
      tuneHeapForBatches();
      const s = makeServices();
      const shown = progressLines(process.stderr);
      try {
        const code = await runIngestCommand(s, file, o, {
          out: (l) => process.stdout.write(l + '\n'),
          progress: (l) => shown.progress(l),
        });
        shown.end();
        process.exitCode = code;
      } catch (e) {
        shown.end();
        if (!(e instanceof AppError)) throw e;
        process.stderr.write(
          `${o.json ? JSON.stringify({ error: { reason: e.reason, message: e.message } }) : `错误：${e.message}`}\n`,
        );
        process.exitCode = 1;
      } finally {
        await s.close();
      }
    });

  program
    .command('ingest-worker')
    .description('execute queued ingest runs (BullMQ) until stopped')
    .option('--concurrency <n>', 'runs at a time', (v) => Number(v), 1)
    .action(async (o: { concurrency: number }) => {
      tuneHeapForBatches();
      const s = makeServices();
      await checkRedisAtStartup(withDefaults(s.config), (l) => process.stderr.write(l + '\n'));
      const queue = new IngestQueue(redisTargetOf(s.config), s.config.QUEUE_PREFIX ?? DEFAULT_QUEUE_PREFIX);
      queue.startWorker(s, o.concurrency);
      process.stdout.write('ingest worker started\n');
      const stop = async () => {
        await queue.close();
        await s.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
