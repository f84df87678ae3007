import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';
import type { Readable } from 'node:stream';
import { AppError } from '../../errors/app-error';

/** One file inside a zip archive, as its central directory describes it. */
export interface ZipEntry {
  name: string;
  method: number;
  encrypted: boolean;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

/** Limits that protect the process from a workbook whose uncompressed size explodes. */
export interface ZipLimits {
  /** Total uncompressed bytes of all entries. */
  maxUncompressedBytes: number;
  /** Uncompressed / compressed size of one entry; real XLSX XML stays far below it. */
  maxRatio: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * Lists a zip archive's entries from its central directory. We read the directory ourselves (a few
 * dozen lines with node:zlib, no extra dependency) because the limits must be enforced before any
 * entry is inflated: exceljs's streaming reader would inflate a zip bomb blindly.
 */
export async function listZipEntries(path: string, fileLabel: string): Promise<ZipEntry[]> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const tailLen = Math.min(size, 65557);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw corrupt(fileLabel, 'the zip directory is missing (truncated or not a workbook)');
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset === 0xffffffff || cdOffset + cdSize > size) {
      throw corrupt(fileLabel, 'the zip directory points outside the file');
    }
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let n = 0; n < count; n++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) {
        throw corrupt(fileLabel, 'the zip directory is damaged');
      }
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      entries.push({
        name: cd.toString('utf8', p + 46, p + 46 + nameLen),
        method: cd.readUInt16LE(p + 10),
        encrypted: (cd.readUInt16LE(p + 8) & 1) === 1,
        compressedSize: cd.readUInt32LE(p + 20),
        uncompressedSize: cd.readUInt32LE(p + 24),
        localHeaderOffset: cd.readUInt32LE(p + 42),
      });
      p += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
  } finally {
    await fh.close();
  }
}

/** Refuses archives that are encrypted or whose declared sizes break the limits. */
export function checkZipEntries(entries: ZipEntry[], limits: ZipLimits, fileLabel: string): void {
  let total = 0;
  for (const e of entries) {
    if (e.encrypted) {
      throw new AppError(
        'FILE_ENCRYPTED',
        `${fileLabel} is password-protected; save it without a password and upload again`,
      );
    }
    if (e.method !== 0 && e.method !== 8)
      throw corrupt(fileLabel, `entry ${e.name} uses an unsupported compression method`);
    total += e.uncompressedSize;
    if (e.compressedSize > 0 && e.uncompressedSize / e.compressedSize > limits.maxRatio)
      throw bomb(fileLabel);
  }
  if (total > limits.maxUncompressedBytes) throw bomb(fileLabel);
}

/**
 * Streams one entry's uncompressed bytes, counting them: an entry that inflates beyond what its
 * directory declared (a lying zip bomb) or beyond `maxBytes` is cut off with an error.
 */
export async function openZipEntry(
  path: string,
  entry: ZipEntry,
  maxBytes: number,
  fileLabel: string,
): Promise<Readable> {
  const fh = await open(path, 'r');
  const header = Buffer.alloc(30);
  try {
    await fh.read(header, 0, 30, entry.localHeaderOffset);
  } finally {
    await fh.close();
  }
  if (header.readUInt32LE(0) !== LOCAL) throw corrupt(fileLabel, `entry ${entry.name} is damaged`);
  const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const raw = createReadStream(path, { start, end: start + Math.max(entry.compressedSize, 1) - 1 });
  if (entry.method === 0) return raw;
  const inflate = createInflateRaw();
  const limit = Math.min(maxBytes, entry.uncompressedSize);
  let seen = 0;
  inflate.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > limit) inflate.destroy(bomb(fileLabel));
  });
  raw.on('error', (e) => inflate.destroy(e));
  raw.pipe(inflate);
  return inflate;
}

/** Reads a small entry (workbook.xml, rels) whole, as UTF-8 text. */
export async function readZipText(
  path: string,
  entry: ZipEntry,
  maxBytes: number,
  fileLabel: string,
): Promise<string> {
  const parts: Buffer[] = [];
  try {
    for await (const chunk of await openZipEntry(path, entry, maxBytes, fileLabel))
      parts.push(chunk as Buffer);
  } catch (e) {
    throw asZipError(e, fileLabel);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** Turns zlib's errors into the file's own error; AppErrors pass through. */
export function asZipError(e: unknown, fileLabel: string): AppError {
  if (e instanceof AppError) return e;
  return corrupt(fileLabel, 'a compressed part cannot be read');
}

function corrupt(fileLabel: string, why: string): AppError {
  return new AppError('FILE_CORRUPT', `${fileLabel} is not a readable XLSX workbook: ${why}`);
}

function bomb(fileLabel: string): AppError {
  return new AppError(
    'FILE_TOO_LARGE',
    `${fileLabel} expands to more data than allowed when uncompressed; split it into smaller workbooks`,
  );
}
