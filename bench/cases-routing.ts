/**
 * Routing benchmark: ROWS × 100 grid polygons (default 50 rows: 5,000 grids) of ~260 vertices each
 * (jagged edges, as surveyed grids are), then N random points routed one after another through
 * the subdivided routing cells (what reportCase uses), against the raw PostGIS query a developer
 * would write by hand (ST_Intersects over the same cells with the same pool, nothing else) and the
 * unsubdivided area boundaries (the geo extension's area.containing). Prints p50/p95/p99 in
 * milliseconds per point, then the same figures as one JSON line.
 *
 *   eval "$(scripts/services.sh start)"; npm run build; node dist/bench/cases-routing.js [points] [rows]
 */
import 'reflect-metadata';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createServices } from '../src/app/services';
import type { AreaInput } from '../src/geo/area.service';
import { caseSql } from '../src/cases/case.queries';
import { benchDatabase, percentile } from './bench-db';

const COLS = 100;
const ROWS = Number(process.argv[3] ?? 50);
const SIDE = 0.002;
const LON0 = 109.0;
const LAT0 = 32.6;
const EDGE_POINTS = 64;

/** A square with EDGE_POINTS points per edge, jittered inwards by up to 1e-6° (≈10 cm). */
function jaggedSquare(lon: number, lat: number, side: number, seed: number) {
  const ring: number[][] = [];
  let s = seed;
  const jitter = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 1e-6;
  };
  const corners = [
    [lon, lat],
    [lon + side, lat],
    [lon + side, lat + side],
    [lon, lat + side],
  ];
  for (let e = 0; e < 4; e++) {
    const [x0, y0] = corners[e];
    const [x1, y1] = corners[(e + 1) % 4];
    for (let i = 0; i < EDGE_POINTS; i++) {
      const t = i / EDGE_POINTS;
      const inward = i === 0 ? 0 : jitter();
      // inward: towards the square's centre
      const x = x0 + (x1 - x0) * t + Math.sign(lon + side / 2 - (x0 + (x1 - x0) * t)) * inward;
      const y = y0 + (y1 - y0) * t + Math.sign(lat + side / 2 - (y0 + (y1 - y0) * t)) * inward;
      ring.push([x, y]);
    }
  }
  ring.push(ring[0]);
  return { type: 'MultiPolygon', coordinates: [[ring]] };
}

const rect = (lon: number, lat: number, w: number, h: number) => ({
  type: 'MultiPolygon',
  coordinates: [
    [
      [
        [lon, lat],
        [lon + w, lat],
        [lon + w, lat + h],
        [lon, lat + h],
        [lon, lat],
      ],
    ],
  ],
});

async function main() {
  const points = Number(process.argv[2] ?? 5000);
  if (!Number.isInteger(ROWS) || ROWS < 1 || ROWS > 999)
    throw new Error(`rows must be 1–999, not ${process.argv[3]}`);
  const base = process.env.DATABASE_URL;
  if (!base || !process.env.REDIS_URL)
    throw new Error('set DATABASE_URL and REDIS_URL (eval "$(scripts/services.sh start)")');
  const db = await benchDatabase(base, 'yibiao_bench_routing');
  const s = createServices({ DATABASE_URL: db.url, REDIS_URL: process.env.REDIS_URL });
  try {
    const areas: AreaInput[] = [
      {
        code: '610000',
        name: '陕西省',
        level: 'PROVINCE',
        parentCode: null,
        districtCode: null,
        boundary: null,
      },
      {
        code: '610900',
        name: '安康市',
        level: 'CITY',
        parentCode: '610000',
        districtCode: null,
        boundary: null,
      },
      {
        code: '610902',
        name: '汉滨区',
        level: 'DISTRICT',
        parentCode: '610900',
        districtCode: '610902',
        boundary: rect(LON0 - 0.1, LAT0 - 0.1, 0.5, 0.4),
      },
      {
        code: '610902002',
        name: '新城街道',
        level: 'STREET',
        parentCode: '610902',
        districtCode: '610902',
        boundary: rect(LON0, LAT0, COLS * SIDE, ROWS * SIDE),
      },
    ];
    // 50 communities, one per row of 100 grids
    for (let r = 0; r < ROWS; r++) {
      const community = `610902002${String(r + 1).padStart(3, '0')}`;
      areas.push({
        code: community,
        name: `社区${r + 1}`,
        level: 'COMMUNITY',
        parentCode: '610902002',
        districtCode: '610902',
        boundary: rect(LON0, LAT0 + r * SIDE, COLS * SIDE, SIDE),
      });
      for (let c = 0; c < COLS; c++) {
        areas.push({
          code: `${community}${String(c + 1).padStart(3, '0')}`,
          name: `网格${r + 1}-${c + 1}`,
          level: 'GRID',
          parentCode: community,
          districtCode: '610902',
          boundary: jaggedSquare(LON0 + c * SIDE, LAT0 + r * SIDE, SIDE, r * COLS + c + 1),
        });
      }
    }
    let t = performance.now();
    await s.areas.upsert(areas);
    const loadMs = performance.now() - t;
    const stats = await s.pool.query<{ grids: number; cells: number; vertices: number }>(
      `SELECT (SELECT count(*) FROM area WHERE level = 'GRID')::int AS grids,
              (SELECT count(*) FROM area_routing_cell WHERE level = 'GRID')::int AS cells,
              (SELECT avg(ST_NPoints(boundary)) FROM area WHERE level = 'GRID')::int AS vertices`,
    );
    await s.pool.query('ANALYZE area; ANALYZE area_routing_cell');
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pts = Array.from({ length: points }, () => [
      LON0 + rnd() * COLS * SIDE,
      LAT0 + rnd() * ROWS * SIDE,
    ]);
    // All four are measured point by point in turn (the order rotating with each point), not one
    // after the other: measured in sequence, whichever ran first paid for the database still
    // settling after the load (statistics, caches) and came out about twice as slow.
    const variants: ((lon: number, lat: number) => Promise<unknown>)[] = [
      (lon, lat) => s.cases.route(lon, lat),
      // the statement route() sends, alone: separates its SQL from the service around it
      (lon, lat) => s.pool.query(caseSql.route, [lon, lat]),
      // the hand-written baseline: the finest cell containing the point, one statement, no area tree
      (lon, lat) =>
        s.pool.query(
          `SELECT area_code FROM area_routing_cell
          WHERE ST_Intersects(cell, ST_SetSRID(ST_MakePoint($1, $2), 4326))
          ORDER BY level DESC, area_code LIMIT 1`,
          [lon, lat],
        ),
      (lon, lat) => s.prisma.area.containing(lon, lat),
    ];
    for (const [lon, lat] of pts.slice(0, 200)) for (const f of variants) await f(lon, lat); // warm-up
    const timings: number[][] = variants.map(() => []);
    for (const [i, [lon, lat]] of pts.entries()) {
      for (let k = 0; k < variants.length; k++) {
        const v = (i + k) % variants.length;
        const t0 = performance.now();
        await variants[v](lon, lat);
        timings[v].push(performance.now() - t0);
      }
    }
    const [routed, routeSql, raw, plain] = timings.map((ms) => {
      ms.sort((a, b) => a - b);
      return { p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99) };
    });
    t = performance.now();
    const fmt = (r: { p50: number; p95: number; p99: number }) =>
      `p50 ${r.p50.toFixed(3)} ms, p95 ${r.p95.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms`;
    const st = stats.rows[0];
    process.stdout.write(
      [
        `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), node ${process.version}, ${new Date().toISOString()}`,
        `areas loaded in ${(loadMs / 1000).toFixed(1)} s: ${st.grids} grids of ~${st.vertices} vertices → ${st.cells} routing cells`,
        `route (subdivided cells, CaseService.route, ${points} points): ${fmt(routed)}`,
        `route's statement alone (&& + ST_Covers, same points): ${fmt(routeSql)}`,
        `raw PostGIS query (ST_Intersects over the same cells, same points): ${fmt(raw)}`,
        `area.containing (whole boundaries, geo extension, same points): ${fmt(plain)}`,
      ].join('\n') + '\n',
    );
    process.stdout.write(
      JSON.stringify({
        part: 'routing',
        grids: st.grids,
        verticesPerGrid: st.vertices,
        cells: st.cells,
        loadSeconds: Math.round(loadMs / 100) / 10,
        points,
        routeMs: routed,
        routeStatementMs: routeSql,
        rawPostgisMs: raw,
        areaContainingMs: plain,
        ratioP50: Math.round((routed.p50 / raw.p50) * 100) / 100,
      }) + '\n',
    );
  } finally {
    await s.close();
    await db.drop();
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
