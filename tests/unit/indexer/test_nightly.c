/* The nightly job as cron runs it, checked against a model. A seeded
 * sequence of runs of `gazette index` (the binary, two workers, a 1 MB
 * budget so that flushes and tiered merges come often) over a folder that
 * changes between runs as an archive does: files added, edited (appended,
 * a character changed, a paragraph cut), deleted, renamed, touched,
 * replaced by a bad file and put back; some runs with --prune, some
 * followed by `gazette optimize`. The model knows what each file's indexed
 * text should be (the last good version; none once pruned) and what each
 * run should exit with (docs: 0, 1 with a refused file, 2 when --prune
 * passes its limit). After every run: that exit status, `gazette check`
 * clean, and for a fixed set of words the units the index answers equal,
 * unit for unit, those of a fresh build of the model's files. */
#include "indexer/indexer.h"
#include "searcher/searcher.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define N_RUNS 64
#define MAX_FILES 64

/* A file by name: its text now in the folder (live) and the text the
 * index should hold for it (indexed); NULL where there is none. */
typedef struct file {
    char name[64];
    char *live, *indexed;
    size_t live_len, indexed_len;
    char *good; /* while live is a bad file: the text to put back */
    size_t good_len;
} file;

typedef struct model {
    file f[MAX_FILES];
    size_t n;
    uint64_t rng;
    int unmounted; /* the folder is away for this run: it lists nothing */
    char src[64], idx[64], log[80];
    int serial;
} model;

/* Words of several kinds: common ones, ones only edits and additions
 * bring (增补条款, 新增条款, 改), ones of single files that runs delete,
 * rename or cut. */
static const char *words[] = {"国家", "规定", "第一条", "增补条款", "新增条款", "改", "电子签名", "个人独资",
                              "名称登记", "职工代表大会", "公司", "刑罚", "罚金", "管理办法"};

static char *dup_bytes(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    cr_assert_not_null(d);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

static void write_bytes(const char *dir, const char *name, const char *s, size_t n)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *w = fopen(p, "wb");
    cr_assert_not_null(w, "%s", p);
    cr_assert_eq(fwrite(s, 1, n, w), n);
    cr_assert_eq(fclose(w), 0);
}

static void set_live(model *m, file *f, const char *s, size_t n)
{
    free(f->live);
    f->live = dup_bytes(s, n);
    f->live_len = n;
    write_bytes(m->src, f->name, s, n);
}

static file *pick(model *m, int live)
{
    size_t k = 0, at;
    for (size_t i = 0; i < m->n; i++)
        k += !live || m->f[i].live;
    if (!k)
        return NULL;
    at = th_rnd(&m->rng) % k;
    for (size_t i = 0; i < m->n; i++)
        if ((!live || m->f[i].live) && at-- == 0)
            return &m->f[i];
    return NULL;
}

/* A live file that is not a bad one. */
static file *pick_good(model *m)
{
    for (int tries = 0; tries < 20; tries++) {
        file *f = pick(m, 1);
        if (f && !f->good)
            return f;
    }
    return NULL;
}

/* The byte offset of the start of a random line of s (not the first). */
static size_t line_at(model *m, const char *s, size_t n)
{
    size_t at = th_rnd(&m->rng) % n;
    const char *nl = memchr(s + at, '\n', n - at);
    return nl ? (size_t)(nl - s) + 1 : n;
}

/* The first bad file is put back as it was. */
static void put_back(model *m)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->f[i].good && m->f[i].live) {
            file *b = &m->f[i];
            set_live(m, b, b->good, b->good_len);
            free(b->good);
            b->good = NULL;
            return;
        }
}

/* The folder moves away (a share that did not mount) and comes back. */
static void unmount(model *m, int away)
{
    char a[128], b[128];
    snprintf(a, sizeof a, "%s", m->src);
    snprintf(b, sizeof b, "%s.away", m->src);
    cr_assert_eq(rename(away ? a : b, away ? b : a), 0);
    if (away)
        cr_assert_eq(mkdir(a, 0755), 0);
    else
        rmdir(b);
    m->unmounted = away;
}

/* One random change to the folder. */
static void change(model *m)
{
    unsigned op = (unsigned)(th_rnd(&m->rng) % 9);
    file *f = op == 0 || op == 8 ? NULL : pick_good(m);
    char buf[512];
    switch (op) {
    case 0: { /* add: a slice of a file, with a word of its own */
        file *from = pick_good(m);
        if (!from || m->n >= MAX_FILES)
            return;
        file *nf = &m->f[m->n++];
        memset(nf, 0, sizeof *nf);
        snprintf(nf->name, sizeof nf->name, "新增-%03d.md", m->serial++);
        size_t a = line_at(m, from->live, from->live_len);
        size_t b = a + (from->live_len - a) / 2;
        while (b < from->live_len && from->live[b] != '\n')
            b++;
        int h = snprintf(buf, sizeof buf, "# 新增文件%d\n\n第一条 新增条款，第%d号。\n", m->serial, m->serial);
        char *t = malloc((size_t)h + (b - a) + 1);
        memcpy(t, buf, (size_t)h);
        memcpy(t + h, from->live + a, b - a);
        set_live(m, nf, t, (size_t)h + (b - a));
        free(t);
        return;
    }
    case 1: { /* append a paragraph */
        if (!f)
            return;
        int h = snprintf(buf, sizeof buf, "\n第九百%d条 增补条款。\n", m->serial++ % 10);
        char *t = malloc(f->live_len + (size_t)h);
        memcpy(t, f->live, f->live_len);
        memcpy(t + f->live_len, buf, (size_t)h);
        set_live(m, f, t, f->live_len + (size_t)h);
        free(t);
        return;
    }
    case 2: { /* one Han character becomes 改 */
        if (!f)
            return;
        char *t = dup_bytes(f->live, f->live_len);
        for (int tries = 0; tries < 1000; tries++) {
            size_t at = th_rnd(&m->rng) % f->live_len;
            unsigned char c = (unsigned char)t[at];
            if (c >= 0xE4 && c <= 0xE9 && at + 3 <= f->live_len) {
                memcpy(t + at, "改", 3);
                break;
            }
        }
        set_live(m, f, t, f->live_len);
        free(t);
        return;
    }
    case 3: { /* a paragraph cut out */
        if (!f || f->live_len < 200)
            return;
        size_t a = line_at(m, f->live, f->live_len), b = a;
        while (b < f->live_len && f->live[b] != '\n')
            b++;
        char *t = malloc(f->live_len);
        memcpy(t, f->live, a);
        memcpy(t + a, f->live + b, f->live_len - b);
        set_live(m, f, t, a + (f->live_len - b));
        free(t);
        return;
    }
    case 4: { /* deleted */
        if (!f)
            return;
        char p[4200];
        snprintf(p, sizeof p, "%s/%s", m->src, f->name);
        cr_assert_eq(unlink(p), 0);
        free(f->live);
        f->live = NULL;
        return;
    }
    case 5: { /* renamed */
        if (!f || m->n >= MAX_FILES)
            return;
        file *nf = &m->f[m->n++];
        memset(nf, 0, sizeof *nf);
        snprintf(nf->name, sizeof nf->name, "改名-%03d.md", m->serial++);
        char a[4200], b[4200];
        snprintf(a, sizeof a, "%s/%s", m->src, f->name);
        snprintf(b, sizeof b, "%s/%s", m->src, nf->name);
        cr_assert_eq(rename(a, b), 0);
        nf->live = f->live;
        nf->live_len = f->live_len;
        f->live = NULL;
        return;
    }
    case 6: { /* touched, its text as it was */
        if (!f)
            return;
        char p[4200];
        snprintf(p, sizeof p, "%s/%s", m->src, f->name);
        struct timespec ts[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
        cr_assert_eq(utimensat(AT_FDCWD, p, ts, 0), 0);
        return;
    }
    case 7: { /* replaced by a bad file (binary), put back by op 8 */
        if (!f)
            return;
        f->good = f->live;
        f->good_len = f->live_len;
        f->live = NULL;
        static const char bad[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10";
        set_live(m, f, bad, sizeof bad - 1);
        return;
    }
    case 8: /* a bad file put back */
        put_back(m);
        return;
    }
}

/* Runs the binary (argv[0] is the subcommand) with its stderr to m->log;
 * its exit status, or -1 if it did not exit (a signal: a crash). */
static int run(model *m, char *const *args)
{
    char gazette[4200];
    snprintf(gazette, sizeof gazette, "%s/gazette", GZ_BUILD_DIR);
    char *argv[16] = {gazette};
    size_t n = 1;
    while (*args && n < 15)
        argv[n++] = *args++;
    argv[n] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, m->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    cr_assert_eq(posix_spawn(&pid, gazette, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char *log_text(model *m)
{
    size_t len;
    char *t = th_read(m->log, &len);
    return t ? t : dup_bytes("(no log)", 8);
}

/* What the run should do to the model, and its exit status. */
static int expect(model *m, int prune)
{
    size_t total = 0, gone = 0, listed = 0, bad = 0;
    for (size_t i = 0; i < m->n; i++) {
        file *f = &m->f[i];
        int live = f->live && !m->unmounted;
        listed += live;
        bad += live && f->good;
        total += f->indexed != NULL;
        gone += f->indexed && !live;
    }
    if (prune && gone && (listed == 0 || gone * 100 > total * 50))
        return 2; /* refused: nothing changes */
    cr_assert(!m->unmounted, "a run over an empty folder without --prune would keep everything: not tried");
    for (size_t i = 0; i < m->n; i++) {
        file *f = &m->f[i];
        if (f->live && !f->good) {
            free(f->indexed);
            f->indexed = dup_bytes(f->live, f->live_len);
            f->indexed_len = f->live_len;
        } else if (!f->live && prune) {
            free(f->indexed);
            f->indexed = NULL;
        }
    }
    return bad ? 1 : 0;
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every unit the index answers for w, as "source|label|start|end" lines,
 * sorted, with the total first. */
static char *answer(sr_index *ix, const char *w)
{
    /* the most a page may ask; every version and every unit of a document
     * (the page's grouping picks by score, and a nightly index's scores
     * count its deleted units until they merge away) */
    sr_request rq = {.query = w, .n = 10000, .exhaustive = 1, .all_versions = 1, .all_in_document = 1};
    gz_buf out;
    gz_buf_init(&out);
    gz_error err = {0};
    cr_assert_eq(sr_search_json(ix, &rq, &out, &err), GZ_OK, "%s: %s", w, err.msg);
    json_object *o = json_tokener_parse(gz_buf_cstr(&out));
    cr_assert_not_null(o);
    json_object *hits, *total;
    cr_assert(json_object_object_get_ex(o, "hits", &hits) && json_object_object_get_ex(o, "total", &total));
    size_t n = json_object_array_length(hits);
    cr_assert_lt(json_object_get_int64(total), 10000, "%s: every hit fits one answer", w);
    char **lines = calloc(n + 1, sizeof *lines);
    for (size_t i = 0; i < n; i++) {
        json_object *h = json_object_array_get_idx(hits, i), *src, *u, *label, *a, *b;
        cr_assert(json_object_object_get_ex(h, "source", &src) && json_object_object_get_ex(h, "unit", &u));
        json_object_object_get_ex(u, "label", &label);
        json_object_object_get_ex(u, "start", &a);
        json_object_object_get_ex(u, "end", &b);
        char line[1024];
        snprintf(line, sizeof line, "%s|%s|%d|%d", json_object_get_string(src),
                 label ? json_object_get_string(label) : "", json_object_get_int(a), json_object_get_int(b));
        lines[i] = strdup(line);
    }
    qsort(lines, n, sizeof *lines, cmp_line);
    gz_buf s;
    gz_buf_init(&s);
    gz_buf_printf(&s, "total %lld\n", (long long)json_object_get_int64(total));
    for (size_t i = 0; i < n; i++) {
        gz_buf_printf(&s, "%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
    json_object_put(o);
    gz_buf_fini(&out);
    char *r = strdup(gz_buf_cstr(&s));
    gz_buf_fini(&s);
    return r;
}

/* The model's files built afresh; the answers of both compared. */
static void compare_with_fresh(model *m, int run_no)
{
    char ref[] = "/tmp/gz-night-ref-XXXXXX", fresh[] = "/tmp/gz-night-fix-XXXXXX";
    cr_assert_not_null(mkdtemp(ref));
    cr_assert_not_null(mkdtemp(fresh));
    size_t n_files = 0;
    for (size_t i = 0; i < m->n; i++)
        if (m->f[i].indexed) {
            write_bytes(ref, m->f[i].name, m->f[i].indexed, m->f[i].indexed_len);
            n_files++;
        }
    sr_index *a = NULL, *b = NULL;
    gz_error err = {0};
    cr_assert_eq(sr_index_open(m->idx, &a, &err), GZ_OK, "run %d: %s", run_no, err.msg);
    if (n_files) {
        ix_options o = {.dir = fresh, .threads = 1, .log = fopen("/dev/null", "w")};
        ix_report r;
        char *paths[] = {ref};
        cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
        fclose(o.log);
        cr_assert_eq(sr_index_open(fresh, &b, &err), GZ_OK, "%s", err.msg);
    }
    for (size_t k = 0; k < sizeof words / sizeof *words; k++) {
        char *x = answer(a, words[k]);
        char *y = b ? answer(b, words[k]) : strdup("total 0\n");
        cr_assert_str_eq(x, y, "run %d, '%s': the nightly index answers\n%s\na fresh build\n%s", run_no, words[k], x,
                         y);
        free(x);
        free(y);
    }
    sr_index_close(a);
    sr_index_close(b);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", ref, fresh);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(nightly, .timeout = 900);

Test(nightly, sixty_four_runs_equal_a_fresh_build_after_each)
{
    model *m = calloc(1, sizeof *m);
    m->rng = 0x9e3779b97f4a7c15ull;
    snprintf(m->src, sizeof m->src, "/tmp/gz-night-src-XXXXXX");
    snprintf(m->idx, sizeof m->idx, "/tmp/gz-night-idx-XXXXXX");
    cr_assert_not_null(mkdtemp(m->src));
    cr_assert_not_null(mkdtemp(m->idx));
    snprintf(m->log, sizeof m->log, "%s.log", m->idx);
    /* the sample, each file cut to its first 12 KB (at a line end) so that
     * 64 fresh builds fit a sanitizer run */
    static const char *sample[] = {"laws/电子签名法(2019-04-23).md", "laws/个人独资企业法(1999-08-30).md",
                                   "laws/个体工商户名称登记管理办法.md", "laws/促进个体工商户发展条例(2022-10-01).md",
                                   "laws/公司法(2023-12-29).md", "laws/刑法.md", "seed/yijinhuoluo-2023-11-12.txt"};
    for (size_t i = 0; i < sizeof sample / sizeof *sample; i++) {
        char p[4200];
        size_t len;
        snprintf(p, sizeof p, "%s/%s", GZ_SAMPLE_DIR, sample[i]);
        char *t = th_read(p, &len);
        cr_assert_not_null(t, "%s", p);
        size_t cut = len < 12000 ? len : 12000;
        while (cut < len && t[cut - 1] != '\n')
            cut++;
        file *f = &m->f[m->n++];
        snprintf(f->name, sizeof f->name, "%s", strchr(sample[i], '/') + 1);
        set_live(m, f, t, cut);
        free(t);
    }
    int merges = 0, optimizes = 0, prunes = 0, refusals = 0, statuses[3] = {0};
    for (int run_no = 0; run_no < N_RUNS; run_no++) {
        if (run_no) {
            if (th_rnd(&m->rng) % 2)
                put_back(m);
            int ops = 1 + (int)(th_rnd(&m->rng) % 3);
            for (int k = 0; k < ops; k++)
                change(m);
        }
        int prune = run_no && th_rnd(&m->rng) % 3 == 0;
        if (run_no % 16 == 9) { /* the share did not mount: --prune refuses */
            unmount(m, 1);
            prune = 1;
        }
        int want = expect(m, prune);
        char *args[] = {"index", "--index", m->idx, "--threads", "2", "--ram-mb", "1", m->src, "--prune", NULL};
        if (!prune)
            args[8] = NULL;
        int got = run(m, args);
        char *log = log_text(m);
        cr_assert_eq(got, want, "run %d (prune %d): exit %d, expected %d; stderr:\n%s", run_no, prune, got, want, log);
        const char *merged = strstr(log, " segments written, ");
        merges += merged && atoi(merged + strlen(" segments written, ")) > 0;
        free(log);
        if (m->unmounted)
            unmount(m, 0);
        prunes += prune;
        refusals += want == 2;
        statuses[want]++;
        if (run_no % 16 == 15) {
            char *opt[] = {"optimize", "--index", m->idx, NULL};
            got = run(m, opt);
            log = log_text(m);
            cr_assert_eq(got, 0, "run %d: optimize exit %d:\n%s", run_no, got, log);
            free(log);
            optimizes++;
        }
        char *chk[] = {"check", "--index", m->idx, NULL};
        got = run(m, chk);
        log = log_text(m);
        cr_assert_eq(got, 0, "run %d: check exit %d:\n%s", run_no, got, log);
        free(log);
        compare_with_fresh(m, run_no);
    }
    fprintf(stderr, "nightly: %d runs (exit 0: %d, 1: %d, 2: %d), %d with --prune, %d refused, %d merged, %d optimize\n",
            N_RUNS, statuses[0], statuses[1], statuses[2], prunes, refusals, merges, optimizes);
    cr_assert_gt(merges, 0, "the tiered policy merged in some run");
    cr_assert_gt(statuses[1], 0, "some run met a bad file");
    cr_assert_gt(statuses[2], 0, "some run met an unmounted folder");
    for (size_t i = 0; i < m->n; i++) {
        free(m->f[i].live);
        free(m->f[i].indexed);
        free(m->f[i].good);
    }
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' '%s'", m->src, m->idx, m->log);
    cr_assert_eq(system(cmd), 0);
    free(m);
}
