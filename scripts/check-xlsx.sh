#!/usr/bin/env bash
# Opens tfcalc's workbooks in the programs people use: LibreOffice (headless, Debian's
# libreoffice-calc-nogui) and openpyxl (what pandas reads .xlsx with). The workbooks are the
# shipped Family E report, and a study whose family ids hold a terminal escape sequence, a bidi
# override, characters Excel forbids in sheet names, and ids that differ only in case.
#
#   sudo apt-get install libreoffice-calc-nogui && pip install openpyxl
#   scripts/check-xlsx.sh
#
# Exits non-zero, naming the workbook and sheet, if a program refuses a workbook or a figure is
# missing from what it read.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v soffice >/dev/null || { echo "check-xlsx: soffice not found; install libreoffice-calc-nogui" >&2; exit 2; }
python3 -c "import openpyxl" 2>/dev/null || { echo "check-xlsx: openpyxl not found; pip install openpyxl" >&2; exit 2; }

cargo build --quiet --bin tfcalc
tfcalc=$PWD/target/debug/tfcalc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

header='family_id,service,quantity'
printf '%s\n\033[2JE\342\200\256,police_hour,3\nA/B:[x]*?,police_hour,1\nA_B,police_hour,2\na,arrest,1\nA,arrest,2\n' "$header" >"$work/before.csv"
printf '%s\n\033[2JE\342\200\256,police_hour,1\nA,arrest,1\n' "$header" >"$work/after.csv"

"$tfcalc" --quiet report examples/hertfordshire-family-e --output "$work/family-e.xlsx"
"$tfcalc" --quiet family --before "$work/before.csv" --after "$work/after.csv" --output "$work/hostile.xlsx"
"$tfcalc" --quiet report --before "$work/before.csv" --after "$work/after.csv" --output "$work/hostile-report.xlsx"

failures=0
for book in family-e hostile hostile-report; do
  # Every sheet to its own CSV (the filter option's last field, -1, asks for all sheets).
  mkdir -p "$work/$book"
  # As many CSVs as the workbook has sheets. Each conversion has a profile of its own: a soffice
  # still closing under a shared profile takes the next request and returns before writing it
  # (seen once: a workbook read with sheets missing). A short conversion is tried again, and said.
  sheets_in_book=$(python3 -c "import sys, openpyxl; print(len(openpyxl.load_workbook(sys.argv[1]).sheetnames))" "$work/$book.xlsx" 2>/dev/null || echo 0)
  converted=0
  for attempt in 1 2; do
    rm -f "$work/$book"/*.csv
    timeout 180 soffice --headless -env:UserInstallation=file://"$work/lo-profile-$book-$attempt" \
      --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1' \
      --outdir "$work/$book" "$work/$book.xlsx" >"$work/$book.log" 2>&1 || true
    converted=$(find "$work/$book" -name '*.csv' | wc -l)
    [ "$converted" -gt 0 ] && [ "$converted" -ge "$sheets_in_book" ] && break
    echo "check-xlsx: LibreOffice wrote $converted of $sheets_in_book sheets of $book.xlsx (attempt $attempt)" >&2
  done
  if [ "$converted" -eq 0 ] || [ "$converted" -lt "$sheets_in_book" ]; then
    echo "check-xlsx: LibreOffice could not open $book.xlsx whole:" >&2
    cat "$work/$book.log" >&2
    failures=$((failures + 1))
    continue
  fi
  python3 - "$work/$book.xlsx" <<'PY' || failures=$((failures + 1))
import sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1])
for sheet in book.worksheets:
    for row in sheet.iter_rows(values_only=True):
        for value in row:
            if isinstance(value, str) and any(ord(c) < 32 and c not in "\t\n" for c in value):
                sys.exit(f"check-xlsx: {sys.argv[1]}, sheet {sheet.title!r}: raw control character in {value!r}")
PY
done

expect() { # expect FILE... -- FIGURE
  local figure=${*: -1}
  # grep reads the files itself: `cat … | grep -q` under pipefail fails whenever grep finds the
  # figure before cat has written everything (cat dies of SIGPIPE), which read as "lacks" now and
  # then, more often the more sheets there were.
  if ! grep -qF -- "$figure" "${@:1:$#-1}"; then
    echo "check-xlsx: LibreOffice's reading of $1 lacks $figure" >&2
    failures=$((failures + 1))
  fi
}
# Family E's published figures, as LibreOffice reads the report.
expect "$work"/family-e/*.csv "43002"
expect "$work"/family-e/*.csv "32191"
expect "$work"/family-e/*.csv "6208"
# The hostile ids, shown escaped: `family` writes every statement in one sheet, with a Family
# column; `report` writes a sheet for each, with names Excel allows.
expect "$work"/hostile/*.csv '\x1b[2JE\u{202e}'
expect "$work"/hostile/*.csv 'A/B:[x]*?'
sheets=$(ls "$work"/hostile/*.csv | wc -l)
if [ "$sheets" -ne 1 ]; then
  echo "check-xlsx: hostile.xlsx has $sheets sheets as LibreOffice reads it, not 1 (Statements)" >&2
  failures=$((failures + 1))
fi
expect "$work"/hostile-report/*.csv 'A/B:[x]*?'
statement_sheets=$(ls "$work"/hostile-report/*Statement*.csv | wc -l)
if [ "$statement_sheets" -ne 5 ]; then
  echo "check-xlsx: hostile-report.xlsx has $statement_sheets statement sheets as LibreOffice reads it, not 5" >&2
  failures=$((failures + 1))
fi

if [ "$failures" -gt 0 ]; then
  echo "check-xlsx: $failures problem(s)" >&2
  exit 1
fi
echo "check-xlsx: LibreOffice and openpyxl open every workbook, and the figures are there"
