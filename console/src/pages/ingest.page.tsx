import { useEffect, useState } from 'react';
import { useAreaIndex } from '../api/areas';
import { authHeaders } from '../api/auth';
import { gql, refreshSession, wsClient } from '../api/client';
import { has, useFeatures } from '../api/features';
import { INGEST_PROGRESS, INGEST_RUN, INGEST_RUNS, RESOLVE_REVIEW_ITEM, REVIEW_QUEUE } from '../api/queries';
import { check, useAsync } from '../api/use-async';
import { FeatureGate } from '../components/feature-gate.component';
import { Link } from '../router';
import { ANY_FIELD, describeSource, formatTime, label, timeLeft, type Source } from '../labels';

/** An ingest run as ingestRun, ingestRuns and the upload endpoint return it. */
interface IngestRun {
  id: string;
  fileName: string;
  profile: string;
  department?: string;
  status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  rowsTotal: number;
  processed?: number;
  landed: number;
  skipped: number;
  rejected: number;
  unchanged?: number;
  personsCreated?: number;
  personsMatched?: number;
  conflicts?: number;
  reviewItems?: number;
  errorReason?: string | null;
  errorMessage?: string | null;
  createdAt?: string;
  finishedAt?: string | null;
  layout?: unknown;
  rejectsUrl: string;
}

/** One progress event of ingestProgress. */
interface Progress {
  runId: string;
  status: IngestRun['status'];
  total: number;
  processed: number;
  landed: number;
  skipped: number;
  rejected: number;
}

const RUN_STATUS: Record<IngestRun['status'], string> = {
  QUEUED: '排队中',
  RUNNING: '导入中',
  SUCCEEDED: '已完成',
  FAILED: '失败',
};

/** The department profiles the server ships (fixtures/profiles); empty means detect the columns. */
const PROFILES: [string, string][] = [
  ['', '自动识别表头'],
  ['civil-affairs-dibao', '民政 · 低保名册'],
  ['civil-affairs-tekun', '民政 · 特困人员'],
  ['education-children', '教育 · 适龄儿童'],
  ['health-chronic', '卫健 · 慢病管理'],
  ['hrss-insured', '人社 · 参保人员'],
  ['police-registry', '公安 · 户籍人口'],
];

const done = (s: string | undefined) => s === 'SUCCEEDED' || s === 'FAILED';

/**
 * Sends the file to `POST /ingest/upload` (multipart field `file`) with the same credentials as
 * the API; the server stores it, queues the run and answers 202 with the run.
 */
async function upload(file: File, profile: string, areaCode: string): Promise<IngestRun> {
  const res = await sendFile('upload', file, { areaCode, profile });
  const answer = (await res.json()) as { run?: IngestRun; error?: { message: string } };
  if (!res.ok || !answer.run) throw new Error(answer.error?.message ?? `上传失败（HTTP ${res.status}）`);
  return answer.run;
}

/** One sheet of a preview: how it reads and how its rows would land. */
interface PreviewSheet {
  layout: { sheet: string; headerRows: number[]; titleRows: number[] };
  mapping: ColumnMapping[];
  counts: { rows: number; wouldLand: number; skipped: number; rejected: number };
}

/** What `POST /ingest/preview` answers: the dry run of a file (nothing is written). */
interface Preview {
  fileName: string;
  format: string;
  encoding: string | null;
  sheets: PreviewSheet[];
  /** Only the first rows were read (the server reads at most a fixed number for a preview). */
  partial: boolean;
}

/** Multipart POST of the file to an ingest endpoint with the API's credentials (again after a refresh). */
async function sendFile(endpoint: string, file: File, query: Record<string, string>): Promise<Response> {
  const send = () => {
    const body = new FormData();
    body.append('file', file, file.name);
    return fetch(`/ingest/${endpoint}?${new URLSearchParams(query)}`, {
      method: 'POST',
      headers: authHeaders(),
      body,
    });
  };
  const res = await send();
  return res.status === 401 && (await refreshSession()) ? send() : res;
}

/** The dry run of a file: how it reads, the column mapping and the counts, before anything lands. */
async function preview(file: File, profile: string): Promise<Preview> {
  const res = await sendFile('preview', file, { profile });
  const answer = (await res.json()) as { preview?: Preview; error?: { message: string } };
  if (!res.ok || !answer.preview) throw new Error(answer.error?.message ?? `预览失败（HTTP ${res.status}）`);
  return answer.preview;
}

/**
 * Downloads the rejects workbook: it needs the bearer token, which a plain link cannot send, so
 * the file is fetched and handed to the browser as a blob.
 */
async function downloadRejects(run: IngestRun): Promise<void> {
  let res = await fetch(run.rejectsUrl, { headers: authHeaders() });
  if (res.status === 401 && (await refreshSession()))
    res = await fetch(run.rejectsUrl, { headers: authHeaders() });
  if (!res.ok) throw new Error(`下载失败（HTTP ${res.status}）`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `${run.fileName}.问题行.xlsx`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/**
 * Follows a run: ingestProgress after each committed batch, and ingestRun for the full summary at
 * the start and once it has finished (and every few seconds, should an event be missed).
 */
function useRun(initial: IngestRun | null): {
  run: IngestRun | null;
  progress: Progress | null;
  left: string | null;
} {
  const [run, setRun] = useState<IngestRun | null>(initial);
  const [progress, setProgress] = useState<Progress | null>(null);
  // the first progress this page saw (rows done, when): the rate since then tells the time left
  const [seen, setSeen] = useState<{ processed: number; at: number } | null>(null);
  const id = initial?.id ?? null;
  useEffect(() => {
    setRun(initial);
    setProgress(null);
    setSeen(null);
    if (!id) return;
    let stopped = false;
    const refresh = async () => {
      const r = await gql<{ ingestRun: IngestRun | null }>(INGEST_RUN, { id });
      if (!stopped && r.data?.ingestRun) setRun(r.data.ingestRun);
      return r.data?.ingestRun ?? null;
    };
    const stopSub = wsClient.subscribe<{ ingestProgress: Progress }>(
      { query: INGEST_PROGRESS, variables: { id } },
      {
        next: (m) => {
          const p = m.data?.ingestProgress;
          if (!p || stopped) return;
          setProgress(p);
          setSeen((s) => s ?? { processed: p.processed, at: Date.now() });
          if (done(p.status)) void refresh();
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    void (async () => {
      while (!stopped) {
        const r = await refresh();
        if (!r || done(r.status)) return;
        await new Promise((res) => setTimeout(res, 3000));
      }
    })();
    return () => {
      stopped = true;
      stopSub();
    };
  }, [id, initial]);
  const left =
    progress?.status === 'RUNNING' && seen
      ? timeLeft(progress.total, progress.processed, seen.processed, Date.now() - seen.at)
      : null;
  return { run, progress, left };
}

function percentOf(run: IngestRun | null, p: Progress | null): number {
  if (run?.status === 'SUCCEEDED' || p?.status === 'SUCCEEDED') return 100;
  const total = p?.total ?? run?.rowsTotal ?? 0;
  const processed = Math.max(p?.processed ?? 0, run?.processed ?? 0);
  return total > 0 ? Math.min(100, Math.floor((processed / total) * 100)) : 0;
}

function Bar(props: { value: number; failed: boolean }) {
  return (
    <div
      className={`progress ${props.failed ? 'failed' : ''}`}
      data-testid="ingest-progress"
      data-value={props.value}
      role="progressbar"
      aria-valuenow={props.value}
    >
      <div className="progress-bar" style={{ width: `${props.value}%` }} />
      <span>{props.value}%</span>
    </div>
  );
}

/** One column of a sheet's mapping, as the run's layout gives it. */
interface ColumnMapping {
  letter: string;
  header: string;
  target: string | null;
  via: 'PROFILE' | 'SYNONYM' | 'UNMAPPED' | 'DUPLICATE';
}

const VIA: Record<ColumnMapping['via'], string> = {
  PROFILE: '按部门模板',
  SYNONYM: '按表头同义词',
  UNMAPPED: '未映射（原样保存）',
  DUPLICATE: '重复列（原样保存）',
};

/** Per sheet, the detected header and the ledger field each column was mapped to. */
function Layout(props: { layout: unknown }) {
  const sheets = Array.isArray(props.layout)
    ? (props.layout as { sheet: string; headerRows: number[]; mapping?: ColumnMapping[] }[])
    : [];
  if (sheets.length === 0) return null;
  return (
    <div data-testid="ingest-layout">
      {sheets.map((s) => (
        <table className="table" key={s.sheet}>
          <caption>
            {s.sheet} · 表头在第 {s.headerRows.join('、')} 行
          </caption>
          <thead>
            <tr>
              <th>列</th>
              <th>表头</th>
              <th>对应字段</th>
              <th>识别方式</th>
            </tr>
          </thead>
          <tbody>
            {(s.mapping ?? []).map((c) => (
              <tr key={c.letter} data-testid="ingest-mapping" data-target={c.target ?? ''}>
                <td>{c.letter}</td>
                <td>{c.header}</td>
                <td>{c.target ? label(ANY_FIELD, c.target.replace(/^fact\./, '')) : '—'}</td>
                <td>{VIA[c.via] ?? c.via}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}

/** An item of the review queue, as reviewQueue gives it. */
interface ReviewItem {
  id: string;
  kind: 'LOW_SCORE_MATCH' | 'AMBIGUOUS_MATCH' | 'ROW_CONTRADICTS_ID' | 'CONFLICT';
  person: string;
  candidate: string | null;
  field: string | null;
  chosenValue: unknown;
  otherValue: unknown;
  score: number | null;
  explanation: string | null;
  createdAt: string;
  source: Source | null;
  chosenSource: Source | null;
}

const REVIEW_KIND: Record<ReviewItem['kind'], string> = {
  LOW_SCORE_MATCH: '疑似同一人（得分不足）',
  AMBIGUOUS_MATCH: '疑似同一人（多人相符）',
  ROW_CONTRADICTS_ID: '与身份证号不符',
  CONFLICT: '来源不一致',
};

const shownValue = (v: unknown) => (v === null || v === undefined ? '（空）' : String(v));

/**
 * The review queue (待核实): each item answered once, with an optional note. A conflict keeps the
 * shown value or takes the other source's; a doubtful match stays two persons or is merged into
 * the candidate; a row that contradicts its ID number is marked checked.
 */
function ReviewQueue(props: { refreshKey: string; runId: string | null }) {
  const [answered, setAnswered] = useState(0);
  const [allRuns, setAllRuns] = useState(false);
  const runId = allRuns ? null : props.runId;
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const items = useAsync(`review|${props.refreshKey}|${answered}|${runId ?? ''}`, async () =>
    check(await gql<{ reviewQueue: ReviewItem[]; reviewQueueCount: number }>(REVIEW_QUEUE, { runId })),
  );
  const answer = async (item: ReviewItem, decision: 'KEEP' | 'TAKE_OTHER' | 'MERGE') => {
    setBusy(item.id);
    setError(null);
    try {
      check(await gql(RESOLVE_REVIEW_ITEM, { id: item.id, decision, note: notes[item.id]?.trim() || null }));
      setAnswered((n) => n + 1);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  const list = items.data?.reviewQueue ?? [];
  return (
    <div className="panel" data-testid="review-queue">
      <h2>
        待核实{' '}
        <span className="badge" data-testid="review-count">
          {items.data?.reviewQueueCount ?? 0}
        </span>
      </h2>
      {props.runId && (
        <label className="muted">
          <input type="checkbox" checked={!allRuns} onChange={(e) => setAllRuns(!e.target.checked)} />{' '}
          只看批次 {props.runId} 产生的事项
        </label>
      )}
      {error && <div className="error">{error}</div>}
      {items.error && <div className="error">{items.error}</div>}
      {list.length === 0 && !items.loading && <p className="muted">没有待核实的事项</p>}
      {list.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>类别</th>
              <th>人员</th>
              <th>内容</th>
              <th>时间</th>
              <th>备注</th>
              <th>处理</th>
            </tr>
          </thead>
          <tbody>
            {list.map((i) => (
              <tr key={i.id} data-testid="review-item" data-id={i.id} data-kind={i.kind}>
                <td>{REVIEW_KIND[i.kind] ?? i.kind}</td>
                <td>
                  <Link to={`/person/${i.person}`}>查看</Link>
                  {i.candidate && (
                    <>
                      {' · '}
                      <Link to={`/person/${i.candidate}`}>疑似对象</Link>
                    </>
                  )}
                </td>
                <td>
                  {i.field
                    ? `${label(ANY_FIELD, i.field)}：现为 ${shownValue(i.chosenValue)}，另一来源 ${shownValue(i.otherValue)}`
                    : (i.explanation ?? '')}
                  {i.score !== null ? `（得分 ${i.score}）` : ''}
                  <div className="muted" data-testid="review-source">
                    {i.chosenSource ? `现值来自 ${describeSource(i.chosenSource)}；另一值来自 ` : '来自 '}
                    {describeSource(i.source)}
                  </div>
                </td>
                <td>{formatTime(i.createdAt)}</td>
                <td>
                  <input
                    aria-label="备注"
                    value={notes[i.id] ?? ''}
                    maxLength={500}
                    onChange={(e) => setNotes({ ...notes, [i.id]: e.target.value })}
                  />
                </td>
                <td className="actions">
                  <button disabled={busy !== null} onClick={() => void answer(i, 'KEEP')}>
                    {i.kind === 'CONFLICT' ? '保留现值' : i.candidate ? '不是同一人' : '已核实'}
                  </button>
                  {i.kind === 'CONFLICT' && (
                    <button disabled={busy !== null} onClick={() => void answer(i, 'TAKE_OTHER')}>
                      采用另一来源
                    </button>
                  )}
                  {i.candidate && i.kind !== 'CONFLICT' && (
                    <button disabled={busy !== null} onClick={() => void answer(i, 'MERGE')}>
                      合并为同一人
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function IngestBody() {
  const features = useFeatures();
  const index = useAreaIndex();
  const [file, setFile] = useState<File | null>(null);
  const [profile, setProfile] = useState('');
  const [area, setArea] = useState('');
  const [started, setStarted] = useState<IngestRun | null>(null);
  const [previewed, setPreviewed] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { run, progress, left } = useRun(started);
  const runs = useAsync(
    `runs|${started?.id ?? ''}|${done(run?.status)}`,
    async () => check(await gql<{ ingestRuns: IngestRun[] }>(INGEST_RUNS)).ingestRuns,
  );
  const areaCode = area || index?.home || '';
  const areas = index
    ? [...index.byCode.values()].filter((a) => ['DISTRICT', 'STREET', 'COMMUNITY'].includes(a.level))
    : [];

  const start = async () => {
    if (!file || !areaCode) return;
    setBusy(true);
    setError(null);
    try {
      setStarted(await upload(file, profile, areaCode));
      setPreviewed(null); // the run shows its own layout
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const look = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      setPreviewed(await preview(file, profile));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const value = percentOf(run, progress);
  const shown = progress ?? run;
  return (
    <div className="page ingest-page">
      <div className="panel">
        <h2>导入部门表格</h2>
        <div className="toolbar">
          <input
            type="file"
            accept=".csv,.xlsx"
            data-testid="ingest-file"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setPreviewed(null);
            }}
          />
          <select
            value={profile}
            onChange={(e) => {
              setProfile(e.target.value);
              setPreviewed(null);
            }}
            aria-label="部门模板"
          >
            {PROFILES.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
          <select value={areaCode} onChange={(e) => setArea(e.target.value)} aria-label="所属区域">
            {areas.map((a) => (
              <option key={a.code} value={a.code}>
                {a.name}
              </option>
            ))}
          </select>
          <button disabled={!file || busy} onClick={() => void look()} data-testid="ingest-preview">
            预览
          </button>
          <button
            disabled={!file || !areaCode || busy}
            onClick={() => void start()}
            data-testid="ingest-start"
          >
            开始导入
          </button>
        </div>
        {error && <div className="error">{error}</div>}
        {previewed && (
          <div data-testid="ingest-preview-result">
            <p>
              预览 {previewed.fileName}（{previewed.format}
              {previewed.encoding ? `，${previewed.encoding}` : ''}），尚未写入：
              {previewed.sheets.map((s) => (
                <span key={s.layout.sheet} data-testid="preview-counts">
                  {' '}
                  {s.layout.sheet} 共 {s.counts.rows} 行，可入库 {s.counts.wouldLand}，跳过 {s.counts.skipped}
                  ，拒收 {s.counts.rejected}；
                </span>
              ))}
              {previewed.partial && (
                <span className="muted">（文件较大，预览只读了前面的行；导入时逐行检查全部）</span>
              )}
            </p>
            <Layout
              layout={previewed.sheets.map((s) => ({
                sheet: s.layout.sheet,
                headerRows: s.layout.headerRows,
                mapping: s.mapping,
              }))}
            />
          </div>
        )}
      </div>
      {run && (
        <div className="panel" data-testid="ingest-run" data-status={run.status}>
          <h2>
            导入进度 <span className="badge status">{RUN_STATUS[run.status]}</span>
          </h2>
          <p>
            {run.fileName} · 模板 {run.profile}
            {run.department ? ` · ${run.department}` : ''}
          </p>
          <Bar value={value} failed={run.status === 'FAILED'} />
          {left && (
            <p className="muted" data-testid="ingest-time-left">
              {left}
            </p>
          )}
          <dl className="summary" data-testid="ingest-summary">
            <dt>总行数</dt>
            <dd>{progress?.total ?? run.rowsTotal}</dd>
            <dt>已入库</dt>
            <dd data-testid="ingest-landed">{shown?.landed ?? 0}</dd>
            <dt>跳过</dt>
            <dd>{shown?.skipped ?? 0}</dd>
            <dt>拒收</dt>
            <dd data-testid="ingest-rejected">{shown?.rejected ?? 0}</dd>
            {done(run.status) && (
              <>
                <dt>新建人员</dt>
                <dd>{run.personsCreated ?? 0}</dd>
                <dt>匹配已有人员</dt>
                <dd>{run.personsMatched ?? 0}</dd>
                <dt>冲突</dt>
                <dd>{run.conflicts ?? 0}</dd>
                <dt>待复核</dt>
                <dd>{run.reviewItems ?? 0}</dd>
              </>
            )}
          </dl>
          {run.status === 'FAILED' && <div className="error">{run.errorMessage ?? run.errorReason}</div>}
          {done(run.status) && run.skipped + run.rejected > 0 && (
            <button
              className="button"
              onClick={() => void downloadRejects(run).catch((e: Error) => setError(e.message))}
            >
              下载拒收与跳过清单
            </button>
          )}
          {run.layout != null && <Layout layout={run.layout} />}
        </div>
      )}
      <div className="panel">
        <h2>导入记录</h2>
        <table className="table" data-testid="ingest-runs">
          <thead>
            <tr>
              <th>批次</th>
              <th>文件</th>
              <th>状态</th>
              <th>总行数</th>
              <th>入库</th>
              <th>跳过</th>
              <th>拒收</th>
              <th>时间</th>
            </tr>
          </thead>
          <tbody>
            {(runs.data ?? []).map((r) => (
              <tr key={r.id} onClick={() => setStarted(r)} className="clickable">
                <td>{r.id}</td>
                <td>{r.fileName}</td>
                <td>{RUN_STATUS[r.status]}</td>
                <td>{r.rowsTotal}</td>
                <td>{r.landed}</td>
                <td>{r.skipped}</td>
                <td>{r.rejected}</td>
                <td>{r.createdAt ? formatTime(r.createdAt) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {has(features, 'Query.reviewQueue', 'Query.reviewQueueCount', 'Mutation.resolveReviewItem') && (
        <ReviewQueue refreshKey={`${started?.id ?? ''}|${done(run?.status)}`} runId={started?.id ?? null} />
      )}
    </div>
  );
}

/** Ingest: upload a department spreadsheet, follow its progress, read the summary, get the rejects. */
export function IngestPage() {
  return (
    <FeatureGate title="表格导入" needs={['Query.ingestRun', 'Subscription.ingestProgress']}>
      <IngestBody />
    </FeatureGate>
  );
}
