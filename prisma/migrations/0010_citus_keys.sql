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
-- (and is distributed by it on Citus), kept in step with person by a trigger in the same
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

CREATE FUNCTION person_id_number_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.id_number IS NOT NULL
     AND (TG_OP = 'DELETE' OR NEW.id_number IS DISTINCT FROM OLD.id_number) THEN
    DELETE FROM person_id_number
      WHERE id_number = OLD.id_number AND district_code = OLD.district_code AND person_id = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.id_number IS NOT NULL
     AND (TG_OP = 'INSERT' OR NEW.id_number IS DISTINCT FROM OLD.id_number) THEN
    INSERT INTO person_id_number (id_number, district_code, person_id)
      VALUES (NEW.id_number, NEW.district_code, NEW.id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER person_id_number_sync AFTER INSERT OR DELETE OR UPDATE OF id_number ON person
  FOR EACH ROW EXECUTE FUNCTION person_id_number_sync();
GRANT SELECT, INSERT, UPDATE, DELETE ON person_id_number TO yibiao_app;

-- Down Migration
DROP TRIGGER person_id_number_sync ON person;
DROP FUNCTION person_id_number_sync();
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
