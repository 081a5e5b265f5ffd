#!/usr/bin/env bash
# Front-end packages from npm, installed into the cache (never the repo) and served by us.
# Mirador is only used by the interoperability tests; it is large (~350 MB), so it is cached.
set -euo pipefail
cache="${HERITAGE_CACHE_DIR:-$HOME/.cache/heritage}/npm"
mkdir -p "$cache"
if [ -f "$cache/node_modules/mirador/dist/mirador.min.js" ]; then
  exit 0
fi
echo "installing Mirador from npm into $cache (once)"
[ -f "$cache/package.json" ] || echo '{"name":"heritage-frontend-cache","private":true}' > "$cache/package.json"
npm install --prefix "$cache" --no-audit --no-fund --legacy-peer-deps --loglevel=error mirador@4.0.0
test -f "$cache/node_modules/mirador/dist/mirador.min.js"
