#!/usr/bin/env bash
# Real-packages suite: small workers bundled by wrangler 4.86.0 from the npm packages pinned in
# packages/package-lock.json, run on tenantd (as user workers behind a dispatcher) and on
# workerd 1.20260426.1 (the one wrangler installs) side by side; each case's output is compared
# with its expected value, and the JWT and gzip workers' throughput is measured on both.
#   bash packages/run.sh                          everything
#   PACKAGES_ONLY=jose,sse bash packages/run.sh   some cases (see packages/run.mjs for the others)
# Installs what is missing: the npm packages (npm ci, into packages/node_modules), Debian's
# postgresql and wrk. Everything listens on and talks to 127.0.0.1 only. Exit status: 0 when
# every case passed on both runtimes.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"

say() { echo "packages: $*" >&2; }
die() { say "$*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    die "need root (or sudo) to run: $*"; fi
}
apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

command -v node >/dev/null 2>&1 || die "Node.js 20 or newer is needed (node not found on PATH)."
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] || die "Node.js 20 or newer is needed; found $(node --version)."
command -v npm >/dev/null 2>&1 || die "npm is needed to install the packages (apt-get install npm)."
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { say "installing postgresql (apt-get)"; apt_install postgresql; }
command -v wrk >/dev/null 2>&1 || { say "installing wrk (apt-get)"; apt_install wrk; }

say "checking tenantd (JDK and build)..."
"$repo/tenantd" serve --help >/dev/null || die "./tenantd could not start; see the message above."

# The workers import their packages from packages/node_modules, so that is where npm ci puts
# them; it runs again only when the lockfile changes.
lock_hash="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$here/node_modules/.lock-hash" 2>/dev/null || true)" != "$lock_hash" ]; then
  say "installing the pinned packages (npm ci)..."
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed; is the npm registry reachable?"
  echo "$lock_hash" > "$here/node_modules/.lock-hash"
fi

# compat/test/helpers.mjs (shared with the compatibility suite) runs wrangler from here.
export TENANTD_COMPAT_MODULES="$here/node_modules"
cd "$repo"
exec node "$here/run.mjs"
