import { useEffect, useState } from 'react';
import { useAreaIndex } from '../api/areas';
import { gql, wsClient } from '../api/client';
import { FORMS, GENERATE_REPORT, REPORT, REPORT_FINISHED } from '../api/queries';
import { check, useAsync } from '../api/use-async';
import { FeatureGate } from '../components/feature-gate.component';
import { formatTime } from '../labels';

/** A statistical form as `forms` lists it. */
interface Form {
  id: string;
  title: string;
  tableCode: string | null;
  periodType: 'MONTH' | 'QUARTER' | 'YEAR';
  rowLevel: string;
  unit: string;
}

/** A report as generateReport, report(id) and reportFinished return it. */
interface Report {
  id: string;
  formId: string;
  period: string;
  areaCode: string;
  status: 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED';
  asOf: string;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
  downloadUrl: string | null;
}

const REPORT_STATUS: Record<Report['status'], string> = {
  QUEUED: '排队中',
  RUNNING: '正在生成',
  DONE: '已生成',
  FAILED: '生成失败',
};
const PERIOD_TYPE: Record<Form['periodType'], string> = { MONTH: '月报', QUARTER: '季报', YEAR: '年报' };

/** The last finished period of a type, as the reports module writes periods: 2026-10, 2026Q3, 2025. */
export function lastPeriod(type: Form['periodType'], now = new Date()): string {
  const y = now.getFullYear();
  const m = now.getMonth(); // 0-based: the number of finished months this year
  if (type === 'YEAR') return String(y - 1);
  if (type === 'MONTH') return m === 0 ? `${y - 1}-12` : `${y}-${String(m).padStart(2, '0')}`;
  const q = Math.floor(m / 3);
  return q === 0 ? `${y - 1}Q4` : `${y}Q${q}`;
}

const finished = (r: Report | null) => r?.status === 'DONE' || r?.status === 'FAILED';

/**
 * Follows a report until it is DONE or FAILED: the reportFinished subscription tells at once, and a
 * slow poll of report(id) covers a report that finished before the subscription was registered.
 */
function useReport(initial: Report | null): Report | null {
  const [report, setReport] = useState<Report | null>(initial);
  useEffect(() => setReport(initial), [initial]);
  const id = initial?.id ?? null;
  useEffect(() => {
    if (!id || finished(initial)) return;
    let stopped = false;
    const stopSub = wsClient.subscribe<{ reportFinished: Report }>(
      { query: REPORT_FINISHED, variables: { id } },
      {
        next: (m) => {
          if (!stopped && m.data?.reportFinished) setReport(m.data.reportFinished);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    void (async () => {
      while (!stopped) {
        await new Promise((res) => setTimeout(res, 2000));
        if (stopped) return;
        const r = await gql<{ report: Report | null }>(REPORT, { id });
        const got = r.data?.report;
        if (got && !stopped) setReport(got);
        if (r.errors?.length || finished(got ?? null)) return;
      }
    })();
    return () => {
      stopped = true;
      stopSub();
    };
  }, [id, initial]);
  return report;
}

function ReportsBody() {
  const index = useAreaIndex();
  const forms = useAsync('forms', async () => check(await gql<{ forms: Form[] }>(FORMS)).forms);
  const [formId, setFormId] = useState('');
  const [period, setPeriod] = useState('');
  const [area, setArea] = useState('');
  const [requested, setRequested] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const report = useReport(requested);
  const areaCode = area || index?.home || '';
  const areas = index
    ? [...index.byCode.values()].filter((a) => ['DISTRICT', 'STREET', 'COMMUNITY'].includes(a.level))
    : [];
  const form = (forms.data ?? []).find((x) => x.id === formId);

  const choose = (id: string) => {
    setFormId(id);
    const f = (forms.data ?? []).find((x) => x.id === id);
    if (f) setPeriod(lastPeriod(f.periodType));
  };

  const generate = async () => {
    setError(null);
    setBusy(true);
    try {
      const d = check(
        await gql<{ generateReport: Report }>(GENERATE_REPORT, { form: formId, period, area: areaCode }),
      );
      setRequested(d.generateReport);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page reports-page">
      <div className="panel">
        <h2>统计报表</h2>
        {forms.error && <div className="error">{forms.error}</div>}
        <div className="toolbar">
          <select
            value={formId}
            onChange={(e) => choose(e.target.value)}
            data-testid="report-form"
            aria-label="报表"
          >
            <option value="">选择报表…</option>
            {(forms.data ?? []).map((x) => (
              <option key={x.id} value={x.id}>
                {x.title}
              </option>
            ))}
          </select>
          <input
            value={period}
            onChange={(e) => setPeriod(e.target.value)}
            aria-label="报告期"
            data-testid="report-period"
            placeholder={
              form?.periodType === 'MONTH'
                ? '如 2026-09'
                : form?.periodType === 'YEAR'
                  ? '如 2025'
                  : '如 2026Q3'
            }
          />
          <select value={areaCode} onChange={(e) => setArea(e.target.value)} aria-label="填报单位">
            {areas.map((a) => (
              <option key={a.code} value={a.code}>
                {a.name}
              </option>
            ))}
          </select>
          <button
            disabled={!formId || !period || !areaCode || busy}
            onClick={() => void generate()}
            data-testid="report-generate"
          >
            生成报表
          </button>
        </div>
        {error && <div className="error">{error}</div>}
      </div>
      {report && (
        <div className="panel" data-testid="report-result" data-status={report.status}>
          <h2>
            生成结果 <span className="badge status">{REPORT_STATUS[report.status]}</span>
          </h2>
          <p>
            {(forms.data ?? []).find((x) => x.id === report.formId)?.title ?? report.formId} · 报告期{' '}
            {report.period} · {index?.byCode.get(report.areaCode)?.name ?? report.areaCode} · 数据截至{' '}
            {formatTime(report.asOf)}
          </p>
          {report.status === 'FAILED' && <div className="error">{report.error ?? '生成失败'}</div>}
          {report.status === 'DONE' && report.downloadUrl && (
            // The URL carries the report's own download token, so a plain link works.
            <a className="button" href={report.downloadUrl} download data-testid="report-download">
              下载 XLSX
            </a>
          )}
          {!finished(report) && <p className="muted">正在生成，完成后即可下载…</p>}
        </div>
      )}
      <div className="panel">
        <h2>报表目录</h2>
        <ul className="forms" data-testid="forms">
          {(forms.data ?? []).map((x) => (
            <li key={x.id}>
              <button className="link" onClick={() => choose(x.id)}>
                {x.title}
              </button>
              <span className="muted">
                {' '}
                {x.tableCode ?? ''} {PERIOD_TYPE[x.periodType]} · 单位：{x.unit}
              </span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

/** Reports: list the statistical forms, generate one for a period and area, download the XLSX. */
export function ReportsPage() {
  return (
    <FeatureGate title="统计报表" needs={['Query.forms', 'Mutation.generateReport']}>
      <ReportsBody />
    </FeatureGate>
  );
}
