-- Up Migration
-- Citus readiness: every unique constraint of a table distributed by district must contain
-- district_code, because Citus enforces uniqueness inside one shard only.
-- (test: src/db/citus-readiness.spec.ts; distribution: scripts/citus/distribute.sql)

-- Cohort events and outreach messages are per person, so they follow the person's district.
ALTER TABLE cohort_event DROP CONSTRAINT cohort_event_pkey;
ALTER TABLE cohort_event ADD PRIMARY KEY (district_code, id);

ALTER TABLE outreach_message DROP CONSTRAINT outreach_message_pkey;
ALTER TABLE outreach_message ADD PRIMARY KEY (district_code, id);
-- sends and delivery receipts find a message by id alone
CREATE INDEX outreach_message_id_idx ON outreach_message (id);

-- Runs are looked up by id alone (/ingest/runs/:id); ids come from one sequence, so the index
-- need not be unique, and a unique one without district_code cannot exist on Citus.
DROP INDEX ingest_run_id_idx;
CREATE INDEX ingest_run_id_idx ON ingest_run (id);

-- Down Migration
DROP INDEX ingest_run_id_idx;
CREATE UNIQUE INDEX ingest_run_id_idx ON ingest_run (id);
DROP INDEX outreach_message_id_idx;
ALTER TABLE outreach_message DROP CONSTRAINT outreach_message_pkey;
ALTER TABLE outreach_message ADD PRIMARY KEY (id);
ALTER TABLE cohort_event DROP CONSTRAINT cohort_event_pkey;
ALTER TABLE cohort_event ADD PRIMARY KEY (id);
