#!/usr/bin/env bash
# tenantd benchmark suite, side by side with workerd (see bench/README.md).
#
#   bash bench/run.sh           full run (~16 min): prints the tables, writes bench/results/<date>.md
#   bash bench/run.sh --quick   smoke run (< 1 min): tiny sizes, writes bench/.cache/results/<date>-quick.md
#   bash bench/run.sh --build   rebuild tenantd first (mvn -DskipTests install), then the full run
#   --keep-map-count            do not raise vm.max_map_count for the density step (see below)
#
# Installs what is missing: wrk (apt-get), workerd and miniflare (npm, into bench/.cache/),
# JMH (Maven Central, when bench/jmh is built). Exits non-zero on any error
# (non-2xx answers, socket errors, failed uploads, a failed JMH build or run).
# Everything listens on and talks to 127.0.0.1 only.
set -euo pipefail

bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$bench")"
cache="$bench/.cache"
workerd_version="1.20260426.1"
miniflare_version="4.20260426.0" # what wrangler 4.86.0 runs for `wrangler dev`
quick=0
build=0
keep_map_count=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --build) build=1 ;;
    --keep-map-count) keep_map_count=1 ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

say() { echo "bench: $*" >&2; }
mkdir -p "$cache"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    say "need root to run: $*"; return 1; fi
}
apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# ---- JDK 21+ (the newest found; JMH and tenantd both run on it)
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1 | cut -d. -f1
}
find_jdk() {
  local best="" best_major=0 major home
  for home in ${JAVA_HOME:-} /usr/lib/jvm/*; do
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
    major="$(java_major "$home/bin/java" || echo 0)"
    if [ "${major:-0}" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best="$home"; best_major="$major"; fi
  done
  [ -n "$best" ] || { say "no JDK 21 or newer found (JAVA_HOME, /usr/lib/jvm/*)"; exit 1; }
  echo "$best"
}
# Not `export JAVA_HOME="$(find_jdk)"`: export would hide find_jdk's failure and go on without a JDK.
JAVA_HOME="$(find_jdk)" || exit 1
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

# ---- tools: node, wrk, workerd
command -v node >/dev/null 2>&1 || { say "installing nodejs (apt-get)"; apt_install nodejs npm; }
command -v wrk >/dev/null 2>&1 || { say "installing wrk (apt-get)"; apt_install wrk; }

wd="$cache/workerd"
if [ "$(node -p "try{require('$wd/node_modules/workerd/package.json').version}catch{''}" 2>/dev/null)" != "$workerd_version" ]; then
  say "installing workerd@$workerd_version from npm into ${wd#$root/}"
  mkdir -p "$wd"
  [ -f "$wd/package.json" ] || echo '{"private":true,"description":"workerd for tenantd benchmarks"}' > "$wd/package.json"
  (cd "$wd" && npm install --no-audit --no-fund --silent "workerd@$workerd_version" >&2)
fi
workerd="$wd/node_modules/workerd/bin/workerd"
# The package's bin is replaced by the native binary at install time; if it is
# still the JavaScript shim, use the platform package's binary (RSS must be workerd's own).
if [ "$(head -c 4 "$workerd" | od -An -c | tr -d ' ')" != "177ELF" ]; then
  workerd="$wd/node_modules/@cloudflare/workerd-linux-64/bin/workerd"
fi
[ -x "$workerd" ] || { say "workerd binary not found under $wd"; exit 1; }

mf="$cache/miniflare"
if [ "$(node -p "try{require('$mf/node_modules/miniflare/package.json').version}catch{''}" 2>/dev/null)" != "$miniflare_version" ]; then
  say "installing miniflare@$miniflare_version from npm into ${mf#$root/}"
  mkdir -p "$mf"
  [ -f "$mf/package.json" ] || echo '{"private":true,"description":"miniflare for tenantd benchmarks"}' > "$mf/package.json"
  (cd "$mf" && npm install --no-audit --no-fund --silent "miniflare@$miniflare_version" >&2)
fi

# ---- tenantd: use the current build; build only when there is none (or --build)
server_jar="$root/tenantd-server/target/tenantd-server.jar"
runtime_jar="$root/tenantd-runtime/target/tenantd-runtime-0.1.0-SNAPSHOT.jar"
m2="${MAVEN_REPO:-$HOME/.m2/repository}/dev/tenantd"
if [ "$build" -eq 1 ] || [ ! -f "$server_jar" ] || [ ! -f "$runtime_jar" ]; then
  say "building tenantd (mvn -q -B -DskipTests install)"
  (cd "$root" && mvn -q -B -DskipTests install >&2)
elif [ -n "$(find "$root"/tenantd-*/src "$root/pom.xml" -newer "$server_jar" -print -quit 2>/dev/null)" ]; then
  say "note: sources are newer than tenantd-server.jar; measuring the jar as built (--build rebuilds)"
fi
# bench/jmh resolves tenantd-runtime from ~/.m2. `./tenantd test` (mvn verify) does not
# install, so put the jars it built there when ~/.m2 lacks them or has older ones.
m2_runtime="$m2/tenantd-runtime/0.1.0-SNAPSHOT/tenantd-runtime-0.1.0-SNAPSHOT.jar"
if [ ! -f "$m2/tenantd-parent/0.1.0-SNAPSHOT/tenantd-parent-0.1.0-SNAPSHOT.pom" ] || [ ! -f "$m2_runtime" ] \
    || [ "$runtime_jar" -nt "$m2_runtime" ]; then
  say "installing the built tenantd-parent pom and tenantd-runtime jar into ~/.m2"
  (cd "$root" && mvn -q -B install:install-file -Dfile=pom.xml -DpomFile=pom.xml -Dpackaging=pom >&2 \
    && mvn -q -B install:install-file -Dfile="$runtime_jar" -DpomFile=tenantd-runtime/pom.xml >&2)
fi

# ---- this run's directory, with a private copy of tenantd (a rebuild during the run cannot touch it)
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
run_dir="$cache/run-$stamp$([ "$quick" -eq 1 ] && echo -quick || true)"
mkdir -p "$run_dir/tenantd"
# BENCH_TENANTD_BUILD=DIR (holding tenantd-server.jar and lib/) measures another build, e.g. an older copy.
build_dir="${BENCH_TENANTD_BUILD:-$root/tenantd-server/target}"
[ -f "$build_dir/tenantd-server.jar" ] && [ -d "$build_dir/lib" ] || { say "no tenantd-server.jar and lib/ in $build_dir"; exit 1; }
cp -p "$build_dir/tenantd-server.jar" "$run_dir/tenantd/"
cp -p -r "$build_dir/lib" "$run_dir/tenantd/"
# keep the five newest run directories
ls -1dt "$cache"/run-* 2>/dev/null | tail -n +6 | while read -r old; do rm -rf "$old"; done

# ---- bench/jmh: build when missing or older than its inputs
jmh_cp=""
jmh="$bench/jmh"
stamp_file="$jmh/target/classes/META-INF/BenchmarkList"
if [ ! -f "$stamp_file" ] || [ -n "$(find "$jmh/src" "$jmh/pom.xml" "$bench/workers" "$m2_runtime" -newer "$stamp_file" -print -quit 2>/dev/null)" ]; then
  say "building bench/jmh"
  if ! (cd "$jmh" && mvn -q -B package >&2); then
    say "bench/jmh failed to build; JMH is skipped and the run will fail"
    rm -f "$stamp_file"
  fi
fi
# The runtime of the build being measured goes first, so JMH measures the same build as the rest.
if [ -f "$stamp_file" ]; then
  jmh_cp="$jmh/target/classes:$run_dir/tenantd/lib/tenantd-runtime-0.1.0-SNAPSHOT.jar:$jmh/target/lib/*"
fi

date_tag="$(date -u +%Y-%m-%d)"
if [ "$quick" -eq 1 ]; then
  out="$cache/results/$date_tag-quick.md"
else
  out="$bench/results/$date_tag.md"
fi

# V8 maps about a dozen memory regions per isolate, and Linux allows a process
# vm.max_map_count of them (65530 by default): both tenantd and workerd abort near
# 5,000-6,000 live isolates. For the 10,000-worker density step of the full run,
# raise the limit while the run lasts (as root), restore it afterwards, and say so
# in the results. --keep-map-count leaves it alone (the density step then fails).
map_note=""
if [ "$quick" -eq 0 ] && [ "$keep_map_count" -eq 0 ]; then
  old_maps="$(cat /proc/sys/vm/max_map_count)"
  if [ "$old_maps" -lt 262144 ]; then
    if [ "$(id -u)" -eq 0 ] && (echo 262144 > /proc/sys/vm/max_map_count) 2>/dev/null; then
      trap 'echo "$old_maps" > /proc/sys/vm/max_map_count 2>/dev/null || true' EXIT
      map_note="vm.max_map_count was raised from $old_maps to 262144 for this run and restored afterwards"
      say "$map_note"
    else
      say "vm.max_map_count is $old_maps and cannot be raised (not root): the density step will stop near 5,000 workers"
    fi
  fi
fi

status=0
say "running ($([ "$quick" -eq 1 ] && echo quick || echo full)); logs in ${run_dir#$root/}"
BENCH_JAVA="$JAVA_HOME/bin/java" BENCH_WORKERD="$workerd" BENCH_TENANTD="$run_dir/tenantd" \
    BENCH_JMH_CP="$jmh_cp" BENCH_RUN_DIR="$run_dir" BENCH_OUT="$out" BENCH_QUICK="$quick" BENCH_MAP_NOTE="$map_note" \
  node "$bench/lib/bench.mjs" || status=$?

# ---- fairness: one tenant saturating the server, another tenant's p99 (target: within 3x of idle)
say "fairness"
fairness_args=()
[ "$quick" -eq 1 ] && fairness_args+=(--quick)
if BENCH_JAVA="$JAVA_HOME/bin/java" BENCH_TENANTD="$run_dir/tenantd" \
    node "$bench/fairness.mjs" "${fairness_args[@]}" > "$run_dir/fairness.md" 2> "$run_dir/fairness.log"; then
  :
else
  say "fairness failed (see ${run_dir#$root/}/fairness.log)"
  status=1
fi
{ echo; echo "## 5. Fairness"; echo; cat "$run_dir/fairness.md"; } >> "$out"
cat "$run_dir/fairness.md"

# ---- hostile tenants: a bystander measured through each attack (fails the run when a bound is missed)
say "hostile tenants"
hostile_args=()
[ "$quick" -eq 1 ] && hostile_args+=(--quick)
if BENCH_JAVA="$JAVA_HOME/bin/java" BENCH_TENANTD="$run_dir/tenantd" \
    node "$bench/hostile.mjs" "${hostile_args[@]}" > "$run_dir/hostile.md" 2> "$run_dir/hostile.log"; then
  :
else
  say "hostile tenants failed (see ${run_dir#$root/}/hostile.md and hostile.log)"
  status=1
fi
{ echo; echo "## 6. Hostile tenants"; echo; cat "$run_dir/hostile.md"; } >> "$out"
cat "$run_dir/hostile.md"

# ---- KV and D1 through the dispatcher, tenantd next to miniflare (the same workers on both)
say "KV and D1 (tenantd and miniflare)"
storage_args=()
[ "$quick" -eq 1 ] && storage_args+=(--quick)
if BENCH_JAVA="$JAVA_HOME/bin/java" BENCH_TENANTD="$run_dir/tenantd" BENCH_MINIFLARE="$mf" BENCH_RUN_DIR="$run_dir" \
    node "$bench/storage.mjs" "${storage_args[@]}" > "$run_dir/storage.md" 2> "$run_dir/storage.log"; then
  :
else
  say "KV and D1 failed (see ${run_dir#$root/}/storage.md and storage.log)"
  status=1
fi
{ echo; echo "## 7. KV and D1 through the dispatcher"; echo; cat "$run_dir/storage.md"; } >> "$out"
cat "$run_dir/storage.md"
exit "$status"
