# shellcheck shell=bash
# Starts and stops a throwaway PostgreSQL cluster on a free loopback port.
#
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres`
# user (runuser), with its data under /tmp where that user can reach it.
#   pg_start DIR   -> exports PG_URL (a database `schakel_test` on the new cluster)
#   pg_stop DIR
#   pg_crash DIR   restarts it as after a crash (`pg_ctl restart -m immediate`)
#   pg_halt DIR    stops it (fast shutdown); pg_resume DIR starts it again as it was
# Run as a script, `postgres.sh start|stop|crash|halt|resume DIR` does the same (start
# prints the URL).
# PG_EXTRA_OPTS, when set, adds server options (e.g. "-c shared_preload_libraries=...").

pg_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

pg_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  local dir=$1 bin port
  bin=$(pg_bindir) || { echo "PostgreSQL server binaries not found" >&2; return 1; }
  port=$(pg_free_port)
  mkdir -p "$dir/sock"
  # The server's options, kept for pg_resume.
  echo "-p $port -k $dir/sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 ${PG_EXTRA_OPTS:-}" >"$dir/opts"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir"
  (cd / && pg_as "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1) \
    || { cat "$dir/initdb.log" >&2; return 1; }
  (cd / && pg_as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "$(cat "$dir/opts")" start >/dev/null) || { cat "$dir/server.log" >&2; return 1; }
  psql "postgresql://postgres@127.0.0.1:$port/postgres" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE schakel_test" >/dev/null
  export PG_URL="postgres://postgres@127.0.0.1:$port/schakel_test"
}

pg_stop() {
  local dir=$1 bin
  bin=$(pg_bindir) || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    (cd / && pg_as "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1) || true
  fi
}

pg_crash() {
  local dir=$1 bin
  bin=$(pg_bindir) || return 1
  (cd / && pg_as "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 60 restart -o "$(cat "$dir/opts")" \
    -l "$dir/server.log" >/dev/null)
}

pg_halt() {
  local dir=$1 bin
  bin=$(pg_bindir) || return 1
  (cd / && pg_as "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null)
}

pg_resume() {
  local dir=$1 bin
  bin=$(pg_bindir) || return 1
  (cd / && pg_as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(cat "$dir/opts")" \
    start >/dev/null)
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    start) pg_start "$2" && echo "$PG_URL" ;;
    stop) pg_stop "$2" ;;
    crash) pg_crash "$2" ;;
    halt) pg_halt "$2" ;;
    resume) pg_resume "$2" ;;
    *) echo "usage: postgres.sh start|stop|crash|halt|resume DIR" >&2; exit 2 ;;
  esac
fi
