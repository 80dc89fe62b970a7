#!/usr/bin/env bash
# Times `camplint check --format json > /dev/null` on a generated project.
#
#   scripts/bench.sh [DIR] [CONTACTS] [RUNS]
#
# Builds release, writes the project with `examples/gen_big.rs` into DIR (a temporary
# folder, removed afterwards, when DIR is not given; an existing DIR with camplint.toml
# is reused as is), then runs the check RUNS times (default 3) and prints each run's
# wall time and peak memory (max RSS) as measured by GNU time.
set -euo pipefail

cd "$(dirname "$0")/.."
dir="${1:-}"
contacts="${2:-1000000}"
runs="${3:-3}"
# A fixed "now" before the sends, so the result does not depend on the day it runs.
now="2026-10-01T09:00:00+02:00"

cargo build --release --locked --quiet --bin camplint --example gen_big
bin="target/release/camplint"

if [ -z "$dir" ]; then
  dir="$(mktemp -d)"
  trap 'rm -rf "$dir"' EXIT
fi
if [ ! -f "$dir/camplint.toml" ]; then
  echo "generating $contacts contacts into $dir"
  target/release/examples/gen_big "$dir" --contacts "$contacts"
fi

if [ ! -x /usr/bin/time ]; then
  echo "bench.sh needs GNU time at /usr/bin/time (apt-get install time)" >&2
  exit 2
fi
for i in $(seq 1 "$runs"); do
  log="$(mktemp)"
  # Exit 1 (findings) is expected; only 2 means the check could not run.
  status=0
  /usr/bin/time -v "$bin" check --root "$dir" --now "$now" --format json \
    > /dev/null 2> "$log" || status=$?
  if [ "$status" -ge 2 ]; then
    cat "$log" >&2
    exit "$status"
  fi
  wall="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log")"
  rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")"
  echo "run $i: wall $wall, peak RSS $((rss / 1024)) MB"
  rm -f "$log"
done
