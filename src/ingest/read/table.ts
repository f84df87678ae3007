import { AppError } from '../../errors/app-error';
import { toHalfWidth } from '../../normalize';
import { headerKey, isKnownHeader } from '../mapping/synonyms';
import type {
  CellValue,
  MergeRange,
  RawRow,
  SheetLayout,
  SheetTable,
  SkipReason,
  TableRow,
} from './read.types';

/** How many rows from the top are searched for the header. */
export const HEADER_SCAN_ROWS = 30;

/** A cell's text starts a totals row (in the row's first three filled cells) or a signature footer. */
const TOTAL = startsWithOneOf(['合计', '小计', '总计', '共计']);
const FOOTER = startsWithOneOf([
  '填表人',
  '填报人',
  '制表人',
  '审核人',
  '审批人',
  '负责人',
  '单位负责人',
  '统计人',
  '经办人',
  '报出日期',
  '填表日期',
  '制表日期',
  '填报日期',
  '单位(盖章)',
  '单位盖章',
]);

/**
 * Whether a cell's text (`cellText`, spaces inside removed) starts with one of `words`. Every data
 * row of a roster is asked this for each cell, so a cell whose first visible character starts no
 * word is answered without building its text. The words begin with CJK characters, which
 * `cellText`'s half-width conversion leaves as they are.
 */
function startsWithOneOf(words: string[]): (c: CellValue) => boolean {
  const first = new Set(words.map((w) => w[0]));
  for (const f of first) if (toHalfWidth(f) !== f || /[\x00-\x7f]/.test(f)) throw new Error(`${f}: not CJK`);
  return (c) => {
    if (typeof c !== 'string') return false; // numbers, dates and booleans start with no CJK character
    const at = c.search(VISIBLE);
    if (at < 0 || !first.has(c[at])) return false;
    const t = cellText(c).replace(/\s/g, '');
    return words.some((w) => t.startsWith(w));
  };
}

/** Column letters as the spreadsheet shows them: 0 → A, 26 → AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** Parses an A1 reference such as 'AB12' into a 1-based row and column. */
export function parseCellRef(ref: string): { row: number; col: number } | null {
  const m = /^\$?([A-Z]{1,3})\$?(\d+)$/.exec(ref);
  if (!m) return null;
  let col = 0;
  for (const ch of m[1]) col = col * 26 + (ch.charCodeAt(0) - 64);
  return { row: Number(m[2]), col };
}

/** The text of a cell for layout decisions, or '' for a blank. */
export function cellText(v: CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return toHalfWidth(String(v))
    .replace(/[\s\u3000\u200B-\u200D\uFEFF]+/g, ' ')
    .trim();
}

/** Text that `cellText` turns into '': spaces of any width and invisible characters only. */
const BLANK_TEXT = /^[\s\u3000\u200B-\u200D\uFEFF]*$/;
/** A character `cellText` keeps (the first one is where a cell's text starts). */
const VISIBLE = /[^\s\u3000\u200B-\u200D\uFEFF]/;

/** Whether one of a row's first `n` cells that are not blank (as `cellText` sees them) passes `test`. */
function someOfFirstFilled(cells: CellValue[], n: number, test: (c: CellValue) => boolean): boolean {
  // (a loop, not an array of the cells: every data row is asked)
  for (let i = 0, seen = 0; i < cells.length && seen < n; i++) {
    if (isBlankCell(cells[i])) continue;
    if (test(cells[i])) return true;
    seen++;
  }
  return false;
}

/** Whether a cell is blank as `cellText` sees it, without building its text. */
function isBlankCell(c: CellValue): boolean {
  return c === null || c === undefined
    ? true
    : typeof c === 'string'
      ? BLANK_TEXT.test(c)
      : cellText(c) === '';
}

/** Whether a row's every cell is blank, as `cellText` sees it, without building each cell's text. */
function isBlankRow(cells: CellValue[]): boolean {
  return cells.every(isBlankCell);
}

function looksLikeData(v: CellValue): boolean {
  if (typeof v === 'number' || v instanceof Date || typeof v === 'boolean') return true;
  return /\d{4,}/.test(cellText(v));
}

/**
 * Fills merged cells from their master cell as rows stream past. The streaming XLSX reader gives
 * null for every non-master cell of a merge, so a household's 户号 or 家庭住址 merged down its
 * member rows would otherwise reach only the first member. Master values are dropped once the
 * range's last row has passed, so memory follows the open merges, not the sheet.
 */
export class MergeFiller {
  private readonly byRow = new Map<number, MergeRange[]>();
  private readonly masters = new Map<MergeRange, CellValue>();

  constructor(merges: readonly MergeRange[]) {
    for (const m of merges) {
      for (let r = m.top; r <= m.bottom; r++) {
        const list = this.byRow.get(r) ?? [];
        list.push(m);
        this.byRow.set(r, list);
      }
    }
  }

  /** Returns the row with every covered cell holding its master's value. */
  fill(row: RawRow): RawRow {
    const ranges = this.byRow.get(row.rowNumber);
    if (!ranges) return row;
    const cells = row.cells.slice();
    for (const m of ranges) {
      if (m.top === row.rowNumber) this.masters.set(m, row.cells[m.left - 1] ?? null);
      const v = this.masters.get(m) ?? null;
      for (let c = m.left; c <= m.right; c++) cells[c - 1] = v;
      if (m.bottom === row.rowNumber) this.masters.delete(m);
    }
    this.byRow.delete(row.rowNumber);
    return { rowNumber: row.rowNumber, cells };
  }
}

/** Options for finding the table inside a sheet. */
export interface TableOptions {
  /** Header texts a profile pins, counted as known when looking for the header row. */
  extraHeaders?: readonly string[];
  /** File name for messages. */
  fileLabel: string;
  /** True when merges are known (XLSX); CSV relies on the shape of the rows instead. */
  hasMergeInfo: boolean;
}

/**
 * Finds the table in a sheet: skips title rows, finds the header (the first row, within the first
 * 30, with at least two cells that name known fields), joins a two-level header into 上级/下级
 * names, and streams the rows below it, marking totals rows, repeated headers and everything from
 * a signature footer (填表人…) down as skipped. Returns null for a blank sheet. Rows come and go
 * in chunks (arrays of rows in sheet order), one promise per chunk rather than per row.
 */
export async function readSheetTable(
  sheet: string,
  rows: AsyncIterable<RawRow[]>,
  merges: readonly MergeRange[],
  opts: TableOptions,
): Promise<SheetTable | null> {
  const filler = new MergeFiller(merges);
  const extra = new Set((opts.extraHeaders ?? []).map(headerKey));
  const known = (v: CellValue) => {
    const t = cellText(v);
    return t !== '' && (isKnownHeader(t) || extra.has(headerKey(t)));
  };
  const it = rows[Symbol.asyncIterator]();
  // the chunk being read and the position in it; the header is looked for row by row
  let chunk: RawRow[] = [];
  let pos = 0;
  const nextRow = async (): Promise<RawRow | null> => {
    while (pos >= chunk.length) {
      const next = await it.next();
      if (next.done) return null;
      chunk = next.value;
      pos = 0;
    }
    return chunk[pos++];
  };
  const buffered: RawRow[] = [];
  let headerIndex = -1;
  while (buffered.length < HEADER_SCAN_ROWS) {
    const next = await nextRow();
    if (next === null) break;
    const row = filler.fill(next);
    if (isBlankRow(row.cells)) continue;
    buffered.push(row);
    if (row.cells.filter(known).length >= 2) {
      headerIndex = buffered.length - 1;
      break;
    }
  }
  if (headerIndex < 0) {
    if (buffered.length === 0) return null;
    throw new AppError(
      'HEADER_NOT_FOUND',
      `${opts.fileLabel}, sheet ${sheet}: no header row found in the first ${HEADER_SCAN_ROWS} rows ` +
        '(expected a row naming at least two fields such as 姓名 and 身份证号)',
    );
  }
  const header = buffered[headerIndex];
  // the row below may be the second level of the header; peek at it
  let peeked: RawRow | null = null;
  for (;;) {
    const next = await nextRow();
    if (next === null) break;
    const row = filler.fill(next);
    if (isBlankRow(row.cells)) continue;
    peeked = row;
    break;
  }
  const upper = headerIndex > 0 ? buffered[headerIndex - 1] : null;
  const band: RawRow[] = [];
  if (upper && isUpperHeader(upper, header, merges, opts.hasMergeInfo)) band.push(upper);
  band.push(header);
  if (peeked && isLowerHeader(header, peeked, merges, opts.hasMergeInfo)) {
    band.push(peeked);
    peeked = null;
  }
  const columns = joinHeader(band, opts.hasMergeInfo);
  const layout: SheetLayout = {
    sheet,
    titleRows: buffered
      .slice(0, headerIndex)
      .filter((r) => !band.includes(r))
      .map((r) => r.rowNumber),
    headerRows: band.map((r) => r.rowNumber),
    columns,
  };
  const lastHeader = band[band.length - 1].cells.map(cellText);

  /** The rows below the header, a chunk at a time: the rest of the chunk the header was in, then each one after. */
  async function* chunks(): AsyncGenerator<TableRow[]> {
    let inFooter = false;
    // (each data row goes through here: no text is built for a cell that cannot change the answer)
    const classify = (row: RawRow): TableRow => {
      let skip: SkipReason | null = null;
      const cells = row.cells;
      if (inFooter || cells.some(FOOTER)) {
        inFooter = true;
        skip = 'FOOTER';
      } else if (someOfFirstFilled(cells, 3, TOTAL)) {
        skip = 'TOTAL_ROW';
      } else if (cells.length >= 2 && lastHeader.every((t, i) => t === cellText(cells[i] ?? null))) {
        skip = 'REPEATED_HEADER';
      }
      return { sheet, rowNumber: row.rowNumber, cells, skip };
    };
    const out: TableRow[] = [];
    if (peeked) out.push(classify(peeked));
    for (; pos < chunk.length; pos++) {
      const row = filler.fill(chunk[pos]);
      if (!isBlankRow(row.cells)) out.push(classify(row));
    }
    if (out.length > 0) yield out;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      const rows: TableRow[] = [];
      for (const raw of next.value) {
        const row = filler.fill(raw);
        if (!isBlankRow(row.cells)) rows.push(classify(row));
      }
      if (rows.length > 0) yield rows;
    }
  }
  async function* rowByRow(): AsyncGenerator<TableRow> {
    for await (const rows of chunks()) yield* rows;
  }
  async function count(): Promise<number> {
    let n = peeked ? 1 : 0;
    for (; pos < chunk.length; pos++) if (!isBlankRow(filler.fill(chunk[pos]).cells)) n++;
    for (;;) {
      const next = await it.next();
      if (next.done) return n;
      for (const raw of next.value) if (!isBlankRow(filler.fill(raw).cells)) n++;
    }
  }
  return { layout, chunks: chunks(), rows: rowByRow(), count };
}

/** A row above the header is its upper level when merges tie it to the header, or it groups columns. */
function isUpperHeader(
  upper: RawRow,
  header: RawRow,
  merges: readonly MergeRange[],
  hasMergeInfo: boolean,
): boolean {
  // a title merged across the sheet repeats one text; a group row has at least two
  const texts = upper.cells.map(cellText);
  if (new Set(texts.filter((t) => t !== '')).size < 2) return false;
  // 填报单位：… and 报告期：… lines are titles, not column groups
  if (texts.some((t) => /[:：]/.test(t))) return false;
  const u = upper.rowNumber;
  if (hasMergeInfo) {
    const width = header.cells.length;
    return merges.some(
      (m) =>
        m.top === u && (m.bottom >= header.rowNumber || (m.right > m.left && m.right - m.left + 1 < width)),
    );
  }
  if (texts.some((t) => /\d/.test(t))) return false;
  // a group cell sits above a header cell and is followed by a blank over the group's other columns
  return texts.some(
    (t, i) => t !== '' && (texts[i + 1] ?? '') === '' && cellText(header.cells[i + 1] ?? null) !== '',
  );
}

/** A row below the header is its lower level when merges tie it to the header, or it fills the header's gaps. */
function isLowerHeader(
  header: RawRow,
  lower: RawRow,
  merges: readonly MergeRange[],
  hasMergeInfo: boolean,
): boolean {
  if (lower.cells.some(looksLikeData)) return false;
  const h = header.rowNumber;
  if (hasMergeInfo) {
    return merges.some((m) => m.top === h && (m.bottom > h || m.right > m.left)) && lower.rowNumber === h + 1;
  }
  const upper = header.cells.map(cellText);
  return lower.cells.some((c, i) => cellText(c) !== '' && (upper[i] ?? '') === '');
}

/**
 * Joins the header band into one name per column. Merged cells were already filled (XLSX); in a
 * CSV an upper cell is carried right over the blanks of its group, where the row below has names.
 */
function joinHeader(band: RawRow[], hasMergeInfo: boolean): string[] {
  const width = Math.max(...band.map((r) => r.cells.length));
  const texts = band.map((r) => Array.from({ length: width }, (_, i) => cellText(r.cells[i] ?? null)));
  if (!hasMergeInfo) {
    for (let level = 0; level < texts.length - 1; level++) {
      let carry = '';
      for (let i = 0; i < width; i++) {
        if (texts[level][i] !== '') carry = texts[level][i];
        else if (texts[level + 1][i] !== '' && carry !== '') texts[level][i] = carry;
        else carry = '';
      }
    }
  }
  const seen = new Map<string, number>();
  const names: string[] = [];
  for (let i = 0; i < width; i++) {
    const parts: string[] = [];
    for (const level of texts) {
      const t = level[i].replace(/\s+/g, '');
      if (t !== '' && parts[parts.length - 1] !== t) parts.push(t);
    }
    let name = parts.length > 0 ? parts.join('/') : `列${columnLetter(i)}`;
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    if (n > 1) name = `${name}(${n})`;
    names.push(name);
  }
  // trailing unnamed columns carry nothing
  while (names.length > 0 && /^列[A-Z]+$/.test(names[names.length - 1])) names.pop();
  return names;
}
