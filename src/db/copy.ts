import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** SQL NULL in COPY's text format. */
export const COPY_NULL = '\\N';

const SPECIAL = /[\\\n\r\t]/;
const SPECIAL_ALL = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A string as one field of COPY's text format (backslash, newline, carriage return and tab escaped). */
export function copyText(s: string): string {
  return SPECIAL.test(s) ? s.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : s;
}

/** Any value as one field: null and undefined are NULL, dates ISO 8601, objects JSON, the rest their text. */
export function copyValue(v: unknown): string {
  if (v === null || v === undefined) return COPY_NULL;
  if (typeof v === 'string') return copyText(v);
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  return copyText(JSON.stringify(v));
}

/** A value for a json/jsonb column: its JSON text, or NULL. */
export function copyJson(v: unknown): string {
  return v === null || v === undefined ? COPY_NULL : copyText(JSON.stringify(v));
}

const CHUNK = 256 * 1024;

/**
 * Writes rows with one `COPY table (columns) FROM STDIN` on the caller's client (so inside its
 * transaction): one statement and one round trip whatever the number of rows. Each row is its
 * fields already encoded with `copyText` / `copyValue` / `copyJson`. Rows are encoded as UTF-8
 * straight into 256 KB buffers: concatenating a batch into one string first made V8 flatten a
 * rope of thousands of pieces and the stream encode it again, a large share of an ingest's CPU.
 */
export async function copyRows(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly string[]>,
): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  function* chunks() {
    let buf = Buffer.allocUnsafe(CHUNK);
    let used = 0;
    for (const r of rows) {
      const line = r.join('\t') + '\n';
      // a UTF-8 character takes at most 3 bytes per UTF-16 unit
      if (used + line.length * 3 > buf.length) {
        if (used > 0) yield buf.subarray(0, used);
        buf = Buffer.allocUnsafe(Math.max(CHUNK, line.length * 3));
        used = 0;
      }
      used += buf.write(line, used, 'utf8');
    }
    if (used > 0) yield buf.subarray(0, used);
  }
  await pipeline(Readable.from(chunks(), { objectMode: false }), stream);
}
