import { checkRedisAtStartup, DEFAULT_QUEUE_PREFIX, redisTargetOf } from '../config/redis';
import { withDefaults } from '../config/config';
import { Command } from 'commander';
import type { Services } from '../app/services';
import { startReportWorker } from './jobs/report.worker';

/** What the report command needs from its host: services to open, and where lines go. */
export interface ReportCommandHost {
  openServices(): Services;
  out(line: string): void;
  err(line: string): void;
}

/** The area a report covers when --area is not given: the one district the database holds. */
async function defaultArea(s: Services): Promise<string> {
  const districts = (await s.areas.list('DISTRICT')).filter((d) => d.districtCode);
  if (districts.length !== 1)
    throw new Error(`--area is required: the database holds ${districts.length} districts with data`);
  return districts[0].code;
}

/**
 * `yibiao report --list`, `yibiao report FORM --period 2026Q3 [--area CODE] --out FILE` and
 * `yibiao report --worker` (runs report jobs and installs the after-quarter schedule).
 */
export function registerReportCommand(program: Command, host: ReportCommandHost): void {
  program
    .command('report [form]')
    .description('statistical forms: --list them, generate one to an XLSX file, or run the report worker')
    .option('--list', 'print the forms, one per line, id first')
    .option('--period <period>', 'period: 2026Q3 (quarter), 2026-09 (month) or 2026 (year)')
    .option('--area <code>', 'area the report covers (default: the whole district)')
    .option('--out <file>', 'XLSX file to write')
    .option('--worker', 'run the report worker and schedule every form after each quarter end')
    .action(
      async (
        form: string | undefined,
        o: { list?: boolean; period?: string; area?: string; out?: string; worker?: boolean },
      ) => {
        const s = host.openServices();
        if (o.worker) {
          const c = s.config;
          await checkRedisAtStartup(withDefaults(c), host.err);
          const w = startReportWorker(s.reports, {
            redis: redisTargetOf(c),
            prefix: c.QUEUE_PREFIX ?? DEFAULT_QUEUE_PREFIX,
          });
          await s.reports.queue.scheduleQuarterReports();
          await s.reports.queue.scheduleCohortRefresh();
          host.out(
            'report worker running; quarterly forms are requested for every community after each quarter end, cohorts refreshed daily',
          );
          const stop = async () => {
            await w.close();
            await s.close();
            process.exit(0);
          };
          process.once('SIGINT', () => void stop());
          process.once('SIGTERM', () => void stop());
          return;
        }
        try {
          if (o.list) {
            for (const f of s.reports.forms()) host.out(`${f.id}\t${f.periodType}\t${f.title}`);
            return;
          }
          if (!form || !o.period || !o.out)
            throw new Error('usage: yibiao report FORM --period 2026Q3 [--area CODE] --out FILE (or --list)');
          const area = o.area ?? (await defaultArea(s));
          const fig = await s.reports.generateToFile(form, o.period, area, o.out);
          const total = fig.rows.at(-1)!;
          host.out(
            `wrote ${o.out}: ${fig.title}, ${fig.periodLabel}, ${fig.areaName}, ${fig.rows.filter((r) => r.kind === 'AREA').length} rows; 合计 ${fig.columns
              .filter((c) => total.values[c.key] !== null)
              .map((c) => `${c.header.join('')}=${total.values[c.key]}`)
              .join(' ')}`,
          );
        } finally {
          await s.close();
        }
      },
    );
}
