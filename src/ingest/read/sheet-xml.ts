import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { CHUNK_ROWS, type CellValue, type RawRow } from './read.types';
import { parseCellRef } from './table';

/** Decodes the five XML entities and numeric character references. */
export function decodeXml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    switch (e) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      case 'amp':
        return '&';
      default:
        return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    }
  });
}

/** The visible text of a string item: its <t> runs, without phonetic guides (<rPh>). */
function itemText(xml: string): string {
  const body = xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '');
  let text = '';
  for (const m of body.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)) text += m[1];
  return decodeXml(text);
}

/**
 * Splits a streamed XML part into complete elements ending in `closing` (e.g. '</row>'), so each
 * can be read with a regular expression; the unfinished tail waits for the next chunk.
 */
async function* elements(stream: Readable, closing: string): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let buf = '';
  for await (const chunk of stream) {
    buf += decoder.write(chunk as Buffer);
    const end = buf.lastIndexOf(closing);
    if (end < 0) continue;
    const complete = buf.slice(0, end + closing.length);
    buf = buf.slice(end + closing.length);
    yield complete;
  }
  buf += decoder.end();
  if (buf !== '') yield buf;
}

/** Reads the workbook's shared string table (xl/sharedStrings.xml) as it inflates. */
export async function readSharedStrings(stream: Readable): Promise<string[]> {
  const strings: string[] = [];
  for await (const block of elements(stream, '</si>')) {
    for (const m of block.matchAll(/<si>([\s\S]*?)<\/si>|<si\/>/g))
      strings.push(m[1] === undefined ? '' : itemText(m[1]));
  }
  return strings;
}

const ROW = /<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/g;
const CELL = /<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g;

/** One compiled pattern per attribute name: compiling it per cell was a large share of reading a sheet. */
const ATTR_PATTERNS = new Map<string, RegExp>();

function attr(attrs: string, name: string): string | undefined {
  let re = ATTR_PATTERNS.get(name);
  if (!re) {
    re = new RegExp(`\\b${name}="([^"]*)"`);
    ATTR_PATTERNS.set(name, re);
  }
  return re.exec(attrs)?.[1];
}

function cellValue(type: string | undefined, body: string | undefined, shared: readonly string[]): CellValue {
  if (body === undefined) return null;
  if (type === 'inlineStr') return itemText(body);
  const v = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1];
  if (v === undefined) return null;
  switch (type) {
    case 's':
      return shared[Number(v)] ?? null;
    case 'str':
      return decodeXml(v);
    case 'b':
      return v === '1';
    case 'e':
      return null;
    case 'd':
      return decodeXml(v);
    default: {
      const n = Number(v);
      return Number.isFinite(n) ? n : decodeXml(v);
    }
  }
}

/**
 * Streams a worksheet part's rows (<sheetData>) with their spreadsheet row numbers. Numbers stay
 * numbers (dates arrive as Excel serials, which the date normaliser reads), shared strings are
 * looked up, formulas give their cached result. Rows and cells without an `r` attribute follow the
 * previous one, as the format allows. Rows come in chunks of up to `CHUNK_ROWS` (one promise per
 * chunk, not per row).
 */
export async function* worksheetRows(stream: Readable, shared: readonly string[]): AsyncGenerator<RawRow[]> {
  let lastRow = 0;
  for await (const block of elements(stream, '</row>')) {
    let chunk: RawRow[] = [];
    for (const rm of block.matchAll(ROW)) {
      if (chunk.length >= CHUNK_ROWS) {
        yield chunk;
        chunk = [];
      }
      const r = attr(rm[1], 'r');
      const rowNumber = r ? Number(r) : lastRow + 1;
      lastRow = rowNumber;
      const cells: CellValue[] = [];
      if (rm[2] !== undefined) {
        let col = 0;
        for (const cm of rm[2].matchAll(CELL)) {
          const ref = attr(cm[1], 'r');
          col = ref ? (parseCellRef(ref)?.col ?? col + 1) : col + 1;
          const value = cellValue(attr(cm[1], 't'), cm[2], shared);
          while (cells.length < col - 1) cells.push(null);
          cells[col - 1] = value;
        }
      }
      chunk.push({ rowNumber, cells });
    }
    if (chunk.length > 0) yield chunk;
  }
}
