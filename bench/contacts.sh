#!/usr/bin/env bash
# Per-contact views benchmark: latency of GET /v1/contacts/{id}/baseline, /shifts and /preferences
# under an open-loop load at a fixed rate (500 requests/s by default) to random contacts, measured
# from when each request was due. Fails (exit 1) when a p99 is 50 ms or more.
#
#   bench/contacts.sh [CONTACTS] [client options]     CONTACTS defaults to $BENCH_CONTACTS or 20000
#   bench/contacts.sh --database NAME [client options]  on databases another benchmark loaded and kept
#                                                       (e.g. bench/evaluate.sh 65000 --keep)
#
# Starts ClickHouse and PostgreSQL when they are down, builds target/shiftlens.jar when it is
# missing or older than the sources, then runs dev.shiftlens.bench.ContactViewsBenchmark, which
# starts a server on port 18187. Without --database it generates the demo dataset, loads it into
# fresh databases (shiftlens_viewbench_<epoch second>), waits until every send is evaluated,
# measures, and drops the databases unless --keep is given. Options such as --rate 500,
# --seconds 60, --warmup-seconds 15 or --p99-ms 50 are passed on.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/prepare.sh
. bench/prepare.sh

args=()
if [[ ${1:-} =~ ^[1-9][0-9]*$ ]]; then
  args+=(--contacts "$1")
  shift
elif [[ ${1:-} != --database ]]; then
  args+=(--contacts "${BENCH_CONTACTS:-20000}")
fi

bench_prepare

# shellcheck disable=SC2086 # BENCH_CLIENT_JAVA_OPTS holds several JVM options
exec java -Xmx1g ${BENCH_CLIENT_JAVA_OPTS:-} -cp "$JAR" dev.shiftlens.bench.ContactViewsBenchmark \
  --jar "$JAR" --log target/viewbench-server.log --server-java-opts "${BENCH_SERVER_JAVA_OPTS:-}" "${args[@]}" "$@"
