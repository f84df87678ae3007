import { AppError } from '../../errors/app-error';
import type { MergeRange, OpenedSpreadsheet, RawRow, ReadOptions, SheetTable } from './read.types';
import { decodeXml, readSharedStrings, worksheetRows } from './sheet-xml';
import { parseCellRef, readSheetTable } from './table';
import { asZipError, checkZipEntries, listZipEntries, openZipEntry, readZipText, type ZipEntry } from './zip';

/** Default cap on a workbook's uncompressed size: 100k rows of a wide roster stay well below it. */
export const DEFAULT_MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024;
/** Real XLSX parts compress 5–30 times; a ratio this high is a zip bomb. */
const MAX_RATIO = 200;
const MERGE = /<mergeCell\s+ref="([A-Z]+\d+)(?::([A-Z]+\d+))?"/g;

/** A worksheet as the workbook lists it. */
export interface WorkbookSheet {
  name: string;
  entry: string;
  hidden: boolean;
}

/** Reads the workbook's sheet list (names, parts, visibility) from workbook.xml and its relationships. */
export function parseWorkbookSheets(workbookXml: string, relsXml: string): WorkbookSheet[] {
  const targets = new Map<string, string>();
  for (const m of relsXml.matchAll(/<Relationship\b([^>]*)\/?>/g)) {
    const id = /\bId="([^"]+)"/.exec(m[1])?.[1];
    const target = /\bTarget="([^"]+)"/.exec(m[1])?.[1];
    if (id && target) targets.set(id, target.replace(/^\/?(xl\/)?/, 'xl/'));
  }
  const sheets: WorkbookSheet[] = [];
  for (const m of workbookXml.matchAll(/<sheet\b([^>]*)\/?>/g)) {
    const name = /\bname="([^"]*)"/.exec(m[1])?.[1];
    const rid = /\br:id="([^"]+)"/.exec(m[1])?.[1];
    const state = /\bstate="([^"]+)"/.exec(m[1])?.[1];
    const entry = rid ? targets.get(rid) : undefined;
    if (name !== undefined && entry)
      sheets.push({ name: decodeXml(name), entry, hidden: state === 'hidden' || state === 'veryHidden' });
  }
  return sheets;
}

/**
 * Collects a worksheet's merge ranges by scanning its XML as it inflates. The streaming reader of
 * exceljs neither exposes merges nor fills merged cells, and `<mergeCells>` comes after
 * `<sheetData>`, so the merges must be known before the rows are read: this pre-pass streams each
 * sheet part once (memory stays flat whatever the size) and, by counting every inflated byte,
 * also proves the workbook's real uncompressed size before exceljs reads it.
 */
async function scanEntry(
  path: string,
  entry: ZipEntry,
  budget: { left: number },
  fileLabel: string,
  wantMerges: boolean,
): Promise<MergeRange[]> {
  const merges: MergeRange[] = [];
  let tail = '';
  try {
    const stream = await openZipEntry(path, entry, budget.left, fileLabel);
    for await (const chunk of stream) {
      budget.left -= (chunk as Buffer).length;
      if (!wantMerges) continue;
      const text = tail + (chunk as Buffer).toString('latin1');
      let lastEnd = 0;
      MERGE.lastIndex = 0;
      for (let m = MERGE.exec(text); m; m = MERGE.exec(text)) {
        const a = parseCellRef(m[1]);
        const b = parseCellRef(m[2] ?? m[1]);
        if (a && b)
          merges.push({
            top: Math.min(a.row, b.row),
            left: Math.min(a.col, b.col),
            bottom: Math.max(a.row, b.row),
            right: Math.max(a.col, b.col),
          });
        lastEnd = MERGE.lastIndex;
      }
      tail = text.slice(Math.max(lastEnd, text.length - 200));
    }
  } catch (e) {
    throw asZipError(e, fileLabel);
  }
  return merges;
}

async function* sheetRows(
  path: string,
  entry: ZipEntry,
  shared: readonly string[],
  max: number,
  fileLabel: string,
  sheet: string,
): AsyncGenerator<RawRow[]> {
  let last = 0;
  try {
    for await (const rows of worksheetRows(await openZipEntry(path, entry, max, fileLabel), shared)) {
      last = rows[rows.length - 1].rowNumber;
      yield rows;
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError(
      'FILE_CORRUPT',
      `${fileLabel}, sheet ${sheet}: the sheet's content is damaged after row ${last}`,
    );
  }
}

/**
 * Opens an XLSX workbook for streaming: checks the zip (encrypted parts, declared and real
 * uncompressed size), lists its sheets, collects merge ranges, then streams each visible sheet's
 * rows in workbook order. The rows are read by our own small parser over node:zlib rather than
 * exceljs's WorkbookReader: that reader crashed or returned sheets with empty shared strings from
 * time to time under test (its unzipper stream and temp files race), it cannot report merges, and
 * it cannot enforce the uncompressed-size cap. exceljs stays for writing workbooks.
 */
export async function openXlsx(
  path: string,
  opts: ReadOptions,
  fileLabel: string,
): Promise<OpenedSpreadsheet> {
  const max = opts.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES;
  const entries = await listZipEntries(path, fileLabel);
  checkZipEntries(entries, { maxUncompressedBytes: max, maxRatio: MAX_RATIO }, fileLabel);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const workbook = byName.get('xl/workbook.xml');
  const rels = byName.get('xl/_rels/workbook.xml.rels');
  if (!workbook || !rels) {
    throw new AppError(
      'FILE_CORRUPT',
      `${fileLabel} is a zip archive but not an XLSX workbook (no xl/workbook.xml)`,
    );
  }
  const sheets = parseWorkbookSheets(
    await readZipText(path, workbook, max, fileLabel),
    await readZipText(path, rels, max, fileLabel),
  );
  const sheetByEntry = new Map(sheets.map((s) => [s.entry, s]));
  const merges = new Map<string, MergeRange[]>();
  const budget = { left: max };
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue;
    const sheet = sheetByEntry.get(entry.name);
    const found = await scanEntry(path, entry, budget, fileLabel, sheet !== undefined);
    if (sheet) merges.set(sheet.name, found);
  }
  const ignoredSheets: string[] = [];
  return {
    format: 'XLSX',
    encoding: null,
    delimiter: null,
    ignoredSheets,
    async *sheets(): AsyncGenerator<SheetTable> {
      let tables = 0;
      let shared: string[] = [];
      const sharedEntry = byName.get('xl/sharedStrings.xml');
      if (sharedEntry) {
        try {
          shared = await readSharedStrings(await openZipEntry(path, sharedEntry, max, fileLabel));
        } catch (e) {
          throw asZipError(e, fileLabel);
        }
      }
      for (const sheet of sheets) {
        const entry = byName.get(sheet.entry);
        if (sheet.hidden || !entry) {
          ignoredSheets.push(sheet.name);
          continue;
        }
        const table = await readSheetTable(
          sheet.name,
          sheetRows(path, entry, shared, max, fileLabel, sheet.name),
          merges.get(sheet.name) ?? [],
          {
            fileLabel,
            hasMergeInfo: true,
            extraHeaders: opts.extraHeaders,
          },
        );
        if (!table) {
          ignoredSheets.push(sheet.name);
          continue;
        }
        tables++;
        yield table;
      }
      if (tables === 0) throw new AppError('FILE_EMPTY', `${fileLabel} holds no rows in any sheet`);
    },
  };
}
