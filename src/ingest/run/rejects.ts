import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { IngestRowIssueRow, IngestRunRow } from './ingest.service';

/** The text each outcome carries in the download. */
const OUTCOME: Record<string, string> = { SKIPPED: '跳过', REJECTED: '拒收' };

/** Reads a run's skipped and rejected rows in file order, page by page. */
export type IssuePager = (after: number) => Promise<IngestRowIssueRow[]>;

/**
 * Writes a run's skipped and rejected rows as an XLSX workbook, streamed: one sheet per source
 * sheet, with the original columns as the file had them, then the row number as the spreadsheet
 * showed it, the outcome and the reason, so staff can correct the rows and send them again.
 * Every cell goes through `cell`: the caller masks ID numbers and phones unless the reader may
 * see them (exports follow the same rules as answers).
 */
export async function writeRejectsWorkbook(
  run: IngestRunRow,
  pager: IssuePager,
  out: Writable,
  cell: (v: unknown) => unknown,
): Promise<void> {
  const layouts = (Array.isArray(run.layout) ? run.layout : []) as { sheet: string; columns: string[] }[];
  const columnsOf = new Map(layouts.map((l) => [l.sheet, l.columns]));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useSharedStrings: false,
    useStyles: false,
  });
  const sheets = new Map<string, { ws: ExcelJS.Worksheet; columns: string[] }>();
  let after = 0;
  for (;;) {
    const page = await pager(after);
    if (page.length === 0) break;
    for (const issue of page) {
      let s = sheets.get(issue.sheet);
      if (!s) {
        const columns = columnsOf.get(issue.sheet) ?? Object.keys(issue.raw);
        const ws = wb.addWorksheet(issue.sheet.slice(0, 31) || '数据');
        ws.addRow([...columns, '原行号', '处理结果', '原因代码', '说明']).commit();
        s = { ws, columns };
        sheets.set(issue.sheet, s);
      }
      const extra = Object.keys(issue.raw).filter((k) => !s!.columns.includes(k));
      const cells = s.columns.map((c) => cell(issue.raw[c] ?? null));
      const note =
        extra.length > 0
          ? `${issue.message}（另有：${extra.map((k) => `${k}=${String(cell(issue.raw[k]))}`).join('，')}）`
          : issue.message;
      s.ws
        .addRow([...cells, issue.row_number, OUTCOME[issue.outcome] ?? issue.outcome, issue.reason, note])
        .commit();
      after = issue.seq;
    }
  }
  if (sheets.size === 0) wb.addWorksheet('无问题行').addRow(['本次导入没有跳过或拒收的行']).commit();
  await wb.commit();
}
