#!/usr/bin/env bash
# Installs what the browser tests need: Debian's Chromium (the tests drive it headless with
# playwright-core; Playwright's own browser downloads are not used) and the pinned npm packages
# of tests/browser (package-lock.json, `npm ci`). Idempotent and quiet when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM="${RCM_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "installing chromium (apt-get)…"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    chromium fonts-liberation >/dev/null
  echo "installed $("$CHROMIUM" --version 2>/dev/null | grep -i chromium || echo chromium)"
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "npm is missing: install Node.js 20 or newer (apt-get install nodejs npm)" >&2
  exit 1
fi

cd tests/browser
stamp=node_modules/.package-lock.sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  echo "$want" > "$stamp"
  echo "installed tests/browser npm packages: $(node -p "Object.entries(require('./package.json').dependencies).map(([k,v])=>k+'@'+v).join(' ')")"
fi
