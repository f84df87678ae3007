-- Up Migration
-- Staff work off the review queue (resolveReviewItem, src/ingest/review): the decision and the
-- reviewer's note are kept with the item, beside who resolved it and when (resolved_by,
-- resolved_at, there since the tables were made). KEEP: the ledger's value (or the two persons)
-- stay as they are; TAKE_OTHER: the other source's value became the shown one, as the reviewer's
-- edit; MERGE: the two persons were merged.
CREATE TYPE review_decision AS ENUM ('KEEP', 'TAKE_OTHER', 'MERGE');
ALTER TABLE review_item ADD COLUMN decision review_decision, ADD COLUMN note text;
ALTER TABLE conflict ADD COLUMN decision review_decision, ADD COLUMN note text;
-- an item is resolved by its number alone (the key also holds the district)
CREATE INDEX review_item_id_idx ON review_item (id);
CREATE INDEX conflict_id_idx ON conflict (id);
-- a merge closes the open match items between its two persons, found by either of them
CREATE INDEX review_item_person_idx ON review_item (district_code, person_id) WHERE status = 'OPEN';

-- Down Migration
DROP INDEX review_item_person_idx;
DROP INDEX conflict_id_idx;
DROP INDEX review_item_id_idx;
ALTER TABLE conflict DROP COLUMN decision, DROP COLUMN note;
ALTER TABLE review_item DROP COLUMN decision, DROP COLUMN note;
DROP TYPE review_decision;
