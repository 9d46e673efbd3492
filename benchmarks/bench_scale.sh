#!/bin/sh
# benchmarks/bench_scale.sh BUILD [COPIES...]: how Gazette grows with the
# archive. Builds indexes of 1, 4 and 16 copies of the laws corpus (or the
# counts given); copy k has every year shifted by k (2019年 -> 2019+k年,
# (2019-04-23) -> (2019+k-04-23)) and drops one article line in 7 + k, so
# that copies are not identical (their scores do not all tie and their
# vocabulary grows a little). For each size it prints the build's seconds
# per MB, its peak RSS, the index's size per MB of source, an optimize's
# peak RSS, and bench_query's top-10 p50/p99 by class, then each as a ratio
# to the first size. The same machine, the same run: the ratios are the
# figures. Takes minutes (16 copies are about 1 GB); `make bench` runs it,
# CI does not. Needs perl and GNU time (/usr/bin/time).
set -eu
B=${1:-build}
shift || true
SIZES=${*:-1 4 16}
C=${GAZETTE_CORPUS:-../shared/corpus}
[ -d "$C/laws" ] || { echo "bench_scale: no laws corpus at $C (set GAZETTE_CORPUS)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench_scale: needs /usr/bin/time (Debian package time)" >&2; exit 2; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
max=0
for n in $SIZES; do [ "$n" -gt "$max" ] && max=$n; done
# the copies, made once
k=0
while [ "$k" -lt "$max" ]; do
    mkdir -p "$T/copies/$k"
    if [ "$k" = 0 ]; then
        cp -r "$C/laws/." "$T/copies/0/"
    else
        (cd "$C/laws" && find . -type f -name '*.md') | while read -r f; do
            mkdir -p "$T/copies/$k/$(dirname "$f")"
            perl -ne "s/(\\d{4})(年|-\\d\\d-)/(\$1+$k).\$2/ge; print unless /^第[一二三四五六七八九十百千零〇]+条/ && \$. % (7 + $k) == 0" \
                "$C/laws/$f" > "$T/copies/$k/$f"
        done
    fi
    k=$((k + 1))
done
rss_kb() { awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$1"; }
wall_s() { awk '/Elapsed \(wall clock\)/ {n = split($NF, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s}' "$1"; }
printf 'copies\tsource_MB\tbuild_s_per_MB\tbuild_peak_MB\tindex_x_raw\toptimize_peak_MB'
for c in word and2 phrase question article; do printf '\t%s_p50_ms\t%s_p99_ms' "$c" "$c"; done
printf '\n'
first=""
for n in $SIZES; do
    rm -rf "$T/ix"
    set --
    k=0
    while [ "$k" -lt "$n" ]; do set -- "$@" "$T/copies/$k"; k=$((k + 1)); done
    /usr/bin/time -v "$B/gazette" index --index "$T/ix" --quiet "$@" 2> "$T/time.txt" >/dev/null || true
    mb=$(du -sm --apparent-size "$T/copies" | awk '{print $1}')
    mb=$(awk -v all="$mb" -v n="$n" -v max="$max" 'BEGIN {printf "%.1f", all * n / max}')
    build=$(wall_s "$T/time.txt")
    peak=$(( $(rss_kb "$T/time.txt") / 1024 ))
    ixmb=$(du -sm --apparent-size "$T/ix" | awk '{print $1}')
    q=$("$B/bench_query" --index "$T/ix" --n 200 --pruned-only 2>/dev/null |
        awk -F'\t' '!/^#/ && $1 != "class" {printf "\t%s\t%s", $2, $3}')
    cp -r "$T/ix" "$T/ix-opt"
    /usr/bin/time -v "$B/gazette" optimize --index "$T/ix-opt" 2> "$T/time.txt" >/dev/null || true
    opeak=$(( $(rss_kb "$T/time.txt") / 1024 ))
    rm -rf "$T/ix-opt"
    line=$(awk -v n="$n" -v mb="$mb" -v b="$build" -v p="$peak" -v ix="$ixmb" -v o="$opeak" \
        'BEGIN {printf "%d\t%s\t%.3f\t%d\t%.3f\t%d", n, mb, b / mb, p, ix / mb, o}')
    echo "$line$q"
    [ -n "$first" ] || first="$line$q"
    last="$line$q"
done
# ratios of the last size to the first
echo "$first" | awk -F'\t' -v last="$last" 'BEGIN {OFS = "\t"} {
    n = split(last, l, "\t");
    printf "ratio %s/%s", l[1], $1;
    for (i = 2; i <= n; i++) printf "\t%.2f", ($i > 0 ? l[i] / $i : 0);
    printf "\n"
}'
