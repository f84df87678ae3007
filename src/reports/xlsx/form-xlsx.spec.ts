import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { buildTerritory, recordPopulation, T } from '../../../test/factories';
import { openTestDb, TestDb } from '../../../test/harness';
import { FormRegistry } from '../forms/form.registry';
import { FormFigures, ReportEngine } from '../engine/report-engine';
import { formWorkbook } from './form-xlsx';

let db: TestDb;
let elderly: FormFigures;
let population: FormFigures;
const reportedAt = new Date('2026-10-08T10:00:00+08:00');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'form-xlsx-'));

beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
  const born = ['1940-01-01', '1955-06-01', '1962-03-03', '1990-01-01', '2010-05-05'];
  await recordPopulation(
    db.services,
    {
      houses: [],
      households: [],
      persons: born.flatMap((b, i) => [
        {
          name: `居民${i}`,
          gender: 'MALE' as const,
          birthDate: b,
          residenceType: 'REGISTERED' as const,
          areaCode: T.gridA1,
        },
        {
          name: `居民${i}乙`,
          gender: 'FEMALE' as const,
          birthDate: b,
          residenceType: 'FLOATING' as const,
          areaCode: i % 2 ? T.gridA2 : T.gridB1,
        },
      ]),
    },
    { at: new Date('2026-05-01T00:00:00+08:00') },
  );
  const engine = new ReportEngine(db.services.pool, db.services.areas, new FormRegistry());
  elderly = await engine.evaluate('elderly', '2026Q3', T.street);
  population = await engine.evaluate('population', '2026Q3', T.street);
});
afterAll(() => db.close());

async function readBack(fig: FormFigures) {
  const file = path.join(dir, `${fig.formId}.xlsx`);
  fs.writeFileSync(file, await formWorkbook(fig, { reportedAt }));
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return { file, ws: wb.worksheets[0] };
}

describe('forms as XLSX in the government layout', () => {
  it('writes title, the 填报单位/报告期/单位 line, merged two-level headers, rows, 合计, formats and footer', async () => {
    const { ws } = await readBack(elderly);
    expect(ws.getCell('A1').value).toBe('老年人口情况统计表');
    expect(ws.getCell('A1').isMerged).toBe(true);
    expect(ws.getCell('H2').value).toBe('表号：民统季2表');
    const line = [1, 2, 3, 4, 5, 6, 7, 8]
      .map((x) => ws.getCell(3, x))
      .filter((c) => c.master.address === c.address && c.value)
      .map((c) => c.value);
    expect(line).toEqual(['填报单位：新城街道', '报告期：2026年第3季度', '单位：人、%']);
    // header: 单位名称 and 常住人口 merged down over two rows; 60周岁及以上 merged across 人数 / 占比
    expect(ws.getCell('A4').value).toBe('单位名称');
    expect(ws.getCell('A5').master.address).toBe('A4');
    expect(ws.getCell('B5').master.address).toBe('B4');
    expect(ws.getCell('C4').value).toBe('60周岁及以上');
    expect(ws.getCell('D4').master.address).toBe('C4');
    expect([ws.getCell('C5').value, ws.getCell('D5').value]).toEqual(['人数', '占比（%）']);
    // rows: one per community then 合计, values as evaluated, with number formats
    expect([ws.getCell('A6').value, ws.getCell('A7').value, ws.getCell('A8').value]).toEqual([
      '北门社区',
      '文昌社区',
      '合计',
    ]);
    const total = elderly.rows.at(-1)!;
    expect(ws.getCell('B8').value).toBe(total.values.population);
    expect(ws.getCell('C8').value).toBe(total.values.age60);
    expect(ws.getCell('D8').value).toBe(total.values.age60Share);
    expect(ws.getCell('C8').numFmt).toBe('#,##0');
    expect(ws.getCell('D8').numFmt).toBe('0.00');
    expect(total.values.population).toBe(10);
    // footer and print setup
    const texts: string[] = [];
    ws.eachRow((row) => row.eachCell((c) => texts.push(String(c.value))));
    expect(texts).toEqual(expect.arrayContaining(['填表人：', '审核人：', '报出日期：2026年10月8日']));
    expect(texts.some((t) => t.startsWith('注：年龄按报告期末日'))).toBe(true);
    expect(ws.pageSetup).toMatchObject({
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
    });
    expect(ws.views[0]).toMatchObject({ state: 'frozen', xSplit: 1, ySplit: 5 });
  });

  it('puts grids under their community with 小计 rows for the per-grid form', async () => {
    const { ws } = await readBack(population);
    expect([ws.getCell('A4').value, ws.getCell('B4').value]).toEqual(['社区', '网格']);
    expect(ws.getCell('A6').value).toBe('北门社区小计');
    expect(ws.getCell('B6').master.address).toBe('A6');
    expect([ws.getCell('A7').value, ws.getCell('B7').value]).toEqual(['北门社区', '北门社区第1网格']);
    const lastRow = 6 + population.rows.length - 1;
    expect(ws.getCell(lastRow, 1).value).toBe('合计');
    expect(ws.getCell(lastRow, 3).value).toBe(10); // 实有人口 合计
    expect(ws.views[0]).toMatchObject({ xSplit: 2, ySplit: 5 });
  });

  it('opens in LibreOffice: converts to PDF headless and renders page 1 to PNG', async () => {
    const { file } = await readBack(population);
    const profile = path.join(dir, 'lo-profile');
    execFileSync(
      'soffice',
      [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, file],
      { stdio: 'pipe', timeout: 120_000 },
    );
    const pdf = path.join(dir, 'population.pdf');
    expect(fs.readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '80',
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      pdf,
      path.join(dir, 'page1'),
    ]);
    const png = fs.readFileSync(path.join(dir, 'page1.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    if (process.env.FORM_RENDER_DIR)
      fs.copyFileSync(
        path.join(dir, 'page1.png'),
        path.join(process.env.FORM_RENDER_DIR, 'population-page1.png'),
      );
  }, 180_000);
});
