import fs from 'node:fs';
import path from 'node:path';
import express, { type Request, type Router } from 'express';
import { repoRoot } from '../config/paths';

/** Where `npm --prefix console run build` writes the web console. */
export const CONSOLE_DIST = path.join(repoRoot(), 'console', 'dist');

/** Paths that belong to the API and must never be answered with the console's page. */
export const API_PATHS = ['/graphql', '/healthz'];

function isApiPath(p: string, apiPaths: string[]): boolean {
  return apiPaths.some((a) => p === a || p.startsWith(a + '/'));
}

/** A page URL of the single-page console (no file extension, asked for by a browser). */
function isPageRequest(req: Request, apiPaths: string[]): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (isApiPath(req.path, apiPaths)) return false;
  if (path.posix.extname(req.path) !== '') return false;
  return Boolean(req.accepts('html'));
}

/**
 * Serves the built web console at /: its files from `distDir`, and index.html for every other page
 * URL (/map, /person/…) so that deep links and reloads work. API paths are never shadowed, missing
 * asset files stay 404, and hashed assets are cached for good while index.html is always revalidated.
 * Returns null when the console has not been built, so the API runs without it.
 */
export function consoleMiddleware(
  distDir: string = CONSOLE_DIST,
  apiPaths: string[] = API_PATHS,
): Router | null {
  const index = path.join(distDir, 'index.html');
  if (!fs.existsSync(index)) return null;
  const router = express.Router();
  router.use(
    '/assets',
    express.static(path.join(distDir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: false,
    }),
  );
  router.use(express.static(distDir, { index: false }));
  router.use((req, res, next) => {
    if (!isPageRequest(req, apiPaths)) {
      next();
      return;
    }
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
