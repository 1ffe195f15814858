#!/usr/bin/env bash
# Load test: a mixed upload load (default 80% unflagged small photos, 20% flagged face photos) from wrk
# against the service on 127.0.0.1, with the service's resident memory sampled from /proc every second.
#
#   ops/load/run.sh                       # builds the jar if missing, starts it on embedded defaults in a
#                                         # fresh data dir, loads it, stops it
#   BASE_URL=http://127.0.0.1:8080 DNTME_TOKEN=... SERVICE_PID=1234 ops/load/run.sh   # a running service
#
# Settings (environment): DURATION (60s), CONNECTIONS (4), THREADS (2), FLAGGED_RATIO (0.2),
# PLAIN_PHOTO, FACE_PHOTO, PORT (18080) and S3_PORT (19100) for the service it starts, OUT (result folder).
# wrk is closed-loop: each connection sends its next upload when the previous one is answered, so the
# offered rate is bounded by CONNECTIONS, and the run by DURATION. Traffic stays on 127.0.0.1.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=${DURATION:-60s}
CONNECTIONS=${CONNECTIONS:-4}
THREADS=${THREADS:-2}
export FLAGGED_RATIO=${FLAGGED_RATIO:-0.2}
export PLAIN_PHOTO=${PLAIN_PHOTO:-$ROOT/src/test/resources/faces/edge/small-face.jpg}
export FACE_PHOTO=${FACE_PHOTO:-$ROOT/src/test/resources/faces/people/obama/obama-3.jpg}
PORT=${PORT:-18080}
S3_PORT=${S3_PORT:-19100}
OUT=${OUT:-$(mktemp -d /tmp/dntme-load.XXXXXX)}
mkdir -p "$OUT"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

SERVICE_PID=${SERVICE_PID:-}
STARTED_PID=""
cleanup() {
  [[ -n "${SAMPLER_PID:-}" ]] && kill "$SAMPLER_PID" 2>/dev/null || true
  if [[ -n "$STARTED_PID" ]]; then
    kill "$STARTED_PID" 2>/dev/null || true
    wait "$STARTED_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

if [[ -z "${BASE_URL:-}" ]]; then
  JAR=$(ls "$ROOT"/target/dntme-gateway-*.jar 2>/dev/null | grep -v '\.original$' | head -1 || true)
  if [[ -z "$JAR" ]]; then
    (cd "$ROOT" && mvn -q -B -o package -DskipTests)
    JAR=$(ls "$ROOT"/target/dntme-gateway-*.jar | grep -v '\.original$' | head -1)
  fi
  DATA="$OUT/data"
  mkdir -p "$DATA"
  echo "starting $JAR on 127.0.0.1:$PORT (data $DATA, log $OUT/service.log)"
  OMP_WAIT_POLICY=PASSIVE java ${JAVA_OPTS:-} -jar "$JAR" --server.address=127.0.0.1 --server.port="$PORT" \
      --dntme.data-dir="$DATA" --dntme.s3.embedded-port="$S3_PORT" >"$OUT/service.log" 2>&1 &
  STARTED_PID=$!
  SERVICE_PID=$STARTED_PID
  BASE_URL="http://127.0.0.1:$PORT"
  for _ in $(seq 1 240); do
    [[ -s "$DATA/api-token" ]] && curl -fs -o /dev/null "$BASE_URL/actuator/health/readiness" && break
    kill -0 "$STARTED_PID" 2>/dev/null || { echo "the service died; see $OUT/service.log" >&2; exit 1; }
    sleep 1
  done
  curl -fs -o /dev/null "$BASE_URL/actuator/health/readiness" || { echo "not ready after 240 s" >&2; exit 1; }
  DNTME_TOKEN=$(cat "$DATA/api-token")
fi
export DNTME_TOKEN=${DNTME_TOKEN:?set DNTME_TOKEN for a running service}
case "$BASE_URL" in http://127.0.0.1:*|http://localhost:*) ;; *) echo "BASE_URL must be on 127.0.0.1" >&2; exit 2 ;; esac

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
if [[ -n "$SERVICE_PID" ]]; then
  echo "VmRSS before the load: $(( $(rss_kib "$SERVICE_PID") / 1024 )) MiB" | tee "$OUT/rss-before.txt"
  ( while kill -0 "$SERVICE_PID" 2>/dev/null; do rss_kib "$SERVICE_PID"; sleep 1; done ) >"$OUT/rss.txt" &
  SAMPLER_PID=$!
fi

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --timeout 60s --latency -s ops/load/upload.lua $BASE_URL" \
  "(FLAGGED_RATIO=$FLAGGED_RATIO PLAIN_PHOTO=${PLAIN_PHOTO#$ROOT/} FACE_PHOTO=${FACE_PHOTO#$ROOT/})"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 60s --latency -s "$ROOT/ops/load/upload.lua" \
  "$BASE_URL" | tee "$OUT/wrk.txt"

if [[ -n "${SAMPLER_PID:-}" ]]; then
  kill "$SAMPLER_PID" 2>/dev/null || true
  SAMPLER_PID=""
  sort -n "$OUT/rss.txt" | awk '$1 > 0 {v[n++]=$1} END {
      if (n) printf "VmRSS during the load (%d samples, 1/s): median %d MiB, max %d MiB\n", n, v[int(n/2)]/1024, v[n-1]/1024 }' \
      | tee "$OUT/rss-summary.txt"
  echo "VmRSS after the load: $(( $(rss_kib "$SERVICE_PID") / 1024 )) MiB" | tee -a "$OUT/rss-summary.txt"
fi
echo "results in $OUT"
