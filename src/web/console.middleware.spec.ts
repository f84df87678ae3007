import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { consoleMiddleware } from './console.middleware';

let dir: string;
let server: http.Server;
let base: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yibiao-console-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>一表</title>');
  fs.writeFileSync(path.join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  const app = express();
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.use('/graphql', (_req, res) => {
    res.status(400).json({ api: true });
  });
  const web = consoleMiddleware(dir);
  if (!web) throw new Error('the console should mount when index.html exists');
  app.use(web);
  server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

const html = { accept: 'text/html,application/xhtml+xml' };

describe('the web console on the API server', () => {
  it('serves index.html at / and at every page URL, so deep links and reloads work', async () => {
    for (const p of ['/', '/map?area=610902002', '/person/UGVyc29uOjE', '/live']) {
      const res = await fetch(base + p, { headers: html });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<title>一表</title>');
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('serves built assets with long caching and answers a missing asset with 404, not the page', async () => {
    const ok = await fetch(`${base}/assets/index-abc.js`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toContain('immutable');
    const missing = await fetch(`${base}/assets/index-old.js`, { headers: html });
    expect(missing.status).toBe(404);
    const missingFile = await fetch(`${base}/favicon.ico`, { headers: html });
    expect(missingFile.status).toBe(404);
  });

  it('never shadows /graphql or /healthz, even for a browser asking for HTML', async () => {
    for (const p of ['/graphql', '/graphql/', '/graphql?query={__typename}']) {
      const res = await fetch(base + p, { headers: html });
      expect(await res.json()).toEqual({ api: true });
    }
    expect(await (await fetch(`${base}/healthz`, { headers: html })).json()).toEqual({ ok: true });
  });

  it('answers only GET page requests: a POST or a JSON request elsewhere is not the page', async () => {
    expect((await fetch(`${base}/map`, { method: 'POST' })).status).toBe(404);
    expect(
      (await fetch(`${base}/open311/v2/services`, { headers: { accept: 'application/json' } })).status,
    ).toBe(404);
  });

  it('mounts nothing when the console has not been built', () => {
    expect(consoleMiddleware(path.join(dir, 'no-such-dist'))).toBeNull();
  });
});
