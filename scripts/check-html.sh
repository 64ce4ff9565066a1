#!/usr/bin/env bash
# Renders the HTML reports of the shipped examples in a real browser (headless Chromium) and checks
# that the figures survive: in the DOM Chromium builds, and in the text of the A4 PDF it prints.
# Also makes the screenshot shown in the README (docs/report-screenshot.png).
#
#   sudo apt-get install chromium poppler-utils   # Debian packages: chromium, pdftotext, pdfinfo
#   scripts/check-html.sh                          # CHROMIUM=/path/to/chrome to use another browser
#
# Exits non-zero, naming the figure, if anything is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
if [ -z "$chromium" ]; then
  echo "check-html: no Chromium found; install the Debian package chromium (or set CHROMIUM)" >&2
  exit 2
fi
for tool in pdftotext pdfinfo; do
  command -v "$tool" >/dev/null || { echo "check-html: $tool not found; install poppler-utils" >&2; exit 2; }
done

cargo build --quiet --bin tfcalc
tfcalc=target/debug/tfcalc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Flags for a closed network and a root user: no sandbox, no background connections, a fresh profile.
browser() {
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --hide-scrollbars "$@" 2>>"$work/chromium.log"
}

failures=0
expect() { # expect FILE WHAT FIGURE...
  local file=$1 what=$2
  shift 2
  for figure in "$@"; do
    if ! grep -qF -- "$figure" "$file"; then
      echo "check-html: $what lacks $figure" >&2
      failures=$((failures + 1))
    fi
  done
}

check() { # check NAME FIGURES... -- STUDY...
  local name=$1
  shift
  local figures=()
  while [ "$1" != "--" ]; do figures+=("$1"); shift; done
  shift
  local page="$work/$name.html"
  "$tfcalc" report "$@" --quiet --output "$page"
  browser --dump-dom "file://$page" >"$work/$name.dom.html"
  expect "$work/$name.dom.html" "$name (DOM)" "${figures[@]}"
  browser --no-pdf-header-footer --print-to-pdf="$work/$name.pdf" "file://$page" >/dev/null
  pdftotext -layout "$work/$name.pdf" "$work/$name.txt"
  expect "$work/$name.txt" "$name (printed PDF)" "${figures[@]}"
  local size
  size=$(pdfinfo "$work/$name.pdf" | grep "Page size")
  case "$size" in
    *"(A4)"*) ;;
    *) echo "check-html: $name printed on $size, not A4" >&2; failures=$((failures + 1)) ;;
  esac
  echo "check-html: $name: $(pdfinfo "$work/$name.pdf" | awk '/^Pages/ {print $2}') A4 pages, every figure found"
}

check family-e "£42,999" "£43,002" "£6,208" "£4,600" "£32,191" "£32,194" "£6.19 : £1.00" \
  "Benefit by agency" "from costs before to net saving" "Return on investment by study" \
  "14 of 16 published figures" "Family E, Costs before (published): published £42,999" \
  -- examples/hertfordshire-family-e

# The summary opens the page, and a figure that differs is highlighted: its Result cell says
# DIFFERS in bold inside a red border, so that it shows on screen and in a black-and-white print.
# A copy of the page reports what the browser made of them (computed styles) into its own DOM.
highlight() { # highlight NAME EXPECTED_DIFFERS -- STUDY...
  local name=$1 expected=$2
  shift 3
  local page="$work/$name-highlight.html"
  "$tfcalc" report "$@" --quiet --output "$page"
  sed -i 's|</body>|<script>\
const cells = [...document.querySelectorAll("td.differs")];\
const first = cells[0];\
const style = first ? getComputedStyle(first) : null;\
const bold = first ? getComputedStyle(first.querySelector("strong")).fontWeight : "";\
const summary = document.querySelector("section.summary");\
const opens = summary \&\& summary.compareDocumentPosition(document.querySelector("table")) \& Node.DOCUMENT_POSITION_FOLLOWING;\
document.body.insertAdjacentHTML("beforeend", "<pre id=check>differs=" + cells.length\
  + " text=" + (first ? first.textContent : "") + " border=" + (style ? style.borderTopWidth + " " + style.borderTopStyle + " " + style.borderTopColor : "")\
  + " weight=" + bold + " summary-first=" + (opens ? "yes" : "no") + "</pre>");\
</script></body>|' "$page"
  browser --dump-dom "file://$page" >"$work/$name-highlight.dom.html"
  expect "$work/$name-highlight.dom.html" "$name (highlighting)" \
    "differs=$expected text=DIFFERS border=2px solid rgb(179, 38, 30) weight=700 summary-first=yes"
  echo "check-html: $name: summary first, $expected DIFFERS cells highlighted"
}
highlight family-e 3 -- examples/hertfordshire-family-e
check leicestershire "-£36,978" "£69,320" "£64,345" "£118,192" "£0.39 : £1.00" "£1.47 : £1.00" \
  "Benefit by agency" "Return on investment by study" \
  "10 of 10 published figures and items agree with the computed ones" \
  -- examples/leicestershire/year-2.toml examples/leicestershire/year-3.toml

# The README's picture: the top of the Leicestershire report, as a reader sees it.
"$tfcalc" report examples/leicestershire/year-2.toml examples/leicestershire/year-3.toml \
  --quiet --output "$work/screenshot.html"
browser --window-size=1000,1400 --screenshot="$work/screenshot.png" "file://$work/screenshot.html" >/dev/null
if [ "${UPDATE_SCREENSHOT:-1}" = 1 ]; then
  mkdir -p docs
  cp "$work/screenshot.png" docs/report-screenshot.png
  echo "check-html: wrote docs/report-screenshot.png"
fi

if [ "$failures" -gt 0 ]; then
  echo "check-html: $failures problems" >&2
  exit 1
fi
echo "check-html: ok"
