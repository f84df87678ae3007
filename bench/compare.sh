#!/usr/bin/env bash
# `npm run bench:compare`: provisions PostgreSQL/PostGIS and Redis like `npm test` does (unless
# DATABASE_URL and REDIS_URL are set), builds, creates and migrates the benchmark database
# (yibiao_bench on the same server; BENCH_DATABASE_URL overrides) with BENCH_PERSONS residents
# (default 100000) like `npm run bench`, then runs bench/compare.ts with the arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/services.sh start)"
export REDIS_URL
export BENCH_PERSONS="${BENCH_PERSONS:-100000}"
export DATABASE_URL="${BENCH_DATABASE_URL:-$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/yibiao_bench"; console.log(u.toString())' "$DATABASE_URL")}"
npm run --silent build
node bin/yibiao migrate >&2
node bin/yibiao seed --persons "$BENCH_PERSONS" >&2
# settle the freshly loaded database as autovacuum eventually would (see bench/run.ts)
node -e 'const pg = require("pg"); const c = new pg.Client({ connectionString: process.env.DATABASE_URL }); c.connect().then(() => c.query("VACUUM (ANALYZE)")).then(() => c.end())'
exec node dist/bench/compare.js "$@"
