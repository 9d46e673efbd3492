/* A read-only replica made with ordinary file copies (docs/replicas.md):
 * each commit of the primary is copied file by file, segments and deletes
 * first, MANIFEST last (to a temporary name, then renamed, as rsync does),
 * then the files the copy no longer names are removed. A reader that
 * opens the copy again and again meanwhile, as the server's pool does
 * when MANIFEST changes, sees only whole commits: every open succeeds and
 * answers as one of the primary's commits did. */
#include "format/format.h"
#include "indexer/indexer.h"
#include "searcher/searcher.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#define N_COMMITS 14

static char primary[] = "/tmp/gz-rep-a-XXXXXX", replica[] = "/tmp/gz-rep-b-XXXXXX", src[] = "/tmp/gz-rep-s-XXXXXX";
static atomic_int stop, opens, failures, went_back;
static atomic_llong seen_max;
static char failure[512];

/* The total of the word every commit adds once, or -1. */
static long long marker_total(sr_index *ix)
{
    gz_buf out;
    gz_buf_init(&out);
    gz_error err = {0};
    sr_request rq = {.query = "副本同步测试", .n = 1};
    long long t = -1;
    if (sr_search_json(ix, &rq, &out, &err) == GZ_OK) {
        json_object *o = json_tokener_parse(gz_buf_cstr(&out)), *v;
        if (o && json_object_object_get_ex(o, "total", &v))
            t = json_object_get_int64(v);
        json_object_put(o);
    }
    gz_buf_fini(&out);
    return t;
}

static void *reader(void *arg)
{
    (void)arg;
    long long last = 0;
    while (!atomic_load(&stop)) {
        sr_index *ix;
        gz_error err = {0};
        if (sr_index_open(replica, &ix, &err) != GZ_OK) {
            if (!atomic_fetch_add(&failures, 1))
                snprintf(failure, sizeof failure, "open: %s", err.msg);
            continue;
        }
        long long t = marker_total(ix);
        sr_index_close(ix);
        atomic_fetch_add(&opens, 1);
        if (t < 1 || t > N_COMMITS) {
            if (!atomic_fetch_add(&failures, 1))
                snprintf(failure, sizeof failure, "a total of %lld, no commit's", t);
        }
        if (t < last)
            atomic_fetch_add(&went_back, 1);
        last = t;
        if (t > atomic_load(&seen_max))
            atomic_store(&seen_max, t);
    }
    return NULL;
}

static void copy_file(const char *from, const char *to)
{
    size_t len;
    char *b = th_read(from, &len);
    cr_assert_not_null(b, "%s", from);
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.part", to);
    FILE *f = fopen(tmp, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(b, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
    cr_assert_eq(rename(tmp, to), 0);
    free(b);
}

static int exists(const char *dir, const char *name)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return access(p, F_OK) == 0;
}

/* The recipe: new files (segments and deletes are never rewritten under
 * the same name), then MANIFEST, then what is gone. */
static void replicate(void)
{
    for (int pass = 0; pass < 3; pass++) {
        DIR *d = opendir(pass < 2 ? primary : replica);
        struct dirent *e;
        while ((e = readdir(d))) {
            const char *n = e->d_name;
            if (n[0] == '.' || strcmp(n, "LOCK") == 0 || strstr(n, ".tmp") || strstr(n, ".part"))
                continue;
            char a[4200], b[4200];
            snprintf(a, sizeof a, "%s/%s", primary, n);
            snprintf(b, sizeof b, "%s/%s", replica, n);
            int manifest = strcmp(n, "MANIFEST") == 0;
            if (pass == 0 && !manifest && !exists(replica, n))
                copy_file(a, b);
            else if (pass == 1 && manifest)
                copy_file(a, b);
            else if (pass == 2 && !exists(primary, n))
                cr_assert_eq(unlink(b), 0);
            usleep(2000); /* a slow link: readers meet every state between */
        }
        closedir(d);
    }
}

Test(replica, a_copy_made_segments_first_and_manifest_last_serves_only_whole_commits, .timeout = 300)
{
    cr_assert_not_null(mkdtemp(primary));
    cr_assert_not_null(mkdtemp(replica));
    cr_assert_not_null(mkdtemp(src));
    char laws[4200];
    snprintf(laws, sizeof laws, "cp '%s'/laws/*.md '%s'/", GZ_SAMPLE_DIR, src);
    cr_assert_eq(system(laws), 0);
    pthread_t th[2];
    for (int c = 1; c <= N_COMMITS; c++) {
        /* a commit: a new file holding the word once; every third also
         * edits a law (a deletes file); the ninth is an optimize */
        char p[4200];
        snprintf(p, sizeof p, "%s/commit-%02d.md", src, c);
        FILE *f = fopen(p, "w");
        fprintf(f, "# 第%d次提交\n\n第一条 副本同步测试第%d次。\n", c, c);
        fclose(f);
        if (c % 3 == 0) {
            snprintf(p, sizeof p, "%s/电子签名法(2019-04-23).md", src);
            f = fopen(p, "a");
            fprintf(f, "\n第九百条 第%d次修改。\n", c);
            fclose(f);
        }
        ix_options o = {.dir = primary, .threads = 1, .log = fopen("/dev/null", "w")};
        ix_report r;
        gz_error err = {0};
        char *paths[] = {src};
        cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
        if (c == 9)
            cr_assert_eq(ix_optimize(&o, &r, &err), GZ_OK, "%s", err.msg);
        fclose(o.log);
        replicate();
        if (c == 1) /* readers start on the first whole copy */
            for (int i = 0; i < 2; i++)
                pthread_create(&th[i], NULL, reader, NULL);
    }
    usleep(100000);
    atomic_store(&stop, 1);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    fprintf(stderr, "replica: %d opens of the copy, %d failed, newest commit seen %lld of %d\n", atomic_load(&opens),
            atomic_load(&failures), atomic_load(&seen_max), N_COMMITS);
    cr_assert_eq(atomic_load(&failures), 0, "%d of %d opens failed; first: %s", atomic_load(&failures),
                 atomic_load(&opens), failure);
    cr_assert_eq(atomic_load(&went_back), 0, "a reader went back to an older commit");
    cr_assert_eq(atomic_load(&seen_max), N_COMMITS, "the last commit is served");
    cr_assert_gt(atomic_load(&opens), N_COMMITS);
}

/* A reader that read an older MANIFEST may find its deletes file already
 * removed (by the writer's clean-up, or a replica's step 4): that is a
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
