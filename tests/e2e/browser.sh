#!/bin/sh
# tests/e2e/browser.sh GAZETTE SAMPLE OUTDIR: end to end in headless
# Chromium: index the seed, serve it, load the search page for 职工代表大会,
# find the highlighted article, open the document at 第四十四条 by the
# result's link, follow its file line to the original, and save screenshots
# (390 and 412 px phones, 1280 px desktop) in OUTDIR. The page works
# without JavaScript, so following its links is what a person's clicks do.
set -eu
G=$1 SAMPLE=$2 OUT=$3
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
    echo "SKIP e2e_browser: no chromium (scripts/install-deps.sh --browser installs it)"
    exit 0
fi
T=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$T"' EXIT
"$G" index --index "$T/ix" --quiet "$SAMPLE/seed"
"$G" serve --index "$T/ix" --port 0 > "$T/serve.log" 2>&1 &
SERVER=$!
for i in $(seq 50); do grep -q 'http://' "$T/serve.log" && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$T/serve.log" | head -1)
[ -n "$URL" ] || { echo "FAIL: server did not start"; cat "$T/serve.log"; exit 1; }
chrome() {
    "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$T/profile" "$@" 2>/dev/null
}
Q='%E8%81%8C%E5%B7%A5%E4%BB%A3%E8%A1%A8%E5%A4%A7%E4%BC%9A'   # 职工代表大会
chrome --dump-dom "$URL/?q=$Q" > "$T/search.html"
grep -q '<mark>职工代表大会</mark>' "$T/search.html" || { echo "FAIL: no highlight in the results"; exit 1; }
grep -q '第四十四条' "$T/search.html" || { echo "FAIL: 第四十四条 not in the results"; exit 1; }
chrome --window-size=412,900 --screenshot="$OUT/e2e-search.png" "$URL/?q=$Q" >/dev/null
# a phone (390 px) and a desktop (1280 px): the filters fold under 筛选
grep -q '<details class="filters fold"><summary>筛选</summary>' "$T/search.html" ||
    { echo "FAIL: the filters are not folded under 筛选"; exit 1; }
chrome --window-size=390,844 --screenshot="$OUT/e2e-search-390.png" "$URL/?q=$Q" >/dev/null
chrome --window-size=1280,900 --screenshot="$OUT/e2e-search-1280.png" "$URL/?q=$Q" >/dev/null
# the hit's file line opens the original file, served as text
SRC=$(grep -o 'class="src"><a href="/source/[^"]*"' "$T/search.html" | head -1 | sed 's/.*href="//; s/"$//')
[ -n "$SRC" ] || { echo "FAIL: no link to the original file"; exit 1; }
chrome --dump-dom "$URL$SRC" > "$T/source.html"
grep -q '伊金霍洛旗人民政府公报' "$T/source.html" || { echo "FAIL: $SRC is not the seed file"; exit 1; }
# the first result's link: the document, opened at its unit
HREF=$(grep -o 'href="/doc/[^"]*"' "$T/search.html" | head -1 | sed 's/^href="//; s/"$//; s/&amp;/\&/g')
[ -n "$HREF" ] || { echo "FAIL: no document link"; exit 1; }
chrome --dump-dom "$URL$HREF" > "$T/doc.html"
grep -o 'class="unit article hit">[^<]*' "$T/doc.html" | grep -q '^class="unit article hit">第四十四条' ||
    { echo "FAIL: the document does not open at 第四十四条"; exit 1; }
ANCHOR=${HREF#*#}
grep -q "id=\"$ANCHOR\"" "$T/doc.html" || { echo "FAIL: no anchor $ANCHOR"; exit 1; }
grep -q 'class="focus"' "$T/doc.html" || { echo "FAIL: the unit is not shown first"; exit 1; }
grep -q '<details class="toc fold"><summary>目录</summary>' "$T/doc.html" ||
    { echo "FAIL: no table of contents in the regulation's page"; exit 1; }
# (headless screenshots of a scrolled fragment come out blank: shoot the page
# without it; the unit asked for is shown first anyway)
chrome --window-size=412,900 --screenshot="$OUT/e2e-doc.png" "$URL${HREF%%#*}" >/dev/null
chrome --window-size=1280,900 --screenshot="$OUT/e2e-doc-1280.png" "$URL${HREF%%#*}" >/dev/null
for f in e2e-search e2e-search-390 e2e-search-1280 e2e-doc e2e-doc-1280; do
    [ -s "$OUT/$f.png" ] || { echo "FAIL: no screenshot $f.png"; exit 1; }
done
echo "e2e: search page highlighted 职工代表大会, filters under 筛选, original file at $SRC," \
    "document opened at 第四十四条 ($HREF) with its 目录; screenshots in $OUT"
