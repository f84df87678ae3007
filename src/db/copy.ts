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
 * Up to this many rows are written by one `INSERT … VALUES` instead: COPY waits for the server's
 * go-ahead before the data (one round trip more) and runs a stream pipeline, which for the one or
 * two rows of a single edit or case step costs more than the rows themselves.
 */
export const SMALL_BATCH = 8;

const UNESCAPES: Record<string, string> = { '\\': '\\', n: '\n', r: '\r', t: '\t' };

/** A field of COPY's text format back to the value it encodes (null for NULL). */
export function fromCopyField(field: string): string | null {
  if (field === COPY_NULL) return null;
  return field.includes('\\') ? field.replace(/\\([\\nrt])/g, (_, c: string) => UNESCAPES[c]) : field;
}

/**
 * Writes rows in one statement on the caller's client (so inside its transaction): a
 * `COPY table (columns) FROM STDIN`, whatever the number of rows, or for a small array of rows an
 * `INSERT … VALUES` with the same fields as parameters (PostgreSQL casts them to the columns' types
 * as COPY does). Each row is its fields already encoded with `copyText` / `copyValue` / `copyJson`.
 * COPY rows are encoded as UTF-8 straight into 256 KB buffers: concatenating a batch into one
 * string first made V8 flatten a rope of thousands of pieces and the stream encode it again, a
 * large share of an ingest's CPU.
 */
export async function copyRows(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly string[]>,
): Promise<void> {
  // the first rows decide: a few go by INSERT, more by COPY (rows may be produced lazily)
  const it = rows[Symbol.iterator]();
  const head: (readonly string[])[] = [];
  let next = it.next();
  while (!next.done && head.length <= SMALL_BATCH) {
    head.push(next.value);
    next = it.next();
  }
  if (head.length === 0) return;
  if (head.length <= SMALL_BATCH) {
    const params: (string | null)[] = [];
    const tuples = head.map((r) => {
      if (r.length !== columns.length)
        throw new Error(`${table}: a row has ${r.length} fields for ${columns.length} columns`);
      return `(${r.map((f) => `$${params.push(fromCopyField(f))}`).join(', ')})`;
    });
    await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
    return;
  }
  const pending = next;
  rows = (function* () {
    yield* head;
    if (!pending.done) yield pending.value;
    for (let n = it.next(); !n.done; n = it.next()) yield n.value;
  })();
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  function* chunks() {
    let buf = Buffer.allocUnsafe(CHUNK);
    let used = 0;
    for (const r of rows) {
      // the newline goes in as a byte: appended to the line, it made V8 copy every line once more
      const line = r.join('\t');
      // a UTF-8 character takes at most 3 bytes per UTF-16 unit
      if (used + line.length * 3 + 1 > buf.length) {
        if (used > 0) yield buf.subarray(0, used);
        buf = Buffer.allocUnsafe(Math.max(CHUNK, line.length * 3 + 1));
        used = 0;
      }
      used += buf.write(line, used, 'utf8');
      buf[used++] = 0x0a;
    }
    if (used > 0) yield buf.subarray(0, used);
  }
  await pipeline(Readable.from(chunks(), { objectMode: false }), stream);
}
