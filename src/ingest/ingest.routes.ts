import { DEFAULT_QUEUE_PREFIX, redisTargetOf } from '../config/redis';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import express, { type Request, type Response } from 'express';
import type { Services } from '../app/services';
import { actorFields } from '../auth/audit.service';
import { mayUnmask } from '../auth/reveal';
import { PERMISSIONS } from '../auth/roles';
import type { Viewer } from '../auth/viewer';
import { createContext } from '../graphql/context';
import { authenticate, credentialsOf } from '../graphql/http-auth';
import { maskCell } from './mask-cell';
import { dryRun } from './dry-run';
import { AppError, REASONS } from '../errors/app-error';
import { DEFAULT_MAX_FILE_BYTES } from './read/open';
import { IngestQueue } from './ingest-run.job';
import type { IngestRunRow } from './run/ingest.service';

const STATUS: Record<string, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
};

/**
 * A preview reads at most this many rows (0.3–0.6 s of the server's CPU for a CSV roster on the
 * 2-core machine): enough to show the layout, the mapping and what a roster's rows will become;
 * the run itself reads everything.
 */
export const PREVIEW_MAX_ROWS = 20_000;

/** The run as the upload endpoint returns it (the same fields as GraphQL's IngestRun). */
export function runJson(run: IngestRunRow) {
  return {
    id: String(run.id),
    fileName: run.file_name,
    profile: run.profile,
    department: run.department_code,
    status: run.status,
    rowsTotal: run.rows_total,
    landed: run.landed,
    skipped: run.skipped,
    rejected: run.rejected,
    rejectsUrl: `/ingest/runs/${run.id}/rejects.xlsx`,
  };
}

function fail(res: Response, e: unknown) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (e instanceof AppError) {
    if (REASONS[e.reason] === 'UNAUTHENTICATED') res.setHeader('www-authenticate', 'Bearer');
    res
      .status(STATUS[REASONS[e.reason]] ?? 400)
      .json({ error: { code: e.code, reason: e.reason, message: e.message } });
    return;
  }
  res.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'internal server error' } });
}

/**
 * HTTP endpoints of ingest, beside /graphql, with the same credentials (`Authorization: Bearer` or
 * `x-api-key`; none or bad: 401): `POST /ingest/upload?profile=&areaCode=` (multipart, field
 * `file`; needs record:write and an area inside the uploader's scope) stores the file, creates the
 * run as the uploader, queues it and answers 202 with the run; `POST /ingest/preview?profile=` (the
 * same upload, same permission) answers 200 with the dry run of its first PREVIEW_MAX_ROWS rows
 * (layout, mapping, counts, the first rows as they would land, masked) and writes nothing; `GET
 * /ingest/runs/:id/rejects.xlsx[?purpose=…]` downloads the run's skipped and rejected rows (needs
 * record:read and the run's area in scope, else 404), ID numbers and phones masked unless a purpose
 * is given by a viewer holding pii:unmask (audited, like every unmasked read).
 */
export function ingestRouter(services: Services, opts: { maxFileBytes?: number } = {}) {
  const router = express.Router();
  let queue: IngestQueue | undefined;
  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;

  // every ingest endpoint runs as an authenticated viewer, as /graphql does
  router.use((req: Request, res: Response, next) => {
    void (async () => {
      const viewer = await authenticate(services, credentialsOf(req));
      if (!viewer)
        throw new AppError('UNAUTHENTICATED', 'Sign in (Authorization: Bearer …) or send x-api-key');
      (req as unknown as { viewer: Viewer }).viewer = viewer;
      next();
    })().catch((e: unknown) => fail(res, e));
  });
  const viewerOf = (req: Request) => (req as unknown as { viewer: Viewer }).viewer;

  /**
   * Receives the multipart field `file` into a temporary folder, hands it to `use` and removes it
   * afterwards, whatever `use` does; a missing or too large file fails with its reason.
   */
  const receive = (
    req: Request,
    res: Response,
    use: (f: { path: string; name: string }) => Promise<void>,
  ): void => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { files: 1, fileSize: maxFileBytes },
      });
    } catch {
      fail(
        res,
        new AppError(
          'VALUE_INVALID',
          'Send the roster as multipart/form-data with a field named file',
          'file',
        ),
      );
      return;
    }
    let saved: Promise<{ path: string; name: string; truncated: boolean; dir: string }> | undefined;
    bb.on('file', (field, stream, info) => {
      if (field !== 'file' || saved) {
        stream.resume();
        return;
      }
      saved = (async () => {
        const dir = await mkdtemp(join(tmpdir(), 'upload-'));
        const name = basename(info.filename ?? '') || 'upload';
        const path = join(dir, 'file');
        let truncated = false;
        stream.on('limit', () => (truncated = true));
        await pipeline(stream, createWriteStream(path));
        return { path, name, truncated, dir };
      })();
    });
    bb.on('close', () => {
      void (async () => {
        if (!saved) throw new AppError('VALUE_INVALID', 'No file was sent (multipart field "file")', 'file');
        const f = await saved;
        try {
          if (f.truncated) {
            throw new AppError(
              'FILE_TOO_LARGE',
              `${f.name} is larger than the limit of ${(maxFileBytes / 1048576).toFixed(1)} MB`,
            );
          }
          await use(f);
        } finally {
          await rm(f.dir, { recursive: true, force: true });
        }
      })().catch((e: unknown) => fail(res, e));
    });
    req.pipe(bb);
  };

  /** The viewer, if they may upload rosters; otherwise the request is answered 403 and null. */
  const uploader = (req: Request, res: Response): Viewer | null => {
    const viewer = viewerOf(req);
    if (viewer.can(PERMISSIONS.RECORD_WRITE)) return viewer;
    fail(res, new AppError('PERMISSION_DENIED', 'uploading a roster needs the permission record:write'));
    return null;
  };
  const profileOf = (req: Request) =>
    typeof req.query.profile === 'string' && req.query.profile !== '' ? req.query.profile : null;

  router.post('/upload', (req: Request, res: Response) => {
    const viewer = uploader(req, res);
    if (!viewer) return;
    const areaCode = typeof req.query.areaCode === 'string' ? req.query.areaCode : '';
    const profile = profileOf(req);
    receive(req, res, async (f) => {
      const ctx = createContext(services, viewer);
      const audit = {
        ...actorFields(viewer),
        operation: 'ingest upload',
        purpose: null,
        requestId: ctx.requestId,
      };
      let run;
      try {
        run = await services.ingest.createRun(f.path, {
          fileName: f.name,
          profile,
          areaCode,
          actor: viewer.name,
          scope: viewer.scope,
        });
      } catch (e) {
        await ctx.audit.load({
          ...audit,
          target: null,
          outcome: 'FAILURE',
          details: { reason: e instanceof AppError ? e.reason : 'INTERNAL' },
        });
        throw e;
      }
      await ctx.audit.load({
        ...audit,
        target: `IngestRun:${run.id}`,
        outcome: 'SUCCESS',
        details: null,
      });
      queue ??= new IngestQueue(
        redisTargetOf(services.config),
        services.config.QUEUE_PREFIX ?? DEFAULT_QUEUE_PREFIX,
      );
      await queue.enqueue(run.id);
      res.status(202).json({ run: runJson(run) });
    });
  });

  // the dry run before an upload: how the file reads and how its rows would land; writes nothing
  router.post('/preview', (req: Request, res: Response) => {
    if (!uploader(req, res)) return;
    const profileName = profileOf(req);
    receive(req, res, async (f) => {
      const profile = await services.ingest.profile(profileName);
      const preview = await dryRun(f.path, profile, {
        fileName: f.name,
        sampleSize: 5,
        maxRows: PREVIEW_MAX_ROWS,
      });
      res.status(200).json({ preview });
    });
  });

  router.get('/runs/:id/rejects.xlsx', (req: Request, res: Response) => {
    void (async () => {
      const viewer = viewerOf(req);
      const id = Number(req.params.id);
      // a run outside the viewer's read scope answers as if it did not exist
      const run = Number.isSafeInteger(id) ? await services.ingest.get(id, viewer.readScope) : undefined;
      if (!run)
        throw new AppError('INGEST_RUN_NOT_FOUND', `Ingest run ${String(req.params.id)} does not exist`);
      const purpose = typeof req.query.purpose === 'string' ? req.query.purpose : null;
      const unmask = await mayUnmask(
        createContext(services, viewer),
        `IngestRun:${run.id}`,
        'IngestRun.rejects',
        purpose,
      );
      res.setHeader('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader(
        'content-disposition',
        `attachment; filename*=UTF-8''${encodeURIComponent(`${run.file_name}.问题行.xlsx`)}`,
      );
      await services.ingest.writeRejects(id, res, unmask ? (v) => v : maskCell, viewer.readScope);
    })().catch((e: unknown) => fail(res, e));
  });

  return {
    router,
    async close() {
      await queue?.close();
    },
  };
}
