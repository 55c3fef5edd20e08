#!/usr/bin/env bash
# ICD-10-CM engine benchmark: rcm-codes against its peers, in one run, on the
# official file. Produces the numbers quoted in BENCHMARKS.md.
#
#   scripts/bench/codes-bench.sh
#
# Steps:
#   1. cargo build --release of `rcm` (rcm-cli) and the measurement program
#      (crates/codes/examples/codes_bench.rs), in one cargo invocation so both read
#      the same index format. Honours CARGO_TARGET_DIR.
#   2. A fresh data dir (OUT_DIR/data): `rcm codes import` of the official wheel;
#      the tabular XML is extracted from the wheel for the parse + build timing.
#   3. codes_bench: index load (median of LOAD_RUNS), exact lookups of a 1000-code
#      mix (ns per lookup, median of rounds; per-code p50/p99), search over every
#      query of the query set (per-query median of ROUNDS, then p50/p90/p99 across
#      queries, the method of icd_peers.py), import (median of IMPORT_RUNS), peak
#      RSS of a process that loads the index, top-1/top-5 accuracy.
#   4. Whole-process timings with hyperfine (installed with apt-get when missing and
#      possible; otherwise a loop of PROC_RUNS runs, median): `rcm codes lookup I10`,
#      `rcm codes search hypertension`, and the peers' equivalent commands.
#   5. The peers (scripts/bench/setup-peers.sh, scripts/bench/icd_peers.py) on the
#      same queries and the same code list.
#   6. A markdown table (stdout and OUT_DIR/codes-bench.md) and the raw JSON
#      (OUT_DIR/codes-bench.json, plus each step's own file).
#
# Environment (all optional):
#   RCM_OFFICIAL_ICD10CM  the official file (default var/cache/simple_icd_10_cm-1.5.0-py3-none-any.whl)
#   BENCH_OUT_DIR         output directory (default target/bench)
#   ROUNDS=11 LOAD_RUNS=50 IMPORT_RUNS=5 PROC_RUNS=50 PEER_PROC_RUNS=20 SLOW_PROC_RUNS=5
#   SKIP_PEERS=1          measure only rcm-codes
#   CARGO_TARGET_DIR      where cargo builds (default target)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO_ROOT"

WHEEL="${RCM_OFFICIAL_ICD10CM:-$REPO_ROOT/var/cache/simple_icd_10_cm-1.5.0-py3-none-any.whl}"
QUERIES="$REPO_ROOT/tests/fixtures/search_queries.tsv"
OUT_DIR="${BENCH_OUT_DIR:-$REPO_ROOT/target/bench}"
ROUNDS="${ROUNDS:-11}"
LOAD_RUNS="${LOAD_RUNS:-50}"
IMPORT_RUNS="${IMPORT_RUNS:-5}"
PROC_RUNS="${PROC_RUNS:-50}"
PEER_PROC_RUNS="${PEER_PROC_RUNS:-20}"
SLOW_PROC_RUNS="${SLOW_PROC_RUNS:-5}"
SKIP_PEERS="${SKIP_PEERS:-0}"

TARGET_DIR="${CARGO_TARGET_DIR:-$REPO_ROOT/target}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$REPO_ROOT/$TARGET_DIR" ;; esac
RCM="$TARGET_DIR/release/rcm"
CODES_BENCH="$TARGET_DIR/release/examples/codes_bench"
VENV="$REPO_ROOT/.venv-bench"

die() { echo "codes-bench: ERROR: $*" >&2; exit 1; }
step() { echo "==> $*" >&2; }

[ -f "$WHEEL" ] || die "the official ICD-10-CM file is not at $WHEEL: run \`make data\` (or set RCM_OFFICIAL_ICD10CM)"
[ -f "$QUERIES" ] || die "missing $QUERIES"
command -v python3 >/dev/null 2>&1 || die "python3 is needed (tabular extraction, report, peers)"

mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd)"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || true)"
STARTED_AT="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
rm -f "$OUT_DIR"/codes-*.json "$OUT_DIR"/codes-bench.md "$OUT_DIR"/codes-lookup.txt

# ── 1. build ─────────────────────────────────────────────────────────────────
step "cargo build --release -p rcm-cli (and the codes_bench example)"
cargo build --release --quiet -p rcm-cli -p rcm-codes --bin rcm --example codes_bench
[ -x "$RCM" ] || die "$RCM was not built"
[ -x "$CODES_BENCH" ] || die "$CODES_BENCH was not built"

# ── 2. data dir ──────────────────────────────────────────────────────────────
DATA="$OUT_DIR/data"
step "importing $(basename "$WHEEL") into $DATA"
rm -rf "$DATA"
"$RCM" --data-dir "$DATA" codes import "$WHEEL" >"$OUT_DIR/import.log" 2>&1 \
    || { cat "$OUT_DIR/import.log" >&2; die "rcm codes import failed"; }
head -n 1 "$OUT_DIR/import.log" >&2

TABULAR="$OUT_DIR/tabular.xml"
python3 - "$WHEEL" "$TABULAR" <<'PY' || die "cannot extract the tabular XML from $WHEEL"
import shutil, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
if not zipfile.is_zipfile(src):
    shutil.copyfile(src, dst)  # already the XML
    sys.exit(0)
with zipfile.ZipFile(src) as z:
    names = [n for n in z.namelist() if n.lower().endswith(".xml") and "tabular" in n.lower()]
    if not names:
        sys.exit(f"no tabular XML in {src}")
    with z.open(names[0]) as f, open(dst, "wb") as out:
        shutil.copyfileobj(f, out)
PY

# ── 3. rcm-codes in process ──────────────────────────────────────────────────
step "codes_bench (load, lookup, search, import, peak RSS, accuracy)"
"$CODES_BENCH" run \
    --data-dir "$DATA" --queries "$QUERIES" --out "$OUT_DIR/codes-ours.json" \
    --tabular "$TABULAR" --wheel "$WHEEL" --codes-out "$OUT_DIR/codes-lookup.txt" \
    --rounds "$ROUNDS" --load-runs "$LOAD_RUNS" --import-runs "$IMPORT_RUNS" \
    --search-limit 20 --lookup-codes 1000

# ── peers' environment (needed for their process timings too) ───────────────
PEERS_OK=0
if [ "$SKIP_PEERS" != 1 ]; then
    step "setting up the peers (scripts/bench/setup-peers.sh)"
    if "$REPO_ROOT/scripts/bench/setup-peers.sh"; then
        PEERS_OK=1
    else
        echo "codes-bench: warning: peers unavailable; the table will show rcm-codes only" >&2
    fi
fi

# ── 4. whole-process timings ─────────────────────────────────────────────────
if ! command -v hyperfine >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    step "installing hyperfine (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null 2>&1; } \
        || echo "codes-bench: warning: apt-get could not install hyperfine; timing processes with a loop" >&2
fi

# time_process NAME WARMUP RUNS CMD... → OUT_DIR/codes-process-NAME.json (hyperfine's format)
time_process() {
    local name="$1" warmup="$2" runs="$3"; shift 3
    local out="$OUT_DIR/codes-process-$name.json"
    if command -v hyperfine >/dev/null 2>&1; then
        local cmd="" a
        for a in "$@"; do cmd+="$(printf '%q ' "$a")"; done
        hyperfine -N --style basic --warmup "$warmup" --runs "$runs" --export-json "$out" \
            --command-name "$name" "$cmd" >&2 \
            || echo "codes-bench: warning: hyperfine failed for $name" >&2
    else
        python3 - "$out" "$name" "$warmup" "$runs" "$@" <<'PY' || echo "codes-bench: warning: timing failed for $name" >&2
import json, statistics, subprocess, sys, time
out, name, warmup, runs, argv = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:]
times = []
for i in range(warmup + runs):
    t = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    if i >= warmup:
        times.append(time.perf_counter() - t)
res = {"command": name, "mean": statistics.fmean(times), "median": statistics.median(times),
       "min": min(times), "max": max(times), "times": times, "tool": "python loop (no hyperfine)"}
json.dump({"results": [res]}, open(out, "w"), indent=2)
print(f"{name}: median {res['median']*1000:.2f} ms over {runs} runs", file=sys.stderr)
PY
    fi
}

step "whole-process timings"
time_process rcm-lookup-I10 3 "$PROC_RUNS" "$RCM" --data-dir "$DATA" codes lookup I10
time_process rcm-search-hypertension 3 "$PROC_RUNS" "$RCM" --data-dir "$DATA" codes search hypertension
if [ "$PEERS_OK" = 1 ]; then
    time_process icd10-coder-code-I10 3 "$PEER_PROC_RUNS" "$VENV/bin/icd10-coder" code I10
    time_process icd10-coder-dx-hypertension 3 "$PEER_PROC_RUNS" "$VENV/bin/icd10-coder" dx hypertension
    time_process simple-icd-get-description-I10 1 "$SLOW_PROC_RUNS" "$VENV/bin/python" -c \
        "import simple_icd_10_cm as c; print(c.get_description('I10'))"
fi

# ── 5. peers in process ──────────────────────────────────────────────────────
if [ "$PEERS_OK" = 1 ]; then
    step "peers (scripts/bench/icd_peers.py)"
    "$VENV/bin/python" "$REPO_ROOT/scripts/bench/icd_peers.py" \
        --queries "$QUERIES" --codes "$OUT_DIR/codes-lookup.txt" \
        --out "$OUT_DIR/codes-peers.json" --rounds "$ROUNDS" --import-runs "$IMPORT_RUNS" >&2 \
        || echo "codes-bench: warning: icd_peers.py failed" >&2
fi

# ── 6. report ────────────────────────────────────────────────────────────────
step "report"
RUSTC_VERSION="$(rustc -V 2>/dev/null || echo unknown)" ROUNDS="$ROUNDS" REPO_ROOT="$REPO_ROOT" \
LOAD_START="$LOAD_START" STARTED_AT="$STARTED_AT" \
python3 - "$OUT_DIR" "$(basename "$WHEEL")" <<'PY'
import datetime, glob, json, os, platform, sys

out_dir, wheel_name = sys.argv[1], sys.argv[2]


def load(name):
    try:
        with open(os.path.join(out_dir, name), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


ours = load("codes-ours.json") or {}
peers_file = load("codes-peers.json") or {}
peers = peers_file.get("peers", {})
ic = peers.get("icd10-coder") or {}
si = peers.get("simple-icd-10-cm") or {}
process = {}
for path in sorted(glob.glob(os.path.join(out_dir, "codes-process-*.json"))):
    name = os.path.basename(path)[len("codes-process-"):-len(".json")]
    try:
        r = json.load(open(path, encoding="utf-8"))["results"][0]
    except (OSError, ValueError, KeyError, IndexError):
        continue
    process[name] = {"median_ms": r["median"] * 1000, "mean_ms": r["mean"] * 1000,
                     "min_ms": r["min"] * 1000, "max_ms": r["max"] * 1000,
                     "runs": len(r.get("times", [])), "tool": r.get("tool", "hyperfine")}


def cpu_model():
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def mem_gib():
    try:
        for line in open("/proc/meminfo", encoding="utf-8"):
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except (OSError, ValueError):
        pass
    return None


def nproc():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count()


machine = {
    "nproc": nproc(),
    "cpu_model": cpu_model(),
    "mem_total_gib": round(mem_gib(), 1) if mem_gib() else None,
    "kernel": platform.release(),
    "rustc": os.environ.get("RUSTC_VERSION"),
    "loadavg_start": os.environ.get("LOAD_START"),
    "loadavg_end": " ".join(f"{x:.2f}" for x in os.getloadavg()),
}
date = os.environ.get("STARTED_AT") or datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")

NA = "n/a"


def g(d, *keys):
    for k in keys:
        if not isinstance(d, dict) or d.get(k) is None:
            return None
        d = d[k]
    return d


def num(x):
    """A latency or size with 3 significant figures at most (no scientific notation)."""
    if x is None:
        return NA
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def trio(d, prefix, pcts=(50, 90, 99), unit="µs"):
    vals = [g(d, f"{prefix}_p{p}_us") for p in pcts]
    if all(v is None for v in vals):
        return NA
    return " / ".join(num(v) for v in vals) + f" {unit}"


def ns_pair(d, prefix):
    vals = [g(d, f"{prefix}_p{p}_us") for p in (50, 99)]
    if all(v is None for v in vals):
        return NA
    return " / ".join(num(v * 1000) if v is not None else NA for v in vals) + " ns"


def pct(x):
    return NA if x is None else f"{x * 100:.1f}%"


def acc(d):
    if g(d, "top1_accuracy") is None:
        return NA
    return f"{pct(d['top1_accuracy'])} / {pct(d['top5_accuracy'])}"


def ms(x):
    return NA if x is None else f"{num(x)} ms"


def proc(name):
    p = process.get(name)
    return NA if not p else f"{num(p['median_ms'])} ms"


ver = ours.get("version") or {}
counts = ver.get("counts") or {}
lk = ours.get("lookup") or {}
se = ours.get("search") or {}
ac = ours.get("accuracy") or {}
im = ours.get("import") or {}
rss = ours.get("peak_rss") or {}
ic_name = f"icd10-coder {ic.get('version') or '0.2.3'}"
si_name = f"simple-icd-10-cm {si.get('version') or '1.5.0'}"
n_q = se.get("queries") or ic.get("queries")
n_codes = lk.get("codes")
mix = lk.get("mix") or {}
ic_err = f" (error: {ic['error']})" if ic.get("error") else ""
si_err = f" (error: {si['error']})" if si.get("error") else ""

rows = [
    ("Data", f"{ver.get('label', NA)}: {counts.get('codes', NA):,} codes, {counts.get('billable', NA):,} billable (tabular XML from {wheel_name})" if counts else NA,
     "bundled SQLite, CMS FY2025 (FTS5)" + ic_err if peers else NA,
     "bundled April 1 2026 tabular XML" + si_err if peers else NA),
    (f"Search latency p50 / p90 / p99 ({n_q} queries, 20 results)",
     trio(se, "search"), trio(ic, "search"), "no search"),
    ("Search top-1 / top-5, relevance-test rule (7th char with X padding)",
     acc(ac), NA, "—"),
    ("Search top-1 / top-5, icd_peers.py rule (6-char code + 7th char)",
     acc(g(ac, "peer_rule")), acc(ic), "—"),
    ("Search queries with no result",
     str(ac.get("zero_result_queries", NA)), str(ic.get("zero_result_queries", NA)) if ic else NA, "—"),
    (f"Exact lookup + title, per code p50 / p99 ({n_codes}-code mix)",
     ns_pair(lk, "lookup_with_title"), ns_pair(ic, "lookup"), ns_pair(si, "lookup")),
    ("Exact lookup only (string → code), per code p50 / p99",
     ns_pair(lk, "lookup"), "—", "—"),
    ("Exact lookup, ns per lookup, the 1000 codes in turn (median of 400 rounds)",
     f"{num(g(lk, 'ns_per_lookup', 'median_ns'))} ns (with title {num(g(lk, 'ns_per_lookup_with_title', 'median_ns'))} ns)", "—", "—"),
    ("Codes of the mix not found",
     f"{n_codes - lk['found']} of {n_codes}" if lk.get("found") is not None else NA,
     f"{ic['lookup_not_found']} of {ic['lookup_codes']}" if ic.get("lookup_codes") else NA,
     f"{si['lookup_not_found']} of {si['lookup_codes']} (raise, excluded from timing)" if si.get("lookup_codes") else NA),
    ("Load: rcm index open (median of {}) / peers: `import` in a fresh interpreter (median of {})".format(
        g(ours, "load", "codeset_open", "runs") or NA, ic.get("import_runs") or si.get("import_runs") or NA),
     ms(g(ours, "load", "codeset_open", "median_ms")), ms(ic.get("import_median_ms")),
     ms(si.get("import_median_ms")) + (" (parses the XML)" if si.get("import_median_ms") else "")),
    (f"Import: tabular XML parse + build (median of {g(im, 'build_in_memory', 'runs') or NA})",
     ms(g(im, "build_in_memory", "median_ms")), "— (prebuilt DB)", "every start (see Load)"),
    (f"Import: whole wheel, unzip + hash + build + write (median of {g(im, 'catalog_import_wheel', 'runs') or NA})",
     ms(g(im, "catalog_import_wheel", "median_ms")), "—", "—"),
    ("Peak RSS of a process with the data loaded (VmHWM)",
     f"{num(rss.get('after_open_mib'))} MiB" if rss.get("after_open_mib") else NA,
     f"{num(ic['peak_rss_after_import_mib'])} MiB (after import)" if ic.get("peak_rss_after_import_mib") else NA,
     f"{num(si['peak_rss_after_import_mib'])} MiB (after import)" if si.get("peak_rss_after_import_mib") else NA),
    ("Process: look up I10 (`rcm codes lookup I10` / `icd10-coder code I10` / `python -c get_description('I10')`)",
     proc("rcm-lookup-I10"), proc("icd10-coder-code-I10"), proc("simple-icd-get-description-I10")),
    ("Process: search \"hypertension\" (`rcm codes search hypertension` / `icd10-coder dx hypertension`)",
     proc("rcm-search-hypertension"), proc("icd10-coder-dx-hypertension"), "no search"),
]

proc_tool = next(iter(process.values()), {}).get("tool", "hyperfine") if process else NA
proc_runs = {k: v["runs"] for k, v in process.items()}
lines = []
lines.append("## ICD-10-CM engine: rcm-codes and peers")
lines.append("")
lines.append(f"- Date: {date}")
lines.append(f"- Machine: {machine['nproc']} CPUs (nproc), {machine['cpu_model']}, "
             f"{machine['mem_total_gib']} GiB RAM, Linux {machine['kernel']}, {machine['rustc']}")
lines.append(f"- Load average at start / end: {machine['loadavg_start']} / {machine['loadavg_end']} "
             "(other work on the machine adds noise: every figure is a median)")
lines.append(f"- Command: `scripts/bench/codes-bench.sh` (raw JSON: {os.path.relpath(os.path.join(out_dir, 'codes-bench.json'), os.environ.get('REPO_ROOT', '.'))})")
lines.append("")
lines.append(f"| Measure | rcm-codes {ours.get('engine_version', '')} | {ic_name} | {si_name} |")
lines.append("|---|---|---|---|")
for r in rows:
    lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |")
lines.append("")
lines.append("Method:")
lines.append(f"- In process, both sides: warm-up, then {os.environ.get('ROUNDS', 'N')} rounds "
             "interleaved (every item once per round), per item the median over rounds, calls under 20 µs "
             "repeated inside one sample; percentiles across items by linear interpolation (icd_peers.py `percentile`).")
lines.append(f"- Lookup mix: {n_codes} dotted codes ({', '.join(f'{v} {k}' for k, v in sorted(mix.items()))}), "
             "target/bench/codes-lookup.txt; the peers time the same list. Peers' lookup: icd10-coder's "
             "`code` SQL statement; simple-icd-10-cm `get_description` + `is_leaf`.")
lines.append("- Search: rcm-codes `CodeSet::search` with limit 20; icd10-coder `cm_search(conn, q, 20)` (what `dx` runs). "
             "Accuracy from the relevance test's 5 results (tests/search_relevance.rs) for rcm-codes, from the 20 results for icd10-coder; "
             "icd10-coder's data is FY2025, so codes new in FY2026 cannot be found by it.")
lines.append(f"- Processes: {proc_tool}, median after discarded warm-up runs (3; 1 for simple-icd-10-cm); runs: "
             + ", ".join(f"{k} {v}" for k, v in proc_runs.items()) + ". "
             "rcm reads the prebuilt index of a data dir; Python peers pay interpreter start-up.")
lines.append("- Peak RSS: rcm-codes, a fresh process that opens the index and answers one lookup and one search; "
             "peers, a fresh interpreter after importing the package (icd10-coder's SQLite data is not loaded by the import).")
md = "\n".join(lines) + "\n"

combined = {"date": date, "machine": machine, "ours": ours, "peers": peers_file or None, "process": process}
with open(os.path.join(out_dir, "codes-bench.json"), "w", encoding="utf-8") as f:
    json.dump(combined, f, indent=2, ensure_ascii=False)
    f.write("\n")
with open(os.path.join(out_dir, "codes-bench.md"), "w", encoding="utf-8") as f:
    f.write(md)
print(md)
print(f"wrote {os.path.join(out_dir, 'codes-bench.md')} and codes-bench.json", file=sys.stderr)
PY
