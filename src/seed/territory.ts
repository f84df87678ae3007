/**
 * The fixture district's map: the division fixture laid out by geometry.ts. 新城街道 is the centre
 * street; the other 街道 surround it, the towns (镇) fill the rest of the district.
 */

import { readDivision, type Division } from './division';
import { buildTerritory, type Territory, type TerritoryLayout } from './geometry';

/** Code of 新城街道, the street whose communities, grids and residents the fixtures fill. */
export const CENTRE_STREET_CODE = '610902002';

/** Where each street of the division goes: the three other 街道 west, north and east of 新城街道, in code order. */
export function districtLayout(division: Division): TerritoryLayout {
  const urbanStreets = division.streets.filter(
    (s) => s.code !== CENTRE_STREET_CODE && s.name.endsWith('街道'),
  );
  if (urbanStreets.length !== 3)
    throw new Error(`expected 3 other 街道 around the centre, found ${urbanStreets.length}`);
  const [west, north, east] = urbanStreets.map((s) => s.code);
  const urbanCodes = new Set([CENTRE_STREET_CODE, west, north, east]);
  return {
    townCodes: division.streets.filter((s) => !urbanCodes.has(s.code)).map((s) => s.code),
    urban: { centre: CENTRE_STREET_CODE, west, north, east },
    communities: division.communities
      .filter((c) => c.streetCode === CENTRE_STREET_CODE)
      .map((c) => ({ code: c.code, kind: c.kind })),
  };
}

let cached: Territory | undefined;

/** Boundaries of the district, its streets, and the communities and grids of 新城街道 (built once per process). */
export function districtTerritory(): Territory {
  if (!cached) cached = buildTerritory(districtLayout(readDivision()));
  return cached;
}
