import * as fs from 'fs';
import * as path from 'path';
import { parseIdNumber } from '../normalize/id-number';
import { findRepoRoot } from './division';
import {
  CASE_CATEGORY_CODES,
  departments,
  generateCases,
  generateHouseholds,
  generateThings,
  HOME_AREA_CODE,
  loadDivision,
  SEED_REFERENCE_DATE,
} from './district.generator';
import type { GeoJsonMultiPolygon, SeedArea, SeedHousehold, SeedPerson } from './district.types';
import { pointInPolygon } from './geometry';

const areas = loadDivision();
const byCode = new Map(areas.map((a) => [a.code, a]));
const grids = areas.filter((a) => a.level === 'GRID');
const centre = byCode.get('610902002') as SeedArea;
const boundaryOf = (code: string) => byCode.get(code)?.boundary as GeoJsonMultiPolygon;

function take<T>(gen: Generator<T>, n: number): T[] {
  const out: T[] = [];
  for (const x of gen) {
    out.push(x);
    if (out.length >= n) break;
  }
  return out;
}

/**
 * Collects violations instead of calling expect() per element (tens of thousands of expect calls
 * would make the suite slow); the test then asserts that nothing was collected.
 */
function checker() {
  const problems: string[] = [];
  return {
    problems,
    check(ok: boolean, what: () => string) {
      if (!ok && problems.length < 20) problems.push(what());
    },
  };
}

/** Age in whole years on the reference date. */
function ageOf(birthDate: string, on = SEED_REFERENCE_DATE): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [y, m, d] = on.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

describe('loadDivision', () => {
  it('lists the hierarchy parents first, with real codes and grids of 新城街道', () => {
    const count = (level: string) => areas.filter((a) => a.level === level).length;
    expect([
      count('PROVINCE'),
      count('CITY'),
      count('DISTRICT'),
      count('STREET'),
      count('COMMUNITY'),
    ]).toEqual([1, 1, 1, 28, 27]);
    expect(count('GRID')).toBeGreaterThanOrEqual(27 * 4);
    expect(count('GRID')).toBeLessThanOrEqual(27 * 6);
    expect(new Set(areas.map((a) => a.code)).size).toBe(areas.length);
    const seen = new Set<string>();
    for (const a of areas) {
      if (a.parentCode !== null) expect(seen.has(a.parentCode)).toBe(true);
      seen.add(a.code);
      expect(a.boundary === null).toBe(a.level === 'PROVINCE' || a.level === 'CITY');
    }
    expect(byCode.get('610902002001')).toMatchObject({
      name: '北门社区',
      level: 'COMMUNITY',
      parentCode: '610902002',
    });
    expect(byCode.get('61090200200101')).toMatchObject({
      name: '北门社区第1网格',
      level: 'GRID',
      parentCode: '610902002001',
    });
    expect(byCode.get('610902002205')).toMatchObject({ name: '屈家河村' });
    for (const g of grids) expect(g.code).toMatch(new RegExp(`^${g.parentCode}\\d{2}$`));
  });
});

describe('departments', () => {
  it('names the thirteen district departments', () => {
    const list = departments();
    expect(list).toHaveLength(13);
    expect(list).toContainEqual({ code: 'CIVIL_AFFAIRS', name: '民政局' });
    expect(list).toContainEqual({ code: 'HRSS', name: '人力资源和社会保障局' });
    expect(new Set(list.map((d) => d.code)).size).toBe(13);
  });
});

describe('generateHouseholds', () => {
  const PERSONS = 20_000;
  const households: SeedHousehold[] = [...generateHouseholds({ persons: PERSONS, seed: 42 })];
  const persons: SeedPerson[] = households.flatMap((h) => h.members);
  const adults = persons.filter((p) => ageOf(p.birthDate) >= 18);

  it('is deterministic for a seed, prefix-stable, and differs for another seed', () => {
    const again = take(generateHouseholds({ persons: 500, seed: 42 }), 100);
    expect(again).toEqual(households.slice(0, 100));
    const other = take(generateHouseholds({ persons: 500, seed: 43 }), 100);
    expect(other).not.toEqual(households.slice(0, 100));
    expect(other.map((h) => h.members[0].name)).not.toEqual(
      households.slice(0, 100).map((h) => h.members[0].name),
    );
  });

  it('streams: the first households of a billion-person run come at once', () => {
    const first = take(generateHouseholds({ persons: 1_000_000_000, seed: 42 }), 3);
    expect(first).toEqual(households.slice(0, 3));
  });

  it('generates exactly the persons asked for, in households of 1–6 with one head first', () => {
    expect(persons).toHaveLength(PERSONS);
    expect(take(generateHouseholds({ persons: 7, seed: 1 }), 100).flatMap((h) => h.members)).toHaveLength(7);
    expect([...generateHouseholds({ persons: 0, seed: 1 })]).toEqual([]);
    const { problems, check } = checker();
    for (const h of households) {
      check(h.members.length >= 1 && h.members.length <= 6, () => `${h.key} has ${h.members.length} members`);
      check(h.members[0].relationToHead === '户主', () => `${h.key} does not start with its head`);
      check(
        h.members.filter((m) => m.relationToHead === '户主').length === 1,
        () => `${h.key} has several heads`,
      );
    }
    expect(problems).toEqual([]);
    expect(new Set(households.map((h) => h.members.length))).toEqual(new Set([1, 2, 3, 4, 5, 6]));
    expect(() => take(generateHouseholds({ persons: -1, seed: 1 }), 1)).toThrow(RangeError);
  });

  it('issues valid, unique ID numbers whose gender and birth date match the person', () => {
    const ids = new Set<string>();
    const { problems, check } = checker();
    for (const p of persons) {
      if (p.idNumber === null) {
        check(ageOf(p.birthDate) < 6, () => `${p.key} aged ${ageOf(p.birthDate)} has no ID number`);
        continue;
      }
      const info = parseIdNumber(p.idNumber);
      check(info.gender === p.gender, () => `${p.key}: gender ${p.gender} but ID says ${info.gender}`);
      check(
        info.birthDate === p.birthDate,
        () => `${p.key}: born ${p.birthDate} but ID says ${info.birthDate}`,
      );
      check(
        (info.areaCode === HOME_AREA_CODE) === (p.residenceType === 'REGISTERED'),
        () => `${p.key}: ${p.residenceType} with ID area ${info.areaCode}`,
      );
      ids.add(p.idNumber);
    }
    expect(problems).toEqual([]);
    const withId = persons.filter((p) => p.idNumber !== null);
    expect(ids.size).toBe(withId.length);
    const young = persons.filter((p) => ageOf(p.birthDate) < 6);
    const noId = young.filter((p) => p.idNumber === null).length / young.length;
    expect(noId).toBeGreaterThan(0.01);
    expect(noId).toBeLessThan(0.06);
  });

  it('keeps the shares of floating residents, the very old and minorities plausible', () => {
    const floating = persons.filter((p) => p.residenceType === 'FLOATING').length / PERSONS;
    expect(floating).toBeGreaterThan(0.12);
    expect(floating).toBeLessThan(0.18);
    const over80 = persons.filter((p) => ageOf(p.birthDate) >= 80).length / PERSONS;
    expect(over80).toBeGreaterThan(0.008);
    expect(over80).toBeLessThan(0.025);
    const han = persons.filter((p) => p.ethnicity === '汉族').length / PERSONS;
    expect(han).toBeGreaterThan(0.95);
    expect(han).toBeLessThan(1);
    expect(households.filter((h) => new Set(h.members.map((m) => m.residenceType)).size !== 1)).toEqual([]);
  });

  it('writes Chinese names, with Uyghur names as 阿依古丽·买买提', () => {
    const uyghur = /^\p{Script=Han}{2,5}·\p{Script=Han}{2,5}$/u;
    const han = /^\p{Script=Han}{2,4}$/u;
    expect(
      persons.filter((p) => !(p.ethnicity === '维吾尔族' ? uyghur : han).test(p.name)).map((p) => p.name),
    ).toEqual([]);
    expect(persons.some((p) => p.name.includes('·'))).toBe(true);
    expect(new Set(persons.map((p) => p.name)).size).toBeGreaterThan(PERSONS * 0.5);
  });

  it('gives adults mobile phones and young children none', () => {
    expect(
      persons.filter((p) => p.phone !== null && !/^1[3-9]\d{9}$/.test(p.phone)).map((p) => p.phone),
    ).toEqual([]);
    expect(persons.filter((p) => ageOf(p.birthDate) < 14 && p.phone !== null).map((p) => p.key)).toEqual([]);
    const withPhone = adults.filter((p) => p.phone !== null).length / adults.length;
    expect(withPhone).toBeGreaterThan(0.85);
  });

  it('keeps relations and ages consistent', () => {
    const { problems, check } = checker();
    const relations = new Set<string>();
    for (const h of households) {
      const head = h.members[0];
      const headAge = ageOf(head.birthDate);
      check(headAge >= 18, () => `${h.key}: head aged ${headAge}`);
      for (const m of h.members.slice(1)) {
        const age = ageOf(m.birthDate);
        const say = (what: string) => () =>
          `${m.key} ${m.relationToHead} aged ${age}, head ${headAge}: ${what}`;
        relations.add(m.relationToHead ?? '');
        switch (m.relationToHead) {
          case '配偶':
            check(m.gender !== head.gender, say('same gender as the head'));
            check(age >= 20, say('too young to marry'));
            break;
          case '子':
          case '女':
            check(m.gender === (m.relationToHead === '子' ? 'MALE' : 'FEMALE'), say('wrong gender'));
            check(headAge - age >= 16, say('too close in age to the parent'));
            break;
          case '孙子':
          case '孙女':
            check(m.gender === (m.relationToHead === '孙子' ? 'MALE' : 'FEMALE'), say('wrong gender'));
            check(headAge - age >= 36, say('too close in age to the grandparent'));
            break;
          case '父亲':
          case '母亲':
            check(m.gender === (m.relationToHead === '父亲' ? 'MALE' : 'FEMALE'), say('wrong gender'));
            check(age - headAge >= 20, say('too close in age to the child'));
            break;
          case '儿媳':
          case '女婿':
            check(m.gender === (m.relationToHead === '儿媳' ? 'FEMALE' : 'MALE'), say('wrong gender'));
            check(age >= 18, say('too young'));
            break;
          default:
            check(false, say('unexpected relation'));
        }
      }
    }
    expect(problems).toEqual([]);
    expect([...relations].sort()).toEqual(
      ['儿媳', '女', '女婿', '子', '孙女', '孙子', '母亲', '父亲', '配偶'].sort(),
    );
  });

  it('places every house inside its grid, with unique codes, keys and household numbers', () => {
    const houseCodes = new Set<string>();
    const numbers = new Set<string>();
    const keys = new Set<string>();
    const { problems, check } = checker();
    for (const h of households) {
      check(h.house.gridCode === h.gridCode, () => `${h.key}: house in another grid`);
      check(byCode.get(h.gridCode)?.level === 'GRID', () => `${h.key}: ${h.gridCode} is not a grid`);
      check(
        pointInPolygon([h.house.lon, h.house.lat], boundaryOf(h.gridCode)),
        () => `${h.house.code} lies outside ${h.gridCode}`,
      );
      check(
        h.house.code.length === 19 && h.house.code.startsWith(`H${h.gridCode}`),
        () => `house code ${h.house.code}`,
      );
      check(/^\d{9}$/.test(h.householdNumber), () => `household number ${h.householdNumber}`);
      houseCodes.add(h.house.code);
      numbers.add(h.householdNumber);
      keys.add(h.key);
      for (const m of h.members) keys.add(m.key);
    }
    expect(problems).toEqual([]);
    expect(houseCodes.size).toBe(households.length);
    const addresses = new Set(
      households.map(({ house: x }) => [x.streetName, x.streetNumber, x.building, x.unit, x.room].join('|')),
    );
    expect(addresses.size).toBe(households.length);
    expect(numbers.size).toBe(households.length);
    expect(keys.size).toBe(households.length + PERSONS);
    expect(new Set(households.map((h) => h.gridCode)).size).toBe(grids.length);
  });

  it('builds plausible Ankang addresses: flats with 栋/单元/室, self-built houses, shops and rented rooms', () => {
    const uses = new Map<string, number>();
    const { problems, check } = checker();
    for (const h of households) {
      const house = h.house;
      const say = (what: string) => () => `${house.code} ${JSON.stringify(house)}: ${what}`;
      uses.set(house.use, (uses.get(house.use) ?? 0) + 1);
      check(/(路|大道|组)$/u.test(house.streetName), say('street name'));
      check(/^\d+号$/.test(house.streetNumber), say('street number'));
      check(house.floors >= 1, say('floors'));
      if (house.building !== null && house.unit !== null) {
        check(/^\d+栋$/.test(house.building), say('building'));
        check(/^\d+单元$/.test(house.unit), say('unit'));
        check(/^\d+0\d室$/.test(house.room ?? ''), say('room'));
        check(Number(house.room?.slice(0, -3)) <= house.floors, say('room above the top floor'));
      }
      if (house.use === 'SHOP') check(house.room === null, say('shop with a room'));
    }
    expect(problems).toEqual([]);
    expect(uses.get('RESIDENTIAL')! / households.length).toBeGreaterThan(0.6);
    expect(uses.get('RENTAL')! / households.length).toBeGreaterThan(0.05);
    expect(uses.get('SHOP')! / households.length).toBeGreaterThan(0.02);
    expect(households.some((h) => h.house.building === null && h.house.use === 'RESIDENTIAL')).toBe(true);
    // Rooms of one building share its point.
    const buildings = new Map<string, string>();
    for (const h of households) {
      if (h.house.building === null) continue;
      const id = `${h.house.streetName}${h.house.streetNumber}${h.house.building}`;
      const at = `${h.house.lon},${h.house.lat}`;
      check(buildings.get(id) === undefined || buildings.get(id) === at, () => `${id} at two places`);
      buildings.set(id, at);
    }
    expect(problems).toEqual([]);
  });

  it('states department facts about members, in plausible shares and periods', () => {
    const memberOf = new Map(households.flatMap((h) => h.members.map((m) => [m.key, m] as const)));
    const department: Record<string, string> = {
      MINIMUM_LIVING: 'CIVIL_AFFAIRS',
      EXTREME_POVERTY: 'CIVIL_AFFAIRS',
      DISABILITY: 'CIVIL_AFFAIRS',
      CHRONIC_DISEASE: 'HEALTH',
      PENSION_INSURANCE: 'HRSS',
      MEDICAL_INSURANCE: 'HRSS',
    };
    const { problems, check } = checker();
    const date = /^\d{4}-\d{2}-\d{2}$/;
    for (const h of households) {
      const keys = new Set(h.members.map((m) => m.key));
      for (const f of h.facts) {
        const say = (what: string) => () => `${JSON.stringify(f)}: ${what}`;
        check(keys.has(f.personKey), say('about someone outside the household'));
        check(f.departmentCode === department[f.kind], say('wrong department'));
        check(date.test(f.validFrom) && (f.validTo === null || date.test(f.validTo)), say('date format'));
        check(f.validFrom >= (memberOf.get(f.personKey)?.birthDate ?? ''), say('starts before birth'));
        check(f.validFrom <= SEED_REFERENCE_DATE, say('starts after the reference date'));
        check(f.validTo === null || f.validTo >= f.validFrom, say('ends before it starts'));
      }
    }
    expect(problems).toEqual([]);
    const facts = households.flatMap((h) => h.facts);
    const ofKind = (kind: string) => facts.filter((f) => f.kind === kind);

    const minimumLiving =
      households.filter((h) => h.facts.some((f) => f.kind === 'MINIMUM_LIVING')).length / households.length;
    expect(minimumLiving).toBeGreaterThan(0.015);
    expect(minimumLiving).toBeLessThan(0.05);
    for (const f of ofKind('MINIMUM_LIVING')) {
      check(['A', 'B', 'C'].includes(String(f.attributes.level)), () => `低保 level ${f.attributes.level}`);
      check(
        typeof f.attributes.monthlyAmount === 'number',
        () => `低保 amount ${f.attributes.monthlyAmount}`,
      );
      check(
        memberOf.get(f.personKey)?.residenceType === 'REGISTERED',
        () => `低保 for floating ${f.personKey}`,
      );
    }
    expect(ofKind('MINIMUM_LIVING').some((f) => f.validTo !== null && f.validTo < SEED_REFERENCE_DATE)).toBe(
      true,
    );
    expect(ofKind('MINIMUM_LIVING').some((f) => f.validTo === '2026-06-30')).toBe(true);

    const poverty = new Set(ofKind('EXTREME_POVERTY').map((f) => f.personKey)).size / PERSONS;
    expect(poverty).toBeGreaterThan(0.002);
    expect(poverty).toBeLessThan(0.01);

    const disabled = ofKind('DISABILITY');
    expect(disabled.length / PERSONS).toBeGreaterThan(0.012);
    expect(disabled.length / PERSONS).toBeLessThan(0.03);
    for (const f of disabled) {
      check(
        [1, 2, 3, 4].includes(Number(f.attributes.grade)),
        () => `disability grade ${f.attributes.grade}`,
      );
      check(
        ['肢体', '视力', '听力', '言语', '智力', '精神', '多重'].includes(String(f.attributes.type)),
        () => `type ${f.attributes.type}`,
      );
    }
    expect(ofKind('CHRONIC_DISEASE').length).toBeGreaterThan(PERSONS * 0.05);

    const insured = new Set(
      facts.filter((f) => f.kind.endsWith('_INSURANCE') && f.validTo === null).map((f) => f.personKey),
    );
    const uninsured = adults.filter((p) => !insured.has(p.key)).length / adults.length;
    expect(uninsured).toBeGreaterThan(0.04);
    expect(uninsured).toBeLessThan(0.13);
    for (const f of facts.filter((x) => x.kind.endsWith('_INSURANCE'))) {
      check(
        f.attributes.type === '城镇职工' || f.attributes.type === '城乡居民',
        () => `insurance type ${f.attributes.type}`,
      );
    }
    expect(problems).toEqual([]);
  });
});

describe('generateThings', () => {
  const things = [...generateThings({ count: 600, seed: 5 })];

  it('places components in their grids with unique codes and known departments', () => {
    expect(things).toHaveLength(600);
    const departmentCodes = new Set(departments().map((d) => d.code));
    expect(new Set(things.map((t) => t.code)).size).toBe(600);
    for (const t of things) {
      expect(t.key).toBe(t.code);
      expect(departmentCodes.has(t.departmentCode)).toBe(true);
      expect(pointInPolygon([t.lon, t.lat], boundaryOf(t.gridCode))).toBe(true);
      expect(t.name.length).toBeGreaterThan(4);
      if (t.category === 'ELEVATOR')
        expect(byCode.get(byCode.get(t.gridCode)!.parentCode!)!.name).toMatch(/社区$/);
    }
    expect(new Set(things.map((t) => t.category)).size).toBe(6);
    expect(things.some((t) => t.status !== 'NORMAL')).toBe(true);
  });

  it('is deterministic for a seed', () => {
    expect([...generateThings({ count: 50, seed: 5 })]).toEqual(things.slice(0, 50));
    expect([...generateThings({ count: 50, seed: 6 })]).not.toEqual(things.slice(0, 50));
  });
});

describe('generateCases', () => {
  const start = new Date('2026-01-05T00:00:00Z');
  const cases = [...generateCases({ count: 400, seed: 9, start })];

  it('reports cases inside 新城街道 in time order, with known category codes', () => {
    const file = path.join(findRepoRoot(__dirname), 'fixtures', 'case-categories.json');
    const known = new Set(
      (JSON.parse(fs.readFileSync(file, 'utf8')) as { categories: { code: string }[] }).categories.map(
        (c) => c.code,
      ),
    );
    for (const code of CASE_CATEGORY_CODES) expect(known.has(code)).toBe(true);
    expect(cases).toHaveLength(400);
    let previous = start.toISOString();
    for (const c of cases) {
      expect(CASE_CATEGORY_CODES).toContain(c.categoryCode);
      expect(pointInPolygon([c.lon, c.lat], centre.boundary!)).toBe(true);
      expect(c.reportedAt >= previous).toBe(true);
      expect(new Date(c.reportedAt).toISOString()).toBe(c.reportedAt);
      previous = c.reportedAt;
      expect(c.description).toMatch(/\p{Script=Han}/u);
      if (c.reporterPhone !== null) expect(c.reporterPhone).toMatch(/^1[3-9]\d{9}$/);
    }
    expect(new Set(cases.map((c) => c.key)).size).toBe(400);
    expect(new Set(cases.map((c) => c.channel)).size).toBe(4);
  });

  it('is deterministic for a seed', () => {
    expect([...generateCases({ count: 30, seed: 9, start })]).toEqual(cases.slice(0, 30));
    expect([...generateCases({ count: 30, seed: 10, start })]).not.toEqual(cases.slice(0, 30));
  });
});
