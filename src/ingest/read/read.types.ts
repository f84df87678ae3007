/** A cell as a reader gives it: CSV cells are text; XLSX cells keep numbers, booleans and dates. */
export type CellValue = string | number | boolean | Date | null;

/** One physical row: its number as the spreadsheet shows it (1-based) and its cells from column A. */
export interface RawRow {
  rowNumber: number;
  cells: CellValue[];
}

/** A merged range, 1-based and inclusive, as in the sheet's `<mergeCell ref="A3:A5"/>`. */
export interface MergeRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** Why a row below the header was skipped rather than read as data. */
export type SkipReason = 'TOTAL_ROW' | 'FOOTER' | 'REPEATED_HEADER';

/** What the reader found above the data: title rows, the header band and the joined column names. */
export interface SheetLayout {
  sheet: string;
  /** Non-blank rows above the header (report titles, 填报单位 lines). */
  titleRows: number[];
  /** The one or two rows whose cells were joined into column names. */
  headerRows: number[];
  /** Column names by position (index 0 = column A); a two-level header is joined as 上级/下级. */
  columns: string[];
}

/**
 * Rows per chunk the readers hand on (`SheetTable.chunks`): enough that a promise per chunk costs
 * little, few enough that a chunk's rows do not outlive a young collection (`csvRows`).
 */
export const CHUNK_ROWS = 64;

/** A row below the header: data to map, or a row skipped with its reason. */
export interface TableRow {
  sheet: string;
  rowNumber: number;
  /** Cells by position, merged cells already filled from their master cell. */
  cells: CellValue[];
  skip: SkipReason | null;
}

/** A sheet whose header was found, and its rows as a stream. */
export interface SheetTable {
  layout: SheetLayout;
  /** The rows in chunks (arrays in sheet order): what an ingest reads, one promise per chunk. */
  chunks: AsyncIterable<TableRow[]>;
  /** The same rows one by one. */
  rows: AsyncIterable<TableRow>;
  /**
   * Reads the rest of the sheet and counts the rows `rows` would give, without classifying them:
   * the first pass over a file, which proves it readable and sizes the run. `chunks`, `rows` and
   * `count` consume the same stream: use one of them.
   */
  count(): Promise<number>;
}

/** Options shared by the readers. */
export interface ReadOptions {
  /** File name as uploaded, used in messages (the path on disk may be a temporary name). */
  fileName?: string;
  /** Force the CSV encoding instead of detecting it (utf-8, gbk, gb18030, utf-16le). */
  encoding?: string;
  /** Force the CSV delimiter instead of detecting it. */
  delimiter?: string;
  /** Refuse files larger than this many bytes. */
  maxFileBytes?: number;
  /** Refuse workbooks that inflate to more than this many bytes. */
  maxUncompressedBytes?: number;
  /** Extra header texts that count as known (a profile's pinned columns). */
  extraHeaders?: readonly string[];
}

/** A spreadsheet opened for reading: its format, how it was decoded, and its sheets in order. */
export interface OpenedSpreadsheet {
  format: 'CSV' | 'XLSX';
  encoding: string | null;
  delimiter: string | null;
  /** Sheets that were blank or hidden and therefore not read. */
  ignoredSheets: string[];
  sheets(): AsyncIterable<SheetTable>;
}
