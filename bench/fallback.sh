#!/usr/bin/env bash
# Untidy national files: the 400,000-family cohort as generated, with one quoted field added, and
# with one Windows-1252 byte added (a family `Café`, saved as Excel's plain "CSV" would), each
# timed with `report` and `check` in turns, and the detailed reader alone for comparison.
#
#   bench/fallback.sh            # 400,000 families, 5 rounds
#   FAMILIES=100000 ROUNDS=2 bench/fallback.sh
set -euo pipefail
cd "$(dirname "$0")/.."

families=${FAMILIES:-400000}
rounds=${ROUNDS:-5}
work=${WORK:-/tmp/tfcalc-bench}
tfcalc=target/release/tfcalc
cargo build --release --quiet --bin tfcalc --example synth
base="$work/nat-$families"
[ -f "$base/after.csv" ] || target/release/examples/synth --families "$families" "$base"
rows=$(wc -l < "$base/before.csv")
middle=$((rows / 2))
for variant in quoted windows-1252; do
  dir="$work/nat-$families-$variant"
  [ -f "$dir/before.csv" ] && continue
  mkdir -p "$dir"
  cp "$base"/{study.toml,unit-costs.toml,after.csv} "$dir/"
  case $variant in
    quoted) awk -v at="$middle" 'NR==at{gsub(/^F[0-9]+/,"\"&\"")}1' "$base/before.csv" > "$dir/before.csv" ;;
    windows-1252) awk -v at="$middle" 'NR==at{print "Caf\xe9,svc_10,1"}1' "$base/before.csv" > "$dir/before.csv" ;;
  esac
done

declare -a names commands
for variant in clean quoted windows-1252; do
  dir="$base"; [ "$variant" = clean ] || dir="$base-$variant"
  names+=("report $variant"); commands+=("$tfcalc report $dir --format csv --output $work/fallback-out/ --quiet")
  names+=("check $variant"); commands+=("$tfcalc check $dir --quiet")
done
names+=("report clean, detailed reader only")
commands+=("env TFCALC_DEBUG_READER=detailed $tfcalc report $base --format csv --output $work/fallback-out/ --quiet")

results="$work/fallback-times.txt"
: > "$results"
for round in $(seq "$rounds"); do
  for index in "${!commands[@]}"; do
    # Seconds and peak resident memory (KB) of one run.
    /usr/bin/time -f "$index %e %M" -a -o "$results" ${commands[$index]} >/dev/null 2>&1 || true
  done
done
printf '%-40s %10s %12s\n' "job" "median s" "peak MB"
for index in "${!commands[@]}"; do
  awk -v i="$index" '$1 == i {print $2, $3}' "$results" | sort -n |
    awk -v name="${names[$index]}" '{t[NR]=$1; if ($2 > m) m = $2} END {printf "%-40s %10.2f %12.0f\n", name, t[int((NR+1)/2)], m/1024}'
done
