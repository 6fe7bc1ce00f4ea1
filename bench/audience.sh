#!/usr/bin/env bash
# Audience benchmark: how fast POST /v1/audiences/query answers over 100,000 contacts and 10 million
# events over 30 days.
#
#   bench/audience.sh [client options]      e.g. --database shiftlens_audbench_1 --runs 20 --keep
#
# Starts ClickHouse and PostgreSQL when they are down, builds target/shiftlens.jar when it is missing
# or older than the sources, then runs dev.shiftlens.bench.AudienceBenchmark, which loads contacts
# through a server on port 18093 and events straight into ClickHouse (fresh databases
# shiftlens_audbench_<epoch second>, dropped at the end unless --keep is given), starts a fresh
# server and times several audience queries, cold and warm. --database NAME reuses databases that
# already hold the data (and keeps them). Exits non-zero when the query with one property filter and
# one behavior filter takes more than 1 s (warm median).
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/prepare.sh
. bench/prepare.sh

bench_prepare

# shellcheck disable=SC2086 # BENCH_CLIENT_JAVA_OPTS holds several JVM options
exec java -Xmx512m ${BENCH_CLIENT_JAVA_OPTS:-} -cp "$JAR" dev.shiftlens.bench.AudienceBenchmark \
  --jar "$JAR" --log target/audbench-server.log "$@"
