/** A person as read from the ledger (now or as of an instant). */
export interface PersonRow {
  districtCode: string;
  id: number;
  idNumber: string | null;
  name: string;
  gender: 'MALE' | 'FEMALE' | null;
  birthDate: string | null;
  ethnicity: string | null;
  phone: string | null;
  residenceType: 'REGISTERED' | 'FLOATING' | null;
  status: string;
  mergedIntoId: number | null;
  householdId: number | null;
  relationToHead: string | null;
  houseId: number | null;
  areaCode: string;
  provenance: Record<string, number>;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  /** Set when the row was read as of a past instant; nested reads follow it. */
  asOf?: Date | null;
}

/** A household (户). */
export interface HouseholdRow {
  districtCode: string;
  id: number;
  householdNumber: string;
  headPersonId: number | null;
  houseId: number | null;
  areaCode: string;
  provenance: Record<string, number>;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  asOf?: Date | null;
}

/** A house (房). */
export interface HouseRow {
  districtCode: string;
  id: number;
  code: string | null;
  streetName: string | null;
  streetNumber: string | null;
  building: string | null;
  unit: string | null;
  room: string | null;
  address: string;
  use: string;
  floors: number | null;
  ownerName: string | null;
  lon: number | null;
  lat: number | null;
  areaCode: string;
  provenance: Record<string, number>;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  asOf?: Date | null;
}

/** A public component or hazard (物). */
export interface ThingRow {
  districtCode: string;
  id: number;
  code: string | null;
  category: string;
  name: string;
  status: string;
  departmentCode: string | null;
  lon: number;
  lat: number;
  areaCode: string;
  provenance: Record<string, number>;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A case (事) as the registry reads it; the case workflow owns its transitions. */
export interface CaseRow {
  districtCode: string;
  id: number;
  categoryCode: string;
  description: string;
  channel: string;
  reporterName: string | null;
  reporterPhone: string | null;
  lon: number | null;
  lat: number | null;
  areaCode: string | null;
  status: string;
  reportedAt: Date;
  provenance: Record<string, number>;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A department fact about a person (低保, 特困, disability...), true for a period. */
export interface FactRow {
  districtCode: string;
  id: number;
  personId: number;
  kind: string;
  departmentCode: string | null;
  validFrom: string;
  validTo: string | null;
  attributes: Record<string, unknown>;
  status: string;
  provenance: Record<string, number>;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A source record's description (never its raw cells: those may hold personal data). */
export interface SourceRow {
  id: number;
  districtCode: string;
  kind: string;
  departmentCode: string | null;
  actor: string | null;
  fileName: string | null;
  sheet: string | null;
  rowNumber: number | null;
  receivedAt: Date;
}
