#!/usr/bin/env bash
# Installs (when missing) and starts (when not running) the two stores Shiftlens needs:
# ClickHouse on 127.0.0.1:8123 and PostgreSQL on 127.0.0.1:5432. Safe to run again.
#
#   scripts/services.sh up       install what is missing, start what is down, wait until both answer
#   scripts/services.sh browser  install Chromium (/usr/bin/chromium), which the dashboard's test drives
#   scripts/services.sh status   say whether each store answers
#   scripts/services.sh cluster up|down|status
#                                a local ClickHouse cluster of 2 shards x 2 replicas plus ZooKeeper,
#                                beside (never instead of) the single server above; see cluster_up
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

# A local ClickHouse cluster, named "shiftlens": 2 shards x 2 replicas, four clickhouse-server processes
# on their own ports with their own data under $CLUSTER_DIR, and one ZooKeeper on 127.0.0.1:2181 for
# replication and ON CLUSTER DDL. Server i (1..4) is shard (i+1)/2, replica 2-(i%2), and answers HTTP on
# 8123+i, TCP on 9000+i, interserver on 9010+i. The single server above is left alone.
CLUSTER_DIR=${CLUSTER_DIR:-/var/lib/shiftlens-cluster}
CLUSTER_NAME=shiftlens
ZK_PORT=${ZK_PORT:-2181}
CLUSTER_SERVERS="1 2 3 4"

zk_answers() { # ZooKeeper 3.8 answers "srvr" (the one four-letter word it allows by default)
  exec 3<>"/dev/tcp/127.0.0.1/$ZK_PORT" || return 1
  printf srvr >&3
  local answer
  answer=$(timeout 2 cat <&3 || true)
  exec 3<&- 3>&-
  grep -q '^Mode:' <<<"$answer"
}

zookeeper_up() {
  if zk_answers 2>/dev/null; then say "ZooKeeper answers on 127.0.0.1:$ZK_PORT"; return; fi
  [ -f /usr/share/java/zookeeper.jar ] || apt_install zookeeperd
  local dir=$CLUSTER_DIR/zookeeper
  as_root mkdir -p "$dir/data" "$dir/log"
  # Our own configuration: Debian's keeps its data in /tmp, and its admin server would take port 8080.
  as_root tee "$dir/zoo.cfg" >/dev/null <<ZOO
tickTime=2000
initLimit=10
syncLimit=5
dataDir=$dir/data
clientPort=$ZK_PORT
clientPortAddress=127.0.0.1
admin.enableServer=false
autopurge.purgeInterval=1
ZOO
  say "starting ZooKeeper"
  as_root bash -c "cd '$dir'; setsid nohup java -Xmx256m -Dzookeeper.log.dir='$dir/log' -Dzookeeper.admin.enableServer=false \
      -cp /etc/zookeeper/conf:/usr/share/java/zookeeper.jar org.apache.zookeeper.server.quorum.QuorumPeerMain '$dir/zoo.cfg' \
      >>'$dir/log/stdout.log' 2>&1 </dev/null & echo \$! >'$dir/pid'"
  wait_for ZooKeeper 60 zk_answers
  say "ZooKeeper answers on 127.0.0.1:$ZK_PORT"
}

cluster_http() { echo $((8123 + $1)); }
cluster_answers() { curl -sf --max-time 2 "http://127.0.0.1:$(cluster_http "$1")/ping" | grep -q Ok; }

# The packaged config.xml with this server's ports and paths, the cluster, ZooKeeper and its macros.
cluster_config() {
  local i=$1 dir=$CLUSTER_DIR/ch$1
  local shard=$(( (i + 1) / 2 )) replica=$(( 2 - i % 2 ))
  local remote="" s r
  for s in 1 2; do
    remote+="            <shard><internal_replication>true</internal_replication>"
    for r in 1 2; do
      remote+="<replica><host>127.0.0.1</host><port>$((9000 + 2 * (s - 1) + r))</port></replica>"
    done
    remote+="</shard>"$'\n'
  done
  sed -e "s#<http_port>8123</http_port>#<http_port>$((8123 + i))</http_port>#" \
      -e "s#<tcp_port>9000</tcp_port>#<tcp_port>$((9000 + i))</tcp_port>#" \
      -e "s#<interserver_http_port>9009</interserver_http_port>#<interserver_http_port>$((9010 + i))</interserver_http_port>#" \
      -e "s#/var/lib/clickhouse/#$dir/data/#g" \
      -e "s#/var/log/clickhouse-server/#$dir/log/#g" \
      -e "s#<level>warning</level>#<level>information</level>#" \
      -e '/<remote_servers incl=/,/<\/remote_servers>/d' \
      -e '/<zookeeper incl=/d' -e '/<macros incl=/d' \
      -e "s#<path>/clickhouse/task_queue/ddl</path>#<path>/shiftlens/task_queue/ddl</path>#" \
      -e '/<\/yandex>/d' /etc/clickhouse-server/config.xml
  cat <<XML
    <interserver_http_host>127.0.0.1</interserver_http_host>
    <remote_servers>
        <$CLUSTER_NAME>
$remote        </$CLUSTER_NAME>
    </remote_servers>
    <zookeeper><node><host>127.0.0.1</host><port>$ZK_PORT</port></node></zookeeper>
    <macros><cluster>$CLUSTER_NAME</cluster><shard>$shard</shard><replica>r$replica</replica></macros>
</yandex>
XML
}

cluster_server_up() {
  local i=$1 dir=$CLUSTER_DIR/ch$1
  if cluster_answers "$i"; then return; fi
  as_root mkdir -p "$dir/data" "$dir/log"
  cluster_config "$i" | as_root tee "$dir/config.xml" >/dev/null
  # Distributed reads skip a replica whose replication queue holds inserts older than a second (one
  # that was down and is still fetching what its partner stored meanwhile), when the other is current.
  sed '0,/<default>/s//<default>\n            <max_replica_delay_for_distributed_queries>1<\/max_replica_delay_for_distributed_queries>/' \
    /etc/clickhouse-server/users.xml | as_root tee "$dir/users.xml" >/dev/null
  say "starting ClickHouse ch$i (HTTP $(cluster_http "$i"), TCP $((9000 + i)))"
  as_root bash -c "cd '$dir'; setsid nohup clickhouse-server --config-file='$dir/config.xml' \
      >>'$dir/log/stdout.log' 2>&1 </dev/null & echo \$! >'$dir/pid'"
}

cluster_up() {
  command -v curl >/dev/null 2>&1 || apt_install curl
  command -v clickhouse-server >/dev/null 2>&1 || apt_install clickhouse-server clickhouse-client
  zookeeper_up
  local i
  for i in $CLUSTER_SERVERS; do cluster_server_up "$i"; done
  for i in $CLUSTER_SERVERS; do wait_for "ClickHouse ch$i" 60 cluster_answers "$i"; done
  say "cluster $CLUSTER_NAME answers: HTTP $(for i in $CLUSTER_SERVERS; do printf '%s ' "$(cluster_http "$i")"; done)(2 shards x 2 replicas)"
}

# Stops only what cluster_up started: the processes in its pid files, if they still run our configuration.
stop_pid_file() { # name, pid file, text its command line must contain
  local name=$1 file=$2 mark=$3 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$mark"; then
    say "stopping $name (pid $pid)"
    as_root kill "$pid"
    local j
    for ((j = 0; j < 120; j++)); do [ -d "/proc/$pid" ] || break; sleep 0.25; done
    if [ -d "/proc/$pid" ]; then as_root kill -9 "$pid"; fi
  fi
  as_root rm -f "$file"
}

cluster_down() {
  local i
  for i in $CLUSTER_SERVERS; do stop_pid_file "ClickHouse ch$i" "$CLUSTER_DIR/ch$i/pid" "$CLUSTER_DIR/ch$i/config.xml"; done
  stop_pid_file ZooKeeper "$CLUSTER_DIR/zookeeper/pid" "$CLUSTER_DIR/zookeeper/zoo.cfg"
}

cluster_status() {
  local i
  if zk_answers 2>/dev/null; then echo "zookeeper: up (127.0.0.1:$ZK_PORT)"; else echo "zookeeper: down"; fi
  for i in $CLUSTER_SERVERS; do
    if cluster_answers "$i"; then echo "clickhouse ch$i: up (http://127.0.0.1:$(cluster_http "$i"))"; else echo "clickhouse ch$i: down"; fi
  done
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
  cluster)
    case "${2:-up}" in
      up) cluster_up ;;
      down) cluster_down ;;
      status) cluster_status ;;
      *) echo "usage: $0 cluster up|down|status" >&2; exit 2 ;;
    esac
    ;;
  *) echo "usage: $0 up|browser|status|cluster up|down|status" >&2; exit 2 ;;
esac
