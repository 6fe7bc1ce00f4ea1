#!/usr/bin/env bash
# The engine's quality checks (DemoQualityTest: false positives, expected against the truth, power,
# and each message's lift against the planted truth) on demo data of seeds 42, 7 and 2024 with more
# contacts than the test suite uses, so that chance moves the events themselves less. In memory: no
# stores needed. Usage: bench/quality.sh [CONTACTS] (default 12000).
set -euo pipefail
cd "$(dirname "$0")/.."
contacts="${1:-12000}"
mvn -B -q test -Dtest=DemoQualityTest -Dshiftlens.quality.contacts="$contacts" -Dsurefire.failIfNoSpecifiedTests=false \
  -DargLine=-Xmx4g 2>&1 | grep -E "^seed|lift|FAIL|ERROR|Tests run" || true
test "${PIPESTATUS[0]}" -eq 0
