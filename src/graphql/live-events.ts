import { createRedis, RedisClient, RedisConnect } from '../config/redis';
import type { LiveTopic, Sequenced, Topics } from './pubsub';

/**
 * Publish: one atomic step gives the event the topic's next sequence number, appends it to the
 * topic's bounded replay log (a Redis stream whose entry id IS the sequence number) and publishes
 * it. Being one script, the live order and the log order are the sequence order.
 */
const PUBLISH_LUA = `
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], seq .. '-0', 'e', ARGV[1])
redis.call('PUBLISH', KEYS[3], seq .. '|' .. ARGV[1])
return seq`;

/** The same for many events of one topic in one call (ARGV[1] the log bound, then the events in order). */
const PUBLISH_MANY_LUA = `
local seq
for i = 2, #ARGV do
  seq = redis.call('INCR', KEYS[1])
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], seq .. '-0', 'e', ARGV[i])
  redis.call('PUBLISH', KEYS[3], seq .. '|' .. ARGV[i])
end
return seq`;

/** Events per script call: a big batch is published in slices so Redis never stalls long on one. */
const PUBLISH_SLICE = 500;

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
    /** How many events per topic the replay log keeps (approximately; Redis trims in whole nodes). */
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
      const event: Sequenced<unknown> = {
        seq: Number(message.slice(0, bar)),
        payload: JSON.parse(message.slice(bar + 1)),
      };
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
      const slice = payloads.slice(i, i + PUBLISH_SLICE).map((p) => JSON.stringify(p));
      last = Number(await run.call(this.pub, k.seq, k.log, k.channel, this.replayLimit, ...slice));
    }
    return last;
  }

  /** The events after `after` still in the replay log, oldest first. */
  async replay<K extends LiveTopic>(topic: K, after: number): Promise<Sequenced<Topics[K]>[]> {
    const entries = await this.pub.xrange(this.keys(topic).log, `(${after}-0`, '+');
    return entries.map(([id, fields]) => ({
      seq: Number(id.split('-')[0]),
      payload: JSON.parse(fields[fields.indexOf('e') + 1]) as Topics[K],
    }));
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
