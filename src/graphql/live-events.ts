import { createRedis, RedisClient, RedisConnect } from '../config/redis';
import type { LiveTopic, Sequenced, Topics } from './pubsub';

/** Events per script call: a big batch is published in slices so Redis never stalls long on one. */
const PUBLISH_SLICE = 500;

/**
 * Publish: one atomic step gives the event the topic's next sequence number, appends it to the
 * topic's replay log (a Redis stream whose entry id IS the sequence number; entries before the
 * last `ARGV[2]` sequence numbers and one slice more are trimmed, since an entry of
 * `PUBLISH_MANY_LUA` holds up to a slice) and publishes it. Being one script, the live order and
 * the log order are the sequence order.
 */
const PUBLISH_LUA = `
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], 'MINID', '~', math.max(seq - tonumber(ARGV[2]) - ${PUBLISH_SLICE}, 0), seq .. '-0', 'e', ARGV[1])
redis.call('PUBLISH', KEYS[3], seq .. '|' .. ARGV[1])
return seq`;

/**
 * The same for a slice of events of one topic (ARGV[1] the log bound, ARGV[2] their count,
 * ARGV[3] their payloads as one JSON array, in order): they take consecutive sequence numbers
 * first..last, and go to the log as ONE entry (id = first, with the count) and to subscribers as
 * ONE message ("first+count|[…]"), which each process splits back into events. An ingest batch of
 * 5,000 rows gives ~8,500 grid events: three Redis commands per event were 0.6 s of Redis CPU per
 * 100,000 rows (bench/RESULTS.md).
 */
const PUBLISH_MANY_LUA = `
local n = tonumber(ARGV[2])
local last = redis.call('INCRBY', KEYS[1], n)
local first = last - n + 1
redis.call('XADD', KEYS[2], 'MINID', '~', math.max(last - tonumber(ARGV[1]) - ${PUBLISH_SLICE}, 0), first .. '-0', 'n', ARGV[2], 'a', ARGV[3])
redis.call('PUBLISH', KEYS[3], first .. '+' .. ARGV[2] .. '|' .. ARGV[3])
return last`;

/**
 * A log entry or a message as events: "seq" with one payload, or "first+count" with a JSON array
 * of `count` payloads numbered from `first`.
 */
function unpack(head: string, body: string): Sequenced<unknown>[] {
  const plus = head.indexOf('+');
  if (plus < 0) return [{ seq: Number(head), payload: JSON.parse(body) }];
  const first = Number(head.slice(0, plus));
  return (JSON.parse(body) as unknown[]).map((payload, i) => ({ seq: first + i, payload }));
}

type Listener = (e: Sequenced<unknown>) => void;

/**
 * Live events for subscriptions across every server process: each event of a topic carries a
 * sequence number, and a subscriber that passes the last number it saw first receives what it
 * missed from the replay log, then live events, with nothing twice. Each process holds ONE Redis
 * subscription per topic and fans events out to its local subscribers in memory, so 2,000
 * subscribers cost Redis one delivery per process, not 2,000.
 */
export class LiveEvents {
  private readonly pub: RedisClient;
  private readonly sub: RedisClient;
  private readonly local = new Map<string, Set<Listener>>();
  private readonly subscribing = new Map<string, Promise<unknown>>();

  constructor(
    redis: RedisConnect,
    private readonly prefix: string,
    /** How many events per topic the replay log keeps at least (it trims in whole nodes, and keeps up to a slice more). */
    readonly replayLimit = 10_000,
  ) {
    this.pub = createRedis(redis, { maxRetriesPerRequest: null, lazyConnect: true });
    this.sub = createRedis(redis, { maxRetriesPerRequest: null, lazyConnect: true });
    this.pub.defineCommand('livePublish', { numberOfKeys: 3, lua: PUBLISH_LUA });
    this.pub.defineCommand('livePublishMany', { numberOfKeys: 3, lua: PUBLISH_MANY_LUA });
    this.sub.on('message', (channel: string, message: string) => {
      const listeners = this.local.get(channel);
      if (!listeners || listeners.size === 0) return;
      const bar = message.indexOf('|');
      for (const event of unpack(message.slice(0, bar), message.slice(bar + 1)))
        for (const l of listeners) l(event);
    });
  }

  private keys(topic: LiveTopic) {
    return {
      seq: `${this.prefix}:live:${topic}:seq`,
      log: `${this.prefix}:live:${topic}:log`,
      channel: `${this.prefix}:live:${topic}`,
    };
  }

  /** Publishes an event (after the transaction that caused it committed); resolves to its sequence number. */
  async publish<K extends LiveTopic>(topic: K, payload: Topics[K]): Promise<number> {
    const k = this.keys(topic);
    const run = (this.pub as unknown as { livePublish(...a: unknown[]): Promise<number> }).livePublish;
    return Number(
      await run.call(this.pub, k.seq, k.log, k.channel, JSON.stringify(payload), this.replayLimit),
    );
  }

  /**
   * Publishes many events of one topic in order (one script call per slice of 500, not one per
   * event: a batch of ledger writes gives thousands). Resolves to the last sequence number.
   */
  async publishMany<K extends LiveTopic>(topic: K, payloads: readonly Topics[K][]): Promise<number | null> {
    const k = this.keys(topic);
    const run = (this.pub as unknown as { livePublishMany(...a: unknown[]): Promise<number> })
      .livePublishMany;
    let last: number | null = null;
    for (let i = 0; i < payloads.length; i += PUBLISH_SLICE) {
      const slice = payloads.slice(i, i + PUBLISH_SLICE);
      last = Number(
        await run.call(
          this.pub,
          k.seq,
          k.log,
          k.channel,
          this.replayLimit,
          slice.length,
          JSON.stringify(slice),
        ),
      );
    }
    return last;
  }

  /** The events after `after` still in the replay log, oldest first. */
  async replay<K extends LiveTopic>(topic: K, after: number): Promise<Sequenced<Topics[K]>[]> {
    // a slice's entry is keyed by its first number: one that began up to a slice before `after`
    // may still hold events after it
    const from = Math.max(after - PUBLISH_SLICE + 1, 0);
    const entries = await this.pub.xrange(this.keys(topic).log, `${from}-0`, '+');
    const out: Sequenced<Topics[K]>[] = [];
    for (const [id, fields] of entries) {
      const f = new Map<string, string>();
      for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i], fields[i + 1]);
      const seq = id.split('-')[0];
      const events = f.has('n') ? unpack(`${seq}+${f.get('n')}`, f.get('a')!) : unpack(seq, f.get('e')!);
      for (const e of events) if (e.seq > after) out.push(e as Sequenced<Topics[K]>);
    }
    return out;
  }

  private async listen(topic: LiveTopic, listener: Listener): Promise<void> {
    const { channel } = this.keys(topic);
    let set = this.local.get(channel);
    if (!set) {
      set = new Set();
      this.local.set(channel, set);
    }
    set.add(listener);
    // the first local subscriber of a topic opens the process's one Redis subscription to it
    let ready = this.subscribing.get(channel);
    if (!ready) {
      ready = this.sub.subscribe(channel);
      this.subscribing.set(channel, ready);
    }
    await ready;
  }

  private unlisten(topic: LiveTopic, listener: Listener): void {
    this.local.get(this.keys(topic).channel)?.delete(listener);
  }

  /** Local subscribers of a topic in this process (diagnostics and tests). */
  localSubscribers(topic: LiveTopic): number {
    return this.local.get(this.keys(topic).channel)?.size ?? 0;
  }

  /** The Redis channel of a topic (tests check there is one subscription per process). */
  channelOf(topic: LiveTopic): string {
    return this.keys(topic).channel;
  }

  /**
   * The events of a topic that pass `filter`, as an async iterator for graphql-ws. With `after`,
   * the missed events still in the replay log come first; live events arriving meanwhile are
   * buffered and deduplicated by sequence number, so the stream is gap-free and in order.
   */
  subscribe<K extends LiveTopic>(
    topic: K,
    opts: { after?: number | null; filter?: (payload: Topics[K]) => boolean } = {},
  ): AsyncIterableIterator<Sequenced<Topics[K]>> {
    const filter = opts.filter ?? (() => true);
    const queue: Sequenced<Topics[K]>[] = [];
    let wake: ((r: IteratorResult<Sequenced<Topics[K]>>) => void) | undefined;
    let done = false;
    let last = opts.after ?? 0;
    let replaying = opts.after !== undefined && opts.after !== null;
    const held: Sequenced<Topics[K]>[] = [];
    const deliver = (e: Sequenced<Topics[K]>) => {
      if (e.seq <= last) return;
      last = e.seq;
      if (!filter(e.payload)) return;
      if (wake) {
        const w = wake;
        wake = undefined;
        w({ value: e, done: false });
      } else queue.push(e);
    };
    const listener: Listener = (e) => {
      if (done) return;
      if (replaying) held.push(e as Sequenced<Topics[K]>);
      else deliver(e as Sequenced<Topics[K]>);
    };
    const started = this.listen(topic, listener).then(async () => {
      if (!replaying) return;
      for (const e of await this.replay(topic, last)) deliver(e);
      replaying = false;
      for (const e of held.splice(0)) deliver(e);
    });
    const stop = () => {
      done = true;
      this.unlisten(topic, listener);
      wake?.({ value: undefined, done: true });
      wake = undefined;
    };
    const iterator: AsyncIterableIterator<Sequenced<Topics[K]>> = {
      async next() {
        await started;
        if (queue.length > 0) return { value: queue.shift()!, done: false };
        if (done) return { value: undefined, done: true };
        return new Promise((resolve) => (wake = resolve));
      },
      async return() {
        stop();
        return { value: undefined, done: true };
      },
      async throw(err: unknown) {
        stop();
        throw err;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /** Closes both Redis connections. */
  async close(): Promise<void> {
    // a connection never used (lazy) has nothing to say goodbye to
    const end = (r: RedisClient) => (r.status === 'wait' ? (r.disconnect(), Promise.resolve()) : r.quit());
    await Promise.allSettled([end(this.pub), end(this.sub)]);
  }
}
