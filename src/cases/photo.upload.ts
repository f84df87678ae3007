import path from 'node:path';
import Busboy from 'busboy';
import type { Request, Response } from 'express';
import type { Services } from '../app/services';
import type { Permission } from '../auth/roles';
import type { Viewer } from '../auth/viewer';
import { AppError } from '../errors/app-error';
import { authenticate, credentialsOf } from '../graphql/http-auth';
import type { PhotoStore } from './photo.store';

/**
 * The viewer of a request to a photo route, holding `permission`; otherwise answers 401 (no or
 * bad credentials) or 403 and returns null. These routes sit outside /graphql, so they check the
 * same credentials (Bearer token or x-api-key) themselves.
 */
async function viewerWith(
  services: Pick<Services, 'auth'>,
  req: Request,
  res: Response,
  permission: Permission,
): Promise<Viewer | null> {
  let viewer: Viewer | null;
  try {
    viewer = await authenticate(services as Services, credentialsOf(req));
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    viewer = null;
  }
  if (!viewer) {
    res.setHeader('www-authenticate', 'Bearer');
    res.status(401).json({
      error: 'UNAUTHENTICATED',
      message: 'sign in first: send Authorization: Bearer <token> or x-api-key',
    });
    return null;
  }
  if (!viewer.can(permission)) {
    res.status(403).json({ error: 'PERMISSION_DENIED', message: `this needs the permission ${permission}` });
    return null;
  }
  return viewer;
}

/**
 * POST /cases/photos: a multipart upload with one or more `file` parts (JPEG, PNG, WebP), stored
 * on local disk; answers {"photoIds": [...]} for reportCase's photoIds. An upload is a write: it
 * needs credentials holding record:write, checked before a byte is stored.
 */
export function photoUploadHandler(services: Pick<Services, 'auth'>, store: PhotoStore) {
  return (req: Request, res: Response, next: (err?: unknown) => void): void => {
    viewerWith(services, req, res, 'record:write')
      .then((viewer) => {
        if (viewer) receive(store, req, res);
        else req.resume(); // drain the refused body
      })
      .catch(next);
  };
}

function receive(store: PhotoStore, req: Request, res: Response): void {
  let bb: Busboy.Busboy;
  try {
    bb = Busboy({ headers: req.headers, limits: { fileSize: store.maxBytes, files: 9 } });
  } catch {
    res.status(400).json({ error: 'PHOTO_INVALID', message: 'send multipart/form-data with a "file" part' });
    return;
  }
  const saves: Promise<string>[] = [];
  bb.on('file', (field, stream, info) => {
    if (field !== 'file') {
      stream.resume();
      return;
    }
    saves.push(store.save(stream, info.mimeType));
  });
  bb.on('close', () => {
    Promise.all(saves)
      .then((photoIds) => {
        if (photoIds.length === 0) {
          res.status(400).json({ error: 'PHOTO_INVALID', message: 'no "file" part in the upload' });
        } else res.status(201).json({ photoIds });
      })
      .catch((err: unknown) => {
        const e =
          err instanceof AppError ? err : new AppError('PHOTO_INVALID', 'the upload could not be stored');
        res.status(400).json({ error: e.reason, message: e.message });
      });
  });
  req.pipe(bb);
}

/**
 * GET /cases/photos/:id: one stored photo, for a viewer holding record:read who may see a case
 * the photo belongs to. A photo follows its case's scope: one of a case outside the viewer's
 * areas, one not attached to any case yet and one that does not exist all answer 404 alike, so
 * ids cannot be probed.
 */
export function photoDownloadHandler(services: Pick<Services, 'auth' | 'cases'>) {
  const store = services.cases.photoStore;
  return (req: Request, res: Response, next: (err?: unknown) => void): void => {
    const id = String(req.params.id ?? '');
    viewerWith(services, req, res, 'record:read')
      .then(async (viewer) => {
        if (!viewer) return;
        if (
          !/^[0-9a-f-]{36}\.(jpg|png|webp)$/.test(id) ||
          !(await services.cases.photoVisible(id, viewer.readScope))
        ) {
          res.status(404).end();
          return;
        }
        res.setHeader('cache-control', 'private, no-store');
        res.sendFile(path.join(store.dir, id), { dotfiles: 'allow' }, (err) => {
          if (err && !res.headersSent) res.status(404).end();
        });
      })
      .catch(next);
  };
}
