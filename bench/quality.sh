#!/usr/bin/env bash
# The engine's quality checks against generated data with a known truth, with more contacts than the
# test suite uses, so that chance moves the events themselves less:
# - DemoQualityTest: the demo's Poisson world (seeds 42, 7, 2024): false positives, expected against the
#   truth, power against an oracle, each message's lift against the planted truth;
# - CalibrationTest: bursty and realistic data (sessions, repeat and overlapping sends, a daily campaign,
#   a rare event, lapsed contacts, contacts with no zone): false positives, expected, message lifts.
# In memory: no stores needed. Usage: bench/quality.sh [CONTACTS] (default 12000; realistic data is
# generated for half as many).
set -euo pipefail
cd "$(dirname "$0")/.."
contacts="${1:-12000}"
mvn -B -q test -Dtest='DemoQualityTest,CalibrationTest' -Dshiftlens.quality.contacts="$contacts" \
  -Dsurefire.failIfNoSpecifiedTests=false -DargLine=-Xmx12g 2>&1 | grep -E "^(seed|bursty|realistic)|lift|FAIL|ERROR|Tests run" || true
test "${PIPESTATUS[0]}" -eq 0
