-- Up Migration
-- Ingest looks for the people a roster row without a known ID number could be: same district,
-- birth date and name, active, with no ID number of their own. Without an index of its own that
-- look-up read every person born on any of the batch's birth dates (about 170 ms per batch of
-- 5,000 rows once a district holds 100,000 people, bench/RESULTS.md). Only people without an ID
-- number are in this partial index, so it stays small and costs a roster of ID holders nothing.
CREATE INDEX person_match_candidate_idx ON person (district_code, birth_date, name)
  WHERE id_number IS NULL AND status = 'ACTIVE';

-- Houses are found by normalised address when a row gives no house code; there was no index on
-- the address, so each batch's look-up read the whole house table (66 s of a 1,000,000-row ingest).
CREATE INDEX house_address_idx ON house (district_code, address) WHERE address IS NOT NULL;

-- Down Migration
DROP INDEX house_address_idx;
DROP INDEX person_match_candidate_idx;
