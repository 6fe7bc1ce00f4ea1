#!/usr/bin/env bash
# Evaluation benchmark: how fast a Shiftlens server evaluates a backlog of sends over ~10 million
# events, and how soon after its window closes a new send is evaluated.
#
#   bench/evaluate.sh [CONTACTS] [client options]     CONTACTS defaults to $BENCH_CONTACTS or 65000
#
# Starts ClickHouse and PostgreSQL when they are down, builds target/shiftlens.jar when it is
# missing or older than the sources, then runs dev.shiftlens.bench.EvaluationBenchmark, which
# generates the demo dataset, starts servers on port 18081 on fresh databases
# (shiftlens_evalbench_<epoch second>), loads, evaluates, and drops the databases at the end unless
# --keep is given. Client options (such as --keep or --live-sends 5000) are passed on. Exits
# non-zero when a check fails. See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

CONTACTS=${1:-${BENCH_CONTACTS:-65000}}
# shellcheck source=bench/prepare.sh
. bench/prepare.sh

if ! [[ $CONTACTS =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [CONTACTS] [client options]" >&2
  exit 2
fi

bench_prepare

# The client holds the contacts, sends and ground truth of the dataset (about 200 MiB for 65,000
# contacts); events are drawn as they are sent.
# shellcheck disable=SC2086 # BENCH_CLIENT_JAVA_OPTS holds several JVM options
exec java -Xmx1g ${BENCH_CLIENT_JAVA_OPTS:-} -cp "$JAR" dev.shiftlens.bench.EvaluationBenchmark \
  --contacts "$CONTACTS" --jar "$JAR" --log target/evalbench-server.log \
  --server-java-opts "${BENCH_SERVER_JAVA_OPTS:-}" "${@:2}"
