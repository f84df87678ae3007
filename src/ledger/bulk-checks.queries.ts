import type { ForeignKey } from './bulk-checks';

/** A quoted SQL identifier (names come from the catalog, but may still need quoting). */
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** SQL of the ledger's set-based foreign-key checks (`BulkChecks`). */
export const bulkCheckSql = {
  /** Whether this role may switch the per-row checks off for its own transaction (PostgreSQL 15+). */
  allowed: `SELECT has_parameter_privilege('session_replication_role', 'SET') AS allowed`,

  /**
   * Every foreign key of the public schema, with its columns in key order and their types;
   * `simple` is false for MATCH FULL, which the check does not implement.
   */
  foreignKeys: `
    SELECT c.conname::text AS name, t.relname::text AS table, r.relname::text AS "refTable",
           c.confmatchtype = 's' AS simple,
           array_agg(a.attname::text ORDER BY k.i) AS columns,
           array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY k.i) AS types,
           array_agg(ra.attname::text ORDER BY k.i) AS "refColumns"
    FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid
    JOIN pg_class r ON r.oid = c.confrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
    CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(col, refcol, i)
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col
    JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.refcol
    WHERE c.contype = 'f'
    GROUP BY c.oid, c.conname, t.relname, r.relname, c.confmatchtype
    ORDER BY t.relname, c.conname`,

  /**
   * The keys ($1… one array per column) that reference no row; the rows they do reference are
   * locked `FOR KEY SHARE`, as PostgreSQL's own per-row check locks them.
   */
  check: (fk: ForeignKey) => {
    const params = fk.columns.map((_, i) => `$${i + 1}::${fk.types[i]}[]`).join(', ');
    const keyCols = fk.columns.map((_, i) => `k${i}`);
    const join = fk.refColumns.map((c, i) => `p.${ident(c)} = k.k${i}`).join(' AND ');
    return `
      WITH k AS (SELECT * FROM unnest(${params}) AS k(${keyCols.join(', ')})),
           found AS MATERIALIZED (SELECT ${fk.refColumns.map((c, i) => `p.${ident(c)} AS k${i}`).join(', ')}
                     FROM ${ident(fk.refTable)} p JOIN k ON ${join}
                     FOR KEY SHARE OF p)
      SELECT ARRAY[${keyCols.map((c) => `k.${c}::text`).join(', ')}] AS key FROM k
      WHERE NOT EXISTS (SELECT 1 FROM found f WHERE ${keyCols.map((c) => `f.${c} = k.${c}`).join(' AND ')})
      LIMIT 1`;
  },
};
