import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/** The name of the migrated template database for this checkout and this set of migrations. */
export function templateName(): string {
  const root = path.resolve(__dirname, '..');
  const dir = path.join(root, 'prisma', 'migrations');
  const h = createHash('sha256');
  for (const f of fs.readdirSync(dir).sort()) h.update(f).update(fs.readFileSync(path.join(dir, f)));
  return `${templatePrefix()}${h.digest('hex').slice(0, 8)}`;
}

/** Template names of this checkout start with this (so checkouts sharing a server keep apart). */
export function templatePrefix(): string {
  const root = path.resolve(__dirname, '..');
  return `yibiao_tpl_${createHash('sha256').update(root).digest('hex').slice(0, 6)}_`;
}

/** The server's admin URL (same server as DATABASE_URL, database `postgres`). */
export function adminUrl(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  u.pathname = '/postgres';
  return u.toString();
}

/** The URL of database `name` on the same server as `databaseUrl`. */
export function databaseUrlFor(databaseUrl: string, name: string): string {
  const u = new URL(databaseUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs `fn` with a client connected to the server's admin database. */
export async function withAdmin<T>(databaseUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl(databaseUrl) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
