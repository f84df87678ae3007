import { auditServer } from 'graphql-http';
import WebSocket from 'ws';
import { openTestDb, TestDb } from '../test/harness';
import { buildTerritory, T } from '../test/factories';
import type { Services } from './app/services';
import { RunningServer, startServer } from './server';
import { signAccessToken, signingKey } from './auth/tokens';
import { testLog } from '../test/log-capture';

/** The real HTTP and WebSocket server: credentials, limits, production mode and protocol audits. */
let db: TestDb;
let server: RunningServer;
let token: string;
let tokenB: string;
let appKey: string;

function withConfig(s: Services, over: Partial<Services['config']>): Services {
  return { ...s, config: { ...s.config, ...over } };
}

beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
  const auth = db.services.auth;
  await auth.createAccount({ name: 'center', role: 'COMMAND_CENTER', areaCodes: [T.district] }, 'test');
  await auth.createAccount({ name: 'staff-b', role: 'COMMUNITY_STAFF', areaCodes: [T.communityB] }, 'test');
  token = (await auth.issueToken('center')).token;
  tokenB = (await auth.issueToken('staff-b')).token;
  appKey = (
    await auth.createApiKey(
      { name: '便民App', scopes: ['record:read'], areaCodes: [T.communityA], expiresInDays: 5 },
      'test',
    )
  ).key;
  server = await startServer(
    withConfig(db.services, {
      WS_INIT_TIMEOUT_MS: 300,
      MAX_BODY_BYTES: 16_384,
      CORS_ORIGINS: 'https://portal.example.gov.cn',
    }),
    { port: 0, host: '127.0.0.1', log: testLog },
  );
});
afterAll(async () => {
  await server.close();
  await db.close();
});

async function post(
  body: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${token}` },
  port = server.port,
) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, sql: res.headers.get('x-sql-count'), headers: res.headers, body: json, text };
}

describe('credentials on HTTP', () => {
  it('refuses anonymous reads with UNAUTHENTICATED, and bad tokens or keys with 401, before any SQL', async () => {
    const anon = await post({ query: '{ persons { totalCount } }' }, {});
    expect(anon.status).toBe(401);
    expect(anon.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(anon.sql).toBe('0');
    const bad = await post({ query: '{ persons { totalCount } }' }, { authorization: 'Bearer nonsense' });
    expect(bad.status).toBe(401);
    expect(bad.body.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
    expect(bad.headers.get('www-authenticate')).toBe('Bearer');
    const key = await post({ query: '{ persons { totalCount } }' }, { 'x-api-key': 'yb_not-a-key' });
    expect(key.status).toBe(401);
    expect(key.body.errors[0].extensions.reason).toBe('API_KEY_INVALID');
  });

  it('signs in and refreshes over the public mutations, then reads with the token', async () => {
    await db.services.auth.createAccount(
      { name: 'li', role: 'GRID_WORKER', areaCodes: [T.gridA1], password: 'li-password-12345' },
      'test',
    );
    const login = await post(
      { query: 'mutation { login(name: "li", password: "li-password-12345") { accessToken refreshToken } }' },
      {},
    );
    expect(login.status).toBe(200);
    const { accessToken, refreshToken } = login.body.data.login;
    const me = await post(
      { query: '{ me { name role areaScope permissions } }' },
      { authorization: `Bearer ${accessToken}` },
    );
    expect(me.body.data.me).toEqual({
      name: 'li',
      role: 'GRID_WORKER',
      areaScope: [T.gridA1],
      permissions: ['record:read', 'record:write'],
    });
    const refreshed = await post(
      {
        query: 'mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }',
        variables: { t: refreshToken },
      },
      {},
    );
    expect(refreshed.body.data.refreshSession.accessToken).toEqual(expect.any(String));
  });

  it('a known API key costs no SQL: a request the limits refuse sends none; a revocation acts at once', async () => {
    const { id, key } = await db.services.auth.createApiKey(
      { name: '临时App', scopes: ['record:read'], areaCodes: [T.communityA], expiresInDays: 1 },
      'test',
    );
    const warm = await post({ query: '{ persons { totalCount } }' }, { 'x-api-key': key });
    expect(warm.status).toBe(200);
    const refused = await post({ query: '{ persons(first: 500) { totalCount } }' }, { 'x-api-key': key });
    expect(refused.status).toBe(400);
    expect(refused.sql).toBe('0');
    await db.services.auth.revokeApiKey(id);
    const after = await post({ query: '{ persons { totalCount } }' }, { 'x-api-key': key });
    expect(after.status).toBe(401);
  });

  it('an API key reads within its scope', async () => {
    const r = await post(
      { query: `{ area(code: "${T.communityB}") { code } me { kind permissions } }` },
      { 'x-api-key': appKey },
    );
    expect(r.body.data).toEqual({ area: null, me: { kind: 'APP', permissions: ['record:read'] } });
  });
});

describe('endpoint hardening', () => {
  it('refuses a body over the size limit with 413', async () => {
    const r = await post({ query: `{ __typename }`, variables: { pad: 'x'.repeat(20_000) } });
    expect(r.status).toBe(413);
    expect(r.body.errors[0].extensions.reason).toBe('BODY_TOO_LARGE');
  });

  it('refuses a document over the token limit at parse time, without SQL', async () => {
    const q = `{ ${'a '.repeat(5001)}}`;
    const r = await post({ query: q });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].message).toMatch(/more that 5000 tokens/);
    expect(r.sql).toBe('0');
  });

  it('refuses more operations than allowed even when one is named, without SQL', async () => {
    const doc = Array.from({ length: 6 }, (_, i) => `query Q${i} { persons { totalCount } }`).join('\n');
    const r = await post({ query: doc, operationName: 'Q0' });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].extensions.reason).toBe('QUERY_OPERATIONS_EXCEEDED');
    expect(r.sql).toBe('0');
  });

  it('allows cross-origin requests from configured origins only', async () => {
    const pre = await fetch(`http://127.0.0.1:${server.port}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://portal.example.gov.cn', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://portal.example.gov.cn');
    const other = await fetch(`http://127.0.0.1:${server.port}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('limits requests per key per minute (Redis), answering 429', async () => {
    const limited = await startServer(
      withConfig(db.services, { RATE_LIMIT_PER_MINUTE: 3, QUEUE_PREFIX: `rl-${Date.now()}` }),
      {
        port: 0,
        host: '127.0.0.1',
        log: testLog,
      },
    );
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push(
          (await post({ query: '{ __typename }' }, { authorization: `Bearer ${token}` }, limited.port))
            .status,
        );
      // a minute boundary between two requests would reset the window, so count rather than index
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      // another key has its own budget
      const other = await post(
        { query: '{ __typename }' },
        { authorization: `Bearer ${tokenB}` },
        limited.port,
      );
      expect(other.status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('in production: no introspection, no field suggestions, no stack traces', async () => {
    const prod = await startServer(withConfig(db.services, { NODE_ENV: 'production' }), {
      port: 0,
      host: '127.0.0.1',
      log: testLog,
    });
    try {
      const intro = await post(
        { query: '{ __schema { types { name } } }' },
        { authorization: `Bearer ${token}` },
        prod.port,
      );
      expect(intro.status).toBe(400);
      expect(intro.text).toMatch(/introspection/i);
      const typo = await post(
        { query: '{ persns { totalCount } }' },
        { authorization: `Bearer ${token}` },
        prod.port,
      );
      expect(typo.status).toBe(400);
      expect(typo.text).not.toMatch(/Did you mean/);
      expect(typo.text).not.toMatch(/stacktrace|at .+\.ts:\d+/);
      const dev = await post({ query: '{ persns { totalCount } }' });
      expect(dev.text).toMatch(/Did you mean/);
    } finally {
      await prod.close();
    }
  });
});

describe('GraphQL over HTTP (graphql-http audits)', () => {
  it('passes every MUST audit against the real server', async () => {
    const authedFetch = (input: any, init: any = {}) =>
      fetch(input, { ...init, headers: { ...(init.headers ?? {}), authorization: `Bearer ${token}` } });
    const results = await auditServer({
      url: `http://127.0.0.1:${server.port}/graphql`,
      fetchFn: authedFetch,
    });
    const mustFailures = results.filter((r) => r.status !== 'ok' && r.name.startsWith('MUST'));
    expect(mustFailures.map((r) => `${r.name}: ${'reason' in r ? r.reason : ''}`)).toEqual([]);
    expect(results.filter((r) => r.name.startsWith('MUST')).length).toBeGreaterThan(10);
  });
});

/** A raw graphql-transport-ws socket, to break the protocol on purpose. */
function socket(): Promise<{
  ws: WebSocket;
  closed: Promise<{ code: number; reason: string }>;
  messages: any[];
}> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/graphql`, 'graphql-transport-ws');
    const messages: any[] = [];
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      ws.on('close', (code, reason) => r({ code, reason: reason.toString() })),
    );
    ws.on('message', (m) => messages.push(JSON.parse(m.toString())));
    ws.on('open', () => resolve({ ws, closed, messages }));
    ws.on('error', reject);
  });
}

async function acked(params: Record<string, unknown> = { authorization: `Bearer ${token}` }) {
  const s = await socket();
  s.ws.send(JSON.stringify({ type: 'connection_init', payload: params }));
  await new Promise<void>((r) => {
    const t = setInterval(() => {
      if (s.messages.some((m) => m.type === 'connection_ack')) {
        clearInterval(t);
        r();
      }
    }, 10);
  });
  return s;
}

describe('graphql-ws protocol violations close with the protocol’s codes', () => {
  it('4400 for an invalid message', async () => {
    const s = await acked();
    s.ws.send(JSON.stringify({ type: 'nonsense' }));
    expect((await s.closed).code).toBe(4400);
  });

  it('4401 for a subscribe before connection_init was acknowledged', async () => {
    const s = await socket();
    s.ws.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: { query: 'subscription { recordChanged { id } }' },
      }),
    );
    expect((await s.closed).code).toBe(4401);
  });

  it('4408 when connection_init does not arrive in time', async () => {
    const s = await socket();
    expect((await s.closed).code).toBe(4408);
  });

  it('4409 for a second subscriber with the same id', async () => {
    const s = await acked();
    const sub = JSON.stringify({
      id: 'dup',
      type: 'subscribe',
      payload: { query: 'subscription { recordChanged { id } }' },
    });
    s.ws.send(sub);
    s.ws.send(sub);
    expect((await s.closed).code).toBe(4409);
  });

  it('4429 for a second connection_init', async () => {
    const s = await acked();
    s.ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    expect((await s.closed).code).toBe(4429);
  });

  it('a subscription over the limits is refused with an error message before it starts', async () => {
    const s = await acked();
    const doc = Array.from({ length: 6 }, (_, i) => `subscription S${i} { recordChanged { id } }`).join('\n');
    s.ws.send(JSON.stringify({ id: 'big', type: 'subscribe', payload: { query: doc, operationName: 'S0' } }));
    await new Promise<void>((r) => {
      const t = setInterval(() => {
        if (s.messages.some((m) => m.type === 'error')) {
          clearInterval(t);
          r();
        }
      }, 10);
    });
    const err = s.messages.find((m) => m.type === 'error');
    expect(err).toMatchObject({
      id: 'big',
      payload: [{ extensions: { reason: 'QUERY_OPERATIONS_EXCEEDED' } }],
    });
    s.ws.close();
  });

  it('4403 when the token the socket was opened with expires', async () => {
    const short = await signAccessToken(
      { accountId: 1, name: 'center', role: 'COMMAND_CENTER', areaCodes: [T.district], departmentCodes: [] },
      signingKey(undefined, db.url),
      1,
    );
    const s = await acked({ authorization: `Bearer ${short.token}` });
    expect(await s.closed).toEqual({ code: 4403, reason: 'Forbidden: credentials expired' });
  });

  it('4403 when connection_init carries no valid token or key', async () => {
    for (const payload of [{}, { authorization: 'Bearer forged' }, { 'x-api-key': 'yb_nope' }]) {
      const s = await socket();
      s.ws.send(JSON.stringify({ type: 'connection_init', payload }));
      expect((await s.closed).code).toBe(4403);
    }
  });
});

describe('subscriptions follow the subscriber’s scope', () => {
  it('community B’s staff receive changes in B and never those in A', async () => {
    const s = await acked({ authorization: `Bearer ${tokenB}` });
    s.ws.send(
      JSON.stringify({
        id: 's',
        type: 'subscribe',
        payload: { query: 'subscription { recordChanged { type areaCode } }' },
      }),
    );
    // the subscription must be registered before the changes are made
    await new Promise((r) => setTimeout(r, 300));
    await post({
      query: `mutation { createPerson(input: { name: "甲", areaCode: "${T.gridA1}" }) { person { id } } }`,
    });
    await post({
      query: `mutation { createPerson(input: { name: "乙", areaCode: "${T.gridB1}" }) { person { id } } }`,
    });
    await new Promise<void>((r) => {
      const t = setInterval(() => {
        if (s.messages.some((m) => m.type === 'next')) {
          clearInterval(t);
          r();
        }
      }, 10);
    });
    // the A change was published first; only the B change arrived
    await new Promise((r) => setTimeout(r, 200));
    const events = s.messages.filter((m) => m.type === 'next').map((m) => m.payload.data.recordChanged);
    expect(events).toEqual([{ type: 'Person', areaCode: T.gridB1 }]);
    s.ws.close();
  });
});
