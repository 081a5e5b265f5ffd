#!/usr/bin/env bash
# Front-end packages from npm, installed into the cache (never the repo) and served by us.
#   frontend.sh        the reader's deep-zoom viewer (OpenSeadragon), copied into the web assets
#   frontend.sh test   also Mirador and axe-core, used only by the interoperability and a11y tests
# Mirador is large (~350 MB), so everything is cached outside the repo.
set -euo pipefail
cache="${HERITAGE_CACHE_DIR:-$HOME/.cache/heritage}/npm"
repo="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$repo/heritage/web/static/vendor/openseadragon"
mkdir -p "$cache"
[ -f "$cache/package.json" ] || echo '{"name":"heritage-frontend-cache","private":true}' > "$cache/package.json"

packages=()
[ -f "$cache/node_modules/openseadragon/build/openseadragon/openseadragon.min.js" ] || packages+=(openseadragon@6.1.1)
if [ "${1:-}" = test ]; then
  [ -f "$cache/node_modules/mirador/dist/mirador.min.js" ] || packages+=(mirador@4.0.0)
  [ -f "$cache/node_modules/axe-core/axe.min.js" ] || packages+=(axe-core@4.10.3)
fi
if [ "${#packages[@]}" -gt 0 ]; then
  echo "installing ${packages[*]} from npm into $cache (once)"
  npm install --prefix "$cache" --no-audit --no-fund --legacy-peer-deps --loglevel=error "${packages[@]}"
fi

source_dir="$cache/node_modules/openseadragon/build/openseadragon"
if [ ! -f "$vendor/openseadragon.min.js" ] || ! cmp -s "$source_dir/openseadragon.min.js" "$vendor/openseadragon.min.js"; then
  mkdir -p "$vendor"
  cp "$source_dir/openseadragon.min.js" "$vendor/"
  rm -rf "$vendor/images" && cp -r "$source_dir/images" "$vendor/images"
fi
