import http from 'node:http';
import Busboy from 'busboy';
import express from 'express';
import { buildSchema, graphql, GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { consoleMiddleware } from '../../src/web/console.middleware';

/**
 * A test double for the operations other modules are adding to the API (ingest #3, cases #4,
 * reports #5, sign-in #6), in the shapes their issues describe. It lets the console's pages for
 * those operations be driven end to end before the real ones land, and records what the console
 * sent (Authorization headers, connection_init payloads, resume arguments) so the tests can check
 * it. It serves the real built console through the real console middleware.
 */
const SDL = /* GraphQL */ `
  scalar Upload
  scalar JSON
  type Area {
    code: String!
    name: String!
    level: String!
    parent: Area
  }
  type LoginPayload {
    accessToken: String!
    refreshToken: String!
  }
  type IngestRun {
    id: ID!
    status: String!
    fileName: String!
    rows: Int!
    landed: Int!
    skipped: Int!
    rejected: Int!
    progress: Float!
    mapping: JSON
    rejectsUrl: String
  }
  type Form {
    code: String!
    title: String!
    periodType: String!
  }
  type Report {
    id: ID!
    status: String!
    form: String!
    period: String!
    areaCode: String
    figures: JSON
    downloadUrl: String
  }
  type Case {
    id: ID!
    description: String!
    status: String!
    area: Area
  }
  type CaseEvent {
    sequence: Int!
    caseId: ID!
    status: String!
    areaCode: String
    recordedAt: String!
    case: Case
  }
  type RecordChange {
    id: ID!
    type: String!
    op: String!
    fields: [String!]!
    areaCode: String
    recordedAt: String!
  }
  type Query {
    areas(level: String, under: String): [Area!]!
    ingestRun(id: ID!): IngestRun
    ingestRuns(first: Int): [IngestRun!]!
    forms: [Form!]!
    report(id: ID!): Report
  }
  type Mutation {
    login(username: String!, password: String!): LoginPayload!
    startIngest(file: Upload!, dryRun: Boolean, profile: String): IngestRun!
    generateReport(form: String!, period: String!, areaCode: String): Report!
  }
  type Subscription {
    recordChanged(areaCode: String, types: [String!]): RecordChange!
    caseUpdated(areaCode: String, afterSequence: Int): CaseEvent!
  }
`;

/** The one account of the stub. */
export const STUB_USER = { username: 'admin', password: '一表2026', token: 'stub-access-token' };

interface CaseEvent {
  sequence: number;
  caseId: string;
  status: string;
  areaCode: string;
  recordedAt: string;
  case: {
    id: string;
    description: string;
    status: string;
    area: { code: string; name: string; level: string };
  };
}

/** What the console sent, for the tests to check. */
export interface StubLog {
  httpAuthorization: (string | undefined)[];
  wsConnectionParams: Record<string, unknown>[];
  caseSubscriptions: { afterSequence: number | null }[];
  uploads: { fileName: string; dryRun: boolean; bytes: number }[];
}

/** A running stub with hooks to drive it. */
export interface StubApi {
  base: string;
  log: StubLog;
  /** Emits a case transition (kept for replay). */
  emitCase(description: string, status: string): CaseEvent;
  /** Cuts every WebSocket connection, as a server restart or a network drop would. */
  dropSockets(): void;
  close(): Promise<void>;
}

const AREAS = [
  { code: '610902', name: '汉滨区', level: 'DISTRICT', parent: null },
  { code: '610902002', name: '新城街道', level: 'STREET', parent: { code: '610902' } },
  { code: '610902002008', name: '香溪社区', level: 'COMMUNITY', parent: { code: '610902002' } },
];

/** Starts the stub on a free loopback port. */
export async function startStubApi(): Promise<StubApi> {
  const schema = buildSchema(SDL);
  const log: StubLog = { httpAuthorization: [], wsConnectionParams: [], caseSubscriptions: [], uploads: [] };
  const runs = new Map<
    string,
    {
      id: string;
      status: string;
      fileName: string;
      rows: number;
      landed: number;
      skipped: number;
      rejected: number;
      progress: number;
      mapping: unknown;
      rejectsUrl: string | null;
    }
  >();
  const reports = new Map<string, Record<string, unknown>>();
  const caseLog: CaseEvent[] = [];
  const caseListeners = new Set<(e: CaseEvent) => void>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, f: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      f();
    }, ms);
    timers.add(t);
  };

  const signedIn = (ctx: { authorization?: string }) => {
    if (ctx.authorization !== `Bearer ${STUB_USER.token}`)
      throw new GraphQLError('sign in first', { extensions: { code: 'UNAUTHENTICATED' } });
  };

  const root = {
    areas: (a: { under?: string }, ctx: { authorization?: string }) => {
      signedIn(ctx);
      return a.under ? AREAS.filter((x) => x.code.startsWith(a.under!)) : AREAS.slice(0, 1);
    },
    login: (a: { username: string; password: string }) => {
      if (a.username !== STUB_USER.username || a.password !== STUB_USER.password)
        throw new GraphQLError('wrong user name or password', { extensions: { code: 'UNAUTHENTICATED' } });
      return { accessToken: STUB_USER.token, refreshToken: 'stub-refresh' };
    },
    ingestRun: (a: { id: string }, ctx: { authorization?: string }) => {
      signedIn(ctx);
      return runs.get(a.id) ?? null;
    },
    ingestRuns: (_a: unknown, ctx: { authorization?: string }) => {
      signedIn(ctx);
      return [...runs.values()];
    },
    startIngest: (
      a: { file: { name: string; text: string }; dryRun?: boolean },
      ctx: { authorization?: string },
    ) => {
      signedIn(ctx);
      const lines = a.file.text.split(/\r?\n/).filter((l) => l.trim() !== '');
      const header = lines[0].split(',');
      log.uploads.push({
        fileName: a.file.name,
        dryRun: Boolean(a.dryRun),
        bytes: Buffer.byteLength(a.file.text),
      });
      const id = String(runs.size + 1);
      const run = {
        id,
        status: a.dryRun ? 'DRY_RUN' : 'RUNNING',
        fileName: a.file.name,
        rows: lines.length - 1,
        landed: 0,
        skipped: 0,
        rejected: 0,
        progress: 0,
        mapping: Object.fromEntries(
          header.map((h) => [h, h === '姓名' ? 'name' : h === '身份证号' ? 'idNumber' : 'phone']),
        ),
        rejectsUrl: null as string | null,
      };
      if (a.dryRun) return run;
      runs.set(id, run);
      // Four progress steps, then the summary, as a BullMQ job would report them.
      for (let step = 1; step <= 4; step++) {
        later(300 * step, () => {
          run.progress = step * 25;
          run.landed = Math.floor((run.rows - 1) * (step / 4));
          if (step === 4) {
            run.rejected = 1;
            run.status = 'COMPLETED';
            run.rejectsUrl = `/stub-files/ingest-${id}-rejects.xlsx`;
          }
        });
      }
      return run;
    },
    forms: (_a: unknown, ctx: { authorization?: string }) => {
      signedIn(ctx);
      return [
        { code: 'MINIMUM_LIVING', title: '城乡低保对象统计表', periodType: 'QUARTER' },
        { code: 'ELDERLY', title: '老年人口统计表', periodType: 'QUARTER' },
      ];
    },
    generateReport: (
      a: { form: string; period: string; areaCode?: string },
      ctx: { authorization?: string },
    ) => {
      signedIn(ctx);
      const id = String(reports.size + 1);
      const r: Record<string, unknown> = {
        id,
        status: 'RUNNING',
        form: a.form,
        period: a.period,
        areaCode: a.areaCode ?? null,
        figures: null,
        downloadUrl: null,
      };
      reports.set(id, r);
      later(500, () => {
        r.status = 'READY';
        r.figures = {
          rows: [{ area: '香溪社区', households: 3, persons: 5 }],
          total: { households: 3, persons: 5 },
        };
        r.downloadUrl = `/stub-files/report-${id}.xlsx`;
      });
      return r;
    },
    report: (a: { id: string }, ctx: { authorization?: string }) => {
      signedIn(ctx);
      return reports.get(a.id) ?? null;
    },
    recordChanged: async function* () {
      await new Promise(() => undefined); // no ledger changes in the stub
    },
    caseUpdated: (a: { afterSequence?: number | null }) => {
      log.caseSubscriptions.push({ afterSequence: a.afterSequence ?? null });
      const queue: CaseEvent[] = caseLog.filter(
        (e) => a.afterSequence != null && e.sequence > a.afterSequence,
      );
      let wake: (() => void) | null = null;
      const listener = (e: CaseEvent) => {
        queue.push(e);
        wake?.();
      };
      caseListeners.add(listener);
      const iterator: AsyncIterableIterator<{ caseUpdated: CaseEvent }> = {
        async next() {
          while (queue.length === 0) await new Promise<void>((r) => (wake = r));
          return { value: { caseUpdated: queue.shift()! }, done: false };
        },
        async return() {
          caseListeners.delete(listener);
          return { value: undefined, done: true };
        },
        [Symbol.asyncIterator]() {
          return this;
        },
      };
      return iterator;
    },
  };

  const app = express();
  app.get('/stub-files/:name', (req, res) => {
    res.setHeader('content-disposition', `attachment; filename="${String(req.params.name)}"`);
    res
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .send(Buffer.from('PK stub'));
  });
  app.post('/graphql', express.json(), (req, res) => {
    const authorization = req.headers.authorization;
    log.httpAuthorization.push(authorization);
    const run = (body: { query: string; variables?: Record<string, unknown> }) =>
      graphql({
        schema,
        source: body.query,
        variableValues: body.variables,
        rootValue: root,
        contextValue: { authorization },
      }).then((r) => res.json(r));
    if (!req.is('multipart/form-data')) {
      void run(req.body as { query: string; variables?: Record<string, unknown> });
      return;
    }
    // The GraphQL multipart request spec: operations, map, then the files.
    const bb = Busboy({ headers: req.headers, defParamCharset: 'utf8' }); // Chinese file names
    let operations: { query: string; variables: Record<string, unknown> } | null = null;
    let map: Record<string, string[]> = {};
    const files: Record<string, { name: string; text: string }> = {};
    bb.on('field', (name, value) => {
      if (name === 'operations') operations = JSON.parse(value);
      if (name === 'map') map = JSON.parse(value);
    });
    bb.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on(
        'end',
        () => (files[name] = { name: info.filename ?? name, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    bb.on('close', () => {
      const ops = operations!;
      for (const [key, paths] of Object.entries(map))
        for (const p of paths) ops.variables[p.replace(/^variables\./, '')] = files[key];
      void run(ops);
    });
    req.pipe(bb);
  });
  const web = consoleMiddleware();
  if (!web) throw new Error('build the console first');
  app.use(web);

  const server = http.createServer(app);
  const wss = new WebSocketServer({ server, path: '/graphql' });
  useServer(
    {
      schema,
      roots: { subscription: root as never },
      onConnect: (ctx) => {
        log.wsConnectionParams.push(ctx.connectionParams ?? {});
        const auth = (ctx.connectionParams?.Authorization ?? ctx.connectionParams?.authorization) as
          string | undefined;
        return auth === `Bearer ${STUB_USER.token}`;
      },
    },
    wss,
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    base,
    log,
    emitCase(description, status) {
      const sequence = caseLog.length + 1;
      const e: CaseEvent = {
        sequence,
        caseId: `Q2FzZTo${sequence}`,
        status,
        areaCode: '610902002008',
        recordedAt: new Date().toISOString(),
        case: { id: `Q2FzZTo${sequence}`, description, status, area: AREAS[2] },
      };
      caseLog.push(e);
      caseListeners.forEach((l) => l(e));
      return e;
    },
    dropSockets() {
      wss.clients.forEach((c) => c.terminate());
    },
    async close() {
      timers.forEach((t) => clearTimeout(t));
      wss.clients.forEach((c) => c.terminate());
      await new Promise((r) => wss.close(r));
      await new Promise((r) => server.close(r));
    },
  };
}
