-- Up Migration
-- Who may see what: staff accounts, refresh tokens, API keys for third-party applications, and the
-- append-only audit log (GB/T 22239 level 3: time, user, event, outcome; protected against change;
-- administration, security administration and audit kept apart).

CREATE TYPE account_role AS ENUM ('GRID_WORKER', 'COMMUNITY_STAFF', 'STREET_STAFF', 'DEPARTMENT_ANALYST',
  'COMMAND_CENTER', 'AUDITOR', 'ADMIN', 'APP');
CREATE TYPE audit_outcome AS ENUM ('SUCCESS', 'FAILURE', 'DENIED');

-- A member of staff. area_codes: the roots of the subtrees they may see; department_codes: the
-- departments whose facts they see (empty: facts of every department; a DEPARTMENT_ANALYST must
-- name at least one).
CREATE TABLE account (
  id               bigserial PRIMARY KEY,
  name             text NOT NULL UNIQUE,
  role             account_role NOT NULL CHECK (role <> 'APP'),
  password_hash    text NOT NULL,
  area_codes       text[] NOT NULL CHECK (cardinality(area_codes) > 0),
  department_codes text[] NOT NULL DEFAULT '{}',
  disabled_at      timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  created_by       text NOT NULL,
  CHECK (role <> 'DEPARTMENT_ANALYST' OR cardinality(department_codes) > 0)
);

-- Refresh tokens, stored as SHA-256 of a 256-bit random secret; each use replaces the token
-- (rotation) and reuse of a replaced one revokes its whole family.
CREATE TABLE refresh_token (
  id           bigserial PRIMARY KEY,
  account_id   bigint NOT NULL REFERENCES account (id),
  family       text NOT NULL,
  token_hash   text NOT NULL UNIQUE,
  expires_at   timestamptz NOT NULL,
  used_at      timestamptz,
  revoked_at   timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_token_family_idx ON refresh_token (family);

-- API keys of third-party applications: SHA-256 of the secret, the permissions granted, the area
-- subtrees and departments they may see, an expiry and a revocation.
CREATE TABLE api_key (
  id               bigserial PRIMARY KEY,
  name             text NOT NULL,
  key_hash         text NOT NULL UNIQUE,
  scopes           text[] NOT NULL,
  area_codes       text[] NOT NULL CHECK (cardinality(area_codes) > 0),
  department_codes text[] NOT NULL DEFAULT '{}',
  expires_at       timestamptz NOT NULL,
  revoked_at       timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  created_by       text NOT NULL
);

-- Every mutation and every unmasked read of personal data.
CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_kind  text NOT NULL,
  actor_id    text,
  actor_name  text NOT NULL,
  role        text,
  operation   text NOT NULL,
  target      text,
  purpose     text,
  outcome     audit_outcome NOT NULL,
  request_id  text NOT NULL,
  details     jsonb
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_name, at);

-- Append-only: no UPDATE, no TRUNCATE, and DELETE only through audit_purge() for rows past the
-- retention period (which the function checks against its floor of 180 days).
CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('yibiao.audit_purge', true) = 'on'
     AND OLD.at < now() - interval '180 days' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();

-- Database roles, so privileges back the triggers: the application (yibiao_app) may insert and
-- read the audit log but neither update nor delete it; the log belongs to yibiao_audit_owner;
-- only yibiao_maintenance may run the purge.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'yibiao_app') THEN CREATE ROLE yibiao_app NOLOGIN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'yibiao_audit_owner') THEN CREATE ROLE yibiao_audit_owner NOLOGIN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'yibiao_maintenance') THEN CREATE ROLE yibiao_maintenance NOLOGIN; END IF;
END $$;

CREATE FUNCTION audit_purge(keep_days integer) RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
DECLARE n bigint;
BEGIN
  IF keep_days < 180 THEN
    RAISE EXCEPTION 'audit records are kept at least 180 days (asked: %)', keep_days USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM set_config('yibiao.audit_purge', 'on', true);
  DELETE FROM audit_log WHERE at < now() - make_interval(days => keep_days);
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM set_config('yibiao.audit_purge', 'off', true);
  RETURN n;
END $$;

ALTER TABLE audit_log OWNER TO yibiao_audit_owner;
ALTER SEQUENCE audit_log_id_seq OWNER TO yibiao_audit_owner;
ALTER FUNCTION audit_purge(integer) OWNER TO yibiao_audit_owner;
REVOKE ALL ON FUNCTION audit_purge(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_purge(integer) TO yibiao_maintenance;
GRANT USAGE ON SCHEMA public TO yibiao_app, yibiao_maintenance;
GRANT SELECT, INSERT ON audit_log TO yibiao_app;
GRANT USAGE ON SEQUENCE audit_log_id_seq TO yibiao_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO yibiao_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM yibiao_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO yibiao_app;

-- Down Migration
DROP TABLE audit_log;
DROP FUNCTION audit_purge(integer);
DROP FUNCTION audit_log_guard();
DROP TABLE api_key;
DROP TABLE refresh_token;
DROP TABLE account;
DROP TYPE audit_outcome;
DROP TYPE account_role;
