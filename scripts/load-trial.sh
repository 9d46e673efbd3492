#!/bin/sh
# scripts/load-trial.sh [SECONDS] [CONNECTIONS] [BUILD] [CORPUS]: the server
# under load. A bounded wrk run on loopback (default 60 s, 64 connections)
# rotates search queries while, half way, a reindex commits a new file; the
# server must answer every request (no socket errors, no non-2xx) and its
# RSS stay flat; the new file must be found afterwards without a restart.
set -eu
SECS=${1:-60} CONN=${2:-64} B=${3:-build} CORPUS=${4:-sample}
G="$B/gazette"
command -v wrk >/dev/null || { echo "load-trial: wrk is not installed (apt-get install wrk)"; exit 1; }
T=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$T"' EXIT
"$G" index --index "$T/ix" --quiet "$CORPUS"
"$G" serve --index "$T/ix" --port 0 --threads 4 > "$T/serve.log" 2>&1 &
SERVER=$!
for i in $(seq 50); do grep -q 'http://' "$T/serve.log" && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$T/serve.log" | head -1)
cat > "$T/rotate.lua" <<'LUA'
local qs = {"%E4%BC%81%E4%B8%9A", "%E8%81%8C%E5%B7%A5%E4%BB%A3%E8%A1%A8%E5%A4%A7%E4%BC%9A",
            "%E4%BD%8F%E5%AE%85%20%E7%94%A8%E5%9C%B0", "%E7%AC%AC46%E6%9D%A1", "%E5%85%AC%E5%8F%B8"}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/search?n=10&q=" .. qs[(i % #qs) + 1])
end
LUA
rss() { awk '/VmRSS/ {print $2}' "/proc/$SERVER/status"; }
curl -s "$URL/api/search?q=a" >/dev/null
RSS0=$(rss)
wrk -t2 -c"$CONN" -d"${SECS}s" --latency -s "$T/rotate.lua" "$URL" > "$T/wrk.out" 2>&1 &
WRK=$!
sleep $((SECS / 2))
RSS_MID=$(rss)
mkdir -p "$T/new"
printf '伊金霍洛旗人民政府关于负载试验的通知\n\n伊政发〔2024〕9号\n\n各有关单位：\n\n负载试验期间提交的新文件，独有词语：乌审召验证。\n\n伊金霍洛旗人民政府\n2024年1月3日\n' > "$T/new/load.txt"
"$G" index --index "$T/ix" --quiet "$T/new"
wait $WRK
RSS1=$(rss)
cat "$T/wrk.out"
FOUND=$(curl -s "$URL/api/search?q=%E4%B9%8C%E5%AE%A1%E5%8F%AC%E9%AA%8C%E8%AF%81" | grep -o '"total":[0-9]*')
ERRORS=$(grep -E 'Socket errors|Non-2xx' "$T/wrk.out" || true)
echo "rss_kb: before $RSS0, mid $RSS_MID, after $RSS1"
echo "after the reindex: $FOUND (want \"total\":1)"
echo "errors: ${ERRORS:-none}"
[ -z "$ERRORS" ] && [ "$FOUND" = '"total":1' ]
