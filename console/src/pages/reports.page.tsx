import { useEffect, useState } from 'react';
import { useAreaIndex } from '../api/areas';
import { gql } from '../api/client';
import {
  bindArgs,
  deepSelection,
  rootField,
  scalarSelection,
  useFeatures,
  type Features,
} from '../api/features';
import { check, useAsync } from '../api/use-async';
import { FeatureGate } from '../components/feature-gate.component';
import { ObjectView, findValue, isFinished } from '../components/object-view.component';

/** The last finished quarter, as the reports module writes periods: 2026Q3. */
export function lastQuarter(now = new Date()): string {
  const q = Math.floor(now.getMonth() / 3);
  return q === 0 ? `${now.getFullYear() - 1}Q4` : `${now.getFullYear()}Q${q}`;
}

function formKey(form: Record<string, unknown>): string {
  return String(form.code ?? form.id ?? form.name ?? '');
}
function formTitle(form: Record<string, unknown>): string {
  return String(form.title ?? form.name ?? form.code ?? form.id ?? '');
}

/** Polls report(id) until it is ready or failed. */
function useReport(f: Features, id: string | null) {
  const [report, setReport] = useState<Record<string, unknown> | null>(null);
  useEffect(() => {
    if (!id) return;
    const field = rootField(f, 'Query.report');
    if (!field) return;
    let stopped = false;
    const argName = field.args[0]?.name ?? 'id';
    void (async () => {
      while (!stopped) {
        const r = await gql<{ report: Record<string, unknown> | null }>(
          `query ($id: ID!) { report(${argName}: $id) { ${deepSelection(f, field.type)} } }`,
          { id },
        );
        if (r.data?.report) setReport(r.data.report);
        if (r.errors?.length || isFinished(r.data?.report?.status)) return;
        await new Promise((res) => setTimeout(res, 1000));
      }
    })();
    return () => {
      stopped = true;
    };
  }, [f, id]);
  return report;
}

function ReportsBody() {
  const f = useFeatures();
  const index = useAreaIndex();
  const formsField = rootField(f, 'Query.forms');
  const forms = useAsync('forms', async () => {
    const sel = formsField ? scalarSelection(f, formsField.type, ['id', 'title']) : 'id title';
    return check(await gql<{ forms: Record<string, unknown>[] }>(`{ forms { ${sel} } }`)).forms;
  });
  const [form, setForm] = useState('');
  const [period, setPeriod] = useState(lastQuarter());
  const [area, setArea] = useState('');
  const [reportId, setReportId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const report = useReport(f, reportId);
  const areaCode = area || index?.home || '';
  const areas = index
    ? [...index.byCode.values()].filter((a) => ['DISTRICT', 'STREET', 'COMMUNITY'].includes(a.level))
    : [];

  const generate = async () => {
    const field = rootField(f, 'Mutation.generateReport');
    if (!field) return;
    setError(null);
    const b = bindArgs(f, field, [
      { value: form, pattern: /^form/i },
      { value: period, pattern: /period/i },
      { value: areaCode || undefined, pattern: /area/i },
    ]);
    try {
      const d = check(
        await gql<{ generateReport: Record<string, unknown> }>(
          `mutation ${b.defs} { generateReport${b.args} { ${deepSelection(f, field.type)} } }`,
          b.variables,
        ),
      );
      const id = findValue(d.generateReport, /^(id|reportId)$/);
      setReportId(id == null ? null : String(id));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const download = report ? findValue(report, /url|href|download/i) : undefined;
  return (
    <div className="page reports-page">
      <div className="panel">
        <h2>统计报表</h2>
        {forms.error && <div className="error">{forms.error}</div>}
        <div className="toolbar">
          <select
            value={form}
            onChange={(e) => setForm(e.target.value)}
            data-testid="report-form"
            aria-label="报表"
          >
            <option value="">选择报表…</option>
            {(forms.data ?? []).map((x) => (
              <option key={formKey(x)} value={formKey(x)}>
                {formTitle(x)}
              </option>
            ))}
          </select>
          <input
            value={period}
            onChange={(e) => setPeriod(e.target.value)}
            aria-label="报告期"
            placeholder="报告期，如 2026Q3"
          />
          <select value={areaCode} onChange={(e) => setArea(e.target.value)} aria-label="填报单位">
            {areas.map((a) => (
              <option key={a.code} value={a.code}>
                {a.name}
              </option>
            ))}
          </select>
          <button disabled={!form || !period} onClick={() => void generate()} data-testid="report-generate">
            生成报表
          </button>
        </div>
        {error && <div className="error">{error}</div>}
      </div>
      {reportId && (
        <div className="panel">
          <h2>生成结果 {report && !isFinished(report.status) && <span className="muted">正在生成…</span>}</h2>
          {typeof download === 'string' && (
            <a className="button" href={download} download data-testid="report-download">
              下载 XLSX
            </a>
          )}
          {report && <ObjectView value={report} testId="report-result" />}
        </div>
      )}
      <div className="panel">
        <h2>报表目录</h2>
        <ul className="forms">
          {(forms.data ?? []).map((x) => (
            <li key={formKey(x)}>
              <button className="link" onClick={() => setForm(formKey(x))}>
                {formTitle(x)}
              </button>
              <span className="muted"> {String(x.periodType ?? '')}</span>
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
