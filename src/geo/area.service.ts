import type pg from 'pg';
import type { Db } from '../db/prisma';
import { AppError } from '../errors/app-error';
import { areaSql } from './area.queries';
import type { GeoJsonGeometry } from './geojson';

/** One area of the territory tree, as held in memory. */
export interface AreaNode {
  code: string;
  name: string;
  level: 'PROVINCE' | 'CITY' | 'DISTRICT' | 'STREET' | 'COMMUNITY' | 'GRID';
  parentCode: string | null;
  districtCode: string | null;
}

/** An area to create or update. */
export interface AreaInput extends AreaNode {
  boundary: GeoJsonGeometry | null;
}

const LEVELS: AreaNode['level'][] = ['PROVINCE', 'CITY', 'DISTRICT', 'STREET', 'COMMUNITY', 'GRID'];
const CACHE_MS = 5 * 60 * 1000;

/** What `AreaService.findLoaded` answers when the tree held in memory must be reloaded first. */
export const STALE = Symbol('area tree stale');

/**
 * The territory tree (城市 → 区县 → 街道 → 社区 → 网格). Areas are small reference data, so the tree is
 * held in memory (refreshed every few minutes and after changes): lookups by code, ancestors and
 * subtrees cost no SQL. Boundaries are large and are read from PostGIS on demand.
 */
export class AreaService {
  private byCode = new Map<string, AreaNode>();
  private children = new Map<string | null, AreaNode[]>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly prisma: Db,
    private readonly pool: pg.Pool,
  ) {}

  /** Loads the tree if it is missing or stale. */
  async ready(): Promise<void> {
    if (Date.now() - this.loadedAt < CACHE_MS) return;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    await this.loading;
  }

  private async load(): Promise<void> {
    const rows = await this.prisma.area.findMany({
      select: { code: true, name: true, level: true, parentCode: true, districtCode: true },
      orderBy: { code: 'asc' },
    });
    this.byCode = new Map(rows.map((r) => [r.code, r as AreaNode]));
    this.children = new Map();
    for (const r of rows) {
      const list = this.children.get(r.parentCode) ?? [];
      list.push(r as AreaNode);
      this.children.set(r.parentCode, list);
    }
    this.loadedAt = Date.now();
  }

  /** Forgets the cached tree (after areas change). */
  invalidate(): void {
    this.loadedAt = 0;
  }

  /**
   * The area with this code (undefined: none) from the tree held in memory, without waiting; STALE
   * when the tree must be (re)loaded first (then use `find`).
   */
  findLoaded(code: string): AreaNode | undefined | typeof STALE {
    if (Date.now() - this.loadedAt >= CACHE_MS) return STALE;
    return this.byCode.get(code);
  }

  /** The area with this code, or undefined. */
  async find(code: string): Promise<AreaNode | undefined> {
    await this.ready();
    return this.byCode.get(code);
  }

  /** The area with this code; an unknown code is the caller's error, naming `field`. */
  async get(code: string, field = 'areaCode'): Promise<AreaNode> {
    const area = await this.find(code);
    if (!area) throw new AppError('AREA_UNKNOWN', `no area has code ${code}`, field);
    return area;
  }

  /** Direct children, by code. */
  async childrenOf(code: string | null): Promise<AreaNode[]> {
    await this.ready();
    return this.children.get(code) ?? [];
  }

  /** The chain from the root down to this area (inclusive). */
  async ancestors(code: string): Promise<AreaNode[]> {
    const chain: AreaNode[] = [];
    let cur = await this.find(code);
    while (cur) {
      chain.unshift(cur);
      cur = cur.parentCode ? this.byCode.get(cur.parentCode) : undefined;
    }
    return chain;
  }

  /** Areas of a level, optionally under a root. */
  async list(level?: AreaNode['level'] | null, under?: string | null): Promise<AreaNode[]> {
    await this.ready();
    const all = [...this.byCode.values()];
    return all.filter((a) => (!level || a.level === level) && (!under || this.isWithin(a.code, under)));
  }

  /** Whether `code` is `root` or lies below it. */
  isWithin(code: string, root: string): boolean {
    let cur = this.byCode.get(code);
    while (cur) {
      if (cur.code === root) return true;
      cur = cur.parentCode ? this.byCode.get(cur.parentCode) : undefined;
    }
    return false;
  }

  /**
   * The codes of an area and of every area below it, from the in-memory tree; an unknown code is
   * the caller's error, naming `field`. Subtree filters pass these as a literal array rather than
   * an ltree subquery so that PostgreSQL estimates the matching rows from the column statistics:
   * for a community it then counts through the area index (≈4 ms) instead of scanning every person
   * (≈40 ms on 100k persons), and for a whole street it still chooses the scan (bench/RESULTS.md).
   */
  async subtreeCodes(code: string, field = 'areaCode'): Promise<string[]> {
    const root = await this.get(code, field);
    const codes: string[] = [];
    const stack = [root.code];
    while (stack.length) {
      const c = stack.pop() as string;
      codes.push(c);
      for (const child of this.children.get(c) ?? []) stack.push(child.code);
    }
    return codes.sort();
  }

  /** The ltree path of an area, for subtree filters in SQL. */
  async pathOf(code: string, field = 'areaCode'): Promise<string> {
    const chain = await this.ancestors(code);
    if (chain.length === 0) throw new AppError('AREA_UNKNOWN', `no area has code ${code}`, field);
    return chain.map((a) => a.code).join('.');
  }

  /**
   * The deepest area containing a point (grid, else community, else street...). A point in no
   * area is the caller's error, naming `field`.
   */
  async locate(lon: number, lat: number, field: string): Promise<AreaNode> {
    const hits = await this.prisma.area.containing(lon, lat);
    if (hits.length === 0) {
      throw new AppError(
        'POINT_OUTSIDE_AREAS',
        `the point (${lon}, ${lat}) lies outside every known area`,
        field,
      );
    }
    return this.get(hits[0].code, field);
  }

  /** Boundaries of areas as GeoJSON, keyed by code (for the boundary loader). */
  boundaries(codes: string[]): Promise<Map<string, GeoJsonGeometry | null>> {
    return this.prisma.area.boundaries(codes);
  }

  /** Creates or updates areas (parents before children); used by seeds and administration. */
  async upsert(areas: AreaInput[]): Promise<void> {
    for (const level of LEVELS) {
      const batch = areas.filter((a) => a.level === level);
      for (let i = 0; i < batch.length; i += 500) {
        await this.pool.query(areaSql.upsert, [JSON.stringify(batch.slice(i, i + 500))]);
      }
    }
    this.invalidate();
  }
}
