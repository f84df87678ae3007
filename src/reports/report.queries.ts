/** SQL of generated reports (the report table). */
export const reportSql = {
  insert: `INSERT INTO report (form_id, period, area_code, as_of, download_token, requested_by)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
  byId: `SELECT * FROM report WHERE id = $1`,
  /** Claims a report for generation; a report already DONE is left alone (idempotent jobs). */
  claim: `UPDATE report SET status = 'RUNNING', error = NULL WHERE id = $1 AND status <> 'DONE' RETURNING *`,
  done: `UPDATE report SET status = 'DONE', figures = $2, file_path = $3, finished_at = now() WHERE id = $1 RETURNING *`,
  failed: `UPDATE report SET status = 'FAILED', error = $2, finished_at = now() WHERE id = $1 RETURNING *`,
  /** The latest report of a form, period and area that is queued, running or done. */
  existing: `SELECT * FROM report WHERE form_id = $1 AND period = $2 AND area_code = $3 AND status <> 'FAILED'
             ORDER BY id DESC LIMIT 1`,
};
