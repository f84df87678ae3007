import type http from 'node:http';
import type { Services } from '../app/services';
import type { Viewer } from '../auth/viewer';

/** Credentials as sent on HTTP headers or in graphql-ws connection_init's payload. */
export interface Credentials {
  authorization?: unknown;
  apiKey?: unknown;
}

/** The credentials of an HTTP request: `Authorization: Bearer …` or `x-api-key`. */
export function credentialsOf(req: http.IncomingMessage): Credentials {
  return { authorization: req.headers.authorization, apiKey: req.headers['x-api-key'] };
}

/**
 * The viewer behind credentials: null when none were sent (the request is anonymous); throws
 * UNAUTHENTICATED (an AppError) when they were sent and are not valid.
 */
export async function authenticate(services: Services, c: Credentials): Promise<Viewer | null> {
  if (typeof c.apiKey === 'string' && c.apiKey) return services.auth.viewerFromApiKey(c.apiKey);
  if (typeof c.authorization === 'string' && c.authorization) {
    const m = /^Bearer\s+(\S+)$/i.exec(c.authorization);
    if (!m) return services.auth.viewerFromToken(''); // a malformed header is an invalid token
    return services.auth.viewerFromToken(m[1]);
  }
  return null;
}
