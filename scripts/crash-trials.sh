#!/bin/sh
# scripts/crash-trials.sh [TRIALS] [BUILD]: the long crash trial, as the
# nightly job meets it. Each trial changes the folder as an archive
# changes: two files added, one edited, one deleted, one renamed (every
# other run with --prune, a 1 MB budget so that flushes and tiered merges
# come often); every fifth trial kills `gazette optimize` instead. The run
# is first finished on a copy of the index, to know its outcome; then it is
# started on the index and SIGKILLed at a random moment. The index must
# then pass `gazette check` and answer a set of words exactly as before the
# run or exactly as the finished copy does. Each trial then finishes the
# run. Prints one line a trial and the totals. (The quick version, 20
# trials that add files, is a test in `make test`; test_nightly runs edits,
# deletes and merges to completion.) A failed trial prints what each
# search, the finished copy's run and `gazette check` said, with their exit
# status. The trials run a copy of BUILD's gazette, taken at the start: a
# rebuild of BUILD beside them (make test relinks build-test) would
# otherwise leave no program to run for a moment (exit 126, no answer).
set -eu
N=${1:-100}
B=${2:-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/src"
cp "$B/gazette" "$T/gazette"
G="$T/gazette"
[ -x "$G" ] || { echo "crash-trials: $B/gazette is not executable (being linked?); try again" >&2; exit 2; }
LAWS=$(ls sample/laws/*.md)
n_laws=$(echo "$LAWS" | wc -l)
# what the index $1 answers: each word's total (and the limit a partial
# answer met); what a search without a total said goes to the file $2
answers() {
    : >"$2"
    for w in 崩溃试验 改动试验 规定 电子签名; do
        rc=0
        out=$("$G" search --index "$1" --json -n 1 "$w" 2>"$T/err") || rc=$?
        total=$(echo "$out" | grep -o '"total":[0-9]*' || true)
        if [ -z "$total" ]; then
            echo none
            printf '  %s: exit %s, stderr: %s, stdout: %.200s\n' "$w" "$rc" "$(head -c 400 "$T/err")" "$out" >>"$2"
        else
            echo "$total$(echo "$out" | grep -o '"limit":"[a-z]*"' || true)"
        fi
    done | tr '\n' ' '
}
# the batch of trial t: its changes to the folder; prints the options
batch() {
    t=$1
    for k in 1 2; do
        f=$(echo "$LAWS" | sed -n "$(( (t + k) % n_laws + 1 ))p")
        { cat "$f"; printf '\n第九百条 崩溃试验第%s轮第%s份。\n' "$t" "$k"; } > "$T/src/trial-$t-$k.md"
    done
    if [ "$t" -gt 2 ]; then
        printf '\n第九百零一条 改动试验第%s轮。\n' "$t" >> "$T/src/trial-$((t - 1))-1.md"
        rm -f "$T/src/trial-$((t - 2))-2.md"
        [ -f "$T/src/trial-$((t - 2))-1.md" ] && mv "$T/src/trial-$((t - 2))-1.md" "$T/src/renamed-$((t - 2)).md"
    fi
    [ $((t % 2)) = 0 ] && echo "--prune" || echo ""
}
# how long a run takes here: the kills are spread over that
start=$(date +%s%N)
cp sample/laws/*.md "$T/src/"
"$G" index --index "$T/ix" --quiet "$T/src" 2>/dev/null
run_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$run_ms" -gt 0 ] || run_ms=1
failures=0 mid=0 merges=0
for t in $(seq "$N"); do
    if [ $((t % 5)) = 0 ]; then
        what=optimize
        "$G" index --index "$T/ix" --quiet --ram-mb 1 $(batch "$t") "$T/src" 2>/dev/null
        set -- optimize --index
    else
        what=index
        opts=$(batch "$t")
        set -- index --ram-mb 1 $opts "$T/src" --index
    fi
    before=$(answers "$T/ix" "$T/why-before")
    rm -rf "$T/copy"
    cp -r "$T/ix" "$T/copy"
    copy_rc=0
    "$G" "$@" "$T/copy" >"$T/log" 2>&1 || copy_rc=$?
    grep -q ' [1-9][0-9]* merged;' "$T/log" && merges=$((merges + 1))
    after=$(answers "$T/copy" "$T/why-after")
    "$G" "$@" "$T/ix" >/dev/null 2>&1 &
    pid=$!
    delay=$(awk -v r="$(od -An -N2 -tu2 /dev/urandom)" -v ms="$run_ms" 'BEGIN{printf "%.3f", (r % (ms + 1)) / 1000}')
    sleep "$delay"
    if kill -9 "$pid" 2>/dev/null; then mid=$((mid + 1)); fi
    wait "$pid" 2>/dev/null || true
    now=$(answers "$T/ix" "$T/why-now")
    ok=1 check_rc=0
    "$G" check --index "$T/ix" >"$T/check" 2>&1 || check_rc=$?
    [ $check_rc = 0 ] || ok=0
    [ "$now" = "$before" ] || [ "$now" = "$after" ] || ok=0
    [ $ok = 1 ] || failures=$((failures + 1))
    echo "trial $t ($what): killed after ${delay}s; before [$before] after [$after] now [$now]; $( [ $ok = 1 ] && echo ok || echo FAILED)"
    if [ $ok = 0 ]; then
        for s in before after now; do
            [ -s "$T/why-$s" ] && { echo " searches $s:"; cat "$T/why-$s"; }
        done
        echo " the finished copy's run: exit $copy_rc: $(tail -n 3 "$T/log")"
        echo " check of the killed index: exit $check_rc: $(tail -n 5 "$T/check")"
    fi
    "$G" "$@" "$T/ix" >/dev/null 2>&1 || true
done
echo "crash trials: $N runs, $mid killed while running, $merges with a tiered merge, $failures failures"
[ "$failures" = 0 ]
