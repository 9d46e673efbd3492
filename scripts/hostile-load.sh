#!/bin/sh
# scripts/hostile-load.sh [N] [BUILD] [CORPUS]: the server under hostile
# queries (docs/reliability.md). Serves an index of CORPUS (default the
# laws beside the checkout) and sends N ordinary requests, then N hostile
# ones (repeated and common words, long ORs, deep brackets, long phrases,
# every sort and unit, too many parameters, NULs, huge offsets, pages of
# the largest document), four at a time; prints the server's RSS after
# each batch, then each hostile shape alone: the server's CPU time and its
# peak RSS growth for it. Fails if a shape takes over 200 ms of CPU, if
# the RSS after the hostile batch is over 50 MB above the ordinary one, or
# if a request is not answered.
set -eu
N=${1:-1000} B=${2:-build} CORPUS=${3:-../shared/corpus/laws}
G="$B/gazette"
command -v python3 >/dev/null || { echo "hostile-load: python3 is not installed"; exit 1; }
T=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$T"' EXIT
"$G" index --index "$T/ix" --quiet "$CORPUS" || [ $? -eq 1 ]
"$G" serve --index "$T/ix" --port 0 --threads 4 > "$T/serve.log" 2>&1 &
SERVER=$!
for i in $(seq 50); do grep -q 'http://' "$T/serve.log" && break; sleep 0.1; done
PORT=$(grep -o 'http://[0-9.:]*' "$T/serve.log" | head -1 | sed 's/.*://')
python3 - "$SERVER" "$PORT" "$N" <<'PY'
import json, os, random, socket, sys, threading, time, urllib.parse
pid, port, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
tick = os.sysconf("SC_CLK_TCK")

def status(key):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(key):
            return int(line.split()[1]) // 1024  # MB
def cpu_ms():
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) * 1000 // tick

def raw(req):
    s = socket.create_connection(("127.0.0.1", port)); s.settimeout(60)
    s.sendall(req); d = b""
    while True:
        c = s.recv(65536)
        if not c: break
        d += c
    s.close()
    return int(d.split(b" ", 2)[1]) if d.startswith(b"HTTP/") else -1
def get(path):
    return raw(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
def q(text, **kw):
    return "/api/search?" + urllib.parse.urlencode(dict(q=text, **kw))

rng = random.Random(18)
def cut(text, limit=1000):
    """text cut to at most limit bytes of UTF-8, on a character"""
    return text.encode()[:limit].decode(errors="ignore")
common = "的是在和了有不人国中法条第一二三四五六七八九十规定应当可以部门管理机关单位组织进行依照本其他"
ordinary_words = ["职工代表大会", "劳动合同", "第四十六条", "住宅用地", "个体工商户", "安全生产", "企业 国有",
                  "行政处罚 程序", "知识产权", "公司法 第十条", "环境保护", "消费者权益"]
def ordinary():
    return q(rng.choice(ordinary_words), n=10, unit=rng.choice(["article", "document"]),
             sort=rng.choice(["", "date"]), offset=rng.choice([0, 10, 20]))
shapes = {
    "repeat": lambda: q("的 " * 255 + "的"),
    "common-and": lambda: q(cut(" ".join(rng.choice(common) for _ in range(256)))),
    "common-or": lambda: q(cut(" OR ".join(rng.choice(common) for _ in range(200)))),
    "common-doc-date": lambda: q(cut(" ".join(rng.choice(common) for _ in range(256))), unit="document", sort="date"),
    "not-common": lambda: q(cut(" ".join("-" + rng.choice(common) for _ in range(200)))),
    "deep-brackets": lambda: q("(" * 400 + "的" + ")" * 400),
    "long-phrase": lambda: q(cut('"' + "职工代表大会" * 56) + '"'),
    "han-question": lambda: q(cut("".join(rng.choice(common) for _ in range(330)), 990) + "吗"),
    "fields-or": lambda: q(cut("职工 OR " + " OR ".join(f"year:{rng.randint(1950, 2023)}" for _ in range(90))), year="2007"),
    "prefix-or": lambda: q(cut(" OR ".join(rng.choice(common) + rng.choice("0123456789") for _ in range(200)))),
    "page-deep": lambda: q("的", offset=9990, n=10),
    "offset-huge": lambda: q("的", offset=10**9),
    "many-params": lambda: "/api/search?q=a" + "".join(f"&x{i}=1" for i in range(920)),
    "nul": lambda: "/api/search?q=%E8%81%8C%00%E5%B7%A5",
    "doc-pages": lambda: None,
}
import urllib.request, urllib.error
ans = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}" + q("第一条", unit="document", n=100)).read())
docs = [h["id"] for h in ans["hits"]]
def hostile(name):
    if name == "doc-pages":
        return f"/api/doc/{rng.choice(docs)}?from={rng.randint(0, 400000)}"
    return shapes[name]()

failures = []
def batch(paths):
    lock = threading.Lock(); it = iter(paths)
    def worker():
        while True:
            with lock:
                p = next(it, None)
            if p is None: return
            st = get(p)
            if st <= 0: failures.append(p[:80])
    th = [threading.Thread(target=worker) for _ in range(4)]
    [t.start() for t in th]; [t.join() for t in th]

get(q("职工"))
idle = status("VmRSS")
batch([ordinary() for _ in range(n)])
time.sleep(0.5)
rss_ordinary = status("VmRSS")
names = list(shapes)
batch([hostile(rng.choice(names)) for _ in range(n)])
time.sleep(0.5)
rss_hostile = status("VmRSS")
print(f"RSS: idle {idle} MB; after {n} ordinary requests {rss_ordinary} MB; after {n} hostile {rss_hostile} MB "
      f"(+{rss_hostile - rss_ordinary} MB); unanswered {len(failures)}")
# each shape alone, three times: the server's CPU for it, and its answer
worst = 0
for name in names:
    times, walls, codes, partial = [], [], set(), False
    for _ in range(3):
        p = hostile(name); c0 = cpu_ms(); t0 = time.time()
        if p.startswith("/api/search") and "%00" not in p and "x1=" not in p:
            try:
                r = urllib.request.urlopen(f"http://127.0.0.1:{port}{p}"); code = r.status
                partial |= bool(json.loads(r.read()).get("partial"))
            except urllib.error.HTTPError as e:
                code = e.code
        else:
            code = get(p)
        walls.append((time.time() - t0) * 1000); times.append(cpu_ms() - c0); codes.add(code)
    worst = max(worst, max(times))
    print(f"{name:16} HTTP {sorted(codes)}  CPU max {max(times):4d} ms  wall max {max(walls):6.1f} ms"
          f"{'  partial' if partial else ''}")
print(f"peak RSS (VmHWM) {status('VmHWM')} MB; worst CPU per request {worst} ms")
ok = worst <= 200 and rss_hostile - rss_ordinary <= 50 and not failures
print("hostile-load:", "PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
