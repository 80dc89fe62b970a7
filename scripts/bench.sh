#!/usr/bin/env bash
# Times `camplint check` on generated projects of named sizes.
#
#   scripts/bench.sh [--runs N] [--report DIR] SCALE...
#
# SCALE is one or more of:
#   small    10,000 contacts, 20,000 ledger events, 10 campaigns, 100 drafts, 5 images
#   medium   100,000 contacts, 200,000 events, 100 campaigns, 1,000 drafts, 20 images
#   large    1,000,000 contacts in 20 audiences (each person in 1 to 3), 2,000,000
#            events, 1,000 campaigns (3 sends, every tenth repeated weekly: 3,200
#            instants), 10,000 drafts, 100 images
#   drafts   10,000 drafts all sent (1,000 campaigns x 5 sends + X posts), 200 contacts,
#            WhatsApp caps out of the way (`--cap 1000`):
#            the time is the drafts'; the peers (rumdl, markdownlint-cli2) run on the
#            same messages/ folder
#   scaling  medium's contacts with 100 and with 1,000 campaigns, and their ratio
#   all      small medium large drafts scaling
#
# For each project it prints the wall time, user+sys CPU, peak RSS (GNU time), the input
# size, MB/s (input bytes / wall) and the ratio to the `cat` floor (the wall time of
# `cat` of every file of the project to /dev/null, warm cache). With --runs N (default 3;
# 1 for large) it keeps the fastest run. `--now` is fixed, so the report does not depend
# on the day.
#
# --report DIR   also writes DIR/<scale>.json (`check --format json`; one run, timed) and
#                DIR/<scale>-consent.txt (`camplint consent`), for byte-identical
#                before/after comparisons: `cmp old/large.json new/large.json`.
#
# Environment:
#   CAMPLINT_BIN=path   time this binary instead of building target/release/camplint
#                       (to compare an old and a new engine on the same projects)
#   BENCH_DIR=dir       where generated projects are cached (default target/bench); a
#                       project is regenerated when its generator arguments or
#                       examples/gen_big.rs change
#
# Exit 1 from camplint (findings) is expected; 2 or more stops the script. It needs GNU
# time at /usr/bin/time (apt-get install time). Missing peers are installed: rumdl with
# `pip install rumdl`, markdownlint-cli2 0.22.0 with npm into target/bench-tools/; when
# that fails the script says so and goes on.
set -euo pipefail

cd "$(dirname "$0")/.."
repo="$(pwd)"
now="2026-10-01T09:00:00+02:00"
runs=""
report=""
scales=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --report) report="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    small|medium|large|drafts|scaling) scales+=("$1"); shift ;;
    all) scales+=(small medium large drafts scaling); shift ;;
    *) echo "bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ ${#scales[@]} -gt 0 ] || { echo "usage: scripts/bench.sh [--runs N] [--report DIR] small|medium|large|drafts|scaling|all ..." >&2; exit 2; }

if [ ! -x /usr/bin/time ]; then
  echo "bench.sh needs GNU time at /usr/bin/time (apt-get install time)" >&2
  exit 2
fi

if [ -n "${CAMPLINT_BIN:-}" ]; then
  bin="$(realpath "$CAMPLINT_BIN")"
  cargo build --release --locked --quiet --example gen_big
else
  cargo build --release --locked --quiet --bin camplint --example gen_big
  bin="$repo/target/release/camplint"
fi
gen="$repo/target/release/examples/gen_big"
cache="${BENCH_DIR:-$repo/target/bench}"
mkdir -p "$cache"
[ -z "$report" ] || mkdir -p "$report"
echo "binary: $bin"

# Generator arguments of each project.
args_of() {
  case "$1" in
    small) echo "--contacts 10000 --events 20000 --audiences 20 --memberships 3 --campaigns 10 --sends 3 --repeat-every 10 --drafts 100 --media 5" ;;
    medium) echo "--contacts 100000 --events 200000 --audiences 20 --memberships 3 --campaigns 100 --sends 3 --repeat-every 10 --drafts 1000 --media 20" ;;
    large) echo "--contacts 1000000 --events 2000000 --audiences 20 --memberships 3 --campaigns 1000 --sends 3 --repeat-every 10 --drafts 10000 --media 100" ;;
    drafts) echo "--contacts 200 --events 400 --audiences 20 --memberships 2 --campaigns 1000 --sends 5 --repeat-every 0 --drafts 10000 --media 100 --cap 1000" ;;
    scaling-100) args_of medium ;;
    scaling-1000) echo "--contacts 100000 --events 200000 --audiences 20 --memberships 3 --campaigns 1000 --sends 3 --repeat-every 10 --drafts 1000 --media 20" ;;
  esac
}

# Generates project $1 into the cache unless it is there with the same arguments and
# generator source; prints its folder.
project() {
  local name="$1" args stamp dir
  args="$(args_of "$name")"
  dir="$cache/$name"
  stamp="$args $(sha256sum examples/gen_big.rs | cut -c1-16)"
  if [ ! -f "$dir.stamp" ] || [ "$(cat "$dir.stamp")" != "$stamp" ]; then
    rm -rf "$dir" "$dir.stamp"
    echo "generating $name: gen_big $args" >&2
    # shellcheck disable=SC2086
    "$gen" "$dir" $args >&2
    echo "$stamp" > "$dir.stamp"
  fi
  echo "$dir"
}

# Runs "$@" once under GNU time; sets wall (s, from the clock), cpu (user+sys, s), rss
# (MB) and status. Stdout goes to $out (default /dev/null).
measure() {
  local log t0 t1
  log="$(mktemp)"
  status=0
  t0=$(date +%s%N)
  /usr/bin/time -f "%U %S %M" -o "$log" "$@" > "${out:-/dev/null}" 2> "$log.err" || status=$?
  t1=$(date +%s%N)
  if [ "$status" -ge 2 ] && [ "${fatal:-1}" = 1 ]; then
    echo "failed (exit $status): $*" >&2
    cat "$log.err" >&2
    rm -f "$log" "$log.err"
    exit "$status"
  fi
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  read -r u s k < <(tail -n 1 "$log")
  cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
  rss=$((k / 1024))
  rm -f "$log" "$log.err"
}

# Best of $1 runs of the rest: sets best_wall, best_cpu, best_rss, best_status.
best_of() {
  local n="$1" i
  shift
  best_wall=""
  for ((i = 0; i < n; i++)); do
    measure "$@"
    if [ -z "$best_wall" ] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then
      best_wall=$wall best_cpu=$cpu best_rss=$rss best_status=$status
    fi
  done
}

cat_all() { find "$1" -type f -print0 | xargs -0 cat > /dev/null; }
export -f cat_all

bytes_of() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }

row() { # name wall cpu rss bytes floor exit
  awk -v n="$1" -v w="$2" -v c="$3" -v r="$4" -v b="$5" -v f="$6" -v e="$7" 'BEGIN {
    ratio = (f > 0) ? sprintf("%.0fx", w / f) : "-"
    printf "%-30s %9.3f %9.2f %8d %9.1f %8.1f %8.3f %7s %4s\n", n, w, c, r, b / 1e6, b / 1e6 / w, f, ratio, e }'
}

header() {
  printf "%-30s %9s %9s %8s %9s %8s %8s %7s %4s\n" \
    project "wall s" "cpu s" "RSS MB" "input MB" "MB/s" "cat s" "x cat" exit
}

# Checks project $1: prints its row; sets last_wall.
bench_project() {
  local name="$1" dir n bytes floor
  dir="$(project "$name")"
  n="${runs:-3}"
  [ "$name" != large ] || n="${runs:-1}"
  bytes=$(bytes_of "$dir")
  cat_all "$dir" # warm the cache
  best_of 3 bash -c 'cat_all "$1"' _ "$dir"
  floor=$best_wall
  if [ -n "$report" ]; then
    out="$report/$name.json" best_of 1 "$bin" check --root "$dir" --now "$now" --format json
  else
    best_of "$n" "$bin" check --root "$dir" --now "$now" --format json
  fi
  row "camplint $name" "$best_wall" "$best_cpu" "$best_rss" "$bytes" "$floor" "$best_status"
  last_wall=$best_wall
  if [ -n "$report" ]; then
    out="$report/$name-consent.txt" measure "$bin" consent --root "$dir"
    row "camplint consent $name" "$wall" "$cpu" "$rss" "$bytes" "$floor" "$status"
  fi
}

# Finds or installs the peers; sets rumdl and mdl (empty when unavailable).
peers() {
  rumdl="$(command -v rumdl || true)"
  if [ -z "$rumdl" ]; then
    echo "installing rumdl: pip install rumdl" >&2
    pip install --quiet rumdl >&2 || true
    rumdl="$(command -v rumdl || true)"
  fi
  [ -n "$rumdl" ] || echo "rumdl: could not be installed (pip install rumdl), skipped"
  local tools="$repo/target/bench-tools/markdownlint-cli2-0.22.0"
  mdl="$tools/node_modules/.bin/markdownlint-cli2"
  if [ ! -x "$mdl" ]; then
    echo "installing markdownlint-cli2 0.22.0 with npm into $tools" >&2
    mkdir -p "$tools"
    npm install --silent --prefix "$tools" markdownlint-cli2@0.22.0 >&2 || true
  fi
  [ -x "$mdl" ] || { echo "markdownlint-cli2 0.22.0: could not be installed (npm), skipped"; mdl=""; }
}

bench_peers() {
  local dir="$cache/drafts" msgs bytes floor n="${runs:-3}"
  msgs="$dir/messages"
  peers
  bytes=$(bytes_of "$msgs")
  best_of 3 bash -c 'cat_all "$1"' _ "$msgs"
  floor=$best_wall
  echo "peers on the drafts project's messages/ ($(find "$msgs" -name '*.md' | wc -l) drafts):"
  if [ -n "$rumdl" ]; then
    # --respect-gitignore=false: the project sits under target/, which .gitignore lists.
    fatal=0 best_of "$n" "$rumdl" check --no-config --no-cache --respect-gitignore=false --quiet "$msgs"
    row "rumdl $("$rumdl" --version | awk '{ print $2 }')" "$best_wall" "$best_cpu" "$best_rss" "$bytes" "$floor" "$best_status"
  fi
  if [ -n "$mdl" ]; then
    fatal=0 best_of "$n" bash -c 'cd "$1" && "$2" "**/*.md"' _ "$msgs" "$mdl"
    row "markdownlint-cli2 0.22.0" "$best_wall" "$best_cpu" "$best_rss" "$bytes" "$floor" "$best_status"
  fi
}

# Generate first, so the table is not interrupted.
for scale in "${scales[@]}"; do
  case "$scale" in
    scaling) project scaling-100 > /dev/null; project scaling-1000 > /dev/null ;;
    *) project "$scale" > /dev/null ;;
  esac
done
header
for scale in "${scales[@]}"; do
  case "$scale" in
    scaling)
      bench_project scaling-100
      w100=$last_wall
      bench_project scaling-1000
      awk -v a="$w100" -v b="$last_wall" \
        'BEGIN { printf "scaling: 1,000 campaigns take %.2fx the time of 100 (same contacts)\n", b / a }'
      ;;
    drafts)
      bench_project drafts
      bench_peers
      ;;
    *) bench_project "$scale" ;;
  esac
done
