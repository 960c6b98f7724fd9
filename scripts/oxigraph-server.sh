#!/usr/bin/env bash
# Start or stop a throwaway Oxigraph server (the `oxigraph` CLI from PyPI) on loopback.
#   scripts/oxigraph-server.sh start DIR PORT [TIMEOUT_S]   data in DIR/db, pid in DIR/pid, log in DIR/log
#   scripts/oxigraph-server.sh stop DIR
# start returns once the server answers a query (exit 1 after 60 s); stop waits until it has exited.
set -euo pipefail
cmd=${1:?usage: $0 start DIR PORT [TIMEOUT_S] | stop DIR}
dir=${2:?DIR missing}
here=$(cd "$(dirname "$0")/.." && pwd)
oxigraph=${OXIGRAPH:-$here/.venv/bin/oxigraph}
# 0 when a GET of $1 answers 2xx within 2 s (Python's urllib: no curl needed).
answers() {
  python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1" 2>/dev/null
}
case $cmd in
  start)
    port=${3:?PORT missing}
    mkdir -p "$dir/db"
    nohup "$oxigraph" serve --location "$dir/db" --bind "127.0.0.1:$port" --timeout-s "${4:-30}" \
      >"$dir/log" 2>&1 </dev/null &
    echo $! >"$dir/pid"
    for _ in $(seq 600); do
      if answers "http://127.0.0.1:$port/query?query=ASK%7B%7D"; then exit 0; fi
      kill -0 "$(cat "$dir/pid")" 2>/dev/null || { echo "oxigraph exited:" >&2; cat "$dir/log" >&2; exit 1; }
      sleep 0.1
    done
    echo "oxigraph did not answer on 127.0.0.1:$port within 60 s" >&2; exit 1 ;;
  stop)
    [ -f "$dir/pid" ] || exit 0
    pid=$(cat "$dir/pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/pid" ;;
  *) echo "usage: $0 start DIR PORT [TIMEOUT_S] | stop DIR" >&2; exit 2 ;;
esac
