#!/usr/bin/env bash
# The national-scale benchmark: tfcalc against the raw parse floor and the peer tools, in one run.
#
#   bench/run.sh                 # 400,000 families, 7 timed runs each
#   FAMILIES=100000 RUNS=3 bench/run.sh
#   SCALING=1 bench/run.sh       # also 10x the rows for the same families (about 2.7 GB on disk)
#
# Needs hyperfine (Debian package `hyperfine`) and GNU time (/usr/bin/time). The peers are optional:
# with a Python that has polars and duckdb (PEERS_PYTHON, default /tmp/peers/bin/python), they are
# timed too, and the agency totals are checked against DuckDB's exact DECIMAL ones. To get them:
#   python3 -m venv /tmp/peers && /tmp/peers/bin/pip install duckdb polars pandas
set -euo pipefail
cd "$(dirname "$0")/.."

families=${FAMILIES:-400000}
runs=${RUNS:-7}
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

echo "== wall time (hyperfine, $runs runs each, after a warm-up)"
commands=(
  "$tfcalc report $data --format csv --output $work/tfcalc-out/ --quiet"
  "$floor $data/before.csv $data/after.csv"
)
if [ "$have_peers" = 1 ]; then
  commands+=(
    "$peers_python bench/peers/peer_polars.py $data $work/polars-out"
    "$peers_python bench/peers/peer_duckdb.py $data $work/duck-out"
  )
fi
hyperfine --warmup 1 --runs "$runs" --export-markdown "$work/times.md" --export-json "$work/times.json" "${commands[@]}"
cat "$work/times.md"
# The targets are on the median, which a noisy shared machine moves less than the mean.
echo "== median wall time"
names=(tfcalc floor polars duckdb)
index=0
for median in $(grep -o '"median": *[0-9.e-]*' "$work/times.json" | grep -o '[0-9.e-]*$'); do
  printf '%-8s %.3f s\n' "${names[$index]}" "$median"
  index=$((index + 1))
done

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
