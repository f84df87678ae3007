import { useEffect, useState } from 'react';
import { authHeaders } from '../api/auth';
import { GRAPHQL_PATH, gql, wsClient } from '../api/client';
import {
  deepSelection,
  has,
  rootField,
  scalarSelection,
  useFeatures,
  type Features,
  type FieldInfo,
} from '../api/features';
import { check, useAsync } from '../api/use-async';
import { FeatureGate } from '../components/feature-gate.component';
import {
  ObjectView,
  caption,
  findValue,
  isFailed,
  isFinished,
  progressOf,
} from '../components/object-view.component';

/** The mutation that takes a spreadsheet (an argument of the multipart `Upload` scalar). */
function uploadMutation(f: Features): FieldInfo | null {
  for (const field of f.types.get('Mutation')?.values() ?? [])
    if (field.args.some((a) => a.type === 'Upload')) return field;
  return null;
}

/**
 * Sends the file by the GraphQL multipart request spec (operations + map + the file part); the
 * preflight header tells the server this is not a cross-site form post.
 */
async function upload(
  f: Features,
  m: FieldInfo,
  file: File,
  dryRun: boolean,
  profile: string,
): Promise<Record<string, unknown>> {
  const fileArg = m.args.find((a) => a.type === 'Upload')!;
  const defs = [`$file: Upload!`];
  const args = [`${fileArg.name}: $file`];
  const variables: Record<string, unknown> = { file: null };
  const dry = m.args.find((a) => /dry/i.test(a.name));
  if (dry) {
    defs.push(`$dry: Boolean`);
    args.push(`${dry.name}: $dry`);
    variables.dry = dryRun;
  }
  const prof = m.args.find((a) => /profile/i.test(a.name));
  if (prof && profile) {
    defs.push(`$profile: ${prof.type}`);
    args.push(`${prof.name}: $profile`);
    variables.profile = profile;
  }
  const query = `mutation (${defs.join(', ')}) { ${m.name}(${args.join(', ')}) { ${deepSelection(f, m.type)} } }`;
  const body = new FormData();
  body.append('operations', JSON.stringify({ query, variables }));
  body.append('map', JSON.stringify({ 0: ['variables.file'] }));
  body.append('0', file, file.name);
  const res = await fetch(GRAPHQL_PATH, {
    method: 'POST',
    body,
    headers: { 'apollo-require-preflight': 'true', ...authHeaders() },
  });
  const r = (await res.json()) as {
    data?: Record<string, Record<string, unknown>>;
    errors?: { message: string }[];
  };
  return check(r)[m.name];
}

function runIdOf(payload: Record<string, unknown>): string | null {
  const v = findValue(payload, /^(id|runId)$/);
  return v == null ? null : String(v);
}

/** Follows one run: the ingestProgress subscription when the server has it, polling ingestRun(id) as well. */
function useRun(f: Features, id: string | null) {
  const [run, setRun] = useState<Record<string, unknown> | null>(null);
  useEffect(() => {
    if (!id) return;
    const field = rootField(f, 'Query.ingestRun');
    let stopped = false;
    const sel = field ? deepSelection(f, field.type) : 'id status';
    const poll = async () => {
      while (!stopped) {
        const r = await gql<{ ingestRun: Record<string, unknown> | null }>(
          `query ($id: ID!) { ingestRun(id: $id) { ${sel} } }`,
          { id },
        );
        const v = r.data?.ingestRun;
        if (v) setRun((old) => ({ ...old, ...v }));
        if (v && isFinished(v.status)) return;
        await new Promise((res) => setTimeout(res, 1000));
      }
    };
    void poll();
    let stop = () => undefined as void;
    const sub = rootField(f, 'Subscription.ingestProgress');
    if (sub) {
      const arg = sub.args[0]?.name ?? 'runId';
      stop = wsClient.subscribe<{ ingestProgress: Record<string, unknown> }>(
        {
          query: `subscription ($id: ID!) { ingestProgress(${arg}: $id) { ${scalarSelection(f, sub.type)} } }`,
          variables: { id },
        },
        {
          next: (m) => m.data && setRun((old) => ({ ...old, ...m.data!.ingestProgress, id: old?.id ?? id })),
          error: () => undefined,
          complete: () => undefined,
        },
      );
    }
    return () => {
      stopped = true;
      stop();
    };
  }, [f, id]);
  return run;
}

function Progress(props: { value: number | null; status: unknown }) {
  const v =
    props.value == null ? (isFinished(props.status) ? 100 : 0) : Math.min(100, Math.max(0, props.value));
  return (
    <div
      className={`progress ${isFailed(props.status) ? 'failed' : ''}`}
      data-testid="ingest-progress"
      data-value={Math.round(v)}
      role="progressbar"
      aria-valuenow={Math.round(v)}
    >
      <div className="progress-bar" style={{ width: `${v}%` }} />
      <span>{Math.round(v)}%</span>
    </div>
  );
}

function IngestBody() {
  const f = useFeatures();
  const m = uploadMutation(f);
  const [file, setFile] = useState<File | null>(null);
  const [profile, setProfile] = useState('');
  const [preview, setPreview] = useState<Record<string, unknown> | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = useRun(f, runId);
  const runsField = rootField(f, 'Query.ingestRuns');
  const runs = useAsync(`runs|${runId}|${isFinished(run?.status)}`, async () => {
    if (!runsField) return [];
    const t = f.types.get(runsField.type);
    const node = t?.get('edges') ? f.types.get(t.get('edges')!.type)?.get('node')?.type : null;
    const sel = node ? `edges { node { ${scalarSelection(f, node)} } }` : scalarSelection(f, runsField.type);
    const firstArg = runsField.args.some((a) => a.name === 'first') ? '(first: 20)' : '';
    const d = check(await gql<{ ingestRuns: unknown }>(`{ ingestRuns${firstArg} { ${sel} } }`));
    const v = d.ingestRuns as { edges?: { node: Record<string, unknown> }[] } | Record<string, unknown>[];
    return Array.isArray(v) ? v : (v.edges ?? []).map((e) => e.node);
  });

  const go = async (dryRun: boolean) => {
    if (!file || !m) return;
    setBusy(true);
    setError(null);
    try {
      const r = await upload(f, m, file, dryRun, profile);
      if (dryRun) setPreview(r);
      else {
        setPreview(null);
        setRunId(runIdOf(r));
      }
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const rejects = run ? findValue(run, /reject.*(url|href|download)|download.*reject/i) : undefined;
  const columns = runs.data?.[0]
    ? Object.keys(runs.data[0])
        .filter((k) => k !== '__typename')
        .slice(0, 8)
    : [];
  return (
    <div className="page ingest-page">
      <div className="panel">
        <h2>导入部门表格</h2>
        {!m && <p className="muted">服务端暂未提供文件上传接口（Upload）。</p>}
        {m && (
          <div className="toolbar">
            <input
              type="file"
              accept=".csv,.xlsx"
              data-testid="ingest-file"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
            {m.args.some((a) => /profile/i.test(a.name)) && (
              <input
                placeholder="部门模板（可选）"
                value={profile}
                onChange={(e) => setProfile(e.target.value)}
              />
            )}
            {m.args.some((a) => /dry/i.test(a.name)) && (
              <button disabled={!file || busy} onClick={() => void go(true)} data-testid="ingest-dry-run">
                预览映射（试运行）
              </button>
            )}
            <button disabled={!file || busy} onClick={() => void go(false)} data-testid="ingest-start">
              开始导入
            </button>
          </div>
        )}
        {error && <div className="error">{error}</div>}
      </div>
      {preview && (
        <div className="panel">
          <h2>识别结果（未写入）</h2>
          <ObjectView value={preview} testId="ingest-preview" />
        </div>
      )}
      {runId && (
        <div className="panel">
          <h2>导入进度</h2>
          <Progress value={run ? progressOf(run) : 0} status={run?.status} />
          {run && <ObjectView value={run} testId="ingest-summary" />}
          {typeof rejects === 'string' && (
            <a href={rejects} download className="button">
              下载拒收与跳过清单
            </a>
          )}
        </div>
      )}
      {runsField && (
        <div className="panel">
          <h2>导入记录</h2>
          <table className="table">
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c}>{caption(c)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {(runs.data ?? []).map((r, i) => (
                <tr
                  key={String(r.id ?? i)}
                  onClick={() => r.id != null && setRunId(String(r.id))}
                  className="clickable"
                >
                  {columns.map((c) => (
                    <td key={c}>{typeof r[c] === 'object' ? JSON.stringify(r[c]) : String(r[c] ?? '—')}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {!has(f, 'Subscription.ingestProgress') && runId && <p className="muted">进度每秒刷新一次。</p>}
    </div>
  );
}

/** Ingest: upload a department spreadsheet, preview the mapping, run it and follow its progress. */
export function IngestPage() {
  return (
    <FeatureGate title="表格导入" needs={['Query.ingestRun']}>
      <IngestBody />
    </FeatureGate>
  );
}
