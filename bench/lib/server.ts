import { spawn, ChildProcess } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';

/** The repository root: the nearest folder above this file with bin/yibiao (source or dist/). */
export const repoRoot = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'bin', 'yibiao'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('bench: cannot find the repository root (bin/yibiao)');
    dir = up;
  }
  return dir;
})();

/** A free TCP port on loopback, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A `yibiao serve` child process under test. */
export interface ServerUnderTest {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `node bin/yibiao serve` on a free loopback port against `databaseUrl` and waits until
 * /healthz answers. `nodeArgs` go to node itself (e.g. --cpu-prof). The child's output is kept in
 * memory and shown only when it fails to start.
 */
export async function startServer(opts: {
  databaseUrl: string;
  redisUrl: string;
  nodeArgs?: string[];
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** Another build to run (a folder with bin/yibiao and dist/); this checkout by default. */
  root?: string;
}): Promise<ServerUnderTest> {
  const port = await freePort();
  const root = opts.root ?? repoRoot;
  const child: ChildProcess = spawn(
    process.execPath,
    [...(opts.nodeArgs ?? []), path.join(root, 'bin', 'yibiao'), 'serve', '--port', String(port)],
    {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: opts.databaseUrl,
        REDIS_URL: opts.redisUrl,
        HOST: '127.0.0.1',
        NODE_ENV: 'production',
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c));

  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exitCode !== undefined)
      throw new Error(`the server exited with code ${exitCode} before it was ready:\n${output}`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer ${base}/healthz in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    url: `${base}/graphql`,
    pid: child.pid ?? -1,
    async stop() {
      if (exitCode !== undefined) return;
      // SIGTERM lets the server drain and exit normally, which also writes a --cpu-prof profile
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
