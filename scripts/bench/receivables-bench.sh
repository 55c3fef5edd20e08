#!/usr/bin/env bash
# The getting-paid benchmark (issue 7), release build, on SQLite and on the real PostgreSQL:
#  - posting a 10,000-claim 835 (20,000 service lines, 1 claim in 10 denied) for 10,000 submitted
#    claims: file bytes -> validated, matched, posted, balances, history and work queue committed;
#  - A/R aging over 1,000,000 service lines (250,000 claims), by payer and by patient, and the
#    headline numbers.
# The nearest peer on this machine is pyx12's x12valid reading the same 835 (validation only, no
# posting). Results go to BENCHMARKS.md by hand.
#
#   scripts/bench/receivables-bench.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-3}"
WORK=var/bench-receivables
mkdir -p "$WORK"
cargo build --release -p rcm-store --example receivables_bench
echo "== SQLite ($RUNS posting runs on fresh claims; aging 5 runs)"
/usr/bin/time -f "(whole SQLite run: %e s, peak %M KiB)" \
  target/release/examples/receivables_bench sqlite --runs "$RUNS" --keep-835 "$WORK/remit-10k.835"
echo "== PostgreSQL"
if [ -z "${RCM_TEST_DATABASE_URL:-}" ]; then
  export RCM_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/test"
fi
/usr/bin/time -f "(whole PostgreSQL run: %e s, peak %M KiB)" \
  target/release/examples/receivables_bench postgres --runs "$RUNS"
echo "== peer on the same 835: pyx12 x12valid (reads and validates; posts nothing)"
scripts/install-test-tools.sh >/dev/null
/usr/bin/time -f "pyx12 x12valid, 10,000-claim 835: %e s wall, peak %M KiB" .venv/bin/x12valid "$WORK/remit-10k.835" >/dev/null || true
