/* The indexer: incremental runs, changed and removed files, the writer
 * lock, bad files in a batch, and SIGKILL at random moments. */
#include "format/format.h"
#include "indexer/indexer.h"
#include "helpers.h"
#include "seg_helpers.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void copy_file(const char *from, const char *to, const char *append)
{
    size_t len;
    char *b = th_read(from, &len);
    cr_assert_not_null(b, "%s", from);
    FILE *f = fopen(to, "wb");
    cr_assert_not_null(f, "%s", to);
    fwrite(b, 1, len, f);
    if (append)
        fputs(append, f);
    fclose(f);
    free(b);
}

static char src[] = "/tmp/gz-ix-src-XXXXXX";
static char dir[] = "/tmp/gz-ix-XXXXXX";
static const char *laws[] = {"个人独资企业法(1999-08-30).md", "电子签名法(2019-04-23).md",
                             "促进个体工商户发展条例(2022-10-01).md", "个体工商户名称登记管理办法.md"};

static void setup(void)
{
    cr_assert_not_null(mkdtemp(src));
    cr_assert_not_null(mkdtemp(dir));
    char a[4200], b[4200];
    for (size_t i = 0; i < 4; i++) {
        snprintf(a, sizeof a, "%s/laws/%s", GZ_SAMPLE_DIR, laws[i]);
        snprintf(b, sizeof b, "%s/%s", src, laws[i]);
        copy_file(a, b, NULL);
    }
}

TestSuite(index, .init = setup, .timeout = 600);

static ix_report run_racy(int prune, unsigned racy_ms)
{
    ix_options o = {.dir = dir, .threads = 2, .prune = prune, .racy_ms = racy_ms};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {src};
    cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
    return r;
}

static ix_report run(int prune) { return run_racy(prune, 0); }

static uint64_t live_docs(void)
{
    gz_snapshot *s;
    gz_error err;
    cr_assert_eq(gz_snapshot_open(dir, &s, &err), GZ_OK, "%s", err.msg);
    uint64_t n = s->n_live_docs;
    gz_snapshot_close(s);
    return n;
}

Test(index, unchanged_files_are_not_read_again)
{
    ix_report r = run(0);
    cr_assert_eq(r.indexed, 4);
    cr_assert(r.committed);
    ix_report again = run(0);
    cr_assert_eq(again.indexed, 0, "an unchanged corpus re-analyses no file");
    cr_assert_eq(again.unchanged, 4);
    cr_assert_not(again.committed, "nothing changed, nothing committed");
    cr_assert_eq(again.generation, r.generation);
    FILE *out = fopen("/dev/null", "w");
    gz_error err;
    cr_assert_eq(ix_check(dir, out, &err), GZ_OK, "%s", err.msg);
    fclose(out);
}

static ix_report run_stat(unsigned racy_ms) { return run_racy(0, racy_ms); }

static uint64_t file_size(const char *name)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", src, name);
    struct stat st;
    cr_assert_eq(stat(p, &st), 0);
    return (uint64_t)st.st_size;
}

/* A file whose size, mtime, ctime and inode are as recorded when it was
 * last hashed is not read at all; any of them changed, it is read and
 * hashed, and re-analysed only if its bytes changed. A stat is recorded
 * when a run commits; one taken less than racy_ms after the file changed
 * is not, and that file is hashed again next time. */
Test(index, a_file_is_read_again_only_when_its_stat_changed)
{
    usleep(5000);
    ix_report r = run_stat(1);
    cr_assert_eq(r.indexed, 4);
    uint64_t all = 0;
    for (size_t i = 0; i < 4; i++)
        all += file_size(laws[i]);
    cr_assert_eq(r.bytes_read, all);
    /* the stats are in the manifest */
    gz_manifest m;
    gz_manifest_init(&m);
    gz_error err = {0};
    cr_assert_eq(gz_manifest_read(dir, &m, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(m.n_src, 4);
    for (size_t i = 0; i < m.n_src; i++)
        cr_assert(m.src[i].ino && m.src[i].mtime_ns && m.src[i].ctime_ns, "%s", m.src[i].key);
    gz_manifest_fini(&m);
    /* unchanged: nothing read */
    r = run_stat(1);
    cr_assert(r.unchanged == 4 && r.indexed == 0 && r.bytes_read == 0 && !r.committed);
    /* touched, the same bytes: read, not re-analysed, nothing committed,
     * so read again the next time */
    char a[4200], b[4200];
    snprintf(a, sizeof a, "%s/%s", src, laws[0]);
    snprintf(b, sizeof b, "%s/%s", src, laws[1]);
    struct timespec t[2] = {{1000000000, 0}, {1000000000, 0}};
    cr_assert_eq(utimensat(AT_FDCWD, a, t, 0), 0);
    usleep(5000);
    for (int k = 0; k < 2; k++) {
        r = run_stat(1);
        cr_assert(r.unchanged == 4 && r.indexed == 0 && !r.committed);
        cr_assert_eq(r.bytes_read, file_size(laws[0]), "run %d", k);
    }
    /* other bytes of the same size, the mtime put back: its ctime moved,
     * so it is read and re-indexed; the commit records the touched
     * file's stat too */
    struct stat before;
    cr_assert_eq(stat(b, &before), 0);
    size_t len = 0;
    char *text = th_read(b, &len);
    char *de = text ? strstr(text, "的") : NULL; /* 的 -> 之, three bytes each */
    cr_assert_not_null(de);
    memcpy(de, "之", 3);
    FILE *f = fopen(b, "wb");
    fwrite(text, 1, len, f);
    fclose(f);
    free(text);
    struct timespec back[2] = {before.st_atim, before.st_mtim};
    cr_assert_eq(utimensat(AT_FDCWD, b, back, 0), 0);
    struct stat after;
    cr_assert_eq(stat(b, &after), 0);
    cr_assert(after.st_size == before.st_size && after.st_mtim.tv_sec == before.st_mtim.tv_sec &&
              after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
    usleep(5000);
    r = run_stat(1);
    cr_assert_eq(r.indexed, 1, "the rewritten file");
    cr_assert(r.committed);
    cr_assert_eq(r.bytes_read, file_size(laws[0]) + file_size(laws[1]));
    r = run_stat(1);
    cr_assert(r.indexed == 0 && r.bytes_read == 0, "read %llu bytes", (unsigned long long)r.bytes_read);
    /* changed moments ago (the default 3 s): indexed, its stat not
     * trusted, hashed again next run */
    copy_file(b, a, "\n第九十九条 新增的条文。\n");
    r = run_stat(0);
    cr_assert_eq(r.indexed, 1);
    r = run_stat(0);
    cr_assert(r.indexed == 0 && r.unchanged == 4);
    cr_assert_eq(r.bytes_read, file_size(laws[0]), "the fresh file is hashed again");
}

Test(index, changed_and_removed_files)
{
    run(0);
    uint64_t before = live_docs();
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", src, laws[1]);
    char from[4200];
    snprintf(from, sizeof from, "%s/laws/%s", GZ_SAMPLE_DIR, laws[1]);
    copy_file(from, p, "\n第九十九条 本条为增量测试新增。\n");
    ix_report r = run(0);
    cr_assert_eq(r.indexed, 1);
    cr_assert_eq(r.unchanged, 3);
    cr_assert_eq(live_docs(), before, "the old version is deleted, the new one added");
    unlink(p);
    r = run(0);
    cr_assert_eq(live_docs(), before, "without --prune a vanished file stays");
    r = run(1);
    cr_assert_eq(r.removed, 1);
    cr_assert_eq(live_docs(), before - 1);
    FILE *out = fopen("/dev/null", "w");
    gz_error err;
    cr_assert_eq(ix_check(dir, out, &err), GZ_OK, "%s", err.msg);
    fclose(out);
}

/* The only segment of an index. */
static char *only_segment(const char *d, size_t *len)
{
    gz_snapshot *s;
    gz_error err;
    cr_assert_eq(gz_snapshot_open(d, &s, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(s->man.n_seg, 1, "one segment in %s", d);
    char path[4200];
    gz_path_segment(path, sizeof path, d, s->man.seg[0].id);
    gz_snapshot_close(s);
    char *b = th_read(path, len);
    cr_assert_not_null(b, "%s", path);
    return b;
}

Test(index, a_merge_carries_postings_exactly)
{
    /* several segments (one worker, a tiny memory budget, two big laws
     * beside the four small ones), then a file changed, so its first
     * version is a deleted document; optimize */
    static const char *big[] = {"公司法(2023-12-29).md", "刑法.md"};
    char p[6][4200], *paths[6];
    for (size_t i = 0; i < 6; i++) {
        snprintf(p[i], sizeof p[i], "%s/%s", src, i < 4 ? laws[i] : big[i - 4]);
        paths[i] = p[i];
        if (i >= 4) {
            char from[4200];
            snprintf(from, sizeof from, "%s/laws/%s", GZ_SAMPLE_DIR, big[i - 4]);
            copy_file(from, p[i], NULL);
        }
    }
    ix_options o = {.dir = dir, .threads = 1, .ram_mb = 1};
    ix_report r;
    gz_error err = {0};
    cr_assert_eq(ix_index(&o, paths, 6, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_geq(r.segments_written, 2, "the budget split the build");
    char from[4200];
    snprintf(from, sizeof from, "%s/laws/%s", GZ_SAMPLE_DIR, laws[1]);
    copy_file(from, p[1], "\n第九十九条 本条为合并测试新增。\n");
    cr_assert_eq(ix_index(&o, paths, 6, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(r.indexed, 1);
    cr_assert_eq(ix_optimize(&o, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_geq(r.segments_merged, 3);
    /* a fresh build of the same files, in the order the merge keeps them
     * (the changed one last), in one segment: the same bytes */
    char fresh[] = "/tmp/gz-ix-fresh-XXXXXX";
    cr_assert_not_null(mkdtemp(fresh));
    char *order[6] = {p[0], p[2], p[3], p[4], p[5], p[1]};
    ix_options f = {.dir = fresh, .threads = 1, .ram_mb = 512};
    cr_assert_eq(ix_index(&f, order, 6, &r, &err), GZ_OK, "%s", err.msg);
    size_t la, lb;
    char *a = only_segment(dir, &la), *b = only_segment(fresh, &lb);
    cr_assert_eq(la, lb, "merged %zu bytes, fresh %zu", la, lb);
    cr_assert(memcmp(a, b, la) == 0, "the merged segment equals the fresh one byte for byte");
    free(a);
    free(b);
    FILE *out = fopen("/dev/null", "w");
    cr_assert_eq(ix_check(dir, out, &err), GZ_OK, "%s", err.msg);
    fclose(out);
}

/* Two workers build the same bytes every time: each takes every other
 * file in order, and segment ids interleave by worker, so the segments
 * (their files, ids and order) and the manifest are the same in two
 * builds of the sample, with one flush a worker and with a 1 MB budget
 * that flushes several. Files ending in the same bytes are compared
 * whole; the ids rise in the manifest. */
Test(index, two_workers_build_the_same_bytes_every_time)
{
    const size_t budgets[] = {0, 1};
    for (size_t bi = 0; bi < 2; bi++) {
        char d[2][32];
        gz_snapshot *snap[2];
        gz_error err = {0};
        char *paths[] = {(char *)GZ_SAMPLE_DIR};
        for (int k = 0; k < 2; k++) {
            snprintf(d[k], sizeof d[k], "/tmp/gz-ix-det-XXXXXX");
            cr_assert_not_null(mkdtemp(d[k]));
            ix_options o = {.dir = d[k], .threads = 2, .ram_mb = budgets[bi]};
            ix_report r;
            cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
            cr_assert_eq(gz_snapshot_open(d[k], &snap[k], &err), GZ_OK, "%s", err.msg);
        }
        cr_assert_eq(snap[0]->man.n_seg, snap[1]->man.n_seg);
        cr_assert_geq(snap[0]->man.n_seg, budgets[bi] ? 3u : 2u, "budget %zu MB: %zu segments", budgets[bi],
                      snap[0]->man.n_seg);
        for (size_t i = 0; i < snap[0]->man.n_seg; i++) {
            uint32_t id = snap[0]->man.seg[i].id;
            cr_assert_eq(id, snap[1]->man.seg[i].id);
            cr_assert(i == 0 || id > snap[0]->man.seg[i - 1].id, "ids rise");
            char pa[4200], pb[4200];
            gz_path_segment(pa, sizeof pa, d[0], id);
            gz_path_segment(pb, sizeof pb, d[1], id);
            size_t la = 0, lb = 0;
            char *a = th_read(pa, &la), *b = th_read(pb, &lb);
            cr_assert(a && b && la == lb && memcmp(a, b, la) == 0, "segment %u differs between builds", id);
            free(a);
            free(b);
        }
        for (int k = 0; k < 2; k++)
            gz_snapshot_close(snap[k]);
        char ma[64], mb[64];
        snprintf(ma, sizeof ma, "%s/MANIFEST", d[0]);
        snprintf(mb, sizeof mb, "%s/MANIFEST", d[1]);
        size_t la = 0, lb = 0;
        char *a = th_read(ma, &la), *b = th_read(mb, &lb);
        cr_assert(a && b && la == lb && memcmp(a, b, la) == 0, "the manifests differ");
        free(a);
        free(b);
    }
}

Test(index, check_splits_the_postings_bytes_exactly)
{
    run(0);
    /* the four parts `check` reports add up to the postings section */
    char logp[] = "/tmp/gz-ix-check-XXXXXX";
    int fd = mkstemp(logp);
    FILE *out = fdopen(fd, "w+");
    gz_error err = {0};
    cr_assert_eq(ix_check(dir, out, &err), GZ_OK, "%s", err.msg);
    fflush(out);
    size_t len;
    char *text = th_read(logp, &len);
    fclose(out);
    gz_snapshot *snap;
    cr_assert_eq(gz_snapshot_open(dir, &snap, &err), GZ_OK, "%s", err.msg);
    uint64_t reported = 0, section = 0;
    for (size_t i = 0; i < snap->man.n_seg; i++) {
        gz_seg_stats ss;
        gz_segment_stats(snap->seg[i], &ss);
        section += ss.section_bytes[GZ_SEC_POSTINGS];
    }
    gz_snapshot_close(snap);
    size_t lines = 0;
    for (const char *p = text; (p = strstr(p, "postings bytes: ")); p++, lines++) {
        unsigned long long a, b, c, d;
        cr_assert_eq(sscanf(p, "postings bytes: skip entries %llu, units and tf %llu, positions and spans %llu, "
                               "rare terms %llu", &a, &b, &c, &d), 4, "%.200s", p);
        cr_assert(b > 0 && c > 0 && d > 0, "every part is there: %.200s", p);
        reported += a + b + c + d;
    }
    cr_assert_geq(lines, 1);
    cr_assert_eq(reported, section, "the parts (%llu) are the postings sections (%llu)", (unsigned long long)reported,
                 (unsigned long long)section);
    /* and split by field, they add up again; the grams are there */
    uint64_t by_field = 0;
    int grams = 0;
    for (const char *p = text; (p = strstr(p, ": field '")); p++) {
        char f;
        unsigned long long t, n, b;
        cr_assert_eq(sscanf(p, ": field '%c': %llu terms, %llu postings, %llu bytes", &f, &t, &n, &b), 4, "%.100s", p);
        cr_assert(t > 0 && n >= t && b > 0, "%.100s", p);
        grams |= f == GZ_FIELD_GRAM;
        by_field += b;
    }
    cr_assert(grams);
    /* the bound of a uniform spread: there, and below what the coders
     * take (positions within a unit are close to uniform; a bound in
     * bits, not bytes, would be eight times the section) */
    double bound = 0;
    size_t bounds = 0;
    for (const char *p = text; (p = strstr(p, "spread at random: ")); p++, bounds++) {
        double u, q;
        cr_assert_eq(sscanf(p, "spread at random: units %lf bytes, positions %lf bytes", &u, &q), 2, "%.100s", p);
        cr_assert(u > 0 && q > 0, "%.100s", p);
        bound += u + q;
    }
    cr_assert_eq(bounds, lines);
    cr_assert(bound > section / 4.0 && bound < (double)section, "bound %.0f, postings %llu", bound,
              (unsigned long long)section);
    cr_assert_eq(by_field, section, "the fields (%llu) are the postings sections (%llu)", (unsigned long long)by_field,
                 (unsigned long long)section);
    free(text);
}

Test(index, a_bad_file_is_named_and_the_rest_indexed)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/broken.txt", src);
    FILE *f = fopen(p, "wb");
    fwrite("\x00\x01\x02binary", 1, 9, f);
    fclose(f);
    char logp[] = "/tmp/gz-ix-log-XXXXXX";
    int fd = mkstemp(logp);
    FILE *log = fdopen(fd, "w+");
    ix_options o = {.dir = dir, .threads = 2, .log = log};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {src};
    cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(r.refused, 1);
    cr_assert_eq(r.indexed, 4);
    cr_assert(r.committed);
    fflush(log);
    size_t len;
    char *msg = th_read(logp, &len);
    cr_assert(strstr(msg, "broken.txt") && strstr(msg, "NUL byte"), "%s", msg);
    free(msg);
    fclose(log);
}

Test(index, a_second_writer_is_refused)
{
    run(0);
    char lock[4200];
    snprintf(lock, sizeof lock, "%s/LOCK", dir);
    int fd = open(lock, O_RDWR);
    cr_assert_geq(fd, 0);
    cr_assert_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
    /* flock locks are per open file description: a fork holds its own */
    pid_t pid = fork();
    if (pid == 0) {
        ix_options o = {.dir = dir, .threads = 1};
        ix_report r;
        gz_error err = {0};
        char *paths[] = {src};
        gz_status st = ix_index(&o, paths, 1, &r, &err);
        _exit(st == GZ_IO && strstr(err.msg, "another gazette index") ? 0 : 1);
    }
    int status;
    waitpid(pid, &status, 0);
    close(fd);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the second writer was not refused clearly");
}

/* -------------------------------------------------------- crash trials */

/* Starts `gazette index` on src in a child process. */
static pid_t spawn_index(const char *gazette)
{
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        execl(gazette, gazette, "index", "--index", dir, "--quiet", src, (char *)NULL);
        _exit(127);
    }
    return pid;
}

static size_t source_keys(char ***out)
{
    gz_manifest m;
    gz_manifest_init(&m);
    gz_error err;
    gz_status st = gz_manifest_read(dir, &m, &err);
    if (st == GZ_EOF) {
        *out = NULL;
        return 0;
    }
    cr_assert_eq(st, GZ_OK, "%s", err.msg);
    char **k = calloc(m.n_src + 1, sizeof *k);
    for (size_t i = 0; i < m.n_src; i++)
        k[i] = strdup(strrchr(m.src[i].key, '/') + 1);
    size_t n = m.n_src;
    gz_manifest_fini(&m);
    *out = k;
    return n;
}

static int has(char **k, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(k[i], name) == 0)
            return 1;
    return 0;
}

Test(index, sigkill_at_random_moments_keeps_the_last_commit)
{
    char gazette[4200];
    snprintf(gazette, sizeof gazette, "%s/gazette", GZ_BUILD_DIR);
    cr_assert_eq(access(gazette, X_OK), 0, "%s", gazette);
    srand(12345);
    /* how long a run takes here (process start, ICU, two new files): the
     * kills are spread over that */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t first = spawn_index(gazette);
    int first_status;
    waitpid(first, &first_status, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    cr_assert(WIFEXITED(first_status) && WEXITSTATUS(first_status) == 0);
    long run_us = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
    char names[64][64];
    size_t n_names = 4;
    for (size_t i = 0; i < 4; i++)
        snprintf(names[i], sizeof names[i], "%s", laws[i]);
    int killed_mid_run = 0;
    for (int trial = 0; trial < 20; trial++) {
        /* the corpus grows by two files a trial */
        for (int k = 0; k < 2; k++) {
            char from[4200], to[4200], mark[128];
            snprintf(names[n_names], sizeof names[n_names], "trial-%02d-%d.md", trial, k);
            snprintf(from, sizeof from, "%s/laws/%s", GZ_SAMPLE_DIR, laws[(trial + k) % 4]);
            snprintf(to, sizeof to, "%s/%s", src, names[n_names]);
            snprintf(mark, sizeof mark, "\n第九百条 崩溃试验第%d轮第%d份。\n", trial, k);
            copy_file(from, to, mark);
            n_names++;
        }
        char **before;
        size_t n_before = source_keys(&before);
        pid_t pid = spawn_index(gazette);
        usleep((useconds_t)(rand() % (run_us + 1)));
        int status;
        killed_mid_run += kill(pid, SIGKILL) == 0 && waitpid(pid, &status, WNOHANG) == 0;
        waitpid(pid, &status, 0);
        /* the index opens at a commit, checks clean, and holds exactly the
         * files of the commit before this run or of this run */
        char **after;
        size_t n_after = source_keys(&after);
        if (n_after) {
            FILE *out = fopen("/dev/null", "w");
            gz_error err;
            cr_assert_eq(ix_check(dir, out, &err), GZ_OK, "trial %d: %s", trial, err.msg);
            fclose(out);
            cr_assert_eq(live_docs(), n_after, "trial %d: one document per law file", trial);
        }
        int is_before = n_after == n_before, is_all = n_after == n_names;
        for (size_t i = 0; i < n_after; i++)
            is_before &= has(before, n_before, after[i]);
        for (size_t i = 0; is_all && i < n_names; i++)
            is_all = has(after, n_after, names[i]);
        cr_assert(is_before || is_all, "trial %d: %zu sources, neither the last commit (%zu) nor this run's (%zu)",
                  trial, n_after, n_before, n_names);
        for (size_t i = 0; i < n_before; i++)
            free(before[i]);
        for (size_t i = 0; i < n_after; i++)
            free(after[i]);
        free(before);
        free(after);
        /* finish the run so the next trial starts from a known commit */
        run(0);
    }
    fprintf(stderr, "crash trials: 20 runs killed at random, %d while still running\n", killed_mid_run);
    cr_assert_gt(killed_mid_run, 5, "the kills must land inside runs");
}

Test(index, another_analyzer_is_refused)
{
    run(0);
    /* rewrite the manifest as if another analyzer had built the index */
    gz_manifest m;
    gz_manifest_init(&m);
    gz_error err = {0};
    int live;
    cr_assert_eq(gz_manifest_read(dir, &m, &err), GZ_OK);
    gz_free(m.analyzer_id);
    m.analyzer_id = gz_strndup("gazette-zh/0 icu=1.0", 20);
    cr_assert_eq(gz_manifest_commit(dir, &m, &live, &err), GZ_OK);
    gz_manifest_fini(&m);
    ix_options o = {.dir = dir, .threads = 1};
    ix_report r;
    char *paths[] = {src};
    cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_VERSION);
    cr_assert(strstr(err.msg, "analyzer"), "%s", err.msg);
}

/* A paged source's pages reach the index: the seed with a form feed (a
 * page end, as pdftotext writes it) before 第四十六条 gives that article,
 * and every unit after it, page 2; 第四十五条 page 1; a unit of text
 * without pages 0. Fails if the units' PAGE and PAGE_END are not carried
 * from the parse to gz_unitinfo. */
Test(index, units_keep_the_pages_of_a_paged_source)
{
    size_t len;
    char *seed = th_read(GZ_SAMPLE_DIR "/seed/yijinhuoluo-2023-11-12.txt", &len);
    cr_assert_not_null(seed);
    char *at = strstr(seed, "\n第四十六条");
    cr_assert_not_null(at);
    size_t cut = (size_t)(at - seed) + 1;
    char *paged = malloc(len + 2);
    memcpy(paged, seed, cut);
    paged[cut] = '\f';
    memcpy(paged + cut + 1, seed + cut, len - cut);
    paged[len + 1] = 0;
    char psrc[] = "/tmp/gz-ix-pages-src-XXXXXX", pdir[] = "/tmp/gz-ix-pages-XXXXXX";
    th_write_corpus(psrc, "seed-pages.txt", paged);
    cr_assert_not_null(mkdtemp(pdir));
    char law[4200];
    snprintf(law, sizeof law, "%s/%s", psrc, laws[0]);
    char from[4200];
    snprintf(from, sizeof from, "%s/laws/%s", GZ_SAMPLE_DIR, laws[0]);
    copy_file(from, law, NULL);
    ix_options o = {.dir = pdir, .threads = 1};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {psrc};
    cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
    gz_snapshot *snap;
    cr_assert_eq(gz_snapshot_open(pdir, &snap, &err), GZ_OK, "%s", err.msg);
    size_t seen45 = 0, seen46 = 0, paged_units = 0, plain_units = 0;
    for (size_t s = 0; s < snap->man.n_seg; s++) {
        gz_seg_stats st;
        gz_segment_stats(snap->seg[s], &st);
        int after46 = 0;
        for (uint32_t u = 0; u < st.n_units; u++) {
            gz_unitinfo ui;
            gz_docinfo di;
            cr_assert_eq(gz_segment_unit(snap->seg[s], u, &ui), GZ_OK);
            cr_assert_eq(gz_segment_doc(snap->seg[s], ui.doc, &di), GZ_OK);
            if (!strstr(di.source, "seed-pages")) {
                cr_assert(ui.page == 0 && ui.page_end == 0, "%s: unit %u on page %u", di.source, u, ui.page);
                plain_units++;
                continue;
            }
            paged_units++;
            cr_assert(ui.page >= 1 && ui.page <= ui.page_end && ui.page_end <= 2, "unit %u: pages %u-%u", u,
                      ui.page, ui.page_end);
            if (strcmp(ui.label, "第四十五条") == 0 && strstr(ui.path, "领导人员管理办法")) {
                cr_assert(ui.page == 1 && ui.page_end == 1, "第四十五条 on %u-%u", ui.page, ui.page_end);
                seen45++;
            }
            if (strcmp(ui.label, "第四十六条") == 0 && strstr(ui.path, "领导人员管理办法")) {
                after46 = 1;
                seen46++;
            }
            if (after46)
                cr_assert(ui.page == 2, "unit %u after 第四十六条 on page %u", u, ui.page);
        }
    }
    cr_assert_eq(seen45, 1);
    cr_assert_eq(seen46, 1);
    cr_assert_gt(paged_units, 100);
    cr_assert_gt(plain_units, 10);
    gz_snapshot_close(snap);
    free(paged);
    free(seed);
}

/* A later snapshot takes the segments it shares with an earlier one (the
 * server's next commit verifies only its new files), and outlives it; a
 * segment file replaced under the same name is opened anew. */
Test(index, a_later_snapshot_takes_the_segments_it_shares)
{
    run(0);
    gz_snapshot *a, *b, *c;
    gz_error err = {0};
    cr_assert_eq(gz_snapshot_open(dir, &a, &err), GZ_OK, "%s", err.msg);
    char path[4200];
    snprintf(path, sizeof path, "%s/新增通知.txt", src);
    FILE *f = fopen(path, "w");
    fputs("关于新增测试的通知\n\n各有关单位：\n\n新增测试正文。\n", f);
    fclose(f);
    run(0);
    cr_assert_eq(gz_snapshot_open_from(dir, a, &b, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(b->man.n_seg, a->man.n_seg + 1);
    size_t taken = 0;
    for (size_t i = 0; i < b->man.n_seg; i++)
        for (size_t j = 0; j < a->man.n_seg; j++)
            taken += b->seg[i] == a->seg[j];
    cr_assert_eq(taken, a->man.n_seg, "every old segment taken, the new one opened");
    uint64_t docs = b->n_live_docs;
    gz_snapshot_close(a);
    /* b reads on after a closed */
    gz_docinfo di;
    for (size_t i = 0; i < b->man.n_seg; i++)
        cr_assert_eq(gz_segment_doc(b->seg[i], 0, &di), GZ_OK);
    /* the same name, another file (an index made again from nothing): not taken */
    gz_path_segment(path, sizeof path, dir, b->man.seg[0].id);
    size_t len;
    char *bytes = th_read(path, &len);
    char moved[4300];
    snprintf(moved, sizeof moved, "%s.old", path);
    cr_assert_eq(rename(path, moved), 0);
    f = fopen(path, "wb");
    fwrite(bytes, 1, len, f);
    fclose(f);
    cr_assert_eq(gz_snapshot_open_from(dir, b, &c, &err), GZ_OK, "%s", err.msg);
    cr_assert_neq(c->seg[0], b->seg[0]);
    cr_assert_eq(c->seg[1], b->seg[1]);
    cr_assert_eq(c->n_live_docs, docs);
    gz_snapshot_close(b);
    gz_snapshot_close(c);
    unlink(moved);
    free(bytes);
}
