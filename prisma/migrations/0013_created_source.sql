-- Up Migration
-- A created entity's values all come from the source that created it, so its provenance map
-- repeated that one source id under every field it set: 200 of a person row's 455 bytes, built,
-- encoded and parsed as jsonb for every roster row. The creating source is now kept once per row;
-- the map holds only what differs from it: fields changed since (each with its own source), and
-- fields the creation set to null (with the creating source, as before). A JSON null in the map
-- means "no source", for a field whose source was taken away (an unmerge) while its value stayed.
-- Readers see the same map as before: a field's source is its entry in the map, else, when the
-- field holds a value, the creating source (`provenanceSql`, src/ledger/entities.ts; the write
-- path's `sourceOf`). Rows written before keep their full maps and no creating source.
-- Like the ids inside the provenance map, the column has no foreign key: the ledger writes the
-- source record in the same transaction, and a key would add a check per created row.
ALTER TABLE person ADD COLUMN created_source_id bigint;
ALTER TABLE household ADD COLUMN created_source_id bigint;
ALTER TABLE house ADD COLUMN created_source_id bigint;
ALTER TABLE thing ADD COLUMN created_source_id bigint;
ALTER TABLE civic_case ADD COLUMN created_source_id bigint;
ALTER TABLE fact ADD COLUMN created_source_id bigint;

-- Down Migration
-- (rows written since carry their creating source only in this column: put it back into the map)
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['person', 'household', 'house', 'thing', 'civic_case', 'fact'] LOOP
    EXECUTE format($f$
      UPDATE %1$I x SET provenance = (
        SELECT coalesce(jsonb_object_agg(e.key, x.created_source_id), '{}')
        FROM jsonb_each(to_jsonb(x)) e
        WHERE e.value <> 'null' AND e.key NOT IN ('district_code', 'id', 'provenance', 'version',
              'created_at', 'updated_at', 'created_source_id')
      ) || x.provenance
      WHERE x.created_source_id IS NOT NULL$f$, t);
    EXECUTE format('UPDATE %I SET provenance = jsonb_strip_nulls(provenance)', t);
    EXECUTE format('ALTER TABLE %I DROP COLUMN created_source_id', t);
  END LOOP;
END $$;
