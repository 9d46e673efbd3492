/* What the nightly job does when things go wrong around it: a damaged
 * commit is refused naming the file, and repaired in place by the next run
 * (or at once with --repair); an
 * unmounted or emptied folder is not pruned; an fsync failure after the
 * commit point is reported as a live commit that is not yet durable. The
 * binary is linked with fsync and rename wrapped (tests/CMakeLists.txt), so
 * a test can fail the directory's fsync that follows the MANIFEST's
 * rename. */
#include "format/format.h"
#include "indexer/indexer.h"
#include "searcher/testing.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------ fault wrapping */

int __real_fsync(int fd);
int __real_rename(const char *from, const char *to);
static int fail_dir_fsync_after_manifest; /* armed by a test */
static int manifest_renamed;

int __wrap_rename(const char *from, const char *to)
{
    int r = __real_rename(from, to);
    size_t n = strlen(to);
    if (r == 0 && n >= 9 && strcmp(to + n - 9, "/MANIFEST") == 0)
        manifest_renamed = 1;
    return r;
}

int __wrap_fsync(int fd)
{
    struct stat st;
    if (fail_dir_fsync_after_manifest && manifest_renamed && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        errno = EIO;
        return -1;
    }
    return __real_fsync(fd);
}

/* -------------------------------------------------------------- helpers */

static FILE *devnull(void) { return fopen("/dev/null", "w"); }

static gz_status run_index(const char *dir, char **paths, size_t n, ix_options *extra, ix_report *r, gz_error *err)
{
    ix_options o = extra ? *extra : (ix_options){0};
    o.dir = dir;
    o.threads = 1;
    o.log = devnull();
    memset(err, 0, sizeof *err);
    gz_status st = ix_index(&o, paths, n, r, err);
    fclose(o.log);
    return st;
}

/* A folder with the sample's laws (six files). */
static void laws_copy(char *src)
{
    cr_assert_not_null(mkdtemp(src));
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "cp '%s'/laws/*.md '%s'/", GZ_SAMPLE_DIR, src);
    cr_assert_eq(system(cmd), 0);
}

/* src and dir (mkdtemp templates): a copy of the laws, indexed. */
static void build_laws(char *src, char *dir, ix_options *o)
{
    laws_copy(src);
    cr_assert_not_null(mkdtemp(dir));
    char *paths[] = {src};
    ix_report r;
    gz_error err;
    cr_assert_eq(run_index(dir, paths, 1, o, &r, &err), GZ_OK, "%s", err.msg);
}

static uint64_t live_docs(const char *dir)
{
    gz_snapshot *s;
    gz_error err = {0};
    cr_assert_eq(gz_snapshot_open(dir, &s, &err), GZ_OK, "%s", err.msg);
    uint64_t n = s->n_live_docs;
    gz_snapshot_close(s);
    return n;
}

static char *check_report(const char *dir, gz_status *st)
{
    char path[] = "/tmp/gz-dmg-check-XXXXXX";
    int fd = mkstemp(path);
    FILE *out = fdopen(fd, "w");
    gz_error err = {0};
    *st = ix_check(dir, out, &err);
    fclose(out);
    size_t len;
    char *t = th_read(path, &len);
    unlink(path);
    return t;
}

static void check_clean(const char *dir)
{
    gz_status st;
    char *rep = check_report(dir, &st);
    cr_assert_eq(st, GZ_OK, "%s", rep);
    free(rep);
}

static void flip(const char *path, size_t at_permille)
{
    size_t len;
    char *img = th_read(path, &len);
    cr_assert_not_null(img, "%s", path);
    img[len * at_permille / 1000] ^= 0x21;
    FILE *f = fopen(path, "wb");
    fwrite(img, 1, len, f);
    fclose(f);
    free(img);
}

/* The first segment file of the last commit, and the display names of
 * the sources in it. */
static void first_segment(const char *dir, char *path, size_t cap, char names[8][256], size_t *n_names)
{
    gz_manifest m;
    gz_manifest_init(&m);
    cr_assert_eq(gz_manifest_read(dir, &m, NULL), GZ_OK);
    gz_path_segment(path, cap, dir, m.seg[0].id);
    *n_names = 0;
    for (size_t i = 0; i < m.n_src && *n_names < 8; i++)
        if (m.src[i].segment == m.seg[0].id && m.src[i].n_docs)
            snprintf(names[(*n_names)++], 256, "%s", m.src[i].display);
    gz_manifest_fini(&m);
}

TestSuite(damage, .timeout = 300);

/* ----------------------------------------------------------------- tests */

Test(damage, a_damaged_segment_is_named_then_repaired_in_place)
{
    char src[] = "/tmp/gz-dmg-src-XXXXXX", dir[] = "/tmp/gz-dmg-ix-XXXXXX";
    ix_options two = {.ram_mb = 1}; /* several segments */
    build_laws(src, dir, &two);
    char *paths[] = {src};
    ix_report r;
    gz_error err;
    uint64_t docs = live_docs(dir);
    char seg[4200], names[8][256];
    size_t n_names;
    first_segment(dir, seg, sizeof seg, names, &n_names);
    cr_assert_gt(n_names, 0);
    flip(seg, 500);
    /* refused, naming the file; nothing committed, not "nothing changed" */
    cr_assert_eq(run_index(dir, paths, 1, NULL, &r, &err), GZ_CORRUPT);
    cr_assert(strstr(err.msg, strrchr(seg, '/') + 1), "names the file: %s", err.msg);
    cr_assert_eq(r.committed, 0);
    /* check names it and the sources a repair reads again */
    gz_status cst;
    char *rep = check_report(dir, &cst);
    cr_assert_neq(cst, GZ_OK);
    cr_assert(strstr(rep, strrchr(seg, '/') + 1), "%s", rep);
    for (size_t i = 0; i < n_names; i++)
        cr_assert(strstr(rep, names[i]), "check names %s: %s", names[i], rep);
    free(rep);
    /* optimize refuses too */
    ix_options oo = {.dir = dir, .log = devnull()};
    cr_assert_eq(ix_optimize(&oo, &r, &err), GZ_CORRUPT);
    fclose(oo.log);
    /* the next run repairs what the last reported: the segment leaves,
     * its sources are indexed again */
    cr_assert_eq(run_index(dir, paths, 1, NULL, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(r.damaged_segments, 1);
    cr_assert_eq(r.repaired, n_names);
    cr_assert_eq(r.lost, 0);
    cr_assert_eq(r.committed, 1);
    check_clean(dir);
    cr_assert_eq(live_docs(dir), docs, "every document is back");
    /* a later run has nothing to do */
    cr_assert_eq(run_index(dir, paths, 1, NULL, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(r.committed, 0);
}

Test(damage, a_repair_names_the_sources_it_cannot_read_again)
{
    char src[] = "/tmp/gz-dmg-src-XXXXXX", dir[] = "/tmp/gz-dmg-ix-XXXXXX";
    build_laws(src, dir, NULL);
    char *paths[] = {src};
    ix_report r;
    gz_error err;
    char seg[4200], names[8][256];
    size_t n_names;
    first_segment(dir, seg, sizeof seg, names, &n_names);
    cr_assert_eq(unlink(seg), 0); /* a missing segment file */
    cr_assert_eq(run_index(dir, paths, 1, NULL, &r, &err), GZ_CORRUPT);
    cr_assert(strstr(err.msg, strrchr(seg, '/') + 1), "%s", err.msg);
    /* repaired at once (--repair) from a folder that lacks one of its files */
    char gone[4200];
    snprintf(gone, sizeof gone, "%s/%s", src, names[0]);
    cr_assert_eq(unlink(gone), 0);
    ix_options fix = {.repair = 1};
    cr_assert_eq(run_index(dir, paths, 1, &fix, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(r.lost, 1);
    cr_assert_eq(r.repaired, n_names - 1);
    check_clean(dir);
}

Test(damage, a_damaged_manifest_is_refused_and_rebuilt_on_repair)
{
    char src[] = "/tmp/gz-dmg-src-XXXXXX", dir[] = "/tmp/gz-dmg-ix-XXXXXX";
    build_laws(src, dir, NULL);
    char *paths[] = {src};
    ix_report r;
    gz_error err;
    uint64_t docs = live_docs(dir);
    char man[4200];
    snprintf(man, sizeof man, "%s/MANIFEST", dir);
    flip(man, 700);
    cr_assert_eq(run_index(dir, paths, 1, NULL, &r, &err), GZ_CORRUPT);
    cr_assert(strstr(err.msg, "MANIFEST"), "%s", err.msg);
    cr_assert_eq(run_index(dir, paths, 1, NULL, &r, &err), GZ_OK, "the next run repairs it: %s", err.msg);
    cr_assert_eq(live_docs(dir), docs);
    check_clean(dir);
}

Test(damage, prune_refuses_an_emptied_folder_and_more_than_its_share)
{
    char src[] = "/tmp/gz-dmg-src-XXXXXX", dir[] = "/tmp/gz-dmg-ix-XXXXXX";
    build_laws(src, dir, NULL);
    char *paths[] = {src};
    ix_report r;
    gz_error err;
    uint64_t docs = live_docs(dir);
    /* the share did not mount: the folder is there, empty */
    char away[4200], cmd[8600];
    snprintf(away, sizeof away, "%s.away", src);
    cr_assert_eq(rename(src, away), 0);
    cr_assert_eq(mkdir(src, 0755), 0);
    ix_options prune = {.prune = 1};
    cr_assert_eq(run_index(dir, paths, 1, &prune, &r, &err), GZ_INVALID);
    cr_assert(strstr(err.msg, src) && strstr(err.msg, "6 sources") && strstr(err.msg, "--prune-force"), "%s",
              err.msg);
    cr_assert_eq(live_docs(dir), docs, "nothing removed");
    /* four of six gone: more than half */
    cr_assert_eq(rmdir(src), 0);
    cr_assert_eq(rename(away, src), 0);
    snprintf(cmd, sizeof cmd, "cd '%s' && ls | head -4 | while read f; do rm -- \"$f\"; done", src);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(run_index(dir, paths, 1, &prune, &r, &err), GZ_INVALID);
    cr_assert(strstr(err.msg, "4 of the 6"), "%s", err.msg);
    cr_assert_eq(live_docs(dir), docs);
    /* a limit of 70%, or --prune-force, lets it through */
    ix_options wide = {.prune = 1, .prune_max_pct = 70};
    cr_assert_eq(run_index(dir, paths, 1, &wide, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(r.removed, 4);
    /* then everything gone: refused, forced */
    snprintf(cmd, sizeof cmd, "rm -f '%s'/*", src);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(run_index(dir, paths, 1, &prune, &r, &err), GZ_INVALID);
    ix_options force = {.prune = 1, .prune_force = 1};
    cr_assert_eq(run_index(dir, paths, 1, &force, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(r.removed, 2);
    cr_assert_eq(live_docs(dir), 0);
}

Test(damage, a_missing_folder_is_an_error_naming_it)
{
    char dir[] = "/tmp/gz-dmg-ix-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char *paths[] = {"/tmp/gz-dmg-no-such-folder"};
    ix_report r;
    gz_error err;
    cr_assert_neq(run_index(dir, paths, 1, NULL, &r, &err), GZ_OK);
    cr_assert(strstr(err.msg, "/tmp/gz-dmg-no-such-folder"), "%s", err.msg);
}

Test(damage, an_fsync_failing_after_the_rename_is_a_live_commit_not_yet_durable)
{
    char src[] = "/tmp/gz-dmg-src-XXXXXX", dir[] = "/tmp/gz-dmg-ix-XXXXXX";
    build_laws(src, dir, NULL);
    char *paths[] = {src};
    ix_report r;
    gz_error err;
    uint64_t gen = sr_index_disk_generation(dir);
    char old_seg[4200], names[8][256];
    size_t n_names;
    first_segment(dir, old_seg, sizeof old_seg, names, &n_names);
    /* an edit: the old version's document is deleted in the new commit */
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", src, names[0]);
    FILE *f = fopen(p, "a");
    fputs("\n第九百条 持久性试验条款。\n", f);
    fclose(f);
    manifest_renamed = 0;
    fail_dir_fsync_after_manifest = 1;
    gz_status st = run_index(dir, paths, 1, NULL, &r, &err);
    fail_dir_fsync_after_manifest = 0;
    cr_assert_eq(st, GZ_OK, "the commit is live: %s", err.msg);
    cr_assert_eq(r.committed, 1);
    cr_assert_eq(r.not_durable, 1);
    cr_assert(strstr(err.msg, "committed, but not yet durable") && strstr(err.msg, "Input/output error"), "%s",
              err.msg);
    /* readers see the new commit; the files the old one needs are kept */
    sr_index *ix;
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(sr_index_generation(ix), gen + 1);
    uint64_t *ids;
    size_t n;
    cr_assert_eq(sr_search_ids(ix, "持久性试验条款", &ids, &n, &err), GZ_OK);
    cr_assert_eq(n, 1);
    gz_free(ids);
    sr_index_close(ix);
    cr_assert_eq(access(old_seg, F_OK), 0);
}

Test(damage, the_cli_exit_codes_are_the_documented_ones)
{
    char gazette[4200], cmd[12000];
    snprintf(gazette, sizeof gazette, "%s/gazette", GZ_BUILD_DIR);
    char src[] = "/tmp/gz-dmg-src-XXXXXX", dir[] = "/tmp/gz-dmg-ix-XXXXXX";
    laws_copy(src);
    cr_assert_not_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, "'%s' index --index '%s' '%s' 2>/dev/null", gazette, dir, src);
    cr_assert_eq(WEXITSTATUS(system(cmd)), 0, "a first build");
    snprintf(cmd, sizeof cmd, "'%s' index --index '%s' '%s' 2>&1 | grep -q 'nothing changed$'", gazette, dir, src);
    cr_assert_eq(WEXITSTATUS(system(cmd)), 0, "an unchanged run says nothing changed");
    snprintf(cmd, sizeof cmd, "'%s' index --index '%s' '%s' 2>/dev/null", gazette, dir, src);
    cr_assert_eq(WEXITSTATUS(system(cmd)), 0, "an unchanged run is a success");
    snprintf(cmd, sizeof cmd, "printf '\\x89PNG\\0\\0' > '%s/bad.md'; '%s' index --index '%s' '%s' 2>/dev/null", src,
             gazette, dir, src);
    cr_assert_eq(WEXITSTATUS(system(cmd)), 1, "a refused file");
    snprintf(cmd, sizeof cmd, "'%s' index --index '%s' --ram-mb -3 '%s' 2>&1 | grep -q 'invalid value for --ram-mb'",
             gazette, dir, src);
    cr_assert_eq(WEXITSTATUS(system(cmd)), 0, "a bad number is named");
    snprintf(cmd, sizeof cmd, "'%s' index --index '%s' --ram-mb -3 '%s' 2>/dev/null", gazette, dir, src);
    cr_assert_eq(WEXITSTATUS(system(cmd)), 2);
    snprintf(cmd, sizeof cmd, "'%s' help | grep -q '2: nothing committed'", gazette);
    cr_assert_eq(WEXITSTATUS(system(cmd)), 0, "help says what 2 means");
    snprintf(cmd, sizeof cmd, "rm -f '%s'/seg-*; '%s' index --index '%s' '%s' 2>&1 | grep -q 'gazette check'", dir,
             gazette, dir, src);
    cr_assert_eq(WEXITSTATUS(system(cmd)), 0, "damage points at gazette check");
    snprintf(cmd, sizeof cmd, "'%s' optimize --index '%s' 2>/dev/null", gazette, dir);
    cr_assert_eq(WEXITSTATUS(system(cmd)), 2, "damage: nothing committed");
    snprintf(cmd, sizeof cmd, "'%s' index --index '%s' '%s' 2>/dev/null", gazette, dir, src);
    cr_assert_eq(WEXITSTATUS(system(cmd)), 1, "the next run repairs (bad.md is still refused)");
    snprintf(cmd, sizeof cmd, "'%s' check --index '%s' >/dev/null", gazette, dir);
    cr_assert_eq(WEXITSTATUS(system(cmd)), 0, "repaired, check is clean");
}
