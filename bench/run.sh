#!/usr/bin/env bash
# The national-scale benchmark: tfcalc against the raw parse floor and the peer tools, in one run.
#
#   bench/run.sh                 # 400,000 families, 5 rounds of 3 timed runs of each tool
#   FAMILIES=100000 ROUNDS=2 bench/run.sh
#   SCALING=1 bench/run.sh       # also 10x the rows for the same families (about 2.7 GB on disk)
#
# Needs hyperfine (Debian package `hyperfine`) and GNU time (/usr/bin/time). The peers are optional:
# with a Python that has polars and duckdb (PEERS_PYTHON, default /tmp/peers/bin/python), they are
# timed too, and the agency totals are checked against DuckDB's exact DECIMAL ones. To get them:
#   python3 -m venv /tmp/peers && /tmp/peers/bin/pip install duckdb polars pandas
set -euo pipefail
cd "$(dirname "$0")/.."

families=${FAMILIES:-400000}
rounds=${ROUNDS:-5}
per_round=${PER_ROUND:-3}
work=${WORK:-/tmp/tfcalc-bench}
data="$work/nat-$families"
peers_python=${PEERS_PYTHON:-/tmp/peers/bin/python}
tfcalc=target/release/tfcalc

cargo build --release --quiet --bin tfcalc --example synth --example floor
floor=target/release/examples/floor
mkdir -p "$work"
if [ ! -f "$data/after.csv" ]; then
  echo "== generating $families families in $data"
  target/release/examples/synth --families "$families" "$data"
fi
du -sh "$data"/*.csv

have_peers=0
if [ -x "$peers_python" ] && "$peers_python" -c "import polars, duckdb" 2>/dev/null; then
  have_peers=1
fi

names=(tfcalc floor)
commands=(
  "$tfcalc report $data --format csv --output $work/tfcalc-out/ --quiet"
  "$floor $data/before.csv $data/after.csv"
)
if [ "$have_peers" = 1 ]; then
  names+=(polars duckdb)
  commands+=(
    "$peers_python bench/peers/peer_polars.py $data $work/polars-out"
    "$peers_python bench/peers/peer_duckdb.py $data $work/duck-out"
  )
fi

# This machine's speed drifts by a third from minute to minute, so the tools are timed in turns:
# ROUNDS rounds, each timing every tool PER_ROUND times, and the median is taken over all of a
# tool's runs. Timing each tool's runs all together would compare one minute's machine with
# another's.
echo "== wall time (hyperfine: $rounds rounds of $per_round runs of each tool, after a warm-up)"
hyperfine --warmup 1 --runs 1 --style none "${commands[@]}" > /dev/null
rm -f "$work"/round-*.json
for round in $(seq "$rounds"); do
  hyperfine --runs "$per_round" --style none --export-json "$work/round-$round.json" "${commands[@]}" > /dev/null
  printf '.'
done
echo
# Every run's time, one line per run: "<tool number> <seconds>".
awk '
  /"command":/ { tool++ }
  /"times":/ { in_times = 1; next }
  in_times && /\]/ { in_times = 0 }
  in_times { gsub(/[ ,]/, ""); print (tool - 1) % count, $0 }
' count="${#commands[@]}" "$work"/round-*.json > "$work/times.txt"
median() {
  awk -v tool="$1" '$1 == tool { print $2 }' "$work/times.txt" | sort -g |
    awk '{ times[NR] = $1 } END { middle = (NR + 1) / 2; printf "%.3f", (times[int(middle)] + times[int(middle + 0.5)]) / 2 }'
}
fastest() {
  awk -v tool="$1" '$1 == tool { print $2 }' "$work/times.txt" | sort -g | head -1
}
echo "== median wall time over $((rounds * per_round)) runs each (fastest run in brackets)"
declare -A medians
for index in "${!names[@]}"; do
  medians[${names[$index]}]=$(median "$index")
  printf '%-8s %s s  (%.3f s)\n' "${names[$index]}" "${medians[${names[$index]}]}" "$(fastest "$index")"
done
awk -v ours="${medians[tfcalc]}" -v floor="${medians[floor]}" \
  'BEGIN { printf "tfcalc takes %.2fx the floor'"'"'s time\n", ours / floor }'
if [ "$have_peers" = 1 ]; then
  awk -v ours="${medians[tfcalc]}" -v polars="${medians[polars]}" -v duckdb="${medians[duckdb]}" \
    'BEGIN { printf "tfcalc is %.1fx as fast as polars and %.1fx as fast as DuckDB\n", polars / ours, duckdb / ours }'
fi

echo "== peak memory (GNU time, one run each)"
peak() {
  /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1
}
echo "tfcalc: $(( $(peak $tfcalc report "$data" --format csv --output "$work/tfcalc-out/" --quiet) / 1024 )) MB"
if [ "$have_peers" = 1 ]; then
  echo "polars: $(( $(peak "$peers_python" bench/peers/peer_polars.py "$data" "$work/polars-out") / 1024 )) MB"
  echo "duckdb: $(( $(peak "$peers_python" bench/peers/peer_duckdb.py "$data" "$work/duck-out") / 1024 )) MB"
fi

if [ "$have_peers" = 1 ]; then
  echo "== agency totals against DuckDB (exact DECIMAL), to the penny"
  $tfcalc agency "$data" --format json --quiet > "$work/tfcalc-agencies.json"
  "$peers_python" - "$work/tfcalc-agencies.json" > "$work/tfcalc-agencies.txt" <<'PY'
import json, sys
for agency in json.load(open(sys.argv[1]))["studies"][0]["agencies"]:
    if agency["before"] is not None:
        print(agency["agency"] + "," + agency["benefit"])
PY
  sort -o "$work/tfcalc-agencies.txt" "$work/tfcalc-agencies.txt"
  "$peers_python" bench/peers/peer_duckdb.py "$data" "$work/duck-out" | sort > "$work/duck-agencies.txt"
  "$peers_python" - "$work/tfcalc-agencies.txt" "$work/duck-agencies.txt" <<'PY'
import sys
from decimal import Decimal
ours = dict(line.strip().split(",", 1) for line in open(sys.argv[1]) if line.strip())
theirs = dict(line.strip().split(",", 1) for line in open(sys.argv[2]) if line.strip())
assert ours.keys() == theirs.keys(), (ours.keys(), theirs.keys())
for agency in sorted(ours):
    same = Decimal(ours[agency]) == Decimal(theirs[agency])
    print(f"{agency}: tfcalc {ours[agency]}, duckdb {theirs[agency]}, {'agree' if same else 'DIFFER'}")
    assert same, agency
print("all agency totals agree to the penny")
PY
fi

if [ "${SCALING:-0}" = 1 ]; then
  big="$work/nat-$families-x10"
  if [ ! -f "$big/after.csv" ]; then
    echo "== generating 10x the rows for the same $families families in $big"
    target/release/examples/synth --families "$families" --rows-per-family 240 "$big"
  fi
  du -sh "$big"/*.csv
  echo "== scaling: 1x against 10x rows"
  hyperfine --warmup 1 --runs 3 \
    "$tfcalc report $data --format csv --output $work/tfcalc-out/ --quiet" \
    "$tfcalc report $big --format csv --output $work/tfcalc-out-x10/ --quiet"
  echo "peak memory 1x: $(( $(peak $tfcalc report "$data" --format csv --output "$work/tfcalc-out/" --quiet) / 1024 )) MB"
  echo "peak memory 10x: $(( $(peak $tfcalc report "$big" --format csv --output "$work/tfcalc-out-x10/" --quiet) / 1024 )) MB"
fi
