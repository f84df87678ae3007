import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { LiveEvents } from './live-events';
import type { CaseUpdatedEvent, Sequenced } from './pubsub';

/** Two LiveEvents stand for two server processes on one Redis (the two-process test is case-live.spec.ts). */
const url = process.env.REDIS_URL!;
const prefix = `live-${randomBytes(4).toString('hex')}`;
const a = new LiveEvents(url, prefix, 50);
const b = new LiveEvents(url, prefix, 50);
const admin = new Redis(url);
afterAll(async () => {
  await a.close();
  await b.close();
  admin.disconnect();
});

const event = (caseId: number, areaCode = '610902002001'): CaseUpdatedEvent => ({
  caseId,
  districtCode: '610902',
  areaCode,
  action: 'FILE',
  fromStatus: 'REPORTED',
  toStatus: 'FILED',
  recordedAt: new Date().toISOString(),
});

async function take<T>(it: AsyncIterator<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  while (out.length < n) out.push((await it.next()).value as T);
  return out;
}

describe('LiveEvents', () => {
  it('fans one Redis subscription per process and topic out to every local subscriber', async () => {
    const subs = Array.from({ length: 50 }, () => a.subscribe('CASE_UPDATED'));
    const firsts = subs.map((s) => s.next()); // starts each subscription
    // the one Redis SUBSCRIBE is asynchronous: wait until Redis has it (a loaded machine takes a while)
    const numsub = async () =>
      Number(((await admin.pubsub('NUMSUB', a.channelOf('CASE_UPDATED'))) as [string, number])[1]);
    for (let i = 0; i < 100 && (await numsub()) === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await numsub()).toBe(1);
    expect(a.localSubscribers('CASE_UPDATED')).toBe(50);
    const seq = await b.publish('CASE_UPDATED', event(1));
    const got = (await Promise.all(firsts)).map((r) => r.value as Sequenced<CaseUpdatedEvent>);
    expect(got.every((g) => g.seq === seq && g.payload.caseId === 1)).toBe(true);
    for (const s of subs) await s.return!();
    expect(a.localSubscribers('CASE_UPDATED')).toBe(0);
  });

  it("numbers events in order and filters by the subscriber's predicate", async () => {
    const it = a.subscribe('CASE_UPDATED', { filter: (e) => e.areaCode === '610902002002' });
    const next = take(it, 2);
    await new Promise((r) => setTimeout(r, 30));
    const s1 = await b.publish('CASE_UPDATED', event(10, '610902002001'));
    const s2 = await b.publish('CASE_UPDATED', event(11, '610902002002'));
    const s3 = await b.publish('CASE_UPDATED', event(12, '610902002002'));
    expect([s2 - s1, s3 - s2]).toEqual([1, 1]);
    expect((await next).map((e) => [e.seq, e.payload.caseId])).toEqual([
      [s2, 11],
      [s3, 12],
    ]);
    await it.return!();
  });

  it('publishes a batch of events in order with consecutive sequence numbers, live and in the replay log', async () => {
    const before = await b.publish('CASE_UPDATED', event(30));
    const it = a.subscribe('CASE_UPDATED', { after: before });
    const next = take(it, 1203);
    await new Promise((r) => setTimeout(r, 30));
    const batch = Array.from({ length: 1203 }, (_, i) => event(1000 + i));
    const last = await b.publishMany('CASE_UPDATED', batch);
    expect(last).toBe(before + 1203);
    const got = await next;
    expect(got.map((e) => e.seq)).toEqual(batch.map((_, i) => before + 1 + i));
    expect(got.map((e) => e.payload.caseId)).toEqual(batch.map((e) => e.caseId));
    const log = await a.replay('CASE_UPDATED', last! - 10);
    expect(log.map((e) => e.payload.caseId)).toEqual(batch.slice(-10).map((e) => e.caseId));
    expect(await b.publishMany('CASE_UPDATED', [])).toBeNull();
    await it.return!();
  });

  it('resumes after the last sequence number seen: missed events first, then live ones, none twice', async () => {
    const last = await b.publish('CASE_UPDATED', event(20));
    const missed = [await b.publish('CASE_UPDATED', event(21)), await b.publish('CASE_UPDATED', event(22))];
    const it = a.subscribe('CASE_UPDATED', { after: last });
    const first = take(it, 3);
    await new Promise((r) => setTimeout(r, 30));
    const live = await b.publish('CASE_UPDATED', event(23));
    expect((await first).map((e) => e.seq)).toEqual([...missed, live]);
    await it.return!();
  });

  it('keeps a bounded replay log: the last replayLimit events, and at most about a slice (500) more', async () => {
    for (let i = 0; i < 800; i++)
      await b.publish('GRID_UPDATED', {
        ...event(i),
        entityType: 'PERSON',
        id: i,
        op: 'CREATE',
        fields: [],
        previousAreaCode: null,
      } as never);
    const log = await a.replay('GRID_UPDATED', 0);
    expect(log.length).toBeLessThan(800);
    expect(log.length).toBeGreaterThanOrEqual(50);
    expect(log.at(-1)!.seq).toBe(800);
    // a slice published after them is kept whole, and whatever it pushes out was older
    const last = await b.publishMany(
      'GRID_UPDATED',
      Array.from({ length: 300 }, (_, i) => ({ ...event(1000 + i), entityType: 'PERSON', id: i }) as never),
    );
    const after = await a.replay('GRID_UPDATED', 0);
    expect(after.slice(-300).map((e) => e.seq)).toEqual(
      Array.from({ length: 300 }, (_, i) => last! - 299 + i),
    );
    expect(after.length).toBeLessThan(log.length + 300);
  });
});
