#!/bin/sh
# scripts/bench.sh BUILD: every benchmark, on the laws corpus
# (GAZETTE_CORPUS, default ../shared/corpus) or, without it, on sample/.
# Each prints its figures beside a baseline measured in the same run.
set -eu
B=${1:-build}
C=${GAZETTE_CORPUS:-../shared/corpus}
if [ -d "$C/laws" ]; then T="$C/laws"; else
    echo "bench: no corpus at $C; measuring sample/ instead" >&2
    T=sample
fi
IX=$(mktemp -d)
trap 'rm -rf "$IX"' EXIT
echo "== parse";    "$B/bench_parse" --corpus "$T"
echo "== segment";  "$B/bench_segment" --corpus "$T"
echo "== analyze";  "$B/bench_analyze" --corpus "$T"
echo "== index";    "$B/bench_index" --corpus "$T" --keep "$IX/ix"
echo "== query";    "$B/bench_query" --index "$IX/ix" --n 200
echo "== http";     sh benchmarks/bench_http.sh "$B/gazette" "$T" 10
if [ "$T" != sample ]; then
    echo "== scale (1, 4, 16 copies of the laws; minutes)"
    sh benchmarks/bench_scale.sh "$B" 1 4 16
fi
if [ -x "$B/bench_engines" ]; then
    echo "== engines (Gazette beside SQLite FTS5, same units, same run)"
    OUT=$(mktemp)
    "$B/bench_engines" --corpus "$T" --n 100 | tee "$OUT"
    {
        echo
        echo "### Engines, $(date -u +%Y-%m-%d) (\`make bench\`: \`$B/bench_engines --corpus $T --n 100\`)"
        echo
        echo '```'
        cat "$OUT"
        echo '```'
    } >> docs/benchmarks.md
    rm -f "$OUT"
fi
