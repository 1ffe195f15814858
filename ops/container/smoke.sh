#!/usr/bin/env bash
# Container smoke test: builds the project's Dockerfile as it is, runs the image, publishes through it.
#
#   sudo bash ops/container/smoke.sh          (root: buildah with chroot isolation, network namespaces)
#
# 1. Stand-in base images for the Dockerfile's two FROM arguments, made from Debian's packages
#    (standin-images.sh; cached between runs on this machine).
# 2. `buildah bud --isolation chroot --format docker` of ./Dockerfile with MAVEN_IMAGE / RUNTIME_IMAGE
#    pointing at them. Nothing else is passed: the Dockerfile is built unchanged (its BuildKit cache mount
#    included; buildah keeps that cache between runs). Docker's image format, so HEALTHCHECK is kept.
# 3. The image's ENTRYPOINT, as the image's USER, with its ENV and WORKDIR, on the embedded defaults,
#    inside a network namespace that has only loopback: any packet to another address is dropped and
#    counted by nftables, and connections stuck in SYN-SENT are sampled with `ss -tnp`, so an attempt to
#    phone home is seen (and cannot leave this machine).
# 4. Waits for readiness, runs the image's HEALTHCHECK command in the container, then smoke_api.py: one unflagged upload (201) and one flagged upload (202 at the default level, HIGH, polled until published) of a face photo with the
#    token the service wrote into /data/api-token; the flagged public copy must carry a receipt and be
#    measurably changed in the face (PixelDistance.java); the unflagged one must not be. Then a flagged
#    12-frame MP4 of a face (smoke-clip.mp4, PROVENANCE.md) through the job queue: 202, polled until
#    published, every frame's face past the fail bar in the receipt (FFmpeg's natives load in the image).
# 5. SIGTERM; the container must have written nothing outside /data and /tmp (the chart's read-only root
#    filesystem); then everything it made is removed (container, image, namespace, temp files).
#
# Exit status: 0 passed; 1 failed (the line starting "SMOKE FAILED:" says what); 77 skipped because
# buildah cannot run here (not root, or the kernel refuses its mounts), with the reason.
# Environment: DNTME_SMOKE_KEEP_IMAGE=1 keeps the built image; DNTME_SMOKE_CACHE (standin-images.sh).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
photo="$repo/src/test/resources/faces/people/obama/obama-1.jpg"
start_s=$SECONDS

log() { echo "[smoke $((SECONDS - start_s))s] $*" >&2; }
fail() { echo "SMOKE FAILED: $*" >&2; exit 1; }
skip() { echo "SMOKE SKIPPED: $*" >&2; exit 77; }

[ "$(id -u)" = 0 ] || skip "needs root (buildah with chroot isolation, ip netns); run it with sudo"

missing=()
for tool in buildah:buildah debootstrap:debootstrap nft:nftables ip:iproute2 ss:iproute2 java:openjdk-17-jdk-headless; do
  command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} with apt-get"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >&2 \
    || skip "could not install ${missing[*]} with apt-get"
fi

work="$(mktemp -d /tmp/dntme-smoke.XXXXXX)"
ns="dntme-smoke-$$"
tag="localhost/dntme-gateway-smoke:$$"
container=""
runner=""

cleanup() {
  local rc=$?
  set +e
  if [ -n "$runner" ] && kill -0 "$runner" 2>/dev/null; then
    pkill -TERM -P "$runner" 2>/dev/null; kill -TERM "$runner" 2>/dev/null; sleep 2
    kill -KILL "$runner" 2>/dev/null
  fi
  [ -n "$container" ] && buildah rm "$container" >/dev/null 2>&1
  if [ "${DNTME_SMOKE_KEEP_IMAGE:-0}" != 1 ]; then buildah rmi "$tag" >/dev/null 2>&1; fi
  ip netns del "$ns" 2>/dev/null
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# buildah reads this instead of /etc/containers/containers.conf: no default ulimits (setting them fails
# inside this machine's sandbox; measured-facts.md).
printf '[containers]\ndefault_ulimits = []\n' > "$work/containers.conf"
export CONTAINERS_CONF="$work/containers.conf"

# Can buildah work at all here? (Storage driver and mounts; the only reason to skip.)
if ! probe="$(buildah from scratch 2>&1)" || ! buildah mount "$probe" >/dev/null 2>&1; then
  skip "buildah cannot create and mount a container here: $probe"
fi
buildah rm "$probe" >/dev/null

log "stand-in base images (Debian bookworm: openjdk-17 + maven, openjdk-17 JRE)"
images="$("$here/standin-images.sh")" || fail "could not make the stand-in base images (see the log above)"
maven_image="$(sed -n 1p <<<"$images")"
runtime_image="$(sed -n 2p <<<"$images")"

log "buildah bud ./Dockerfile -> $tag (log: build.log below on failure)"
if ! buildah bud --isolation chroot --format docker \
      --build-arg MAVEN_IMAGE="$maven_image" --build-arg RUNTIME_IMAGE="$runtime_image" \
      -t "$tag" -f "$repo/Dockerfile" "$repo" > "$work/build.log" 2>&1; then
  grep -v -E '^(Progress|Download)' "$work/build.log" | tail -n 25 >&2
  step="$(grep -E 'building at STEP|^Error' "$work/build.log" | tail -n 1)"
  fail "the image does not build from the Dockerfile: ${step:-see the log above}"
fi
log "built $(buildah images --format '{{.Size}}' "$tag" | head -n 1)"

# What `docker run` would use: the image's entry point, user, working directory and environment.
buildah inspect --type image "$tag" > "$work/image.json"
config() { python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["Docker"]["config"]; exec(sys.argv[2])' "$work/image.json" "$1"; }
user="$(config 'print(c.get("User", ""))')"
[ -n "$user" ] && [ "${user%%:*}" != root ] && [ "${user%%:*}" != 0 ] || fail "the image runs as root (USER is '$user')"
mapfile -t argv < <(config '[print(a) for a in (c.get("Entrypoint") or []) + (c.get("Cmd") or [])]')
[ ${#argv[@]} -gt 0 ] || fail "the image has no ENTRYPOINT or CMD"
healthcheck="$(config 't=(c.get("Healthcheck") or {}).get("Test") or []; print(t[1] if t[:1]==["CMD-SHELL"] else "")')"
[ -n "$healthcheck" ] || fail "the image has no HEALTHCHECK (CMD-SHELL form)"

# A network namespace with loopback only: other destinations route to lo and nftables drops and counts
# every packet to them (a TCP connect then hangs in SYN-SENT, where ss sees the process and the peer).
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" route add default dev lo
ip -n "$ns" -6 route add default dev lo
ip netns exec "$ns" nft -f - <<'NFT'
table inet smoke {
  chain out {
    type filter hook output priority 0;
    ip daddr != 127.0.0.0/8 counter drop
    ip6 daddr != ::1 counter drop
  }
}
NFT

container="$(buildah from "$tag")"
mnt="$(buildah mount "$container")"
log "starting ${argv[*]} as $user in network namespace $ns"
ip netns exec "$ns" buildah run --isolation chroot "$container" -- "${argv[@]}" > "$work/service.log" 2>&1 &
runner=$!

: > "$work/outbound.txt"
sample_outbound() {
  ip netns exec "$ns" ss -tnpH state syn-sent state established 2>/dev/null \
    | awk '$4 !~ /^(127\.|\[::1\]|\[::ffff:127\.)/ {print}' >> "$work/outbound.txt" || true
}

log "waiting for readiness (model load and warm-up)"
ready=""
for _ in $(seq 1 300); do
  kill -0 "$runner" 2>/dev/null || { tail -n 40 "$work/service.log" >&2; fail "the service exited during start-up (its log is above)"; }
  sample_outbound
  if grep -q 'cloak models failed to load' "$work/service.log"; then
    grep -A 60 'cloak models failed to load' "$work/service.log" | grep -m 3 -E 'Exception|Caused by' >&2
    fail "the cloak engine cannot load inside the image (natives or models missing or unreadable; the cause is above)"
  fi
  if ip netns exec "$ns" python3 "$here/smoke_api.py" ready 2>/dev/null; then ready=1; break; fi
  sleep 1
done
[ -n "$ready" ] || { tail -n 40 "$work/service.log" >&2; fail "not ready after 300 s (the log is above)"; }
log "ready"

ip netns exec "$ns" buildah run --isolation chroot "$container" -- /bin/sh -c "$healthcheck" >/dev/null \
  || fail "the image's HEALTHCHECK fails on a ready service: $healthcheck"
log "HEALTHCHECK passes: $healthcheck"

java_pid="$(ip netns exec "$ns" ss -ltnpH 'sport = :8080' | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2)"
[ -n "$java_pid" ] || fail "nothing listens on port 8080"
uid="$(awk '/^Uid:/ {print $2}' "/proc/$java_pid/status")"
expected_uid="$(chroot "$mnt" id -u "${user%%:*}")"
[ "$uid" = "$expected_uid" ] || fail "the service runs as uid $uid, not as the image's user ${user} (uid $expected_uid)"
log "java (pid $java_pid) runs as uid $uid (${user})"

# Read through the process's own root: buildah mounts the image's VOLUME /data separately from the rootfs.
token_file="/proc/$java_pid/root/data/api-token"
[ -s "$token_file" ] || fail "the service wrote no API token to /data/api-token"
ip netns exec "$ns" python3 "$here/smoke_api.py" uploads "$(cat "$token_file")" "$photo" "$work" &
api=$!
while kill -0 "$api" 2>/dev/null; do sample_outbound; sleep 0.5; done
wait "$api" || fail "the uploads through the image did not do what the API promises (see above)"
ip netns exec "$ns" python3 "$here/smoke_api.py" clip "$(cat "$token_file")" "$here/smoke-clip.mp4" "$work" &
api=$!
while kill -0 "$api" 2>/dev/null; do sample_outbound; sleep 0.5; done
wait "$api" || { tail -n 40 "$work/service.log" >&2; fail "the flagged clip through the image was not published as promised (see above)"; }

log "pixel distances of the public copies from the original, in the face box"
java "$here/PixelDistance.java" "$photo" "$work/public-unflagged.img" "$work/public-flagged.img" "$(cat "$work/face-box")" \
  || fail "the flagged public copy is not measurably cloaked, or the unflagged one was changed (see above)"

sample_outbound
dropped="$(ip netns exec "$ns" nft list table inet smoke | grep -o 'packets [0-9]*' | awk '{s += $2} END {print s + 0}')"
if [ "$dropped" != 0 ] || [ -s "$work/outbound.txt" ]; then
  sort -u "$work/outbound.txt" >&2
  fail "the service tried to reach something other than loopback: $dropped packet(s) dropped"
fi
log "no outbound connection: 0 packets to non-loopback addresses, none seen by ss"

log "stopping (SIGTERM to java)"
kill -TERM "$java_pid"
for _ in $(seq 1 60); do kill -0 "$runner" 2>/dev/null || break; sleep 1; done
if kill -0 "$runner" 2>/dev/null; then fail "the service did not stop within 60 s of SIGTERM"; fi
wait "$runner" || true
grep -q -i -E 'graceful|shutdown' "$work/service.log" || log "(no shutdown line in the log)"

# The chart runs the image with a read-only root filesystem (only /data and /tmp writable): the run must
# have written nothing else into the container (its overlay upper layer; /data is a separate volume).
upper="${mnt%/merged}/diff"
if [ -d "$upper" ]; then
  written="$(cd "$upper" && find . -mindepth 1 \( -path ./tmp -o -path ./data -o -path ./run -o -path ./etc/hosts \
    -o -path ./etc/resolv.conf -o -path ./etc/hostname -o -path ./proc -o -path ./sys -o -path ./dev \) -prune -o -print | head -n 20)"
  [ -z "$written" ] || fail "the service wrote outside /data and /tmp (a read-only root filesystem would break it): $written"
  log "nothing written outside /data and /tmp (read-only root filesystem holds)"
fi
log "PASSED in $((SECONDS - start_s)) s"
