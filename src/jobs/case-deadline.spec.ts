import { UNRESTRICTED } from '../auth/scope';
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { openTestApi, TestApi } from '../../test/harness';
import { buildTerritory, T } from '../../test/factories';
import { acceleratedPolicy } from '../cases/case-clock';
import { BullDeadlineScheduler } from './case-deadline.scheduler';
import { deadlineJobId } from './job-map';
import { idOf } from '../graphql/global-id';

/**
 * The deadline jobs for real: BullMQ delayed jobs in Redis, run by `yibiao worker` child
 * processes. A working day lasts a few seconds here (acceleratedPolicy) instead of a day.
 */
const ROOT = path.resolve(__dirname, '../..');
const PREFIX = `t-${randomBytes(4).toString('hex')}`;
const DAY_MS = 6000;

let api: TestApi;
let scheduler: BullDeadlineScheduler;
const children: ChildProcess[] = [];

beforeAll(async () => {
  api = await openTestApi();
  await buildTerritory(api.services);
  scheduler = new BullDeadlineScheduler(process.env.REDIS_URL!, PREFIX);
  api.services.cases.scheduler = scheduler;
  api.services.cases.clock.policy = acceleratedPolicy(DAY_MS);
  api.services.cases.clock.warnBeforeMs = 4000;
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await scheduler.bullQueue.obliterate({ force: true });
  await scheduler.close();
  await api.close();
});

/** Starts `yibiao worker` in a child process on this test's database and queue prefix. */
async function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', './test/swc-register.js', 'src/cli/main.ts', 'worker'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: api.url, QUEUE_PREFIX: PREFIX },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    let text = '';
    child.stderr!.on('data', (b: Buffer) => {
      text += b.toString();
      if (text.includes('worker ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${text}`)));
  });
  return child;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function fileCase(): Promise<number> {
  const r = await api.exec(`mutation($input: ReportCaseInput!) { reportCase(input: $input) { id } }`, {
    input: { categoryCode: 'L0201', description: '马蜂窝', location: T.inA1, channel: 'GRID_WORKER' },
  });
  const id = r.data!.reportCase.id as string;
  const f = await api.exec(`mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { dueAt } }`, {
    i: { caseId: id, action: 'FILE' },
  });
  expect(f.errors).toBeUndefined();
  return idOf(id, 'Case');
}

const actions = async (caseId: number) =>
  (await api.services.cases.transitionsOf([caseId]))[0].map((t) => `${t.action}:${t.actor}`);

describe('case deadline jobs', () => {
  it('schedules one warning and one escalation per case and due date, however often asked', async () => {
    const dueAt = new Date(Date.now() + 3_600_000);
    for (let i = 0; i < 3; i++) await api.services.cases.scheduleDeadline(T.district, 999_001, dueAt);
    const jobs = await scheduler.bullQueue.getDelayed();
    const mine = jobs.filter((j) => (j.data as { caseId: number }).caseId === 999_001);
    expect(mine.map((j) => j.id).sort()).toEqual(
      [
        deadlineJobId('case-deadline-overdue', 999_001, dueAt),
        deadlineJobId('case-deadline-warning', 999_001, dueAt),
      ].sort(),
    );
    for (const j of mine) await j.remove();
  });

  it('handlers are idempotent: a second run of the same warning or escalation changes nothing', async () => {
    const id = await fileCase();
    const [c] = await api.services.cases.byIds([id], UNRESTRICTED);
    api.services.cases.clock.setNow(() => new Date(c!.dueAt!.getTime() + 1));
    try {
      expect(await api.services.cases.warnDeadline(id, c!.dueAt!)).toBe(true);
      expect(await api.services.cases.warnDeadline(id, c!.dueAt!)).toBe(false);
      expect(await api.services.cases.escalateOverdue(id, c!.dueAt!)).toBe(true);
      expect(await api.services.cases.escalateOverdue(id, c!.dueAt!)).toBe(false);
    } finally {
      api.services.cases.clock.setNow(() => new Date());
    }
    const [after] = await api.services.cases.byIds([id], UNRESTRICTED);
    expect(after).toMatchObject({ status: 'ESCALATED', escalationLevel: 1, handlingAreaCode: T.street });
    expect((await actions(id)).filter((a) => a.startsWith('WARN') || a.startsWith('ESCALATE'))).toEqual([
      'WARN:system:deadline',
      'ESCALATE:system:deadline',
    ]);
  });

  it('a worker process warns before the deadline, and after a restart the escalation still fires', async () => {
    const first = await startWorker();
    const id = await fileCase(); // due in one (6 s) working day, warning 4 s before
    await until('the warning', async () =>
      (await actions(id)).includes('WARN:system:deadline') ? true : undefined,
    );
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const [mid] = await api.services.cases.byIds([id], UNRESTRICTED);
    expect(mid!.status).toBe('FILED'); // not yet due when the first worker died
    // nothing runs the queue now; the due date passes
    await until('the due date', async () => (Date.now() > mid!.dueAt!.getTime() + 200 ? true : undefined));
    const [stillFiled] = await api.services.cases.byIds([id], UNRESTRICTED);
    expect(stillFiled!.status).toBe('FILED');
    await startWorker();
    const escalated = await until('the escalation', async () => {
      const [c] = await api.services.cases.byIds([id], UNRESTRICTED);
      return c!.status === 'ESCALATED' ? c : undefined;
    });
    expect(escalated).toMatchObject({
      escalationLevel: 1,
      handlingLevel: 'STREET',
      handlingAreaCode: T.street,
    });
    expect((await actions(id)).filter((a) => a.endsWith('system:deadline'))).toEqual([
      'WARN:system:deadline',
      'ESCALATE:system:deadline',
    ]);
  }, 60000);
});
