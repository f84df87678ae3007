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
import type { ThingRow } from './registry.types';

/** Fields of a thing (物: camera, hydrant, manhole cover, slope...). */
export interface ThingFields {
  code?: string | null;
  category?: string;
  name?: string;
  status?: 'NORMAL' | 'DAMAGED' | 'MISSING' | 'REMOVED';
  departmentCode?: string | null;
  location?: unknown;
}

/** Things: public components and hazards with a location, written through the ledger. */
export class ThingService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ledger: LedgerService,
    private readonly areas: AreaService,
  ) {}

  /** Things by id, in the order asked. */
  async byIds(ids: readonly number[], scope: Scope): Promise<(ThingRow | null)[]> {
    const { rows } = await this.pool.query<ThingRow>(registrySql.thingsByIds(ids, scope));
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  }

  /** One page of things by area subtree and category. */
  async list(filter: { areaCode?: string | null; category?: string | null }, page: PageArgs, scope: Scope) {
    const { limit, afterId } = pageWindow(page);
    const areaCodes = filter.areaCode
      ? await this.areas.subtreeCodes(filter.areaCode, 'filter.areaCode')
      : null;
    const f = { afterId, limit: limit + 1, areaCodes, category: filter.category ?? null, scope };
    const { rows } = await this.pool.query<ThingRow>(registrySql.thingsPage(f, false));
    let total: Promise<number> | undefined;
    return {
      ...toPage(rows, limit, afterId),
      totalCount: () =>
        (total ??= this.pool
          .query<{ total: number }>(registrySql.thingsPage(f, true))
          .then((r) => Number(r.rows[0].total))),
    };
  }

  /** Registers a thing at a location inside a known area. */
  async create(
    input: ThingFields & { category: string; name: string; location: unknown },
    actor: Actor,
  ): Promise<ThingRow> {
    const values = await this.validate(input, actor.scope);
    const area = await this.areas.get(values.area_code as string);
    const districtCode = area.districtCode!;
    const [id] = await this.ledger.allocateIds(this.pool, 'THING', 1);
    await this.ledger.record([
      {
        source: staffSource(districtCode, actor, 'createThing', input),
        writes: [{ type: 'THING', districtCode, id, create: true, values: { status: 'NORMAL', ...values } }],
      },
    ]);
    return (await this.byIds([id], actor.scope))[0]!;
  }

  /** Updates a thing (status after an inspection, a corrected location...). */
  async update(id: number, input: ThingFields, actor: Actor, expectedVersion?: number): Promise<ThingRow> {
    const [current] = await this.byIds([id], actor.scope);
    if (!current) throw new AppError('THING_NOT_FOUND', `no thing has id ${id}`, 'id');
    const values = await this.validate(input, actor.scope);
    await this.ledger.record([
      {
        source: staffSource(current.districtCode, actor, 'updateThing', { id, ...input }),
        writes: [
          { type: 'THING', districtCode: current.districtCode, id, create: false, values, expectedVersion },
        ],
      },
    ]);
    return (await this.byIds([id], actor.scope))[0]!;
  }

  private async validate(input: ThingFields, scope: Scope): Promise<Record<string, unknown>> {
    const v: Record<string, unknown> = {};
    if (input.code !== undefined) v.code = input.code?.trim() || null;
    if (input.category !== undefined) {
      if (!/^[A-Z][A-Z0-9_]{1,40}$/.test(input.category)) {
        throw new AppError(
          'VALUE_INVALID',
          'input.category must be a code such as CAMERA or HYDRANT',
          'input.category',
        );
      }
      v.category = input.category;
    }
    if (input.name !== undefined) {
      if (!input.name.trim())
        throw new AppError('VALUE_INVALID', 'input.name must not be empty', 'input.name');
      v.name = input.name.trim();
    }
    if (input.status !== undefined) v.status = input.status;
    if (input.departmentCode !== undefined) v.department_code = input.departmentCode;
    if (input.location !== undefined) {
      const { lon, lat } = parsePoint(input.location, 'input.location');
      v.location = pointToEwkt(lon, lat);
      v.area_code = (await this.areas.locate(lon, lat, 'input.location')).code;
      if (!areaInScope(this.areas, scope, v.area_code as string))
        throw new AppError(
          'AREA_OUT_OF_SCOPE',
          'input.location lies outside the areas you may write to',
          'input.location',
        );
    }
    return v;
  }
}
