#!/usr/bin/env bash
# Every sqliteStore test, on every runtime it serves: better-sqlite3, D1 (workerd through
# miniflare) and bun:sqlite (under Bun) from the machine's Node, then node:sqlite on Node 22 and
# 24 (their binaries from NODE22_BIN and NODE24_BIN, as .ci/run exports them, else the cache that
# .ci/run installs them into). Runtimes come from the npm registry into a cache outside the
# project (scripts/install-runtime.sh); the D1 test bundles dist/, built here when missing.
#
#   test/stores/sqlite/run-runtimes.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"
export CI="${CI:-true}"
files=(test/stores/sqlite-store-contract.test.ts test/stores/sqlite-store-race.test.ts)
cache="${SWK_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}}"
package="node-$(node -p 'process.platform')-$(node -p 'process.arch')"

[ -f dist/sqlite/index.js ] || npx tsup >/dev/null
echo "sqlite: node $(node --version): better-sqlite3, D1, bun:sqlite"
node node_modules/vitest/vitest.mjs run "${files[@]}" test/stores/sqlite-store-d1.test.ts test/stores/sqlite-store-bun.test.ts

for major in 22 24; do
  var="NODE${major}_BIN"
  bin="${!var:-$cache/swk-node$major/node_modules/$package/bin/node}"
  if [ ! -x "$bin" ]; then
    echo "sqlite: no Node $major at $bin; run .ci/run once, or set $var" >&2
    exit 1
  fi
  echo "sqlite: node $("$bin" --version): node:sqlite"
  # First in PATH, so the processes the race test starts run on it too.
  PATH="$(dirname "$bin"):$PATH" node node_modules/vitest/vitest.mjs run "${files[@]}"
done
