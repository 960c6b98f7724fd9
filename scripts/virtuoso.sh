#!/usr/bin/env bash
# Start or stop a throwaway Virtuoso 7 (Debian virtuoso-opensource-7-bin) with its own ini and data
# folder, bound to loopback only (recipe: shared/docs/tech.md section 3.2).
#   scripts/virtuoso.sh start DIR HTTP_PORT SQL_PORT   database in DIR/db, ini DIR/virtuoso.ini, pid DIR/pid
#   scripts/virtuoso.sh stop DIR                        clean `shutdown` through isql-vt, then the pid
# The DBA account keeps Virtuoso's default dba/dba: acceptable only because both ports are loopback.
set -euo pipefail
cmd=${1:?usage: $0 start DIR HTTP_PORT SQL_PORT | stop DIR}
dir=$(mkdir -p "${2:?DIR missing}" && cd "$2" && pwd)
# 0 when a GET of $1 answers 2xx within 2 s (Python's urllib: no curl needed).
answers() {
  python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1" 2>/dev/null
}
case $cmd in
  start)
    http=${3:?HTTP_PORT missing}; sql=${4:?SQL_PORT missing}
    command -v virtuoso-t >/dev/null || { echo "virtuoso-t missing: run make virtuoso" >&2; exit 1; }
    mkdir -p "$dir/db" "$dir/data" "$dir/vsp"
    cat >"$dir/virtuoso.ini" <<INI
[Database]
DatabaseFile=$dir/db/virtuoso.db
ErrorLogFile=$dir/db/virtuoso.log
LockFile=$dir/db/virtuoso.lck
TransactionFile=$dir/db/virtuoso.trx
xa_persistent_file=$dir/db/virtuoso.pxa
TempStorage=TempDatabase
[TempDatabase]
DatabaseFile=$dir/db/virtuoso-temp.db
TransactionFile=$dir/db/virtuoso-temp.trx
[Parameters]
ServerPort=127.0.0.1:$sql
DisableUnixSocket=1
DirsAllowed=., $dir/data
NumberOfBuffers=${VIRTUOSO_BUFFERS:-20000}
MaxDirtyBuffers=${VIRTUOSO_DIRTY_BUFFERS:-15000}
[HTTPServer]
ServerPort=127.0.0.1:$http
ServerRoot=$dir/vsp
ServerThreads=8
[SPARQL]
ResultSetMaxRows=100000
MaxQueryCostEstimationTime=30
MaxQueryExecutionTime=30
DefaultQuery=ASK {}
INI
    echo "$sql" >"$dir/sqlport"
    nohup virtuoso-t +foreground +configfile "$dir/virtuoso.ini" >"$dir/stdout.log" 2>&1 </dev/null &
    echo $! >"$dir/pid"
    for _ in $(seq 600); do
      if answers "http://127.0.0.1:$http/sparql?query=ASK%7B%7D"; then exit 0; fi
      kill -0 "$(cat "$dir/pid")" 2>/dev/null || { echo "virtuoso exited:" >&2; cat "$dir/stdout.log" >&2; exit 1; }
      sleep 0.1
    done
    echo "virtuoso did not answer on 127.0.0.1:$http within 60 s" >&2; exit 1 ;;
  stop)
    [ -f "$dir/pid" ] || exit 0
    pid=$(cat "$dir/pid")
    timeout 20 isql-vt "127.0.0.1:$(cat "$dir/sqlport")" dba dba exec="shutdown;" >/dev/null 2>&1 || true
    for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/pid" ;;
  *) echo "usage: $0 start DIR HTTP_PORT SQL_PORT | stop DIR" >&2; exit 2 ;;
esac
