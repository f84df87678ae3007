import { ExecutionArgs, ExecutionResult, print, subscribe } from 'graphql';
import type { Context } from './context';

type Results = AsyncIterableIterator<ExecutionResult>;

/** What a hub hands its listeners: the result, and its `payload` JSON, made once for all of them. */
interface Shared {
  result: ExecutionResult;
  json(): string;
}

/** One executed subscription whose results go to every subscriber that asked the same thing. */
interface Hub {
  /** Called with each result, and with null when the source ends. */
  listeners: Set<(r: Shared | null) => void>;
  source: Results;
}

/**
 * The key under which a shared subscriber's iterator accepts a direct sink: given one, every later
 * result (and any still queued) goes to the sink as the serialised `payload` of a `next` message,
 * the same JSON for every subscriber of the hub, instead of through the iterator. The iterator
 * itself then only tells when the subscription ends.
 */
export const DIRECT_SINK = Symbol('yibiao.directSink');

export interface DirectResults extends Results {
  [DIRECT_SINK](sink: (payloadJson: string) => void): void;
}

export function acceptsDirectSink(r: unknown): r is DirectResults {
  return typeof r === 'object' && r !== null && DIRECT_SINK in r;
}

/** The `payload` of a graphql-ws `next` message for a result, as graphql-ws itself writes it. */
export function payloadJson(result: ExecutionResult): string {
  const { errors, ...rest } = result;
  return JSON.stringify(errors ? { ...rest, errors: errors.map((e) => e.toJSON()) } : rest);
}

function shared(result: ExecutionResult): Shared {
  let json: string | undefined;
  return { result, json: () => (json ??= payloadJson(result)) };
}

/**
 * Who a subscriber is, for sharing: the viewer's id (account or key), its permissions and its
 * read scope. What an execution returns depends on all three (scope filters events, permissions
 * decide unmasking), so only subscribers equal in all three may share one; a name is not an
 * identity (an API key may carry an account's name) and one account's tokens may carry different
 * scopes after its areas changed. Null when there is no viewer: such a subscription is not shared.
 */
function viewerKey(context: Context | undefined): string | null {
  const v = context?.viewer;
  if (!v || v.kind === 'ANONYMOUS') return null;
  const s = v.readScope;
  return JSON.stringify([
    v.kind,
    v.id,
    [...v.permissions].sort(),
    s.areaCodes === null ? null : [...s.areaCodes].sort(),
    s.departments === null ? null : [...s.departments].sort(),
  ]);
}

/**
 * graphql-ws's `subscribe`, sharing work between identical subscriptions: subscribers of one
 * process that send the same document and variables, as the same viewer with the same scope,
 * share ONE execution of every event instead of one each (2,000 dashboards of one account
 * watching a street cost one execution per event, not 2,000). Never across viewers: each
 * execution is filtered by its viewer's scope. A subscription that resumes (`after` given)
 * replays on its own.
 */
export function createSharedSubscribe(): (args: ExecutionArgs) => Promise<Results | ExecutionResult> {
  const hubs = new Map<string, Hub>();
  return async (args) => {
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    const text = print(args.document);
    const viewer = viewerKey(args.contextValue as Context | undefined);
    // resuming subscribers get their own replay; literal arguments are part of the text already
    const shareable = viewer !== null && (variables.after === undefined || variables.after === null);
    if (!shareable || /\bafter:\s*\d/.test(text)) return subscribe(args);
    const key = `${viewer}\u0000${args.operationName ?? ''}\u0000${text}\u0000${JSON.stringify(variables)}`;
    let hub = hubs.get(key);
    if (!hub) {
      const result = await subscribe(args);
      if (!(Symbol.asyncIterator in result)) return result; // an error: nothing to share
      const created: Hub = { listeners: new Set(), source: result };
      hub = hubs.get(key) ?? created; // another subscriber may have created it meanwhile
      if (hub === created) {
        hubs.set(key, created);
        void (async () => {
          try {
            for await (const r of created.source) {
              const one = shared(r);
              for (const l of created.listeners) l(one);
            }
          } finally {
            if (hubs.get(key) === created) hubs.delete(key);
            for (const l of created.listeners) l(null);
          }
        })();
      } else await result.return?.();
    }
    return attach(hub, () => {
      if (hub.listeners.size === 0 && hubs.get(key) === hub) {
        hubs.delete(key);
        void hub.source.return?.();
      }
    });
  };
}

/** One subscriber's iterator over a hub's results; see DIRECT_SINK for the cheaper way out. */
function attach(hub: Hub, onLeave: () => void): DirectResults {
  const queue: Shared[] = [];
  let wake: ((r: IteratorResult<ExecutionResult>) => void) | undefined;
  let sink: ((payloadJson: string) => void) | undefined;
  let done = false;
  const listener = (r: Shared | null) => {
    if (r === null) {
      leave();
      return;
    }
    if (sink) sink(r.json());
    else if (wake) {
      const w = wake;
      wake = undefined;
      w({ value: r.result, done: false });
    } else queue.push(r);
  };
  hub.listeners.add(listener);
  function leave() {
    if (done) return;
    done = true;
    hub.listeners.delete(listener);
    wake?.({ value: undefined, done: true });
    wake = undefined;
    onLeave();
  }
  const it: DirectResults = {
    next() {
      if (queue.length > 0) return Promise.resolve({ value: queue.shift()!.result, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (wake = resolve));
    },
    return() {
      leave();
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(err: unknown) {
      leave();
      return Promise.reject(err);
    },
    [Symbol.asyncIterator]() {
      return it;
    },
    [DIRECT_SINK](direct) {
      sink = direct;
      while (queue.length > 0 && !done) direct(queue.shift()!.json());
    },
  };
  return it;
}
