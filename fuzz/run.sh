#!/usr/bin/env bash
# Fuzzes each target for a while (default 300 s each), one after another, or only the targets named.
# cargo-fuzz needs nightly features; on a stable toolchain RUSTC_BOOTSTRAP=1 enables them.
#   cargo install cargo-fuzz && fuzz/run.sh [SECONDS [TARGET...]]
#   FUZZ_ARGS="-len_control=0" fuzz/run.sh 600 report_study   # more libFuzzer options
# Without a sanitizer: tfcalc is safe Rust, so what a fuzzer can find is a panic, and debug
# assertions (on in cargo-fuzz builds) make integer overflow one. AddressSanitizer would only slow
# the runs (report_study ran 30 times slower with it).
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(usage_csv unit_cost_table study_file money report_study)
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  echo "== $target ($seconds s)"
  RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 ${FUZZ_ARGS:-} 2>&1 | grep -E "Done|DONE|ERROR|SUMMARY|crash-|panicked" || true
done
