import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { AppError } from '../../errors/app-error';
import { legacyId, PEOPLE, writeIngestFixtures } from '../fixtures/ingest-fixtures';
import { detectDelimiter, detectEncoding } from './csv.reader';
import { openSpreadsheet } from './open';
import type { ReadOptions, SheetLayout, TableRow } from './read.types';
import { MergeFiller } from './table';

const DIR = join(__dirname, '../../../fixtures/ingest');

async function readAll(path: string, opts: ReadOptions = {}) {
  const file = await openSpreadsheet(path, opts);
  const sheets: { layout: SheetLayout; rows: TableRow[] }[] = [];
  for await (const t of file.sheets()) {
    const rows: TableRow[] = [];
    for await (const r of t.rows) rows.push(r);
    sheets.push({ layout: t.layout, rows });
  }
  return {
    format: file.format,
    encoding: file.encoding,
    delimiter: file.delimiter,
    ignored: file.ignoredSheets,
    sheets,
  };
}

async function reason(path: string, opts: ReadOptions = {}): Promise<{ reason: string; message: string }> {
  try {
    await readAll(path, opts);
  } catch (e) {
    if (e instanceof AppError) return { reason: e.reason, message: e.message };
    throw e;
  }
  throw new Error(`${path} was read without error`);
}

function column(sheet: { layout: SheetLayout; rows: TableRow[] }, name: string) {
  const i = sheet.layout.columns.indexOf(name);
  if (i < 0) throw new Error(`no column ${name} in ${sheet.layout.columns.join(',')}`);
  return sheet.rows.filter((r) => r.skip === null).map((r) => r.cells[i]);
}

describe('CSV reader', () => {
  it('detects GB18030 (a GBK superset) and decodes characters outside GBK', async () => {
    const f = await readAll(join(DIR, 'health-chronic.csv'));
    expect(f.encoding).toBe('gb18030');
    expect(f.delimiter).toBe(',');
    expect(column(f.sheets[0], '姓名')).toEqual(['王建国', '张桂兰', '邓䶮', '李娜', '李秀英']);
  });

  it('decodes a GBK file', async () => {
    const f = await readAll(join(DIR, 'civil-affairs-tekun.csv'));
    expect(column(f.sheets[0], '姓名')).toEqual(['赵国庆', '孙丽']);
  });

  it('strips a UTF-8 byte-order mark and splits on semicolons, keeping a quoted comma', async () => {
    const f = await readAll(join(DIR, 'hrss-insured.csv'));
    expect(f.encoding).toBe('utf-8');
    expect(f.delimiter).toBe(';');
    expect(f.sheets[0].layout.columns[0]).toBe('姓名');
    expect(column(f.sheets[0], '通讯地址')[0]).toBe('兴安路12号,3栋2单元301室');
  });

  it('keeps UTF-8 characters whole where the file is read in pieces (beyond the sample, and a bad byte as U+FFFD)', async () => {
    // rows of 3-byte characters with a 1- or 2-byte lead, so that characters straddle the
    // boundaries of the pieces the file is read in; a stray byte far past the detection sample
    const names = Array.from({ length: 40000 }, (_, i) => `${'x'.repeat(i % 3)}王建国${i}`);
    const dir = mkdtempSync(join(tmpdir(), 'yibiao-utf8-'));
    const body = Buffer.concat([
      Buffer.from(`姓名,出生日期\n${names.map((n) => `${n},1990-01-01\n`).join('')}`),
      Buffer.from([0xff]),
      Buffer.from('末行,1990-01-01\n'),
    ]);
    expect(body.length).toBeGreaterThan(3 * 256 * 1024);
    writeFileSync(join(dir, 'big.csv'), body);
    const f = await readAll(join(dir, 'big.csv'));
    expect(f.encoding).toBe('utf-8');
    expect(column(f.sheets[0], '姓名')).toEqual([...names, '\uFFFD末行']);
  });

  it('refuses a CSV whose quote is never closed, naming the last row read, however far down', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yibiao-quote-'));
    const rows = Array.from({ length: 5000 }, (_, i) => `王建国${i},1990-01-01\n`).join('');
    writeFileSync(join(dir, 'open-quote.csv'), `姓名,出生日期\n${rows}"李娜,1990-06-18\n张三,1991-01-01\n`);
    expect(await reason(join(dir, 'open-quote.csv'))).toEqual({
      reason: 'FILE_CORRUPT',
      message: 'open-quote.csv cannot be read as CSV after row 5001 (unbalanced quotes?)',
    });
  });

  it('splits on tabs and keeps 15-digit numbers as text', async () => {
    const f = await readAll(join(DIR, 'police-registry.csv'));
    expect(f.delimiter).toBe('\t');
    expect(column(f.sheets[0], '身份证号')[0]).toBe(legacyId(PEOPLE.wangJianguo.idNumber!));
  });

  it('lets the caller override the detected encoding', async () => {
    // read as UTF-8, the GB18030 header is garbage, so no header can be found
    expect((await reason(join(DIR, 'health-chronic.csv'), { encoding: 'utf-8' })).reason).toBe(
      'HEADER_NOT_FOUND',
    );
    expect((await reason(join(DIR, 'health-chronic.csv'), { encoding: 'big5' })).reason).toBe(
      'FILE_ENCODING_INVALID',
    );
  });

  it('skips title rows, totals rows, repeated headers and everything from a signature footer down, with row numbers as shown', async () => {
    const tekun = (await readAll(join(DIR, 'civil-affairs-tekun.csv'))).sheets[0];
    expect(tekun.layout.titleRows).toEqual([1, 2]);
    expect(tekun.layout.headerRows).toEqual([3]);
    expect(tekun.rows.map((r) => [r.rowNumber, r.skip])).toEqual([
      [4, null],
      [5, 'REPEATED_HEADER'],
      [6, null],
      [7, 'TOTAL_ROW'],
    ]);
    const health = (await readAll(join(DIR, 'health-chronic.csv'))).sheets[0];
    expect(health.rows.slice(-2).map((r) => [r.rowNumber, r.skip])).toEqual([
      [8, 'TOTAL_ROW'],
      [9, 'FOOTER'],
    ]);
  });

  it('knows a totals row or footer spelled with spaces, full-width or invisible characters, and only where it stands', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ingest-'));
    const path = join(dir, 'spelled.csv');
    const lines = [
      '姓名,身份证号,手机号,备注',
      `王五,${PEOPLE.wangJianguo.idNumber},13812345678,`, // 2
      ',,\u3000合　计 ,', // 3: a total, with an ideographic space before and inside it
      '1,2,3,小计', // 4: the fourth filled cell is a remark, not a total
      `赵六,${PEOPLE.liXiuying.idNumber},13812345679,合计已核`, // 5: likewise
      '\u200B总 计,,,', // 6: a total after a zero-width space
      `李七,${PEOPLE.liXiuying.idNumber},,`, // 7
      ',单位（盖章）：,,', // 8: a footer with full-width brackets; everything below is footer too
      `张八,${PEOPLE.zhaoGuoqing.idNumber},,`, // 9
    ];
    writeFileSync(path, lines.join('\n') + '\n');
    const sheet = (await readAll(path)).sheets[0];
    expect(sheet.rows.map((r) => [r.rowNumber, r.skip])).toEqual([
      [2, null],
      [3, 'TOTAL_ROW'],
      [4, null],
      [5, null],
      [6, 'TOTAL_ROW'],
      [7, null],
      [8, 'FOOTER'],
      [9, 'FOOTER'],
    ]);
  });

  it('joins a two-level header exported to CSV (group cell over blanks)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ingest-'));
    const path = join(dir, 'two-level.csv');
    writeFileSync(
      path,
      iconv.encode(
        '某社区人员台账,,,,\n序号,基本信息,,联系方式,\n,姓名,身份证号,手机号,住址\n1,王五,610902194803020114,13812345678,兴安路1号\n',
        'gbk',
      ),
    );
    const s = (await readAll(path)).sheets[0];
    expect(s.layout.headerRows).toEqual([2, 3]);
    expect(s.layout.columns).toEqual([
      '序号',
      '基本信息/姓名',
      '基本信息/身份证号',
      '联系方式/手机号',
      '联系方式/住址',
    ]);
    expect(s.rows.map((r) => r.rowNumber)).toEqual([4]);
  });

  it('picks the delimiter that splits most, ignoring quoted text', () => {
    expect(detectDelimiter('标题\n姓名;住址;电话\n王五;"兴安路1号,2栋";138')).toBe(';');
    expect(detectDelimiter('姓名,住址\n王五,"a;b;c;d"')).toBe(',');
  });

  it('refuses binary data but accepts text in either encoding', () => {
    expect(() => detectEncoding(Buffer.from([0x41, 0x00, 0x42]), 'x.csv')).toThrow('binary');
    expect(detectEncoding(iconv.encode('姓名,身份证号', 'gbk'), 'x.csv').encoding).toBe('gb18030');
    expect(detectEncoding(Buffer.from('姓名,身份证号'), 'x.csv').encoding).toBe('utf-8');
  });
});

describe('XLSX reader', () => {
  it('reads one sheet per community, ignoring hidden and blank sheets', async () => {
    const f = await readAll(join(DIR, 'civil-affairs-dibao.xlsx'));
    expect(f.format).toBe('XLSX');
    expect(f.sheets.map((s) => s.layout.sheet)).toEqual(['北门社区', '文昌社区']);
    expect(f.ignored.sort()).toEqual(['Sheet3', '字典'].sort());
  });

  it('skips the merged title and 填报单位 lines and joins the two-level merged header', async () => {
    const s = (await readAll(join(DIR, 'civil-affairs-dibao.xlsx'))).sheets[0];
    expect(s.layout.titleRows).toEqual([1, 2]);
    expect(s.layout.headerRows).toEqual([3, 4]);
    expect(s.layout.columns).toEqual([
      '序号',
      '户号',
      '家庭住址',
      '成员信息/姓名',
      '成员信息/与户主关系',
      '成员信息/身份证号码',
      '成员信息/性别',
      '成员信息/出生日期',
      '成员信息/联系电话',
      '保障信息/享受起始日期',
      '保障信息/保障金额(元)',
    ]);
  });

  it('applies vertically merged household cells to every member row', async () => {
    const s = (await readAll(join(DIR, 'civil-affairs-dibao.xlsx'))).sheets[0];
    expect(column(s, '户号')).toEqual([
      '6109020020010001',
      '6109020020010001',
      '6109020020010001',
      '6109020020010002',
      '6109020020010002',
    ]);
    expect(new Set(column(s, '家庭住址').slice(0, 3))).toEqual(
      new Set(['新城街道北门社区兴安路12号3栋2单元301室']),
    );
  });

  it('skips totals rows and signature footers with their reason and keeps spreadsheet row numbers', async () => {
    const s = (await readAll(join(DIR, 'civil-affairs-dibao.xlsx'))).sheets[1];
    expect(s.rows.map((r) => [r.rowNumber, r.skip])).toEqual([
      [5, null],
      [6, null],
      [7, null],
      [8, null],
      [9, 'TOTAL_ROW'],
      [11, 'FOOTER'],
    ]);
  });

  it('keeps numbers as numbers (Excel serial dates, an ID number destroyed by a numeric cell)', async () => {
    const s = (await readAll(join(DIR, 'civil-affairs-dibao.xlsx'))).sheets[1];
    expect(column(s, '成员信息/出生日期')[0]).toBe(18172);
    expect(typeof column(s, '成员信息/身份证号码')[2]).toBe('number');
  });

  it('reads a workbook whose header is on the first row', async () => {
    const s = (await readAll(join(DIR, 'education-children.xlsx'))).sheets[0];
    expect(s.layout.headerRows).toEqual([2]);
    expect(column(s, '姓名')).toEqual(['王小明', '陳雨萱']);
  });
});

describe('merged cells', () => {
  it('fills covered cells from the master and forgets the master after its last row', () => {
    const f = new MergeFiller([{ top: 2, left: 1, bottom: 3, right: 2 }]);
    expect(f.fill({ rowNumber: 1, cells: ['a', 'b'] }).cells).toEqual(['a', 'b']);
    expect(f.fill({ rowNumber: 2, cells: ['m', null, 'x'] }).cells).toEqual(['m', 'm', 'x']);
    expect(f.fill({ rowNumber: 3, cells: [null, null, 'y'] }).cells).toEqual(['m', 'm', 'y']);
    expect(f.fill({ rowNumber: 4, cells: [null, 'z'] }).cells).toEqual([null, 'z']);
  });
});

describe('bad files are refused before any row is read', () => {
  const cases: [string, string][] = [
    ['empty.csv', 'FILE_EMPTY'],
    ['blank-lines.csv', 'FILE_EMPTY'],
    ['junk.csv', 'FILE_FORMAT_UNSUPPORTED'],
    ['legacy.xls', 'FILE_FORMAT_UNSUPPORTED'],
    ['legacy-renamed.xlsx', 'FILE_FORMAT_UNSUPPORTED'],
    ['encrypted.xlsx', 'FILE_ENCRYPTED'],
    ['not-a-roster.pdf', 'FILE_FORMAT_UNSUPPORTED'],
    ['no-header.csv', 'HEADER_NOT_FOUND'],
    ['truncated.xlsx', 'FILE_CORRUPT'],
    ['not-a-workbook.xlsx', 'FILE_CORRUPT'],
    ['bomb.xlsx', 'FILE_TOO_LARGE'],
    ['bomb-lying.xlsx', 'FILE_TOO_LARGE'],
  ];
  it.each(cases)('%s → %s', async (file, expected) => {
    const r = await reason(join(DIR, 'bad', file));
    expect(r.reason).toBe(expected);
    expect(r.message).toContain(file);
  });

  it('refuses a file over the size limit and a workbook over the uncompressed limit', async () => {
    expect((await reason(join(DIR, 'hrss-insured.csv'), { maxFileBytes: 100 })).reason).toBe(
      'FILE_TOO_LARGE',
    );
    expect(
      (await reason(join(DIR, 'civil-affairs-dibao.xlsx'), { maxUncompressedBytes: 10_000 })).reason,
    ).toBe('FILE_TOO_LARGE');
  });

  it('names the uploaded file, not the temporary path, in messages', async () => {
    const r = await reason(join(DIR, 'bad', 'empty.csv'), { fileName: '低保名册.csv' });
    expect(r.message).toContain('低保名册.csv');
  });

  it('refuses a workbook whose cells are damaged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ingest-'));
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('北门社区').addRow(['姓名', '身份证号']);
    const good = Buffer.from(await wb.xlsx.writeBuffer());
    // flip bytes in the middle of the compressed data of a part
    const bad = Buffer.from(good);
    for (let i = 200; i < 400; i++) bad[i] = bad[i] ^ 0x5a;
    writeFileSync(join(dir, 'damaged.xlsx'), bad);
    expect(['FILE_CORRUPT', 'FILE_TOO_LARGE']).toContain((await reason(join(dir, 'damaged.xlsx'))).reason);
  });
});

describe('fixtures', () => {
  it('are reproducible from the committed script', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fixtures-'));
    await writeIngestFixtures(dir);
    for (const name of readdirSync(DIR)) {
      if (name.endsWith('.csv')) expect(readFileSync(join(dir, name))).toEqual(readFileSync(join(DIR, name)));
      if (name.endsWith('.xlsx'))
        expect(await readAll(join(dir, name))).toEqual(await readAll(join(DIR, name)));
    }
    for (const name of readdirSync(join(DIR, 'bad'))) {
      if (!name.endsWith('.xlsx'))
        expect(readFileSync(join(dir, 'bad', name))).toEqual(readFileSync(join(DIR, 'bad', name)));
    }
  });
});

describe('counting rows (the first pass over a file)', () => {
  async function countAll(path: string): Promise<number> {
    let n = 0;
    for await (const t of (await openSpreadsheet(path)).sheets()) n += await t.count();
    return n;
  }

  it('counts exactly the rows the second pass reads, in every fixture', async () => {
    for (const name of readdirSync(DIR).filter((n) => /\.(csv|xlsx)$/.test(n))) {
      const all = await readAll(join(DIR, name));
      const read = all.sheets.reduce((n, s) => n + s.rows.length, 0);
      expect({ name, count: await countAll(join(DIR, name)) }).toEqual({ name, count: read });
    }
  });

  it('passes over rows that look blank (full-width and zero-width spaces) and keeps rows that only look so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ingest-'));
    const path = join(dir, 'blank.csv');
    writeFileSync(
      path,
      [
        '姓名,身份证号,性别',
        '张三,,男',
        ',,',
        '\u3000, \u200B ,\uFEFF\t',
        '"  ",,',
        '李四,,女',
        '\uFF0E,,', // a full-width full stop is text, not a blank
        '',
      ].join('\n'),
    );
    const all = await readAll(path);
    expect(all.sheets[0].rows.map((r) => r.rowNumber)).toEqual([2, 6, 7]);
    expect(await countAll(path)).toBe(3);
  });
});
