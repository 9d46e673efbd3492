#!/bin/sh
# scripts/bench.sh BUILD: runs the benchmarks on the laws corpus
# (GAZETTE_CORPUS, default ../shared/corpus) or, without it, on sample/.
set -eu
B=${1:-build}
C=${GAZETTE_CORPUS:-../shared/corpus}
if [ -d "$C/laws" ]; then T="$C/laws"; else
    echo "bench: no corpus at $C; measuring sample/ instead" >&2
    T=sample
fi
"$B/bench_parse" --corpus "$T"
