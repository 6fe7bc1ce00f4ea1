#!/usr/bin/env bash
# Ingestion benchmark: events per second that a fresh Shiftlens server stores through
# POST /v1/events, against rows per second that ClickHouse inserts from the same rows on its own.
#
#   bench/ingest.sh [EVENTS] [client options]     EVENTS defaults to 1000000
#
# Starts ClickHouse and PostgreSQL when they are down, builds target/shiftlens.jar when it is
# missing or older than the sources, empties the benchmark databases, starts the server on port
# 18080 and runs dev.shiftlens.bench.IngestBenchmark against it. Client options (such as
# --skip-clickhouse or --batch 5000) are passed on. Exits non-zero when a check fails.
# See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS=${1:-1000000}
# --through-spool (anywhere after EVENTS): every event goes through the local spool (SHIFTLENS_SPOOL_ALWAYS),
# to measure the spooling path's own throughput; not passed to the client.
SPOOL_ALWAYS=false
CLIENT_ARGS=()
for arg in "${@:2}"; do
  if [ "$arg" = --through-spool ]; then SPOOL_ALWAYS=true; else CLIENT_ARGS+=("$arg"); fi
done
PORT=18080
KEY=bench-key
DB=shiftlens_bench
CH_HTTP=http://127.0.0.1:8123
# shellcheck source=bench/prepare.sh
. bench/prepare.sh
LOG=target/bench-server.log

if ! [[ $EVENTS =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [EVENTS] [client options]" >&2
  exit 2
fi

bench_prepare

if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/health"; then
  say "something already answers on port $PORT; stop it first"
  exit 1
fi

say "emptying the ClickHouse and PostgreSQL databases $DB"
curl -sSf "$CH_HTTP/" --data-binary "DROP DATABASE IF EXISTS $DB"
PGOPTIONS="--client-min-messages=warning" psql -h 127.0.0.1 -U postgres -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $DB"

SERVER_PID=
stop_server() {
  if [ -z "$SERVER_PID" ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then return; fi
  say "stopping the server (pid $SERVER_PID)"
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  local i
  for ((i = 0; i < 120; i++)); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    say "the server did not stop within 30 s of SIGTERM; killing it"
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" 2>/dev/null || true
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

SPOOL=target/bench-spool
rm -rf "$SPOOL"
say "starting the server on port $PORT (log: $LOG; spool: $SPOOL, every event through it: $SPOOL_ALWAYS)"
SHIFTLENS_SPOOL_DIR=$SPOOL \
SHIFTLENS_SPOOL_ALWAYS=$SPOOL_ALWAYS \
SHIFTLENS_HTTP_PORT=$PORT \
SHIFTLENS_API_KEY=$KEY \
SHIFTLENS_CLICKHOUSE_DATABASE=$DB \
SHIFTLENS_PG_URI=postgresql://postgres@127.0.0.1:5432/$DB \
  java -Xmx1g -Xms1g ${BENCH_SERVER_JAVA_OPTS:-} -jar "$JAR" serve >"$LOG" 2>&1 &
SERVER_PID=$!

deadline=$((SECONDS + 60))
until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$PORT/health")" = 200 ]; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    say "the server exited while starting; the end of $LOG:"
    tail -n 30 "$LOG" >&2
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    say "GET /health did not answer 200 within 60 s; the end of $LOG:"
    tail -n 30 "$LOG" >&2
    exit 1
  fi
  sleep 0.5
done
say "the server is up (pid $SERVER_PID)"

status=0
# shellcheck disable=SC2086 # BENCH_CLIENT_JAVA_OPTS holds several JVM options
java ${BENCH_CLIENT_JAVA_OPTS:-} -cp "$JAR" dev.shiftlens.bench.IngestBenchmark \
  --url "http://127.0.0.1:$PORT" --key "$KEY" --events "$EVENTS" --clients 4 \
  --server-pid "$SERVER_PID" ${CLIENT_ARGS[@]+"${CLIENT_ARGS[@]}"} || status=$?
if [ "$status" != 0 ]; then
  say "the benchmark failed (exit $status); server log: $LOG"
fi
exit "$status"
