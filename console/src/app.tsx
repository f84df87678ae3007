import { useEffect, useState } from 'react';
import { Provider } from 'urql';
import { getToken, setToken } from './api/auth';
import { client, onLiveState, type LiveState } from './api/client';
import { FeaturesContext, type Features } from './api/features';
import { loadFeatures } from './api/features.load';
import { DashboardPage } from './pages/dashboard.page';
import { IngestPage } from './pages/ingest.page';
import { LiveFeedPage } from './pages/live-feed.page';
import { LoginPage } from './pages/login.page';
import { MapPage } from './pages/map.page';
import { PersonPage } from './pages/person.page';
import { PersonsPage } from './pages/persons.page';
import { ReportsPage } from './pages/reports.page';
import { Link, useRoute } from './router';

const NAV: { to: string; text: string; match: (p: string) => boolean }[] = [
  { to: '/', text: '指挥大屏', match: (p) => p === '/' },
  { to: '/map', text: '地图', match: (p) => p.startsWith('/map') },
  { to: '/live', text: '实时动态', match: (p) => p.startsWith('/live') },
  { to: '/persons', text: '人员', match: (p) => p.startsWith('/person') },
  // /ingest/… is the API's upload and rejects endpoints, so the page lives at /import.
  { to: '/import', text: '表格导入', match: (p) => p.startsWith('/import') },
  { to: '/reports', text: '统计报表', match: (p) => p.startsWith('/reports') },
];

function Page(props: { path: string }) {
  const p = props.path;
  if (p === '/') return <DashboardPage />;
  if (p.startsWith('/map')) return <MapPage />;
  if (p.startsWith('/live')) return <LiveFeedPage />;
  if (p.startsWith('/persons')) return <PersonsPage />;
  if (p.startsWith('/person/')) return <PersonPage id={decodeURIComponent(p.slice('/person/'.length))} />;
  if (p.startsWith('/import')) return <IngestPage />;
  if (p.startsWith('/reports')) return <ReportsPage />;
  if (p.startsWith('/login')) return <LoginPage />;
  return <div className="panel">页面不存在。</div>;
}

function Clock() {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(t);
  }, []);
  return <span className="clock">{now.toLocaleString('zh-CN', { hour12: false })}</span>;
}

/** The console shell: reads the server's features once, then shows the navigation and the page. */
export function App() {
  const route = useRoute();
  const [features, setFeatures] = useState<Features | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [live, setLive] = useState<LiveState>('connecting');
  useEffect(() => onLiveState(setLive), []);
  const signedIn = getToken() != null;
  useEffect(() => {
    // Every operation but sign-in needs credentials: without a session there is nothing to read.
    if (!signedIn) return;
    loadFeatures().then(setFeatures, (e: unknown) => setFailed(e instanceof Error ? e.message : String(e)));
  }, [signedIn]);

  if (!signedIn) {
    return (
      <main>
        <LoginPage />
      </main>
    );
  }
  if (failed) return <div className="panel error">无法连接数据中枢：{failed}</div>;
  if (!features) return <div className="panel">正在连接数据中枢…</div>;
  const path = route.path;
  return (
    <Provider value={client}>
      <FeaturesContext.Provider value={features}>
        <header className="top">
          <span className="brand">一表 · 基层治理数据中枢</span>
          <nav>
            {path !== '/login' &&
              NAV.map((n) => (
                <Link key={n.to} to={n.to} className={n.match(route.path) ? 'active' : ''}>
                  {n.text}
                </Link>
              ))}
          </nav>
          <span
            className={`live-dot ${live}`}
            title={live === 'connected' ? '实时连接正常' : '实时连接中断'}
          />
          <Clock />
          {
            <button
              className="link"
              onClick={() => {
                setToken(null);
                window.location.assign('/login');
              }}
            >
              退出
            </button>
          }
        </header>
        <main>
          <Page path={path} />
        </main>
      </FeaturesContext.Provider>
    </Provider>
  );
}
