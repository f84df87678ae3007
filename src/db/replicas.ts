import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';

/**
 * Read replicas for the `pg` pool. Reads go to a replica only where the caller opted in: the
 * server marks a GraphQL query (not a mutation) by a viewer who has not written in the last
 * DB_REPLICA_STICKY_SECONDS. Everything else — mutations, transactions (`pool.connect()`),
 * workers, the CLI, ingest — stays on the primary, so it reads its own writes.
 */
const replicaReads = new AsyncLocalStorage<boolean>();

/** Runs `fn` with its plain reads allowed on a replica. */
export function onReplica<T>(fn: () => T): T {
  return replicaReads.run(true, fn);
}

/** Whether the current unit of work may read from a replica. */
export function mayReadReplica(): boolean {
  return replicaReads.getStore() === true;
}

const READ = /^\s*(\/\*[\s\S]*?\*\/\s*|--[^\n]*\n\s*)*(SELECT|WITH)\b/i;
// statements that look like reads but write, lock, or take a sequence value
const NOT_A_PLAIN_READ =
  /\b(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|FOR\s+(NO\s+KEY\s+)?UPDATE|FOR\s+(KEY\s+)?SHARE|nextval|setval|pg_advisory\w*|pg_notify|audit_purge)\b/i;

/** A statement a replica can answer: SELECT or WITH without any write, lock or sequence call. */
export function isPlainRead(statement: unknown): boolean {
  const text =
    typeof statement === 'string'
      ? statement
      : statement &&
          typeof statement === 'object' &&
          typeof (statement as { text?: unknown }).text === 'string'
        ? (statement as { text: string }).text
        : null;
  return text !== null && READ.test(text) && !NOT_A_PLAIN_READ.test(text);
}

/**
 * Makes `primary.query` send plain reads to the replicas (round robin) inside `onReplica`;
 * `primary.end()` closes the replicas too. Returns the same pool object, so every service keeps
 * its one `pg.Pool`.
 */
export function routeReads(primary: pg.Pool, replicas: pg.Pool[]): pg.Pool {
  if (replicas.length === 0) return primary;
  const primaryQuery = primary.query.bind(primary) as (...a: unknown[]) => unknown;
  const primaryEnd = primary.end.bind(primary);
  let next = 0;
  Object.assign(primary, {
    query: (...args: unknown[]) => {
      if (mayReadReplica() && isPlainRead(args[0])) {
        const replica = replicas[next++ % replicas.length];
        return (replica.query as (...a: unknown[]) => unknown)(...args);
      }
      return primaryQuery(...args);
    },
    end: async () => {
      await Promise.all(replicas.map((r) => r.end()));
      return primaryEnd();
    },
  });
  return primary;
}
