import { mapColumns, RowTransformer, rawCells, type ColumnMapping } from './mapping/mapping';
import { normalizeRow, type RowOutcome } from './mapping/normalize-row';
import type { Profile } from './mapping/profile';
import type { OpenedSpreadsheet, SheetLayout, SkipReason } from './read/read.types';

const COMMUNITY_SHEET = /(社区|村|居委会)$/;

/** One row below a header, with what became of it. */
export type RowEvent =
  | { kind: 'sheet'; layout: SheetLayout; mapping: ColumnMapping[] }
  | {
      kind: 'row';
      sheet: string;
      rowNumber: number;
      /** The cells as received, by column name. */
      raw: Record<string, unknown>;
      skip: SkipReason | null;
      /** Null for skipped rows. */
      outcome: RowOutcome | null;
    };

/**
 * Reads every sheet of an opened spreadsheet and turns each row below the header into an event:
 * skipped (with the reader's reason), or normalised into a record or a rejection. The one place
 * where reading, mapping and normalising meet, shared by the dry run and real runs. Events come in
 * chunks as the reader gives its rows: a sheet's event alone, then its rows' events.
 */
export async function* rowEventChunks(file: OpenedSpreadsheet, profile: Profile): AsyncGenerator<RowEvent[]> {
  for await (const table of file.sheets()) {
    const { columns } = table.layout;
    const mapping = mapColumns(columns, profile);
    const transformer = new RowTransformer(columns, profile.transforms);
    yield [{ kind: 'sheet', layout: table.layout, mapping }];
    for await (const rows of table.chunks) {
      const events: RowEvent[] = [];
      for (const row of rows) {
        const raw = rawCells(columns, row.cells);
        if (row.skip) {
          events.push({
            kind: 'row',
            sheet: row.sheet,
            rowNumber: row.rowNumber,
            raw,
            skip: row.skip,
            outcome: null,
          });
          continue;
        }
        const outcome = normalizeRow(transformer.apply(row.cells), mapping, profile);
        // one sheet per community is common: the sheet's name says where its rows live
        if (outcome.ok && outcome.record.community === null && COMMUNITY_SHEET.test(row.sheet))
          outcome.record.community = row.sheet;
        events.push({ kind: 'row', sheet: row.sheet, rowNumber: row.rowNumber, raw, skip: null, outcome });
      }
      yield events;
    }
  }
}

/** `rowEventChunks` one event at a time. */
export async function* rowEvents(file: OpenedSpreadsheet, profile: Profile): AsyncGenerator<RowEvent> {
  for await (const events of rowEventChunks(file, profile)) yield* events;
}
