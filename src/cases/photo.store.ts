import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { AppError } from '../errors/app-error';

const TYPES: Record<string, string> = { 'image/jpeg': '.jpg', 'image/png': '.png', 'image/webp': '.webp' };
const ID = /^[0-9a-f-]{36}\.(jpg|png|webp)$/;

/**
 * Case photos (随手拍) on local disk under a configurable directory. A photo is uploaded first and
 * named by a random id; the report then refers to it, so a report never carries file bytes.
 */
export class PhotoStore {
  constructor(
    readonly dir: string,
    readonly maxBytes = 10 * 1024 * 1024,
  ) {}

  /** Stores one uploaded image; refuses other types and oversized files (nothing partial is kept). */
  async save(stream: Readable & { truncated?: boolean }, mimeType: string): Promise<string> {
    const ext = TYPES[mimeType];
    if (!ext) {
      stream.resume();
      throw new AppError('PHOTO_INVALID', `a photo must be JPEG, PNG or WebP, got ${mimeType}`, 'file');
    }
    await fs.promises.mkdir(this.dir, { recursive: true });
    const id = `${randomUUID()}${ext}`;
    const file = path.join(this.dir, id);
    await pipeline(stream, fs.createWriteStream(file));
    if (stream.truncated) {
      await fs.promises.rm(file, { force: true });
      throw new AppError('PHOTO_INVALID', `a photo may be at most ${this.maxBytes} bytes`, 'file');
    }
    return id;
  }

  /** Checks that every id names a stored photo; the error names the first that does not. */
  async assertExist(ids: string[], field: string): Promise<void> {
    for (const [i, id] of ids.entries()) {
      const ok = ID.test(id) && (await fs.promises.stat(path.join(this.dir, id)).catch(() => null));
      if (!ok) throw new AppError('PHOTO_UNKNOWN', `no uploaded photo has id ${id}`, `${field}[${i}]`);
    }
  }
}
