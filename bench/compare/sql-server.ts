/**
 * The ceiling of the side-by-side read benchmark: the persons page as one hand-written SQL
 * statement that builds the whole GraphQL-shaped JSON response, served by node:http and a `pg`
 * pool. No GraphQL, no sign-in: what PostgreSQL and a minimal Node server can do with this page.
 *
 *   node dist/bench/compare/sql-server.js <databaseUrl> [port]     (prints `listening <port>`)
 */
import { createServer } from 'node:http';
import pg from 'pg';

/**
 * The page and its count, as the project's `persons(first: 50)` answers them: live persons
 * (not merged) by id, each with household (and its head), house (and its area) and area; ids are
 * the same Relay global ids (base64url of `Person:<id>`).
 */
export const PERSONS_PAGE_SQL = `
WITH page AS (
  SELECT p.district_code, p.id, p.name, p.gender, p.birth_date, p.household_id, p.house_id, p.area_code
    FROM person p WHERE p.status <> 'MERGED' ORDER BY p.id LIMIT 50)
SELECT json_build_object('data', json_build_object('persons', json_build_object(
  'totalCount', (SELECT count(*) FROM person WHERE status <> 'MERGED'),
  'edges', coalesce(json_agg(json_build_object('node', json_build_object(
    'id', rtrim(translate(encode(convert_to('Person:' || pg.id, 'UTF8'), 'base64'), '+/', '-_'), '='),
    'name', pg.name,
    'gender', pg.gender,
    'birthDate', pg.birth_date,
    'household', CASE WHEN h.id IS NULL THEN NULL ELSE json_build_object(
      'householdNumber', h.household_number,
      'head', CASE WHEN hp.id IS NULL THEN NULL ELSE json_build_object('name', hp.name) END) END,
    'house', CASE WHEN ho.id IS NULL THEN NULL ELSE json_build_object(
      'address', ho.address, 'area', json_build_object('code', ha.code, 'name', ha.name)) END,
    'area', json_build_object('code', a.code, 'name', a.name))) ORDER BY pg.id), '[]'::json))))::text AS body
FROM page pg
LEFT JOIN household h ON h.district_code = pg.district_code AND h.id = pg.household_id
LEFT JOIN person hp ON hp.district_code = h.district_code AND hp.id = h.head_person_id
LEFT JOIN house ho ON ho.district_code = pg.district_code AND ho.id = pg.house_id
LEFT JOIN area ha ON ha.code = ho.area_code
JOIN area a ON a.code = pg.area_code`;

async function main() {
  const [databaseUrl, portArg] = process.argv.slice(2);
  if (!databaseUrl) throw new Error('usage: sql-server.js <databaseUrl> [port]');
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  const server = createServer((req, res) => {
    // the body (the GraphQL request) is read and ignored: this server answers one page only
    req.resume();
    req.on('end', () => {
      pool.query<{ body: string }>({ name: 'persons-page', text: PERSONS_PAGE_SQL }).then(
        (r) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(r.rows[0].body);
        },
        (e: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ errors: [{ message: e instanceof Error ? e.message : String(e) }] }));
        },
      );
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(portArg ?? 0), '127.0.0.1', () => {
    const a = server.address();
    process.stdout.write(`listening ${typeof a === 'object' && a ? a.port : String(a)}\n`);
  });
  process.once('SIGTERM', () => {
    server.close();
    void pool.end().then(() => process.exit(0));
  });
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
