#!/usr/bin/env python3
"""benchmarks/serve_rss.py GAZETTE INDEX [N [KINDS]]: the memory of `gazette serve`
on INDEX (issue 22: opening an index maps it, it does not load it). Starts
the server, waits until it answers, and prints four figures in MB, tab
separated: its anonymous and file-backed resident memory when idle (after
one request), then the same after N (default 1000) requests drawn with a
fixed seed from words, AND of two words, questions, article lookups and
document pages, four at a time (KINDS: the digits of the kinds
to draw from, 0-4 in that order; default all). Anonymous memory is what the server holds;
file-backed is the index's pages the kernel keeps mapped (page cache it
may drop)."""
import os, random, re, subprocess, sys, threading, time, urllib.parse, urllib.request

gz, ix = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
kinds = [int(c) for c in sys.argv[4]] if len(sys.argv) > 4 else list(range(5))
srv = subprocess.Popen([gz, "serve", "--index", ix, "--port", "0", "--threads", "4"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
try:
    port = None
    deadline = time.time() + 120
    while port is None and time.time() < deadline:
        line = srv.stdout.readline()
        if not line:
            break
        m = re.search(r"http://[0-9.]+:(\d+)", line)
        if m:
            port = int(m.group(1))
    if port is None:
        sys.exit("serve_rss: the server did not start")
    threading.Thread(target=srv.stdout.read, daemon=True).start()

    def rss():
        f = {}
        for line in open(f"/proc/{srv.pid}/status"):
            k, _, v = line.partition(":")
            f[k] = int(v.split()[0]) // 1024 if v.strip().endswith("kB") else 0
        return f["RssAnon"], f["RssFile"]

    def get(path, **params):
        url = f"http://127.0.0.1:{port}{path}?" + urllib.parse.urlencode(params)
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.read()

    get("/api/search", q="劳动合同", n=10)
    idle = rss()
    rng = random.Random(22)
    words = ["劳动合同", "安全生产", "个体工商户", "知识产权", "环境保护", "消费者权益", "行政处罚",
             "住宅用地", "职工代表大会", "未成年人", "交通事故", "土地承包", "税收", "食品安全"]
    questions = ["公司拖欠工资不给怎么办", "离婚后孩子的抚养费由谁承担", "交通事故对方全责怎么赔偿",
                 "房东不退押金可以起诉吗", "试用期被辞退有没有补偿", "借钱不还可以报警吗"]
    articles = ["刑法第二百三十二条", "公司法第十七条", "民法典第一千零八十七条", "劳动合同法第四十六条"]

    def one():
        k = rng.choice(kinds)
        if k == 0:
            get("/api/search", q=rng.choice(words), n=10, offset=rng.choice([0, 10]))
        elif k == 1:
            get("/api/search", q=rng.choice(words) + " " + rng.choice(words), n=10)
        elif k == 2:
            get("/api/search", q=rng.choice(questions), n=10)
        elif k == 3:
            get("/api/search", q=rng.choice(articles), n=10)
        else:
            get("/api/search", q=rng.choice(words), n=10, unit="document", sort="date")

    lock = threading.Lock()
    left = [n]

    def worker():
        while True:
            with lock:
                if left[0] == 0:
                    return
                left[0] -= 1
            one()

    ts = [threading.Thread(target=worker) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    after = rss()
    print("%d\t%d\t%d\t%d" % (idle[0], idle[1], after[0], after[1]))
finally:
    srv.terminate()
    srv.wait()
