import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from '../src/db/migrate';
import { databaseUrlFor, templateName, templatePrefix, withAdmin } from './template-db';

/**
 * Migrates a template database once per run (reused while the migrations are unchanged); every
 * test file then clones its own database from it (test/harness.ts).
 */
export default async function globalSetup(): Promise<void> {
  // the servers under test log here; global-teardown.ts scans it for personal data
  process.env.YIBIAO_TEST_LOG ??= path.join(os.tmpdir(), `yibiao-test-log-${process.pid}.log`);
  fs.writeFileSync(process.env.YIBIAO_TEST_LOG, '');
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error('DATABASE_URL is not set: run the tests with `npm test`, which provisions PostgreSQL');
  const name = templateName();
  await withAdmin(url, async (admin) => {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    // an older template of this checkout is stale: drop it
    const old = await admin.query(
      `SELECT datname FROM pg_database WHERE starts_with(datname, $2) AND datname <> $1`,
      [name, templatePrefix()],
    );
    for (const r of old.rows as { datname: string }[]) {
      await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`).catch(() => undefined);
    }
    const building = `${name}_building_${process.pid}`;
    await admin.query(`CREATE DATABASE "${building}"`);
    await migrate(databaseUrlFor(url, building));
    await admin.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`).catch(async (err: Error) => {
      // another run finished the same template first
      await admin.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      if (!/already exists/.test(err.message)) throw err;
    });
  });
}
