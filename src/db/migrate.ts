import path from 'node:path';
import pg from 'pg';
import { repoRoot } from '../config/paths';

/** Where the plain SQL migrations live (committed; applied in file-name order). */
export const MIGRATIONS_DIR = path.join(repoRoot(), 'prisma', 'migrations');

/** Applies every pending migration to the database at `databaseUrl`; returns the names applied. */
export async function migrate(
  databaseUrl: string,
  log: (line: string) => void = () => undefined,
): Promise<string[]> {
  // node-pg-migrate is an ES module; a dynamic import loads it from CommonJS
  const { runner } = await import('node-pg-migrate');
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'schema_migration',
    checkOrder: true,
    singleTransaction: true,
    verbose: false,
    log,
    logger: { debug: () => undefined, info: log, warn: log, error: log },
  });
  return applied.map((m) => m.name);
}

/** Creates the database named in `databaseUrl` if it does not exist (connecting to `postgres`). */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const u = new URL(databaseUrl);
  const name = decodeURIComponent(u.pathname.slice(1));
  u.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: u.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } finally {
    await admin.end();
  }
}
