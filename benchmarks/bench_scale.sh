#!/bin/sh
# benchmarks/bench_scale.sh BUILD [COPIES...]: how Gazette grows with the
# archive. Builds indexes of 1, 4 and 16 copies of the laws corpus (or the
# counts given); copy k has every year shifted by k (2019年 -> 2019+k年,
# (2019-04-23) -> (2019+k-04-23)) and drops one article line in 7 + k, so
# that copies are not identical (their scores do not all tie and their
# vocabulary grows a little). For each size it prints the build's seconds
# per MB, its peak RSS, the index's size per MB of source, an optimize's
# peak RSS, the resident memory of `gazette serve` on the index idle and
# after 1,000 requests (benchmarks/serve_rss.py: anonymous, what it holds;
# file-backed, the index's pages), and bench_query's top-10 p50/p99 by
# class, then each as a ratio to the first size. The same machine, the same
# run: the ratios are the figures. Write amplification: the bytes a build
# (or an optimize) wrote, GNU time's file system outputs x 512, over the
# final index's bytes: a build without merges writes its index once (about
# 1.0); the rest is what merges wrote. Takes minutes (16 copies are about
# 1 GB); `make bench` runs it, CI does not. Needs perl and GNU time (/usr/bin/time). The copies are
# made in a temporary directory, or kept in $BENCH_SCALE_COPIES and reused
# from there when it holds them (so that two builds compare on one set).
# With BENCH_SCALE_XAPIAN=1 (and bench_xapian built), Xapian with CJK
# n-grams indexes the same units and answers the same queries at each size
# (bench_query --export), as a peer's growth beside Gazette's: a second
# table of its build seconds per MB of units and its top-10 p50 by class.
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
# the copies, made once (a copy is complete when its .done exists)
CP=${BENCH_SCALE_COPIES:-$T/copies}
k=0
while [ "$k" -lt "$max" ]; do
    if [ ! -e "$CP/$k.done" ]; then
        rm -rf "$CP/$k"
        mkdir -p "$CP/$k"
        if [ "$k" = 0 ]; then
            cp -r "$C/laws/." "$CP/0/"
        else
            # one perl for the whole copy (bytes, not characters: the
            # class below matches the numerals' bytes); $n: the line number
            (cd "$C/laws" && find . -type f -name '*.md') | perl -e '
                use File::Path qw(make_path);
                my ($k, $from, $to) = @ARGV;
                while (my $f = <STDIN>) {
                    chomp $f;
                    (my $d = "$to/$f") =~ s{/[^/]*$}{};
                    make_path($d);
                    open(my $in, "<", "$from/$f") or die "$from/$f: $!";
                    open(my $out, ">", "$to/$f") or die "$to/$f: $!";
                    my $n = 0;
                    while (<$in>) {
                        $n++;
                        s/(\d{4})(年|-\d\d-)/($1+$k).$2/ge;
                        print $out $_ unless /^第[一二三四五六七八九十百千零〇]+条/ && $n % (7 + $k) == 0;
                    }
                    close $out or die "$to/$f: $!";
                }' "$k" "$C/laws" "$CP/$k"
        fi
        touch "$CP/$k.done"
    fi
    k=$((k + 1))
done
rss_kb() { awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$1"; }
out_mb() { awk -F: '/File system outputs/ {gsub(/ /, "", $2); printf "%.1f", $2 * 512 / 1048576}' "$1"; }
wall_s() { awk '/Elapsed \(wall clock\)/ {n = split($NF, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s}' "$1"; }
first=""
for n in $SIZES; do
    rm -rf "$T/ix"
    set --
    k=0
    while [ "$k" -lt "$n" ]; do set -- "$@" "$CP/$k"; k=$((k + 1)); done
    /usr/bin/time -v "$B/gazette" index --index "$T/ix" --quiet "$@" 2> "$T/time.txt" >/dev/null || true
    mb=0
    k=0
    while [ "$k" -lt "$n" ]; do
        mb=$(du -sm --apparent-size "$CP/$k" | awk -v t="$mb" '{print t + $1}')
        k=$((k + 1))
    done
    build=$(wall_s "$T/time.txt")
    peak=$(( $(rss_kb "$T/time.txt") / 1024 ))
    wrote=$(out_mb "$T/time.txt")
    ixmb=$(du -sm --apparent-size "$T/ix" | awk '{print $1}')
    xp=""
    if [ -n "${BENCH_SCALE_XAPIAN:-}" ] && [ -x "$B/bench_xapian" ]; then
        rm -rf "$T/xp" && mkdir -p "$T/xp"
        xp="--export $T/xp"
    fi
    # shellcheck disable=SC2086
    "$B/bench_query" --index "$T/ix" --n 200 --pruned-only $xp > "$T/q.txt" 2>/dev/null || true
    if [ -n "$xp" ]; then
        "$B/bench_xapian" "$T/xp/units.txt" "$T/xp/queries.tsv" "$T/xp/db" > "$T/xq.txt" 2>/dev/null || true
        umb=$(du -sm --apparent-size "$T/xp/units.txt" | awk '{print $1}')
        xline=$(awk -F'\t' -v n="$n" -v mb="$umb" 'NF >= 12 {printf "%d\t%s\t%.3f\t%s\t%s\t%s\t%s\t%s", n, mb, $1 / mb, $3, $5, $7, $9, $11}' "$T/xq.txt")
        [ -n "${xfirst:-}" ] || xfirst=$xline
        xlast=$xline
        xall="${xall:-}$xline
"
        rm -rf "$T/xp"
    fi
    q=$(awk -F'\t' '!/^#/ && $1 != "class" {printf "\t%s\t%s", $2, $3}' "$T/q.txt")
    # gazette serve: anonymous and file-backed RSS idle, then after 1,000 requests
    srv=$(python3 "$(dirname "$0")/serve_rss.py" "$B/gazette" "$T/ix" 1000 2>/dev/null || printf '0\t0\t0\t0')
    if [ -z "$first" ]; then
        # the header, with bench_query's classes
        printf 'copies\tsource_MB\tbuild_s_per_MB\tbuild_peak_MB\tindex_x_raw\tbuild_write_x\toptimize_peak_MB\toptimize_write_x'
        printf '\tserve_idle_anon_MB\tserve_idle_file_MB\tserve_1000q_anon_MB\tserve_1000q_file_MB'
        awk -F'\t' '!/^#/ && $1 != "class" {printf "\t%s_p50_ms\t%s_p99_ms", $1, $1}' "$T/q.txt"
        printf '\n'
    fi
    cp -r "$T/ix" "$T/ix-opt"
    /usr/bin/time -v "$B/gazette" optimize --index "$T/ix-opt" 2> "$T/time.txt" >/dev/null || true
    opeak=$(( $(rss_kb "$T/time.txt") / 1024 ))
    owrote=$(out_mb "$T/time.txt")
    oxmb=$(du -sm --apparent-size "$T/ix-opt" | awk '{print $1}')
    rm -rf "$T/ix-opt"
    line=$(awk -v n="$n" -v mb="$mb" -v b="$build" -v p="$peak" -v ix="$ixmb" -v o="$opeak" \
        -v w="$wrote" -v ow="$owrote" -v ox="$oxmb" \
        'BEGIN {printf "%d\t%s\t%.3f\t%d\t%.3f\t%.2f\t%d\t%.2f", n, mb, b / mb, p, ix / mb, w / ix, o, ow / ox}')
    echo "$line	$srv$q"
    [ -n "$first" ] || first="$line	$srv$q"
    last="$line	$srv$q"
done
# ratios of the last size to the first
echo "$first" | awk -F'\t' -v last="$last" 'BEGIN {OFS = "\t"} {
    n = split(last, l, "\t");
    printf "ratio %s/%s", l[1], $1;
    for (i = 2; i <= n; i++) printf "\t%.2f", ($i > 0 ? l[i] / $i : 0);
    printf "\n"
}'
if [ -n "${xfirst:-}" ]; then
    echo "# xapian_cjk_ngram on the same units and queries"
    printf 'copies\tunits_MB\tbuild_s_per_MB\tword_p50_ms\tand2_p50_ms\tphrase_p50_ms\tquestion_p50_ms\tarticle_p50_ms\n'
    printf '%s' "$xall"
    echo "$xfirst" | awk -F'\t' -v last="$xlast" '{
        n = split(last, l, "\t");
        printf "ratio %s/%s", l[1], $1;
        for (i = 2; i <= n; i++) printf "\t%.2f", ($i > 0 ? l[i] / $i : 0);
        printf "\n"
    }'
fi
