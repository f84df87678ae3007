/**
 * The deterministic fixture district: areas of 汉滨区 with boundaries, its departments, and streams of
 * households (人 + 房 + department facts), things (物) and cases (事) inside 新城街道. Pure data, no
 * database: a loader feeds it into the ledger. One seed always gives the same output, and the
 * generators stream, so a million persons need no more memory than a hundred.
 */

import { makeIdNumber } from '../normalize/id-number';
import { addYears, ageOn, dayOf, isoOf } from './days';
import { readDivision } from './division';
import type {
  GeoJsonMultiPolygon,
  SeedArea,
  SeedCase,
  SeedDepartment,
  SeedFact,
  SeedHouse,
  SeedHousehold,
  SeedPerson,
  SeedThing,
} from './district.types';
import { distanceToBoundary, pointInPolygon, randomPointIn, roundCoord } from './geometry';
import { randomHanName, randomSurname, randomUyghurGiven, uyghurName } from './names';
import { chance, hashString, mulberry32, pick, randomInt, weighted, type Rng } from './random';
import { CENTRE_STREET_CODE, districtTerritory } from './territory';

/** The day the fixture ledger describes: ages and fact validity are computed against it. */
export const SEED_REFERENCE_DATE = '2026-01-01';

/** Area code of 汉滨区: the ID area code of every registered (户籍) resident. */
export const HOME_AREA_CODE = '610902';

// ---------------------------------------------------------------------------------------------
// Areas and departments

const GRID_NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/**
 * All areas of the fixture district, parents before children: 陕西省, 安康市, 汉滨区, its 28
 * streets/towns, the 27 communities/villages of 新城街道 and their grids (community code + 2 digits,
 * named 北门社区第1网格). Boundaries are null above the district.
 */
export function loadDivision(): SeedArea[] {
  const d = readDivision();
  const t = districtTerritory();
  const areas: SeedArea[] = [
    { code: d.province.code, name: d.province.name, level: 'PROVINCE', parentCode: null, boundary: null },
    { code: d.city.code, name: d.city.name, level: 'CITY', parentCode: d.province.code, boundary: null },
    {
      code: d.district.code,
      name: d.district.name,
      level: 'DISTRICT',
      parentCode: d.city.code,
      boundary: t.district,
    },
  ];
  for (const s of d.streets) {
    areas.push({
      code: s.code,
      name: s.name,
      level: 'STREET',
      parentCode: d.district.code,
      boundary: required(t.streets.get(s.code), s.code),
    });
  }
  for (const c of d.communities) {
    areas.push({
      code: c.code,
      name: c.shortName,
      level: 'COMMUNITY',
      parentCode: c.streetCode,
      boundary: required(t.communities.get(c.code), c.code),
    });
  }
  const shortNames = new Map(d.communities.map((c) => [c.code, c.shortName]));
  for (const g of t.grids) {
    areas.push({
      code: g.code,
      name: `${shortNames.get(g.communityCode)}第${g.number}网格`,
      level: 'GRID',
      parentCode: g.communityCode,
      boundary: g.boundary,
    });
  }
  return areas;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`no boundary for ${what}`);
  return value;
}

const DEPARTMENTS: readonly SeedDepartment[] = [
  { code: 'CIVIL_AFFAIRS', name: '民政局' },
  { code: 'HEALTH', name: '卫生健康局' },
  { code: 'HRSS', name: '人力资源和社会保障局' },
  { code: 'PUBLIC_SECURITY', name: '公安分局' },
  { code: 'EDUCATION', name: '教育局' },
  { code: 'HOUSING', name: '住房和城乡建设局' },
  { code: 'URBAN_MANAGEMENT', name: '城市管理局' },
  { code: 'EMERGENCY', name: '应急管理局' },
  { code: 'ENVIRONMENT', name: '生态环境分局' },
  { code: 'TRANSPORT', name: '交通运输局' },
  { code: 'NATURAL_RESOURCES', name: '自然资源局' },
  { code: 'MARKET_REGULATION', name: '市场监督管理局' },
  { code: 'WATER', name: '水利局' },
];

/** The district departments that own facts, things and case categories (code + Chinese name). */
export function departments(): SeedDepartment[] {
  return DEPARTMENTS.map((d) => ({ ...d }));
}

// ---------------------------------------------------------------------------------------------
// Grids of 新城街道 as the generators see them

interface GenGrid {
  code: string;
  communityCode: string;
  communityName: string;
  kind: 'COMMUNITY' | 'VILLAGE';
  number: number;
  /** 1-based position of the community in code order: the first two digits of its household numbers. */
  communityIndex: number;
  boundary: GeoJsonMultiPolygon;
  /** Roads (or, in a village, the villager group 屈家河村三组) used for addresses in this grid. */
  roads: string[];
}

/** Main roads of 新城街道 (invented numbering, real-sounding Ankang names). */
const MAIN_ROADS = [
  '兴安路',
  '巴山路',
  '育才路',
  '金州路',
  '新城路',
  '大桥路',
  '香溪路',
  '文昌路',
  '南环路',
  '安康大道',
  '兴安东路',
  '巴山东路',
  '巴山西路',
  '金州南路',
  '育才西路',
  '环城南路',
  '滨江大道',
  '解放路',
];

let genGrids: GenGrid[] | undefined;

function generatorGrids(): GenGrid[] {
  if (genGrids) return genGrids;
  const d = readDivision();
  const t = districtTerritory();
  const communities = d.communities.filter((c) => c.streetCode === CENTRE_STREET_CODE);
  const byCode = new Map(communities.map((c, k) => [c.code, { ...c, index: k + 1 }]));
  genGrids = t.grids.map((g) => {
    const c = byCode.get(g.communityCode);
    if (!c) throw new Error(`grid ${g.code} has no community`);
    const base = c.shortName.replace(/社区$|村$/, '');
    let roads: string[];
    if (c.kind === 'VILLAGE') {
      roads = [
        `${c.shortName}${GRID_NUMERALS[g.number - 1]}组`,
        MAIN_ROADS[(c.index + 7) % MAIN_ROADS.length],
      ];
    } else {
      const own = base.endsWith('路') ? base : base.length <= 2 ? `${base}路` : null;
      roads = [MAIN_ROADS[(c.index + g.number) % MAIN_ROADS.length]];
      if (own && !roads.includes(own)) roads.push(own);
      if (g.number % 2 === 0) roads.push(MAIN_ROADS[(c.index * 3 + g.number) % MAIN_ROADS.length]);
    }
    return {
      code: g.code,
      communityCode: c.code,
      communityName: c.shortName,
      kind: c.kind,
      number: g.number,
      communityIndex: c.index,
      boundary: g.boundary,
      roads: [...new Set(roads)],
    };
  });
  return genGrids;
}

/** A point near `centre` (within `radius` degrees) strictly inside the polygon, or else anywhere inside it. */
function pointNear(
  centre: readonly [number, number],
  radius: number,
  boundary: GeoJsonMultiPolygon,
  rng: Rng,
): [number, number] {
  for (let k = 0; k < 8; k++) {
    const p: [number, number] = [
      roundCoord(centre[0] + (rng() * 2 - 1) * radius),
      roundCoord(centre[1] + (rng() * 2 - 1) * radius),
    ];
    // Same guarantee as randomPointIn: inside, and never on or next to an edge.
    if (pointInPolygon(p, boundary) && distanceToBoundary(p, boundary) > 2e-6) return p;
  }
  return randomPointIn(boundary, rng);
}

// ---------------------------------------------------------------------------------------------
// Households

/** Options of `generateHouseholds`. */
export interface HouseholdOptions {
  /** Total number of persons to generate (the last household is cut to fit). */
  persons: number;
  seed: number;
  /** Reference date (YYYY-MM-DD) for ages and fact validity; defaults to SEED_REFERENCE_DATE. */
  asOf?: string;
}

type Gender = 'MALE' | 'FEMALE';

interface MemberPlan {
  relation: string;
  gender: Gender;
  age: number;
}

const other = (g: Gender): Gender => (g === 'MALE' ? 'FEMALE' : 'MALE');
const childRelation = (g: Gender) => (g === 'MALE' ? '子' : '女');
const grandchildRelation = (g: Gender) => (g === 'MALE' ? '孙子' : '孙女');

/** An elderly age in [min, max], thinning out with age roughly like a life table. */
function elderAge(rng: Rng, min: number, max: number): number {
  for (;;) {
    const age = randomInt(rng, min, max);
    if (rng() < Math.exp(-(age - min) / 12)) return age;
  }
}

/** Head and spouse of a couple; the head is the husband four times in five. */
function couple(rng: Rng, headAge: number): MemberPlan[] {
  const headGender: Gender = chance(rng, 0.8) ? 'MALE' : 'FEMALE';
  const husbandOlder = randomInt(rng, -2, 5);
  const spouseAge = Math.max(20, headGender === 'MALE' ? headAge - husbandOlder : headAge + husbandOlder);
  return [
    { relation: '户主', gender: headGender, age: headAge },
    { relation: '配偶', gender: other(headGender), age: spouseAge },
  ];
}

/** Children of a mother aged `motherAge`: first born at 21–34, then every 1–7 years. */
function children(
  rng: Rng,
  motherAge: number,
  count: number,
  relationOf: (g: Gender) => string,
): MemberPlan[] {
  const out: MemberPlan[] = [];
  let age = motherAge - randomInt(rng, 21, 34);
  for (let k = 0; k < count && age >= 0; k++) {
    const gender: Gender = chance(rng, 0.52) ? 'MALE' : 'FEMALE';
    out.push({ relation: relationOf(gender), gender, age });
    age -= randomInt(rng, 1, 7);
  }
  return out;
}

const motherAgeOf = (pair: MemberPlan[]) => (pair[0].gender === 'FEMALE' ? pair[0].age : pair[1].age);

/** Members of a registered (户籍) household, head first. */
function planRegistered(rng: Rng): MemberPlan[] {
  const r = rng();
  if (r < 0.15) {
    const age = chance(rng, 0.55) ? elderAge(rng, 60, 98) : randomInt(rng, 19, 59);
    return [{ relation: '户主', gender: chance(rng, 0.5) ? 'MALE' : 'FEMALE', age }];
  }
  if (r < 0.36) return couple(rng, chance(rng, 0.35) ? randomInt(rng, 22, 34) : elderAge(rng, 50, 96));
  if (r < 0.79) {
    const pair = couple(rng, randomInt(rng, 25, 58));
    const n = r < 0.64 ? 1 : r < 0.75 ? 2 : 3;
    return [...pair, ...children(rng, motherAgeOf(pair), n, childRelation)];
  }
  if (r < 0.91) {
    // Three generations under an elderly head: a married son (or daughter) and grandchildren.
    const pair = couple(rng, elderAge(rng, 50, 80));
    const [adult] = children(rng, motherAgeOf(pair), 1, childRelation);
    if (!adult || adult.age < 20) return pair;
    const inLaw: MemberPlan =
      adult.gender === 'MALE'
        ? { relation: '儿媳', gender: 'FEMALE', age: Math.max(20, adult.age - randomInt(rng, -2, 4)) }
        : { relation: '女婿', gender: 'MALE', age: adult.age + randomInt(rng, -1, 5) };
    const youngMother = adult.gender === 'FEMALE' ? adult.age : inLaw.age;
    return [...pair, adult, inLaw, ...children(rng, youngMother, randomInt(rng, 1, 2), grandchildRelation)];
  }
  if (r < 0.97) {
    // A couple with a child and one or both of the head's parents.
    const pair = couple(rng, randomInt(rng, 30, 56));
    const kids = children(rng, motherAgeOf(pair), 1, childRelation);
    const parentAge = () => Math.min(99, pair[0].age + randomInt(rng, 22, 34));
    const parents: MemberPlan[] = [];
    const both = chance(rng, 0.45);
    if (both || chance(rng, 0.4)) parents.push({ relation: '父亲', gender: 'MALE', age: parentAge() });
    if (both || parents.length === 0) parents.push({ relation: '母亲', gender: 'FEMALE', age: parentAge() });
    return [...pair, ...kids, ...parents];
  }
  // A single parent with one or two children.
  const gender: Gender = chance(rng, 0.7) ? 'FEMALE' : 'MALE';
  const age = randomInt(rng, 28, 55);
  const kids = children(rng, gender === 'FEMALE' ? age : age - 2, randomInt(rng, 1, 2), childRelation);
  return [{ relation: '户主', gender, age }, ...kids];
}

/** Members of a floating (流动) household: mostly young workers, couples and small families. */
function planFloating(rng: Rng): MemberPlan[] {
  const r = rng();
  if (r < 0.45)
    return [{ relation: '户主', gender: chance(rng, 0.6) ? 'MALE' : 'FEMALE', age: randomInt(rng, 18, 52) }];
  if (r < 0.67) return couple(rng, randomInt(rng, 21, 55));
  const pair = couple(rng, randomInt(rng, 24, 45));
  return [...pair, ...children(rng, motherAgeOf(pair), r < 0.92 ? 1 : 2, childRelation)];
}

/** ID area codes of floating residents' home districts, with weights (mostly Ankang's own counties). */
const ORIGINS: readonly (readonly [string, number])[] = [
  ['610921', 14], // 安康市汉阴县
  ['610922', 9], // 安康市石泉县
  ['610924', 12], // 安康市紫阳县
  ['610925', 9], // 安康市岚皋县
  ['610926', 8], // 安康市平利县
  ['610929', 6], // 安康市白河县
  ['611002', 5], // 商洛市商州区
  ['610102', 3], // 西安市新城区
  ['610113', 3], // 西安市雁塔区
  ['420302', 6], // 十堰市茅箭区
  ['420106', 3], // 武汉市武昌区
  ['500101', 5], // 重庆市万州区
  ['500103', 3], // 重庆市渝中区
  ['510104', 3], // 成都市锦江区
  ['411302', 4], // 南阳市宛城区
  ['640104', 1], // 银川市兴庆区
  ['650102', 1], // 乌鲁木齐市天山区
  ['653101', 1], // 喀什市
];
const AREA_CODES = [HOME_AREA_CODE, ...ORIGINS.map((o) => o[0])];
const AREA_INDEX = new Map(AREA_CODES.map((c, k) => [c, k]));
const originOf = weighted(ORIGINS);
const UYGHUR_ORIGINS = new Set(['650102', '653101']);

const registeredEthnicity = weighted<string>([
  ['汉族', 984],
  ['回族', 6],
  ['土家族', 3],
  ['满族', 2.5],
  ['苗族', 2],
  ['蒙古族', 1.5],
  ['壮族', 1],
]);

const phoneSecond = weighted<string>([
  ['3', 30],
  ['5', 25],
  ['8', 25],
  ['7', 8],
  ['9', 8],
  ['6', 2],
  ['4', 2],
]);

/** A mainland mobile number 1[3-9]xxxxxxxxx. */
function mobile(rng: Rng): string {
  let s = '1' + phoneSecond(rng);
  for (let k = 0; k < 9; k++) s += Math.floor(rng() * 10);
  return s;
}

/** A date uniformly between two day numbers (inclusive). */
const dayBetween = (rng: Rng, from: number, to: number) => (from >= to ? to : randomInt(rng, from, to));

/** Everything one `generateHouseholds` run needs to remember: bounded by grids and calendar, not by persons. */
class HouseholdState {
  readonly asOfDay: number;
  /** Per (area code, birth day, gender): how many ID sequences are used. Days since 1900-01-01. */
  private readonly idCounters: Uint16Array;
  private readonly firstDay = dayOf('1900-01-01');
  private readonly days: number;
  readonly householdCounters: number[] = [];
  readonly houseCounters = new Map<string, number>();
  readonly roadNumbers = new Map<string, number>();
  readonly apartments = new Map<string, Apartment>();
  readonly rentalHouses = new Map<string, RentalHouse>();

  constructor(asOf: string) {
    this.asOfDay = dayOf(asOf);
    this.days = this.asOfDay - this.firstDay + 1;
    this.idCounters = new Uint16Array(AREA_CODES.length * this.days * 2);
  }

  /** A unique ID number for the area, birth day and gender; moves the birth day back when a day is full. */
  idNumber(areaCode: string, birthDay: number, gender: Gender): { idNumber: string; birthDay: number } {
    const area = AREA_INDEX.get(areaCode);
    if (area === undefined) throw new Error(`unknown area code ${areaCode}`);
    for (let day = birthDay; day >= this.firstDay; day--) {
      const slot = (area * this.days + (day - this.firstDay)) * 2 + (gender === 'MALE' ? 1 : 0);
      const used = this.idCounters[slot];
      if (used >= 499) continue;
      this.idCounters[slot] = used + 1;
      // A bijection of 0..498 (499 is prime) so that sequences look scattered, not 001, 003, 005…
      const offset = (Math.imul(day, 2654435761) + area * 7919) >>> 0;
      const m = (used * 211 + offset) % 499;
      const sequence = gender === 'MALE' ? 2 * m + 1 : 2 * m + 2;
      return { idNumber: makeIdNumber(areaCode, isoOf(day), sequence, gender), birthDay: day };
    }
    throw new Error('ran out of ID sequences');
  }

  nextHouseholdNumber(communityIndex: number): string {
    const n = (this.householdCounters[communityIndex] ?? 0) + 1;
    this.householdCounters[communityIndex] = n;
    if (n > 9_999_999) throw new Error('too many households in one community');
    return `${String(communityIndex).padStart(2, '0')}${String(n).padStart(7, '0')}`;
  }

  nextHouseCode(gridCode: string): string {
    const n = (this.houseCounters.get(gridCode) ?? 0) + 1;
    this.houseCounters.set(gridCode, n);
    return `H${gridCode}${String(n).padStart(4, '0')}`;
  }

  /** The next free door number on a road (numbers only grow, so addresses never repeat). */
  nextRoadNumber(rng: Rng, road: string): string {
    const n = (this.roadNumbers.get(road) ?? 0) + randomInt(rng, 1, 4);
    this.roadNumbers.set(road, n);
    return `${n}号`;
  }
}

/** The apartment building currently being filled in a grid, and its compound (小区). */
interface Apartment {
  road: string;
  number: string;
  compoundCentre: [number, number];
  buildingsLeft: number;
  buildingNo: number;
  point: [number, number];
  units: number;
  floors: number;
  roomsPerFloor: number;
  cursor: number;
}

/** A self-built house let out room by room (出租屋). */
interface RentalHouse {
  road: string;
  number: string;
  point: [number, number];
  floors: number;
  rooms: number;
  cursor: number;
  owner: string;
}

function newApartment(
  state: HouseholdState,
  grid: GenGrid,
  rng: Rng,
  previous: Apartment | undefined,
): Apartment {
  const sameCompound = previous && previous.buildingsLeft > 0;
  const roads = grid.roads.filter((r) => !r.endsWith('组'));
  const road = sameCompound ? previous.road : pick(rng, roads.length > 0 ? roads : grid.roads);
  const number = sameCompound ? previous.number : state.nextRoadNumber(rng, road);
  const compoundCentre = sameCompound ? previous.compoundCentre : randomPointIn(grid.boundary, rng);
  const style = rng();
  const floors =
    style < 0.5 ? randomInt(rng, 5, 7) : style < 0.8 ? randomInt(rng, 11, 18) : randomInt(rng, 24, 33);
  return {
    road,
    number,
    compoundCentre,
    buildingsLeft: sameCompound ? previous.buildingsLeft - 1 : randomInt(rng, 2, 11),
    buildingNo: sameCompound ? previous.buildingNo + 1 : 1,
    point: pointNear(compoundCentre, 0.0006, grid.boundary, rng),
    units: randomInt(rng, 1, floors > 7 ? 2 : 4),
    floors,
    roomsPerFloor: floors > 7 ? randomInt(rng, 2, 4) : 2,
    cursor: 0,
  };
}

/** The next room in the grid's current apartment building (some rooms stay empty). */
function apartmentRoom(state: HouseholdState, grid: GenGrid, rng: Rng) {
  let a = state.apartments.get(grid.code);
  for (;;) {
    if (!a || a.cursor >= a.units * a.floors * a.roomsPerFloor) {
      a = newApartment(state, grid, rng, a);
      state.apartments.set(grid.code, a);
    }
    const k = a.cursor++;
    if (chance(rng, 0.1)) continue; // vacant
    const perUnit = a.floors * a.roomsPerFloor;
    const unit = Math.floor(k / perUnit) + 1;
    const floor = Math.floor((k % perUnit) / a.roomsPerFloor) + 1;
    const room = (k % a.roomsPerFloor) + 1;
    return {
      streetName: a.road,
      streetNumber: a.number,
      building: `${a.buildingNo}栋`,
      unit: `${unit}单元`,
      room: `${floor}${String(room).padStart(2, '0')}室`,
      floors: a.floors,
      lon: a.point[0],
      lat: a.point[1],
    };
  }
}

/** The next room in the grid's current 出租屋. */
function rentalRoom(state: HouseholdState, grid: GenGrid, rng: Rng) {
  let h = state.rentalHouses.get(grid.code);
  if (!h || h.cursor >= h.rooms) {
    const road = grid.kind === 'VILLAGE' ? grid.roads[0] : pick(rng, grid.roads);
    const floors = randomInt(rng, 2, 5);
    h = {
      road,
      number: state.nextRoadNumber(rng, road),
      point: randomPointIn(grid.boundary, rng),
      floors,
      rooms: floors * randomInt(rng, 2, 4),
      cursor: 0,
      owner: randomHanName(rng, chance(rng, 0.6) ? 'MALE' : 'FEMALE', randomInt(rng, 1950, 1985)),
    };
    state.rentalHouses.set(grid.code, h);
  }
  const k = h.cursor++;
  const perFloor = h.rooms / h.floors;
  return {
    streetName: h.road,
    streetNumber: h.number,
    room: `${Math.floor(k / perFloor) + 1}${String((k % perFloor) + 1).padStart(2, '0')}室`,
    floors: h.floors,
    owner: h.owner,
    lon: h.point[0],
    lat: h.point[1],
  };
}

/** A house for a household: apartments and self-built houses, shops (商住) and rented rooms. */
function houseFor(
  state: HouseholdState,
  grid: GenGrid,
  rng: Rng,
  floating: boolean,
  headName: string,
  singleYoung: boolean,
): SeedHouse {
  const village = grid.kind === 'VILLAGE';
  const r = rng();
  let kind: 'APARTMENT' | 'SELF_BUILT' | 'SHOP' | 'RENTAL' | 'DORMITORY';
  if (floating) {
    kind =
      singleYoung && r < 0.06
        ? 'DORMITORY'
        : r < 0.55
          ? 'RENTAL'
          : r < 0.65
            ? 'SHOP'
            : village
              ? 'SELF_BUILT'
              : 'APARTMENT';
  } else if (village) {
    kind = r < 0.78 ? 'SELF_BUILT' : r < 0.88 ? 'APARTMENT' : r < 0.93 ? 'SHOP' : 'RENTAL';
  } else {
    kind = r < 0.84 ? 'APARTMENT' : r < 0.89 ? 'SELF_BUILT' : r < 0.93 ? 'SHOP' : 'RENTAL';
  }
  const code = state.nextHouseCode(grid.code);
  const base = { key: code, code, gridCode: grid.code };
  const owner = (p: number) =>
    chance(rng, p)
      ? headName
      : randomHanName(rng, chance(rng, 0.6) ? 'MALE' : 'FEMALE', randomInt(rng, 1950, 1990));
  switch (kind) {
    case 'APARTMENT': {
      const a = apartmentRoom(state, grid, rng);
      // A floating household in a bought flat owns it; otherwise the owner is usually the head.
      return { ...base, ...a, use: 'RESIDENTIAL', ownerName: chance(rng, 0.03) ? null : owner(0.9) };
    }
    case 'RENTAL': {
      if (!village && chance(rng, 0.5)) {
        const a = apartmentRoom(state, grid, rng);
        return { ...base, ...a, use: 'RENTAL', ownerName: chance(rng, 0.1) ? null : owner(0) };
      }
      const h = rentalRoom(state, grid, rng);
      return {
        ...base,
        streetName: h.streetName,
        streetNumber: h.streetNumber,
        building: null,
        unit: null,
        room: h.room,
        use: 'RENTAL',
        floors: h.floors,
        ownerName: chance(rng, 0.1) ? null : h.owner,
        lon: h.lon,
        lat: h.lat,
      };
    }
    case 'SHOP': {
      const road = grid.roads.find((x) => !x.endsWith('组')) ?? grid.roads[0];
      const [lon, lat] = randomPointIn(grid.boundary, rng);
      return {
        ...base,
        streetName: road,
        streetNumber: state.nextRoadNumber(rng, road),
        building: null,
        unit: null,
        room: null,
        use: 'SHOP',
        floors: randomInt(rng, 1, 3),
        ownerName: owner(0.6),
        lon,
        lat,
      };
    }
    case 'DORMITORY': {
      const road = pick(rng, grid.roads);
      const [lon, lat] = randomPointIn(grid.boundary, rng);
      return {
        ...base,
        streetName: road,
        streetNumber: state.nextRoadNumber(rng, road),
        building: '职工宿舍',
        unit: null,
        room: `${randomInt(rng, 1, 5)}${String(randomInt(rng, 1, 20)).padStart(2, '0')}室`,
        use: 'OTHER',
        floors: randomInt(rng, 3, 6),
        ownerName: null,
        lon,
        lat,
      };
    }
    case 'SELF_BUILT': {
      const road = village ? grid.roads[0] : pick(rng, grid.roads);
      const [lon, lat] = randomPointIn(grid.boundary, rng);
      return {
        ...base,
        streetName: road,
        streetNumber: state.nextRoadNumber(rng, road),
        building: null,
        unit: null,
        room: null,
        use: 'RESIDENTIAL',
        floors: randomInt(rng, 1, village ? 3 : 4),
        ownerName: chance(rng, 0.02) ? null : owner(0.95),
        lon,
        lat,
      };
    }
  }
}

const disabilityType = weighted<string>([
  ['肢体', 50],
  ['视力', 12],
  ['听力', 12],
  ['言语', 3],
  ['智力', 8],
  ['精神', 10],
  ['多重', 5],
]);
const disabilityGrade = weighted<number>([
  [1, 10],
  [2, 20],
  [3, 30],
  [4, 40],
]);
const chronicDisease = weighted<string>([
  ['高血压', 50],
  ['糖尿病', 25],
  ['冠心病', 10],
  ['慢阻肺', 7],
  ['脑卒中', 5],
  ['严重精神障碍', 3],
]);
const MINIMUM_LIVING_AMOUNT: Record<'A' | 'B' | 'C', number> = { A: 690, B: 560, C: 420 };
const minimumLivingLevel = weighted<'A' | 'B' | 'C'>([
  ['A', 20],
  ['B', 45],
  ['C', 35],
]);

/** Start and end of a benefit: some ended before the reference date, some end mid-2026, most are open. */
function benefitPeriod(
  rng: Rng,
  state: HouseholdState,
  earliest: number,
): { validFrom: string; validTo: string | null } {
  const from = dayBetween(rng, Math.max(earliest, dayOf('2015-01-01')), state.asOfDay - 30);
  const r = rng();
  let to: number | null = null;
  if (r < 0.2) to = dayBetween(rng, Math.min(from + 180, state.asOfDay - 1), state.asOfDay - 1);
  else if (r < 0.35) to = Math.max(from, dayOf('2026-06-30'));
  return { validFrom: isoOf(from), validTo: to === null ? null : isoOf(to) };
}

interface GeneratedPerson {
  person: SeedPerson;
  age: number;
  birthDay: number;
}

/** Department facts of one household's members. */
function householdFacts(
  rng: Rng,
  state: HouseholdState,
  members: GeneratedPerson[],
  floating: boolean,
): SeedFact[] {
  const facts: SeedFact[] = [];
  const add = (
    p: GeneratedPerson,
    kind: SeedFact['kind'],
    departmentCode: string,
    validFrom: string,
    validTo: string | null,
    attributes: SeedFact['attributes'],
  ) => facts.push({ personKey: p.person.key, kind, departmentCode, validFrom, validTo, attributes });
  const eighteenth = (p: GeneratedPerson) => addYears(p.birthDay, 18);

  // 低保: the whole household is covered, each member with the per-person amount.
  const minimumLiving = !floating && chance(rng, 0.038);
  if (minimumLiving) {
    const level = minimumLivingLevel(rng);
    const period = benefitPeriod(rng, state, dayOf('2015-01-01'));
    for (const m of members) {
      // A child born after the household entered 低保 is covered from birth.
      const from = isoOf(Math.max(dayOf(period.validFrom), m.birthDay));
      if (period.validTo !== null && from > period.validTo) continue;
      add(m, 'MINIMUM_LIVING', 'CIVIL_AFFAIRS', from, period.validTo, {
        monthlyAmount: MINIMUM_LIVING_AMOUNT[level],
        level,
      });
    }
  }

  for (const m of members) {
    const age = m.age;
    let disabilityGradeOf = 0;
    if (age >= 1 && chance(rng, age < 18 ? 0.005 : age < 60 ? 0.018 : age < 80 ? 0.05 : 0.1)) {
      disabilityGradeOf = disabilityGrade(rng);
      const from = dayBetween(rng, Math.max(m.birthDay + 365, dayOf('2008-01-01')), state.asOfDay);
      add(m, 'DISABILITY', 'CIVIL_AFFAIRS', isoOf(from), null, {
        grade: disabilityGradeOf,
        type: disabilityType(rng),
      });
    }

    // 特困: mostly elderly living alone without 低保, and a few severely disabled adults living alone.
    const alone = members.length === 1;
    const extremePoverty =
      !floating &&
      !minimumLiving &&
      alone &&
      chance(rng, age >= 60 ? 0.18 : disabilityGradeOf > 0 && disabilityGradeOf <= 2 ? 0.5 : 0);
    if (extremePoverty) {
      const period = benefitPeriod(rng, state, addYears(m.birthDay, 16));
      add(m, 'EXTREME_POVERTY', 'CIVIL_AFFAIRS', period.validFrom, period.validTo, {
        careType: '分散供养',
        monthlyAmount: 1130,
      });
    }

    const pChronic = age < 35 ? 0.01 : age < 50 ? 0.08 : age < 65 ? 0.25 : 0.45;
    if (chance(rng, pChronic)) {
      const first = chronicDisease(rng);
      const diseases = [first];
      if (age >= 50 && chance(rng, 0.25)) {
        const second = chronicDisease(rng);
        if (second !== first) diseases.push(second);
      }
      for (const disease of diseases) {
        const from = dayBetween(
          rng,
          Math.max(addYears(m.birthDay, Math.min(age, 30)), dayOf('2010-01-01')),
          state.asOfDay,
        );
        add(m, 'CHRONIC_DISEASE', 'HEALTH', isoOf(from), null, { disease, managed: chance(rng, 0.8) });
      }
    }

    // Insurance (参保): most adults; children have resident medical insurance through the family.
    if (age >= 18) {
      if (chance(rng, floating ? 0.2 : 0.055)) continue; // uninsured
      const employee = chance(rng, age < 60 ? (floating ? 0.35 : 0.55) : 0.45);
      const type = employee ? '城镇职工' : '城乡居民';
      const earliest = employee
        ? Math.max(eighteenth(m), dayOf('1998-01-01'))
        : Math.max(eighteenth(m), dayOf('2012-07-01'));
      const from = dayBetween(rng, earliest, state.asOfDay - 1);
      if (employee && chance(rng, 0.08) && from - 400 > dayOf('2012-07-01')) {
        // Switched from resident to employee insurance: the old fact ends the day before.
        const oldFrom = dayBetween(rng, Math.max(eighteenth(m), dayOf('2012-07-01')), from - 400);
        add(m, 'PENSION_INSURANCE', 'HRSS', isoOf(oldFrom), isoOf(from - 1), { type: '城乡居民' });
        add(m, 'MEDICAL_INSURANCE', 'HRSS', isoOf(oldFrom), isoOf(from - 1), { type: '城乡居民' });
      }
      if (!chance(rng, 0.05)) add(m, 'PENSION_INSURANCE', 'HRSS', isoOf(from), null, { type });
      add(m, 'MEDICAL_INSURANCE', 'HRSS', isoOf(from), null, {
        type: employee || chance(rng, 0.9) ? type : '城乡居民',
      });
    } else if (chance(rng, floating ? 0.6 : 0.92)) {
      const from = dayBetween(rng, Math.max(m.birthDay, dayOf('2017-01-01')), state.asOfDay);
      add(m, 'MEDICAL_INSURANCE', 'HRSS', isoOf(from), null, { type: '城乡居民' });
    }
  }
  return facts;
}

function checkOptions(seed: number, counts: Record<string, number>): void {
  if (!Number.isInteger(seed)) throw new RangeError('seed must be an integer');
  for (const [name, n] of Object.entries(counts)) {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer`);
  }
}

/**
 * Streams households of 新城街道 until `persons` residents exist (the last household is cut to fit).
 * Deterministic for a seed, and prefix-stable: the first households do not depend on `persons`.
 * Memory stays bounded (per-grid and per-birth-day counters), so a million persons are fine.
 */
export function* generateHouseholds(options: HouseholdOptions): Generator<SeedHousehold> {
  const { persons, seed } = options;
  checkOptions(seed, { persons });
  const asOf = options.asOf ?? SEED_REFERENCE_DATE;
  const rng = mulberry32(hashString(`households:${seed}`));
  const state = new HouseholdState(asOf);
  const grids = generatorGrids();
  const gridOf = weighted(grids.map((g) => [g, g.kind === 'VILLAGE' ? 0.45 : 1] as const));

  let remaining = persons;
  while (remaining > 0) {
    const grid = gridOf(rng);
    const floating = chance(rng, 0.215);
    let plan = floating ? planFloating(rng) : planRegistered(rng);
    if (plan.length > remaining) plan = plan.slice(0, remaining);
    remaining -= plan.length;

    const householdNumber = state.nextHouseholdNumber(grid.communityIndex);
    const key = `HH-${householdNumber}`;
    const origin = floating ? originOf(rng) : HOME_AREA_CODE;
    const uyghur = UYGHUR_ORIGINS.has(origin);
    const ethnicity = uyghur
      ? '维吾尔族'
      : origin === '640104' && chance(rng, 0.5)
        ? '回族'
        : floating
          ? '汉族'
          : registeredEthnicity(rng);

    // Surnames: the father's passes to the children; grandchildren take the line's surname.
    const head = plan[0];
    const spouse = plan.find((m) => m.relation === '配偶');
    const husbandSurname = randomSurname(rng);
    const wifeSurname = randomSurname(rng);
    const headSurname = head.gender === 'MALE' ? husbandSurname : wifeSurname;
    const fatherSurname = spouse ? husbandSurname : headSurname;
    const inLawSurname = randomSurname(rng);
    const uyghurFatherOfHead = randomUyghurGiven(rng, 'MALE');
    const givenNames = new Map<MemberPlan, string>();
    for (const m of plan) givenNames.set(m, randomUyghurGiven(rng, m.gender));
    const husband = head.gender === 'MALE' ? head : spouse;
    const sonOrDaughter = plan.find((m) => m.relation === '子' || m.relation === '女');
    const sonInLawOrSon =
      plan.find((m) => m.relation === '女婿') ??
      (sonOrDaughter?.relation === '子' ? sonOrDaughter : undefined);

    const members: GeneratedPerson[] = [];
    plan.forEach((m, k) => {
      const latest = addYears(state.asOfDay, -m.age);
      const earliest = addYears(state.asOfDay, -(m.age + 1)) + 1;
      let birthDay = dayBetween(rng, earliest, latest);
      const birthYear = Number(isoOf(birthDay).slice(0, 4));
      let name: string;
      if (uyghur) {
        const own = givenNames.get(m) as string;
        const father =
          m.relation === '子' || m.relation === '女'
            ? givenNames.get(husband ?? head)
            : m.relation === '孙子' || m.relation === '孙女'
              ? sonInLawOrSon
                ? givenNames.get(sonInLawOrSon)
                : undefined
              : undefined;
        name = uyghurName(own, father ?? (m === head ? uyghurFatherOfHead : randomUyghurGiven(rng, 'MALE')));
      } else {
        let surname: string;
        switch (m.relation) {
          case '户主':
            surname = headSurname;
            break;
          case '配偶':
            surname = m.gender === 'MALE' ? husbandSurname : wifeSurname;
            break;
          case '子':
          case '女':
            surname = chance(rng, 0.95)
              ? fatherSurname
              : head.gender === 'FEMALE'
                ? headSurname
                : wifeSurname;
            break;
          case '孙子':
          case '孙女':
            surname = sonInLawOrSon?.relation === '女婿' ? inLawSurname : fatherSurname;
            break;
          case '儿媳':
          case '女婿':
            surname = inLawSurname;
            break;
          case '父亲':
            surname = headSurname;
            break;
          default:
            surname = randomSurname(rng);
        }
        name = randomHanName(rng, m.gender, birthYear, surname);
      }

      let idNumber: string | null = null;
      const withoutId = m.age < 6 && chance(rng, m.age === 0 ? 0.1 : 0.016);
      if (!withoutId) {
        const issued = state.idNumber(origin, birthDay, m.gender);
        idNumber = issued.idNumber;
        birthDay = issued.birthDay;
      }
      const age = ageOn(birthDay, state.asOfDay);
      const hasPhone = age >= 18 ? chance(rng, age > 75 ? 0.65 : 0.97) : age >= 14 && chance(rng, 0.4);
      members.push({
        age,
        birthDay,
        person: {
          key: `${key}-${k + 1}`,
          idNumber,
          name,
          gender: m.gender,
          birthDate: isoOf(birthDay),
          ethnicity,
          phone: hasPhone ? mobile(rng) : null,
          residenceType: floating ? 'FLOATING' : 'REGISTERED',
          relationToHead: m.relation,
        },
      });
    });

    const singleYoung = plan.length === 1 && head.age < 40;
    const house = houseFor(state, grid, rng, floating, members[0].person.name, singleYoung);
    const facts = householdFacts(rng, state, members, floating);
    yield { key, householdNumber, gridCode: grid.code, house, members: members.map((m) => m.person), facts };
  }
}

// ---------------------------------------------------------------------------------------------
// Things

/** Options of `generateThings`. */
export interface ThingOptions {
  count: number;
  seed: number;
}

const THING_KINDS: readonly (readonly [SeedThing['category'], number])[] = [
  ['CAMERA', 25],
  ['HYDRANT', 15],
  ['MANHOLE_COVER', 25],
  ['ELEVATOR', 10],
  ['DANGEROUS_SLOPE', 5],
  ['STREET_LAMP', 20],
];
const THING_PREFIX: Record<SeedThing['category'], string> = {
  CAMERA: 'SXT',
  HYDRANT: 'XHS',
  MANHOLE_COVER: 'JG',
  ELEVATOR: 'DT',
  DANGEROUS_SLOPE: 'WP',
  STREET_LAMP: 'LD',
};
const THING_DEPARTMENT: Record<SeedThing['category'], string> = {
  CAMERA: 'PUBLIC_SECURITY',
  HYDRANT: 'EMERGENCY',
  MANHOLE_COVER: 'URBAN_MANAGEMENT',
  ELEVATOR: 'MARKET_REGULATION',
  DANGEROUS_SLOPE: 'NATURAL_RESOURCES',
  STREET_LAMP: 'URBAN_MANAGEMENT',
};

/**
 * Streams public components and hazards (cameras, hydrants, manhole covers, elevators, dangerous
 * slopes, street lamps) placed in the grids of 新城街道; deterministic for a seed.
 */
export function* generateThings(options: ThingOptions): Generator<SeedThing> {
  const { count, seed } = options;
  checkOptions(seed, { count });
  const rng = mulberry32(hashString(`things:${seed}`));
  const grids = generatorGrids();
  const categoryOf = weighted(THING_KINDS);
  const urbanGrid = weighted(grids.filter((g) => g.kind === 'COMMUNITY').map((g) => [g, 1] as const));
  const slopeGrid = weighted(grids.map((g) => [g, g.kind === 'VILLAGE' ? 5 : 1] as const));
  const anyGrid = weighted(grids.map((g) => [g, g.kind === 'VILLAGE' ? 0.6 : 1] as const));
  const counters = new Map<string, number>();
  for (let k = 0; k < count; k++) {
    const category = categoryOf(rng);
    const grid =
      category === 'ELEVATOR'
        ? urbanGrid(rng)
        : category === 'DANGEROUS_SLOPE'
          ? slopeGrid(rng)
          : anyGrid(rng);
    const counterKey = `${category}:${grid.code}`;
    const n = (counters.get(counterKey) ?? 0) + 1;
    counters.set(counterKey, n);
    const code = `${THING_PREFIX[category]}-${grid.code}-${String(n).padStart(4, '0')}`;
    const road = pick(rng, grid.roads);
    const door = randomInt(rng, 1, 300);
    let name: string;
    switch (category) {
      case 'CAMERA':
        name = `${road}${door}号${pick(rng, ['路口', '门口', '东侧', '西侧'])}监控摄像头`;
        break;
      case 'HYDRANT':
        name = `${road}${door}号旁室外消火栓`;
        break;
      case 'MANHOLE_COVER':
        name = `${road}${door}号${pick(rng, ['污水', '雨水', '通信', '电力', '燃气', '给水'])}井盖`;
        break;
      case 'ELEVATOR':
        name = `${road}${door}号${randomInt(rng, 1, 12)}栋${randomInt(rng, 1, 3)}单元电梯`;
        break;
      case 'DANGEROUS_SLOPE':
        name =
          grid.kind === 'VILLAGE' ? `${grid.roads[0]}后山危险边坡` : `${grid.communityName}${road}挡墙边坡`;
        break;
      case 'STREET_LAMP':
        name = `${road}路灯${String(door).padStart(3, '0')}号杆`;
        break;
    }
    const r = rng();
    const canGoMissing = category === 'MANHOLE_COVER' || category === 'STREET_LAMP' || category === 'HYDRANT';
    const status: SeedThing['status'] =
      r < 0.91 ? 'NORMAL' : r < 0.97 || !canGoMissing ? 'DAMAGED' : 'MISSING';
    const [lon, lat] = randomPointIn(grid.boundary, rng);
    yield {
      key: code,
      code,
      category,
      name,
      gridCode: grid.code,
      status,
      departmentCode: THING_DEPARTMENT[category],
      lon,
      lat,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Cases

/** Options of `generateCases`. */
export interface CaseOptions {
  count: number;
  seed: number;
  /** Time of the first possible report. */
  start: Date;
  /** Average reports per day (default 24); reports thin out at night. */
  perDay?: number;
}

interface CaseKind {
  code: string;
  weight: number;
  villageWeight: number;
  describe: (rng: Rng, place: string) => string;
}

/** Case categories used by the fixtures: leaf codes of fixtures/case-categories.json. */
export const CASE_CATEGORY_CODES = [
  'L0201',
  'L0202',
  'L0203',
  'L0204',
  'L0301',
  'L0303',
  'L0401',
  'L0101',
  'E0101',
  'E0501',
  'E0503',
  'E0403',
  'C0103',
] as const;

const CASE_KINDS: readonly CaseKind[] = [
  {
    code: 'L0201',
    weight: 8,
    villageWeight: 12,
    describe: (rng, p) =>
      `${p}附近${pick(rng, ['树上', '屋檐下', '楼道窗外', '电线杆上', '围墙边'])}有马蜂窝，约${pick(rng, ['拳头', '碗口', '篮球'])}大小，${pick(rng, ['已有老人被蜇', '小孩上学经过，很危险', '马蜂很多'])}，请尽快处理。`,
  },
  {
    code: 'L0202',
    weight: 1,
    villageWeight: 8,
    describe: (rng, p) =>
      `${p}后山有危岩松动，${pick(rng, ['雨后有落石', '下方是民房', '旁边就是村道'])}，存在安全隐患。`,
  },
  {
    code: 'L0203',
    weight: 3,
    villageWeight: 1,
    describe: (rng, p) => `${p}消防栓${pick(rng, ['被车撞歪漏水', '阀门锈死', '被杂物围堵'])}。`,
  },
  {
    code: 'L0204',
    weight: 5,
    villageWeight: 1,
    describe: (rng, p) =>
      `${p}路面${pick(rng, ['井盖缺失', '井盖破损下陷', '井盖松动有响声'])}，夜间行人容易踩空。`,
  },
  {
    code: 'L0301',
    weight: 8,
    villageWeight: 6,
    describe: (rng, p) =>
      `${p}${pick(rng, ['小区门口', '路边空地', '河堤下'])}垃圾乱堆，${pick(rng, ['已有异味', '好几天没人清运', '招苍蝇'])}。`,
  },
  {
    code: 'L0303',
    weight: 6,
    villageWeight: 2,
    describe: (rng, p) =>
      `${p}${pick(rng, ['广场舞音响', '夜间装修', '烧烤摊'])}噪音扰民，${pick(rng, ['晚上十点后仍未停止', '影响老人休息'])}。`,
  },
  {
    code: 'L0401',
    weight: 6,
    villageWeight: 6,
    describe: (rng, p) =>
      `${p}${pick(rng, ['路面坑洼', '人行道砖松动', '路面开裂'])}，${pick(rng, ['电动车经过易摔倒', '下雨积水'])}。`,
  },
  {
    code: 'L0101',
    weight: 5,
    villageWeight: 5,
    describe: (rng, p) =>
      `${p}${pick(rng, ['邻居楼上漏水', '邻里因占用公共楼道', '两户因宅基地边界'])}发生纠纷，请社区协调。`,
  },
  {
    code: 'E0101',
    weight: 8,
    villageWeight: 3,
    describe: (rng, p) => `${p}垃圾桶满溢，${pick(rng, ['垃圾散落路面', '未及时清运'])}。`,
  },
  {
    code: 'E0501',
    weight: 6,
    villageWeight: 1,
    describe: (rng, p) => `${p}${pick(rng, ['水果摊', '早餐摊', '菜贩'])}占道经营，影响通行。`,
  },
  {
    code: 'E0503',
    weight: 7,
    villageWeight: 1,
    describe: (rng, p) =>
      `${p}${pick(rng, ['机动车占用消防通道', '车辆乱停堵住小区出口', '车辆停在盲道上'])}。`,
  },
  {
    code: 'E0403',
    weight: 3,
    villageWeight: 2,
    describe: (rng, p) => `${p}${pick(rng, ['下雨后道路积水严重', '排水口堵塞，路面积水'])}。`,
  },
  {
    code: 'C0103',
    weight: 5,
    villageWeight: 2,
    describe: (rng, p) => `${p}路灯${pick(rng, ['不亮', '白天常亮', '灯杆倾斜'])}，请维修。`,
  },
];

const caseChannel = weighted<SeedCase['channel']>([
  ['APP', 35],
  ['HOTLINE_12345', 25],
  ['GRID_WORKER', 30],
  ['PHOTO', 10],
]);

/** The grid worker (网格员) of a grid: a fixed name and phone derived from the grid code. */
function gridWorker(gridCode: string): { name: string; phone: string } {
  const rng = mulberry32(hashString(`grid-worker:${gridCode}`));
  const gender: Gender = chance(rng, 0.6) ? 'FEMALE' : 'MALE';
  return { name: randomHanName(rng, gender, randomInt(rng, 1975, 1998)), phone: mobile(rng) };
}

/**
 * Streams reported cases (事) inside 新城街道 from `start` on, in time order, with real case category
 * codes, Chinese descriptions naming the place, channel and reporter; deterministic for a seed.
 */
export function* generateCases(options: CaseOptions): Generator<SeedCase> {
  const { count, seed, start } = options;
  checkOptions(seed, { count });
  if (!(start instanceof Date) || Number.isNaN(start.getTime()))
    throw new RangeError('start must be a valid Date');
  const perDay = options.perDay ?? 24;
  if (!(perDay > 0)) throw new RangeError('perDay must be positive');
  const rng = mulberry32(hashString(`cases:${seed}`));
  const grids = generatorGrids();
  const gridOf = weighted(grids.map((g) => [g, g.kind === 'VILLAGE' ? 0.6 : 1] as const));
  const urbanKind = weighted(CASE_KINDS.map((k) => [k, k.weight] as const));
  const villageKind = weighted(CASE_KINDS.map((k) => [k, k.villageWeight] as const));
  const meanGapMs = 86_400_000 / perDay;
  let t = start.getTime();
  for (let n = 1; n <= count; n++) {
    // Exponential gaps; a report falling between 0:00 and 7:00 Beijing time is usually moved on.
    for (;;) {
      t += Math.max(1000, Math.round(-Math.log(1 - rng()) * meanGapMs));
      const beijingHour = new Date(t + 8 * 3_600_000).getUTCHours();
      if (beijingHour >= 7 || rng() < 0.15) break;
    }
    const grid = gridOf(rng);
    const kind = grid.kind === 'VILLAGE' ? villageKind(rng) : urbanKind(rng);
    const road = pick(rng, grid.roads);
    const place =
      grid.kind === 'VILLAGE' && road === grid.roads[0] ? road : `${road}${randomInt(rng, 1, 300)}号`;
    const [lon, lat] = randomPointIn(grid.boundary, rng);
    const channel = caseChannel(rng);
    let reporterName: string;
    let reporterPhone: string | null;
    if (channel === 'GRID_WORKER') {
      const w = gridWorker(grid.code);
      reporterName = w.name;
      reporterPhone = w.phone;
    } else {
      reporterName = randomHanName(rng, chance(rng, 0.5) ? 'MALE' : 'FEMALE', randomInt(rng, 1950, 2005));
      reporterPhone = channel === 'PHOTO' && chance(rng, 0.2) ? null : mobile(rng);
    }
    yield {
      key: `CASE-${String(n).padStart(8, '0')}`,
      categoryCode: kind.code,
      description: kind.describe(rng, place),
      lon,
      lat,
      channel,
      reporterName,
      reporterPhone,
      reportedAt: new Date(t).toISOString(),
    };
  }
}
