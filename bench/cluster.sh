#!/usr/bin/env bash
# Cluster benchmark: the demo's ingestion and evaluation through Shiftlens on the local ClickHouse
# cluster (2 shards x 2 replicas, scripts/services.sh cluster up) and on a single ClickHouse server, in
# one run, on the same data; prints both rates and the CPU each costs per event and per evaluation.
#
#   bench/cluster.sh [CONTACTS]      CONTACTS defaults to 2000 (about 330,000 events, 4,000 sends)
#
# The single server is the cluster's ch1 (127.0.0.1:8124) used alone, with plain tables: the same
# binary, configuration and idle machine as the cluster's servers, and none of the load that other
# users put on the shared server on 8123. CPU is read from /proc: the Shiftlens server's, and the
# ClickHouse servers' (ch1 alone, or ch1..ch4 plus ZooKeeper). One machine of 2 cores holds all four
# cluster servers, so the cluster cannot be faster here; what it costs per event is the figure that
# carries over. Databases shiftlens_clusterbench_{single,cluster} are dropped first and left for a look.
# See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

CONTACTS=${1:-2000}
PORT=18083
KEY=bench-key
SEED=7
CLUSTER_DIR=${CLUSTER_DIR:-/var/lib/shiftlens-cluster}
LOG=target/clusterbench-server.log
# shellcheck source=bench/prepare.sh
. bench/prepare.sh

if ! [[ $CONTACTS =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [CONTACTS]" >&2
  exit 2
fi

bench_prepare
scripts/services.sh cluster up
if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/health"; then
  say "something already answers on port $PORT; stop it first"
  exit 1
fi

TICKS=$(getconf CLK_TCK)
# All windows closed two days before now: every send is due once the server evaluates.
ANCHOR=$(date -u -d "@$(( ($(date +%s) - 2 * 86400) / 3600 * 3600 ))" +%Y-%m-%dT%H:%M:%SZ)

cpu_seconds() { # pids...: their user plus system CPU, in seconds
  local total=0 pid fields
  for pid in "$@"; do
    fields=$(cut -d' ' -f14,15 "/proc/$pid/stat" 2>/dev/null || echo "0 0")
    total=$((total + ${fields% *} + ${fields#* }))
  done
  awk -v t="$total" -v hz="$TICKS" 'BEGIN { printf "%.2f", t / hz }'
}

now() { date +%s.%N; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
per() { awk -v a="$1" -v b="$2" -v k="$3" 'BEGIN { if (b > 0) printf "%.1f", a * k / b; else print "n/a" }'; }

SERVER_PID=
stop_server() {
  if [ -z "$SERVER_PID" ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then return; fi
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  local i
  for ((i = 0; i < 120; i++)); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.25; done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_server() { # evaluation enabled (true/false), then SHIFTLENS_* assignments
  local evaluate=$1; shift
  env "$@" SHIFTLENS_HTTP_PORT=$PORT SHIFTLENS_API_KEY=$KEY SHIFTLENS_EVALUATION_ENABLED="$evaluate" \
    SHIFTLENS_EVALUATION_GRACE_MINUTES=0 SHIFTLENS_EVALUATION_INTERVAL_MS=100 \
    java -Xmx1g -Xms1g ${BENCH_SERVER_JAVA_OPTS:-} -jar "$JAR" serve >>"$LOG" 2>&1 &
  SERVER_PID=$!
  local deadline=$((SECONDS + 120))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$PORT/health")" = 200 ]; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null || ((SECONDS >= deadline)); then
      say "the server did not start; the end of $LOG:"
      tail -n 30 "$LOG" >&2
      exit 1
    fi
    sleep 0.5
  done
}

status() { curl -sf -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/v1/status"; }
field() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }

declare -A R
run() { # name, ClickHouse pids (space-separated), SHIFTLENS_* assignments...
  local name=$1 ch_pids=$2; shift 2
  local db=shiftlens_clusterbench_$name
  say "$name: emptying the databases $db"
  if [ "$name" = cluster ]; then
    curl -sSf http://127.0.0.1:8124/ --data-binary "DROP DATABASE IF EXISTS $db ON CLUSTER shiftlens" >/dev/null
  else
    curl -sSf http://127.0.0.1:8124/ --data-binary "DROP DATABASE IF EXISTS $db" >/dev/null
  fi
  PGOPTIONS="--client-min-messages=warning" psql -h 127.0.0.1 -U postgres -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $db"
  local vars=("$@" SHIFTLENS_CLICKHOUSE_DATABASE=$db SHIFTLENS_PG_URI=postgresql://postgres@127.0.0.1:5432/$db)

  start_server false "${vars[@]}"
  # shellcheck disable=SC2086 # the pids are separate words
  local c0 s0 t0 c1 s1 t1
  c0=$(cpu_seconds $ch_pids); s0=$(cpu_seconds "$SERVER_PID"); t0=$(now)
  say "$name: loading the demo ($CONTACTS contacts, seed $SEED, anchored at $ANCHOR)"
  java -cp "$JAR" dev.shiftlens.demo.DemoCommand --url "http://127.0.0.1:$PORT" --key "$KEY" --seed "$SEED" \
    --contacts "$CONTACTS" --anchor "$ANCHOR" --truth "target/clusterbench-$name-truth.json" | grep -v '%)$' >&2
  t1=$(now); c1=$(cpu_seconds $ch_pids); s1=$(cpu_seconds "$SERVER_PID")
  local st events sends
  st=$(status); events=$(field events <<<"$st"); sends=$(field sends <<<"$st")
  R[$name.events]=$events; R[$name.sends]=$sends
  R[$name.load_s]=$(minus "$t1" "$t0"); R[$name.load_ch]=$(minus "$c1" "$c0"); R[$name.load_sl]=$(minus "$s1" "$s0")
  stop_server

  start_server true "${vars[@]}"
  c0=$(cpu_seconds $ch_pids); s0=$(cpu_seconds "$SERVER_PID"); t0=$(now)
  say "$name: evaluating $sends sends"
  local deadline=$((SECONDS + 1800))
  until [ "$(status | field pending_evaluations)" = 0 ]; do
    ((SECONDS < deadline)) || { say "$name: sends still pending after 30 minutes"; exit 1; }
    sleep 0.2
  done
  t1=$(now); c1=$(cpu_seconds $ch_pids); s1=$(cpu_seconds "$SERVER_PID")
  R[$name.eval_s]=$(minus "$t1" "$t0"); R[$name.eval_ch]=$(minus "$c1" "$c0"); R[$name.eval_sl]=$(minus "$s1" "$s0")
  R[$name.evaluated]=$(status | field evaluated_sends)
  stop_server
}

pid_of() { cat "$CLUSTER_DIR/$1/pid"; }
: >"$LOG"
run single "$(pid_of ch1)" SHIFTLENS_CLICKHOUSE_URL=http://127.0.0.1:8124
run cluster "$(pid_of ch1) $(pid_of ch2) $(pid_of ch3) $(pid_of ch4) $(pid_of zookeeper)" \
  SHIFTLENS_CLICKHOUSE_URL=http://127.0.0.1:8124,http://127.0.0.1:8126,http://127.0.0.1:8125,http://127.0.0.1:8127 \
  SHIFTLENS_CLICKHOUSE_CLUSTER=shiftlens

printf '\n%-8s %9s %8s %9s %13s %13s %7s %8s %8s %15s %15s\n' target events "load s" events/s "CH cpu s/1M" "SL cpu s/1M" sends "eval s" evals/s "CH cpu ms/eval" "SL cpu ms/eval"
for t in single cluster; do
  printf '%-8s %9s %8s %9s %13s %13s %7s %8s %8s %15s %15s\n' "$t" "${R[$t.events]}" "${R[$t.load_s]}" \
    "$(printf %.0f "$(ratio "${R[$t.events]}" "${R[$t.load_s]}")")" \
    "$(per "${R[$t.load_ch]}" "${R[$t.events]}" 1000000)" "$(per "${R[$t.load_sl]}" "${R[$t.events]}" 1000000)" \
    "${R[$t.evaluated]}" "${R[$t.eval_s]}" "$(ratio "${R[$t.evaluated]}" "${R[$t.eval_s]}")" \
    "$(per "${R[$t.eval_ch]}" "${R[$t.evaluated]}" 1000)" "$(per "${R[$t.eval_sl]}" "${R[$t.evaluated]}" 1000)"
done
cost() { ratio "$(awk -v a="${R[cluster.$1_ch]}" -v b="${R[cluster.$1_sl]}" 'BEGIN { print a + b }')" \
  "$(awk -v a="${R[single.$1_ch]}" -v b="${R[single.$1_sl]}" 'BEGIN { print a + b }')"; }
printf '\ncluster against single server: ingestion rate x%s, CPU per event x%s (ClickHouse alone x%s);\n' \
  "$(ratio "$(ratio "${R[cluster.events]}" "${R[cluster.load_s]}")" "$(ratio "${R[single.events]}" "${R[single.load_s]}")")" \
  "$(cost load)" "$(ratio "${R[cluster.load_ch]}" "${R[single.load_ch]}")"
printf '                              evaluation rate x%s, CPU per evaluation x%s (ClickHouse alone x%s)\n' \
  "$(ratio "$(ratio "${R[cluster.evaluated]}" "${R[cluster.eval_s]}")" "$(ratio "${R[single.evaluated]}" "${R[single.eval_s]}")")" \
  "$(cost eval)" "$(ratio "${R[cluster.eval_ch]}" "${R[single.eval_ch]}")"
if [ "${R[single.events]}" != "${R[cluster.events]}" ] || [ "${R[single.evaluated]}" != "${R[cluster.evaluated]}" ]; then
  say "the two runs stored or evaluated different numbers: ${R[single.events]}/${R[cluster.events]} events, ${R[single.evaluated]}/${R[cluster.evaluated]} sends"
  exit 1
fi
