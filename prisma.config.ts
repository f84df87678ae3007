import { defineConfig } from 'prisma/config';

/**
 * Prisma is used as the typed client only (`prisma generate`); migrations are plain SQL applied by
 * `yibiao migrate`. generate never connects, so the URL is only a placeholder when unset.
 */
export default defineConfig({
  schema: 'prisma/schema.prisma',
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:54329/yibiao' },
});
