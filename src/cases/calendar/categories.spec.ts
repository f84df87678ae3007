import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CategoryListError,
  DEPARTMENT_CODES,
  loadCategoryList,
  validateCategoryList,
  type CaseCategory,
} from './categories';

const SHIPPED = resolve(__dirname, '../../../fixtures/case-categories.json');

const entry = (overrides: Partial<CaseCategory> & { code: string }): CaseCategory => ({
  name: '测试',
  class: 'LOCAL',
  parent: null,
  department: null,
  limitWorkingDays: 3,
  complex: false,
  ...overrides,
});

/** The problems a list is refused with; fails the test when the list is accepted. */
function problemsOf(input: unknown): string[] {
  try {
    validateCategoryList(input);
  } catch (err) {
    expect(err).toBeInstanceOf(CategoryListError);
    return (err as CategoryListError).problems;
  }
  throw new Error('expected the list to be refused');
}

describe('the shipped case category list', () => {
  const list = loadCategoryList(SHIPPED);
  const byCode = new Map(list.categories.map((c) => [c.code, c]));

  it('is valid, versioned and has 30–60 entries with unique codes', () => {
    expect(list.version).toBe('2026.1');
    expect(list.categories.length).toBeGreaterThanOrEqual(30);
    expect(list.categories.length).toBeLessThanOrEqual(60);
    expect(byCode.size).toBe(list.categories.length);
  });

  it('has GB/T 30428 event and component classes and local grassroots categories, two levels deep', () => {
    const majors = (cls: string) =>
      list.categories.filter((c) => c.class === cls && c.parent === null).map((c) => c.name);
    expect(majors('EVENT')).toEqual(
      expect.arrayContaining(['市容环境', '宣传广告', '施工管理', '突发事件', '街面秩序']),
    );
    expect(majors('COMPONENT')).toEqual(
      expect.arrayContaining(['公用设施', '道路交通', '市容环境', '园林绿化']),
    );
    const localNames = list.categories.filter((c) => c.class === 'LOCAL').map((c) => c.name);
    expect(localNames).toEqual(
      expect.arrayContaining([
        '邻里纠纷',
        '马蜂窝',
        '危岩',
        '道路破损',
        '垃圾乱堆',
        '井盖缺失',
        '消防栓损坏',
        '违章搭建',
        '噪音扰民',
      ]),
    );
    for (const c of list.categories.filter((c) => c.parent !== null)) {
      expect(byCode.get(c.parent!)?.parent).toBeNull();
    }
    // Every major class has at least one subclass.
    for (const major of list.categories.filter((c) => c.parent === null)) {
      expect(list.categories.some((c) => c.parent === major.code)).toBe(true);
    }
  });

  it('routes subclasses to the listed departments with 1–3 day limits, 7 for complex cases', () => {
    for (const c of list.categories) {
      if (c.department !== null) expect(DEPARTMENT_CODES).toContain(c.department);
      expect(c.complex ? [7] : [1, 2, 3]).toContain(c.limitWorkingDays);
    }
    expect(list.categories.filter((c) => c.complex).length).toBeGreaterThan(0);
    const danger = list.categories.find((c) => c.name === '危岩');
    expect(danger).toMatchObject({
      class: 'LOCAL',
      department: 'NATURAL_RESOURCES',
      complex: true,
      limitWorkingDays: 7,
    });
    expect(list.categories.find((c) => c.name === '马蜂窝')).toMatchObject({
      department: 'EMERGENCY',
      limitWorkingDays: 1,
    });
    expect(list.categories.find((c) => c.name === '邻里纠纷')?.department).toBeNull(); // mediated by the community
  });
});

describe('validateCategoryList', () => {
  it('accepts a minimal valid list and returns it typed', () => {
    const list = validateCategoryList({
      version: '2027.2',
      categories: [
        entry({ code: 'L01' }),
        entry({ code: 'L0101', parent: 'L01', department: 'WATER', limitWorkingDays: 1 }),
      ],
    });
    expect(list.categories.map((c) => c.code)).toEqual(['L01', 'L0101']);
  });

  it('reports every problem of a broken list at once, each with its index and code', () => {
    const problems = problemsOf({
      version: '2026.1',
      categories: [
        entry({ code: 'L01' }),
        entry({ code: 'L0101', parent: 'L01' }),
        entry({ code: 'L0101', parent: 'L01' }), // 2: duplicate
        entry({ code: 'L0102', parent: 'L99' }), // 3: missing parent
        entry({ code: 'L0103', parent: 'L01', limitWorkingDays: 5 }), // 4: too long for an ordinary case
        entry({ code: 'L0104', parent: 'L01', complex: true, limitWorkingDays: 3 }), // 5: complex but not 7
        entry({ code: 'L010101', parent: 'L0101' }), // 6: third level
        entry({ code: 'E0101', class: 'EVENT', parent: 'L01' }), // 7: class differs from parent
        { ...entry({ code: 'L0105', parent: 'L01' }), department: 'JUSTICE' }, // 8: unknown department
        { ...entry({ code: 'L0106', parent: 'L01' }), name: '' }, // 9: empty name
        entry({ code: 'L0107', parent: 'L01', limitWorkingDays: 0 }), // 10: below 1
        entry({ code: 'L0108', parent: 'L0108' }), // 11: own parent
        { name: '无编码' }, // 12: missing fields
      ],
    });
    const expectations: [number, RegExp][] = [
      [2, /^categories\[2\] \(L0101\): duplicate code, already used by categories\[1\]/],
      [3, /^categories\[3\] \(L0102\): parent L99 does not exist/],
      [4, /^categories\[4\] \(L0103\): limitWorkingDays must be 1–3.*got 5/],
      [5, /^categories\[5\] \(L0104\): complex categories have a limit of 7.*got 3/],
      [6, /^categories\[6\] \(L010101\): parent L0101 is itself a subclass/],
      [7, /^categories\[7\] \(E0101\): class EVENT differs from its parent L01's class LOCAL/],
      [8, /^categories\[8\] \(L0105\)\.department: /],
      [9, /^categories\[9\] \(L0106\)\.name: name must not be empty/],
      [10, /^categories\[10\] \(L0107\): limitWorkingDays must be 1–3.*got 0/],
      [11, /^categories\[11\] \(L0108\): a category cannot be its own parent/],
      [12, /^categories\[12\]\.code: /],
    ];
    for (const [, pattern] of expectations) {
      expect(problems.some((p) => pattern.test(p))).toBe(true);
    }
    // Nothing reported against the valid entries 0 and 1.
    expect(problems.filter((p) => /^categories\[[01]\]/.test(p))).toEqual([]);
  });

  it('puts all problems into the error message', () => {
    expect(() =>
      validateCategoryList({
        version: '2026.1',
        categories: [entry({ code: 'A1', parent: 'X' }), entry({ code: 'A1', limitWorkingDays: 9 })],
      }),
    ).toThrow(/3 problems[\s\S]*categories\[0\] \(A1\): parent X[\s\S]*categories\[1\] \(A1\): duplicate/);
  });

  it('refuses a list without a proper version or categories', () => {
    expect(problemsOf({ version: 'v1', categories: [] })).toEqual([
      expect.stringMatching(/^\(list\)\.version: /),
      expect.stringMatching(/^\(list\)\.categories: /),
    ]);
    expect(problemsOf(null).length).toBeGreaterThan(0);
  });

  it('names the file when loading fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'categories-'));
    try {
      const broken = join(dir, 'broken.json');
      writeFileSync(
        broken,
        JSON.stringify({ version: '2026.1', categories: [entry({ code: 'L0101', parent: 'L01' })] }),
      );
      expect(() => loadCategoryList(broken)).toThrow(/broken\.json[\s\S]*parent L01 does not exist/);
      writeFileSync(broken, '{ "version": ');
      expect(() => loadCategoryList(broken)).toThrow(CategoryListError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
