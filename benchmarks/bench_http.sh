#!/bin/sh
# benchmarks/bench_http.sh GAZETTE [CORPUS_DIR] [SECONDS]: a bounded wrk run
# on loopback against `gazette serve`: requests/s and latency p50/p99 of
# search requests, beside the embedded stylesheet on the same server in the
# same run (the baseline: HTTP and the thread pool without a search), and
# the server's RSS before and after. Prints tab-separated lines.
set -eu
G=$1 CORPUS=${2:-sample} SECS=${3:-10}
command -v wrk >/dev/null || { echo "bench_http: wrk is not installed (apt-get install wrk)"; exit 0; }
T=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$T"' EXIT
"$G" index --index "$T/ix" --quiet "$CORPUS" >/dev/null 2>&1 || true
"$G" serve --index "$T/ix" --port 0 --threads 4 > "$T/serve.log" 2>&1 &
SERVER=$!
for i in $(seq 50); do grep -q 'http://' "$T/serve.log" && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$T/serve.log" | head -1)
rss() { awk '/VmRSS/ {print $2}' "/proc/$SERVER/status"; }
curl -s "$URL/api/search?q=%E4%BC%81%E4%B8%9A" >/dev/null 2>&1 || true   # warm
RSS0=$(rss)
run() { # name path
    wrk -t2 -c16 -d"${SECS}s" --latency "$URL$2" > "$T/$1.out" 2>&1
    RPS=$(awk '/Requests\/sec/ {print $2}' "$T/$1.out")
    P50=$(awk '$1=="50%" {print $2}' "$T/$1.out")
    P99=$(awk '$1=="99%" {print $2}' "$T/$1.out")
    ERR=$(awk '/Non-2xx|Socket errors/ {print}' "$T/$1.out" | tr '\n' ' ')
    echo "$1	$RPS	$P50	$P99	${ERR:-no errors}"
    eval "RPS_$1=$RPS"
}
echo "# corpus $CORPUS, ${SECS}s per case, 2 threads, 16 connections, loopback"
echo "case	req/s	p50	p99	errors"
run static /static/app.css
run word "/api/search?q=%E4%BC%81%E4%B8%9A&n=10"                                  # 企业
run and2 "/api/search?q=%E8%81%8C%E5%B7%A5%20%E4%BB%A3%E8%A1%A8&n=10"             # 职工 代表
run page "/?q=%E8%81%8C%E5%B7%A5%E4%BB%A3%E8%A1%A8%E5%A4%A7%E4%BC%9A"              # 职工代表大会, HTML
RSS1=$(rss)
echo "ratio	word/static $(awk "BEGIN{printf \"%.3f\", $RPS_word/$RPS_static}")	and2/static $(awk "BEGIN{printf \"%.3f\", $RPS_and2/$RPS_static}")	page/static $(awk "BEGIN{printf \"%.3f\", $RPS_page/$RPS_static}")"
echo "rss_kb	before $RSS0	after $RSS1"
