import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import ExcelJS from 'exceljs';
import { buildTerritory, recordPopulation, T } from '../../test/factories';
import { openTestDb, TestDb } from '../../test/harness';
import { registerReportCommand } from './report.command';

let db: TestDb;
let lines: string[];
const run = async (...args: string[]) => {
  lines = [];
  const program = new Command('yibiao').exitOverride();
  registerReportCommand(program, {
    // the test owns the services: the command's close must not end them
    openServices: () => ({ ...db.services, close: async () => undefined }),
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
  });
  await program.parseAsync(['node', 'yibiao', 'report', ...args]);
  return lines;
};

beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
  await recordPopulation(
    db.services,
    {
      houses: [],
      households: [],
      persons: [
        {
          name: '甲',
          gender: 'MALE',
          birthDate: '1940-01-01',
          residenceType: 'REGISTERED',
          areaCode: T.gridA1,
        },
        {
          name: '乙',
          gender: 'FEMALE',
          birthDate: '1990-01-01',
          residenceType: 'FLOATING',
          areaCode: T.gridB1,
        },
      ],
    },
    { at: new Date('2026-01-01T00:00:00+08:00') },
  );
});
afterAll(() => db.close());

describe('yibiao report', () => {
  it('--list prints one form per line, id first', async () => {
    const out = await run('--list');
    expect(out.map((l) => l.split('\t')[0])).toEqual([
      'case-handling',
      'elderly',
      'insurance',
      'minimum-living',
      'population',
    ]);
    expect(out[1]).toBe('elderly\tQUARTER\t老年人口情况统计表');
  });

  it('writes a form for the whole district by default', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cli-')), 'elderly.xlsx');
    const out = await run('elderly', '--period', '2026Q3', '--out', file);
    expect(out[0]).toMatch(
      /^wrote .*elderly\.xlsx: 老年人口情况统计表, 2026年第3季度, 汉滨区, 2 rows; 合计 常住人口（人）=2 60周岁及以上人数=1/,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.worksheets[0];
    expect(ws.getCell('A3').value).toBe('填报单位：汉滨区');
    expect(ws.getCell('A6').value).toBe('北门社区');
  });

  it('honours --area and refuses a missing period', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cli-')), 'pop.xlsx');
    const out = await run('population', '--period', '2026Q3', '--area', T.communityB, '--out', file);
    expect(out[0]).toMatch(/文昌社区, 1 rows; 合计 实有人口合计=1/);
    await expect(run('population', '--out', file)).rejects.toThrow(/usage: yibiao report FORM --period/);
  });
});
