#!/bin/sh
# scripts/crash-trials.sh [TRIALS] [BUILD]: the long crash trial. A corpus
# grows by two law files a trial; `gazette index` is started and SIGKILLed
# at a random moment of its run; then the index must pass `gazette check`
# and hold exactly the files of the last commit before the run, or all of
# them. Each trial then finishes the run. Prints one line a trial and the
# totals. (The quick version, 20 trials, is a test in `make test`.)
set -eu
N=${1:-100}
B=${2:-build}
G="$B/gazette"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/src"
LAWS=$(ls sample/laws/*.md)
n_laws=$(echo "$LAWS" | wc -l)
sources() { "$G" stats --index "$T/ix" 2>/dev/null | awk '/^sources/ {print $2}'; }
# how long a run takes here: the kills are spread over that
start=$(date +%s%N)
cp sample/laws/*.md "$T/src/"
"$G" index --index "$T/ix" --quiet "$T/src" 2>/dev/null
run_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$run_ms" -gt 0 ] || run_ms=1
failures=0 mid=0
for t in $(seq "$N"); do
    for k in 1 2; do
        f=$(echo "$LAWS" | sed -n "$(( (t + k) % n_laws + 1 ))p")
        { cat "$f"; printf '\n第九百条 崩溃试验第%s轮第%s份。\n' "$t" "$k"; } > "$T/src/trial-$t-$k.md"
    done
    total=$(ls "$T/src" | wc -l)
    before=$(sources)
    "$G" index --index "$T/ix" --quiet "$T/src" 2>/dev/null &
    pid=$!
    delay=$(awk -v r="$(od -An -N2 -tu2 /dev/urandom)" -v ms="$run_ms" 'BEGIN{printf "%.3f", (r % (ms + 1)) / 1000}')
    sleep "$delay"
    if kill -9 "$pid" 2>/dev/null; then mid=$((mid + 1)); fi
    wait "$pid" 2>/dev/null || true
    after=$(sources)
    ok=1
    "$G" check --index "$T/ix" >/dev/null 2>&1 || ok=0
    [ "$after" = "$before" ] || [ "$after" = "$total" ] || ok=0
    [ $ok = 1 ] || failures=$((failures + 1))
    echo "trial $t: killed after ${delay}s; sources before $before, after $after, all $total; $( [ $ok = 1 ] && echo ok || echo FAILED)"
    "$G" index --index "$T/ix" --quiet "$T/src" 2>/dev/null
done
echo "crash trials: $N runs, $mid killed while running, $failures failures"
[ "$failures" = 0 ]
