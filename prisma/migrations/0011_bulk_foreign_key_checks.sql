-- Up Migration
-- The ledger writes a large batch with PostgreSQL's row-by-row foreign-key checks switched off
-- (session_replication_role = replica, for the statements of that batch only) and checks every
-- reference the batch makes with one set-based statement per foreign key instead, locking the
-- referenced rows as the row-by-row checks would (src/ledger/bulk-checks.ts). Replica mode skips
-- every trigger left in its default mode, so the triggers that keep invariants of their own fire
-- always: the append-only guards and the ID-number index must hold whatever a session has set.
ALTER TABLE source_record ENABLE ALWAYS TRIGGER source_record_append_only;
ALTER TABLE source_record ENABLE ALWAYS TRIGGER source_record_no_truncate;
ALTER TABLE ledger_change ENABLE ALWAYS TRIGGER ledger_change_append_only;
ALTER TABLE ledger_change ENABLE ALWAYS TRIGGER ledger_change_no_truncate;
ALTER TABLE case_transition ENABLE ALWAYS TRIGGER case_transition_append_only;
ALTER TABLE case_transition ENABLE ALWAYS TRIGGER case_transition_no_truncate;
ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_append_only;
ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_truncate;
ALTER TABLE area ENABLE ALWAYS TRIGGER area_routing_cells_insert;
ALTER TABLE area ENABLE ALWAYS TRIGGER area_routing_cells_update;
ALTER TABLE person ENABLE ALWAYS TRIGGER person_id_number_inserted;
ALTER TABLE person ENABLE ALWAYS TRIGGER person_id_number_updated;
ALTER TABLE person ENABLE ALWAYS TRIGGER person_id_number_deleted;

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
ALTER TABLE person ENABLE TRIGGER person_id_number_deleted;
ALTER TABLE person ENABLE TRIGGER person_id_number_updated;
ALTER TABLE person ENABLE TRIGGER person_id_number_inserted;
ALTER TABLE area ENABLE TRIGGER area_routing_cells_update;
ALTER TABLE area ENABLE TRIGGER area_routing_cells_insert;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_truncate;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;
ALTER TABLE case_transition ENABLE TRIGGER case_transition_no_truncate;
ALTER TABLE case_transition ENABLE TRIGGER case_transition_append_only;
ALTER TABLE ledger_change ENABLE TRIGGER ledger_change_no_truncate;
ALTER TABLE ledger_change ENABLE TRIGGER ledger_change_append_only;
ALTER TABLE source_record ENABLE TRIGGER source_record_no_truncate;
ALTER TABLE source_record ENABLE TRIGGER source_record_append_only;
