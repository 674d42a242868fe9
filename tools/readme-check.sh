#!/usr/bin/env bash
# Runs a walkthrough's shell blocks exactly as a reader would, against a fresh tenantd, and
# checks what the text promises.
#   bash tools/readme-check.sh                        every walkthrough listed below
#   bash tools/readme-check.sh FILE 'SECTION TITLE'   the ```sh blocks under the heading SECTION TITLE of FILE
#
# The section's ```sh blocks run in order in one shell, from the project root:
# - a `./tenantd serve ...` command starts in the background with a temporary --data-dir and
#   ports the OS picks (--listen/--api-listen 127.0.0.1:0), so it never meets another tenantd
#   or a ./data of the reader's; it builds first when needed, as for a reader;
# - every other command runs once that server is up, with the documented ports 8787 and 8788
#   replaced by the chosen ones, and must exit 0 without printing an error envelope
#   ("success":false);
# - a command whose line ends in `# TEXT` must print TEXT; `...` in TEXT stands for anything
#   (`# {"a":1,...,"b":2}` needs {"a":1, and later "b":2}).
# Exit status 0 when everything held; otherwise 1, with the command and its output.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [ "$#" -eq 0 ]; then
  bash "${BASH_SOURCE[0]}" "$repo/README.md" "Five minutes with it"
  bash "${BASH_SOURCE[0]}" "$repo/examples/README.md" "Examples: a Workers for Platforms setup on one machine"
  exit 0
fi
[ "$#" -eq 2 ] || { echo "usage: bash tools/readme-check.sh [FILE 'SECTION TITLE']" >&2; exit 2; }
doc="$1"
section="$2"

say() { echo "readme-check: $*" >&2; }
die() { say "$*"; exit 1; }

[ -f "$doc" ] || die "no such file: $doc"
work="$(mktemp -d "${TMPDIR:-/tmp}/tenantd-readme-check.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# ---- the section's ```sh blocks, one logical command per line (continuation lines joined)
awk -v section="$section" '
  /^```/ {
    if (fenced) { fenced = 0; code = 0 }
    else { fenced = 1; if (inside && $0 ~ /^```sh[[:space:]]*$/) { block++; code = 1 } }
    next
  }
  !fenced && /^#+ / { title = $0; sub(/^#+ /, "", title); inside = (title == section); next }
  code {
    line = (pending == "" ? $0 : pending " " $0)
    if (line ~ /\\[[:space:]]*$/) { sub(/\\[[:space:]]*$/, "", line); pending = line; next }
    pending = ""
    if (line ~ /^[[:space:]]*(#.*)?$/) next
    print block "\t" line
  }
' "$doc" > "$work/commands"
[ -s "$work/commands" ] || die "no \`\`\`sh commands under the heading '$section' in $doc"
grep -q $'\t'"\./tenantd serve" "$work/commands" || die "the walkthrough in $doc has no './tenantd serve' command to start"

start_server() {
  local cmd="$1"
  local args
  # words as the shell splits them (quotes honoured); the newline ends a trailing comment
  eval "args=($cmd
)"
  say "starting: $cmd (data in $work/data, ports chosen by the OS)"
  # started directly (no subshell) so that its pid is the server's: ./tenantd execs java
  "${args[@]}" --data-dir "$work/data" --listen 127.0.0.1:0 --api-listen 127.0.0.1:0 \
    < /dev/null > "$work/serve.log" 2>&1 &
  server_pid=$!
  local waited=0
  # generous: a clean clone builds first
  until grep -q '^  API: ' "$work/serve.log" 2>/dev/null; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      cat "$work/serve.log" >&2
      die "'$cmd' exited before serving"
    fi
    [ "$waited" -lt 1800 ] || { cat "$work/serve.log" >&2; die "'$cmd' did not start serving in 15 minutes"; }
    sleep 0.5
    waited=$((waited + 1))
  done
  worker_port="$(sed -n 's|^  workers: http://[^:]*:\([0-9]*\).*|\1|p' "$work/serve.log" | head -n1)"
  api_port="$(sed -n 's|^  API: *http://[^:]*:\([0-9]*\).*|\1|p' "$work/serve.log" | head -n1)"
  [ -n "$worker_port" ] && [ -n "$api_port" ] || { cat "$work/serve.log" >&2; die "cannot read the ports tenantd printed"; }
  say "tenantd is serving: workers on 127.0.0.1:$worker_port, API on 127.0.0.1:$api_port"
}

# Whether FILE holds TEXT, where each `...` in TEXT matches anything.
printed() {
  local rest piece text="$1"
  rest="$(cat "$2")"
  while :; do
    piece="${text%%...*}"
    [[ "$rest" == *"$piece"* ]] || return 1
    rest="${rest#*"$piece"}"
    [[ "$text" == *...* ]] || return 0
    text="${text#*...}"
  done
}

cd "$repo"
worker_port=""
api_port=""
checked=0
failed=0
while IFS=$'\t' read -r -u 3 block cmd; do
  if [[ "$cmd" =~ ^[[:space:]]*\./tenantd[[:space:]]+serve([[:space:]]|$) ]]; then
    [ -z "$server_pid" ] || die "the walkthrough starts tenantd twice"
    start_server "$cmd"
    continue
  fi
  if [ -n "$api_port" ]; then
    cmd="$(printf '%s' "$cmd" | sed -e "s/:8788\([^0-9]\|$\)/:$api_port\1/g" -e "s/:8787\([^0-9]\|$\)/:$worker_port\1/g")"
  fi
  expect=""
  if [[ "$cmd" =~ [[:space:]]#[[:space:]]+(.*[^[:space:]])[[:space:]]*$ ]]; then
    expect="${BASH_REMATCH[1]}"
  fi
  echo "\$ $cmd" >&2
  set +e
  eval "$cmd" < /dev/null > "$work/out" 2>&1
  status=$?
  set -e
  sed 's/^/    /' "$work/out" >&2
  [ ! -s "$work/out" ] || [ -z "$(tail -c1 "$work/out")" ] || echo >&2
  problem=""
  if [ "$status" -ne 0 ]; then
    problem="exited with status $status"
  elif grep -q '"success":false' "$work/out"; then
    problem="answered an error envelope"
  elif [ -n "$expect" ] && ! printed "$expect" "$work/out"; then
    problem="did not print '$expect'"
  fi
  if [ -n "$problem" ]; then
    say "FAILED (block $block): $problem"
    failed=$((failed + 1))
  elif [ -n "$expect" ]; then
    checked=$((checked + 1))
  fi
done 3< "$work/commands"

[ -n "$server_pid" ] || die "tenantd was never started"
if [ "$failed" -gt 0 ]; then
  say "server log:"; sed 's/^/    /' "$work/serve.log" >&2
  die "$failed command(s) of '$section' in $doc failed"
fi
[ "$checked" -gt 0 ] || die "'$section' in $doc promises no output (no command ends in '# TEXT'); nothing was checked"
say "ok: every command of '$section' in $doc ran; $checked promised output(s) seen"
