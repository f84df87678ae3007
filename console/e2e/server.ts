import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** The repository root (console/e2e → ../..). */
export const ROOT = path.resolve(__dirname, '..', '..');
/** Where screenshots and the server log go (git-ignored). */
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'e2e');

/** A running API server with the console, on a database of its own. */
export interface E2eServer {
  base: string;
  token: string | null;
  /** Stops the server process and starts a new one on the same port (a deployment or a crash). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** DATABASE_URL and REDIS_URL from the environment, else from the checkout's private services. */
function services(): { DATABASE_URL: string; REDIS_URL: string } {
  if (process.env.DATABASE_URL && process.env.REDIS_URL) {
    return { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL };
  }
  const out = execFileSync('bash', [path.join(ROOT, 'scripts', 'services.sh'), 'start'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const env: Record<string, string> = {};
  for (const m of out.matchAll(/^export (\w+)='([^']*)'$/gm)) env[m[1]] = m[2];
  return { DATABASE_URL: env.DATABASE_URL, REDIS_URL: env.REDIS_URL };
}

/** The same server URL with another database name. */
function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function waitFor(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > until) throw new Error(`server did not answer ${url} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Starts the real server as staff would run it: a fresh database (yibiao_e2e) migrated and loaded
 * with the fixture district by the CLI, then `yibiao serve` on a free port. Expects `npm run build`
 * and the console build to have run (scripts/e2e.sh does both).
 */
export async function startE2eServer(opts: { persons: number }): Promise<E2eServer> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'cli', 'main.js')))
    throw new Error('run `npm run build` first');
  if (!fs.existsSync(path.join(ROOT, 'console', 'dist', 'index.html')))
    throw new Error('run `npm --prefix console run build` first');
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const svc = services();
  const env = { ...process.env, ...svc, DATABASE_URL: withDatabase(svc.DATABASE_URL, 'yibiao_e2e') };
  // A fresh database each run, so figures do not drift between runs.
  execFileSync(
    'psql',
    [withDatabase(svc.DATABASE_URL, 'postgres'), '-qc', 'DROP DATABASE IF EXISTS yibiao_e2e WITH (FORCE)'],
    {
      stdio: 'ignore',
    },
  );
  const cli = path.join(ROOT, 'bin', 'yibiao');
  execFileSync(cli, ['migrate'], { env, cwd: ROOT, stdio: 'ignore' });
  execFileSync(cli, ['seed', '--persons', String(opts.persons)], { env, cwd: ROOT, stdio: 'ignore' });
  const port = await freePort();
  const log = fs.openSync(path.join(ARTIFACTS, 'server.log'), 'w');
  const base = `http://127.0.0.1:${port}`;
  const spawnServer = async () => {
    const c = spawn(cli, ['serve', '--port', String(port)], { env, cwd: ROOT, stdio: ['ignore', log, log] });
    await waitFor(`${base}/healthz`, 30000);
    return c;
  };
  const stopServer = async (c: ChildProcess) => {
    if (c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  };
  let child: ChildProcess = await spawnServer();
  // Sign-in is on: the tests act as a command-center account over the district (the seeded
  // admin manages accounts and sees no resident data, by design).
  let token: string | null = null;
  const help = execFileSync(cli, ['--help'], { env, cwd: ROOT, encoding: 'utf8' });
  if (/^\s+token\b/m.test(help)) {
    try {
      execFileSync(cli, ['user', 'add', 'e2e-center', '--role', 'COMMAND_CENTER', '--area', '610902'], {
        env,
        cwd: ROOT,
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (e) {
      // the account is left from an earlier run on the same database
      if (!/exist|taken|already/i.test(String((e as { stderr?: string }).stderr ?? e))) throw e;
    }
    const lines = execFileSync(cli, ['token', '--user', 'e2e-center'], { env, cwd: ROOT, encoding: 'utf8' })
      .trim()
      .split('\n');
    token = lines[lines.length - 1].trim();
  }
  return {
    base,
    token,
    async restart() {
      await stopServer(child);
      child = await spawnServer();
    },
    async stop() {
      await stopServer(child);
      fs.closeSync(log);
    },
  };
}
