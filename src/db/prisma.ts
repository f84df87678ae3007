import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';
import { geoExtension } from '../geo/geo.extension';

/**
 * Creates the Prisma client (over its own pg pool through the adapter) with the PostGIS extension;
 * `statementTimeoutMs` (0: none) is its connections' statement_timeout, as for our own pool.
 */
export function createPrisma(
  connectionString: string,
  max = 10,
  statementTimeoutMs = 0,
  idleTimeoutMs = 60_000,
) {
  const adapter = new PrismaPg({
    connectionString,
    max,
    idleTimeoutMillis: idleTimeoutMs,
    ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs } : {}),
  });
  return new PrismaClient({ adapter }).$extends(geoExtension);
}

/** The extended Prisma client type used across the services. */
export type Db = ReturnType<typeof createPrisma>;
