#!/usr/bin/env bash
# The scrubber benchmark (issue 5): a 100,000-claim 837P batch (5 lines each) parsed and
# scrubbed with the official ICD-10-CM release and full-size NCCI PTP (500,000 pairs) and MUE
# (15,000 rows) tables loaded. Release build; medians; results go to BENCHMARKS.md by hand.
#
#   scripts/bench/claims-bench.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-5}"
WORK=var/bench-claims
DATA="$WORK/data"
cargo build --release -p rcm-cli
cargo build --release -p rcm-edits --example scrub_bench --example ncci_synth
rm -rf "$WORK" && mkdir -p "$WORK/ncci"
RCM=target/release/rcm scripts/install-data.sh "$DATA" >/dev/null
target/release/examples/ncci_synth "$WORK/ncci"
/usr/bin/time -f "edits import: %e s, peak %M KiB" \
  target/release/rcm --data-dir "$DATA" edits import "$WORK"/ncci/ccipra-*.zip >/dev/null
target/release/rcm --data-dir "$DATA" edits import "$WORK"/ncci/MCR_MUE_*.zip >/dev/null
target/release/examples/scrub_bench gen "$WORK/claims-100k.837" 100000
echo "== in-process: load once, then read + parse + scrub, $RUNS runs"
target/release/examples/scrub_bench run "$DATA" "$WORK/claims-100k.837" "$RUNS"
echo "== whole command, report to /dev/null ($RUNS runs)"
for _ in $(seq "$RUNS"); do
  /usr/bin/time -f "rcm claims check --json: %e s wall, %U s user + %S s sys CPU, peak %M KiB" \
    target/release/rcm --data-dir "$DATA" claims check "$WORK/claims-100k.837" --json --today 2026-11-24 >/dev/null || true
done
echo "== nearest peer on this machine: pyx12 x12valid (implementation-guide validation only) on 1,000 claims"
scripts/install-test-tools.sh
target/release/examples/scrub_bench gen "$WORK/claims-1k.837" 1000
/usr/bin/time -f "pyx12 x12valid: %e s wall, peak %M KiB" .venv/bin/x12valid "$WORK/claims-1k.837" >/dev/null || true
/usr/bin/time -f "rcm claims check (1,000 claims): %e s wall, peak %M KiB" \
  target/release/rcm --data-dir "$DATA" claims check "$WORK/claims-1k.837" --json --today 2026-11-24 >/dev/null || true
