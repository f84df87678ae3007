import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * A PostgreSQL primary and a streaming standby of it (`pg_basebackup -R`), each a private cluster
 * on a loopback port, from the PostgreSQL binaries `scripts/services.sh` installs: what a city
 * runs for read replicas, on one machine, for tests.
 */
export interface StandbyPair {
  primaryUrl(db: string): string;
  standbyUrl(db: string): string;
  /** Waits until the standby has replayed everything the primary has written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** Runs one statement on a cluster's `postgres` database as the superuser. */
  admin(which: 'primary' | 'standby', sql: string): Promise<pg.QueryResult>;
  stop(): Promise<void>;
}

function pgBin(): string {
  const root = '/usr/lib/postgresql';
  const major = existsSync(root)
    ? readdirSync(root)
        .filter((d) => /^\d+$/.test(d))
        .sort((a, b) => Number(a) - Number(b))
        .pop()
    : undefined;
  if (!major || !existsSync(path.join(root, major, 'bin', 'pg_basebackup')))
    throw new Error(`no PostgreSQL binaries under ${root}; run scripts/services.sh start (it installs them)`);
  return path.join(root, major, 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function startStandbyPair(): Promise<StandbyPair> {
  const bin = pgBin();
  // PostgreSQL refuses to run as root: as root, the clusters belong to the postgres user
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) =>
    execFileSync(
      asRoot ? 'runuser' : path.join(bin, cmd),
      asRoot ? ['-u', 'postgres', '--', path.join(bin, cmd), ...args] : args,
      {
        stdio: 'pipe',
        timeout: 120_000,
      },
    );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yibiao-standby-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const [pPort, sPort] = [await freePort(), await freePort()];
  const primary = path.join(dir, 'primary');
  const standby = path.join(dir, 'standby');
  const opts = (port: number) =>
    `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off -c max_connections=60`;
  const started: string[] = [];
  const stopAll = () => {
    for (const data of started.reverse()) {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } catch {
        // already down
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('initdb', ['-D', primary, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    run('pg_ctl', [
      '-D',
      primary,
      '-l',
      path.join(dir, 'primary.log'),
      '-w',
      '-t',
      '60',
      '-o',
      opts(pPort),
      'start',
    ]);
    started.push(primary);
    // a physical copy of the running primary that follows its WAL (-R writes the standby settings)
    run('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(pPort),
      '-U',
      'postgres',
      '-D',
      standby,
      '-R',
      '-X',
      'stream',
    ]);
    run('pg_ctl', [
      '-D',
      standby,
      '-l',
      path.join(dir, 'standby.log'),
      '-w',
      '-t',
      '60',
      '-o',
      opts(sPort),
      'start',
    ]);
    started.push(standby);
  } catch (e) {
    stopAll();
    const err = e as Error & { stderr?: Buffer };
    throw new Error(`could not start a primary and standby: ${err.message} ${err.stderr?.toString() ?? ''}`);
  }
  const url = (port: number, db: string) => `postgresql://postgres@127.0.0.1:${port}/${db}`;
  const admin = async (which: 'primary' | 'standby', sql: string) => {
    const c = new pg.Client({ connectionString: url(which === 'primary' ? pPort : sPort, 'postgres') });
    await c.connect();
    try {
      return await c.query(sql);
    } finally {
      await c.end();
    }
  };
  return {
    primaryUrl: (db) => url(pPort, db),
    standbyUrl: (db) => url(sPort, db),
    admin,
    async caughtUp(timeoutMs = 30_000) {
      const target = (await admin('primary', 'SELECT pg_current_wal_lsn()::text AS lsn')).rows[0].lsn;
      const end = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await admin(
          'standby',
          `SELECT pg_last_wal_replay_lsn() >= '${target}'::pg_lsn AS done`,
        );
        if (rows[0].done) return;
        if (Date.now() > end)
          throw new Error(`the standby did not replay up to ${target} in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: async () => stopAll(),
  };
}
