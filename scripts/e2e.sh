#!/usr/bin/env bash
# End-to-end tests of the web console (console/e2e/*.e2e.ts): headless Chromium from Debian's
# packages, driven by playwright-core, against the real server on its own database (yibiao_e2e).
# Installs chromium, chromium-driver and a CJK font when missing (as root), builds the server and
# the console, provisions the services like `npm test`, and saves screenshots in test-artifacts/e2e/.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi
}
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
fc-list 2>/dev/null | grep -qi 'CJK' || missing+=(fonts-noto-cjk)  # Chinese text in the screenshots
if [ ${#missing[@]} -gt 0 ]; then
  if ! as_root true; then
    echo "e2e: missing Debian packages: ${missing[*]}; install them as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "e2e: installing ${missing[*]} from Debian's packages" >&2
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund  # not npm ci: see .ci/run
fi
npm --prefix console install --no-audit --no-fund
npm run --silent build
npm --prefix console run --silent build
eval "$(scripts/services.sh start)"
export DATABASE_URL REDIS_URL
exec npx jest --config console/e2e/jest.config.cjs "$@"
