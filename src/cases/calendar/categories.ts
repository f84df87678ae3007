/**
 * The case category code list (事项分类): a versioned JSON file (fixtures/case-categories.json) with two levels,
 * major class → subclass. EVENT and COMPONENT classes are modelled on GB/T 30428 (数字化城市管理信息系统 部件和事件);
 * LOCAL classes are grassroots categories (邻里纠纷, 马蜂窝, 危岩 ...). New categories are added by editing the file.
 *
 * Each category carries the department a case is routed to (`null`: handled by the owning community/street itself)
 * and its time limit in working days: 1–3 for ordinary cases, 7 for complex cases involving several units. A major
 * class's own limit and department apply to a case filed under the class when no subclass fits.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** Department codes a category may be routed to. */
export const DEPARTMENT_CODES = [
  'CIVIL_AFFAIRS', // 民政
  'HEALTH', // 卫健
  'HRSS', // 人社
  'PUBLIC_SECURITY', // 公安
  'EDUCATION', // 教育
  'HOUSING', // 住建
  'URBAN_MANAGEMENT', // 城管/综合执法
  'EMERGENCY', // 应急管理
  'ENVIRONMENT', // 生态环境
  'TRANSPORT', // 交通运输
  'NATURAL_RESOURCES', // 自然资源
  'MARKET_REGULATION', // 市场监管
  'WATER', // 水利
] as const;

/** A department a case can be routed to. */
export type DepartmentCode = (typeof DEPARTMENT_CODES)[number];

/** Where a category comes from: GB/T 30428 events, GB/T 30428 components, or local grassroots categories. */
export type CategoryClass = 'EVENT' | 'COMPONENT' | 'LOCAL';

/** Ordinary cases are handled within 1–3 working days; complex ones within this many. */
export const COMPLEX_LIMIT_WORKING_DAYS = 7;

const categorySchema = z.object({
  code: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{0,31}$/, 'code must be upper-case letters, digits or _, starting with a letter'),
  name: z.string().trim().min(1, 'name must not be empty'),
  class: z.enum(['EVENT', 'COMPONENT', 'LOCAL']),
  parent: z.string().nullable(),
  department: z.enum(DEPARTMENT_CODES).nullable(),
  limitWorkingDays: z.number().int('limitWorkingDays must be a whole number'),
  complex: z.boolean(),
});

/** One entry of the code list. */
export type CaseCategory = z.infer<typeof categorySchema>;

/** The whole code list as shipped in fixtures/case-categories.json. */
export interface CaseCategoryList {
  version: string;
  categories: CaseCategory[];
}

const listSchema = z.object({
  version: z.string().regex(/^\d{4}\.\d+$/, 'version must look like 2026.1'),
  categories: z.array(z.unknown()).min(1, 'categories must not be empty'),
});

/** Thrown with every problem found in a code list, each naming the entry's index and code. */
export class CategoryListError extends Error {
  constructor(
    readonly problems: string[],
    source = 'case category list',
  ) {
    super(
      `Invalid ${source} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.join('\n')}`,
    );
    this.name = 'CategoryListError';
  }
}

function describeIssues(
  issues: readonly { path: PropertyKey[]; message: string }[],
  prefix: string,
): string[] {
  return issues.map((issue) => {
    const field = issue.path.length > 0 ? `.${issue.path.map(String).join('.')}` : '';
    return `${prefix}${field}: ${issue.message}`;
  });
}

/**
 * Checks a parsed code list and returns it typed, or throws `CategoryListError` listing every problem at once:
 * field shapes, unique codes, existing parents, at most two levels, a subclass in its parent's class, and limits
 * of 1–3 working days (exactly 7 for complex categories).
 */
export function validateCategoryList(input: unknown, source?: string): CaseCategoryList {
  const top = listSchema.safeParse(input);
  if (!top.success) throw new CategoryListError(describeIssues(top.error.issues, '(list)'), source);

  const found: { index: number; text: string }[] = [];
  const entries: { index: number; label: string; category: CaseCategory }[] = [];
  top.data.categories.forEach((raw, index) => {
    const rawCode = (raw as { code?: unknown } | null)?.code;
    const label = `categories[${index}]${typeof rawCode === 'string' ? ` (${rawCode})` : ''}`;
    const parsed = categorySchema.safeParse(raw);
    if (parsed.success) entries.push({ index, label, category: parsed.data });
    else found.push(...describeIssues(parsed.error.issues, label).map((text) => ({ index, text })));
  });

  const firstIndexByCode = new Map<string, number>();
  for (const { index, label, category } of entries) {
    const first = firstIndexByCode.get(category.code);
    if (first === undefined) firstIndexByCode.set(category.code, index);
    else found.push({ index, text: `${label}: duplicate code, already used by categories[${first}]` });
  }
  const byCode = new Map(entries.map((entry) => [entry.category.code, entry.category] as const));

  for (const { index, label, category } of entries) {
    const problem = (text: string) => found.push({ index, text: `${label}: ${text}` });
    const { parent, complex, limitWorkingDays } = category;
    if (complex && limitWorkingDays !== COMPLEX_LIMIT_WORKING_DAYS) {
      problem(
        `complex categories have a limit of ${COMPLEX_LIMIT_WORKING_DAYS} working days, got ${limitWorkingDays}`,
      );
    }
    if (!complex && (limitWorkingDays < 1 || limitWorkingDays > 3)) {
      problem(`limitWorkingDays must be 1–3 (7 only when complex), got ${limitWorkingDays}`);
    }
    if (parent === null) continue;
    const parentCategory = byCode.get(parent);
    if (parent === category.code) {
      problem(`a category cannot be its own parent`);
    } else if (!parentCategory) {
      problem(`parent ${parent} does not exist`);
    } else {
      if (parentCategory.parent !== null) {
        problem(`parent ${parent} is itself a subclass; the list has only two levels`);
      }
      if (parentCategory.class !== category.class) {
        problem(`class ${category.class} differs from its parent ${parent}'s class ${parentCategory.class}`);
      }
    }
  }

  if (found.length > 0) {
    // Stable sort: problems in list order, several problems of one entry in the order they were found.
    found.sort((a, b) => a.index - b.index);
    throw new CategoryListError(
      found.map((p) => p.text),
      source,
    );
  }
  return { version: top.data.version, categories: entries.map((entry) => entry.category) };
}

/** Reads and validates a code list file such as fixtures/case-categories.json. */
export function loadCategoryList(path: string): CaseCategoryList {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CategoryListError([`cannot read ${path}: ${(err as Error).message}`], path);
  }
  return validateCategoryList(raw, path);
}
