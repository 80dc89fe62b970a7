#!/usr/bin/env bash
# Runs fuzz targets one after the other: ./run.sh [SECONDS] [TARGET...]
# (default 600 s each, every target). New inputs go to corpus-run/<target>/ (not
# committed; the seeds in corpus/<target>/ are read, never written); crashes, timeouts
# and out-of-memory inputs go to artifacts/<target>/.
# Uses `cargo +nightly` when a nightly toolchain is installed, else (or when
# RUSTC_BOOTSTRAP=1 is set already) the default toolchain with RUSTC_BOOTSTRAP=1: cargo-fuzz
# needs nightly-only sanitizer flags.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo fuzz list)
fi
if [ -z "${RUSTC_BOOTSTRAP:-}" ] && rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    cargo=(cargo +nightly)
else
    export RUSTC_BOOTSTRAP=1
    cargo=(cargo)
fi
"${cargo[@]}" fuzz build -O
status=0
for t in "${targets[@]}"; do
    mkdir -p "corpus-run/$t" "artifacts/$t"
    echo "== $t: ${seconds}s"
    # -timeout: one input over 10 s is a hang; -rss_limit_mb: a run over 2 GiB is a leak
    # or a blow-up, not a bigger machine's business.
    "${cargo[@]}" fuzz run -O "$t" "corpus-run/$t" "corpus/$t" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="artifacts/$t/" -print_final_stats=1 || status=1
done
exit $status
