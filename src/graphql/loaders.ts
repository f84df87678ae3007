import DataLoader from 'dataloader';
import type { Services } from '../app/services';
import { areaVisible, Scope } from '../auth/scope';
import { type AreaNode, STALE } from '../geo/area.service';
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

const asOfKey = (k: AsOfKey) => `${k.asOf ? k.asOf.toISOString() : 'now'}:${k.id}`;

/**
 * A DataLoader that answers at once, without a promise, what the request already holds: values
 * primed from a page's own statement and values loaded earlier. A field whose value is at hand
 * then resolves synchronously, and a page whose every nested value is at hand completes without a
 * promise per row and field (graphql-js builds an object from promises only when a field returns
 * one). Keys it does not hold are batched as by any DataLoader.
 */
export class EagerLoader<K, V> {
  private readonly held = new Map<string, V>();

  constructor(
    private readonly loader: DataLoader<K, V, string>,
    private readonly keyOf: (key: K) => string,
  ) {}

  /** The value now if the request holds it, else a promise of it (batched). */
  load(key: K): V | Promise<V> {
    const k = this.keyOf(key);
    if (this.held.has(k)) return this.held.get(k)!;
    return this.loader.load(key).then((v) => {
      this.held.set(k, v);
      return v;
    });
  }

  /** Several values, in the order asked (errors in place, as DataLoader#loadMany). */
  loadMany(keys: readonly K[]): Promise<(V | Error)[]> {
    return Promise.all(keys.map((k) => Promise.resolve(this.load(k)).catch((e: unknown) => e as Error)));
  }

  /** Gives the request a value it read elsewhere (e.g. in a page's own statement). */
  prime(key: K, value: V): this {
    this.held.set(this.keyOf(key), value);
    this.loader.prime(key, value);
    return this;
  }
}

function byAsOf<T>(load: (ids: number[], asOf: Date | null) => Promise<T[]>) {
  const loader = new DataLoader<AsOfKey, T, string>(
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
      return keys.map((k) => out.get(asOfKey(k)) as T);
    },
    { cacheKeyFn: asOfKey },
  );
  return new EagerLoader(loader, asOfKey);
}

/**
 * The per-request DataLoaders, named `<entity>By<Key>`; every nested field goes through one, and
 * every one reads within `scope` (the viewer's read scope), so a nested reference to an
 * out-of-scope record resolves to nothing.
 */
export function createLoaders(s: Services, scope: Scope) {
  const areaLoader = new DataLoader<string, AreaNode | null>(async (codes) =>
    Promise.all(
      codes.map(async (c) => {
        const a = await s.areas.find(c);
        return a && areaVisible(s.areas, scope, a.code) ? a : null;
      }),
    ),
  );
  return {
    personById: byAsOf<PersonRow | null>((ids, asOf) => s.persons.byIds(ids, scope, asOf)),
    householdById: byAsOf<HouseholdRow | null>((ids, asOf) => s.households.byIds(ids, scope, asOf)),
    houseById: byAsOf<HouseRow | null>((ids, asOf) => s.houses.byIds(ids, scope, asOf)),
    membersByHouseholdId: byAsOf<PersonRow[]>((ids, asOf) => s.households.membersOf(ids, scope, asOf)),
    factsByPersonId: byAsOf<FactRow[]>((ids, asOf) => s.facts.ofPersons(ids, scope, asOf)),
    thingById: new DataLoader<number, ThingRow | null>((ids) => s.things.byIds(ids, scope)),
    /**
     * Areas visible to the viewer: their subtrees and the chain above them. Answered at once from
     * the area tree the process holds while it is fresh; through a batch when it must be reloaded.
     */
    areaByCode: {
      load(code: string): AreaNode | null | Promise<AreaNode | null> {
        const known = s.areas.findLoaded(code);
        if (known === STALE) return areaLoader.load(code);
        return known && areaVisible(s.areas, scope, known.code) ? known : null;
      },
    },
    boundaryByAreaCode: new DataLoader<string, GeoJsonGeometry | null>(async (codes) => {
      const map = await s.areas.boundaries([...codes]);
      return codes.map((c) => map.get(c) ?? null);
    }),
    sourceById: new DataLoader<number, SourceRow | null>((ids) => s.history.sourcesByIds(ids)),
  };
}

/** The loaders of one request. */
export type Loaders = ReturnType<typeof createLoaders>;
