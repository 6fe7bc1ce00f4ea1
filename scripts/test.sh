#!/usr/bin/env bash
# Runs the whole test suite: unit tests, integration tests against the real ClickHouse and
# PostgreSQL, and end-to-end tests that start the server and speak HTTP, one of them on a local
# ClickHouse cluster (2 shards x 2 replicas plus ZooKeeper, beside the single server).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/services.sh up
scripts/services.sh cluster up
scripts/services.sh browser
mvn -B test "$@"
