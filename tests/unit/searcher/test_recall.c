/* Recall against grep: for random Han substrings (1-8 characters) of the
 * indexed units, the units the searcher matches are exactly the units whose
 * normalised text contains the substring; the only extra units allowed are
 * those the documented foldings add: blanks inside a line (checked), and
 * numerals (四百零一 = 401: not checked for substrings with numerals). On
 * the sample always; on the whole laws corpus when it is present. */
#include "analysis/analysis.h"
#include "format/format.h"
#include "indexer/indexer.h"
#include "searcher/searcher.h"
#include "helpers.h"

#include <criterion/criterion.h>

typedef struct corpus_units {
    gz_buf text;      /* normalised unit texts, each followed by '\n' */
    size_t *start;    /* per unit, offset in text */
    uint64_t *id;     /* per unit, segment id << 32 | unit */
    size_t n;
} corpus_units;

static void load(const char *dir, an_analyzer *an, corpus_units *cu)
{
    gz_snapshot *snap;
    gz_error err = {0};
    cr_assert_eq(gz_snapshot_open(dir, &snap, &err), GZ_OK, "%s", err.msg);
    gz_buf_init(&cu->text);
    size_t cap = snap->n_units + 1;
    cu->start = malloc(cap * sizeof *cu->start);
    cu->id = malloc(cap * sizeof *cu->id);
    cu->n = 0;
    gz_buf doc;
    gz_buf_init(&doc);
    gz_textctx *tctx = NULL;
    for (size_t s = 0; s < snap->man.n_seg; s++) {
        gz_seg_stats ss;
        gz_segment_stats(snap->seg[s], &ss);
        for (uint32_t d = 0; d < ss.n_docs; d++) {
            gz_docinfo di;
            cr_assert_eq(gz_segment_doc(snap->seg[s], d, &di), GZ_OK);
            cr_assert_eq(gz_segment_text(snap->seg[s], d, &doc, &tctx), GZ_OK);
            for (uint32_t u = di.first_unit; u < di.first_unit + di.n_units; u++) {
                gz_unitinfo ui;
                cr_assert_eq(gz_segment_unit(snap->seg[s], u, &ui), GZ_OK);
                const char *norm;
                size_t nl;
                const uint32_t *map;
                cr_assert_eq(an_normalize(an, doc.data + ui.start, ui.end - ui.start, &norm, &nl, &map), GZ_OK);
                cu->start[cu->n] = cu->text.len;
                cu->id[cu->n] = (uint64_t)snap->man.seg[s].id << 32 | u;
                cu->n++;
                gz_buf_put(&cu->text, norm, nl);
                gz_buf_putc(&cu->text, '\n');
            }
        }
    }
    gz_buf_fini(&doc);
    gz_textctx_free(tctx);
    gz_snapshot_close(snap);
}

static size_t unit_at(const corpus_units *cu, size_t off)
{
    size_t lo = 0, hi = cu->n;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (cu->start[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int contains_without_blanks(const corpus_units *cu, size_t u, const char *s, size_t len)
{
    size_t a = cu->start[u], b = u + 1 < cu->n ? cu->start[u + 1] : cu->text.len;
    char *tmp = malloc(b - a + 1);
    size_t k = 0;
    for (size_t i = a; i < b; i++)
        if (cu->text.data[i] != ' ' && cu->text.data[i] != '\t')
            tmp[k++] = cu->text.data[i];
    int r = memmem(tmp, k, s, len) != NULL;
    free(tmp);
    return r;
}

static void recall(const char *source, int n_queries)
{
    char dir[] = "/tmp/gz-recall-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    ix_options o = {.dir = dir, .threads = 2};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {(char *)source};
    cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
    an_analyzer *an;
    cr_assert_eq(an_analyzer_open(&an, &err), GZ_OK);
    corpus_units cu;
    load(dir, an, &cu);
    sr_index *ix;
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
    uint64_t rng = 0x2545F4914F6CDD1Dull;
    size_t checked = 0, matched_total = 0;
    for (int q = 0; q < n_queries; q++) {
        char sub[64];
        size_t len = th_han_run(cu.text.data, cu.text.len, &rng, 8, sub);
        cr_assert_gt(len, 0);
        /* grep */
        uint64_t *want = NULL;
        size_t n_want = 0, cap = 0;
        for (const char *m = cu.text.data; (m = memmem(m, cu.text.len - (size_t)(m - cu.text.data), sub, len));) {
            size_t u = unit_at(&cu, (size_t)(m - cu.text.data));
            if (n_want == cap) {
                cap = cap ? cap * 2 : 64;
                want = realloc(want, cap * sizeof *want);
            }
            want[n_want++] = cu.id[u];
            m = cu.text.data + (u + 1 < cu.n ? cu.start[u + 1] : cu.text.len);
            if (m >= cu.text.data + cu.text.len)
                break;
        }
        uint64_t *got;
        size_t n_got;
        cr_assert_eq(sr_search_ids(ix, sub, &got, &n_got, &err), GZ_OK, "%s", err.msg);
        qsort(got, n_got, sizeof *got, cmp_u64);
        qsort(want, n_want, sizeof *want, cmp_u64);
        /* grep's units are all found */
        for (size_t i = 0, j = 0; i < n_want; i++) {
            while (j < n_got && got[j] < want[i])
                j++;
            cr_assert(j < n_got && got[j] == want[i], "'%s': unit %llx holds it but was not found", sub,
                      (unsigned long long)want[i]);
        }
        /* and every extra one holds it once blanks are removed, unless the
         * substring has numerals, which fold (四百零一 = 401) and may add */
        int numerals = 0;
        static const char *const digits[] = {"〇", "零", "一", "二", "两", "三", "四", "五", "六", "七",
                                             "八", "九", "十", "百", "千", "万", "亿"};
        for (size_t d = 0; d < sizeof digits / sizeof digits[0]; d++)
            numerals |= strstr(sub, digits[d]) != NULL;
        for (size_t j = 0, i = 0; j < n_got && !numerals; j++) {
            while (i < n_want && want[i] < got[j])
                i++;
            if (i < n_want && want[i] == got[j])
                continue;
            size_t u = 0;
            while (u < cu.n && cu.id[u] != got[j])
                u++;
            cr_assert(u < cu.n && contains_without_blanks(&cu, u, sub, len), "'%s': unit %llx found but lacks it",
                      sub, (unsigned long long)got[j]);
        }
        matched_total += n_want;
        checked++;
        free(want);
        gz_free(got);
    }
    fprintf(stderr, "recall vs grep: %s: %zu substrings, %zu units, %zu matches, all equal\n", source, checked,
            cu.n, matched_total);
    sr_index_close(ix);
    an_analyzer_close(an);
    gz_buf_fini(&cu.text);
    free(cu.start);
    free(cu.id);
}

TestSuite(recall, .timeout = 1200);

Test(recall, sample_equals_grep) { recall(GZ_SAMPLE_DIR, 300); }

Test(recall, laws_equals_grep)
{
    char laws[4200];
    TH_LAWS_OR_SKIP(laws);
    recall(laws, 1000);
}
