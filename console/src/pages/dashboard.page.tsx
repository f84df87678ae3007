import { useEffect, useMemo } from 'react';
import { useAreaIndex } from '../api/areas';
import { gql, wsClient } from '../api/client';
import { has, useFeatures, type Features } from '../api/features';
import { AREA_CHANGED, dashboardQuery } from '../api/queries';
import { check, useAsync } from '../api/use-async';
import { AreaCrumbs } from '../components/area-crumbs.component';
import { Chart, type ChartOption } from '../components/chart.component';
import { CASE_STATUS, CASE_STATUS_COLOR, percent } from '../labels';
import { navigate, useRoute } from '../router';

interface Figures {
  total: number;
  registered: number;
  floating: number;
  elderly: number;
  minimumLiving: number;
  cases: number;
  closed: number;
  byStatus: Record<string, number>;
  children: {
    code: string;
    name: string;
    registered: number;
    floating: number;
    cases: number;
    closed: number;
  }[];
  kpis: CaseKpis | null;
}

/** The case assessment figures of the current year, as `caseKpis` returns them. */
interface CaseKpis {
  received: number;
  due: number;
  closed: number;
  closedOnTime: number;
  completionRate: number | null;
  onTimeRate: number | null;
  rated: number;
  satisfied: number;
  satisfactionRate: number | null;
}

/** The figures of one area as `areaStatistics` returns them (AREA_FIGURES). */
interface AreaFigures {
  area: { code: string; name: string };
  persons: number;
  registered: number;
  floating: number;
  elderly: number;
  minimumLiving: number;
  cases: number;
  closedCases: number;
  casesByStatus: { status: string; count: number }[];
}

/**
 * All dashboard figures for an area in one request: the API's aggregate of the area and its
 * children (the children the viewer may see, in code order), plus the case KPIs when the server
 * has them.
 */
async function loadFigures(code: string, f: Features, year: { from: string; to: string }): Promise<Figures> {
  const withKpis = has(f, 'Query.caseKpis');
  const d = check(
    await gql<{
      areaStatistics: { total: AreaFigures; children: AreaFigures[] };
      caseKpis?: CaseKpis;
    }>(dashboardQuery(withKpis), withKpis ? { code, ...year } : { code }),
  );
  const { total, children } = d.areaStatistics;
  return {
    total: total.persons,
    registered: total.registered,
    floating: total.floating,
    elderly: total.elderly,
    minimumLiving: total.minimumLiving,
    cases: total.cases,
    closed: total.closedCases,
    byStatus: Object.fromEntries(total.casesByStatus.map((c) => [c.status, c.count])),
    children: children.map((c) => ({
      code: c.area.code,
      name: c.area.name,
      registered: c.registered,
      floating: c.floating,
      cases: c.cases,
      closed: c.closedCases,
    })),
    kpis: d.caseKpis ?? null,
  };
}

/** A rate of 0–1 as a percentage; a dash when nothing was due or rated (the API answers null). */
function rate(v: number | null | undefined): string {
  return typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : '—';
}

/** The current calendar year in China time, [1 January, next 1 January), for the KPIs. */
export function currentYear(now = new Date()): { year: number; from: string; to: string } {
  const year = new Date(now.getTime() + 8 * 3600 * 1000).getUTCFullYear();
  return { year, from: `${year}-01-01T00:00:00+08:00`, to: `${year + 1}-01-01T00:00:00+08:00` };
}

function Stat(props: { label: string; value: string | number; testId: string; tone?: string }) {
  return (
    <div className={`stat ${props.tone ?? ''}`} data-testid={props.testId}>
      <div className="stat-value">
        {typeof props.value === 'number' ? props.value.toLocaleString('zh-CN') : props.value}
      </div>
      <div className="stat-label">{props.label}</div>
    </div>
  );
}

/**
 * The command-center dashboard for one area: population figures and case KPIs, with charts per
 * area below; clicking a bar opens the dashboard of that area. Figures refresh when the ledger
 * changes in the area (at most every five seconds).
 */
export function DashboardPage() {
  const index = useAreaIndex();
  const route = useRoute();
  const features = useFeatures();
  const code = route.params.get('area') ?? index?.home ?? '';
  const year = useMemo(() => currentYear(), []);
  const figures = useAsync(`${code}|${index ? 1 : 0}`, async () =>
    index && code ? loadFigures(code, features, year) : null,
  );

  useEffect(() => {
    if (!code || !has(features, 'Subscription.recordChanged')) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const stop = wsClient.subscribe(
      { query: AREA_CHANGED, variables: { a: code } },
      {
        next: () => {
          timer ??= setTimeout(() => {
            timer = null;
            figures.reload();
          }, 5000);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    return () => {
      stop();
      if (timer) clearTimeout(timer);
    };
  }, [code, features, figures.reload]);

  const data = figures.data;
  const populationOption = useMemo<ChartOption | null>(() => {
    if (!data || data.children.length === 0) return null;
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0, data: ['户籍人口', '流动人口'], textStyle: { fontSize: 14 } },
      grid: { left: 48, right: 16, top: 40, bottom: 90 },
      xAxis: {
        type: 'category',
        data: data.children.map((c) => c.name),
        axisLabel: { rotate: 50, fontSize: 11, interval: 0 },
      },
      yAxis: { type: 'value' },
      series: [
        {
          name: '户籍人口',
          type: 'bar',
          stack: 'p',
          data: data.children.map((c) => c.registered),
          itemStyle: { color: '#4dabf7' },
        },
        {
          name: '流动人口',
          type: 'bar',
          stack: 'p',
          data: data.children.map((c) => c.floating),
          itemStyle: { color: '#ffa94d' },
        },
      ],
    };
  }, [data]);
  const casesOption = useMemo<ChartOption | null>(() => {
    if (!data || data.children.length === 0) return null;
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0, data: ['受理', '结案'], textStyle: { fontSize: 14 } },
      grid: { left: 48, right: 16, top: 40, bottom: 90 },
      xAxis: {
        type: 'category',
        data: data.children.map((c) => c.name),
        axisLabel: { rotate: 50, fontSize: 11, interval: 0 },
      },
      yAxis: { type: 'value' },
      series: [
        {
          name: '受理',
          type: 'bar',
          data: data.children.map((c) => c.cases),
          itemStyle: { color: '#748ffc' },
        },
        {
          name: '结案',
          type: 'bar',
          data: data.children.map((c) => c.closed),
          itemStyle: { color: '#51cf66' },
        },
      ],
    };
  }, [data]);
  const statusOption = useMemo<ChartOption | null>(() => {
    if (!data) return null;
    const items = Object.entries(data.byStatus)
      .filter(([, v]) => v > 0)
      .map(([s, v]) => ({
        name: CASE_STATUS[s],
        value: v,
        status: s,
        itemStyle: { color: CASE_STATUS_COLOR[s] },
      }));
    return {
      tooltip: { trigger: 'item', formatter: '{b}：{c}（{d}%）' },
      legend: { bottom: 0, textStyle: { fontSize: 13 } },
      series: [
        {
          name: '事件状态',
          type: 'pie',
          radius: ['40%', '68%'],
          center: ['50%', '45%'],
          data: items,
          label: { fontSize: 13 },
        },
      ],
    };
  }, [data]);

  if (!index) return <div className="panel">正在加载区域…</div>;
  if (!code) return <div className="panel">服务器上还没有区域数据。</div>;
  const drill = (c: { dataIndex: number }) => {
    const child = data?.children[c.dataIndex];
    if (child) navigate(`/?area=${child.code}`);
  };
  // A status slice opens the map of this area with only the cases in that status.
  const drillStatus = (c: { name: string }) => {
    const status = Object.keys(CASE_STATUS).find((s) => CASE_STATUS[s] === c.name);
    if (status) navigate(`/map?area=${code}&status=${status}`);
  };
  const received = data?.cases ?? 0;
  const closed = data?.closed ?? 0;
  return (
    <div className="page dashboard">
      <AreaCrumbs index={index} code={code} base="/" />
      {figures.error && <div className="error">加载失败：{figures.error}</div>}
      {data && (
        <>
          <section className="stats" aria-label="人口概况">
            <Stat label="实有人口" value={data.total} testId="stat-total" tone="primary" />
            <Stat label="户籍人口" value={data.registered} testId="stat-registered" />
            <Stat label="流动人口" value={data.floating} testId="stat-floating" />
            <Stat label="60岁以上老人" value={data.elderly} testId="stat-elderly" />
            <Stat label="低保人员" value={data.minimumLiving} testId="stat-minimum-living" />
          </section>
          {data.kpis ? (
            <section className="stats" aria-label="事件考核" data-testid="case-kpis">
              <Stat
                label={`${year.year}年受理事件`}
                value={data.kpis.received}
                testId="stat-cases"
                tone="primary"
              />
              <Stat
                label="应结案 / 已结案"
                value={`${data.kpis.due} / ${data.kpis.closed}`}
                testId="stat-closed"
              />
              <Stat label="结案率" value={rate(data.kpis.completionRate)} testId="stat-completion" />
              <Stat label="按期结案率" value={rate(data.kpis.onTimeRate)} testId="stat-on-time" />
              <Stat label="满意率" value={rate(data.kpis.satisfactionRate)} testId="stat-satisfaction" />
            </section>
          ) : (
            <section className="stats" aria-label="事件概况">
              <Stat label="受理事件" value={received} testId="stat-cases" tone="primary" />
              <Stat label="已结案" value={closed} testId="stat-closed" />
              <Stat label="结案率" value={percent(closed, received)} testId="stat-completion" />
            </section>
          )}
          <section className="charts">
            {populationOption && (
              <div className="panel">
                <h2>
                  各下级区域人口构成 <span className="hint">点击柱形进入该区域</span>
                </h2>
                <Chart option={populationOption} onClick={drill} testId="chart-population" />
              </div>
            )}
            {casesOption && (
              <div className="panel">
                <h2>
                  各下级区域事件受理与结案 <span className="hint">点击柱形进入该区域</span>
                </h2>
                <Chart option={casesOption} onClick={drill} testId="chart-cases" />
              </div>
            )}
            {statusOption && (
              <div className="panel">
                <h2>
                  事件状态分布 <span className="hint">点击查看地图</span>
                </h2>
                <Chart option={statusOption} onClick={drillStatus} testId="chart-status" />
              </div>
            )}
          </section>
        </>
      )}
    </div>
  );
}
