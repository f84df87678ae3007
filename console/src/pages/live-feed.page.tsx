import { useEffect, useRef, useState } from 'react';
import { useAreaIndex, type AreaIndex } from '../api/areas';
import { gql, onLiveState, onReconnected, wsClient, type LiveState } from '../api/client';
import { has, useFeatures } from '../api/features';
import { CASE_UPDATED, NODE_SUMMARY, RECORD_CHANGED } from '../api/queries';
import { ANY_FIELD, CASE_ACTION, CASE_STATUS, CHANGE_OP, RECORD_TYPE, formatTime, label } from '../labels';
import { Link, navigate, useRoute } from '../router';

/** One line of the feed. */
interface FeedItem {
  key: string;
  id: string;
  type: string;
  op: string;
  at: string;
  areaCode: string | null;
  fields: string[];
  summary?: string;
  status?: string;
  /** Set for workflow steps from the caseUpdated subscription (REPORT, FILE, DISPATCH…). */
  action?: string;
}

const MAX_ITEMS = 200;
/** Record types the feed asks for when the cases module reports case transitions separately. */
const NON_CASE_TYPES = ['Person', 'Household', 'House', 'Thing', 'Fact'];

/** A readable line for a record: who, which address, what was reported. */
async function summarise(id: string): Promise<{ summary?: string; status?: string }> {
  try {
    const r = await gql<{ node: Record<string, string> | null }>(NODE_SUMMARY, { id });
    const n = r.data?.node;
    if (!n) return {};
    const summary =
      n.name ??
      n.description ??
      n.address ??
      (n.householdNumber ? `户号 ${n.householdNumber}` : undefined) ??
      n.kind;
    return { summary, status: n.status };
  } catch {
    return {};
  }
}

function areaName(index: AreaIndex | null, code: string | null): string {
  if (!code) return '—';
  return index?.byCode.get(code)?.name ?? code;
}

/**
 * The live feed: every ledger change in the chosen area as it commits (recordChanged over
 * graphql-ws), with cases highlighted; when the server has the cases module, case transitions
 * from caseUpdated too, resumed from the last sequence number after a reconnect.
 */
export function LiveFeedPage() {
  const features = useFeatures();
  const index = useAreaIndex();
  const route = useRoute();
  const areaCode = route.params.get('area');
  const casesOnly = route.params.get('only') === 'cases';
  const [items, setItems] = useState<FeedItem[]>([]);
  const [live, setLive] = useState<LiveState>('connecting');
  // The last sequence number of caseUpdated seen, per area subscribed: passed as `after` when the
  // subscription starts again (reconnect), so the server replays the steps missed meanwhile.
  const lastSeq = useRef<{ area: string; seq: number } | null>(null);
  const caseArea = areaCode ?? index?.home ?? null;
  const [resubscribe, setResubscribe] = useState(0);

  useEffect(() => onLiveState(setLive), []);
  useEffect(() => onReconnected(() => setResubscribe((n) => n + 1)), []);

  const add = (item: FeedItem) => {
    setItems((list) => [item, ...list.filter((x) => x.key !== item.key)].slice(0, MAX_ITEMS));
    if (!item.summary) {
      void summarise(item.id).then((s) =>
        setItems((list) =>
          list.map((x) => (x.key === item.key ? { ...x, ...s, status: item.status ?? s.status } : x)),
        ),
      );
    }
  };

  useEffect(() => {
    const withCaseFeed = has(features, 'Subscription.caseUpdated');
    const types = casesOnly ? ['Case'] : withCaseFeed ? NON_CASE_TYPES : null;
    const stops: (() => void)[] = [];
    if (!(casesOnly && withCaseFeed)) {
      stops.push(
        wsClient.subscribe<{
          recordChanged: {
            id: string;
            type: string;
            op: string;
            recordedAt: string;
            areaCode: string | null;
            fields: string[];
          };
        }>(
          {
            query: RECORD_CHANGED,
            variables: { a: areaCode, t: types },
          },
          {
            next: (m) => {
              const e = m.data?.recordChanged;
              if (!e) return;
              add({
                key: `${e.type}:${e.id}:${e.recordedAt}:${e.op}`,
                id: e.id,
                type: e.type,
                op: e.op,
                at: e.recordedAt,
                areaCode: e.areaCode,
                fields: e.fields,
              });
            },
            error: () => undefined,
            complete: () => undefined,
          },
        ),
      );
    }
    if (withCaseFeed && caseArea) {
      const after = lastSeq.current?.area === caseArea ? lastSeq.current.seq : null;
      stops.push(
        wsClient.subscribe<{
          caseUpdated: {
            seq: number;
            caseId: string;
            action: string;
            fromStatus: string | null;
            toStatus: string;
            areaCode: string | null;
            recordedAt: string;
          };
        }>(
          { query: CASE_UPDATED, variables: { a: caseArea, after } },
          {
            next: (m) => {
              const e = m.data?.caseUpdated;
              if (!e) return;
              lastSeq.current = { area: caseArea, seq: e.seq };
              add({
                key: `case:${e.caseId}:${e.seq}`,
                id: e.caseId,
                type: 'Case',
                op: e.action,
                at: e.recordedAt,
                areaCode: e.areaCode,
                fields: ['status'],
                status: e.toStatus,
                action: e.action,
              });
            },
            error: () => undefined,
            complete: () => undefined,
          },
        ),
      );
    }
    return () => stops.forEach((s) => s());
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [features, areaCode, caseArea, casesOnly, resubscribe]);

  const setParam = (k: string, v: string | null) => {
    const p = new URLSearchParams(route.params);
    if (v) p.set(k, v);
    else p.delete(k);
    navigate(`/live${p.toString() ? `?${p}` : ''}`, true);
  };
  const streets = index
    ? [...index.byCode.values()].filter((a) => a.level === 'STREET' || a.level === 'COMMUNITY')
    : [];

  return (
    <div className="page live-page">
      <div className="toolbar">
        <span className={`live-state ${live}`} data-testid="live-state">
          {live === 'connected'
            ? '● 实时连接正常'
            : live === 'reconnecting'
              ? '● 连接中断，正在重连…'
              : '● 正在连接…'}
        </span>
        <label>
          区域
          <select value={areaCode ?? ''} onChange={(e) => setParam('area', e.target.value || null)}>
            <option value="">全部</option>
            {streets.map((a) => (
              <option key={a.code} value={a.code}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            checked={casesOnly}
            onChange={(e) => setParam('only', e.target.checked ? 'cases' : null)}
          />
          只看事件
        </label>
        <span className="muted">
          {has(features, 'Subscription.caseUpdated')
            ? '事件流转由案件模块实时推送'
            : '案件模块尚未启用：显示台账全部变更，事件高亮'}
        </span>
      </div>
      <div className="panel">
        <h2>实时动态</h2>
        {items.length === 0 && (
          <p className="muted" data-testid="feed-empty">
            等待新的变更…
          </p>
        )}
        <ol className="feed" data-testid="feed">
          {items.map((it) => (
            <li
              key={it.key}
              className={`feed-item ${it.type === 'Case' ? 'feed-case' : ''}`}
              data-testid="feed-item"
              data-type={it.type}
              data-id={it.id}
              data-action={it.action}
            >
              <time>{formatTime(it.at)}</time>
              <span className={`badge type-${it.type}`}>{label(RECORD_TYPE, it.type)}</span>
              <span className="op">
                {it.action ? label(CASE_ACTION, it.action) : label(CHANGE_OP, it.op)}
              </span>
              <span>
                {it.status && it.type === 'Case' && (
                  <span className="badge status">{label(CASE_STATUS, it.status)}</span>
                )}
              </span>
              <span className="summary">
                {it.type === 'Person' ? (
                  <Link to={`/person/${it.id}`}>{it.summary ?? '（人员）'}</Link>
                ) : (
                  (it.summary ?? '…')
                )}
              </span>
              <span className="area">{areaName(index, it.areaCode)}</span>
              <span className="fields muted" title={it.fields.map((x) => label(ANY_FIELD, x)).join('、')}>
                {it.fields.map((x) => label(ANY_FIELD, x)).join('、')}
              </span>
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}
