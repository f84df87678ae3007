import { useMemo, useState } from 'react';
import { useAreaIndex } from '../api/areas';
import { gql } from '../api/client';
import { MAP_MARKERS, MAP_QUERY } from '../api/queries';
import { check, useAsync } from '../api/use-async';
import { AreaCrumbs } from '../components/area-crumbs.component';
import { boundsOf, fitProjection, labelPoint, type Geometry } from '../geo/projection';
import { CASE_STATUS, CASE_STATUS_COLOR, HOUSE_USE, label } from '../labels';
import { navigate, useRoute } from '../router';

interface MapArea {
  code: string;
  name: string;
  level: string;
  boundary: Geometry | null;
}
interface MapData {
  area: MapArea & { children: MapArea[] };
  population: Record<string, number>;
  houses: { id: string; address: string; use: string; location: Geometry | null }[];
  cases: { id: string; description: string; status: string; location: Geometry | null }[];
  things: { id: string; name: string; status: string; location: Geometry | null }[];
}

const MARKERS = MAP_MARKERS;

async function loadMap(code: string, status: string | null): Promise<MapData> {
  const d = check(await gql<Record<string, unknown>>(MAP_QUERY, { code, status }));
  const nodes = <T,>(k: string) => ((d[k] as { edges: { node: T }[] }).edges ?? []).map((e) => e.node);
  return {
    area: d.area as MapData['area'],
    population: Object.fromEntries(
      (d.areaStatistics as { children: { area: { code: string }; persons: number }[] }).children.map((c) => [
        c.area.code,
        c.persons,
      ]),
    ),
    houses: nodes('houses'),
    cases: nodes('cases'),
    things: nodes('things'),
  };
}

/** The map of an area, keeping the case-status filter while zooming. */
function mapUrl(code: string, status: string | null): string {
  return `/map?area=${code}${status ? `&status=${status}` : ''}`;
}

function shade(value: number, max: number): string {
  const t = max > 0 ? value / max : 0;
  // from dark blue-grey to bright blue: denser areas stand out on a dark wall screen
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${mix(36, 34)},${mix(52, 139)},${mix(71, 230)})`;
}

/**
 * The map of an area: its children's polygons from the API's GeoJSON (shaded by population),
 * with houses, cases (coloured by status) and things as markers. Clicking an area zooms into it.
 */
export function MapPage() {
  const index = useAreaIndex();
  const route = useRoute();
  const code = route.params.get('area') ?? index?.home ?? '';
  const status = route.params.get('status');
  const state = useAsync(`${code}|${status}|${index ? 1 : 0}`, async () =>
    index && code ? loadMap(code, status) : null,
  );
  const [layers, setLayers] = useState({ houses: true, cases: true, things: false });
  const [hover, setHover] = useState<string | null>(null);

  const data = state.data && state.data.area?.code === code ? state.data : null;
  const view = useMemo(() => {
    if (!data) return null;
    const shapes = data.area.children.length ? data.area.children : [{ ...data.area }];
    const b = boundsOf([data.area.boundary, ...shapes.map((s) => s.boundary)]);
    return b ? { shapes, proj: fitProjection(b, 1000, 700) } : null;
  }, [data]);

  if (!index) return <div className="panel">正在加载区域…</div>;
  const max = data ? Math.max(0, ...Object.values(data.population)) : 0;
  const statuses = data ? [...new Set(data.cases.map((c) => c.status))] : [];
  return (
    <div className="page map-page">
      <AreaCrumbs index={index} code={code} base="/map" />
      {state.error && <div className="error">加载失败：{state.error}</div>}
      <div className="map-layout">
        <div className="panel map-panel">
          {!view && !state.error && <p>正在加载地图…</p>}
          {view && data && (
            <svg
              viewBox={`0 0 ${view.proj.width} ${view.proj.height}`}
              className="map"
              data-testid="map"
              data-area={data.area.code}
              role="img"
              aria-label={`${data.area.name}地图`}
            >
              {data.area.boundary && <path d={view.proj.path(data.area.boundary)} className="map-outline" />}
              {view.shapes.map((s) =>
                s.boundary ? (
                  <path
                    key={s.code}
                    d={view.proj.path(s.boundary)}
                    className={`map-area ${hover === s.code ? 'hover' : ''}`}
                    data-testid="map-area"
                    data-code={s.code}
                    fill={data.area.children.length ? shade(data.population[s.code] ?? 0, max) : '#2b3f55'}
                    onMouseEnter={() => setHover(s.code)}
                    onMouseLeave={() => setHover(null)}
                    onClick={() => data.area.children.length && navigate(mapUrl(s.code, status))}
                  >
                    <title>
                      {s.name}
                      {data.population[s.code] != null ? `：实有人口 ${data.population[s.code]}` : ''}
                    </title>
                  </path>
                ) : null,
              )}
              {layers.houses &&
                data.houses.map((h) => {
                  if (h.location?.type !== 'Point') return null;
                  const [x, y] = view.proj.project(h.location.coordinates);
                  return (
                    <rect
                      key={h.id}
                      x={x - 3}
                      y={y - 3}
                      width={6}
                      height={6}
                      className="marker-house"
                      data-testid="marker-house"
                    >
                      <title>{`${h.address}（${label(HOUSE_USE, h.use)}）`}</title>
                    </rect>
                  );
                })}
              {layers.things &&
                data.things.map((t) => {
                  if (t.location?.type !== 'Point') return null;
                  const [x, y] = view.proj.project(t.location.coordinates);
                  return (
                    <path
                      key={t.id}
                      d={`M${x},${y - 5}L${x + 5},${y + 4}L${x - 5},${y + 4}Z`}
                      className="marker-thing"
                    >
                      <title>{t.name}</title>
                    </path>
                  );
                })}
              {layers.cases &&
                data.cases.map((c) => {
                  if (c.location?.type !== 'Point') return null;
                  const [x, y] = view.proj.project(c.location.coordinates);
                  return (
                    <circle
                      key={c.id}
                      cx={x}
                      cy={y}
                      r={5}
                      fill={CASE_STATUS_COLOR[c.status] ?? '#fff'}
                      className="marker-case"
                      data-testid="marker-case"
                      data-status={c.status}
                    >
                      <title>{`${label(CASE_STATUS, c.status)}：${c.description}`}</title>
                    </circle>
                  );
                })}
              {view.shapes.map((s) => {
                if (!s.boundary) return null;
                const [x, y] = view.proj.project(labelPoint(s.boundary));
                return (
                  <text key={s.code} x={x} y={y} className="map-label">
                    {s.name.replace(/社区第(\d+)网格$/, '第$1网格')}
                  </text>
                );
              })}
            </svg>
          )}
        </div>
        <aside className="panel map-side">
          <h2>{data?.area.name ?? '地图'}</h2>
          <p className="muted">{data?.area.children.length ? '点击区域进入下一级' : '最小一级区域'}</p>
          <fieldset className="layers">
            <legend>图层</legend>
            {(
              [
                ['houses', `房屋（${data?.houses.length ?? 0}）`],
                ['cases', `事件（${data?.cases.length ?? 0}）`],
                ['things', `部件（${data?.things.length ?? 0}）`],
              ] as const
            ).map(([k, text]) => (
              <label key={k}>
                <input
                  type="checkbox"
                  checked={layers[k]}
                  onChange={(e) => setLayers({ ...layers, [k]: e.target.checked })}
                />
                {text}
              </label>
            ))}
          </fieldset>
          <h3>事件状态</h3>
          {status && (
            <p data-testid="map-status-filter">
              仅显示“{label(CASE_STATUS, status)}”的事件{' '}
              <a
                href={mapUrl(code, null)}
                onClick={(e) => (e.preventDefault(), navigate(mapUrl(code, null)))}
              >
                显示全部
              </a>
            </p>
          )}
          <ul className="legend">
            {statuses.map((s) => (
              <li key={s}>
                <span className="dot" style={{ background: CASE_STATUS_COLOR[s] }} />
                {label(CASE_STATUS, s)}（{data!.cases.filter((c) => c.status === s).length}）
              </li>
            ))}
            <li>
              <span className="dot square" />
              房屋
            </li>
          </ul>
          {data && data.area.children.length > 0 && (
            <>
              <h3>下级区域</h3>
              <ul className="area-list">
                {data.area.children.map((c) => (
                  <li key={c.code} className={hover === c.code ? 'hover' : ''}>
                    <a
                      href={mapUrl(c.code, status)}
                      onClick={(e) => (e.preventDefault(), navigate(mapUrl(c.code, status)))}
                    >
                      {c.name}
                    </a>
                    <span className="muted">{data.population[c.code] ?? 0} 人</span>
                  </li>
                ))}
              </ul>
            </>
          )}
          {(data?.houses.length === MARKERS || data?.cases.length === MARKERS) && (
            <p className="muted">标记较多，仅显示前 {MARKERS} 个；进入下级区域查看全部。</p>
          )}
        </aside>
      </div>
    </div>
  );
}
