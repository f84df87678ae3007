import type pg from 'pg';
import { AppError } from '../errors/app-error';
import { areaInScope, Scope } from '../auth/scope';
import type { AreaService } from '../geo/area.service';
import { parsePoint } from '../geo/geojson';
import { pointToEwkt } from '../ledger/entities';
import type { LedgerService } from '../ledger/ledger.service';
import { Actor, staffSource } from './person.service';
import { PageArgs, pageWindow, toPage } from './pagination';
import { registrySql } from './registry.queries';
import type { HouseRow } from './registry.types';

/** Fields of a house (房) staff may enter. */
export interface HouseFields {
  code?: string | null;
  streetName?: string | null;
  streetNumber?: string | null;
  building?: string | null;
  unit?: string | null;
  room?: string | null;
  address?: string | null;
  use?: 'RESIDENTIAL' | 'SHOP' | 'RENTAL' | 'OTHER';
  floors?: number | null;
  ownerName?: string | null;
  /** GeoJSON Point; the containing grid is computed from it. */
  location?: unknown;
}

/** Houses: written through the ledger; the grid that contains the location is computed by PostGIS. */
export class HouseService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ledger: LedgerService,
    private readonly areas: AreaService,
  ) {}

  /** Houses by id, in the order asked. */
  async byIds(ids: readonly number[], scope: Scope, asOf?: Date | null): Promise<(HouseRow | null)[]> {
    const { rows } = await this.pool.query<HouseRow>(registrySql.housesByIds(ids, asOf ?? null, scope));
    const map = new Map(rows.map((r) => [r.id, { ...r, asOf: asOf ?? null }]));
    return ids.map((id) => map.get(id) ?? null);
  }

  /** One page of houses in an area subtree and/or inside a GeoJSON polygon. */
  async list(filter: { areaCode?: string | null; within?: unknown }, page: PageArgs, scope: Scope) {
    const { limit, afterId } = pageWindow(page);
    const areaCodes = filter.areaCode
      ? await this.areas.subtreeCodes(filter.areaCode, 'filter.areaCode')
      : null;
    const within = filter.within ? JSON.stringify(filter.within) : null;
    const f = { afterId, limit: limit + 1, areaCodes, within, scope };
    const { rows } = await this.pool.query<HouseRow>(registrySql.housesPage(f, false));
    let total: Promise<number> | undefined;
    return {
      ...toPage(rows, limit, afterId),
      totalCount: () =>
        (total ??= this.pool
          .query<{ total: number }>(registrySql.housesPage(f, true))
          .then((r) => Number(r.rows[0].total))),
    };
  }

  /** Creates a house; its location must fall inside a known area. */
  async create(input: HouseFields, actor: Actor): Promise<HouseRow> {
    if (input.location === undefined || input.location === null) {
      throw new AppError(
        'VALUE_INVALID',
        'input.location is required to place the house in its grid',
        'input.location',
      );
    }
    const values = await this.validate(input, null, actor.scope);
    if (!values.address)
      throw new AppError(
        'VALUE_INVALID',
        'input.address or its parts (streetName, streetNumber) are required',
        'input.address',
      );
    const area = await this.areas.get(values.area_code as string);
    const districtCode = area.districtCode!;
    if (values.code) await this.checkCode(districtCode, values.code as string, null);
    const [id] = await this.ledger.allocateIds(this.pool, 'HOUSE', 1);
    await this.ledger.record([
      {
        source: staffSource(districtCode, actor, 'createHouse', input),
        writes: [
          { type: 'HOUSE', districtCode, id, create: true, values: { use: 'RESIDENTIAL', ...values } },
        ],
      },
    ]);
    return (await this.byIds([id], actor.scope))[0]!;
  }

  /** Corrects a house; a new location moves it to the grid that contains it. */
  async update(id: number, input: HouseFields, actor: Actor, expectedVersion?: number): Promise<HouseRow> {
    const current = (await this.byIds([id], actor.scope))[0];
    if (!current) throw new AppError('HOUSE_NOT_FOUND', `no house has id ${id}`, 'id');
    const values = await this.validate(input, current, actor.scope);
    if (
      values.area_code &&
      (await this.areas.get(values.area_code as string)).districtCode !== current.districtCode
    ) {
      throw new AppError('DISTRICT_MISMATCH', 'input.location lies in another district', 'input.location');
    }
    if (values.code) await this.checkCode(current.districtCode, values.code as string, id);
    await this.ledger.record([
      {
        source: staffSource(current.districtCode, actor, 'updateHouse', { id, ...input }),
        writes: [
          { type: 'HOUSE', districtCode: current.districtCode, id, create: false, values, expectedVersion },
        ],
      },
    ]);
    return (await this.byIds([id], actor.scope))[0]!;
  }

  private async checkCode(districtCode: string, code: string, self: number | null) {
    const { rows } = await this.pool.query<{ id: number }>(registrySql.houseIdByCode, [districtCode, code]);
    if (rows.length > 0 && rows[0].id !== self) {
      throw new AppError('HOUSE_CODE_TAKEN', `house code ${code} is already used`, 'input.code');
    }
  }

  private async validate(
    input: HouseFields,
    current: HouseRow | null,
    scope: Scope,
  ): Promise<Record<string, unknown>> {
    const v: Record<string, unknown> = {};
    const text = ['code', 'streetName', 'streetNumber', 'building', 'unit', 'room', 'ownerName'] as const;
    const column: Record<(typeof text)[number], string> = {
      code: 'code',
      streetName: 'street_name',
      streetNumber: 'street_number',
      building: 'building',
      unit: 'unit',
      room: 'room',
      ownerName: 'owner_name',
    };
    for (const k of text) {
      const val = input[k];
      if (val !== undefined) v[column[k]] = val === null ? null : val.trim() || null;
    }
    if (input.use !== undefined) v.use = input.use;
    if (input.floors !== undefined) {
      if (
        input.floors !== null &&
        (!Number.isInteger(input.floors) || input.floors < 1 || input.floors > 200)
      ) {
        throw new AppError(
          'VALUE_INVALID',
          'input.floors must be a whole number from 1 to 200',
          'input.floors',
        );
      }
      v.floors = input.floors;
    }
    if (input.location !== undefined && input.location !== null) {
      const { lon, lat } = parsePoint(input.location, 'input.location');
      const area = await this.areas.locate(lon, lat, 'input.location');
      if (!areaInScope(this.areas, scope, area.code))
        throw new AppError(
          'AREA_OUT_OF_SCOPE',
          'input.location lies outside the areas you may write to',
          'input.location',
        );
      v.location = pointToEwkt(lon, lat);
      v.area_code = area.code;
    }
    if (input.address) v.address = input.address.trim();
    else if (
      input.address === undefined &&
      (!current ||
        Object.keys(v).some((k) => ['street_name', 'street_number', 'building', 'unit', 'room'].includes(k)))
    ) {
      const merged = { ...current, ...pick(v) };
      const composed = composeAddress(merged);
      if (composed) v.address = composed;
    }
    return v;
  }
}

function pick(v: Record<string, unknown>) {
  return {
    streetName: v.street_name as string | null | undefined,
    streetNumber: v.street_number as string | null | undefined,
    building: v.building as string | null | undefined,
    unit: v.unit as string | null | undefined,
    room: v.room as string | null | undefined,
  };
}

/** 兴安路12号3栋2单元301室 from its parts. */
export function composeAddress(p: {
  streetName?: string | null;
  streetNumber?: string | null;
  building?: string | null;
  unit?: string | null;
  room?: string | null;
}): string | null {
  if (!p.streetName && !p.streetNumber) return null;
  const suffix = (v: string | null | undefined, s: string) => (v ? (v.endsWith(s) ? v : v + s) : '');
  return `${p.streetName ?? ''}${suffix(p.streetNumber, '号')}${suffix(p.building, '栋')}${suffix(p.unit, '单元')}${suffix(p.room, '室')}`;
}
