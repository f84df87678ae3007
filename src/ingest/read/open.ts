import { open, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { AppError } from '../../errors/app-error';
import { openCsv } from './csv.reader';
import type { OpenedSpreadsheet, ReadOptions } from './read.types';
import { openXlsx } from './xlsx.reader';

/** Default cap on an uploaded file's size. */
export const DEFAULT_MAX_FILE_BYTES = 200 * 1024 * 1024;

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
// an encrypted OOXML workbook is an OLE container holding a stream named EncryptedPackage
const ENCRYPTED_MARK = Buffer.from('EncryptedPackage', 'utf16le');

/**
 * Opens a roster file for reading, deciding the format from its extension and checking that the
 * bytes agree: .csv/.txt are text, .xlsx is a zip workbook. Legacy .xls, password-protected
 * workbooks, empty files, oversized files and anything else are refused with an error that names
 * the file and what to do, before a single row is read.
 */
export async function openSpreadsheet(path: string, opts: ReadOptions = {}): Promise<OpenedSpreadsheet> {
  const fileLabel = opts.fileName ?? basename(path);
  const ext = extname(fileLabel).toLowerCase();
  const { size } = await stat(path);
  const max = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (size > max) {
    throw new AppError('FILE_TOO_LARGE', `${fileLabel} is ${mb(size)} MB; the limit is ${mb(max)} MB`);
  }
  if (size === 0) throw new AppError('FILE_EMPTY', `${fileLabel} is empty`);
  const head = Buffer.alloc(Math.min(size, 8192));
  const fh = await open(path, 'r');
  try {
    await fh.read(head, 0, head.length, 0);
  } finally {
    await fh.close();
  }
  const isZip = head.subarray(0, 4).equals(ZIP);
  const isOle = head.subarray(0, 8).equals(OLE);
  if (isOle) {
    if (ext === '.xlsx' && (await holds(path, size, ENCRYPTED_MARK))) {
      throw new AppError(
        'FILE_ENCRYPTED',
        `${fileLabel} is password-protected; save it without a password and upload again`,
      );
    }
    throw new AppError(
      'FILE_FORMAT_UNSUPPORTED',
      `${fileLabel} is a legacy Excel 97–2003 (.xls) workbook; open it in Excel or WPS and save it as .xlsx`,
    );
  }
  if (ext === '.xls') {
    throw new AppError(
      'FILE_FORMAT_UNSUPPORTED',
      `${fileLabel}: .xls files are not supported; save the workbook as .xlsx`,
    );
  }
  if (ext === '.xlsx') {
    if (!isZip) throw new AppError('FILE_CORRUPT', `${fileLabel} is named .xlsx but is not an XLSX workbook`);
    return openXlsx(path, opts, fileLabel);
  }
  if (ext === '.csv' || ext === '.txt') {
    if (isZip)
      throw new AppError(
        'FILE_FORMAT_UNSUPPORTED',
        `${fileLabel} is named ${ext} but is an XLSX workbook; rename it to .xlsx`,
      );
    return openCsv(path, opts, fileLabel);
  }
  throw new AppError(
    'FILE_FORMAT_UNSUPPORTED',
    `${fileLabel}: files of type ${ext || '(no extension)'} are not supported; upload .xlsx or .csv`,
  );
}

async function holds(path: string, size: number, needle: Buffer): Promise<boolean> {
  // the directory of a small encrypted container sits in its first sectors; 1 MB is plenty
  const n = Math.min(size, 1024 * 1024);
  const buf = Buffer.alloc(n);
  const fh = await open(path, 'r');
  try {
    await fh.read(buf, 0, n, 0);
  } finally {
    await fh.close();
  }
  return buf.includes(needle);
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
