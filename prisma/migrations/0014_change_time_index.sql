-- Up Migration
-- "As of T" reads the changes recorded after T (`ledger_overrides`, `report_*_as_of`) through this
-- index. A creation is never among them for an entity that existed at T (its creation was recorded
-- before T, and one created after T does not exist at T): the index need not hold creations. They
-- are most of the log (all 1,666,668 change rows of a new 1M-row roster), and the index cost a
-- fifth of a COPY of them: 333,334 change rows took 1.25-1.29 s with it, 1.01-1.05 s with it
-- partial (bench/RESULTS.md). The readers say `op <> 'CREATE'`, so that the planner may use it.
DROP INDEX ledger_change_recorded_idx;
CREATE INDEX ledger_change_recorded_idx ON ledger_change (entity_type, recorded_at) WHERE op <> 'CREATE';

CREATE OR REPLACE FUNCTION ledger_overrides(etype entity_type, t timestamptz)
RETURNS TABLE (district_code text, entity_id bigint, overrides jsonb)
LANGUAGE sql STABLE AS $$
  WITH firsts AS (
    SELECT DISTINCT ON (c.district_code, c.entity_id, e.key) c.district_code, c.entity_id, e.key, e.value -> 0 AS old
    FROM ledger_change c CROSS JOIN LATERAL jsonb_each(c.changes) e
    WHERE c.entity_type = etype AND c.recorded_at > t AND c.op <> 'CREATE'
    ORDER BY c.district_code, c.entity_id, e.key, c.id
  )
  SELECT district_code, entity_id, jsonb_object_agg(key, old) FROM firsts GROUP BY district_code, entity_id
$$;

-- the as-of rows of 0005 (the changes since T without creations), one definition for the three
DO $do$
DECLARE e record;
BEGIN
  FOR e IN SELECT * FROM (VALUES ('person', 'PERSON'), ('fact', 'FACT'), ('civic_case', 'CASE')) AS v(tbl, etype)
  LOOP
    EXECUTE format($f$
      CREATE OR REPLACE FUNCTION %1$I(t timestamptz) RETURNS SETOF %2$I LANGUAGE sql STABLE AS $$
        SELECT x.* FROM %2$I x
        WHERE x.created_at <= t AND NOT EXISTS (
          SELECT 1 FROM ledger_change c
          WHERE c.entity_type = %3$L AND c.recorded_at > t AND c.op <> 'CREATE' AND c.district_code = x.district_code
            AND c.entity_id = x.id)
        UNION ALL
        SELECT r.* FROM %2$I x
        JOIN ledger_overrides(%3$L, t) o ON o.district_code = x.district_code AND o.entity_id = x.id
        CROSS JOIN LATERAL jsonb_populate_record(x, o.overrides) r
        WHERE x.created_at <= t
      $$$f$, 'report_' || e.tbl || '_as_of', e.tbl, e.etype);
  END LOOP;
END
$do$;

-- Down Migration
CREATE OR REPLACE FUNCTION ledger_overrides(etype entity_type, t timestamptz)
RETURNS TABLE (district_code text, entity_id bigint, overrides jsonb)
LANGUAGE sql STABLE AS $$
  WITH firsts AS (
    SELECT DISTINCT ON (c.district_code, c.entity_id, e.key) c.district_code, c.entity_id, e.key, e.value -> 0 AS old
    FROM ledger_change c CROSS JOIN LATERAL jsonb_each(c.changes) e
    WHERE c.entity_type = etype AND c.recorded_at > t
    ORDER BY c.district_code, c.entity_id, e.key, c.id
  )
  SELECT district_code, entity_id, jsonb_object_agg(key, old) FROM firsts GROUP BY district_code, entity_id
$$;

-- the as-of rows of 0005 (as they were), one definition for the three
DO $do$
DECLARE e record;
BEGIN
  FOR e IN SELECT * FROM (VALUES ('person', 'PERSON'), ('fact', 'FACT'), ('civic_case', 'CASE')) AS v(tbl, etype)
  LOOP
    EXECUTE format($f$
      CREATE OR REPLACE FUNCTION %1$I(t timestamptz) RETURNS SETOF %2$I LANGUAGE sql STABLE AS $$
        SELECT x.* FROM %2$I x
        WHERE x.created_at <= t AND NOT EXISTS (
          SELECT 1 FROM ledger_change c
          WHERE c.entity_type = %3$L AND c.recorded_at > t AND c.district_code = x.district_code
            AND c.entity_id = x.id)
        UNION ALL
        SELECT r.* FROM %2$I x
        JOIN ledger_overrides(%3$L, t) o ON o.district_code = x.district_code AND o.entity_id = x.id
        CROSS JOIN LATERAL jsonb_populate_record(x, o.overrides) r
        WHERE x.created_at <= t
      $$$f$, 'report_' || e.tbl || '_as_of', e.tbl, e.etype);
  END LOOP;
END
$do$;

DROP INDEX ledger_change_recorded_idx;
CREATE INDEX ledger_change_recorded_idx ON ledger_change (entity_type, recorded_at);
