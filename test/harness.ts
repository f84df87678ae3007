import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { createServices, Services } from '../src/app/services';
import { ALL_PERMISSIONS, Permission, Role, ROLE_PERMISSIONS } from '../src/auth/roles';
import { scopeOf, UNRESTRICTED } from '../src/auth/scope';
import { Viewer } from '../src/auth/viewer';
import { statementCounter } from '../src/db/pool';
import { createContext, Context } from '../src/graphql/context';
import { formatError } from '../src/graphql/errors';
import { createSchema } from '../src/graphql/schema';
import { limitsOf, securityPlugin } from '../src/graphql/security.plugin';
import { databaseUrlFor, templateName, withAdmin } from './template-db';
import { testLog } from './log-capture';

/** A database of this test file's own, cloned from the migrated template, with the services over it. */
export interface TestDb {
  url: string;
  services: Services;
  close(): Promise<void>;
}

/** Creates this test file's database from the template (no clean-up by deletion: it is dropped at the end). */
export async function openTestDb(
  opts: { poolSize?: number; config?: Partial<Services['config']> } = {},
): Promise<TestDb> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set: run the tests with `npm test`');
  const name = `yibiao_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(base, (admin) => admin.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName()}"`));
  const url = databaseUrlFor(base, name);
  const services = createServices({
    DATABASE_URL: url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `test-${name}`, // pub/sub and queues of this file only
    DB_POOL_SIZE: opts.poolSize,
    ...opts.config,
  });
  return {
    url,
    services,
    async close() {
      await services.close();
      await withAdmin(base, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** The outcome of one GraphQL operation, with the SQL statements it sent. */
export interface GqlResult<T = Record<string, unknown>> {
  data: T | null;
  errors:
    | { message: string; extensions?: Record<string, unknown>; path?: readonly (string | number)[] }[]
    | undefined;
  sqlCount: number;
}

/** An in-process API over a test database: runs operations exactly as the server does. */
export interface TestApi extends TestDb {
  /** Runs an operation as the broad test viewer (every permission but accounts and audit, everywhere). */
  exec<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    actorName?: string,
  ): Promise<GqlResult<T>>;
  /** Runs an operation as a given viewer (null: without credentials). */
  execAs<T = Record<string, any>>(
    viewer: Viewer | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GqlResult<T>>;
  /** A staff viewer of a role scoped to areas (and departments), as a signed-in account would be. */
  viewer(
    role: Role,
    areaCodes: string[] | null,
    departments?: string[] | null,
    name?: string,
  ): Promise<Viewer>;
}

/**
 * The viewer the existing specs run as: a member of staff of the COMMUNITY department who may
 * read, write and unmask everywhere (but neither manage accounts nor read the audit log).
 */
export function broadTestViewer(name = 'test-staff'): Viewer {
  const permissions = ALL_PERMISSIONS.filter((p) => p !== 'account:manage' && p !== 'audit:read');
  return new Viewer(
    'STAFF',
    `test:${name}`,
    name,
    'COMMAND_CENTER',
    new Set<Permission>(permissions),
    UNRESTRICTED,
    'COMMUNITY',
  );
}

/** Opens a test database and an Apollo server over it (no HTTP). */
export async function openTestApi(): Promise<TestApi> {
  const db = await openTestDb();
  const schema = await createSchema(db.services.events.pubSub);
  const errors: string[] = [];
  const apollo = new ApolloServer<Context>({
    schema,
    formatError: formatError((l) => {
      testLog(l);
      errors.push(l);
    }),
    plugins: [securityPlugin(limitsOf(db.services.config))],
  });
  await apollo.start();
  const run = async (viewer: Viewer | null, query: string, variables?: Record<string, unknown>) => {
    const store = { count: 0 };
    const res = await statementCounter.run(store, () =>
      apollo.executeOperation({ query, variables }, { contextValue: createContext(db.services, viewer) }),
    );
    if (res.body.kind !== 'single') throw new Error('unexpected incremental result');
    const r = res.body.singleResult;
    if (errors.length) {
      const logged = errors.splice(0);
      throw new Error(`internal errors were logged:\n${logged.join('\n')}`);
    }
    return {
      data: (r.data ?? null) as never,
      errors: r.errors as GqlResult['errors'],
      sqlCount: store.count,
    } as GqlResult<any>;
  };
  return {
    ...db,
    exec: (query, variables, actorName = 'test-staff') => run(broadTestViewer(actorName), query, variables),
    execAs: (viewer, query, variables) => run(viewer, query, variables),
    async viewer(role, areaCodes, departments = null, name = `${role.toLowerCase()}-test`) {
      const scope = await scopeOf(db.services.areas, areaCodes, departments);
      return new Viewer('STAFF', `test:${name}`, name, role, new Set(ROLE_PERMISSIONS[role]), scope);
    },
    async close() {
      await apollo.stop();
      await db.close();
    },
  };
}
