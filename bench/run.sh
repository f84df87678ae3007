#!/usr/bin/env bash
# `npm run bench`: provisions PostgreSQL/PostGIS and Redis like `npm test` does (unless DATABASE_URL
# and REDIS_URL are set), builds, creates and migrates the benchmark's own database (yibiao_bench on
# the same server; BENCH_DATABASE_URL overrides), loads the fixture district with BENCH_PERSONS
# residents (default 100000) when it is not loaded yet, then runs bench/run.ts with the arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/services.sh start)"
export REDIS_URL
export BENCH_PERSONS="${BENCH_PERSONS:-100000}"
# the same server, another database: never the one `npm start` or the tests use
export DATABASE_URL="${BENCH_DATABASE_URL:-$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/yibiao_bench"; console.log(u.toString())' "$DATABASE_URL")}"
npm run --silent build
node bin/yibiao migrate >&2
node bin/yibiao seed --persons "$BENCH_PERSONS" >&2
exec node dist/bench/run.js "$@"
