#!/bin/sh
# scripts/demo.sh BUILD: the demo on the sample shipped in sample/: parses
# the seed bulletin and the laws and prints their structure.
set -eu
B=${1:-build}
echo "== the seed bulletin, as Gazette structures it"
"$B/gazette" parse sample/seed
echo
echo "== the sample laws (article counts)"
for f in sample/laws/*.md; do
    n=$("$B/gazette" parse --json "$f" 2>/dev/null | grep -o '"kind":"article"' | wc -l)
    printf '%6d articles  %s\n' "$n" "$f"
done
