import http from 'node:http';
import Busboy from 'busboy';
import express from 'express';
import { buildSchema, graphql, GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { consoleMiddleware } from '../../src/web/console.middleware';

/**
 * A test double for the ingest operations (issue #3) the real server does not have yet, in the
 * shapes the issue describes. It lets the console's ingest page be driven end to end before the
 * real operations land, and records what the console sent (uploads) so the tests can check it. It
 * serves the real built console through the real console middleware. Sign-in, reports and the case
 * feed are tested against the real server (console.e2e.ts), not here.
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
  }
  type Mutation {
    startIngest(file: Upload!, dryRun: Boolean, profile: String): IngestRun!
  }
  type Subscription {
    recordChanged(areaCode: String, types: [String!]): RecordChange!
  }
`;

/** The one account of the stub. */
export const STUB_USER = { token: 'stub-access-token' };

/** What the console sent, for the tests to check. */
export interface StubLog {
  uploads: { fileName: string; dryRun: boolean; bytes: number }[];
}

/** A running stub with hooks to drive it. */
export interface StubApi {
  base: string;
  log: StubLog;
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
  const log: StubLog = { uploads: [] };
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
    recordChanged: async function* () {
      await new Promise(() => undefined); // no ledger changes in the stub
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
    async close() {
      timers.forEach((t) => clearTimeout(t));
      wss.clients.forEach((c) => c.terminate());
      await new Promise((r) => wss.close(r));
      await new Promise((r) => server.close(r));
    },
  };
}
