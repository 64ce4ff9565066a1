#!/usr/bin/env bash
# Fuzzes each target for a while (default 300 s each), one after another.
# cargo-fuzz needs nightly features; on a stable toolchain RUSTC_BOOTSTRAP=1 enables them.
#   cargo install cargo-fuzz && fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-300}
for target in usage_csv unit_cost_table study_file money report_study; do
  mkdir -p "corpus/$target"
  echo "== $target ($seconds s)"
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 2>&1 | grep -E "Done|DONE|ERROR|SUMMARY|crash-|panicked" || true
done
