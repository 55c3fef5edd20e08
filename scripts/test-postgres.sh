#!/usr/bin/env bash
# Runs the store and server test suites (rcm-store, rcm-server) against SQLite and a REAL PostgreSQL. Never skips PostgreSQL:
#  - if RCM_TEST_DATABASE_URL is set, it is used as given;
#  - else if 127.0.0.1:5432 answers, that PostgreSQL is used (postgres://postgres@127.0.0.1:5432/test);
#  - else a throwaway cluster is started with the system's initdb/pg_ctl (Debian's postgresql package is
#    installed with apt-get when missing) in a temp dir on a free port, and removed afterwards
#    (RCM_TEST_PG_THROWAWAY=1 forces this path even when 5432 answers).
# It says which one it used. Extra arguments go to `cargo test` (e.g. a test name filter).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'test-postgres: %s\n' "$*" >&2; }

PGBIN=""
find_pgbin() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && PGBIN="$d"
    done
    [ -n "$PGBIN" ]
}

cleanup_cluster=""
cleanup() {
    if [ -n "$cleanup_cluster" ]; then
        "$PGBIN/pg_ctl" -D "$cleanup_cluster/data" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$cleanup_cluster"
    fi
}
trap cleanup EXIT

if [ -n "${RCM_TEST_DATABASE_URL:-}" ]; then
    say "using RCM_TEST_DATABASE_URL as given"
elif [ -z "${RCM_TEST_PG_THROWAWAY:-}" ] && command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; then
    say "using the running PostgreSQL on 127.0.0.1:5432"
    export RCM_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/test"
else
    if ! find_pgbin; then
        say "no PostgreSQL found: installing Debian's postgresql package"
        if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
        find_pgbin || { say "postgresql installed but no initdb under /usr/lib/postgresql/*/bin"; exit 2; }
    fi
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
    cleanup_cluster="$(mktemp -d /tmp/rcm-pg.XXXXXX)"
    # initdb refuses to run as root: run the throwaway cluster as the 'postgres' (or 'nobody') user then.
    run_as=()
    if [ "$(id -u)" -eq 0 ]; then
        user=postgres
        id -u "$user" >/dev/null 2>&1 || user=nobody
        chown "$user" "$cleanup_cluster"
        run_as=(runuser -u "$user" --)
    fi
    "${run_as[@]}" "$PGBIN/initdb" -D "$cleanup_cluster/data" -U postgres --auth=trust -E UTF8 >/dev/null
    "${run_as[@]}" "$PGBIN/pg_ctl" -D "$cleanup_cluster/data" -l "$cleanup_cluster/log" -w \
        -o "-h 127.0.0.1 -p $port -k $cleanup_cluster -c fsync=off" start >/dev/null
    "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U postgres test
    say "started a throwaway PostgreSQL ($("$PGBIN/postgres" --version)) on 127.0.0.1:$port in $cleanup_cluster"
    export RCM_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/test"
fi

cargo test -p rcm-store -p rcm-server "$@"
