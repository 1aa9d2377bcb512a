#!/usr/bin/env bash
# Installs a runtime or tool that the tests need but the package must not depend on (Node 22-26,
# Bun, Deno, miniflare, the Edge Runtime...) from the npm registry into a cache outside the
# project, once, and prints the folder it was installed into. The next run finds it there.
#
#   scripts/install-runtime.sh <name> <package@range> [more packages...]
#   e.g. prefix="$(scripts/install-runtime.sh bun bun@1)"; "$prefix/node_modules/.bin/bun" --version
#
# The cache is $SWK_RUNTIME_CACHE, else $XDG_CACHE_HOME/swk-runtimes, else ~/.cache/swk-runtimes.
# A folder is reused while the package specs it was installed with are unchanged.
set -euo pipefail
name=$1; shift
[ $# -gt 0 ] || { echo "usage: $0 <name> <package@range>..." >&2; exit 2; }
cache="${SWK_RUNTIME_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/swk-runtimes}"
prefix="$cache/$name"
stamp="$prefix/.installed"
# Test files running side by side may ask for the same folder at once on a fresh machine: one
# installs while the others wait for it (without the lock, each removed the folder the other was
# building into). flock is util-linux's; where it is missing, installs are not serialized.
mkdir -p "$cache"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache/$name.lock"
  flock 9
fi
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$*" ]; then
  echo "install-runtime: installing $* into $prefix" >&2
  rm -rf "$prefix"; mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-audit --no-fund --no-save --loglevel=error "$@" >&2
  echo "$*" > "$stamp"
fi
echo "$prefix"
