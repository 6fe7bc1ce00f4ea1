#!/usr/bin/env bash
# Runs Shiftlens on 127.0.0.1:${SHIFTLENS_HTTP_PORT:-8080} with the demo dataset loaded:
# starts ClickHouse and PostgreSQL (installing them when missing), builds the jar, starts the
# server, loads the demo data through the HTTP API, then keeps the server in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/services.sh up

if [ ! -f target/shiftlens.jar ] || [ -n "$(find src sql pom.xml -newer target/shiftlens.jar -print -quit)" ]; then
  echo "run: building target/shiftlens.jar"
  mvn -q -B package -DskipTests
fi

if [ -z "${SHIFTLENS_API_KEY:-}" ]; then
  SHIFTLENS_API_KEY="sl_$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  export SHIFTLENS_API_KEY
  generated=1
fi
port=${SHIFTLENS_HTTP_PORT:-8080}
url="http://127.0.0.1:$port"

if curl -sf "$url/health" >/dev/null 2>&1; then
  echo "run: something already answers on $url; stop it or set SHIFTLENS_HTTP_PORT" >&2
  exit 1
fi

mkdir -p target
echo "run: starting the server (log: target/shiftlens.log)"
java ${SHIFTLENS_JAVA_OPTS:--Xmx1g} -jar target/shiftlens.jar serve >target/shiftlens.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT INT TERM

for _ in $(seq 1 300); do
  curl -sf "$url/health" >/dev/null 2>&1 && break
  if ! kill -0 $server 2>/dev/null; then
    echo "run: the server stopped; its log:" >&2
    tail -n 30 target/shiftlens.log >&2
    exit 1
  fi
  sleep 0.2
done

echo "run: loading the demo dataset"
java -jar target/shiftlens.jar demo --url "$url" --key "$SHIFTLENS_API_KEY"

cat <<EOT

Shiftlens is serving on $url with the demo data loaded.
$( [ -n "${generated:-}" ] && echo "No SHIFTLENS_API_KEY was set, so this run uses the key: $SHIFTLENS_API_KEY" )

Try:
  export SHIFTLENS_API_KEY=$SHIFTLENS_API_KEY
  curl -s -H "Authorization: Bearer \$SHIFTLENS_API_KEY" $url/v1/status
  curl -s -H "Authorization: Bearer \$SHIFTLENS_API_KEY" $url/v1/contacts/c00042
  curl -s -H "Authorization: Bearer \$SHIFTLENS_API_KEY" $url/v1/sends/s-42-1
  curl -s -H "Authorization: Bearer \$SHIFTLENS_API_KEY" "$url/v1/sends?message_id=promo_10pct&limit=5"
  curl -s -H "Authorization: Bearer \$SHIFTLENS_API_KEY" "$url/v1/metrics/sends?group_by=message_id"
  curl -s -H "Authorization: Bearer \$SHIFTLENS_API_KEY" $url/v1/contacts/c00042/baseline
  curl -s -H "Authorization: Bearer \$SHIFTLENS_API_KEY" $url/v1/contacts/c00042/preferences
  curl -s -H "Authorization: Bearer \$SHIFTLENS_API_KEY" -H "Content-Type: application/json" -d '{"behavior":[{"event_name":"purchase","within_days":30}],"limit":5}' $url/v1/audiences/query
  curl -sN -H "Authorization: Bearer \$SHIFTLENS_API_KEY" $url/v1/stream/shifts
  curl -s $url/health
  curl -s $url/metrics        # Prometheus figures, no key
The dashboard is at $url/dashboard (enter the key above; it stays in that browser tab).
The API's OpenAPI document is at $url/openapi.yaml, browsable at $url/docs.
Sends are evaluated within seconds of loading (their windows have closed); /v1/status shows
pending_evaluations and evaluated_sends. The demo's ground truth is in target/demo/ground-truth.json. Server log: target/shiftlens.log.
Press Ctrl-C to stop the server.
EOT
wait $server
