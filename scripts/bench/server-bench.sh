#!/usr/bin/env bash
# Load benchmark of the web server `rcm serve` (crates/server) with wrk, on SQLite and on
# PostgreSQL. Goals (issue text):
#   - GET /api/codes/search: >= 5,000 requests/s with p99 <= 10 ms;
#   - POST /api/claims (create a claim in one transaction with its audit entry, then scrub it):
#     >= 500/s on SQLite and on PostgreSQL.
# Reference point in the same run (a ceiling, not a peer): GET /healthz of the same server (no
# authentication, one database query) with the same wrk settings.
#
# For each database: a fresh data directory with the official ICD-10-CM release, `rcm serve --demo`
# (demo organization), an API token made through the sign-in form and the account page, N patients
# with a coverage and an encounter each (setup_claims.py), then wrk per endpoint: one warm-up run,
# then RUNS rounds over the connection counts; the table gives medians. Any response other than the
# expected one (non-2xx, or not 201 for claims) or socket error fails the benchmark.
#
#   scripts/bench/server-bench.sh [--write]
#
# The summary is printed; BENCHMARKS.md is updated by hand from it (--write is accepted and changes nothing).
# Environment (defaults in brackets):
#   RCM_BIN        the rcm binary [cargo build --release -p rcm-cli; target/release/rcm]
#   DURATION       seconds per measured run [8]       RUNS     rounds [3]
#   WARMUP         seconds of warm-up per endpoint [3] CONNS   connection counts ["16 64"]
#   WRK_THREADS    wrk threads [2]                     ENCOUNTERS  encounters to rotate claims over [50]
#   BACKENDS       "sqlite postgres" [both]            SERVER_THREADS  rcm serve --threads [its default]
#   RCM_TEST_DATABASE_URL / RCM_DATABASE_URL  the PostgreSQL server [postgres://postgres@127.0.0.1:5432/test];
#                  the benchmark works in a fresh schema (--pg-schema) that it drops at the end.
# wrk runs on the same machine (and cores) as the server: the numbers are for both sharing it.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
LUA="$ROOT/scripts/bench/server"

for a in "$@"; do
  case "$a" in
    --write) ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "server-bench: unknown argument $a" >&2; exit 2 ;;
  esac
done

DURATION="${DURATION:-8}"
RUNS="${RUNS:-3}"
WARMUP="${WARMUP:-3}"
CONNS="${CONNS:-16 64}"
WRK_THREADS="${WRK_THREADS:-2}"
ENCOUNTERS="${ENCOUNTERS:-50}"
BACKENDS="${BACKENDS:-sqlite postgres}"

say() { printf 'server-bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

if ! command -v wrk >/dev/null 2>&1; then
  say "installing wrk (Debian package)"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi
command -v python3 >/dev/null || die "python3 is needed for the setup"

if [ -n "${RCM_BIN:-}" ]; then
  RCM="$RCM_BIN"
else
  cargo build --release -p rcm-cli
  RCM="$ROOT/target/release/rcm"
fi
[ -x "$RCM" ] || die "no rcm binary at $RCM"

WORK="$ROOT/var/bench-server"
rm -rf "$WORK" && mkdir -p "$WORK"
RESULTS="$WORK/results.tsv"
: >"$RESULTS"

SERVER_PID=""
PG_SCHEMA=""
PG_URL=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "$PG_SCHEMA" ] && command -v psql >/dev/null 2>&1; then
    psql -q "$PG_URL" -c "DROP SCHEMA IF EXISTS $PG_SCHEMA CASCADE" >/dev/null 2>&1 || say "could not drop schema $PG_SCHEMA"
  fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# The official ICD-10-CM release, imported once into a template data directory (checked, cached).
TEMPLATE="$WORK/codes-template"
RCM="$RCM" scripts/install-data.sh "$TEMPLATE" >/dev/null

# Machine and run facts.
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
BIN_FACTS="$("$RCM" --version 2>/dev/null | head -1), $RCM built $(date -u -r "$RCM" +%Y-%m-%dT%H:%MZ)"
DIRTY="$(git status --porcelain -- crates 2>/dev/null | head -1)"
CPU="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
MEM="$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
START=$(date +%s)

start_server() { # backend
  local backend="$1" data="$WORK/$1" port db=()
  cp -r "$TEMPLATE" "$data"
  port="$(free_port)"
  BASE="http://127.0.0.1:$port"
  case "$backend" in
    sqlite) db=(--database "sqlite:$data/rcm.sqlite3") ;;
    postgres)
      PG_URL="${RCM_TEST_DATABASE_URL:-${RCM_DATABASE_URL:-}}"
      if [ -z "$PG_URL" ]; then
        command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432 \
          || die "no PostgreSQL: set RCM_TEST_DATABASE_URL (or start one on 127.0.0.1:5432)"
        PG_URL="postgres://postgres@127.0.0.1:5432/test"
      fi
      PG_SCHEMA="rcm_bench_$$_$(date +%s)"
      db=(--database "$PG_URL" --pg-schema "$PG_SCHEMA")
      if command -v psql >/dev/null 2>&1; then
        PG_FACTS="$(psql -Atq "$PG_URL" -c "SELECT split_part(version(), ' ', 2) || ', fsync ' || current_setting('fsync') || ', synchronous_commit ' || current_setting('synchronous_commit')" 2>/dev/null || true)"
      fi
      ;;
  esac
  local threads=()
  [ -n "${SERVER_THREADS:-}" ] && threads=(--threads "$SERVER_THREADS")
  # Default logging (one INFO line per request), written to a file as a deployment would.
  env -u RCM_DATABASE_URL "$RCM" --data-dir "$data" serve --demo --listen "127.0.0.1:$port" \
    "${db[@]}" "${threads[@]}" >"$data/serve.out" 2>"$data/serve.log" &
  SERVER_PID=$!
  local i
  for i in $(seq 150); do
    if curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; then break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$data/serve.log" >&2; die "rcm serve ($backend) exited"; }
    sleep 0.2
  done
  curl -fsS -o /dev/null "$BASE/healthz" || die "rcm serve ($backend) did not answer /healthz"

  # An API token, made as a person would: sign in, then create it on the account page.
  local pw jar csrf
  pw="$(sed -n 's/^password: //p' "$data/demo-login.txt")"
  [ -n "$pw" ] || die "no demo password in $data/demo-login.txt"
  jar="$data/cookies"
  curl -fsS -o /dev/null -c "$jar" -b "$jar" --data-urlencode username=demo-biller \
    --data-urlencode "password=$pw" --data-urlencode next=/ "$BASE/login"
  csrf="$(curl -fsS -b "$jar" "$BASE/api/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')"
  TOKEN="$(curl -fsS -b "$jar" -c "$jar" --data-urlencode name=bench --data-urlencode "_csrf=$csrf" \
    "$BASE/account/tokens" | sed -n 's/.*<code id="new-token">\(rcm_[^<]*\)<\/code>.*/\1/p' | head -1)"
  [ -n "$TOKEN" ] || die "could not create an API token ($backend)"

  python3 "$LUA/setup_claims.py" "$BASE" "$TOKEN" "$ENCOUNTERS" "$data/encounters.txt"
}

stop_server() {
  local backend="$1"
  RSS_PEAK="$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$SERVER_PID/status" 2>/dev/null || echo '?')"
  echo -e "$backend\tserver_peak_rss_mib\t$RSS_PEAK" >>"$WORK/facts.tsv"
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# CPU accounting, to say how busy the rest of the machine was during each run: all busy time
# (/proc/stat, steal included) minus the server's, PostgreSQL's (every postgres process: the
# server under test's backends) and wrk's own is "other" work, in cores.
busy_jiffies() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
sut_snapshot() { # "pid jiffies" lines
  local p
  for p in "$SERVER_PID" $(pgrep -x postgres 2>/dev/null || true); do
    awk -v p="$p" '{print p, $14+$15}' "/proc/$p/stat" 2>/dev/null || true
  done
}
HZ="$(getconf CLK_TCK)"

wrk_run() { # backend endpoint conns seconds run(0 = warm-up)
  local backend="$1" endpoint="$2" conns="$3" secs="$4" run="$5" out
  out="$WORK/$backend/wrk-$endpoint-c$conns-r$run.txt"
  local b0 b1 t0 t1
  sut_snapshot >"$out.sut0"; b0="$(busy_jiffies)"; t0="$(date +%s.%N)"
  RCM_BENCH_LUA="$LUA" RCM_BENCH_TOKEN="$TOKEN" RCM_BENCH_ENCOUNTERS="$WORK/$backend/encounters.txt" \
    /usr/bin/time -f '%U %S' -o "$out.wrkcpu" \
    wrk -t"$WRK_THREADS" -c"$conns" -d"${secs}s" --timeout 10s --latency -s "$LUA/$endpoint.lua" "$BASE" >"$out" 2>&1 \
    || { cat "$out" >&2; die "wrk failed ($backend $endpoint c$conns)"; }
  b1="$(busy_jiffies)"; t1="$(date +%s.%N)"; sut_snapshot >"$out.sut1"
  local line
  line="$(grep '^RESULT ' "$out" || true)"
  [ -n "$line" ] || { cat "$out" >&2; die "no result from wrk ($backend $endpoint c$conns)"; }
  local bad
  bad="$(sed -E 's/.*status_errors=([0-9]+) socket_errors=([0-9]+) unexpected=([0-9]+).*/\1 \2 \3/' <<<"$line")"
  if [ "$bad" != "0 0 0" ]; then
    cat "$out" >&2
    die "FAILED: $backend $endpoint c$conns: unexpected responses or socket errors (status, socket, unexpected: $bad)"
  fi
  [ "$run" -eq 0 ] && return 0
  local rps p50 p99 sut other server
  rps="$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$line")"
  p50="$(sed -E 's/.*p50_ms=([0-9.]+).*/\1/' <<<"$line")"
  p99="$(sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$line")"
  sut="$(awk 'NR==FNR {a[$1]=$2; next} {d=$2-a[$1]; if (d>0) s+=d} END {print s+0}' "$out.sut0" "$out.sut1")"
  server="$(awk 'NR==FNR {a[$1]=$2; next} FNR==1 {print $2-a[$1]}' "$out.sut0" "$out.sut1")"
  read -r wu ws <"$out.wrkcpu" || { wu=0; ws=0; }
  other="$(awk -v b="$((b1 - b0))" -v s="$sut" -v w="$(awk -v u="$wu" -v y="$ws" 'BEGIN{print u+y}')" \
    -v hz="$HZ" -v t0="$t0" -v t1="$t1" 'BEGIN {o=(b - s - w*hz)/hz/(t1-t0); if (o<0) o=0; printf "%.2f", o}')"
  server="$(awk -v s="$server" -v hz="$HZ" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.2f", s/hz/(t1-t0)}')"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$backend" "$endpoint" "$conns" "$run" "$rps" "$p50" "$p99" "$other" "$server" >>"$RESULTS"
  say "$(printf '%-8s %-8s c%-3s run %s: %9s req/s  p50 %7s ms  p99 %8s ms  rcm %s cores, other work %s cores' "$backend" "$endpoint" "$conns" "$run" "$rps" "$p50" "$p99" "$server" "$other")"
}

PG_FACTS=""
: >"$WORK/facts.tsv"
for backend in $BACKENDS; do
  say "== $backend: starting rcm serve --demo, API token, $ENCOUNTERS encounters"
  start_server "$backend"
  echo -e "$backend\tload_before\t$(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/facts.tsv"
  for endpoint in healthz search claims; do
    first="${CONNS%% *}"
    wrk_run "$backend" "$endpoint" "$first" "$WARMUP" 0
    for run in $(seq "$RUNS"); do
      for c in $CONNS; do
        wrk_run "$backend" "$endpoint" "$c" "$DURATION" "$run"
      done
    done
  done
  if [ "$backend" = postgres ]; then
    CLAIMS_STORED="$(psql -Atq "$PG_URL" -c "SELECT count(*) FROM $PG_SCHEMA.claims" 2>/dev/null || echo '?')"
  else
    CLAIMS_STORED="$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from claims").fetchone()[0])' "$WORK/$backend/rcm.sqlite3" 2>/dev/null || echo '?')"
  fi
  echo -e "$backend\tclaims_stored\t$CLAIMS_STORED" >>"$WORK/facts.tsv"
  echo -e "$backend\tload_after\t$(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/facts.tsv"
  stop_server "$backend"
done
ELAPSED=$(( $(date +%s) - START ))

python3 - "$RESULTS" "$WORK/facts.tsv" <<PY
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
facts = {}
for l in open(sys.argv[2]):
    b, k, v = l.rstrip("\n").split("\t")
    facts[(b, k)] = v
groups = {}
for b, e, c, r, rps, p50, p99, other, server in rows:
    groups.setdefault((b, e, int(c)), []).append((float(rps), float(p50), float(p99), float(other), float(server)))
names = {"healthz": "GET /healthz (ceiling: no auth, 1 DB query)",
         "search": "GET /api/codes/search (API token)",
         "claims": "POST /api/claims (create + scrub)"}
goals = {"search": (5000, 10.0), "claims": (500, None)}
print()
print("rcm serve load benchmark — $(date -u +%Y-%m-%d), commit $COMMIT${DIRTY:+ (crates/ has uncommitted changes)}")
print("binary: $BIN_FACTS${RCM_BIN:+ (RCM_BIN: not necessarily built from HEAD)}")
print("machine: $(nproc) CPUs ($CPU), $MEM; load average before: $LOAD_BEFORE; wrk $WRK_THREADS threads on the same cores")
print("wrk: ${DURATION} s per run, ${RUNS} rounds (medians), ${WARMUP} s warm-up per endpoint; claims rotate over $ENCOUNTERS encounters")
if "$PG_FACTS":
    print("PostgreSQL: $PG_FACTS (127.0.0.1, fresh schema); SQLite: WAL, synchronous=NORMAL")
print()
print("| database | endpoint | conns | req/s (median; runs) | p50 ms | p99 ms | rcm cores | other work, cores | goal | met |")
print("|---|---|---|---|---|---|---|---|---|---|")
for (b, e, c), v in sorted(groups.items(), key=lambda kv: (kv[0][0] != "sqlite", ["healthz","search","claims"].index(kv[0][1]), kv[0][2])):
    rps = statistics.median(x[0] for x in v)
    p50 = statistics.median(x[1] for x in v)
    p99 = statistics.median(x[2] for x in v)
    goal, met = "", ""
    if e in goals:
        g_rps, g_p99 = goals[e]
        goal = f"≥ {g_rps:,} req/s" + (f", p99 ≤ {g_p99:g} ms" if g_p99 else "")
        ok = rps >= g_rps and (g_p99 is None or p99 <= g_p99)
        met = "yes" if ok else "no"
    runs = " / ".join(f"{x[0]:,.0f}" for x in v)
    other = statistics.median(x[3] for x in v)
    server = statistics.median(x[4] for x in v)
    print(f"| {b} | {names[e]} | {c} | {rps:,.0f} ({runs}) | {p50:.2f} | {p99:.2f} | {server:.2f} | {other:.2f} | {goal} | {met} |")
print()
for b in "$BACKENDS".split():
    print(f"{b}: load average before/after {facts.get((b,'load_before'),'?')} / {facts.get((b,'load_after'),'?')}; "
          f"server peak RSS {facts.get((b,'server_peak_rss_mib'),'?')} MiB; claims stored at the end {facts.get((b,'claims_stored'),'?')}")
print("rcm cores: CPU of the rcm process alone; other work: busy CPU of everything except rcm, postgres and wrk (other jobs on the shared machine), median of the runs")
print("whole run: ${ELAPSED} s; raw wrk output in var/bench-server/<database>/")
PY
