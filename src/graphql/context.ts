import type DataLoader from 'dataloader';
import type { Services } from '../app/services';
import type { AuditEntry } from '../auth/audit.service';
import { ANONYMOUS_VIEWER, Viewer } from '../auth/viewer';
import { createLoaders, Loaders } from './loaders';

/** What every resolver gets: the services, this request's loaders and who is asking. */
export interface Context {
  services: Services;
  /** Per-request loaders, every one limited to the viewer's read scope. */
  loaders: Loaders;
  /** The authenticated caller (ANONYMOUS_VIEWER before sign-in: no permission, nothing in scope). */
  viewer: Viewer;
  /** The viewer as the author of writes (the same object; kept for the services' `Actor`). */
  actor: Viewer;
  /** Correlates the request's log lines and audit records. */
  requestId: string;
  /** Batches this request's audit records into one INSERT per tick. */
  audit: DataLoader<AuditEntry, true>;
  /** Epoch ms after which no further field resolves (the execution timeout). */
  deadline: number;
}

let seq = 0;
/** A fresh context per request (loaders must never be shared between requests). */
export function createContext(
  services: Services,
  viewer?: Viewer | null,
  requestId?: string,
  timeoutMs: number = services.config.EXECUTION_TIMEOUT_MS ?? 15_000,
): Context {
  const v = viewer ?? ANONYMOUS_VIEWER;
  return {
    services,
    loaders: createLoaders(services, v.readScope),
    viewer: v,
    actor: v,
    requestId: requestId ?? `${process.pid}-${++seq}`,
    audit: services.audit.batcher(),
    deadline: Date.now() + timeoutMs,
  };
}
