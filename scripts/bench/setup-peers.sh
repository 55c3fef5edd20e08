#!/usr/bin/env bash
# Create /work/main/.venv-bench (if absent) and install the Python peers used by
# the ICD-10-CM code-search benchmark (scripts/bench/icd_peers.py).
# Idempotent and quiet; any failure aborts with a non-zero exit.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${REPO_ROOT}/.venv-bench"
PYTHON="${PYTHON:-python3}"

ICD10_CODER_VERSION="0.2.3"
SIMPLE_ICD_VERSION="1.5.0"

die() { echo "setup-peers: ERROR: $*" >&2; exit 1; }

command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found"

if [ ! -x "${VENV}/bin/python" ]; then
    "$PYTHON" -m venv "$VENV" || die "could not create venv at $VENV (is python3-venv installed?)"
fi

VPY="${VENV}/bin/python"

# Skip pip entirely when the exact versions are already present.
if "$VPY" - "$ICD10_CODER_VERSION" "$SIMPLE_ICD_VERSION" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
want = {"icd10-coder": sys.argv[1], "simple-icd-10-cm": sys.argv[2]}
sys.exit(0 if all(version(k) == v for k, v in want.items()) else 1)
PY
then
    exit 0
fi

"$VPY" -m pip install --quiet --disable-pip-version-check \
    "icd10-coder==${ICD10_CODER_VERSION}" \
    "simple-icd-10-cm==${SIMPLE_ICD_VERSION}" \
    || die "pip install of the peers failed"

"$VPY" - "$ICD10_CODER_VERSION" "$SIMPLE_ICD_VERSION" <<'PY' || die "installed versions do not match"
import sys
from importlib.metadata import version
want = {"icd10-coder": sys.argv[1], "simple-icd-10-cm": sys.argv[2]}
bad = {k: version(k) for k, v in want.items() if version(k) != v}
if bad:
    print("unexpected versions:", bad, file=sys.stderr)
    sys.exit(1)
PY
[ -x "${VENV}/bin/icd10-coder" ] || die "icd10-coder CLI missing from ${VENV}/bin"
