/** SQL of outreach: campaigns, the outbox of messages, opt-outs. */
export const outreachSql = {
  insertCampaign: `INSERT INTO outreach_campaign (id, cohort_id, channel, template, created_by)
                   VALUES ($1, $2, $3, $4, $5)
                   ON CONFLICT (id) DO NOTHING RETURNING *`,
  campaign: `SELECT * FROM outreach_campaign WHERE id = $1`,
  /**
   * Queues one message per member of the cohort at $1 (day $2) within the areas $4 for campaign
   * $3, skipping persons who opted out of the channel and persons already in the campaign (the
   * unique key makes a repeated batch add nothing). Returns how many were queued and skipped.
   */
  enqueue: (members: string) => `
    WITH members AS MATERIALIZED (SELECT c.district_code, c.person_id FROM (${members}) c WHERE c.area_code = ANY($4::text[])),
    camp AS (SELECT * FROM outreach_campaign WHERE id = $3),
    eligible AS (
      SELECT m.district_code, m.person_id, p.name FROM members m
      JOIN person p ON p.district_code = m.district_code AND p.id = m.person_id
      WHERE NOT EXISTS (SELECT 1 FROM outreach_opt_out o, camp
                        WHERE o.district_code = m.district_code AND o.person_id = m.person_id AND o.channel = camp.channel)),
    ins AS (
      INSERT INTO outreach_message (campaign_id, district_code, person_id, channel, body)
      SELECT camp.id, e.district_code, e.person_id, camp.channel, replace(camp.template, '{name}', e.name) FROM eligible e, camp
      ON CONFLICT (campaign_id, district_code, person_id) DO NOTHING
      RETURNING 1)
    SELECT (SELECT count(*) FROM members)::int AS members,
           (SELECT count(*) FROM ins)::int AS queued,
           ((SELECT count(*) FROM members) - (SELECT count(*) FROM eligible))::int AS opted_out`,
  /** Claims pending messages for sending (concurrent dispatchers never take the same one). */
  claim: `
    UPDATE outreach_message m SET attempts = attempts + 1
    WHERE m.id IN (SELECT id FROM outreach_message WHERE campaign_id = $1 AND status = 'PENDING'
                   ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
    RETURNING m.id, m.campaign_id, m.district_code, m.person_id, m.channel, m.body,
      (SELECT phone FROM person p WHERE p.district_code = m.district_code AND p.id = m.person_id) AS phone`,
  /** Applies send results ($1 ids, $2 statuses, $3 refs, $4 errors). */
  applyResults: `
    UPDATE outreach_message m SET status = r.status::outreach_status, provider_ref = r.ref, error = r.error,
      sent_at = CASE WHEN r.status IN ('SENT', 'DELIVERED') THEN now() ELSE m.sent_at END,
      delivered_at = CASE WHEN r.status = 'DELIVERED' THEN now() ELSE m.delivered_at END
    FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS r(id, status, ref, error)
    WHERE m.id = r.id`,
  delivery: `UPDATE outreach_message SET status = $2::outreach_status, error = $3,
               delivered_at = CASE WHEN $2 = 'DELIVERED' THEN now() ELSE delivered_at END
             WHERE provider_ref = $1 AND status IN ('SENT', 'DELIVERED', 'FAILED') RETURNING id`,
  optOut: `INSERT INTO outreach_opt_out (district_code, person_id, channel, reason) VALUES ($1, $2, $3, $4)
           ON CONFLICT (district_code, person_id, channel) DO UPDATE SET reason = EXCLUDED.reason`,
  /** Drops a pending message of a person who has just opted out. */
  cancelPending: `UPDATE outreach_message SET status = 'FAILED', error = 'opted out'
                  WHERE district_code = $1 AND person_id = $2 AND channel = $3 AND status = 'PENDING'`,
  statusCounts: `SELECT status, count(*)::int AS n FROM outreach_message WHERE campaign_id = $1 GROUP BY status`,
  messages: `SELECT id, person_id, status, attempts, provider_ref, error, body FROM outreach_message
             WHERE campaign_id = $1 ORDER BY id`,
};
