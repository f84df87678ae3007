import { useState } from 'react';
import { gql } from '../api/client';
import { has, rootField, useFeatures } from '../api/features';
import { personQuery, RESOLVE_REVIEW_ITEM } from '../api/queries';
import { check, useAsync } from '../api/use-async';
import {
  CHANGE_OP,
  DEPARTMENT,
  FACT_KIND,
  HOUSE_USE,
  PERSON_FIELD,
  PERSON_VALUE,
  describeSource,
  formatTime,
  label,
  type Source,
} from '../labels';
import { Link } from '../router';

interface PersonData {
  id: string;
  name: string;
  idNumber: string | null;
  gender: string | null;
  birthDate: string | null;
  age: number | null;
  ethnicity: string | null;
  phone: string | null;
  residenceType: string | null;
  status: string;
  relationToHead: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  asOf: string | null;
  area: { code: string; name: string; ancestors: { code: string; name: string }[] };
  sources: { field: string; source: Source | null }[];
  conflicts: {
    id: string;
    field: string;
    chosenValue: unknown;
    otherValue: unknown;
    status: string;
    createdAt: string;
    decision: 'KEEP' | 'TAKE_OTHER' | null;
  }[];
  facts: {
    id: string;
    kind: string;
    departmentCode: string | null;
    validFrom: string;
    validTo: string | null;
    status: string;
    attributes: Record<string, unknown>;
  }[];
  household: {
    householdNumber: string;
    head: { name: string } | null;
    members: { id: string; name: string; relationToHead: string | null }[];
  } | null;
  house: { address: string; use: string; floors: number | null; area: { name: string } } | null;
  history: {
    id: string;
    op: string;
    recordedAt: string;
    actor: string | null;
    fields: { field: string; oldValue: unknown; newValue: unknown }[];
  }[];
}

/** The fields shown in the table, in the order staff read a 人口信息 form. */
const SHOWN: (keyof PersonData & string)[] = [
  'name',
  'idNumber',
  'gender',
  'birthDate',
  'ethnicity',
  'phone',
  'residenceType',
  'relationToHead',
  'status',
];

function show(v: unknown): string {
  if (v == null || v === '') return '—';
  if (typeof v === 'string') return PERSON_VALUE[v] ?? v;
  return JSON.stringify(v);
}

/**
 * One resident: every ledger value with the department and file that supplied it, open conflicts
 * between departments, facts, household and house, the change history, and an as-of slider that
 * reads the record as it stood at any past instant. Identity numbers arrive masked from the API.
 */
export function PersonPage(props: { id: string }) {
  const [asOfMs, setAsOfMs] = useState<number | null>(null);
  const [nowMs] = useState(() => Date.now());
  const asOf = asOfMs == null ? null : new Date(asOfMs).toISOString();
  // With the access-control module, full identity numbers need a stated purpose, and the read is audited.
  const features = useFeatures();
  const purposeArg = rootField(features, 'Query.person')?.args.find((a) => /purpose|reason/i.test(a.name));
  const [purpose, setPurpose] = useState<string | null>(null);
  const [purposeDraft, setPurposeDraft] = useState('');
  const [asking, setAsking] = useState(false);
  // a conflict answered here as in the review queue (needs record:write; the API refuses otherwise)
  const canAnswer = has(features, 'Mutation.resolveReviewItem');
  const [answering, setAnswering] = useState(false);
  const [answerError, setAnswerError] = useState<string | null>(null);
  const state = useAsync(
    `${props.id}|${asOf}`,
    async () =>
      check(
        await gql<{ person: PersonData | null }>(personQuery(purpose ? purposeArg : undefined), {
          id: props.id,
          asOf,
          ...(purpose ? { purpose } : {}),
        }),
      ).person,
  );
  const answer = async (conflictId: string, decision: 'KEEP' | 'TAKE_OTHER') => {
    setAnswering(true);
    setAnswerError(null);
    try {
      check(await gql(RESOLVE_REVIEW_ITEM, { id: `CONFLICT:${conflictId}`, decision }));
      state.reload();
    } catch (e) {
      setAnswerError(e instanceof Error ? e.message : String(e));
    } finally {
      setAnswering(false);
    }
  };
  const [first, setFirst] = useState<number | null>(null);
  const p = state.data;
  if (p && first == null) setFirst(new Date(p.history[0]?.recordedAt ?? p.createdAt).getTime());

  if (state.error) return <div className="panel error">加载失败：{state.error}</div>;
  if (!state.data && state.loading) return <div className="panel">正在加载…</div>;
  if (!p) return <div className="panel">{asOf ? '该时点此人尚未登记。' : '没有找到此人。'}</div>;
  const sourceOf = new Map(p.sources.map((s) => [s.field, s.source]));
  const conflictsOf = (field: string) => p.conflicts.filter((c) => c.field === field);
  const min = first ?? nowMs;
  return (
    <div className="page person-page">
      <div className="panel person-head">
        <h1 data-testid="person-name">{p.name}</h1>
        <span className="muted">
          {[...p.area.ancestors.filter((a) => a.code !== p.area.code).slice(-2), p.area]
            .map((a) => a.name)
            .join(' › ')}{' '}
          · 版本 {p.version}
        </span>
        {purposeArg && !purpose && !asking && (
          <button onClick={() => setAsking(true)} data-testid="unmask">
            查看完整信息
          </button>
        )}
        {asking && (
          <form
            className="purpose"
            onSubmit={(e) => {
              e.preventDefault();
              if (purposeDraft.trim()) {
                setPurpose(purposeDraft.trim());
                setAsking(false);
              }
            }}
          >
            <input
              placeholder="查询事由（将记入审计日志）"
              value={purposeDraft}
              onChange={(e) => setPurposeDraft(e.target.value)}
              aria-label="查询事由"
            />
            <button type="submit">确认</button>
          </form>
        )}
        {purpose && <span className="muted">已按事由“{purpose}”显示完整信息，本次查看已记录</span>}
        <div className="asof" data-testid="asof">
          <label htmlFor="asof-slider">时点回溯</label>
          <input
            id="asof-slider"
            type="range"
            min={min}
            max={nowMs}
            step={Math.max(1, Math.round((nowMs - min) / 200))}
            value={asOfMs ?? nowMs}
            onChange={(e) => {
              const v = Number(e.target.value);
              setAsOfMs(v >= nowMs ? null : v);
            }}
          />
          <span>{asOf ? `查看 ${formatTime(asOf)} 时的记录` : '当前记录'}</span>
          {asOf && <button onClick={() => setAsOfMs(null)}>回到当前</button>}
        </div>
      </div>
      <div className="person-grid">
        <div className="panel">
          <h2>基本信息与数据来源</h2>
          <table className="table" data-testid="person-sources">
            <thead>
              <tr>
                <th>字段</th>
                <th>当前值</th>
                <th>来源</th>
                <th>接收时间</th>
              </tr>
            </thead>
            <tbody>
              {SHOWN.map((f) => {
                const s = sourceOf.get(f) ?? null;
                const conflicts = conflictsOf(f);
                return (
                  <tr key={f} data-field={f} className={conflicts.length ? 'has-conflict' : ''}>
                    <th>{label(PERSON_FIELD, f)}</th>
                    <td className={f === 'idNumber' || f === 'phone' ? 'mono' : ''}>
                      {show(p[f])}
                      {f === 'birthDate' && p.age != null && <span className="muted">（{p.age}岁）</span>}
                      {conflicts.map((c) => (
                        <div key={c.id} className="conflict">
                          另有来源：{show(c.otherValue)}（{c.status === 'OPEN' ? '待核实' : '已处理'}）
                        </div>
                      ))}
                    </td>
                    <td data-testid="source">{describeSource(s)}</td>
                    <td>{formatTime(s?.receivedAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <div className="side">
          <div className="panel">
            <h2>冲突</h2>
            {p.conflicts.length === 0 ? (
              <p className="muted">各部门数据一致</p>
            ) : (
              <ul data-testid="conflicts">
                {p.conflicts.map((c) => (
                  <li key={c.id} data-testid="conflict" data-id={c.id} data-status={c.status}>
                    {label(PERSON_FIELD, c.field)}：采用 {show(c.chosenValue)}，另一来源 {show(c.otherValue)}
                    （{formatTime(c.createdAt)}）
                    {c.status === 'OPEN' && canAnswer && !asOf && (
                      <span className="actions">
                        <button disabled={answering} onClick={() => void answer(c.id, 'KEEP')}>
                          保留现值
                        </button>
                        <button disabled={answering} onClick={() => void answer(c.id, 'TAKE_OTHER')}>
                          采用另一来源
                        </button>
                      </span>
                    )}
                    {c.decision && (
                      <span className="muted">
                        {' '}
                        已处理：{c.decision === 'KEEP' ? '保留现值' : '采用另一来源'}
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            )}
            {answerError && <div className="error">{answerError}</div>}
          </div>
          <div className="panel">
            <h2>户与房</h2>
            {p.household ? (
              <>
                <p>
                  户号 {p.household.householdNumber}，户主 {p.household.head?.name ?? '—'}
                </p>
                <ul className="members">
                  {p.household.members.map((m) => (
                    <li key={m.id}>
                      {m.id === p.id ? (
                        <strong>{m.name}</strong>
                      ) : (
                        <Link to={`/person/${m.id}`}>{m.name}</Link>
                      )}
                      <span className="muted">{m.relationToHead ?? ''}</span>
                    </li>
                  ))}
                </ul>
              </>
            ) : (
              <p className="muted">未登记所在户</p>
            )}
            {p.house && (
              <p>
                住址：{p.house.address}（{label(HOUSE_USE, p.house.use)}，{p.house.area.name}）
              </p>
            )}
          </div>
          <div className="panel">
            <h2>部门事实</h2>
            {p.facts.length === 0 ? (
              <p className="muted">无</p>
            ) : (
              <ul>
                {p.facts.map((f) => (
                  <li key={f.id}>
                    {label(FACT_KIND, f.kind)} · {label(DEPARTMENT, f.departmentCode)} · {f.validFrom} 起
                    {f.validTo ? `至 ${f.validTo}` : ''}
                    {f.status !== 'ACTIVE' && <span className="muted">（已撤销）</span>}
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      </div>
      <div className="panel">
        <h2>变更记录</h2>
        <ol className="history" data-testid="history">
          {p.history.map((h) => (
            <li key={h.id}>
              <time>{formatTime(h.recordedAt)}</time> <strong>{label(CHANGE_OP, h.op)}</strong>{' '}
              {h.actor ?? ''}
              <span className="muted">
                {' '}
                {h.fields
                  .map((c) => `${label(PERSON_FIELD, c.field)}：${show(c.oldValue)} → ${show(c.newValue)}`)
                  .join('；')}
              </span>
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}
