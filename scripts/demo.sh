#!/bin/sh
# scripts/demo.sh BUILD: the demo on the sample shipped in sample/ (the seed
# bulletin and six laws): index it, show a search, then serve the web page.
# PORT (default 8080) and BIND (default 127.0.0.1) may be set.
set -eu
B=${1:-build}
IX=${GAZETTE_INDEX:-demo-index}
PORT=${PORT:-8080}
BIND=${BIND:-127.0.0.1}
# a demo index an older analyzer built cannot be searched: start it again
if [ -d "$IX" ] && ! "$B/gazette" search --index "$IX" -n 1 x >/dev/null 2>&1; then
    echo "== $IX was built by another version: rebuilding it"
    rm -rf "$IX"
fi
echo "== indexing sample/ into $IX"
"$B/gazette" index --index "$IX" --quiet sample || true
"$B/gazette" stats --index "$IX" | head -5
echo
echo "== gazette search 职工代表大会"
"$B/gazette" search --index "$IX" -n 2 职工代表大会
echo
echo "== gazette article 《伊金霍洛旗属国有企业领导人员管理办法》第四十六条"
"$B/gazette" article --index "$IX" '《伊金霍洛旗属国有企业领导人员管理办法》第四十六条' | head -4
echo
echo "== the web page: open http://$BIND:$PORT/ (Ctrl-C stops)"
exec "$B/gazette" serve --index "$IX" --port "$PORT" --bind "$BIND"
