import type { ColumnMapping } from './mapping/mapping';
import { maskAddress } from '../auth/reveal';
import { maskIdNumber, maskPhone } from '../normalize';
import type { RowOutcome } from './mapping/normalize-row';
import type { Profile } from './mapping/profile';
import { openSpreadsheet } from './read/open';
import type { ReadOptions, SheetLayout, SkipReason } from './read/read.types';
import { rowEvents } from './rows';

/** What a dry run shows for one sheet. */
export interface SheetPreview {
  layout: SheetLayout;
  mapping: ColumnMapping[];
  /** Rows below the header (blank rows are not rows): data rows that would land or be rejected, and skipped rows. */
  counts: { rows: number; wouldLand: number; skipped: number; rejected: number };
  /** The first rows as they would land (or why not), ID numbers, phones and addresses masked. */
  sample: { rowNumber: number; skip: SkipReason | null; outcome: RowOutcome | null }[];
}

/** What a dry run found: how the file was read and how its rows would land. Nothing is written. */
export interface DryRunReport {
  fileName: string;
  profile: string;
  format: 'CSV' | 'XLSX';
  encoding: string | null;
  delimiter: string | null;
  ignoredSheets: string[];
  sheets: SheetPreview[];
  /**
   * The reading stopped after `maxRows` rows: the counts are those of the rows read, and sheets
   * after the one it stopped in are not listed (a real run reads and checks everything).
   */
  partial: boolean;
}

/**
 * Reads a whole file with a profile and reports the detected layout, the column mapping, the
 * counts and the first rows as they would land, without touching the database. A bad file fails
 * with the same error a real run would give.
 */
export async function dryRun(
  path: string,
  profile: Profile,
  opts: ReadOptions & { sampleSize?: number; maxRows?: number } = {},
): Promise<DryRunReport> {
  const file = await openSpreadsheet(path, {
    ...opts,
    encoding: opts.encoding ?? profile.encoding,
    delimiter: opts.delimiter ?? profile.delimiter,
    extraHeaders: Object.keys(profile.columns),
  });
  const sampleSize = opts.sampleSize ?? 10;
  const sheets: SheetPreview[] = [];
  let current: SheetPreview | null = null;
  let read = 0;
  let partial = false;
  for await (const e of rowEvents(file, profile)) {
    if (e.kind !== 'sheet' && read === opts.maxRows) {
      partial = true; // leaving the loop closes the file
      break;
    }
    if (e.kind === 'sheet') {
      current = {
        layout: e.layout,
        mapping: e.mapping,
        counts: { rows: 0, wouldLand: 0, skipped: 0, rejected: 0 },
        sample: [],
      };
      sheets.push(current);
      continue;
    }
    read++;
    const c = current!.counts;
    c.rows++;
    if (e.skip) c.skipped++;
    else if (e.outcome?.ok) c.wouldLand++;
    else c.rejected++;
    if (current!.sample.length < sampleSize)
      current!.sample.push({ rowNumber: e.rowNumber, skip: e.skip, outcome: maskOutcome(e.outcome) });
  }
  return {
    fileName: opts.fileName ?? path.split('/').pop()!,
    profile: profile.name,
    format: file.format,
    encoding: file.encoding,
    delimiter: file.delimiter,
    ignoredSheets: file.ignoredSheets,
    sheets,
    partial,
  };
}

/** The outcome with personal numbers and the address masked, for display. */
export function maskOutcome(outcome: RowOutcome | null): RowOutcome | null {
  if (!outcome || !outcome.ok) return outcome;
  const r = outcome.record;
  return {
    ...outcome,
    record: {
      ...r,
      idNumber: r.idNumber && maskIdNumber(r.idNumber),
      guardianIdNumber: r.guardianIdNumber && maskIdNumber(r.guardianIdNumber),
      phone: r.phone && maskPhone(r.phone),
      phones: r.phones.map(maskPhone),
      address: r.address && maskAddress(r.address),
    },
  };
}
