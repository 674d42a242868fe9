#!/usr/bin/env bash
# web-platform-tests side by side: the worker-compatible tests of the suites in lib/tests.mjs
# (encoding, url, fetch/api, dom/abort, streams, compression, FileAPI, WebCryptoAPI, urlpattern,
# structured clone, atob, FormData) from a local copy of WPT, run inside a
# worker on tenantd and on workerd 1.20260426.1 (the one wrangler 4.86.0 installs) at
# compatibility date 2025-01-01, from the same scripts. Not part of CI: the tests are not ours.
#   WPT_DIR=/tmp/wpt bash wpt/run.sh            print the comparison
#   WPT_DIR=/tmp/wpt bash wpt/run.sh --write    also write wpt/results/<date>.md
# See wpt/README.md for the other variables and for how to get a copy of the tests.
# Exit status: 0 when tenantd passes at least as many subtests as workerd in every suite run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
compat="$repo/compat"
cache="$compat/.cache"

say() { echo "wpt: $*" >&2; }
die() { say "$*"; exit 2; }

for a in "$@"; do case "$a" in --write) ;; --*) die "unknown option $a (the only one is --write)";; *) WPT_DIR="$a";; esac; done
[ -n "${WPT_DIR:-}" ] || die "set WPT_DIR (or pass a path) to a local copy of the web-platform-tests; see wpt/README.md"
[ -f "$WPT_DIR/resources/testharness.js" ] || die "$WPT_DIR has no resources/testharness.js: is it a copy of the web-platform-tests?"
export WPT_DIR

command -v node >/dev/null 2>&1 || die "Node.js 20 or newer is needed (node not found on PATH)."
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] || die "Node.js 20 or newer is needed; found $(node --version)."

if [[ ",${WPT_TARGETS:-tenantd,workerd}," == *,tenantd,* ]]; then
  say "checking tenantd (JDK and build)..."
  "$repo/tenantd" serve --help >/dev/null || die "./tenantd could not start; see the message above."
fi

# workerd comes with wrangler, installed where the compatibility suite keeps it (compat/run.sh
# does the same); it is installed again only when compat's lockfile changes.
lock_hash="$(sha256sum "$compat/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$cache/.lock-hash" 2>/dev/null || true)" != "$lock_hash" ] || [ ! -f "$cache/node_modules/wrangler/bin/wrangler.js" ]; then
  say "installing wrangler (and with it workerd) into $cache (npm ci)..."
  mkdir -p "$cache"
  cp "$compat/package.json" "$compat/package-lock.json" "$cache/"
  (cd "$cache" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed; is the npm registry reachable?"
  echo "$lock_hash" > "$cache/.lock-hash"
fi
export TENANTD_COMPAT_MODULES="$cache/node_modules"

cd "$repo"
exec node "$here/run.mjs" "$@"
