import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { createServices } from '../app/services';
import { config, ConfigError, sqlCountHeader } from '../config/config';
import { repoRoot } from '../config/paths';
import { checkRedisAtStartup } from '../config/redis';
import { ensureDatabase, migrate } from '../db/migrate';
import { printSortedSchema } from '../graphql/schema';
import { registerReportCommand } from '../reports/report.command';
import { seedDistrict } from '../seed/seed.service';
import { registerAuthCommands } from '../auth/auth.command';
import { startServer } from '../server';
import { registerWorkerCommand } from '../jobs/worker.command';
import { registerIngestCommand } from '../ingest/ingest.command';
import { registerDepartmentCommand } from '../registry/department.command';

const out = (line: string) => process.stdout.write(line + '\n');
const err = (line: string) => process.stderr.write(line + '\n');

function positiveInt(value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
}

/** Where the committed schema lives. */
export const SCHEMA_FILE = path.join(repoRoot(), 'schema', 'schema.graphql');

/** The `yibiao` command line. */
export function buildCli(): Command {
  const program = new Command('yibiao').description(
    '一表 Yibiao: one ledger of persons, houses, cases and things',
  );

  program
    .command('migrate')
    .description('apply pending SQL migrations to DATABASE_URL')
    .action(async () => {
      if (await ensureDatabase(config().DATABASE_URL)) out('created the database');
      const applied = await migrate(config().DATABASE_URL, () => undefined);
      out(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date');
    });

  program
    .command('seed')
    .description(
      'load the fixture district (汉滨区 新城街道) with synthetic residents; skipped when already loaded',
    )
    .option('--persons <n>', 'number of residents', positiveInt, 2000)
    .option('--seed <n>', 'random seed (same seed, same data)', positiveInt, 1)
    .option('--things <n>', 'number of things (物)', positiveInt, 120)
    .option('--cases <n>', 'number of cases (事)', positiveInt, 200)
    .option('--force', 'load even if the district already has residents')
    .action(async (o: { persons: number; seed: number; things: number; cases: number; force?: boolean }) => {
      const s = createServices(config());
      try {
        const started = Date.now();
        let last = 0;
        const summary = await seedDistrict(s, {
          ...o,
          onProgress: (done, total) => {
            if (Date.now() - last > 2000 || done >= total) {
              last = Date.now();
              err(`seed: ${done}/${total} persons (${Math.round((100 * done) / Math.max(total, 1))}%)`);
            }
          },
        });
        if (summary.adminPassword)
          out(`created account admin; its password (shown once): ${summary.adminPassword}`);
        out(
          summary.skipped
            ? `fixture district already loaded (${summary.areas} areas); use --force to load more`
            : `loaded ${summary.areas} areas, ${summary.persons} persons in ${summary.households} households, ${summary.things} things, ${summary.cases} cases in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
      } finally {
        await s.close();
      }
    });

  program
    .command('serve')
    .description('serve the GraphQL API (and subscriptions over graphql-ws) on /graphql')
    .option('--port <n>', 'port (default: PORT or 4000)', positiveInt)
    .action(async (o: { port?: number }) => {
      const c = config();
      await checkRedisAtStartup(c, err);
      const s = createServices(c);
      const server = await startServer(s, {
        port: o.port ?? c.PORT,
        host: c.HOST,
        log: err,
        sqlCountHeader: sqlCountHeader(c),
      });
      out(`yibiao API on ${server.url} (subscriptions: ws on the same path)`);
      const stop = async () => {
        await server.close();
        await s.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });

  program
    .command('schema')
    .description('print the GraphQL schema (sorted); --write updates schema/schema.graphql')
    .option('--write', 'write schema/schema.graphql')
    .action(async (o: { write?: boolean }) => {
      const sdl = await printSortedSchema();
      if (o.write) {
        fs.mkdirSync(path.dirname(SCHEMA_FILE), { recursive: true });
        fs.writeFileSync(SCHEMA_FILE, sdl);
        out(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
      } else process.stdout.write(sdl);
    });

  registerAuthCommands(program, out);
  registerReportCommand(program, { openServices: () => createServices(config()), out, err });
  registerWorkerCommand(program, err);

  registerIngestCommand(program, () => createServices(config()));
  registerDepartmentCommand(program, () => createServices(config()), out, err);
  return program;
}

/** Runs the CLI; configuration problems are reported all at once, without a stack trace. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (e) {
    if (e instanceof ConfigError) {
      err(e.message);
      process.exit(2);
    }
    err(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  }
}

if (require.main === module) void main(process.argv);
