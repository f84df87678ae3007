import path from 'node:path';
import Busboy from 'busboy';
import type { Request, Response } from 'express';
import { AppError } from '../errors/app-error';
import type { PhotoStore } from './photo.store';

/**
 * POST /cases/photos: a multipart upload with one or more `file` parts (JPEG, PNG, WebP), stored
 * on local disk; answers {"photoIds": [...]} for reportCase's photoIds. GET /cases/photos/:id
 * serves a stored photo.
 */
export function photoUploadHandler(store: PhotoStore) {
  return (req: Request, res: Response): void => {
    let bb: Busboy.Busboy;
    try {
      bb = Busboy({ headers: req.headers, limits: { fileSize: store.maxBytes, files: 9 } });
    } catch {
      res
        .status(400)
        .json({ error: 'PHOTO_INVALID', message: 'send multipart/form-data with a "file" part' });
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
  };
}

/** GET /cases/photos/:id: one stored photo. */
export function photoDownloadHandler(store: PhotoStore) {
  return (req: Request, res: Response): void => {
    const id = String(req.params.id ?? '');
    if (!/^[0-9a-f-]{36}\.(jpg|png|webp)$/.test(id)) {
      res.status(404).end();
      return;
    }
    res.sendFile(path.join(store.dir, id), { dotfiles: 'allow' }, (err) => {
      if (err && !res.headersSent) res.status(404).end();
    });
  };
}
