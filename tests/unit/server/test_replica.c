/* A read-only replica made with ordinary file copies (docs/replicas.md).
 * The indexer makes commits on a primary (files added, edited, deleted; an
 * optimize that retires every segment); after each, the primary's answers
 * to a few queries are noted as that commit's state, and the commit is
 * copied file by file: new segments and deletes first, MANIFEST last (to
 * a temporary name, then renamed, as rsync does), then the files it no
 * longer names are removed. Meanwhile readers query the copy, through the
 * library (opening it again and again, as the server's pool does when
 * MANIFEST changes) or through `gazette serve` running without write
 * access to it, and every answer must be one commit's, byte for byte:
 * never an error, never a mix of two commits, never an older commit after
 * a newer one. The copier also queries the copy after every file it
 * copies or removes, so every state the copy passes through is seen. */
#include "format/format.h"
#include "indexer/indexer.h"
#include "searcher/searcher.h"
#include "server/server.h"
#include "helpers.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_COMMITS 12
#define N_QUERIES 2
#define MARKER "副本同步测试"
#define MISSING_SAID "gazette serve: the last commit names a file that is not there (yet): "

/* The marker is in every commit's new file, so each commit answers it
 * differently; 企业 changes when a law leaves. */
static const char *const query[N_QUERIES] = {MARKER, "企业"};
static const sr_unit_mode query_unit[N_QUERIES] = {SR_BY_DOCUMENT, SR_BY_UNIT};
static const char *const query_url[N_QUERIES] = {
    "/api/search?q=%E5%89%AF%E6%9C%AC%E5%90%8C%E6%AD%A5%E6%B5%8B%E8%AF%95&n=50&unit=document",
    "/api/search?q=%E4%BC%81%E4%B8%9A&n=5"};

enum order { IN_ORDER, MANIFEST_FIRST };

static char primary[] = "/tmp/gz-rep-a-XXXXXX", replica[] = "/tmp/gz-rep-b-XXXXXX", src[] = "/tmp/gz-rep-s-XXXXXX";
/* state[k][q]: commit k's JSON answer to query q; commit k's generation */
static char *state[MAX_COMMITS + 1][N_QUERIES];
static uint64_t state_gen[MAX_COMMITS + 1];
static atomic_int n_states, stop, probes, failures, went_back, seen_max;
static pthread_mutex_t failure_mu = PTHREAD_MUTEX_INITIALIZER;
static char failure[600];
static unsigned port;

static void fail(const char *what, const char *detail)
{
    pthread_mutex_lock(&failure_mu);
    if (!atomic_fetch_add(&failures, 1))
        snprintf(failure, sizeof failure, "%s: %.500s", what, detail);
    pthread_mutex_unlock(&failure_mu);
}

/* The commit whose answer to query q is json, or 0. */
static int commit_of(int q, const char *json)
{
    int n = atomic_load(&n_states);
    for (int k = n; k >= 1; k--)
        if (strcmp(state[k][q], json) == 0)
            return k;
    return 0;
}

static gz_status answer(sr_index *ix, int q, gz_buf *out, gz_error *err)
{
    out->len = 0;
    sr_request rq = {.query = query[q], .n = q == 0 ? 50 : 5, .unit = query_unit[q]};
    gz_status st = sr_search_json(ix, &rq, out, err);
    gz_buf_cstr(out);
    return st;
}

/* One look at the copy through the library: it opens, and answers every
 * query as one commit did, the one its generation names. That commit, or
 * 0 (a failure, noted). */
static int probe_library(void)
{
    sr_index *ix;
    gz_error err = {0};
    if (sr_index_open(replica, &ix, &err) != GZ_OK) {
        fail("open", err.msg);
        return 0;
    }
    gz_buf out;
    gz_buf_init(&out);
    int k = 0;
    for (int q = 0; q < N_QUERIES; q++) {
        if (answer(ix, q, &out, &err) != GZ_OK) {
            fail("search", err.msg);
            k = 0;
            break;
        }
        int kq = q == 0 ? commit_of(0, out.data) : k && strcmp(state[k][q], out.data) == 0 ? k : 0;
        if (!kq) {
            fail(q ? "an answer of two commits" : "an answer of no commit", out.data);
            k = 0;
            break;
        }
        k = kq;
    }
    if (k && sr_index_generation(ix) != state_gen[k]) {
        fail("generation", "the snapshot's generation is not its answer's commit's");
        k = 0;
    }
    gz_buf_fini(&out);
    sr_index_close(ix);
    return k;
}

/* GET path from the server; the status, the body (headers and body). */
static int get(const char *path, gz_buf *all, const char **body)
{
    all->len = 0;
    *body = "";
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    char req[1024];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", path);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 || write(fd, req, (size_t)n) != n) {
        close(fd);
        return -1;
    }
    char chunk[65536];
    ssize_t got;
    while ((got = read(fd, chunk, sizeof chunk)) > 0)
        gz_buf_put(all, chunk, (size_t)got);
    close(fd);
    const char *s = gz_buf_cstr(all), *b = strstr(s, "\r\n\r\n");
    int status = -1;
    if (sscanf(s, "HTTP/1.%*d %d", &status) != 1 || !b)
        return -1;
    *body = b + 4;
    return status;
}

/* One look at the copy through `gazette serve`: every answer is 200, says
 * no damage, and is one commit's (the marker's names the commit: 0 on a
 * failure, noted). */
static int probe_http(void)
{
    gz_buf all;
    gz_buf_init(&all);
    int k = 0;
    for (int q = 0; q < N_QUERIES; q++) {
        const char *body;
        int status = get(query_url[q], &all, &body);
        int kq = status == 200 && !strstr(all.data, "X-Gazette-Index-Damaged") ? commit_of(q, body) : 0;
        if (!kq) {
            char what[64];
            snprintf(what, sizeof what, "HTTP %d, an answer of no commit", status);
            fail(what, all.data ? all.data : "");
            k = 0;
            break;
        }
        if (q == 0)
            k = kq;
    }
    gz_buf_fini(&all);
    return k;
}

static int (*probe)(void);

static void seen(int k, int *last)
{
    atomic_fetch_add(&probes, 1);
    if (k && k < *last)
        atomic_fetch_add(&went_back, 1);
    if (k)
        *last = k;
    int m = atomic_load(&seen_max);
    while (k > m && !atomic_compare_exchange_weak(&seen_max, &m, k))
        ;
}

static void *reader(void *arg)
{
    (void)arg;
    int last = 0;
    while (!atomic_load(&stop))
        seen(probe(), &last);
    return NULL;
}

/* A copy of a file as rsync makes it: to a temporary name beside it,
 * readable by all, then renamed. */
static void copy_file(const char *from, const char *to)
{
    size_t len;
    char *b = th_read(from, &len);
    cr_assert_not_null(b, "%s", from);
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.part", to);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert_geq(fd, 0, "%s: %s", tmp, strerror(errno));
    cr_assert_eq(fchmod(fd, 0644), 0);
    cr_assert_eq(write(fd, b, len), (ssize_t)len);
    cr_assert_eq(close(fd), 0);
    cr_assert_eq(rename(tmp, to), 0);
    free(b);
}

static int exists(const char *dir, const char *name)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return access(p, F_OK) == 0;
}

static int copier_last, probing;

/* One step of the copy, then a look at the copy (once it held a commit). */
static void step_done(void)
{
    usleep(2000); /* a slow link: the readers meet every state between */
    if (probing)
        seen(probe(), &copier_last);
}

/* Sends the primary's new files (segments and deletes are never rewritten
 * under the same name), or its MANIFEST. */
static void send_files(int manifest)
{
    DIR *d = opendir(primary);
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *n = e->d_name;
        if (n[0] == '.' || strcmp(n, "LOCK") == 0 || strstr(n, ".tmp") ||
            (strcmp(n, "MANIFEST") == 0) != manifest || (!manifest && exists(replica, n)))
            continue;
        char a[4200], b[4200];
        snprintf(a, sizeof a, "%s/%s", primary, n);
        snprintf(b, sizeof b, "%s/%s", replica, n);
        copy_file(a, b);
        step_done();
    }
    closedir(d);
}

/* The recipe (IN_ORDER): new files, then MANIFEST, then what is gone. */
static void replicate(enum order order)
{
    send_files(order == MANIFEST_FIRST);
    send_files(order == IN_ORDER);
    DIR *d = opendir(replica);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || exists(primary, e->d_name))
            continue;
        char p[4200];
        snprintf(p, sizeof p, "%s/%s", replica, e->d_name);
        cr_assert_eq(unlink(p), 0, "%s", p);
        step_done();
    }
    closedir(d);
}

static void write_file(const char *name, const char *mode, const char *text)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", src, name);
    FILE *f = fopen(p, mode);
    cr_assert_not_null(f, "%s", p);
    fputs(text, f);
    fclose(f);
}

/* Commit c on the primary, and its state noted: a file added each time
 * (the marker's answer changes), a law edited every third commit (a
 * deletes file), an added file deleted every fourth, a law removed at the
 * fifth, everything merged into one segment at the ninth. */
static void commit(int c)
{
    char name[64], text[256];
    snprintf(name, sizeof name, "commit-%02d.md", c);
    snprintf(text, sizeof text, "# 第%d次提交\n\n第一条 " MARKER "第%d次。\n", c, c);
    write_file(name, "w", text);
    if (c % 3 == 0) {
        snprintf(text, sizeof text, "\n第九百条 第%d次修改，" MARKER "。\n", c);
        write_file("电子签名法(2019-04-23).md", "a", text);
    }
    char p[4200];
    if (c % 4 == 0) {
        snprintf(p, sizeof p, "%s/commit-%02d.md", src, c - 2);
        cr_assert_eq(unlink(p), 0, "%s", p);
    }
    if (c == 5) {
        snprintf(p, sizeof p, "%s/个人独资企业法(1999-08-30).md", src);
        cr_assert_eq(unlink(p), 0, "%s", p);
    }
    ix_options o = {.dir = primary, .threads = 1, .log = fopen("/dev/null", "w")};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {src};
    o.prune = 1;
    cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
    if (c == 9)
        cr_assert_eq(ix_optimize(&o, &r, &err), GZ_OK, "%s", err.msg);
    fclose(o.log);
    sr_index *ix;
    cr_assert_eq(sr_index_open(primary, &ix, &err), GZ_OK, "%s", err.msg);
    gz_buf out;
    gz_buf_init(&out);
    for (int q = 0; q < N_QUERIES; q++) {
        cr_assert_eq(answer(ix, q, &out, &err), GZ_OK, "%s", err.msg);
        state[c][q] = strdup(out.data);
    }
    cr_assert_eq(commit_of(0, state[c][0]), 0, "commit %d answers the marker as an earlier one", c);
    state_gen[c] = sr_index_generation(ix);
    gz_buf_fini(&out);
    sr_index_close(ix);
    atomic_store(&n_states, c);
}

/* Makes n_commits commits, each copied in the given order while two
 * readers (and the copier, after each file) look at the copy with how.
 * After each copy the copy must answer as the new commit: at once when
 * copied in order, within wait_ms otherwise (0: not checked). */
static void run(enum order order, int n_commits, int (*how)(void), int wait_ms)
{
    probe = how;
    cr_assert_not_null(mkdtemp(primary));
    cr_assert_not_null(mkdtemp(src));
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "cp '%s'/laws/*.md '%s'/", GZ_SAMPLE_DIR, src);
    cr_assert_eq(system(cmd), 0);
    pthread_t th[2];
    for (int c = 1; c <= n_commits; c++) {
        commit(c);
        replicate(order);
        if (c == 1) /* readers start on the first whole copy */
            for (int i = 0; i < 2; i++)
                pthread_create(&th[i], NULL, reader, NULL);
        probing = 1;
        for (int waited = 0; waited < wait_ms && probe() != c; waited += 20)
            usleep(20000);
        seen(probe(), &copier_last);
        if (order == IN_ORDER || wait_ms)
            cr_assert_eq(copier_last, c, "commit %d not served %d ms after its copy (%s)", c, wait_ms, failure);
    }
    usleep(100000);
    atomic_store(&stop, 1);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    fprintf(stderr, "replica: %d looks at the copy, %d failed, newest commit seen %d of %d\n",
            atomic_load(&probes), atomic_load(&failures), atomic_load(&seen_max), n_commits);
}

static void assert_only_whole_commits(int n_commits)
{
    cr_assert_eq(atomic_load(&failures), 0, "%d of %d looks failed; first: %s", atomic_load(&failures),
                 atomic_load(&probes), failure);
    cr_assert_eq(atomic_load(&went_back), 0, "a reader went back to an older commit");
    cr_assert_eq(atomic_load(&seen_max), n_commits, "the last commit is served");
    cr_assert_eq(copier_last, n_commits);
}

TestSuite(replica, .timeout = 300);

Test(replica, a_copy_made_segments_first_and_manifest_last_serves_only_whole_commits)
{
    cr_assert_not_null(mkdtemp(replica));
    run(IN_ORDER, MAX_COMMITS, probe_library, 0);
    assert_only_whole_commits(MAX_COMMITS);
}

/* The same readers see a copy in the wrong order: a MANIFEST naming a
 * segment that is not there yet. (The check can fail.) */
Test(replica, copying_the_manifest_first_is_caught)
{
    cr_assert_not_null(mkdtemp(replica));
    run(MANIFEST_FIRST, 3, probe_library, 0);
    cr_assert_gt(atomic_load(&failures), 0, "a MANIFEST copied before its segments went unseen");
    cr_assert(strstr(failure, "open") && strstr(failure, ".gzs"), "%s", failure);
}

/* `gazette serve` on the copy as user nobody (when run as root), so it
 * cannot write there; its stderr goes to log. */
static pid_t serve(const char *log)
{
    char gazette[4200];
    snprintf(gazette, sizeof gazette, "%s/gazette", GZ_BUILD_DIR);
    cr_assert_eq(chmod(replica, 0755), 0);
    /* opened here, run by descriptor: nobody may not reach the build tree */
    int exe = open(gazette, O_RDONLY | O_CLOEXEC);
    cr_assert_geq(exe, 0, "%s: %s", gazette, strerror(errno));
    int out[2];
    cr_assert_eq(pipe(out), 0);
    int err_fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert_geq(err_fd, 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(err_fd, 2);
        close(out[0]);
        if (geteuid() == 0 && (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0))
            _exit(3);
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* after setuid, which clears it */
        char *argv[] = {gazette, "serve", "--index", replica, "--port", "0", "--threads", "4", NULL};
        fexecve(exe, argv, environ);
        _exit(4);
    }
    close(out[1]);
    close(err_fd);
    close(exe);
    char line[4500] = "";
    FILE *f = fdopen(out[0], "r");
    cr_assert(fgets(line, sizeof line, f), "gazette serve said nothing (see %s)", log);
    const char *at = strstr(line, "http://127.0.0.1:");
    cr_assert(at && sscanf(at, "http://127.0.0.1:%u/", &port) == 1, "%s", line);
    if (geteuid() != 0)
        fprintf(stderr, "replica: not root, so gazette serve keeps write access to the copy\n");
    return pid;
}

/* run() with `gazette serve` on the copy, stopped at the end: whole
 * commits only, nothing written in the copy (no LOCK, nothing but what
 * was copied), and never a word of damage. What it logged, to free. */
static char *run_served(enum order order, int n_commits, int wait_ms)
{
    cr_assert_not_null(mkdtemp(replica));
    char log[] = "/tmp/gz-rep-log-XXXXXX";
    cr_assert_geq(mkstemp(log), 0);
    pid_t pid = serve(log);
    run(order, n_commits, probe_http, wait_ms);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    size_t len;
    char *said = th_read(log, &len);
    cr_assert_not_null(said);
    unlink(log);
    assert_only_whole_commits(n_commits);
    cr_assert(!exists(replica, "LOCK"));
    DIR *d = opendir(replica);
    struct dirent *e;
    while ((e = readdir(d)))
        cr_assert(e->d_name[0] == '.' || exists(primary, e->d_name), "%s appeared in the copy", e->d_name);
    closedir(d);
    /* it said nothing but that a file is not there yet (no damage, no
     * sanitizer's report) */
    for (const char *line = said; *line; line = strchr(line, '\n') + 1)
        cr_assert(strncmp(line, MISSING_SAID, strlen(MISSING_SAID)) == 0 && strchr(line, '\n'), "%s", line);
    return said;
}

Test(replica, gazette_serve_without_write_access_follows_each_commit_copied_in_order)
{
    free(run_served(IN_ORDER, MAX_COMMITS, 0));
}

/* Copied in the wrong order, the server keeps answering from the last
 * whole commit, says so only in its log, and takes the new one within a
 * retry of its segments' arrival, with no new MANIFEST to notice. */
Test(replica, gazette_serve_keeps_the_last_whole_commit_while_a_segment_is_missing)
{
    char *said = run_served(MANIFEST_FIRST, 6, 4 * SV_RETRY_MS);
    cr_assert(strstr(said, MISSING_SAID) && strstr(said, ".gzs"), "%s", said);
    free(said);
}

/* A reader that read an older MANIFEST may find its deletes file already
 * removed (by the writer's clean-up, or a replica's last step): that is a
 * missing file, as for a segment, so the open reads MANIFEST again, and
 * not damage. */
Test(replica, a_removed_deletes_file_reads_as_missing_not_corrupt)
{
    char d[] = "/tmp/gz-rep-d-XXXXXX";
    cr_assert_not_null(mkdtemp(d));
    char p[4200];
    gz_path_deletes(p, sizeof p, d, 7, 3);
    uint8_t *bits = NULL;
    gz_error err = {0};
    cr_assert_eq(gz_deletes_read(p, 10, &bits, &err), GZ_IO, "%s", err.msg);
    cr_assert_eq(err.sys_errno, ENOENT);
    cr_assert(strstr(err.msg, "del-000007-000003"), "%s", err.msg);
    cr_assert_null(bits);
}
