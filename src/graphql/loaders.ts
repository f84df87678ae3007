import DataLoader from 'dataloader';
import type { Services } from '../app/services';
import { areaVisible, Scope } from '../auth/scope';
import type { AreaNode } from '../geo/area.service';
import type { GeoJsonGeometry } from '../geo/geojson';
import type {
  FactRow,
  HouseholdRow,
  HouseRow,
  PersonRow,
  SourceRow,
  ThingRow,
} from '../registry/registry.types';

/** Key for a read now (asOf null) or as of an instant. */
export interface AsOfKey {
  id: number;
  asOf: Date | null;
}

function byAsOf<T>(load: (ids: number[], asOf: Date | null) => Promise<T[]>) {
  return new DataLoader<AsOfKey, T, string>(
    async (keys) => {
      const groups = new Map<string, AsOfKey[]>();
      for (const k of keys) {
        const g = k.asOf ? k.asOf.toISOString() : 'now';
        groups.set(g, [...(groups.get(g) ?? []), k]);
      }
      const out = new Map<string, T>();
      await Promise.all(
        [...groups.entries()].map(async ([g, ks]) => {
          const ids = [...new Set(ks.map((k) => k.id))];
          const rows = await load(ids, ks[0].asOf);
          ids.forEach((id, i) => out.set(`${g}:${id}`, rows[i]));
        }),
      );
      return keys.map((k) => out.get(`${k.asOf ? k.asOf.toISOString() : 'now'}:${k.id}`) as T);
    },
    { cacheKeyFn: (k) => `${k.asOf ? k.asOf.toISOString() : 'now'}:${k.id}` },
  );
}

/**
 * The per-request DataLoaders, named `<entity>By<Key>`; every nested field goes through one, and
 * every one reads within `scope` (the viewer's read scope), so a nested reference to an
 * out-of-scope record resolves to nothing.
 */
export function createLoaders(s: Services, scope: Scope) {
  return {
    personById: byAsOf<PersonRow | null>((ids, asOf) => s.persons.byIds(ids, scope, asOf)),
    householdById: byAsOf<HouseholdRow | null>((ids, asOf) => s.households.byIds(ids, scope, asOf)),
    houseById: byAsOf<HouseRow | null>((ids, asOf) => s.houses.byIds(ids, scope, asOf)),
    membersByHouseholdId: byAsOf<PersonRow[]>((ids, asOf) => s.households.membersOf(ids, scope, asOf)),
    factsByPersonId: byAsOf<FactRow[]>((ids, asOf) => s.facts.ofPersons(ids, scope, asOf)),
    thingById: new DataLoader<number, ThingRow | null>((ids) => s.things.byIds(ids, scope)),
    /** Areas visible to the viewer: their subtrees and the chain above them. */
    areaByCode: new DataLoader<string, AreaNode | null>(async (codes) =>
      Promise.all(
        codes.map(async (c) => {
          const a = await s.areas.find(c);
          return a && areaVisible(s.areas, scope, a.code) ? a : null;
        }),
      ),
    ),
    boundaryByAreaCode: new DataLoader<string, GeoJsonGeometry | null>(async (codes) => {
      const map = await s.areas.boundaries([...codes]);
      return codes.map((c) => map.get(c) ?? null);
    }),
    sourceById: new DataLoader<number, SourceRow | null>((ids) => s.history.sourcesByIds(ids)),
  };
}

/** The loaders of one request. */
export type Loaders = ReturnType<typeof createLoaders>;
