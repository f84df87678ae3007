-- Up Migration
-- A source record keeps a row's cells as they arrived and as they were read (raw, normalized).
-- Nothing queries inside them; they are written once per roster row and read back whole. As json
-- (the text, validated) rather than jsonb they keep the spreadsheet's column order, which jsonb
-- replaces by its own key order, and PostgreSQL stores them without building a jsonb value per row:
-- a COPY of 1,000,000 source records took 15.7 s instead of 17.8 s (bench/RESULTS.md).
ALTER TABLE source_record
  ALTER COLUMN raw DROP DEFAULT,
  ALTER COLUMN normalized DROP DEFAULT,
  ALTER COLUMN raw TYPE json USING raw::json,
  ALTER COLUMN normalized TYPE json USING normalized::json,
  ALTER COLUMN raw SET DEFAULT '{}',
  ALTER COLUMN normalized SET DEFAULT '{}';

-- Houses from rosters have no location until someone places them; the spatial index need not hold
-- them. Every spatial condition on houses (`location && …`) implies a location, so the planner uses
-- the partial index for them as before (src/registry/house.spec.ts, "houses filters").
DROP INDEX house_location_idx;
CREATE INDEX house_location_idx ON house USING gist (location) WHERE location IS NOT NULL;

-- Down Migration
DROP INDEX house_location_idx;
CREATE INDEX house_location_idx ON house USING gist (location);
ALTER TABLE source_record
  ALTER COLUMN raw DROP DEFAULT,
  ALTER COLUMN normalized DROP DEFAULT,
  ALTER COLUMN raw TYPE jsonb USING raw::jsonb,
  ALTER COLUMN normalized TYPE jsonb USING normalized::jsonb,
  ALTER COLUMN raw SET DEFAULT '{}',
  ALTER COLUMN normalized SET DEFAULT '{}';
