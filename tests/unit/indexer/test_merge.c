/* Merges: what a streamed merge writes is what one flush of the same live
 * documents writes, byte for byte; deleted documents leave with their
 * terms; and `gazette optimize` of the laws stays within a bounded
 * resident size (measured on the process, ru_maxrss). */
#include "format/format.h"
#include "indexer/indexer.h"
#include "indexer/memseg_impl.h" /* ix_enc_hold_max */
#include "indexer/merge.h"        /* ix_tier_merge, ix_merge_parallel */
#include "helpers.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

TestSuite(merge, .timeout = 1800);

/* The only segment of index d, mapped by a snapshot (closed by the caller). */
static gz_segment *only_segment(const char *d, gz_snapshot **s)
{
    gz_error err = {0};
    cr_assert_eq(gz_snapshot_open(d, s, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq((*s)->man.n_seg, 1, "one segment in %s", d);
    return (*s)->seg[0];
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

/* New folders for the sources and the index (mkdtemp templates), and the
 * paths of two sources in the first, a.md and b.md (4200 bytes each). */
static void two_sources(char *src, char *dir, char *a, char *b)
{
    cr_assert_not_null(mkdtemp(src));
    cr_assert_not_null(mkdtemp(dir));
    snprintf(a, 4200, "%s/a.md", src);
    snprintf(b, 4200, "%s/b.md", src);
}

Test(merge, a_term_only_deleted_documents_held_leaves)
{
    char src[] = "/tmp/gz-mg-src-XXXXXX", dir[] = "/tmp/gz-mg-ix-XXXXXX", a[4200], b[4200];
    two_sources(src, dir, a, b);
    write_text(a, "# 甲办法\n\n第一条 鑫淼焱垚的规定适用于本办法。\n\n第二条 本办法自公布之日起施行。\n");
    write_text(b, "# 乙办法\n\n第一条 本办法所称企业。\n");
    ix_options o = {.dir = dir, .threads = 1};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {a, b};
    cr_assert_eq(ix_index(&o, paths, 2, &r, &err), GZ_OK, "%s", err.msg);
    /* a's second version drops the rare words; its first is deleted */
    write_text(a, "# 甲办法\n\n第一条 本办法适用于全体森林。\n\n第二条 本办法自公布之日起施行。\n");
    cr_assert_eq(ix_index(&o, paths, 2, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(r.indexed, 1);
    cr_assert_eq(ix_optimize(&o, &r, &err), GZ_OK, "%s", err.msg);
    gz_snapshot *s;
    gz_segment *seg = only_segment(dir, &s);
    gz_seg_stats st;
    gz_segment_stats(seg, &st);
    cr_assert_eq(st.n_docs, 2, "the deleted version is not carried");
    gz_terminfo ti;
    int found;
    cr_assert_eq(gz_segment_term(seg, "g鑫淼", strlen("g鑫淼"), &found, &ti), GZ_OK);
    cr_assert_eq(found, 0, "a gram only the deleted version had");
    cr_assert_eq(gz_segment_term(seg, "g森林", strlen("g森林"), &found, &ti), GZ_OK);
    cr_assert_eq(found, 1, "a gram of the new version");
    cr_assert_eq(ti.df, 1);
    cr_assert_eq(gz_segment_term(seg, "g企业", strlen("g企业"), &found, &ti), GZ_OK);
    cr_assert_eq(found, 1);
    /* every unit a posting names is a live document's */
    gz_post p;
    cr_assert_eq(gz_post_open(&p, seg, &ti), GZ_OK);
    gz_unitinfo ui;
    cr_assert_eq(gz_segment_unit(seg, p.unit, &ui), GZ_OK);
    gz_docinfo di;
    cr_assert_eq(gz_segment_doc(seg, ui.doc, &di), GZ_OK);
    cr_assert_str_eq(di.title, "乙办法");
    gz_post_fini(&p);
    gz_snapshot_close(s);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The .md files under dir (recursively) into *out, sorted. */
static size_t list_md(const char *dir, char ***out, size_t n, size_t *cap)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "%s", dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char p[4200];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            n = list_md(p, out, n, cap);
        } else if (strlen(p) > 3 && strcmp(p + strlen(p) - 3, ".md") == 0) {
            if (n == *cap) {
                *cap = *cap ? *cap * 2 : 1024;
                *out = realloc(*out, *cap * sizeof **out);
            }
            (*out)[n++] = strdup(p);
        }
    }
    closedir(d);
    return n;
}

/* Peak resident KB of `gazette optimize --index dir` (0 exit asserted). */
static long optimize_peak_kb(const char *dir)
{
    char gazette[4200];
    snprintf(gazette, sizeof gazette, "%s/gazette", GZ_BUILD_DIR);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        freopen("/dev/null", "w", stdout);
        execl(gazette, "gazette", "optimize", "--index", dir, (char *)NULL);
        _exit(127);
    }
    int status;
    struct rusage ru;
    cr_assert_eq(wait4(pid, &status, 0, &ru), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "gazette optimize of %s", dir);
    return ru.ru_maxrss;
}

/* The laws in segments of a small budget, three of them changed (their first versions deleted),
 * optimized by the binary, equal a fresh one-flush build of the live files
 * in the merged order, byte for byte; the optimize's peak RSS stays under
 * IX_MERGE_PEAK_MB. The merge that held the merged segment in memory
 * peaked at 263 MB on these 66 MB (348 MB from --ram-mb 16 segments of
 * two workers); the first streamed one at 103 MB, holding 8 bytes a unit,
 * the dictionary and the largest term's occurrences, with sampled text
 * pages left mapped; 78 MB since. */
#define IX_MERGE_PEAK_MB 96
/* The one segment of index dir (merged) equals, byte for byte, the one
 * segment a fresh build of its live files, in its order, writes. */
static void merged_equals_fresh_build(const char *dir, const char *what)
{
    ix_report r;
    gz_error err = {0};
    /* the live files in the merged segment's order */
    gz_snapshot *s;
    only_segment(dir, &s);
    size_t ns = s->man.n_src;
    char **order = calloc(ns + 1, sizeof *order);
    uint32_t *first = calloc(ns + 1, sizeof *first);
    size_t k = 0;
    for (size_t i = 0; i < ns; i++)
        if (s->man.src[i].n_docs) {
            /* by first document: an insertion into the sorted run */
            size_t j = k++;
            for (; j > 0 && first[j - 1] > s->man.src[i].first_doc; j--) {
                first[j] = first[j - 1];
                order[j] = order[j - 1];
            }
            first[j] = s->man.src[i].first_doc;
            order[j] = strdup(s->man.src[i].key);
        }
    gz_snapshot_close(s);
    char fresh[] = "/tmp/gz-mg-fresh-XXXXXX";
    cr_assert_not_null(mkdtemp(fresh));
    ix_options f = {.dir = fresh, .threads = 1, .ram_mb = 4096};
    cr_assert_eq(ix_index(&f, order, k, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(r.segments_written, 1);
    gz_snapshot *sa, *sb;
    gz_segment *a = only_segment(dir, &sa), *b = only_segment(fresh, &sb);
    gz_seg_stats xa, xb;
    gz_segment_stats(a, &xa);
    gz_segment_stats(b, &xb);
    cr_assert_eq(xa.n_docs, xb.n_docs);
    cr_assert_eq(xa.n_terms, xb.n_terms);
    for (int i = 1; i < GZ_SEC__COUNT; i++)
        cr_assert_eq(xa.section_bytes[i], xb.section_bytes[i], "section %s", gz_section_name(i));
    char pa[4200], pb[4200];
    gz_path_segment(pa, sizeof pa, dir, sa->man.seg[0].id);
    gz_path_segment(pb, sizeof pb, fresh, sb->man.seg[0].id);
    gz_snapshot_close(sa);
    gz_snapshot_close(sb);
    size_t la = 0, lb = 0;
    char *ba = th_read(pa, &la), *bb = th_read(pb, &lb);
    cr_assert(ba && bb && la == lb && memcmp(ba, bb, la) == 0, "%s", what);
    free(ba);
    free(bb);
    for (size_t i = 0; i < k; i++)
        free(order[i]);
    free(order);
    free(first);
}

Test(merge, the_laws_merged_equal_a_fresh_build_in_bounded_memory)
{
    char laws[4200];
    TH_LAWS_OR_SKIP(laws);
    char **files = NULL;
    size_t cap = 0, n = list_md(laws, &files, 0, &cap);
    qsort(files, n, sizeof *files, cmp_str);
    cr_assert_gt(n, 1000);
    /* three files of our own among them, to change */
    char src[] = "/tmp/gz-mg-laws-XXXXXX", dir[] = "/tmp/gz-mg-lix-XXXXXX";
    cr_assert_not_null(mkdtemp(src));
    cr_assert_not_null(mkdtemp(dir));
    char own[3][4200];
    for (size_t i = 0; i < 3; i++) {
        snprintf(own[i], sizeof own[i], "%s/own%zu.md", src, i);
        size_t len;
        char *t = th_read(files[i * 97], &len);
        cr_assert_not_null(t);
        write_text(own[i], t);
        free(t);
        files = realloc(files, (n + 1) * sizeof *files);
        files[n++] = strdup(own[i]);
    }
    ix_options o = {.dir = dir, .threads = 2, .ram_mb = 16};
    ix_report r;
    gz_error err = {0};
    cr_assert_eq(ix_index(&o, files, n, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_geq(r.segments_written, 4, "the budget split the build");
    for (size_t i = 0; i < 3; i++) {
        FILE *f = fopen(own[i], "a");
        fputs("\n第九百九十九条 本条为合并测试新增。\n", f);
        fclose(f);
    }
    cr_assert_eq(ix_index(&o, files, n, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(r.indexed, 3);
    long kb = optimize_peak_kb(dir);
    fprintf(stderr, "merge: gazette optimize of the laws peaked at %ld MB\n", kb >> 10);
    cr_assert_leq(kb >> 10, IX_MERGE_PEAK_MB, "optimize peaked at %ld MB", kb >> 10);

    merged_equals_fresh_build(dir, "the merged laws equal a fresh build byte for byte");
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
}

/* paths indexed into dir in segments of a 1 MB budget (at least two),
 * then optimized: the one segment, mapped by *s (closed by the caller). */
static gz_segment *split_and_optimized(const char *dir, char **paths, size_t n, gz_snapshot **s)
{
    ix_options o = {.dir = dir, .threads = 1, .ram_mb = 1};
    ix_report r;
    gz_error err = {0};
    cr_assert_eq(ix_index(&o, paths, n, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_geq(r.segments_written, 2, "the budget split the build");
    cr_assert_eq(ix_optimize(&o, &r, &err), GZ_OK, "%s", err.msg);
    return only_segment(dir, s);
}

/* The sample laws in several segments, merged into one; the bytes of the
 * merged segment file (caller frees). */
static char *sample_merged(size_t *len, uint32_t *max_df)
{
    char dir[] = "/tmp/gz-mg-two-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char *paths[] = {GZ_SAMPLE_DIR "/laws"};
    gz_snapshot *s;
    gz_segment *seg = split_and_optimized(dir, paths, 1, &s);
    char p[4200];
    gz_path_segment(p, sizeof p, dir, s->man.seg[0].id);
    char *b = th_read(p, len);
    cr_assert_not_null(b, "%s", p);
    gz_term_iter it;
    gz_term_iter_init(&it, seg, "", 0);
    for (*max_df = 0; gz_term_iter_next(&it) == 1;)
        *max_df = it.ti.df > *max_df ? it.ti.df : *max_df;
    gz_snapshot_close(s);
    return b;
}

/* A term whose encoded blocks pass what the encoder holds is encoded in
 * two passes, its blocks written as they are made: the same bytes, in a
 * flush and in a merge. */
Test(merge, terms_encoded_in_two_passes_are_the_same_bytes)
{
    size_t la, lb;
    uint32_t dfa, dfb;
    char *a = sample_merged(&la, &dfa);
    size_t keep = ix_enc_hold_max;
    ix_enc_hold_max = 0; /* every term of more than one block: two passes */
    char *b = sample_merged(&lb, &dfb);
    ix_enc_hold_max = keep;
    cr_assert_gt(dfa, 2 * GZ_BLOCK, "a term of several blocks (largest df %u)", dfa);
    cr_assert_eq(la, lb);
    cr_assert(memcmp(a, b, la) == 0, "two passes write what one does");
    free(a);
    free(b);
}

/* Copies of the sample's laws, k of them, into a new folder (dir, a
 * mkdtemp template), each under its own name. */
static void sample_copies(char *dir, int k)
{
    cr_assert_not_null(mkdtemp(dir));
    DIR *d = opendir(GZ_SAMPLE_DIR "/laws");
    cr_assert_not_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            char from[4200], to[4300];
            snprintf(from, sizeof from, "%s/laws/%s", GZ_SAMPLE_DIR, e->d_name);
            size_t len;
            char *b = th_read(from, &len);
            cr_assert_not_null(b, "%s", from);
            for (int i = 0; i < k; i++) {
                snprintf(to, sizeof to, "%s/%d-%s", dir, i, e->d_name);
                FILE *f = fopen(to, "wb");
                cr_assert_not_null(f, "%s", to);
                fwrite(b, 1, len, f);
                fclose(f);
            }
            free(b);
        }
    closedir(d);
}

/* The index of src built with small segments and merges of 2 to 4, two
 * at a time or one after the other: its segments' names and bytes, as one
 * buffer (not the MANIFEST: the sources' stat it records depends on when
 * the files were read, docs/format.md). */
static char *build_merged(const char *src, int parallel, size_t *merged, size_t *len)
{
    char dir[] = "/tmp/gz-merge-two-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    size_t keep = ix_tier_merge;
    int keep_par = ix_merge_parallel;
    ix_tier_merge = 2;
    ix_merge_parallel = parallel;
    ix_options o = {.dir = dir, .threads = 2, .ram_mb = 1, .log = fopen("/dev/null", "w")};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {(char *)src};
    cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
    ix_tier_merge = keep;
    ix_merge_parallel = keep_par;
    fclose(o.log);
    *merged = r.segments_merged;
    gz_buf all;
    gz_buf_init(&all);
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        if (strncmp(names[i]->d_name, "seg-", 4) == 0) {
            char p[4300];
            snprintf(p, sizeof p, "%s/%s", dir, names[i]->d_name);
            size_t l = 0;
            char *b = th_read(p, &l);
            gz_buf_puts(&all, names[i]->d_name);
            gz_buf_put(&all, b, l);
            free(b);
            unlink(p);
        }
        free(names[i]);
    }
    free(names);
    char lock[4300];
    snprintf(lock, sizeof lock, "%s/LOCK", dir);
    unlink(lock);
    rmdir(dir);
    *len = all.len;
    return all.data;
}

/* Two merges of a tier written at once (one a core) leave the index one
 * after the other leaves: the same segments, ids and bytes. */
Test(merge, two_merges_at_once_write_what_one_after_the_other_writes)
{
    char src[] = "/tmp/gz-merge-two-src-XXXXXX";
    sample_copies(src, 3);
    size_t ma, mb, la, lb, pairs = ix_merges_at_once;
    char *a = build_merged(src, 1, &ma, &la);
    cr_assert_gt(ix_merges_at_once, pairs, "two merges were written at once");
    char *b = build_merged(src, 0, &mb, &lb);
    cr_assert_geq(ma, 6, "merges of several segments happened (%zu merged)", ma);
    cr_assert_eq(ma, mb);
    cr_assert_eq(la, lb);
    cr_assert(memcmp(a, b, la) == 0, "the same index both ways");
    free(a);
    free(b);
}

/* A unit longer than 65,535 tokens (its length wider than the 16 bits a
 * merge copies lengths into) among short ones: the merge reads that
 * source's lengths from its table, and writes what a fresh build writes. */
Test(merge, a_unit_past_16_bits_of_length_merges_as_a_fresh_build)
{
    char src[] = "/tmp/gz-mg-long-src-XXXXXX", dir[] = "/tmp/gz-mg-long-XXXXXX";
    cr_assert_not_null(mkdtemp(src));
    cr_assert_not_null(mkdtemp(dir));
    static const char han[] = "国务院各部门应当依照本法规定履行职责保障公民合法权益";
    gz_buf t;
    gz_buf_init(&t);
    gz_buf_puts(&t, "# 长段落测试办法\n\n第一条 ");
    for (int i = 0; i < 3000; i++) /* 26 characters a time: 78,000 */
        gz_buf_puts(&t, han);
    gz_buf_puts(&t, "。\n\n第二条 本办法自公布之日起施行。\n");
    gz_buf_putc(&t, 0);
    char files[4][4300], *paths[4];
    snprintf(files[1], sizeof files[1], "%s/b-long.md", src);
    write_text(files[1], t.data);
    gz_buf_fini(&t);
    /* short ones before and after it, whose articles share its words:
     * more units than GZ_SMALL_DF hold them, so their blocks have impacts,
     * where the long unit's length is one of the pairs */
    static const char *shorts[] = {"# 甲办法\n\n", "# 乙规定\n\n", "# 丙细则\n\n"};
    for (int i = 0; i < 3; i++) {
        char *f = files[i ? i + 1 : 0];
        snprintf(f, sizeof files[0], "%s/%c-short.md", src, i ? 'b' + i : 'a');
        gz_buf_init(&t);
        gz_buf_puts(&t, shorts[i]);
        for (int a = 1; a <= 2 * GZ_SMALL_DF; a++)
            gz_buf_printf(&t, "第%d条 各部门应当依照本法规定履行职责。\n\n", a);
        gz_buf_putc(&t, 0);
        write_text(f, t.data);
        gz_buf_fini(&t);
    }
    for (int i = 0; i < 4; i++)
        paths[i] = files[i]; /* by path, as the fresh build reads them */
    gz_snapshot *s;
    gz_segment *seg = split_and_optimized(dir, paths, 4, &s);
    gz_seg_stats st;
    gz_segment_stats(seg, &st);
    uint32_t longest = 0;
    for (uint32_t u = 0; u < st.n_units; u++) {
        uint32_t len, words;
        gz_segment_unit_len(seg, u, &len, &words);
        longest = len > longest ? len : longest;
    }
    gz_snapshot_close(s);
    cr_assert_gt(longest, UINT16_MAX, "a unit past 16 bits (longest %u)", longest);
    merged_equals_fresh_build(dir, "a merge with a unit past 16 bits equals a fresh build");
}

/* The works a document's text names in 《》 are terms of field 'c' (its
 * work key): one posting a document, at its first unit, however often it
 * names the work; a merge carries them as a flush writes them. */
Test(merge, the_works_a_text_names_are_terms_at_its_first_unit)
{
    char src[] = "/tmp/gz-mg-cite-src-XXXXXX", dir[] = "/tmp/gz-mg-cite-XXXXXX", a[4200], b[4200];
    two_sources(src, dir, a, b);
    write_text(a, "# 甲办法\n\n第一条 根据《中华人民共和国劳动法》，制定本办法。\n\n"
                  "第二条 依照《劳动法》和《中华人民共和国民法典》的规定。\n\n第三条 《未闭合\n的名称》不算。\n");
    write_text(b, "# 乙办法\n\n第一条 依据《中华人民共和国劳动法》。\n");
    ix_options o = {.dir = dir, .threads = 1, .ram_mb = 1};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {a, b};
    cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(ix_index(&o, paths, 2, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(ix_optimize(&o, &r, &err), GZ_OK, "%s", err.msg);
    gz_snapshot *s;
    gz_segment *seg = only_segment(dir, &s);
    gz_terminfo ti;
    int found;
    cr_assert_eq(gz_segment_term(seg, "c劳动法", strlen("c劳动法"), &found, &ti), GZ_OK);
    cr_assert_eq(found, 1, "劳动法, named by both");
    cr_assert_eq(ti.df, 2, "one posting a document");
    gz_post p;
    cr_assert_eq(gz_post_open(&p, seg, &ti), GZ_OK);
    for (uint32_t doc = 0; doc < 2; doc++, gz_post_next(&p)) {
        gz_docinfo di;
        cr_assert_eq(gz_segment_doc(seg, doc, &di), GZ_OK);
        cr_assert_eq(p.unit, di.first_unit, "at the document's first unit");
        cr_assert_eq(p.tf, 1, "once, though a names it twice");
    }
    gz_post_fini(&p);
    cr_assert_eq(gz_segment_term(seg, "c民法典", strlen("c民法典"), &found, &ti), GZ_OK);
    cr_assert_eq(found, 1);
    cr_assert_eq(ti.df, 1);
    cr_assert_eq(gz_segment_term(seg, "c未闭合", strlen("c未闭合"), &found, &ti), GZ_OK);
    cr_assert_eq(found, 0, "a 《 whose name runs past the line names nothing");
    gz_snapshot_close(s);
    merged_equals_fresh_build(dir, "the cited works merge as a fresh build writes them");
}
