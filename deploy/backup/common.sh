# shellcheck shell=bash
# Shared by the backup scripts in this folder (sourced, not run).

die() { printf '%s: %s\n' "${0##*/}" "$*" >&2; exit 1; }
say() { printf '%s: %s\n' "${0##*/}" "$*"; }

# The folder of PostgreSQL's client and server programs: $PG_BINDIR if set, else the
# newest /usr/lib/postgresql/*/bin (Debian's layout), else the folder of pg_basebackup
# on the PATH. pg_basebackup and pg_verifybackup must not be older than the server.
pg_tools() {
  if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return 0; fi
  local d
  d=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$d" ]; then echo "$d"; return 0; fi
  command -v pg_basebackup >/dev/null || die "PostgreSQL programs not found; set PG_BINDIR"
  dirname "$(command -v pg_basebackup)"
}

# A UTC time stamp for file names: 20261128T121540Z.
stamp() { date -u +%Y%m%dT%H%M%SZ; }

# Nanoseconds since the epoch, and the seconds since such a reading as "12.3".
now_ns() { date +%s%N; }
elapsed() {
  local ms=$((($(now_ns) - $1) / 1000000))
  printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}
