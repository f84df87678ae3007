import ExcelJS from 'exceljs';
import type { FigureColumn, FormFigures } from '../engine/report-engine';

const NUM_FMT: Record<FigureColumn['format'], string> = {
  INTEGER: '#,##0',
  MONEY: '#,##0.00',
  PERCENT: '0.00',
};
const FONT = 'SimSun'; // 宋体: what government forms are printed in; viewers substitute when missing
const thin = { style: 'thin' as const };
const BOX = { top: thin, left: thin, bottom: thin, right: thin };

/** Where things landed in a written sheet (for tests and for callers that add to it). */
export interface FormSheetLayout {
  headerTop: number;
  headerBottom: number;
  firstDataRow: number;
  lastDataRow: number;
  labelColumns: number;
  lastColumn: number;
}

/** The date a form is reported (报出日期), as written: 2026年10月8日 (China date of `at`). */
export function reportDate(at: Date): string {
  const d = new Date(at.getTime() + 8 * 3600 * 1000);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

/**
 * Writes a generated form as a worksheet in the layout offices use: a merged title row, the
 * 填报单位 / 报告期 / 单位 line, merged multi-level headers, one row per area (with 小计 rows
 * when the form has them) and a 合计 row, number formats per column, notes, the 填表人 / 审核人 /
 * 报出日期 footer, A4 landscape fitted to one page wide, headers frozen and repeated on every page.
 */
export function addFormSheet(
  wb: ExcelJS.Workbook,
  fig: FormFigures,
  opts: { reportedAt: Date },
): FormSheetLayout {
  const ws = wb.addWorksheet(fig.title.slice(0, 31), {
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
  });
  const grid = fig.rowLevel === 'GRID';
  const labelColumns = grid ? 2 : 1;
  const lastColumn = labelColumns + fig.columns.length;
  const depth = Math.max(...fig.columns.map((c) => c.header.length));
  const font = (size: number, bold = false) => ({ name: FONT, size, bold });

  // title
  ws.mergeCells(1, 1, 1, lastColumn);
  const title = ws.getCell(1, 1);
  title.value = fig.title;
  title.font = font(18, true);
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(1).height = 32;

  // table number on the right, then 填报单位 / 报告期 / 单位
  if (fig.tableCode) {
    const c = ws.getCell(2, lastColumn);
    c.value = `表号：${fig.tableCode}`;
    c.font = font(10);
    c.alignment = { horizontal: 'right' };
  }
  const third = Math.max(1, Math.floor(lastColumn / 3));
  const infoRow = 3;
  const info: [number, number, string, 'left' | 'center' | 'right'][] = [
    [1, third, `填报单位：${fig.areaName}`, 'left'],
    [third + 1, lastColumn - third, `报告期：${fig.periodLabel}`, 'center'],
    [lastColumn - third + 1, lastColumn, `单位：${fig.unit}`, 'right'],
  ];
  for (const [from, to, text, horizontal] of info) {
    if (to > from) ws.mergeCells(infoRow, from, infoRow, to);
    const c = ws.getCell(infoRow, from);
    c.value = text;
    c.font = font(11);
    c.alignment = { horizontal, vertical: 'middle' };
  }

  // headers: labels merged down; indicator headers merged across equal prefixes and down when short
  const headerTop = infoRow + 1;
  const headerBottom = headerTop + depth - 1;
  const labels = grid ? ['社区', '网格'] : ['单位名称'];
  labels.forEach((l, i) => {
    if (depth > 1) ws.mergeCells(headerTop, i + 1, headerBottom, i + 1);
    ws.getCell(headerTop, i + 1).value = l;
  });
  fig.columns.forEach((col, i) => {
    const x = labelColumns + 1 + i;
    for (let d = 0; d < col.header.length; d++) {
      const y = headerTop + d;
      const prefix = col.header.slice(0, d + 1).join('|');
      const prev = fig.columns[i - 1];
      if (prev && prev.header.length > d && prev.header.slice(0, d + 1).join('|') === prefix) continue; // merged into the left
      let span = 1;
      while (
        fig.columns[i + span] &&
        fig.columns[i + span].header.length > d + 1 &&
        col.header.length > d + 1 &&
        fig.columns[i + span].header.slice(0, d + 1).join('|') === prefix
      )
        span++;
      const bottom = d === col.header.length - 1 ? headerBottom : y;
      if (span > 1 || bottom > y) ws.mergeCells(y, x, bottom, x + span - 1);
      ws.getCell(y, x).value = col.header[d];
    }
  });
  for (let y = headerTop; y <= headerBottom; y++) {
    ws.getRow(y).height = 30;
    for (let x = 1; x <= lastColumn; x++) {
      const c = ws.getCell(y, x);
      c.font = font(11, true);
      c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      c.border = BOX;
      c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
    }
  }

  // one row per area, 小计 rows, 合计
  let y = headerBottom + 1;
  const firstDataRow = y;
  for (const r of fig.rows) {
    const row = ws.getRow(y);
    if (grid) {
      row.getCell(1).value = r.kind === 'AREA' ? r.parentName : r.name;
      row.getCell(2).value = r.kind === 'AREA' ? r.name : '';
      if (r.kind !== 'AREA') ws.mergeCells(y, 1, y, 2);
    } else row.getCell(1).value = r.name;
    fig.columns.forEach((col, i) => {
      const c = row.getCell(labelColumns + 1 + i);
      const v = r.values[col.key];
      c.value = v === null || v === undefined ? null : v;
      c.numFmt = NUM_FMT[col.format];
      c.alignment = { horizontal: 'right', vertical: 'middle' };
    });
    for (let x = 1; x <= lastColumn; x++) {
      const c = row.getCell(x);
      c.border = BOX;
      c.font = font(11, r.kind !== 'AREA');
      if (x <= labelColumns)
        c.alignment = { horizontal: r.kind === 'AREA' ? 'left' : 'center', vertical: 'middle' };
    }
    row.height = 20;
    y++;
  }
  const lastDataRow = y - 1;

  // notes, then the signature footer
  y++;
  for (const [i, n] of fig.notes.entries()) {
    ws.mergeCells(y, 1, y, lastColumn);
    const c = ws.getCell(y, 1);
    c.value = `${i === 0 ? '注：' : '　　'}${n}`;
    c.font = font(10);
    c.alignment = { wrapText: true, vertical: 'top' };
    ws.getRow(y).height = 28;
    y++;
  }
  y++;
  const footer: [number, number, string][] = [
    [1, third, '填表人：'],
    [third + 1, lastColumn - third, '审核人：'],
    [lastColumn - third + 1, lastColumn, `报出日期：${reportDate(opts.reportedAt)}`],
  ];
  for (const [from, to, text] of footer) {
    if (to > from) ws.mergeCells(y, from, y, to);
    const c = ws.getCell(y, from);
    c.value = text;
    c.font = font(11);
  }

  // widths, frozen header, header rows repeated on every printed page
  ws.getColumn(1).width = grid ? 16 : 22;
  if (grid) ws.getColumn(2).width = 22;
  // wide enough for the column's own (bottom) header and its largest figure; CJK counts double
  const textWidth = (t: string) => [...t].reduce((n, ch) => n + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0);
  fig.columns.forEach((col, i) => {
    const label = textWidth(col.header[col.header.length - 1]);
    const figure = Math.max(...fig.rows.map((r) => String(r.values[col.key] ?? '').length + 4));
    ws.getColumn(labelColumns + 1 + i).width = Math.min(24, Math.max(10, label + 2, figure));
  });
  ws.views = [
    { state: 'frozen', xSplit: labelColumns, ySplit: headerBottom, activeCell: `A${headerBottom + 1}` },
  ];
  ws.pageSetup.printTitlesRow = `${headerTop}:${headerBottom}`;
  ws.pageSetup.printArea = `A1:${ws.getColumn(lastColumn).letter}${y}`;
  return { headerTop, headerBottom, firstDataRow, lastDataRow, labelColumns, lastColumn };
}

/** A whole workbook for one generated form, as a buffer ready to save or send. */
export async function formWorkbook(fig: FormFigures, opts: { reportedAt: Date }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '一表 Yibiao';
  wb.created = opts.reportedAt;
  wb.modified = opts.reportedAt;
  addFormSheet(wb, fig, opts);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
