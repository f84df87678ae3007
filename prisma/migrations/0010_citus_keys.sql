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

-- One person per ID number across the whole city. A unique index on person (id_number) would
-- span every district, which Citus cannot enforce; this table is keyed by the ID number itself
-- (and is distributed by it on Citus), kept in step with person by triggers in the same
-- transaction. Its key keeps the old index's name, so a clash reads as before.
DROP INDEX person_id_number_key;
CREATE TABLE person_id_number (
  id_number     text CONSTRAINT person_id_number_key PRIMARY KEY,
  district_code text NOT NULL,
  person_id     bigint NOT NULL
);
INSERT INTO person_id_number (id_number, district_code, person_id)
  SELECT id_number, district_code, id FROM person WHERE id_number IS NOT NULL;
-- look-ups by ID number (ingest matching, idNumber search) read this index
CREATE INDEX person_id_number_idx ON person (id_number) WHERE id_number IS NOT NULL;

-- kept in step with person by statement-level triggers over transition tables: one set-based
-- statement per statement on person (a COPY of 5,000 new persons is one INSERT here, not 5,000
-- trigger calls)
CREATE FUNCTION person_id_number_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO person_id_number (id_number, district_code, person_id)
    SELECT id_number, district_code, id FROM new_rows WHERE id_number IS NOT NULL;
  RETURN NULL;
END $$;
CREATE FUNCTION person_id_number_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM person_id_number p
    USING old_rows o JOIN new_rows n ON n.district_code = o.district_code AND n.id = o.id
    WHERE o.id_number IS NOT NULL AND n.id_number IS DISTINCT FROM o.id_number
      AND p.id_number = o.id_number AND p.district_code = o.district_code AND p.person_id = o.id;
  INSERT INTO person_id_number (id_number, district_code, person_id)
    SELECT n.id_number, n.district_code, n.id
    FROM new_rows n JOIN old_rows o ON o.district_code = n.district_code AND o.id = n.id
    WHERE n.id_number IS NOT NULL AND n.id_number IS DISTINCT FROM o.id_number;
  RETURN NULL;
END $$;
CREATE FUNCTION person_id_number_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM person_id_number p USING old_rows o
    WHERE o.id_number IS NOT NULL
      AND p.id_number = o.id_number AND p.district_code = o.district_code AND p.person_id = o.id;
  RETURN NULL;
END $$;
CREATE TRIGGER person_id_number_inserted AFTER INSERT ON person
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_id_number_inserted();
CREATE TRIGGER person_id_number_updated AFTER UPDATE ON person
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION person_id_number_updated();
CREATE TRIGGER person_id_number_deleted AFTER DELETE ON person
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION person_id_number_deleted();
GRANT SELECT, INSERT, UPDATE, DELETE ON person_id_number TO yibiao_app;

-- Down Migration
DROP TRIGGER person_id_number_inserted ON person;
DROP TRIGGER person_id_number_updated ON person;
DROP TRIGGER person_id_number_deleted ON person;
DROP FUNCTION person_id_number_inserted();
DROP FUNCTION person_id_number_updated();
DROP FUNCTION person_id_number_deleted();
DROP INDEX person_id_number_idx;
DROP TABLE person_id_number;
CREATE UNIQUE INDEX person_id_number_key ON person (id_number) WHERE id_number IS NOT NULL;
DROP INDEX ingest_run_id_idx;
CREATE UNIQUE INDEX ingest_run_id_idx ON ingest_run (id);
DROP INDEX outreach_message_id_idx;
ALTER TABLE outreach_message DROP CONSTRAINT outreach_message_pkey;
ALTER TABLE outreach_message ADD PRIMARY KEY (id);
ALTER TABLE cohort_event DROP CONSTRAINT cohort_event_pkey;
ALTER TABLE cohort_event ADD PRIMARY KEY (id);
