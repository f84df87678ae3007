import type { Services } from '../src/app/services';
import { UNRESTRICTED } from '../src/auth/scope';
import type { AreaInput } from '../src/geo/area.service';
import { makeIdNumber } from '../src/normalize/id-number';
import type { PersonRow } from '../src/registry/registry.types';
import type { PersonPageFilter } from '../src/registry/registry.queries';

/** A square GeoJSON MultiPolygon from its south-west corner and side (degrees). */
export function square(lon: number, lat: number, side: number) {
  return {
    type: 'MultiPolygon' as const,
    coordinates: [
      [
        [
          [lon, lat],
          [lon + side, lat],
          [lon + side, lat + side],
          [lon, lat + side],
          [lon, lat],
        ],
      ],
    ],
  };
}

/** Codes of the small test territory built by `buildTerritory`. */
export const T = {
  province: '610000',
  city: '610900',
  district: '610902',
  street: '610902002',
  communityA: '610902002001',
  communityB: '610902002002',
  gridA1: '61090200200101',
  gridA2: '61090200200102',
  gridB1: '61090200200201',
  /** A point inside grid A1, A2, B1. */
  inA1: { type: 'Point', coordinates: [109.0025, 32.6825] },
  inA2: { type: 'Point', coordinates: [109.0075, 32.6825] },
  inB1: { type: 'Point', coordinates: [109.0125, 32.6825] },
  outside: { type: 'Point', coordinates: [120.0, 30.0] },
};

/**
 * A small territory: 陕西省 > 安康市 > 汉滨区 > 新城街道 > two communities; community A has two grids
 * side by side (0.005° squares), community B one grid.
 */
export async function buildTerritory(s: Services): Promise<void> {
  const areas: AreaInput[] = [
    {
      code: T.province,
      name: '陕西省',
      level: 'PROVINCE',
      parentCode: null,
      districtCode: null,
      boundary: null,
    },
    {
      code: T.city,
      name: '安康市',
      level: 'CITY',
      parentCode: T.province,
      districtCode: null,
      boundary: null,
    },
    {
      code: T.district,
      name: '汉滨区',
      level: 'DISTRICT',
      parentCode: T.city,
      districtCode: T.district,
      boundary: square(108.9, 32.6, 0.2),
    },
    {
      code: T.street,
      name: '新城街道',
      level: 'STREET',
      parentCode: T.district,
      districtCode: T.district,
      boundary: square(109.0, 32.68, 0.015),
    },
    {
      code: T.communityA,
      name: '北门社区',
      level: 'COMMUNITY',
      parentCode: T.street,
      districtCode: T.district,
      boundary: {
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [109.0, 32.68],
              [109.01, 32.68],
              [109.01, 32.685],
              [109.0, 32.685],
              [109.0, 32.68],
            ],
          ],
        ],
      },
    },
    {
      code: T.communityB,
      name: '文昌社区',
      level: 'COMMUNITY',
      parentCode: T.street,
      districtCode: T.district,
      boundary: square(109.01, 32.68, 0.005),
    },
    {
      code: T.gridA1,
      name: '北门社区第1网格',
      level: 'GRID',
      parentCode: T.communityA,
      districtCode: T.district,
      boundary: square(109.0, 32.68, 0.005),
    },
    {
      code: T.gridA2,
      name: '北门社区第2网格',
      level: 'GRID',
      parentCode: T.communityA,
      districtCode: T.district,
      boundary: square(109.005, 32.68, 0.005),
    },
    {
      code: T.gridB1,
      name: '文昌社区第1网格',
      level: 'GRID',
      parentCode: T.communityB,
      districtCode: T.district,
      boundary: square(109.01, 32.68, 0.005),
    },
  ];
  await s.areas.upsert(areas);
}

let seq = 0;
/** A valid ID number for a birth date and gender, unique within the test run. */
export function idNumberFor(birthDate = '1980-05-17', gender: 'MALE' | 'FEMALE' = 'MALE'): string {
  return makeIdNumber('610902', birthDate, ((seq++ * 2) % 980) + 10, gender);
}

/** Creates a person through the service (the ledger write path), with sensible defaults. */
export async function buildPerson(
  s: Services,
  over: Partial<{
    name: string;
    idNumber: string | null;
    birthDate: string;
    gender: 'MALE' | 'FEMALE';
    areaCode: string;
    residenceType: 'REGISTERED' | 'FLOATING';
    phone: string;
  }> = {},
): Promise<PersonRow> {
  const birthDate = over.birthDate ?? '1980-05-17';
  const gender = over.gender ?? 'MALE';
  return s.persons.create(
    {
      name: over.name ?? '张伟',
      idNumber: over.idNumber === undefined ? idNumberFor(birthDate, gender) : over.idNumber,
      birthDate: over.idNumber === null ? birthDate : undefined,
      gender: over.idNumber === null ? gender : undefined,
      areaCode: over.areaCode ?? T.gridA1,
      residenceType: over.residenceType ?? 'REGISTERED',
      phone: over.phone,
    },
    { name: 'factory', scope: UNRESTRICTED },
  );
}

// ------------------------------------------------------------------------------------------------
// Fast bulk population through the ledger batch path (one `record` call for everything).
import { pointToEwkt } from '../src/ledger/entities';
import type { CommitResult, LedgerItem, SourceInput } from '../src/ledger/ledger.types';
import type { LedgerService } from '../src/ledger/ledger.service';
import { composeAddress } from '../src/registry/house.service';

/** A house to record in bulk; its grid is found from the location, as HouseService does. */
export interface HouseSeed {
  lon: number;
  lat: number;
  streetName: string;
  streetNumber: string;
  building?: string | null;
  unit?: string | null;
  room?: string | null;
}

/** A household to record in bulk, living in `houses[house]`. */
export interface HouseholdSeed {
  householdNumber: string;
  house: number;
}

/**
 * A person to record in bulk. With `household` (an index into the households) the person lives
 * in that household's house and area; `head` also makes them the household's head (户主).
 */
export interface PersonSeed {
  name: string;
  gender: 'MALE' | 'FEMALE';
  birthDate: string;
  residenceType: 'REGISTERED' | 'FLOATING';
  household?: number | null;
  relationToHead?: string | null;
  head?: boolean;
  /** Required when the person has no household. */
  areaCode?: string;
}

/** Ids of what `recordPopulation` created, in the order of the seeds. */
export interface Population {
  houseIds: number[];
  houseAreas: string[];
  householdIds: number[];
  personIds: number[];
  recordedAt: Date;
}

let populationSeq = 0;
let populationPersonSeq = 0;
/**
 * Records houses, households and persons in ONE ledger batch with ids reserved up front, mirroring
 * the column values HouseService, HouseholdService and PersonService write. Person ids follow the
 * order of `persons`. One source record (kind SEED) per row, like an ingested sheet.
 */
export async function recordPopulation(
  s: Services,
  seed: { houses: HouseSeed[]; households: HouseholdSeed[]; persons: PersonSeed[] },
  opts: { at?: Date } = {},
): Promise<Population> {
  const district = T.district;
  const run = ++populationSeq;
  const houseIds = await s.ledger.allocateIds(s.pool, 'HOUSE', seed.houses.length);
  const householdIds = await s.ledger.allocateIds(s.pool, 'HOUSEHOLD', seed.households.length);
  const personIds = await s.ledger.allocateIds(s.pool, 'PERSON', seed.persons.length);
  const houseAreas: string[] = [];
  for (const h of seed.houses) houseAreas.push((await s.areas.locate(h.lon, h.lat, 'location')).code);
  const heads = new Map<number, number>();
  seed.persons.forEach((p, i) => {
    if (p.head && p.household != null) heads.set(p.household, personIds[i]);
  });
  const src = (sheet: string, row: number, raw: Record<string, unknown>): SourceInput => ({
    districtCode: district,
    kind: 'SEED',
    actor: 'factory',
    fileName: `population-${run}.xlsx`,
    sheet,
    rowNumber: row + 2,
    raw,
  });
  // houses first, then households, then persons: the ledger inserts entity types in the order
  // they first appear, and households and persons reference houses (non-deferrable keys)
  const items: LedgerItem[] = [
    ...seed.houses.map((h, i) => ({
      source: src('房屋', i, { ...h }),
      writes: [
        {
          type: 'HOUSE' as const,
          districtCode: district,
          id: houseIds[i],
          create: true,
          values: {
            use: 'RESIDENTIAL',
            street_name: h.streetName,
            street_number: h.streetNumber,
            building: h.building ?? null,
            unit: h.unit ?? null,
            room: h.room ?? null,
            address: composeAddress(h),
            location: pointToEwkt(h.lon, h.lat),
            area_code: houseAreas[i],
          },
        },
      ],
    })),
    ...seed.households.map((hh, i) => ({
      source: src('户', i, { ...hh }),
      writes: [
        {
          type: 'HOUSEHOLD' as const,
          districtCode: district,
          id: householdIds[i],
          create: true,
          values: {
            household_number: hh.householdNumber,
            house_id: houseIds[hh.house],
            area_code: houseAreas[hh.house],
            head_person_id: heads.get(i) ?? null,
          },
        },
      ],
    })),
    ...seed.persons.map((p, i) => {
      const hh = p.household != null ? seed.households[p.household] : null;
      const areaCode = p.areaCode ?? (hh ? houseAreas[hh.house] : undefined);
      if (!areaCode) throw new Error(`recordPopulation: person ${i} has neither a household nor an areaCode`);
      return {
        source: src('人口', i, { ...p }),
        writes: [
          {
            type: 'PERSON' as const,
            districtCode: district,
            id: personIds[i],
            create: true,
            values: {
              status: 'ACTIVE',
              name: p.name,
              // unique for the first 500 persons of one birth date and gender in a test file
              id_number: makeIdNumber(district, p.birthDate, (populationPersonSeq++ * 2) % 1000, p.gender),
              gender: p.gender,
              birth_date: p.birthDate,
              residence_type: p.residenceType,
              area_code: areaCode,
              household_id: hh ? householdIds[p.household!] : null,
              relation_to_head: hh ? (p.head ? '户主' : (p.relationToHead ?? '其他')) : null,
              house_id: hh ? houseIds[hh.house] : null,
            },
          },
        ],
      };
    }),
  ];
  const result = await s.ledger.record(items, opts);
  return { houseIds, houseAreas, householdIds, personIds, recordedAt: result.recordedAt };
}

/** A department fact to record in bulk (values as FactService writes them). */
export interface FactSeed {
  personId: number;
  kind: string;
  departmentCode: string;
  validFrom: string;
  validTo?: string | null;
  status?: 'ACTIVE' | 'RETRACTED';
  attributes?: Record<string, unknown>;
}

/** Records facts in one ledger batch, one source record per fact from its department; returns their ids. */
export async function recordFacts(
  s: Services,
  facts: FactSeed[],
  opts: { at?: Date } = {},
): Promise<number[]> {
  const ids = await s.ledger.allocateIds(s.pool, 'FACT', facts.length);
  await s.ledger.record(
    facts.map((f, i) => ({
      source: {
        districtCode: T.district,
        kind: 'INGEST',
        departmentCode: f.departmentCode,
        actor: 'factory',
        raw: { ...f },
      },
      writes: [
        {
          type: 'FACT',
          districtCode: T.district,
          id: ids[i],
          create: true,
          values: {
            person_id: f.personId,
            kind: f.kind,
            department_code: f.departmentCode,
            valid_from: f.validFrom,
            valid_to: f.validTo ?? null,
            attributes: f.attributes ?? {},
            status: f.status ?? 'ACTIVE',
          },
        },
      ],
    })),
    opts,
  );
  return ids;
}

/** A persons-page filter with no filter set (everyone, from the start, unrestricted), and `over`. */
export function personsPageFilter(over: Partial<PersonPageFilter> = {}): PersonPageFilter {
  return {
    afterId: 0,
    limit: 51,
    areaCodes: null,
    bornAfter: null,
    bornBefore: null,
    gender: null,
    residenceType: null,
    factKind: null,
    day: '2000-01-01',
    asOf: null,
    scope: UNRESTRICTED,
    ...over,
  };
}

/**
 * A department's roster row giving a person's phone, written through the ledger as ingest writes
 * it (kind INGEST): what raises, or does not raise, a conflict with the value shown.
 */
export function sendPhone(
  ledger: LedgerService,
  personId: number,
  departmentCode: string | null,
  phone: string,
): Promise<CommitResult> {
  return ledger.record([
    {
      source: { districtCode: T.district, kind: 'INGEST', departmentCode, raw: { 联系电话: phone } },
      writes: [{ type: 'PERSON', districtCode: T.district, id: personId, create: false, values: { phone } }],
    },
  ]);
}
