-- Up Migration
-- The ledger writes a large batch with PostgreSQL's row-by-row foreign-key checks switched off
-- (session_replication_role = replica, for the statements of that batch only) and checks every
-- reference the batch makes with one set-based statement per foreign key instead, locking the
-- referenced rows as the row-by-row checks would (src/ledger/bulk-checks.ts). Replica mode skips
-- every trigger left in its default mode, so the schema's own triggers (append-only guards, the
-- ID-number index, area routing cells) are made to fire always: they must hold whatever a session
-- has set. A test (src/ledger/bulk-checks.spec.ts) fails if a later trigger is left in the default.
DO $$
DECLARE t record;
BEGIN
  FOR t IN SELECT c.relname, g.tgname FROM pg_trigger g
           JOIN pg_class c ON c.oid = g.tgrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
           WHERE NOT g.tgisinternal AND g.tgenabled = 'O'
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ALWAYS TRIGGER %I', t.relname, t.tgname);
  END LOOP;
END $$;

-- The application's role may switch the per-row checks off for its own transactions (PostgreSQL
-- 15's parameter privileges; only a superuser can grant it: a migration run without one leaves
-- the ledger on the per-row checks, which works the same, only slower).
DO $$
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    GRANT SET ON PARAMETER session_replication_role TO yibiao_app;
  END IF;
END $$;

-- Down Migration
DO $$
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    REVOKE SET ON PARAMETER session_replication_role FROM yibiao_app;
  END IF;
END $$;
DO $$
DECLARE t record;
BEGIN
  FOR t IN SELECT c.relname, g.tgname FROM pg_trigger g
           JOIN pg_class c ON c.oid = g.tgrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
           WHERE NOT g.tgisinternal AND g.tgenabled = 'A'
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE TRIGGER %I', t.relname, t.tgname);
  END LOOP;
END $$;
