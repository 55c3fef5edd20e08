#!/usr/bin/env bash
# Independent validation of the X12 files OpenRCM writes: generates many varied 837P, 837I, 835
# and 999 files with rcm-x12 and checks each with pyx12's x12valid (zero errors required).
# The same check runs inside `cargo test -p rcm-x12 --test pyx12`; this script is the
# stand-alone entry point with a larger sample.
#
#   scripts/x12-pyx12-check.sh [FILES_PER_KIND]   (default 200)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-tools.sh
export RCM_VENV="${RCM_VENV:-$PWD/.venv}"
export RCM_PYX12_FILES="${1:-200}"
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}" cargo test -p rcm-x12 --test pyx12 -- --nocapture
