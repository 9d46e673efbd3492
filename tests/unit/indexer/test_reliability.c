/* Reliability trials that fit in `make test`: every index file corrupted
 * (bytes flipped, truncated) is reported naming the file and never crashes
 * a search; a full disk fails the run with a clear message and leaves the
 * previous commit intact; oversized input and queries are refused or
 * bounded. The long versions are scripts (docs/reliability.md). */
#include "corpus/corpus.h"
#include "format/format.h"
#include "indexer/indexer.h"
#include "searcher/searcher.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <sys/mount.h>
#include <unistd.h>

static void copy(const char *from, const char *to)
{
    size_t len;
    char *b = th_read(from, &len);
    cr_assert_not_null(b, "%s", from);
    FILE *f = fopen(to, "wb");
    cr_assert_not_null(f);
    fwrite(b, 1, len, f);
    fclose(f);
    free(b);
}

static gz_status index_dir(const char *dir, const char *src, gz_error *err)
{
    ix_options o = {.dir = dir, .threads = 1, .log = fopen("/dev/null", "w")}; /* one segment: a change leaves a delete file */
    ix_report r;
    char *paths[] = {(char *)src};
    gz_status st = ix_index(&o, paths, 1, &r, err);
    fclose(o.log);
    return st;
}

TestSuite(reliability, .timeout = 600);

Test(reliability, every_corrupted_file_is_named_and_never_crashes)
{
    char src[] = "/tmp/gz-rel-src-XXXXXX", dir[] = "/tmp/gz-rel-ix-XXXXXX";
    cr_assert_not_null(mkdtemp(src));
    cr_assert_not_null(mkdtemp(dir));
    char a[4200], b[4200];
    snprintf(a, sizeof a, "%s/laws/电子签名法(2019-04-23).md", GZ_SAMPLE_DIR);
    snprintf(b, sizeof b, "%s/law.md", src);
    copy(a, b);
    snprintf(a, sizeof a, "%s/laws/个人独资企业法(1999-08-30).md", GZ_SAMPLE_DIR);
    snprintf(b, sizeof b, "%s/other.md", src);
    copy(a, b);
    gz_error err = {0};
    cr_assert_eq(index_dir(dir, src, &err), GZ_OK, "%s", err.msg);
    /* a change: the old version becomes a delete file */
    FILE *f = fopen(b, "a");
    fputs("\n第九十九条 修订。\n", f);
    fclose(f);
    cr_assert_eq(index_dir(dir, src, &err), GZ_OK, "%s", err.msg);

    DIR *d = opendir(dir);
    struct dirent *e;
    int files = 0, kinds = 0, trials = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "LOCK") == 0)
            continue;
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len;
        char *img = th_read(path, &len);
        cr_assert_not_null(img);
        files++;
        kinds |= strcmp(e->d_name, "MANIFEST") == 0 ? 1 : strncmp(e->d_name, "seg-", 4) == 0 ? 2 : 4;
        size_t stride = len / 60 + 1;
        for (size_t at = 0; at <= len; at += stride) {
            /* flip a byte, or (past the end) truncate by a third */
            FILE *w = fopen(path, "wb");
            if (at < len) {
                img[at] ^= 0x21;
                fwrite(img, 1, len, w);
                img[at] ^= 0x21;
            } else {
                fwrite(img, 1, len * 2 / 3, w);
            }
            fclose(w);
            sr_index *ix;
            gz_error e2 = {0};
            gz_status st = sr_index_open(dir, &ix, &e2);
            cr_assert_neq(st, GZ_OK, "%s corrupted at %zu but opened", e->d_name, at);
            cr_assert(strstr(e2.msg, e->d_name), "the error names %s: %s", e->d_name, e2.msg);
            char out_path[] = "/tmp/gz-rel-check-XXXXXX";
            int fd = mkstemp(out_path);
            FILE *out = fdopen(fd, "w+");
            cr_assert_neq(ix_check(dir, out, &e2), GZ_OK, "check passed a corrupted %s", e->d_name);
            fclose(out);
            size_t ol;
            char *report = th_read(out_path, &ol);
            cr_assert(strstr(report, e->d_name), "check names %s: %s", e->d_name, report);
            free(report);
            unlink(out_path);
            trials++;
        }
        FILE *w = fopen(path, "wb");
        fwrite(img, 1, len, w);
        fclose(w);
        free(img);
    }
    closedir(d);
    cr_assert_eq(kinds, 7, "manifest, segment and delete files were all tried");
    /* restored, it opens and checks clean again */
    FILE *out = fopen("/dev/null", "w");
    cr_assert_eq(ix_check(dir, out, &err), GZ_OK, "%s", err.msg);
    fclose(out);
    fprintf(stderr, "corruption trials: %d files, %d corruptions, all reported\n", files, trials);
}

Test(reliability, a_full_disk_fails_clearly_and_keeps_the_last_commit)
{
    char mnt[] = "/tmp/gz-rel-tmpfs-XXXXXX", src[] = "/tmp/gz-rel-src2-XXXXXX";
    cr_assert_not_null(mkdtemp(mnt));
    cr_assert_not_null(mkdtemp(src));
    if (mount("tmpfs", mnt, "tmpfs", 0, "size=600k") != 0) {
        fprintf(stderr, "SKIP reliability::a_full_disk: cannot mount a tmpfs here (%s)\n", strerror(errno));
        cr_skip_test("cannot mount a tmpfs (not root?)");
    }
    char dir[4200], a[4200], b[4200];
    snprintf(dir, sizeof dir, "%s/ix", mnt);
    snprintf(a, sizeof a, "%s/laws/电子签名法(2019-04-23).md", GZ_SAMPLE_DIR);
    snprintf(b, sizeof b, "%s/small.md", src);
    copy(a, b);
    gz_error err = {0};
    gz_status st = index_dir(dir, src, &err);
    if (st != GZ_OK)
        umount(mnt);
    cr_assert_eq(st, GZ_OK, "%s", err.msg);
    gz_snapshot *s;
    cr_assert_eq(gz_snapshot_open(dir, &s, &err), GZ_OK);
    uint64_t docs = s->n_live_docs, gen = s->man.generation;
    gz_snapshot_close(s);
    /* far more than the disk holds */
    for (int i = 0; i < 6; i++) {
        snprintf(a, sizeof a, "%s/laws/刑法.md", GZ_SAMPLE_DIR);
        snprintf(b, sizeof b, "%s/big-%d.md", src, i);
        copy(a, b);
        FILE *f = fopen(b, "a");
        fprintf(f, "\n第九千条 第%d份。\n", i);
        fclose(f);
    }
    memset(&err, 0, sizeof err);
    st = index_dir(dir, src, &err);
    int clear = st != GZ_OK && strstr(err.msg, "No space left");
    cr_assert_eq(gz_snapshot_open(dir, &s, &err), GZ_OK, "the last commit opens: %s", err.msg);
    uint64_t docs2 = s->n_live_docs, gen2 = s->man.generation;
    gz_snapshot_close(s);
    FILE *out = fopen("/dev/null", "w");
    gz_status ck = ix_check(dir, out, &err);
    fclose(out);
    umount(mnt);
    cr_assert_neq(st, GZ_OK, "indexing onto a full disk must fail");
    cr_assert(clear, "the message says the disk is full: %s", err.msg);
    cr_assert_eq(docs2, docs);
    cr_assert_eq(gen2, gen);
    cr_assert_eq(ck, GZ_OK);
}

Test(reliability, huge_files_are_refused_by_name)
{
    char src[] = "/tmp/gz-rel-huge-XXXXXX";
    cr_assert_not_null(mkdtemp(src));
    char p[4200];
    snprintf(p, sizeof p, "%s/huge.txt", src);
    FILE *f = fopen(p, "wb");
    cr_assert_eq(ftruncate(fileno(f), (off_t)CP_MAX_FILE_BYTES + 4096), 0); /* sparse */
    fclose(f);
    gz_doc d;
    gz_doc_init(&d);
    gz_error err = {0};
    cr_assert_eq(cp_parse_file(p, CP_FORMAT_AUTO, &d, &err), GZ_INVALID);
    cr_assert(strstr(err.msg, "huge.txt") && strstr(err.msg, "too large"), "%s", err.msg);
    gz_doc_fini(&d);
    unlink(p);
}

Test(reliability, deep_and_long_queries_are_bounded)
{
    char dir[] = "/tmp/gz-rel-q-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    gz_error err = {0};
    cr_assert_eq(index_dir(dir, GZ_SAMPLE_DIR "/seed", &err), GZ_OK, "%s", err.msg);
    sr_index *ix;
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK);
    size_t n = 20000;
    char *q = malloc(n * 2 + 16);
    memset(q, '(', n);
    strcpy(q + n, "企业");
    memset(q + n + strlen("企业"), ')', n);
    q[2 * n + strlen("企业")] = 0;
    gz_buf out;
    gz_buf_init(&out);
    sr_request rq = {.query = q, .n = 3};
    cr_assert_eq(sr_search_json(ix, &rq, &out, &err), GZ_OK);
    cr_assert(strstr(gz_buf_cstr(&out), "too deep"), "a note says so");
    free(q);
    /* 50,000 words */
    gz_buf big;
    gz_buf_init(&big);
    for (int i = 0; i < 50000; i++)
        gz_buf_puts(&big, i % 2 ? "企业 " : "NOT ");
    rq.query = gz_buf_cstr(&big);
    out.len = 0;
    cr_assert_eq(sr_search_json(ix, &rq, &out, &err), GZ_OK);
    gz_buf_fini(&big);
    gz_buf_fini(&out);
    sr_index_close(ix);
}
