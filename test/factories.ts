import type { Services } from '../src/app/services';
import type { AreaInput } from '../src/geo/area.service';
import { makeIdNumber } from '../src/normalize/id-number';
import type { PersonRow } from '../src/registry/registry.types';

/** A square GeoJSON MultiPolygon from its south-west corner and side (degrees). */
export function square(lon: number, lat: number, side: number) {
  return {
    type: 'MultiPolygon' as const,
    coordinates: [[[[lon, lat], [lon + side, lat], [lon + side, lat + side], [lon, lat + side], [lon, lat]]]],
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
    { code: T.province, name: '陕西省', level: 'PROVINCE', parentCode: null, districtCode: null, boundary: null },
    { code: T.city, name: '安康市', level: 'CITY', parentCode: T.province, districtCode: null, boundary: null },
    { code: T.district, name: '汉滨区', level: 'DISTRICT', parentCode: T.city, districtCode: T.district, boundary: square(108.9, 32.6, 0.2) },
    { code: T.street, name: '新城街道', level: 'STREET', parentCode: T.district, districtCode: T.district, boundary: square(109.0, 32.68, 0.015) },
    { code: T.communityA, name: '北门社区', level: 'COMMUNITY', parentCode: T.street, districtCode: T.district, boundary: { type: 'MultiPolygon', coordinates: [[[[109.0, 32.68], [109.01, 32.68], [109.01, 32.685], [109.0, 32.685], [109.0, 32.68]]]] } },
    { code: T.communityB, name: '文昌社区', level: 'COMMUNITY', parentCode: T.street, districtCode: T.district, boundary: square(109.01, 32.68, 0.005) },
    { code: T.gridA1, name: '北门社区第1网格', level: 'GRID', parentCode: T.communityA, districtCode: T.district, boundary: square(109.0, 32.68, 0.005) },
    { code: T.gridA2, name: '北门社区第2网格', level: 'GRID', parentCode: T.communityA, districtCode: T.district, boundary: square(109.005, 32.68, 0.005) },
    { code: T.gridB1, name: '文昌社区第1网格', level: 'GRID', parentCode: T.communityB, districtCode: T.district, boundary: square(109.01, 32.68, 0.005) },
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
  over: Partial<{ name: string; idNumber: string | null; birthDate: string; gender: 'MALE' | 'FEMALE'; areaCode: string; residenceType: 'REGISTERED' | 'FLOATING'; phone: string }> = {},
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
    { name: 'factory' },
  );
}
