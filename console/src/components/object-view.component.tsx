import { formatTime } from '../labels';

/** Chinese captions for field names the ingest and reports modules are expected to use. */
const CAPTION: Record<string, string> = {
  id: '编号',
  status: '状态',
  fileName: '文件名',
  profile: '部门模板',
  rows: '总行数',
  rowsTotal: '总行数',
  total: '总行数',
  landed: '已入库',
  skipped: '已跳过',
  rejected: '已拒收',
  merged: '并入已有人员',
  newPersons: '新增人员',
  conflicts: '冲突',
  progress: '进度',
  createdAt: '创建时间',
  startedAt: '开始时间',
  finishedAt: '完成时间',
  error: '错误',
  period: '报告期',
  areaCode: '区域代码',
  title: '标题',
  name: '名称',
  unit: '单位',
  periodType: '周期',
  downloadUrl: '下载地址',
  rejectsUrl: '拒收清单',
  mapping: '字段映射',
  figures: '统计数据',
  form: '报表',
};

/** Run and report states as staff read them. */
const STATUS: Record<string, string> = {
  QUEUED: '排队中',
  PENDING: '排队中',
  WAITING: '排队中',
  RUNNING: '进行中',
  ACTIVE: '进行中',
  DRY_RUN: '试运行',
  COMPLETED: '已完成',
  DONE: '已完成',
  SUCCEEDED: '已完成',
  READY: '已生成',
  FAILED: '失败',
  CANCELLED: '已取消',
};

/** The caption of a field: the Chinese one when known, else the API's name. */
export function caption(name: string): string {
  return CAPTION[name] ?? name;
}

function render(k: string, v: unknown) {
  if (v == null) return '—';
  if (k === 'status' && typeof v === 'string') return STATUS[v] ? `${STATUS[v]}（${v}）` : v;
  if (typeof v === 'string' && /At$/.test(k)) return formatTime(v);
  if (typeof v === 'string' && /^(\/|https?:)/.test(v) && /url|href|download/i.test(k))
    return (
      <a href={v} download>
        下载
      </a>
    );
  if (typeof v === 'object') return <pre>{JSON.stringify(v, null, 2)}</pre>;
  return String(v);
}

/**
 * A two-column table of an object's fields, for records whose exact shape belongs to a module
 * still being built (an ingest run, a generated report).
 */
export function ObjectView(props: { value: Record<string, unknown>; testId?: string }) {
  const entries = Object.entries(props.value).filter(([k]) => k !== '__typename');
  return (
    <table className="table kv" data-testid={props.testId}>
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th>{caption(k)}</th>
            <td>{render(k, v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The completion of a run in percent: a `percent` field, or a `progress` field (a fraction when it
 * is below 1 and not whole), or processed / total row counts.
 */
export function progressOf(o: Record<string, unknown>): number | null {
  for (const [k, v] of Object.entries(o)) {
    if (typeof v !== 'number') continue;
    if (/percent/i.test(k)) return v;
    if (/progress/i.test(k)) return v < 1 && !Number.isInteger(v) ? v * 100 : v;
  }
  const num = (re: RegExp) =>
    Object.entries(o).find(([k, v]) => re.test(k) && typeof v === 'number')?.[1] as number | undefined;
  const total = num(/^(rows|rowsTotal|total|totalRows)$/i);
  const done = num(/processed|done|rowsRead/i);
  if (total && done != null) return (100 * done) / total;
  return null;
}

/** Whether a status string means the work is over (succeeded, failed or cancelled). */
export function isFinished(status: unknown): boolean {
  return typeof status === 'string' && /DONE|COMPLETE|SUCCE|FAIL|FINISH|CANCEL|ERROR|READY/i.test(status);
}

/** Whether a finished status means it went wrong. */
export function isFailed(status: unknown): boolean {
  return typeof status === 'string' && /FAIL|CANCEL|ERROR/i.test(status);
}

/** The first value of an object (or the object one level down) whose key matches. */
export function findValue(o: Record<string, unknown> | null | undefined, pattern: RegExp): unknown {
  if (!o) return undefined;
  for (const [k, v] of Object.entries(o))
    if (pattern.test(k) && (typeof v !== 'object' || v === null)) return v;
  for (const v of Object.values(o))
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const inner = findValue(v as Record<string, unknown>, pattern);
      if (inner !== undefined) return inner;
    }
  return undefined;
}
