/**
 * Invented but plausible boundaries for the fixture district, built so that every level tiles its
 * parent exactly: neighbours share edges vertex for vertex (no gaps, no overlaps, no slivers).
 *
 * The construction is a tree of quadrilateral lattices with jittered nodes. The district is a 6×5
 * lattice; the quad around the city centre is refined by a 3×3 lattice for the four urban streets;
 * its middle quad (新城街道) is refined by an 18×10 lattice whose quads are grouped into communities
 * and grids. Areas are unions of quads of one lattice, and a lattice edge next to a refined quad is
 * drawn through the refining lattice's boundary nodes, so both sides use the same vertices.
 * Coordinates are lon/lat rounded to 6 decimals; exterior rings run counter-clockwise (RFC 7946).
 */

import type { GeoJsonMultiPolygon } from './district.types';
import { hashString, mulberry32, type Rng } from './random';

/** A lon/lat position. */
export type Point = readonly [number, number];

/** Rounds a coordinate to 6 decimals (about 0.1 m), the precision of every vertex we emit. */
export function roundCoord(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** A lattice of (nx+1)×(ny+1) nodes; i runs west→east, j south→north. Some quads are refined. */
interface Lattice {
  readonly nx: number;
  readonly ny: number;
  readonly nodes: Point[];
  readonly children: Map<number, Lattice>;
}

const nodeAt = (l: Lattice, i: number, j: number): Point => l.nodes[i * (l.ny + 1) + j];
const quadKey = (l: Lattice, i: number, j: number): number => i * l.ny + j;

/** Smallest neighbouring gap around position k of a sorted list. */
function gapAround(values: readonly number[], k: number): number {
  const before = k > 0 ? values[k] - values[k - 1] : Infinity;
  const after = k < values.length - 1 ? values[k + 1] - values[k] : Infinity;
  return Math.min(before, after);
}

const wobble = (rng: Rng, amplitude: number): number => (rng() * 2 - 1) * amplitude;

/** A root lattice on the given meridians and parallels, each node moved by up to `jitter` of its local spacing. */
function rootLattice(xs: readonly number[], ys: readonly number[], jitter: number, rng: Rng): Lattice {
  const nodes: Point[] = [];
  for (let i = 0; i < xs.length; i++) {
    for (let j = 0; j < ys.length; j++) {
      const x = xs[i] + wobble(rng, jitter * gapAround(xs, i));
      const y = ys[j] + wobble(rng, jitter * gapAround(ys, j));
      nodes.push([roundCoord(x), roundCoord(y)]);
    }
  }
  return { nx: xs.length - 1, ny: ys.length - 1, nodes, children: new Map() };
}

interface RefineOptions {
  /** Fractions 0..1 across the quad, west→east (first 0, last 1). */
  us: readonly number[];
  /** Fractions 0..1 across the quad, south→north (first 0, last 1). */
  vs: readonly number[];
  jitter: number;
  rng: Rng;
  /** Nodes placed exactly instead of interpolated and jittered. */
  fixed?: (a: number, b: number) => Point | undefined;
}

/**
 * Refines quad (i, j) of `parent` by a child lattice. Corner nodes are the parent's own; other nodes
 * are interpolated bilinearly and jittered (boundary nodes too: the parent's edge then follows them).
 */
function refineQuad(parent: Lattice, i: number, j: number, o: RefineOptions): Lattice {
  const key = quadKey(parent, i, j);
  if (parent.children.has(key)) throw new Error(`quad ${i},${j} is already refined`);
  const p00 = nodeAt(parent, i, j);
  const p10 = nodeAt(parent, i + 1, j);
  const p11 = nodeAt(parent, i + 1, j + 1);
  const p01 = nodeAt(parent, i, j + 1);
  const width = (p10[0] - p00[0] + p11[0] - p01[0]) / 2;
  const height = (p01[1] - p00[1] + p11[1] - p10[1]) / 2;
  const nx = o.us.length - 1;
  const ny = o.vs.length - 1;
  const nodes: Point[] = [];
  for (let a = 0; a <= nx; a++) {
    for (let b = 0; b <= ny; b++) {
      const corner =
        a === 0 && b === 0
          ? p00
          : a === nx && b === 0
            ? p10
            : a === nx && b === ny
              ? p11
              : a === 0 && b === ny
                ? p01
                : undefined;
      if (corner) {
        nodes.push(corner);
        continue;
      }
      const fixed = o.fixed?.(a, b);
      if (fixed) {
        nodes.push([roundCoord(fixed[0]), roundCoord(fixed[1])]);
        continue;
      }
      const u = o.us[a];
      const v = o.vs[b];
      const x = (1 - u) * (1 - v) * p00[0] + u * (1 - v) * p10[0] + u * v * p11[0] + (1 - u) * v * p01[0];
      const y = (1 - u) * (1 - v) * p00[1] + u * (1 - v) * p10[1] + u * v * p11[1] + (1 - u) * v * p01[1];
      const dx = wobble(o.rng, o.jitter * gapAround(o.us, a) * width);
      const dy = wobble(o.rng, o.jitter * gapAround(o.vs, b) * height);
      nodes.push([roundCoord(x + dx), roundCoord(y + dy)]);
    }
  }
  const child: Lattice = { nx, ny, nodes, children: new Map() };
  parent.children.set(key, child);
  return child;
}

/** Appends a polyline to a path, skipping the shared junction point. */
function appendPath(path: Point[], points: readonly Point[]): void {
  if (path.length > 0 && points.length > 0 && path[path.length - 1] !== points[0]) {
    const last = path[path.length - 1];
    if (last[0] !== points[0][0] || last[1] !== points[0][1])
      throw new Error('polyline does not continue the path');
  }
  for (let k = path.length > 0 ? 1 : 0; k < points.length; k++) path.push(points[k]);
}

/** The polyline of the horizontal edge from node (i, j) to (i+1, j), through any refining lattice's nodes. */
function horizontalEdge(l: Lattice, i: number, j: number): Point[] {
  const above = j < l.ny ? l.children.get(quadKey(l, i, j)) : undefined;
  const below = j > 0 ? l.children.get(quadKey(l, i, j - 1)) : undefined;
  if (above && below) throw new Error('an edge between two refined quads is not supported');
  const child = above ?? below;
  if (!child) return [nodeAt(l, i, j), nodeAt(l, i + 1, j)];
  const row = above ? 0 : child.ny;
  const path: Point[] = [];
  for (let a = 0; a < child.nx; a++) appendPath(path, horizontalEdge(child, a, row));
  return path;
}

/** The polyline of the vertical edge from node (i, j) to (i, j+1), through any refining lattice's nodes. */
function verticalEdge(l: Lattice, i: number, j: number): Point[] {
  const right = i < l.nx ? l.children.get(quadKey(l, i, j)) : undefined;
  const left = i > 0 ? l.children.get(quadKey(l, i - 1, j)) : undefined;
  if (right && left) throw new Error('an edge between two refined quads is not supported');
  const child = right ?? left;
  if (!child) return [nodeAt(l, i, j), nodeAt(l, i, j + 1)];
  const column = right ? 0 : child.nx;
  const path: Point[] = [];
  for (let b = 0; b < child.ny; b++) appendPath(path, verticalEdge(child, column, b));
  return path;
}

/** Signed area of a closed ring (first point repeated last) in square degrees; positive = counter-clockwise. */
export function ringArea(ring: readonly (readonly number[])[]): number {
  let sum = 0;
  for (let k = 0; k < ring.length - 1; k++) {
    sum += ring[k][0] * ring[k + 1][1] - ring[k + 1][0] * ring[k][1];
  }
  return sum / 2;
}

/** Area of a MultiPolygon in square degrees (holes subtracted); what the tiling tests compare. */
export function multiPolygonArea(mp: GeoJsonMultiPolygon): number {
  let sum = 0;
  for (const polygon of mp.coordinates) for (const ring of polygon) sum += ringArea(ring);
  return sum;
}

/** Even-odd test of a point against one ring. */
function inRing(x: number, y: number, ring: readonly (readonly number[])[]): boolean {
  let inside = false;
  for (let k = 0, m = ring.length - 1; k < ring.length; m = k++) {
    const xk = ring[k][0];
    const yk = ring[k][1];
    const xm = ring[m][0];
    const ym = ring[m][1];
    if (yk > y !== ym > y && x < ((xm - xk) * (y - yk)) / (ym - yk) + xk) inside = !inside;
  }
  return inside;
}

/** Whether a lon/lat point lies inside a MultiPolygon (inside an exterior ring and outside its holes). */
export function pointInPolygon(
  point: readonly [number, number] | readonly number[],
  mp: GeoJsonMultiPolygon,
): boolean {
  const x = point[0];
  const y = point[1];
  for (const polygon of mp.coordinates) {
    if (!inRing(x, y, polygon[0])) continue;
    let inHole = false;
    for (let h = 1; h < polygon.length; h++) if (inRing(x, y, polygon[h])) inHole = true;
    if (!inHole) return true;
  }
  return false;
}

/** Distance (in degrees) from a point to the nearest edge of a MultiPolygon. */
export function distanceToBoundary(point: readonly number[], mp: GeoJsonMultiPolygon): number {
  let best = Infinity;
  for (const polygon of mp.coordinates) {
    for (const ring of polygon) {
      for (let k = 0; k < ring.length - 1; k++) {
        const [ax, ay] = ring[k];
        const [bx, by] = ring[k + 1];
        const dx = bx - ax;
        const dy = by - ay;
        const len2 = dx * dx + dy * dy;
        const t =
          len2 === 0 ? 0 : Math.max(0, Math.min(1, ((point[0] - ax) * dx + (point[1] - ay) * dy) / len2));
        const ex = ax + t * dx - point[0];
        const ey = ay + t * dy - point[1];
        best = Math.min(best, Math.sqrt(ex * ex + ey * ey));
      }
    }
  }
  return best;
}

const bboxCache = new WeakMap<GeoJsonMultiPolygon, [number, number, number, number]>();

/** [minLon, minLat, maxLon, maxLat] of a MultiPolygon. */
export function boundingBox(mp: GeoJsonMultiPolygon): [number, number, number, number] {
  let box = bboxCache.get(mp);
  if (!box) {
    box = [Infinity, Infinity, -Infinity, -Infinity];
    for (const polygon of mp.coordinates) {
      for (const [x, y] of polygon[0]) {
        box[0] = Math.min(box[0], x);
        box[1] = Math.min(box[1], y);
        box[2] = Math.max(box[2], x);
        box[3] = Math.max(box[3], y);
      }
    }
    bboxCache.set(mp, box);
  }
  return box;
}

/** Points closer than this to a boundary are redrawn, so a point never sits on a shared edge. */
const BOUNDARY_MARGIN = 2e-6;

/**
 * A uniformly distributed point strictly inside a MultiPolygon, rounded to 6 decimals, drawn from
 * `rng` by rejection from the bounding box: deterministic for a given rng state. Points within about
 * 0.2 m of the boundary are redrawn, so the point belongs to exactly one of several tiling polygons.
 */
export function randomPointIn(mp: GeoJsonMultiPolygon, rng: Rng): [number, number] {
  const [minX, minY, maxX, maxY] = boundingBox(mp);
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const p: [number, number] = [
      roundCoord(minX + rng() * (maxX - minX)),
      roundCoord(minY + rng() * (maxY - minY)),
    ];
    if (pointInPolygon(p, mp) && distanceToBoundary(p, mp) > BOUNDARY_MARGIN) return p;
  }
  throw new Error('randomPointIn: polygon too thin to hit');
}

/** Directed boundary edge of a region of quads, between two node indices. */
interface DirectedEdge {
  from: number;
  to: number;
  points: Point[];
}

/**
 * The MultiPolygon covering a set of quads of one lattice: boundary edges oriented with the region on
 * their left, linked into rings; counter-clockwise rings are exteriors, clockwise ones holes.
 */
function traceRegion(l: Lattice, quads: readonly (readonly [number, number])[]): GeoJsonMultiPolygon {
  const inside = new Set(quads.map(([i, j]) => quadKey(l, i, j)));
  const has = (i: number, j: number) =>
    i >= 0 && j >= 0 && i < l.nx && j < l.ny && inside.has(quadKey(l, i, j));
  const id = (i: number, j: number) => i * (l.ny + 1) + j;
  const bySource = new Map<number, DirectedEdge>();
  const add = (e: DirectedEdge) => {
    if (bySource.has(e.from)) throw new Error('region touches itself at a corner; regroup its quads');
    bySource.set(e.from, e);
  };
  for (const [i, j] of quads) {
    if (!has(i, j - 1)) add({ from: id(i, j), to: id(i + 1, j), points: horizontalEdge(l, i, j) });
    if (!has(i + 1, j)) add({ from: id(i + 1, j), to: id(i + 1, j + 1), points: verticalEdge(l, i + 1, j) });
    if (!has(i, j + 1))
      add({ from: id(i + 1, j + 1), to: id(i, j + 1), points: horizontalEdge(l, i, j + 1).reverse() });
    if (!has(i - 1, j)) add({ from: id(i, j + 1), to: id(i, j), points: verticalEdge(l, i, j).reverse() });
  }
  const rings: number[][][] = [];
  while (bySource.size > 0) {
    const start = bySource.keys().next().value as number;
    const path: Point[] = [];
    let at = start;
    do {
      const edge = bySource.get(at);
      if (!edge) throw new Error('open boundary');
      bySource.delete(at);
      appendPath(path, edge.points);
      at = edge.to;
    } while (at !== start);
    rings.push(path.map((p) => [p[0], p[1]]));
  }
  const exteriors = rings.filter((r) => ringArea(r) > 0);
  const holes = rings.filter((r) => ringArea(r) < 0);
  const polygons = exteriors.map((r) => [r]);
  for (const hole of holes) {
    const owner = polygons.find((p) => inRing(hole[0][0], hole[0][1], p[0]));
    if (!owner) throw new Error('hole outside every exterior ring');
    owner.push(hole);
  }
  return { type: 'MultiPolygon', coordinates: polygons };
}

/** Which street codes go where, and the communities of the centre street. */
export interface TerritoryLayout {
  /** Streets/towns laid out on the district lattice (every street except the four urban ones). */
  townCodes: readonly string[];
  /** The urban streets around and including the centre one. */
  urban: { centre: string; west: string; north: string; east: string };
  /** Communities (居委会) and villages (村委会) of the centre street, in code order. */
  communities: readonly { code: string; kind: 'COMMUNITY' | 'VILLAGE' }[];
}

/** A grid (网格) of a community, numbered from 1 inside it. */
export interface TerritoryGrid {
  code: string;
  communityCode: string;
  number: number;
  boundary: GeoJsonMultiPolygon;
}

/** Boundaries of the district and all areas below it, keyed by area code. */
export interface Territory {
  district: GeoJsonMultiPolygon;
  streets: Map<string, GeoJsonMultiPolygon>;
  communities: Map<string, GeoJsonMultiPolygon>;
  grids: TerritoryGrid[];
}

/** Fixed seed of the geometry: the map never depends on the generator's seed. */
const GEOMETRY_SEED = 610902;

/** District lattice lines (lon, lat); the centre quad (2, 2) holds the city. */
const DISTRICT_XS = [108.7, 108.84, 108.96, 109.12, 109.25, 109.38, 109.5];
const DISTRICT_YS = [32.3, 32.44, 32.58, 32.76, 32.88, 33.0];
const CITY_QUAD: [number, number] = [2, 2];
/** The centre street (新城街道), exactly. */
const CENTRE_BOX = { west: 109.01, east: 109.05, south: 32.67, north: 32.7 };
/** Blocks of the centre street: 6×5 blocks of 3×2 fine quads each. */
const BLOCKS_X = 6;
const BLOCKS_Y = 5;
const BLOCK_W = 3;
const BLOCK_H = 2;

const uniform = (n: number) => Array.from({ length: n + 1 }, (_, k) => k / n);

/** Quads (i, j) of an nx×ny lattice in boustrophedon order: row 0 west→east, row 1 east→west, … */
function snake(nx: number, ny: number): [number, number][] {
  const out: [number, number][] = [];
  for (let j = 0; j < ny; j++) for (let k = 0; k < nx; k++) out.push([j % 2 === 0 ? k : nx - 1 - k, j]);
  return out;
}

const adjacent = (a: readonly [number, number], b: readonly [number, number]) =>
  Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) === 1;

/** Splits a path of cells into `groups` contiguous runs, as even as possible, each run connected. */
function splitPath<T extends readonly [number, number]>(path: readonly T[], groups: number): T[][] {
  if (groups < 1 || groups > path.length)
    throw new Error(`cannot split ${path.length} cells into ${groups} groups`);
  const runs: T[][] = [];
  let pending = 0;
  let at = 0;
  for (let k = 0; k < groups; k++) {
    let size =
      Math.floor(((k + 1) * path.length) / groups) - Math.floor((k * path.length) / groups) + pending;
    pending = 0;
    // Shrink a run until it is connected along the path; the shortfall goes to the next run.
    while (size > 1 && !path.slice(at, at + size).every((c, n, run) => n === 0 || adjacent(run[n - 1], c))) {
      size--;
      pending++;
    }
    if (k === groups - 1 && at + size !== path.length)
      throw new Error('path could not be split into connected runs');
    runs.push(path.slice(at, at + size));
    at += size;
  }
  return runs;
}

/** 4, 5 or 6 grids for a community, fixed by its code. */
export function gridCountOf(communityCode: string): number {
  return 4 + (hashString(communityCode) % 3);
}

/**
 * Builds the whole territory for a layout. Deterministic (its own fixed seed); the same layout
 * always gives the same coordinates.
 */
export function buildTerritory(layout: TerritoryLayout): Territory {
  const rng = mulberry32(GEOMETRY_SEED);
  const district = rootLattice(DISTRICT_XS, DISTRICT_YS, 0.15, rng);

  // Urban lattice: 3×3 quads in the city quad; its middle quad is exactly the centre street's box.
  const [ci, cj] = CITY_QUAD;
  const c00 = nodeAt(district, ci, cj);
  const c11 = nodeAt(district, ci + 1, cj + 1);
  const c10 = nodeAt(district, ci + 1, cj);
  const c01 = nodeAt(district, ci, cj + 1);
  const x0 = (c00[0] + c01[0]) / 2;
  const x1 = (c10[0] + c11[0]) / 2;
  const y0 = (c00[1] + c10[1]) / 2;
  const y1 = (c01[1] + c11[1]) / 2;
  const box = CENTRE_BOX;
  if (!(x0 < box.west - 0.01 && x1 > box.east + 0.01 && y0 < box.south - 0.01 && y1 > box.north + 0.01)) {
    throw new Error('centre street does not fit in the city quad');
  }
  const urban = refineQuad(district, ci, cj, {
    us: [0, (box.west - x0) / (x1 - x0), (box.east - x0) / (x1 - x0), 1],
    vs: [0, (box.south - y0) / (y1 - y0), (box.north - y0) / (y1 - y0), 1],
    jitter: 0.15,
    rng,
    fixed: (a, b) =>
      a >= 1 && a <= 2 && b >= 1 && b <= 2
        ? [a === 1 ? box.west : box.east, b === 1 ? box.south : box.north]
        : undefined,
  });

  // Fine lattice of the centre street.
  const fine = refineQuad(urban, 1, 1, {
    us: uniform(BLOCKS_X * BLOCK_W),
    vs: uniform(BLOCKS_Y * BLOCK_H),
    jitter: 0.18,
    rng,
  });

  const streets = new Map<string, GeoJsonMultiPolygon>();
  // Urban streets: west, north (across the top), east (and south), centre.
  const urbanQuads: Record<keyof TerritoryLayout['urban'], [number, number][]> = {
    north: [
      [0, 2],
      [1, 2],
      [2, 2],
    ],
    west: [
      [0, 1],
      [0, 0],
    ],
    east: [
      [2, 1],
      [2, 0],
      [1, 0],
    ],
    centre: [[1, 1]],
  };
  for (const [where, quads] of Object.entries(urbanQuads) as [
    keyof TerritoryLayout['urban'],
    [number, number][],
  ][]) {
    streets.set(layout.urban[where], traceRegion(urban, quads));
  }

  // Towns: runs along a boustrophedon over the district lattice, skipping the city quad.
  const townPath = snake(district.nx, district.ny).filter(([i, j]) => !(i === ci && j === cj));
  splitPath(townPath, layout.townCodes.length).forEach((run, k) => {
    streets.set(layout.townCodes[k], traceRegion(district, run));
  });

  const allQuads: [number, number][] = [];
  for (let i = 0; i < district.nx; i++) for (let j = 0; j < district.ny; j++) allQuads.push([i, j]);
  const districtBoundary = traceRegion(district, allQuads);

  // Communities of the centre street: villages on the south, east and west rim (some over two
  // blocks), communities in the middle and along the north rim.
  const ring: [number, number][] = [];
  for (let bx = 0; bx < BLOCKS_X; bx++) ring.push([bx, BLOCKS_Y - 1]);
  for (let by = BLOCKS_Y - 2; by >= 0; by--) ring.push([BLOCKS_X - 1, by]);
  for (let bx = BLOCKS_X - 2; bx >= 0; bx--) ring.push([bx, 0]);
  for (let by = 1; by <= BLOCKS_Y - 2; by++) ring.push([0, by]);
  const interior: [number, number][] = [];
  for (let by = BLOCKS_Y - 2, row = 0; by >= 1; by--, row++) {
    for (let k = 1; k <= BLOCKS_X - 2; k++) interior.push([row % 2 === 0 ? k : BLOCKS_X - 1 - k, by]);
  }
  const urbanCommunities = layout.communities.filter((c) => c.kind === 'COMMUNITY');
  const villages = layout.communities.filter((c) => c.kind === 'VILLAGE');
  const northRim = ring.slice(0, BLOCKS_X);
  const communityBlocks = [...northRim, ...interior];
  const villageBlocks = ring.slice(BLOCKS_X);
  if (urbanCommunities.length !== communityBlocks.length) {
    throw new Error(
      `layout expects ${communityBlocks.length} urban communities, got ${urbanCommunities.length}`,
    );
  }
  const blockGroups: { code: string; blocks: [number, number][] }[] = [
    ...urbanCommunities.map((c, k) => ({ code: c.code, blocks: [communityBlocks[k]] })),
    ...splitPath(villageBlocks, villages.length).map((blocks, k) => ({ code: villages[k].code, blocks })),
  ];

  const blockPath = (bx: number, by: number): [number, number][] => {
    const x = bx * BLOCK_W;
    const y = by * BLOCK_H;
    return [
      [x, y],
      [x + 1, y],
      [x + 2, y],
      [x + 2, y + 1],
      [x + 1, y + 1],
      [x, y + 1],
    ];
  };

  const communities = new Map<string, GeoJsonMultiPolygon>();
  const grids: TerritoryGrid[] = [];
  for (const { code, blocks } of blockGroups) {
    const cells = blocks.flatMap(([bx, by]) => blockPath(bx, by));
    communities.set(code, traceRegion(fine, cells));
    const count = gridCountOf(code);
    const runs: [number, number][][] = [];
    blocks.forEach(([bx, by], k) => {
      const share = Math.floor(((k + 1) * count) / blocks.length) - Math.floor((k * count) / blocks.length);
      runs.push(...splitPath(blockPath(bx, by), share));
    });
    runs.forEach((run, k) => {
      grids.push({
        code: `${code}${String(k + 1).padStart(2, '0')}`,
        communityCode: code,
        number: k + 1,
        boundary: traceRegion(fine, run),
      });
    });
  }

  return { district: districtBoundary, streets, communities, grids };
}
