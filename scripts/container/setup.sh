#!/usr/bin/env bash
# What the container test needs on a Debian host, as root: buildah and podman with runc, debootstrap, and
# podman's settings for these machines. For .ci/run before `npm run test:container`; idempotent.
set -euo pipefail
if ! command -v podman >/dev/null || ! command -v buildah >/dev/null || ! command -v debootstrap >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends buildah podman runc debootstrap uidmap fuse-overlayfs
fi
# runc as the runtime (crun is not there), and ulimits the default ones of these machines would refuse.
conf=/etc/containers/containers.conf
if ! grep -q '^# orgs-mock container test' "$conf" 2>/dev/null; then
  mkdir -p /etc/containers
  cat >> "$conf" <<'CONF'
# orgs-mock container test
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
CONF
fi
