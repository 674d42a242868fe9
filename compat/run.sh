#!/usr/bin/env bash
# Compatibility suite: the real wrangler 4.86.0 and cloudflare 6.5.0 clients against tenantd.
#   bash compat/run.sh                      every compat/test/*.test.mjs
#   bash compat/run.sh compat/test/sdk.test.mjs ...   only these files
# Needs Node.js 20+ with npm (packages come from the npm registry once, into compat/.cache/)
# and what ./tenantd needs (a JDK 21+, Maven to build). Exit status is the tests' result.
set -euo pipefail
compat="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$compat")"
cache="$compat/.cache"

say() { echo "compat: $*" >&2; }
die() { say "$*"; exit 1; }

# ---- Node.js 20+ and npm
command -v node >/dev/null 2>&1 || die "Node.js 20 or newer is needed (node not found on PATH); install it, e.g. apt-get install nodejs npm."
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || die "Node.js 20 or newer is needed; found $(node --version) at $(command -v node)."
command -v npm >/dev/null 2>&1 || die "npm is needed to install wrangler and the cloudflare SDK; install it (apt-get install npm)."

# ---- tenantd: ./tenantd finds a JDK 21+ and builds when the sources changed
say "checking tenantd (JDK and build)..."
"$repo/tenantd" serve --help >/dev/null || die "./tenantd could not start; see the message above."

# ---- npm packages, pinned by package-lock.json, reinstalled only when the lockfile changes
lock_hash="$(sha256sum "$compat/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$cache/.lock-hash" 2>/dev/null || true)" != "$lock_hash" ] || [ ! -f "$cache/node_modules/wrangler/bin/wrangler.js" ]; then
  say "installing wrangler and cloudflare into $cache (npm ci)..."
  mkdir -p "$cache"
  cp "$compat/package.json" "$compat/package-lock.json" "$cache/"
  (cd "$cache" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed; is the npm registry reachable?"
  echo "$lock_hash" > "$cache/.lock-hash"
fi
wrangler_version="$(node -p "require('$cache/node_modules/wrangler/package.json').version")"
sdk_version="$(node -p "require('$cache/node_modules/cloudflare/package.json').version")"
say "wrangler $wrangler_version, cloudflare $sdk_version, node $(node --version)"

# ---- the tests: one file at a time (each starts its own tenantd), 10 minutes per test at most
if [ "$#" -gt 0 ]; then files=("$@"); else files=("$compat"/test/*.test.mjs); fi
cd "$repo"
exec node --test --test-concurrency=1 --test-timeout=600000 --test-reporter=spec "${files[@]}"
