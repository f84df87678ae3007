-- Distributes the Yibiao schema over a Citus cluster (Citus 12+, PostGIS installed on every node).
--
-- Run once on the coordinator, after `yibiao migrate` and before loading data:
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f scripts/citus/distribute.sql
-- src/db/citus-readiness.spec.ts checks this file against the migrated schema: every table is
-- named below exactly once, every distributed table has its distribution column in its primary
-- key and in every unique constraint, and every foreign key between distributed tables carries it.
-- Citus itself is not a Debian package, so that test checks the schema, not a running cluster.
--
-- The ledger is distributed by district_code: a district's persons, households, houses, things,
-- cases and their logs live on one node (co-located), so every write batch and every read inside
-- a district runs on one node, and reports over the city run on all nodes in parallel.

CREATE EXTENSION IF NOT EXISTS citus;
-- The append-only triggers only refuse UPDATE/DELETE and the routing-cell trigger keeps one
-- reference table in step with another. The person_id_number_* triggers write, from a person
-- shard, into person_id_number (distributed by the ID number, so usually on another node): that
-- needs Citus 11+ with metadata on every node, and is the first thing to verify on a real cluster.
SET citus.enable_unsafe_triggers = on;

-- Reference tables: small, read by nearly every query, copied to every node.
-- -- territory and code lists
SELECT create_reference_table('department');
SELECT create_reference_table('fact_kind');
SELECT create_reference_table('area');
SELECT create_reference_table('area_routing_cell');
-- -- staff accounts, keys and sessions (thousands of rows)
SELECT create_reference_table('account');
SELECT create_reference_table('refresh_token');
SELECT create_reference_table('api_key');
-- -- report requests and outreach campaigns (a few per area and period)
SELECT create_reference_table('report');
SELECT create_reference_table('outreach_campaign');

-- Distributed by district_code, all co-located with person.
SELECT create_distributed_table('person', 'district_code');
SELECT create_distributed_table('household', 'district_code', colocate_with => 'person');
SELECT create_distributed_table('house', 'district_code', colocate_with => 'person');
SELECT create_distributed_table('thing', 'district_code', colocate_with => 'person');
SELECT create_distributed_table('fact', 'district_code', colocate_with => 'person');
SELECT create_distributed_table('source_record', 'district_code', colocate_with => 'person');
SELECT create_distributed_table('ledger_change', 'district_code', colocate_with => 'person');
SELECT create_distributed_table('conflict', 'district_code', colocate_with => 'person');
SELECT create_distributed_table('civic_case', 'district_code', colocate_with => 'person');
SELECT create_distributed_table('case_transition', 'district_code', colocate_with => 'person');
SELECT create_distributed_table('ingest_run', 'district_code', colocate_with => 'person');
SELECT create_distributed_table('ingest_row_issue', 'district_code', colocate_with => 'person');
SELECT create_distributed_table('match_decision', 'district_code', colocate_with => 'person');
SELECT create_distributed_table('review_item', 'district_code', colocate_with => 'person');
SELECT create_distributed_table('person_merge', 'district_code', colocate_with => 'person');
SELECT create_distributed_table('cohort_member', 'district_code', colocate_with => 'person');
SELECT create_distributed_table('cohort_event', 'district_code', colocate_with => 'person');
SELECT create_distributed_table('outreach_message', 'district_code', colocate_with => 'person');
SELECT create_distributed_table('outreach_opt_out', 'district_code', colocate_with => 'person');

-- One person per ID number across the city: the table is keyed, and so distributed, by the ID
-- number, so that Citus can enforce its primary key (a unique index on person would span shards).
SELECT create_distributed_table('person_id_number', 'id_number', colocate_with => 'none');

-- The audit log belongs to no district (an administrator's action spans the city): it is
-- append-only, joined with nothing and read by time range, so it is spread by its own id.
SELECT create_distributed_table('audit_log', 'id', colocate_with => 'none');

-- Stay on the coordinator:
-- local: schema_migration   (the migration runner's bookkeeping)
-- local: spatial_ref_sys    (PostGIS's own table; Citus handles it with the extension)
