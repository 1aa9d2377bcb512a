#!/usr/bin/env bash
# The Nest major matrix: Nest 10 and 12 each in their own project here (npm aliases cannot put two
# Nest majors side by side, since Nest's packages import each other by name), with the packed
# stripe-webhook-kit tarball installed on top, as a user would install it. One smoke test for
# every major (smoke-entry.mjs/.cjs and smoke-lib.mjs), copied into <major>/node_modules/.smoke/
# so that its imports resolve to that major. Nest 11 is the root's own and runs in vitest
# (test/integration/nest*.test.ts).
#
#   test/nest-matrix/run.sh install   build, pack, install each major (npm ci from its lockfile), place the smoke test
#   test/nest-matrix/run.sh smoke     run the smoke test in each major, from ESM and CommonJS (non-zero on any mismatch)
#   test/nest-matrix/run.sh lock      refresh each major's package-lock.json (after a version bump)
#   test/nest-matrix/run.sh           install, then smoke
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
majors=(nest10 nest12)
npm_quiet=(--no-audit --no-fund --loglevel=error)

install() {
  echo "nest-matrix: building and packing the library"
  (cd "$root" && npx tsup >/dev/null)
  local pack
  pack="$(mktemp -d)"
  trap 'rm -rf "$pack"' RETURN
  local tarball
  tarball="$(cd "$root" && npm pack --ignore-scripts --silent --pack-destination "$pack" | tail -n 1)"
  for major in "${majors[@]}"; do
    echo "nest-matrix: installing $major"
    (
      cd "$here/$major"
      if [[ -f package-lock.json ]]; then npm ci "${npm_quiet[@]}"; else npm install "${npm_quiet[@]}"; fi
      # On top, unsaved: the lockfile stays valid for every build. --omit=peer leaves out
      # `stripe`, a peer used for its types only, which the smoke test does not need.
      npm install --no-save --omit=peer "${npm_quiet[@]}" "$pack/$tarball"
    )
  done
  echo "nest-matrix: compiling the guide's app and placing the smoke test"
  (cd "$root" && node test/nest-matrix/compile-snippet.mjs "${majors[@]}")
}

smoke() {
  local status=0
  for major in "${majors[@]}"; do
    if [[ ! -f "$here/$major/node_modules/.smoke/smoke-entry.mjs" ]]; then
      echo "nest-matrix: $major is not installed; run: test/nest-matrix/run.sh install" >&2
      status=1
      continue
    fi
    (cd "$here/$major" && node node_modules/.smoke/smoke-entry.mjs) || status=1
    (cd "$here/$major" && node node_modules/.smoke/smoke-entry.cjs) || status=1
  done
  return "$status"
}

lock() {
  for major in "${majors[@]}"; do
    (cd "$here/$major" && rm -f package-lock.json && npm install --package-lock-only "${npm_quiet[@]}")
  done
}

case "${1:-all}" in
  install) install ;;
  smoke) smoke ;;
  lock) lock ;;
  all) install && smoke ;;
  *) echo "usage: $0 [install|smoke|lock]" >&2; exit 2 ;;
esac
