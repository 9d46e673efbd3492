/* Symbolic links in a corpus (corpus/corpus.c cp_list, the indexer's
 * listing): not followed by default, each skipped by name with its reason
 * while the batch goes on; with follow_symlinks followed only inside the
 * root, each real file indexed once. */
#include "corpus/corpus.h"
#include "indexer/indexer.h"
#include "searcher/testing.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <unistd.h>

TestSuite(symlinks);

static void copy_law(const char *src_dir, const char *name)
{
    size_t len;
    char *text = th_read(GZ_SAMPLE_DIR "/laws/电子签名法(2019-04-23).md", &len);
    cr_assert_not_null(text);
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", src_dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fwrite(text, 1, len, f);
    fprintf(f, "\n第九十九条 %s 的标记。\n", name);
    fclose(f);
    free(text);
}

static void link_at(const char *src_dir, const char *target, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", src_dir, name);
    cr_assert_eq(symlink(target, path), 0, "%s", path);
}

/* src (a mkdtemp template) with a.md and sub/b.md; sub gets src/sub. */
static void make_tree(char *src, char *sub)
{
    cr_assert_not_null(mkdtemp(src));
    copy_law(src, "a.md");
    snprintf(sub, 4200, "%s/sub", src);
    cr_assert_eq(mkdir(sub, 0755), 0);
    copy_law(sub, "b.md");
}

/* Indexes src into a new index; the log's text into log (caller frees). */
static gz_status index_it(char *src, int follow, ix_report *r, char **log, char *dir)
{
    cr_assert_not_null(mkdtemp(dir));
    FILE *f = tmpfile();
    ix_options o = {.dir = dir, .threads = 1, .log = f, .follow_symlinks = follow};
    gz_error err = {0};
    char *paths[] = {src};
    gz_status st = ix_index(&o, paths, 1, r, &err);
    long n = ftell(f);
    rewind(f);
    *log = calloc((size_t)n + 1, 1);
    cr_assert_eq(fread(*log, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    cr_assert_eq(st, GZ_OK, "%s", err.msg);
    return st;
}

static size_t hits(const char *dir, const char *q)
{
    sr_index *ix;
    gz_error err;
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
    uint64_t *ids;
    size_t n;
    cr_assert_eq(sr_search_ids(ix, q, &ids, &n, &err), GZ_OK);
    gz_free(ids);
    sr_index_close(ix);
    return n;
}

Test(symlinks, links_are_skipped_by_name_and_the_batch_goes_on)
{
    char src[] = "/tmp/gz-links-XXXXXX", dir[] = "/tmp/gz-links-idx-XXXXXX";
    char sub[4200];
    make_tree(src, sub);
    link_at(src, "/nonexistent/file.md", "dangling.md");
    link_at(sub, "..", "loop");
    link_at(src, "/proc/self", "self");
    link_at(src, "/etc/passwd", "p.md");
    ix_report r;
    char *log;
    index_it(src, 0, &r, &log, dir);
    cr_assert_eq(r.indexed, 2, "the real files are indexed: %zu\n%s", r.indexed, log);
    cr_assert_eq(r.skipped, 4, "each link skipped: %zu\n%s", r.skipped, log);
    const char *names[] = {"dangling.md: a dangling symbolic link", "sub/loop: a symbolic link, not followed",
                           "self: a symbolic link to outside the indexed root",
                           "p.md: a symbolic link to outside the indexed root"};
    for (size_t i = 0; i < 4; i++)
        cr_assert(strstr(log, names[i]), "'%s' not named in:\n%s", names[i], log);
    /* what the link pointed to was never read */
    cr_assert_eq(hits(dir, "root"), 0);
    free(log);
}

Test(symlinks, followed_links_stay_inside_the_root_and_each_file_is_indexed_once)
{
    char src[] = "/tmp/gz-links-XXXXXX", dir[] = "/tmp/gz-links-idx-XXXXXX";
    char sub[4200];
    make_tree(src, sub);
    link_at(sub, "..", "loop");            /* a loop: 33 copies of each file before */
    link_at(src, "a.md", "alias.md");       /* the same file again */
    link_at(src, "sub", "sub-alias");       /* the same directory again */
    link_at(src, "/etc/passwd", "p.md");    /* outside the root */
    link_at(src, "/nonexistent", "gone.md"); /* dangling */
    link_at(src, "self-loop", "self-loop"); /* a link to itself */
    ix_report r;
    char *log;
    index_it(src, 1, &r, &log, dir);
    cr_assert_eq(r.files, 2, "each real file once: %zu files\n%s", r.files, log);
    cr_assert_eq(r.indexed, 2);
    cr_assert(strstr(log, "p.md: a symbolic link to outside the indexed root"), "%s", log);
    cr_assert(strstr(log, "gone.md: a dangling symbolic link"), "%s", log);
    cr_assert(strstr(log, "self-loop: a symbolic link loop"), "%s", log);
    cr_assert(strstr(log, "alias.md: the same file as another path listed"), "%s", log);
    cr_assert(strstr(log, "a directory listed already"), "%s", log);
    cr_assert_eq(hits(dir, "root"), 0);
    cr_assert_eq(hits(dir, "a.md 的标记"), 1, "a.md indexed once");
    free(log);
}

Test(symlinks, a_link_named_as_the_root_is_followed)
{
    char src[] = "/tmp/gz-links-XXXXXX", dir[] = "/tmp/gz-links-idx-XXXXXX";
    cr_assert_not_null(mkdtemp(src));
    copy_law(src, "a.md");
    char root_link[4200];
    snprintf(root_link, sizeof root_link, "%s-link", src);
    cr_assert_eq(symlink(src, root_link), 0);
    ix_report r;
    char *log;
    index_it(root_link, 0, &r, &log, dir);
    cr_assert_eq(r.indexed, 1, "%s", log);
    cr_assert_eq(r.skipped, 0);
    free(log);
    unlink(root_link);
}
