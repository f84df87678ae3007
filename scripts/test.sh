#!/usr/bin/env bash
# The test command (`npm test`): provisions PostgreSQL/PostGIS and Redis when DATABASE_URL and
# REDIS_URL are not set, generates the Prisma client, type-checks, then runs every spec.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/services.sh start)"
export DATABASE_URL REDIS_URL
npm run --silent generate >/dev/null
npm run --silent check
npx jest "$@"
