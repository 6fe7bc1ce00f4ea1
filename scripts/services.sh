#!/usr/bin/env bash
# Installs (when missing) and starts (when not running) the two stores Shiftlens needs:
# ClickHouse on 127.0.0.1:8123 and PostgreSQL on 127.0.0.1:5432. Safe to run again.
#
#   scripts/services.sh up       install what is missing, start what is down, wait until both answer
#   scripts/services.sh browser  install Chromium (/usr/bin/chromium), which the dashboard's test drives
#   scripts/services.sh status   say whether each store answers
set -euo pipefail

CH_HTTP=${CH_HTTP:-http://127.0.0.1:8123}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_CLUSTER=${PG_CLUSTER:-main}

say() { printf 'services: %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; return; fi
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"; return; fi
  say "this step needs root; run it yourself, then run this script again:"
  say "  sudo $*"
  exit 1
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  say "installing $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() { # name, seconds, command...
  local name=$1 seconds=$2; shift 2
  local i
  for ((i = 0; i < seconds * 4; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  say "$name did not answer within ${seconds}s"
  return 1
}

ch_answers() { curl -sf --max-time 2 "$CH_HTTP/ping" | grep -q Ok; }

clickhouse_up() {
  if ch_answers; then say "ClickHouse answers on $CH_HTTP"; return; fi
  command -v clickhouse-server >/dev/null 2>&1 || apt_install clickhouse-server clickhouse-client
  command -v curl >/dev/null 2>&1 || apt_install curl
  say "starting ClickHouse"
  # No init system in CI: run the server in the background with its packaged configuration.
  as_root mkdir -p /var/log/clickhouse-server
  as_root bash -c 'cd /var/lib/clickhouse 2>/dev/null || cd /; setsid nohup clickhouse-server --config-file=/etc/clickhouse-server/config.xml \
      >>/var/log/clickhouse-server/stdout.log 2>&1 </dev/null &'
  wait_for ClickHouse 60 ch_answers
  say "ClickHouse answers on $CH_HTTP"
}

pg_answers() { psql "postgresql://postgres@$PG_HOST:$PG_PORT/postgres" -tAc 'select 1' 2>/dev/null | grep -q 1; }

postgres_up() {
  if pg_answers; then say "PostgreSQL answers on $PG_HOST:$PG_PORT"; return; fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls -d /etc/postgresql/*/"$PG_CLUSTER" >/dev/null 2>&1; then
    apt_install postgresql postgresql-client
  fi
  local version
  version=$(ls -d /etc/postgresql/*/"$PG_CLUSTER" | sort -V | tail -n 1 | cut -d/ -f4)
  if ! pg_lsclusters -h 2>/dev/null | awk -v v="$version" -v c="$PG_CLUSTER" '$1==v && $2==c {print $4}' | grep -q online; then
    say "starting PostgreSQL $version/$PG_CLUSTER"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$PG_CLUSTER" start
  fi
  wait_for "PostgreSQL (socket)" 30 as_root su postgres -c "psql -p $PG_PORT -tAc 'select 1'"
  if ! pg_answers; then
    # A fresh Debian cluster asks TCP logins for a password. Shiftlens' default URI logs in as
    # postgres without one, so trust loopback connections (and only those).
    local hba=/etc/postgresql/$version/$PG_CLUSTER/pg_hba.conf
    if ! as_root grep -q '# shiftlens: loopback trust' "$hba"; then
      say "allowing passwordless loopback logins in $hba"
      as_root sed -i '1i # shiftlens: loopback trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    fi
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$PG_CLUSTER" reload
  fi
  wait_for PostgreSQL 30 pg_answers
  say "PostgreSQL answers on $PG_HOST:$PG_PORT"
}

# The dashboard's test drives a headless Chromium; only the tests need it, so `up` leaves it out.
browser_up() {
  if [ -x /usr/bin/chromium ]; then say "Chromium is installed"; return; fi
  apt_install chromium fonts-liberation2
  say "Chromium is installed"
}

case "${1:-up}" in
  up)
    command -v curl >/dev/null 2>&1 || apt_install curl
    command -v psql >/dev/null 2>&1 || apt_install postgresql-client
    postgres_up
    clickhouse_up
    ;;
  browser)
    browser_up
    ;;
  status)
    if ch_answers; then echo "clickhouse: up"; else echo "clickhouse: down"; fi
    if pg_answers; then echo "postgresql: up"; else echo "postgresql: down"; fi
    ;;
  *) echo "usage: $0 up|browser|status" >&2; exit 2 ;;
esac
