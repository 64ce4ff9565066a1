#!/usr/bin/env bash
# The national-scale benchmark: tfcalc against the raw parse floor and the peer tools, in one run.
#
#   bench/run.sh                 # 400,000 families in four row orders, 5 rounds of 3 timed runs
#   FAMILIES=100000 ROUNDS=2 bench/run.sh
#   ORDERS="sorted shuffled" bench/run.sh   # some of the orders (the first is the reference)
#   SCALING=1 bench/run.sh       # also 10x the rows for the same families, shuffled (2.7 GB on disk)
#
# Every tool reads the same rows in each order (sorted by family, shuffled, grouped by service,
# reversed: see examples/synth.rs), timed in turns in one run; tfcalc's agency totals are checked
# against DuckDB's in every order.
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
# The row orders timed, each a study of the same rows (see examples/synth.rs): extracts come in any.
read -r -a orders <<< "${ORDERS:-sorted shuffled by-service reversed}"
peers_python=${PEERS_PYTHON:-/tmp/peers/bin/python}
tfcalc=target/release/tfcalc

cargo build --release --quiet --bin tfcalc --example synth --example floor
floor=target/release/examples/floor
mkdir -p "$work"
data_of() {
  echo "$work/nat-$families-$1"
}
for order in "${orders[@]}"; do
  data=$(data_of "$order")
  if [ ! -f "$data/after.csv" ]; then
    echo "== generating $families families, $order, in $data"
    target/release/examples/synth --families "$families" --order "$order" "$data"
  fi
done
du -sh "$(data_of "${orders[0]}")"/*.csv

have_peers=0
if [ -x "$peers_python" ] && "$peers_python" -c "import polars, duckdb" 2>/dev/null; then
  have_peers=1
fi

tools=(tfcalc floor)
if [ "$have_peers" = 1 ]; then
  tools+=(polars duckdb)
fi
command_of() { # tool order
  local data
  data=$(data_of "$2")
  case $1 in
    tfcalc) echo "$tfcalc report $data --format csv --output $work/tfcalc-out-$2/ --quiet" ;;
    floor) echo "$floor $data/before.csv $data/after.csv" ;;
    polars) echo "$peers_python bench/peers/peer_polars.py $data $work/polars-out-$2" ;;
    duckdb) echo "$peers_python bench/peers/peer_duckdb.py $data $work/duck-out-$2" ;;
  esac
}
# Every tool on every order, in one list: command number = order number * tools + tool number.
commands=()
for order in "${orders[@]}"; do
  for tool in "${tools[@]}"; do
    commands+=("$(command_of "$tool" "$order")")
  done
done

# This machine's speed drifts by a third from minute to minute, so the tools are timed in turns:
# ROUNDS rounds, each timing every tool on every order PER_ROUND times, and the median is taken
# over all of a command's runs. Timing each command's runs all together would compare one
# minute's machine with another's.
echo "== wall time (hyperfine: $rounds rounds of $per_round runs of each tool on each order, after a warm-up)"
hyperfine --warmup 1 --runs 1 --style none "${commands[@]}" > /dev/null
rm -f "$work"/round-*.json
for round in $(seq "$rounds"); do
  hyperfine --runs "$per_round" --style none --export-json "$work/round-$round.json" "${commands[@]}" > /dev/null
  printf '.'
done
echo
# Every run's time, one line per run: "<command number> <seconds>".
awk '
  /"command":/ { command++ }
  /"times":/ { in_times = 1; next }
  in_times && /\]/ { in_times = 0 }
  in_times { gsub(/[ ,]/, ""); print (command - 1) % count, $0 }
' count="${#commands[@]}" "$work"/round-*.json > "$work/times.txt"
median() {
  awk -v command="$1" '$1 == command { print $2 }' "$work/times.txt" | sort -g |
    awk '{ times[NR] = $1 } END { middle = (NR + 1) / 2; printf "%.3f", (times[int(middle)] + times[int(middle + 0.5)]) / 2 }'
}
echo "== median wall time over $((rounds * per_round)) runs of each (seconds), and tfcalc's ratios"
declare -A medians
header="| order |"
rule="|---|"
for tool in "${tools[@]}"; do
  header+=" $tool |"
  rule+="---|"
done
header+=" tfcalc / its sorted time |"
rule+="---|"
if [ "$have_peers" = 1 ]; then
  header+=" polars / tfcalc | DuckDB / tfcalc |"
  rule+="---|---|"
fi
echo "$header"
echo "$rule"
for order_number in "${!orders[@]}"; do
  order=${orders[$order_number]}
  for tool_number in "${!tools[@]}"; do
    medians[$order,${tools[$tool_number]}]=$(median $((order_number * ${#tools[@]} + tool_number)))
  done
  line="| $order |"
  for tool in "${tools[@]}"; do
    line+=" ${medians[$order,$tool]} |"
  done
  line+=$(awk -v ours="${medians[$order,tfcalc]}" -v sorted="${medians[${orders[0]},tfcalc]}" \
    'BEGIN { printf " %.2fx |", ours / sorted }')
  if [ "$have_peers" = 1 ]; then
    line+=$(awk -v ours="${medians[$order,tfcalc]}" -v polars="${medians[$order,polars]}" \
      -v duckdb="${medians[$order,duckdb]}" 'BEGIN { printf " %.1fx | %.1fx |", polars / ours, duckdb / ours }')
  fi
  echo "$line"
done
echo "(tfcalc / its sorted time is against the first order timed: ${orders[0]}.)"

echo "== peak memory (GNU time, one run of each, MB)"
peak() {
  /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1
}
header="| order |"
rule="|---|"
for tool in "${tools[@]}"; do
  header+=" $tool |"
  rule+="---|"
done
echo "$header"
echo "$rule"
for order in "${orders[@]}"; do
  line="| $order |"
  for tool in "${tools[@]}"; do
    # shellcheck disable=SC2046 # the command is words, split on purpose
    line+=" $(( $(peak $(command_of "$tool" "$order")) / 1024 )) |"
  done
  echo "$line"
done

if [ "$have_peers" = 1 ]; then
  echo "== agency totals against DuckDB (exact DECIMAL), to the penny, in every order"
  for order in "${orders[@]}"; do
    data=$(data_of "$order")
    $tfcalc agency "$data" --format json --quiet > "$work/tfcalc-agencies-$order.json"
    "$peers_python" - "$work/tfcalc-agencies-$order.json" > "$work/tfcalc-agencies-$order.txt" <<'PY'
import json, sys
for agency in json.load(open(sys.argv[1]))["studies"][0]["agencies"]:
    if agency["before"] is not None:
        print(agency["agency"] + "," + agency["benefit"])
PY
    sort -o "$work/tfcalc-agencies-$order.txt" "$work/tfcalc-agencies-$order.txt"
    "$peers_python" bench/peers/peer_duckdb.py "$data" "$work/duck-out-$order" | sort > "$work/duck-agencies-$order.txt"
    "$peers_python" - "$work/tfcalc-agencies-$order.txt" "$work/duck-agencies-$order.txt" "$order" <<'PY'
import sys
from decimal import Decimal
ours = dict(line.strip().split(",", 1) for line in open(sys.argv[1]) if line.strip())
theirs = dict(line.strip().split(",", 1) for line in open(sys.argv[2]) if line.strip())
order = sys.argv[3]
assert ours.keys() == theirs.keys(), (ours.keys(), theirs.keys())
for agency in sorted(ours):
    same = Decimal(ours[agency]) == Decimal(theirs[agency])
    if not same:
        print(f"{order}: {agency}: tfcalc {ours[agency]}, duckdb {theirs[agency]}, DIFFER")
    assert same, agency
print(f"{order}: all {len(ours)} agency totals agree to the penny")
PY
  done
  # The same figures in every order: the rows are the same.
  for order in "${orders[@]}"; do
    cmp -s "$work/tfcalc-agencies-${orders[0]}.txt" "$work/tfcalc-agencies-$order.txt" ||
      { echo "tfcalc's agency totals differ between ${orders[0]} and $order"; exit 1; }
  done
  echo "tfcalc's agency totals are the same in every order"
fi

if [ "${SCALING:-0}" = 1 ]; then
  # Shuffled, the order in which memory could most easily grow with the rows.
  data=$(data_of shuffled)
  if [ ! -f "$data/after.csv" ]; then
    target/release/examples/synth --families "$families" --order shuffled "$data"
  fi
  big="$work/nat-$families-shuffled-x10"
  if [ ! -f "$big/after.csv" ]; then
    echo "== generating 10x the rows for the same $families families, shuffled, in $big"
    target/release/examples/synth --families "$families" --rows-per-family 240 --order shuffled "$big"
  fi
  du -sh "$big"/*.csv
  echo "== scaling: 1x against 10x rows, shuffled"
  hyperfine --warmup 1 --runs 3 \
    "$tfcalc report $data --format csv --output $work/tfcalc-out/ --quiet" \
    "$tfcalc report $big --format csv --output $work/tfcalc-out-x10/ --quiet"
  echo "peak memory 1x: $(( $(peak $tfcalc report "$data" --format csv --output "$work/tfcalc-out/" --quiet) / 1024 )) MB"
  echo "peak memory 10x: $(( $(peak $tfcalc report "$big" --format csv --output "$work/tfcalc-out-x10/" --quiet) / 1024 )) MB"
fi
