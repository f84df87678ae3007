import autocannon from 'autocannon';

/** One GraphQL request body: query and variables. */
export interface GraphqlRequest {
  query: string;
  variables?: Record<string, unknown>;
}

/** Headers every benchmark request carries besides the JSON ones (credentials). */
let extraHeaders: Record<string, string> = {};

/** Sets the credentials sent with every request (the API answers 401 without them). */
export function useCredentials(headers: Record<string, string>): void {
  extraHeaders = headers;
}

/** What one load run measured. */
export interface LoadResult {
  connections: number;
  durationSeconds: number;
  /** Mean of the per-second request counts, as autocannon reports it. */
  requestsPerSecond: number;
  requestsTotal: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Responses whose body carried GraphQL `errors`. */
  graphqlErrors: number;
  /** How many responses reported each `x-sql-count` value (the header undercounts under concurrency). */
  sqlCountHistogram: Record<string, number>;
}

/**
 * Sends `request` as JSON POSTs over `connections` keep-alive connections for `durationSeconds`
 * and summarises throughput and latency. Every response's `x-sql-count` header is tallied, and
 * bodies are checked for GraphQL errors (a cheap substring test, so the load generator, which
 * shares the cores with the server, stays light).
 */
export async function runLoad(opts: {
  url: string;
  request: GraphqlRequest;
  connections: number;
  durationSeconds: number;
}): Promise<LoadResult> {
  const sqlCounts: Record<string, number> = {};
  let graphqlErrors = 0;
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.durationSeconds,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...extraHeaders },
        body: JSON.stringify(opts.request),
        onResponse: (_status, body, _context, headers) => {
          const n = headers['x-sql-count'] ?? 'missing';
          sqlCounts[n] = (sqlCounts[n] ?? 0) + 1;
          // the query selects no field named `errors`, so this key can only be GraphQL's own
          if (body.includes('"errors":[')) graphqlErrors++;
        },
      },
    ],
  });
  return {
    connections: opts.connections,
    durationSeconds: result.duration,
    requestsPerSecond: result.requests.average,
    requestsTotal: result.requests.total ?? 0,
    latencyMs: {
      mean: result.latency.mean,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    graphqlErrors,
    sqlCountHistogram: sqlCounts,
  };
}

/** One request outside the load: the parsed body and the statements it cost. */
export async function probe(
  url: string,
  request: GraphqlRequest,
): Promise<{
  body: { data?: unknown; errors?: { message: string }[] };
  sqlCount: number | null;
  ms: number;
}> {
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...extraHeaders },
    body: JSON.stringify(request),
  });
  const body = (await res.json()) as { data?: unknown; errors?: { message: string }[] };
  const ms = performance.now() - started;
  const header = res.headers.get('x-sql-count');
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}: ${JSON.stringify(body).slice(0, 500)}`);
  return { body, sqlCount: header === null ? null : Number(header), ms };
}
