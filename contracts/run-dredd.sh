#!/usr/bin/env bash
# npm run contract:dredd -- <URL> [more dredd options, e.g. -r xunit -o reports/dredd.xml]
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: npm run contract:dredd -- <URL> [dredd options]}"
shift
config=$(mktemp --suffix=.yml)
trap 'rm -f "$config"' EXIT
sed "s|^endpoint:.*|endpoint: '${target}'|" contracts/dredd.yml > "$config"
npx dredd --config "$config" "$@"
