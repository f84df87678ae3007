import type { Services } from '../app/services';
import { createLoaders, Loaders } from './loaders';
import type { Actor } from '../registry/person.service';

/** What every resolver gets: the services, this request's loaders and who is asking. */
export interface Context {
  services: Services;
  loaders: Loaders;
  actor: Actor;
  /** Set while a test or the x-sql-count header counts statements for this request. */
  requestId: string;
}

let seq = 0;
/** A fresh context per request (loaders must never be shared between requests). */
export function createContext(services: Services, actor?: Actor): Context {
  return {
    services,
    loaders: createLoaders(services),
    actor: actor ?? { name: 'anonymous' },
    requestId: `${process.pid}-${++seq}`,
  };
}
