/** SQL of the audit log (append-only; see migration 0006). */

export const auditSql = {
  /** Inserts many entries in one statement; $1 is a JSON array of entries. */
  insert: `
    INSERT INTO audit_log (actor_kind, actor_id, actor_name, role, operation, target, purpose, outcome, request_id, details)
    SELECT e."actorKind", e."actorId", e."actorName", e.role, e.operation, e.target, e.purpose,
           e.outcome::audit_outcome, e."requestId", e.details
    FROM jsonb_to_recordset($1::jsonb) AS e("actorKind" text, "actorId" text, "actorName" text, role text,
      operation text, target text, purpose text, outcome text, "requestId" text, details jsonb)`,
  /** A page of entries, newest first, by optional actor, operation, target and period. */
  page: `
    SELECT id, at, actor_kind AS "actorKind", actor_id AS "actorId", actor_name AS "actorName", role, operation,
           target, purpose, outcome::text AS outcome, request_id AS "requestId", details
    FROM audit_log
    WHERE ($1::bigint IS NULL OR id < $1)
      AND ($2::text IS NULL OR actor_name = $2)
      AND ($3::text IS NULL OR operation = $3)
      AND ($4::text IS NULL OR target = $4)
      AND ($5::timestamptz IS NULL OR at >= $5)
      AND ($6::timestamptz IS NULL OR at < $6)
    ORDER BY id DESC LIMIT $7`,
  purge: `SELECT audit_purge($1) AS deleted`,
};
