#!/usr/bin/env bash
# A throwaway ClamAV daemon for the tests, on a loopback TCP port, with a signature
# database written here: Debian ships none and freshclam cannot reach its mirrors on
# the test machines, so the only signature is one that matches the EICAR test string
# (`Schakel.Test.EICAR`). Production runs freshclam with the official database
# (docs/operations.md).
#
#   bash scripts/lib/clamd.sh start DIR PORT   starts clamd in the background, waits
#                                              for PONG, writes DIR/clamd.pid
#   bash scripts/lib/clamd.sh stop DIR         stops it
#
# Sourced, it defines clamd_start and clamd_stop.

clamd_bin() {
  command -v clamd 2>/dev/null || { [ -x /usr/sbin/clamd ] && echo /usr/sbin/clamd; }
}

clamd_start() {
  local dir=$1 port=$2 bin hex i
  bin=$(clamd_bin) || { echo "clamd is not installed (apt-get install clamav-daemon)" >&2; return 1; }
  mkdir -p "$dir/db"
  hex=$(printf '%s' 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE' | od -An -tx1 | tr -d ' \n')
  echo "Schakel.Test.EICAR:0:*:$hex" >"$dir/db/test.ndb"
  cat >"$dir/clamd.conf" <<CONF
DatabaseDirectory $dir/db
TCPSocket $port
TCPAddr 127.0.0.1
Foreground yes
LogFile $dir/clamd.log
PidFile $dir/clamd.pid
StreamMaxLength 64M
User $(id -un)
CONF
  "$bin" -c "$dir/clamd.conf" >"$dir/clamd.out" 2>&1 &
  echo $! >"$dir/clamd.pid"
  for i in $(seq 300); do
    if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
      printf 'zPING\0' >&3
      if [ "$(timeout 2 head -c 4 <&3)" = PONG ]; then exec 3>&-; return 0; fi
      exec 3>&-
    fi
    sleep 0.1
  done
  cat "$dir/clamd.out" "$dir/clamd.log" >&2 2>/dev/null
  return 1
}

clamd_stop() {
  local dir=$1
  [ -f "$dir/clamd.pid" ] || return 0
  kill "$(cat "$dir/clamd.pid")" 2>/dev/null || true
  rm -f "$dir/clamd.pid"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    start) clamd_start "$2" "$3" ;;
    stop) clamd_stop "$2" ;;
    *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
  esac
fi
