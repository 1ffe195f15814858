#!/usr/bin/env bash
# Makes the two stand-in base images for the Dockerfile's FROM arguments from Debian's packages, since no
# registry image can be pulled here:
#   a JDK 17 + Maven image (stands in for maven:3.9-eclipse-temurin-17) 
#   a JRE 17 image         (stands in for eclipse-temurin:17-jre)
# Both start from a `debootstrap --variant=minbase bookworm` root. They are cached in buildah's image
# store under a tag that is a hash of this recipe (this file), so a second run on the same machine reuses
# them; the debootstrap root is cached as a tarball under $DNTME_SMOKE_CACHE (default
# /var/cache/dntme-smoke). Prints the two image names, one per line, on stdout (the log goes to stderr).
# Needs root, buildah and debootstrap (smoke.sh installs them).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
: "${DEBIAN_MIRROR:=http://deb.debian.org/debian}"
: "${DNTME_SMOKE_CACHE:=/var/cache/dntme-smoke}"
suite=bookworm
# Extra CAs this machine trusts (a TLS-intercepting egress proxy, an internal repository): the Maven
# image needs them to reach Maven Central the way the host does. Part of the recipe's hash.
extra_cas=()
for f in /usr/local/share/ca-certificates/*.crt; do [ -f "$f" ] && extra_cas+=("$f"); done
root_hash="$(echo "debootstrap --variant=minbase $suite $DEBIAN_MIRROR" | sha256sum | cut -c1-12)"
recipe_hash="$( (cat "$here/standin-images.sh"; echo "$root_hash"; cat "${extra_cas[@]}" /dev/null) | sha256sum | cut -c1-12)"
root_image="localhost/dntme-standin-debian:$root_hash"
maven_image="localhost/dntme-standin-maven-jdk17:$recipe_hash"
runtime_image="localhost/dntme-standin-jre17:$recipe_hash"

log() { echo "[standin] $*" >&2; }
have_image() { buildah inspect --type image "$1" >/dev/null 2>&1; }

if ! have_image "$root_image"; then
  tarball="$DNTME_SMOKE_CACHE/debian-$suite-minbase-$root_hash.tar"
  if [ ! -s "$tarball" ]; then
    log "debootstrap --variant=minbase $suite (about 2 minutes, cached in $tarball)"
    mkdir -p "$DNTME_SMOKE_CACHE"
    rootfs="$(mktemp -d "$DNTME_SMOKE_CACHE/rootfs.XXXXXX")"
    trap 'rm -rf "$rootfs"' EXIT
    debootstrap --variant=minbase "$suite" "$rootfs" "$DEBIAN_MIRROR" >&2
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" --numeric-owner -cf "$tarball.part" .
    mv "$tarball.part" "$tarball"
    rm -rf "$rootfs"; trap - EXIT
  fi
  log "importing the root as $root_image"
  c="$(buildah from scratch)"
  mnt="$(buildah mount "$c")"
  tar -C "$mnt" --numeric-owner -xf "$tarball"
  buildah umount "$c" >/dev/null
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env LANG=C.UTF-8 --cmd /bin/bash "$c"
  buildah commit -q --rm "$c" "$root_image" >/dev/null
fi

# One RUN per image: the packages, then the apt lists are dropped as the real images do.
build_from_root() { # name with-extra-cas packages...
  local name="$1" cas="$2"; shift 2
  local dir; dir="$(mktemp -d)"
  mkdir "$dir/extra-ca"
  if [ "$cas" = yes ] && [ ${#extra_cas[@]} -gt 0 ]; then cp "${extra_cas[@]}" "$dir/extra-ca/"; fi
  cat > "$dir/Containerfile" <<CF
FROM $root_image
COPY extra-ca/ /usr/local/share/ca-certificates/
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $* \\
 && update-ca-certificates --fresh >/dev/null \\
 && rm -rf /var/lib/apt/lists/*
CF
  log "building $name ($*)"
  buildah bud --isolation chroot -q -t "$name" -f "$dir/Containerfile" "$dir" >&2
  rm -rf "$dir"
}

have_image "$maven_image" || build_from_root "$maven_image" yes ca-certificates openjdk-17-jdk-headless maven
have_image "$runtime_image" || build_from_root "$runtime_image" no ca-certificates openjdk-17-jre-headless

echo "$maven_image"
echo "$runtime_image"
