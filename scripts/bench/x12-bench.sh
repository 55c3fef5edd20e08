#!/usr/bin/env bash
# The X12 5010 engine benchmark (issue 4): rcm-x12 and its peers measured in one run, on the same
# synthetic 835 and 837P files, on the same machine under the same load. Prints a markdown summary
# to paste into BENCHMARKS.md (also saved to var/bench-x12/summary.md).
#
#   scripts/bench/x12-bench.sh [RUNS]        (default 7; `make bench-x12 RUNS=N`)
#
# rcm-x12: `measure` on the 100 MB files, one mode per process, modes interleaved run by run;
# medians of wall-clock and CPU-time MB/s, max peak RSS. One run each on the 1 GB files for
# peak memory. Peers, installed here under var/bench-x12 (git-ignored; nothing global):
# pyx12 (`x12valid`, in the project's .venv from scripts/install-test-tools.sh), x12sdk (PyPI),
# node-x12 (npm) and oxedi (PyPI: a Rust core behind Python bindings; it is not on crates.io).
# A peer that cannot be installed or run prints `PEER <name>: not measured: <reason>` and the
# run goes on; only a failure of rcm-x12's own build or measurement ends it with an error.
#
# Environment:
#   X12_BENCH_SKIP_1GB=1    neither write nor measure the 1 GB files
#   X12_BENCH_FULL=1        also run x12sdk on the 100 MB files (minutes per file)
#   X12_BENCH_PEER_RUNS=N   runs per peer measurement (default: RUNS, at most 3)
#   X12_BENCH_PEERS="..."   the peers to run (default: pyx12 x12sdk node-x12 oxedi; "" for none)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"

RUNS="${1:-7}"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "x12-bench: RUNS must be a positive integer, not '$RUNS'" >&2; exit 2; }
PEER_RUNS="${X12_BENCH_PEER_RUNS:-$(( RUNS < 3 ? RUNS : 3 ))}"
[[ "$PEER_RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "x12-bench: X12_BENCH_PEER_RUNS must be a positive integer" >&2; exit 2; }
SKIP_1GB="${X12_BENCH_SKIP_1GB:-0}"
FULL="${X12_BENCH_FULL:-0}"
PEERS="${X12_BENCH_PEERS-pyx12 x12sdk node-x12 oxedi}"

# Peer versions (pyx12's pin lives in scripts/requirements-test.txt; it is read back below).
X12SDK_VERSION=2.2.0
NODE_X12_VERSION=1.7.1
OXEDI_VERSION=0.6.0

WORK=var/bench-x12
DATA="$WORK/data"
LOGS="$WORK/logs"
RES="$WORK/results"
ROWS="$RES/rows.tsv"
TARGET="${CARGO_TARGET_DIR:-target}"
MEASURE="$TARGET/release/examples/measure"
SYNTH="$TARGET/release/examples/synth"

mkdir -p "$DATA" "$LOGS"
rm -rf "$RES" && mkdir -p "$RES"
: > "$ROWS"
if command -v git >/dev/null 2>&1 && git rev-parse --git-dir >/dev/null 2>&1 \
  && ! git check-ignore -q "$WORK/probe"; then
  echo "x12-bench: WARNING: $WORK is not git-ignored" >&2
fi

load_average() { uptime | sed -n 's/.*load average[s]*: *//p'; }
DATE="$(date -u '+%Y-%m-%d %H:%M UTC')"
NPROC="$(nproc)"
CPU_MODEL="$(lscpu 2>/dev/null | awk -F: '/^Model name/ { sub(/^[ \t]+/, "", $2); print $2; exit }')"
LOAD_START="$(load_average)"
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git status --porcelain -- crates/x12 2>/dev/null)" ]; then
  COMMIT="$COMMIT + uncommitted changes in crates/x12"
fi
echo "== x12-bench: $DATE, $NPROC cores ($CPU_MODEL), load average $LOAD_START; RUNS=$RUNS, peer runs $PEER_RUNS"

# ---------------------------------------------------------------------------------------------
# Helpers

# median: the median of the numbers on stdin (one per line); one decimal, two below 10.
median() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) exit 1
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf (m < 10 ? "%.2f\n" : "%.1f\n"), m }'
}
# col N FILE: column N of a results file ("wall_MBps cpu_MBps peak_MiB" per run).
col() { cut -d' ' -f"$1" "$2"; }
max_of() { sort -g | tail -n 1; }
# mb BYTES: "104.9 MB" (10^6 bytes).
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
size_of() { stat -c %s "$1"; }
# row TOOL FILE WHAT WALL CPU MEM NOTE: one line of the summary table.
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$ROWS"; }
# row_from TAG TOOL FILE WHAT NOTE: a summary line from the runs recorded under TAG.
row_from() {
  local tag="$1" n
  n="$(wc -l < "$RES/$tag")"
  row "$2" "$3" "$4" "$(col 1 "$RES/$tag" | median)" "$(col 2 "$RES/$tag" | median)" \
    "$(col 3 "$RES/$tag" | max_of) MiB" "$5${5:+; }$n run$([ "$n" = 1 ] || echo s)"
}

# parse_measure: reads measure's line (`view  104.9 MB  0.40 s  262.8 MB/s  cpu  268.9 MB/s
# peak RSS  3.2 MiB  (...)`) on stdin, prints "wall cpu rss"; fails when it finds no such line.
parse_measure() {
  awk '{
    w = ""; c = ""; r = ""
    for (i = 2; i <= NF; i++) {
      if ($i == "MB/s" && w == "" && $(i - 2) != "cpu") w = $(i - 1)
      if ($i == "cpu" && i < NF) c = $(i + 1)
      if ($i == "RSS" && i < NF) r = $(i + 1)
    }
    if (w ~ /^[0-9.]+$/ && c ~ /^[0-9.]+$/ && r ~ /^[0-9.]+$/) { print w, c, r; ok = 1 }
  } END { exit ok ? 0 : 1 }'
}

# run_measure FILE MODE TAG: one mode of `measure` in its own process; the numbers go to $RES/TAG.
run_measure() {
  local file="$1" mode="$2" tag="$3" line nums
  line="$("$MEASURE" "$file" "$mode")"
  printf '  %-26s %s\n' "$tag" "$line"
  if ! nums="$(parse_measure <<<"$line")"; then
    echo "x12-bench: cannot read measure's output for $file $mode: '$line'" >&2
    exit 1
  fi
  echo "$nums" >> "$RES/$tag"
}

# ---------------------------------------------------------------------------------------------
# rcm-x12: build, synthetic files, measurements

echo "== build rcm-x12 examples (release)"
cargo build --release -p rcm-x12 --examples

SIZES=(1MB 100MB)
[ "$SKIP_1GB" = 1 ] || SIZES+=(1GB)
echo "== synthetic files: $DATA (${SIZES[*]})"
rm -f "$DATA"/synth-*.x12
"$SYNTH" "$DATA" "${SIZES[@]}"

F835="$DATA/synth-835-100MB.x12"
F837="$DATA/synth-837p-100MB.x12"
S835="$(mb "$(size_of "$F835")")"
S837="$(mb "$(size_of "$F837")")"
# The `-par` modes check sets on worker threads (measure reads RCM_X12_THREADS; default: one per CPU).
THREADS="${RCM_X12_THREADS:-$NPROC}"
export RCM_X12_THREADS="$THREADS"
MODES_835=(scan view view-par typed typed-par validate validate-par)
MODES_837=(scan typed validate validate-par write837p write837p-fragmented write837p-hot)

echo "== rcm-x12 measure on the 100 MB files: $RUNS runs, modes interleaved"
for run in $(seq "$RUNS"); do
  echo " run $run/$RUNS"
  for m in "${MODES_835[@]}"; do run_measure "$F835" "$m" "835-$m"; done
  for m in "${MODES_837[@]}"; do run_measure "$F837" "$m" "837p-$m"; done
done

what_of() {
  case "$1" in
    scan) echo "raw segment scan (stream)" ;;
    view) echo "835 to zero-copy typed view (parse_view)" ;;
    typed) echo "owned typed model" ;;
    validate) echo "full validation (implementation guide)" ;;
    view-par) echo "835 to zero-copy typed view, sets on $THREADS worker threads" ;;
    typed-par) echo "owned typed model, sets on $THREADS worker threads" ;;
    validate-par) echo "full validation, sets on $THREADS worker threads" ;;
    write837p) echo "837P writing from 200 typed models in memory" ;;
    write837p-fragmented) echo "837P writing, models as generated (scattered heap)" ;;
    write837p-hot) echo "837P writing, 2 models in cache (diagnostic)" ;;
  esac
}
for m in "${MODES_835[@]}"; do
  row_from "835-$m" "rcm-x12 \`measure $m\`" "835, $S835" "$(what_of "$m")" "median"
done
for m in "${MODES_837[@]}"; do
  case "$m" in
    write837p*) file="about $S837 written (837P file's size)" ;;
    *) file="837P, $S837" ;;
  esac
  row_from "837p-$m" "rcm-x12 \`measure $m\`" "$file" "$(what_of "$m")" "median"
done

if [ "$SKIP_1GB" = 1 ]; then
  echo "== 1 GB files skipped (X12_BENCH_SKIP_1GB=1)"
else
  echo "== rcm-x12 measure on the 1 GB files: one run each, for peak memory"
  G835="$DATA/synth-835-1GB.x12"
  G837="$DATA/synth-837p-1GB.x12"
  for m in validate validate-par view typed; do run_measure "$G835" "$m" "835-1GB-$m"; done
  for m in validate validate-par typed; do run_measure "$G837" "$m" "837p-1GB-$m"; done
  for m in validate validate-par view typed; do
    row_from "835-1GB-$m" "rcm-x12 \`measure $m\`" "835, $(mb "$(size_of "$G835")")" "$(what_of "$m")" ""
  done
  for m in validate validate-par typed; do
    row_from "837p-1GB-$m" "rcm-x12 \`measure $m\`" "837P, $(mb "$(size_of "$G837")")" "$(what_of "$m")" ""
  done
fi

# ---------------------------------------------------------------------------------------------
# Peers. Each runs in a subshell with `set -e`: the first failing step ends that peer only, and
# the step's description (set with `step`) becomes the reason printed.

REASON="$RES/peer-reason"
NOT_MEASURED="$RES/not-measured.txt"
: > "$NOT_MEASURED"

# step DESCRIPTION [LOG]: what the peer is doing now (the reason if it fails) and its log.
step() { printf '%s\n%s\n' "$1" "${2:-}" > "$REASON"; }
# fail REASON: ends the peer with this reason.
fail() { printf '%s\n\n' "$1" > "$REASON"; exit 1; }

run_peer() {
  local name="$1" rc desc log last
  shift
  echo "== peer: $name"
  : > "$REASON"
  set +e
  ( set -e; "$@" )
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    desc="$(sed -n 1p "$REASON")"
    log="$(sed -n 2p "$REASON")"
    if [ -n "$log" ]; then
      last="$(grep -v '^[[:space:]]*$' "$log" 2>/dev/null | tail -n 1 | cut -c1-200)"
      desc="${desc:-step} failed (exit $rc${last:+: $last}; log: $log)"
    fi
    echo "PEER $name: not measured: ${desc:-exit $rc}"
    echo "$name: ${desc:-exit $rc}" >> "$NOT_MEASURED"
  fi
}

# timed SECS TIMEFILE LOG CMD...: runs CMD under /usr/bin/time (stdout and stderr to LOG), at most
# SECS seconds; TIMEFILE gets "wall_s peak_KiB user_s sys_s".
timed() {
  local secs="$1" tf="$2" log="$3"
  shift 3
  timeout "$secs" /usr/bin/time -f "%e %M %U %S" -o "$tf" "$@" > "$log" 2>&1
}

# record_harness TAG TIMEFILE LOG: a harness prints `RESULT <MB> <wall_s> <cpu_s> <detail...>` for
# the work it timed itself (interpreter start and imports left out); peak memory is the process's.
record_harness() {
  local tag="$1" tf="$2" log="$3" res kib
  res="$(grep '^RESULT ' "$log" | tail -n 1)"
  [ -n "$res" ] || fail "no RESULT line from the harness (log: $log)"
  kib="$(tail -n 1 "$tf" | cut -d' ' -f2)"
  awk -v k="$kib" '{ printf "%.2f %.2f %.1f\n", $2 / $3, $2 / ($4 > 0.01 ? $4 : 0.01), k / 1024 }' \
    <<<"$res" >> "$RES/$tag"
  echo "  $tag: ${res#RESULT }, peak $(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }') MiB"
}

# pip_pinned VENV PACKAGE VERSION LOG: a venv under var/bench-x12 holding exactly PACKAGE==VERSION.
pip_pinned() {
  local venv="$1" pkg="$2" ver="$3" log="$4"
  if [ ! -x "$venv/bin/python" ]; then
    step "python3 -m venv $venv" "$log"
    python3 -m venv "$venv" > "$log" 2>&1
  fi
  if [ "$(installed_version "$venv/bin/python" "$pkg")" != "$ver" ]; then
    step "pip install $pkg==$ver (PyPI)" "$log"
    timeout 900 "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
      "$pkg==$ver" >> "$log" 2>&1
  fi
  [ "$(installed_version "$venv/bin/python" "$pkg")" = "$ver" ] \
    || fail "$pkg $ver not found in $venv after pip install (log: $log)"
}
installed_version() {
  "$1" -c 'import sys; from importlib.metadata import version; print(version(sys.argv[1]))' "$2" \
    2>/dev/null || true
}

peer_pyx12() {
  local log="$LOGS/pyx12-install.log" ver kind f tag tf out last rc exc note
  [ -x /usr/bin/time ] || fail "/usr/bin/time is missing (Debian package time)"
  step "scripts/install-test-tools.sh (pyx12 into .venv)" "$log"
  scripts/install-test-tools.sh > "$log" 2>&1
  [ -x .venv/bin/x12valid ] || fail ".venv/bin/x12valid missing after scripts/install-test-tools.sh"
  ver="$(installed_version .venv/bin/python pyx12)"
  echo "pyx12 $ver" > "$RES/version-pyx12"
  mkdir -p "$WORK/pyx12"
  for run in $(seq "$PEER_RUNS"); do
    for kind in 835 837p; do
      f="$ROOT/$DATA/synth-$kind-1MB.x12"
      tag="pyx12-$kind"
      tf="$RES/$tag.time"
      out="$LOGS/$tag.log"
      step "x12valid on $f (run $run)" "$out"
      # x12valid writes next to where it runs: run it in its own directory. Its verdict is its
      # last line, `FILE: OK` (as in crates/x12/tests/pyx12.rs): pyx12 4.0.0's console script
      # exits 1 whatever the verdict (`sys.exit(main())` with main returning True). An error it
      # logs besides (writing its own 999 fails on an 835 without ST03) is noted in the table.
      rc=0
      (cd "$WORK/pyx12" && timed 600 "$ROOT/$tf" "$ROOT/$out" "$ROOT/.venv/bin/x12valid" "$f") || rc=$?
      [ "$rc" -ne 124 ] || fail "x12valid timed out after 600 s on $f (log: $out)"
      last="$(grep -v '^[[:space:]]*$' "$out" | tail -n 1)"
      [[ "$last" == *": OK" ]] || fail "x12valid did not pass $f (exit $rc): '$last' (log: $out)"
      exc="$(grep -m 1 -E '^[A-Za-z0-9_.]+(Error|Exception): ' "$out" || true)"
      if [ -n "$exc" ]; then
        echo "verdict OK; x12valid also logged \`$exc\`" > "$RES/$tag.note"
      fi
      # Whole process (interpreter start included): wall and user + system CPU from time.
      awk -v b="$(size_of "$f")" '{ printf "%.3f %.3f %.1f\n", b / 1e6 / $1, b / 1e6 / ($3 + $4 > 0.01 ? $3 + $4 : 0.01), $2 / 1024 }' \
        <<<"$(tail -n 1 "$tf")" >> "$RES/$tag"
      echo "  $tag: $(tail -n 1 "$tf" | awk '{ printf "%s s wall, %.1f MiB peak", $1, $2 / 1024 }'), $last"
    done
  done
  for kind in 835 837p; do
    note="$(cat "$RES/pyx12-$kind.note" 2>/dev/null || true)"
    row_from "pyx12-$kind" "pyx12 $ver \`x12valid\`" \
      "$( [ "$kind" = 835 ] && echo 835 || echo 837P ), $(mb "$(size_of "$DATA/synth-$kind-1MB.x12")")" \
      "full validation (implementation guide), whole process" "median${note:+; $note}"
  done
}

peer_x12sdk() {
  local venv="$WORK/venv-x12sdk" log="$LOGS/x12sdk-install.log" size kind f tag runs
  [ -x /usr/bin/time ] || fail "/usr/bin/time is missing (Debian package time)"
  pip_pinned "$venv" x12sdk "$X12SDK_VERSION" "$log"
  cat > "$WORK/x12sdk_bench.py" <<'PY'
# Generated by scripts/bench/x12-bench.sh: times x12sdk's typed models for one file.
import os, sys, time
from x12sdk.io import X12ModelReader

path = sys.argv[1]
t0, c0 = time.perf_counter(), time.process_time()
n = 0
with X12ModelReader(path) as reader:
    for _model in reader.models():
        n += 1
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
if n == 0:
    sys.exit("x12sdk read no model from " + path)
print(f"RESULT {os.path.getsize(path) / 1e6:.3f} {wall:.4f} {cpu:.4f} {n} models")
PY
  local sizes=(1MB)
  [ "$FULL" = 1 ] && sizes+=(100MB)
  for size in "${sizes[@]}"; do
    runs="$PEER_RUNS"
    [ "$size" = 100MB ] && runs=1
    for run in $(seq "$runs"); do
      for kind in 835 837p; do
        f="$DATA/synth-$kind-$size.x12"
        tag="x12sdk-$kind-$size"
        step "x12sdk X12ModelReader on $f (run $run, timeout 3600 s)" "$LOGS/$tag.log"
        timed 3600 "$RES/$tag.time" "$LOGS/$tag.log" "$venv/bin/python" "$WORK/x12sdk_bench.py" "$f"
        record_harness "$tag" "$RES/$tag.time" "$LOGS/$tag.log"
      done
    done
    for kind in 835 837p; do
      f="$DATA/synth-$kind-$size.x12"
      row_from "x12sdk-$kind-$size" "x12sdk $X12SDK_VERSION" \
        "$( [ "$kind" = 835 ] && echo 835 || echo 837P ), $(mb "$(size_of "$f")")" \
        "typed Pydantic models (\`X12ModelReader(path).models()\`)" "$( [ "$runs" = 1 ] || echo median)"
    done
  done
}

peer_node_x12() {
  local dir="$WORK/node" log="$LOGS/node-x12-install.log" have tag="node-x12-835-100MB"
  [ -x /usr/bin/time ] || fail "/usr/bin/time is missing (Debian package time)"
  command -v node >/dev/null 2>&1 || fail "node is not installed"
  command -v npm >/dev/null 2>&1 || fail "npm is not installed"
  have="$(node -p "require('./$dir/node_modules/node-x12/package.json').version" 2>/dev/null || true)"
  if [ "$have" != "$NODE_X12_VERSION" ]; then
    step "npm install node-x12@$NODE_X12_VERSION (npm registry)" "$log"
    timeout 900 npm install --prefix "$dir" --no-audit --no-fund \
      "node-x12@$NODE_X12_VERSION" > "$log" 2>&1
  fi
  cat > "$dir/bench.js" <<'JS'
// Generated by scripts/bench/x12-bench.sh: times node-x12 reading and parsing one file.
const fs = require('fs');
const { X12Parser } = require('node-x12');
const path = process.argv[2];
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
const ic = new X12Parser(true).parse(fs.readFileSync(path, 'utf8'));
const wall = Number(process.hrtime.bigint() - t0) / 1e9;
const cu = process.cpuUsage(c0);
const interchanges = Array.isArray(ic) ? ic : [ic];
let sets = 0;
for (const i of interchanges) for (const g of i.functionalGroups || []) sets += (g.transactions || []).length;
if (sets === 0) { console.error('node-x12 found no transaction set in ' + path); process.exit(1); }
const mb = fs.statSync(path).size / 1e6;
console.log(`RESULT ${mb.toFixed(3)} ${wall.toFixed(4)} ${((cu.user + cu.system) / 1e6).toFixed(4)} ${sets} transaction sets`);
JS
  # It holds the whole file and its object model in memory: let V8's heap grow past its default.
  for run in $(seq "$PEER_RUNS"); do
    step "node-x12 on $F835 (run $run, timeout 1800 s)" "$LOGS/$tag.log"
    timed 1800 "$RES/$tag.time" "$LOGS/$tag.log" node --max-old-space-size=16384 "$dir/bench.js" "$F835"
    record_harness "$tag" "$RES/$tag.time" "$LOGS/$tag.log"
  done
  row_from "$tag" "node-x12 $NODE_X12_VERSION" "835, $S835" \
    "parse (\`new X12Parser(true).parse(text)\`, file read included)" "median"
}

peer_oxedi() {
  local venv="$WORK/venv-oxedi" log="$LOGS/oxedi-install.log" tag="oxedi-835-100MB"
  [ -x /usr/bin/time ] || fail "/usr/bin/time is missing (Debian package time)"
  pip_pinned "$venv" oxedi "$OXEDI_VERSION" "$log"
  cat > "$WORK/oxedi_bench.py" <<'PY'
# Generated by scripts/bench/x12-bench.sh: times oxedi.parse_file (segments, loops, SNIP 1-3
# structure checks and tables) on one 835.
import os, sys, time
import oxedi

path = sys.argv[1]
t0, c0 = time.perf_counter(), time.process_time()
result = oxedi.parse_file(path)
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
claims = result.count_claims()
if claims == 0:
    sys.exit("oxedi read no claim from " + path)
print(f"RESULT {os.path.getsize(path) / 1e6:.3f} {wall:.4f} {cpu:.4f} {claims} claims, "
      f"{len(result.diagnostics)} diagnostics")
PY
  for run in $(seq "$PEER_RUNS"); do
    step "oxedi parse_file on $F835 (run $run, timeout 900 s)" "$LOGS/$tag.log"
    timed 900 "$RES/$tag.time" "$LOGS/$tag.log" "$venv/bin/python" "$WORK/oxedi_bench.py" "$F835"
    record_harness "$tag" "$RES/$tag.time" "$LOGS/$tag.log"
  done
  row_from "$tag" "oxedi $OXEDI_VERSION (PyPI)" "835, $S835" \
    "parse with SNIP 1-3 diagnostics (\`oxedi.parse_file\`)" "median"
}

for peer in $PEERS; do
  case "$peer" in
    pyx12) run_peer pyx12 peer_pyx12 ;;
    x12sdk) run_peer x12sdk peer_x12sdk ;;
    node-x12) run_peer node-x12 peer_node_x12 ;;
    oxedi) run_peer oxedi peer_oxedi ;;
    *) echo "PEER $peer: not measured: unknown peer (X12_BENCH_PEERS)"; echo "$peer: unknown peer" >> "$NOT_MEASURED" ;;
  esac
done

# ---------------------------------------------------------------------------------------------
# Summary

LOAD_END="$(load_average)"
SUMMARY="$WORK/summary.md"
{
  echo
  echo "### rcm-x12 and peers, one run ($DATE)"
  echo
  echo "\`scripts/bench/x12-bench.sh $RUNS\` at $COMMIT; machine: $NPROC cores ($CPU_MODEL);"
  echo "load average $LOAD_START at the start, $LOAD_END at the end. Synthetic files from \`synth\`;"
  echo "MB = 10^6 bytes, MiB = 2^20. rcm-x12: \`measure\` runs one mode per process, modes"
  echo "interleaved, medians of $RUNS; peers: medians of $PEER_RUNS (x12sdk on 100 MB: one run),"
  echo "timed inside the process around the library call (pyx12: the whole \`x12valid\` process);"
  echo "peak memory is the process's peak RSS (max over the runs)."
  echo
  echo "| tool | file | what it does | MB/s wall (median) | MB/s CPU (median) | peak memory | runs |"
  echo "|---|---|---|---|---|---|---|"
  awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7 }' "$ROWS"
  if [ -s "$NOT_MEASURED" ]; then
    echo
    echo "Not measured in this run:"
    sed 's/^/- /' "$NOT_MEASURED"
  fi
} | tee "$SUMMARY"
echo
echo "(summary saved to $SUMMARY)"
