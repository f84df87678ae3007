#!/usr/bin/env bash
# The test command (`npm test`): provisions PostgreSQL/PostGIS and Redis when DATABASE_URL and
# REDIS_URL are not set, generates the Prisma client, type-checks, then runs every spec.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/services.sh start)"
# The report tests convert a generated form to PDF with LibreOffice and render it (poppler); a CJK
# font makes the Chinese text visible. Installed from Debian's packages when missing (as root),
# the same way scripts/services.sh installs PostgreSQL (about 25 s on a fresh machine).
if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "wqy\|noto sans cjk"; then
  if [ "$(id -u)" = 0 ]; then
    echo "test: installing libreoffice-calc-nogui, poppler-utils, fonts-wqy-microhei" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui poppler-utils fonts-wqy-microhei >&2
  else
    echo "test: missing LibreOffice/poppler/CJK font; as root: apt-get install -y libreoffice-calc-nogui poppler-utils fonts-wqy-microhei" >&2
  fi
fi
export DATABASE_URL REDIS_URL
npm run --silent generate >/dev/null
npm run --silent check
npx jest "$@"
