import { createPubSub } from '@graphql-yoga/subscription';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createRedis, RedisConnect } from '../config/redis';
import type { PubSub } from 'type-graphql';
import type { CommitResult } from '../ledger/ledger.types';
import type { IngestProgress } from '../ingest/run/ingest.service';

/** A ledger record changed (published after its transaction committed). */
export interface RecordChangedEvent {
  entityType: string;
  id: number;
  districtCode: string;
  areaCode: string | null;
  op: 'CREATE' | 'UPDATE';
  fields: string[];
  recordedAt: string;
}

/** A report finished generating (DONE or FAILED), published by the worker that generated it. */
export interface ReportFinishedEvent {
  id: number;
  status: 'DONE' | 'FAILED';
}

/** A workflow step of a case (caseUpdated), published after commit. */
export interface CaseUpdatedEvent {
  caseId: number;
  districtCode: string;
  areaCode: string | null;
  action: string;
  fromStatus: string | null;
  toStatus: string;
  recordedAt: string;
}

/**
 * A ledger change in an area (gridUpdated): a resident moved in or out, a fact changed, a house
 * or thing was added. `previousAreaCode` is set when the record moved, so the area it left hears too.
 */
export interface GridUpdatedEvent extends RecordChangedEvent {
  previousAreaCode: string | null;
}

/** Every subscription topic and its payload, in one place. */
export interface Topics {
  REPORT_FINISHED: ReportFinishedEvent;
  CASE_UPDATED: CaseUpdatedEvent;
  GRID_UPDATED: GridUpdatedEvent;
  INGEST_PROGRESS: IngestProgress;
}

/** Topics delivered with sequence numbers and a replay log (src/graphql/live-events.ts). */
export type LiveTopic = 'CASE_UPDATED' | 'GRID_UPDATED';

/** An event with its per-topic sequence number. */
export interface Sequenced<T> {
  seq: number;
  payload: T;
}

/** Topic names for resolvers' `topics` option. */
export const TOPIC = {
  REPORT_FINISHED: 'REPORT_FINISHED',
  CASE_UPDATED: 'CASE_UPDATED',
  GRID_UPDATED: 'GRID_UPDATED',
  INGEST_PROGRESS: 'INGEST_PROGRESS',
} as const satisfies Record<keyof Topics, keyof Topics>;

/** Publishing and subscribing across every server process, through Redis. */
export interface AppPubSub {
  /** The adapter type-graphql subscribes through. */
  pubSub: PubSub;
  publish<K extends keyof Topics>(topic: K, payload: Topics[K]): void;
  close(): Promise<void>;
}

/**
 * Pub/sub over Redis so that a change committed by one replica (or a worker) reaches subscribers
 * connected to any other. Channel names carry the configured prefix.
 */
export function createAppPubSub(redis: RedisConnect, prefix: string): AppPubSub {
  // auto-pipelining: the events of a committed batch (thousands for an ingest batch) go out in
  // one write instead of one socket write per event
  const publishClient = createRedis(redis, {
    maxRetriesPerRequest: null,
    lazyConnect: false,
    enableAutoPipelining: true,
  });
  const subscribeClient = createRedis(redis, { maxRetriesPerRequest: null, lazyConnect: false });
  const inner = createPubSub({ eventTarget: createRedisEventTarget({ publishClient, subscribeClient }) });
  const channel = (topic: string) => `${prefix}:${topic}`;
  return {
    pubSub: {
      publish: (topic: string, payload: unknown) => inner.publish(channel(topic), payload as never),
      subscribe: (topic: string) => inner.subscribe(channel(topic)),
    },
    publish(topic, payload) {
      inner.publish(channel(topic), payload as never);
    },
    async close() {
      // auto-pipelined publishes leave on the next tick: let them go before QUIT, or they fail
      // with "Connection is closed" (an unhandled rejection) and their events are lost
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}

/** The writes of a committed ledger batch that created or changed something, in order. */
export function changedResults(result: CommitResult): CommitResult['results'] {
  return result.results.filter((r) => r.created || r.changedFields.length > 0);
}

const eventsOf = new WeakMap<CommitResult, readonly GridUpdatedEvent[]>();

/**
 * The change events of a committed ledger batch (one per `changedResults` entry, same order), as
 * the live GRID_UPDATED topic carries them (`recordChanged` reads the same topic), made once per
 * batch for every listener of the commit; not to be mutated.
 */
export function recordChangedEvents(result: CommitResult): readonly GridUpdatedEvent[] {
  let events = eventsOf.get(result);
  if (!events) {
    events = makeEvents(result);
    eventsOf.set(result, events);
  }
  return events;
}

function makeEvents(result: CommitResult): GridUpdatedEvent[] {
  const recordedAt = result.recordedAt.toISOString(); // once: a batch is thousands of events
  return changedResults(result).map((r) => ({
    entityType: r.type,
    id: r.id,
    districtCode: r.districtCode,
    areaCode: r.areaCode,
    op: r.created ? 'CREATE' : 'UPDATE',
    fields: r.changedFields,
    recordedAt,
    previousAreaCode: r.previousAreaCode ?? null,
  }));
}
