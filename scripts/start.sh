#!/usr/bin/env bash
# From a fresh clone to a running API in one command: installs dependencies, provisions PostgreSQL
# (with PostGIS) and Redis when DATABASE_URL/REDIS_URL are not set, builds, migrates, loads the
# fixture district (once) and serves http://localhost:${PORT:-4000}/graphql.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund  # not npm ci: see .ci/run
fi
eval "$(scripts/services.sh start)"
export DATABASE_URL REDIS_URL
npm run --silent build
npm --prefix console install --no-audit --no-fund && npm --prefix console run --silent build  # the web console at /
node bin/yibiao migrate
node bin/yibiao seed --persons "${YIBIAO_SEED_PERSONS:-2000}"
exec node bin/yibiao serve
