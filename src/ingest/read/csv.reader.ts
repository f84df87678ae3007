import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse, type Parser } from 'csv-parse';
import iconv from 'iconv-lite';
import { AppError } from '../../errors/app-error';
import {
  CHUNK_ROWS,
  type OpenedSpreadsheet,
  type RawRow,
  type ReadOptions,
  type SheetTable,
} from './read.types';
import { readSheetTable } from './table';

const SAMPLE_BYTES = 64 * 1024;
const SUPPORTED = ['utf-8', 'utf-16le', 'gbk', 'gb18030'];

/** How a CSV file is decoded and split, with how that was decided. */
export interface CsvDialect {
  encoding: string;
  /** Bytes of byte-order mark to skip. */
  bomBytes: number;
  delimiter: string;
}

/**
 * Decides the encoding from the first 64 KB: a byte-order mark wins; otherwise text that is valid
 * UTF-8 is UTF-8, and anything else is read as GB18030 (a superset of GBK and GB2312, so a GBK file
 * decodes the same). Binary junk (NUL bytes, control characters) is refused here.
 */
export function detectEncoding(sample: Buffer, fileLabel: string): { encoding: string; bomBytes: number } {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf)
    return { encoding: 'utf-8', bomBytes: 3 };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bomBytes: 2 };
  if (sample.includes(0)) throw notText(fileLabel);
  let controls = 0;
  for (const b of sample) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) controls++;
  if (controls > sample.length / 100) throw notText(fileLabel);
  // a multi-byte character may be cut at the end of the sample
  let end = sample.length;
  if (sample.length === SAMPLE_BYTES) {
    while (end > sample.length - 4 && end > 0 && (sample[end - 1] & 0xc0) === 0x80) end--;
    if (end > 0 && sample[end - 1] >= 0xc0) end--;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, end));
    return { encoding: 'utf-8', bomBytes: 0 };
  } catch {
    return { encoding: 'gb18030', bomBytes: 0 };
  }
}

/**
 * Picks the delimiter (comma, semicolon or tab) that splits the sample's lines into the most
 * columns; title lines have few or none, so the header and data lines decide. Quoted text is
 * ignored, so commas inside a quoted address do not count.
 */
export function detectDelimiter(text: string): string {
  const lines = text.split(/\r?\n/).slice(0, 50);
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t']) {
    let max = 0;
    for (const line of lines) {
      let inQuotes = false;
      let n = 0;
      for (const ch of line) {
        if (ch === '"') inQuotes = !inQuotes;
        else if (ch === d && !inQuotes) n++;
      }
      max = Math.max(max, n);
    }
    if (max > bestCount) {
      best = d;
      bestCount = max;
    }
  }
  return best;
}

/** Reads the first bytes of a CSV file and decides how to decode and split it. */
export async function detectCsvDialect(
  path: string,
  opts: ReadOptions,
  fileLabel: string,
): Promise<CsvDialect> {
  const fh = await open(path, 'r');
  const buf = Buffer.alloc(SAMPLE_BYTES);
  let sample: Buffer;
  try {
    const { bytesRead } = await fh.read(buf, 0, SAMPLE_BYTES, 0);
    sample = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  let detected = detectEncoding(sample, fileLabel);
  if (opts.encoding) {
    const forced = opts.encoding.toLowerCase().replace(/^utf8$/, 'utf-8');
    if (!SUPPORTED.includes(forced)) {
      throw new AppError(
        'FILE_ENCODING_INVALID',
        `Encoding ${opts.encoding} is not supported; use one of ${SUPPORTED.join(', ')}`,
      );
    }
    detected = { encoding: forced, bomBytes: forced === detected.encoding ? detected.bomBytes : 0 };
  }
  const text = iconv.decode(sample.subarray(detected.bomBytes), detected.encoding);
  if (text.trim() === '') throw new AppError('FILE_EMPTY', `${fileLabel} holds no rows`);
  return { ...detected, delimiter: opts.delimiter ?? detectDelimiter(text) };
}

/**
 * Streams a CSV file's records as rows numbered the way a spreadsheet program shows them, in
 * chunks of up to `CHUNK_ROWS`. One promise per record at each layer of the reading (parser,
 * table, row events) was ≈ 2.5 KB of garbage and a turn of the microtask queue per row per layer;
 * a chunk of everything the parser holds (≈ 2,000 rows per 256 KB read) kept every row's
 * intermediate objects alive until the chunk was done, for the garbage collector to copy.
 */
export async function* csvRows(
  path: string,
  dialect: CsvDialect,
  fileLabel: string,
): AsyncGenerator<RawRow[]> {
  const input = createReadStream(path, { start: dialect.bomBytes, highWaterMark: 256 * 1024 });
  const csv: Parser = parse({
    delimiter: dialect.delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    bom: true,
    // csv-parse expects every record to be as wide as the first one and, with relax_column_count,
    // builds (and throws away) an error object for every record that is not. A roster's first
    // record is its one-cell title, so that cost every data row. Expecting the width of the record
    // just read, over the first records (title, header, the first data rows), settles it on the
    // width of the table; then the hook steps aside (it costs an info object per record itself).
    on_record: (record: string[], info: { records: number }) => {
      const c = csv as unknown as {
        state: { expectedRecordLength: number };
        options: { on_record?: unknown };
      };
      c.state.expectedRecordLength = record.length;
      if (info.records >= 100) c.options.on_record = undefined;
      return record;
    },
  });
  // csv-parse works on bytes and decodes each field as UTF-8 itself: UTF-8 text goes straight in
  // (decoding it to a string first only for the parser to encode it back cost both passes over
  // a file ≈ 0.1 s per 200,000 rows each); other encodings are decoded to text first
  const parser = (
    dialect.encoding === 'utf-8' ? input : input.pipe(iconv.decodeStream(dialect.encoding))
  ).pipe(csv);
  input.on('error', (e) => parser.destroy(e));
  let rowNumber = 0;
  let ended = false;
  let failed: unknown = null;
  let wake: (() => void) | null = null;
  const rouse = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  parser.on('readable', rouse);
  parser.on('end', () => {
    ended = true;
    rouse();
  });
  parser.on('error', (e) => {
    failed = e;
    rouse();
  });
  try {
    for (;;) {
      const chunk: RawRow[] = [];
      for (
        let record = parser.read() as string[] | null;
        record !== null;
        record = chunk.length < CHUNK_ROWS ? parser.read() : null
      ) {
        rowNumber++;
        // the parser's own array, blanks made null in place (no second array per row)
        const cells = record as (string | null)[];
        for (let i = 0; i < cells.length; i++) if (cells[i] === '') cells[i] = null;
        chunk.push({ rowNumber, cells });
      }
      // after a chunk, read on at once: what arrived while it was out is not announced again
      if (chunk.length > 0) {
        yield chunk;
        continue;
      }
      if (failed) throw failed;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError(
      'FILE_CORRUPT',
      `${fileLabel} cannot be read as CSV after row ${rowNumber} (unbalanced quotes?)`,
    );
  } finally {
    // a reader that stops early (a header not found, a run that failed) leaves no file open
    if (!ended) {
      input.destroy();
      parser.destroy();
    }
  }
}

/** Opens a CSV file: one sheet named after the file. */
export async function openCsv(
  path: string,
  opts: ReadOptions,
  fileLabel: string,
): Promise<OpenedSpreadsheet> {
  const dialect = await detectCsvDialect(path, opts, fileLabel);
  const sheetName = fileLabel.replace(/\.[^.]+$/, '');
  return {
    format: 'CSV',
    encoding: dialect.encoding,
    delimiter: dialect.delimiter,
    ignoredSheets: [],
    async *sheets(): AsyncGenerator<SheetTable> {
      const table = await readSheetTable(sheetName, csvRows(path, dialect, fileLabel), [], {
        fileLabel,
        hasMergeInfo: false,
        extraHeaders: opts.extraHeaders,
      });
      if (!table) throw new AppError('FILE_EMPTY', `${fileLabel} holds no rows`);
      yield table;
    },
  };
}

function notText(fileLabel: string): AppError {
  return new AppError(
    'FILE_FORMAT_UNSUPPORTED',
    `${fileLabel} is not a text CSV file (it holds binary data); export the roster as CSV or XLSX`,
  );
}
