/* Recall against grep: for random Han substrings (1-8 characters) of the
 * indexed units, the units the searcher matches are exactly the units whose
 * normalised text contains the substring; the only extra units allowed are
 * those the documented foldings add: blanks inside a line (checked), and
 * numerals (四百零一 = 401: not checked for substrings with numerals). On
 * the sample always; on the whole laws corpus when it is present. */
#include "analysis/analysis.h"
#include "format/format.h"
#include "indexer/indexer.h"
#include "searcher/testing.h"
#include "helpers.h"
#include "seg_helpers.h"

#include <criterion/criterion.h>
#include <ctype.h>

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
    gz_textctx_close(tctx);
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

/* Units whose normalised text contains s, sorted. */
static size_t grep_units(const corpus_units *cu, const char *s, uint64_t **out)
{
    size_t n = 0, cap = 0, len = strlen(s);
    *out = NULL;
    for (const char *m = cu->text.data; (m = memmem(m, cu->text.len - (size_t)(m - cu->text.data), s, len));) {
        size_t u = unit_at(cu, (size_t)(m - cu->text.data));
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            *out = realloc(*out, cap * sizeof **out);
        }
        (*out)[n++] = cu->id[u];
        m = cu->text.data + (u + 1 < cu->n ? cu->start[u + 1] : cu->text.len);
        if (m >= cu->text.data + cu->text.len)
            break;
    }
    if (n > 1)
        qsort(*out, n, sizeof **out, cmp_u64);
    return n;
}


/* Indexes source into dir (a mkdtemp template) and opens it three ways: an
 * analyzer, the normalised unit texts, a searcher. */
/* Two workers: a build is the same bytes every time, so the queries
 * drawn from its units are the same every run. */
static void setup(const char *source, char *dir, an_analyzer **an, corpus_units *cu, sr_index **ix)
{
    cr_assert_not_null(mkdtemp(dir));
    ix_options o = {.dir = dir, .threads = 2};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {(char *)source};
    cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(an_analyzer_open(an, &err), GZ_OK);
    load(dir, *an, cu);
    cr_assert_eq(sr_index_open(dir, ix, &err), GZ_OK, "%s", err.msg);
}

static void teardown_all(an_analyzer *an, corpus_units *cu, sr_index *ix)
{
    sr_index_close(ix);
    an_analyzer_close(an);
    gz_buf_fini(&cu->text);
    free(cu->start);
    free(cu->id);
}

/* The searcher finds every unit grep finds for sub, and each other unit it
 * finds holds sub once blanks are removed, unless sub has numerals, which
 * fold (四百零一 = 401) and may add. Returns grep's count. */
static size_t equals_grep(const corpus_units *cu, sr_index *ix, const char *sub)
{
    gz_error err = {0};
    uint64_t *want, *got;
    size_t n_want = grep_units(cu, sub, &want), n_got;
    cr_assert_eq(sr_search_ids(ix, sub, &got, &n_got, &err), GZ_OK, "%s", err.msg);
    qsort(got, n_got, sizeof *got, cmp_u64);
    for (size_t i = 0, j = 0; i < n_want; i++) {
        while (j < n_got && got[j] < want[i])
            j++;
        cr_assert(j < n_got && got[j] == want[i], "'%s': unit %llx holds it but was not found", sub,
                  (unsigned long long)want[i]);
    }
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
        while (u < cu->n && cu->id[u] != got[j])
            u++;
        cr_assert(u < cu->n && contains_without_blanks(cu, u, sub, strlen(sub)), "'%s': unit %llx found but lacks it",
                  sub, (unsigned long long)got[j]);
    }
    free(want);
    gz_free(got);
    return n_want;
}

static void recall(const char *source, int n_queries)
{
    char dir[] = "/tmp/gz-recall-XXXXXX";
    an_analyzer *an;
    corpus_units cu;
    sr_index *ix;
    setup(source, dir, &an, &cu, &ix);
    uint64_t rng = 0x2545F4914F6CDD1Dull;
    size_t checked = 0, matched_total = 0;
    for (int q = 0; q < n_queries; q++) {
        char sub[64];
        size_t len = th_han_run(cu.text.data, cu.text.len, &rng, 8, sub);
        cr_assert_gt(len, 0);
        size_t n_want = equals_grep(&cu, ix, sub);
        matched_total += n_want;
        checked++;
    }
    fprintf(stderr, "recall vs grep: %s: %zu substrings, %zu units, %zu matches, all equal\n", source, checked,
            cu.n, matched_total);
    teardown_all(an, &cu, ix);
}

/* Does unit u hold 第<numeral>X (X the label character at unit_char) for
 * the value v, in any spelling, blanks inside it or not? */
static int holds_label(const corpus_units *cu, size_t u, int64_t v, const char *unit_char)
{
    const char *a = cu->text.data + cu->start[u], *b = u + 1 < cu->n ? cu->text.data + cu->start[u + 1] : cu->text.data + cu->text.len;
    for (const char *p = a; (p = memmem(p, (size_t)(b - p), "第", 3)); p += 3) {
        int64_t w;
        const char *q = p + 3;
        while (q < b && (*q == ' ' || *q == '\t')) /* blanks inside a line fold away */
            q++;
        size_t nl = gz_numeral_parse(q, (size_t)(b - q), &w);
        q += nl;
        while (q < b && (*q == ' ' || *q == '\t'))
            q++;
        if (nl && w == v && b - q >= 3 && memcmp(q, unit_char, 3) == 0)
            return 1;
    }
    return 0;
}

/* Article labels: every 第N条 / 第N章 the texts spell with Chinese
 * numerals, searched as written and in digits, finds exactly the units
 * holding either spelling (the index matches labels as one term). */
static void labels(const char *source, size_t max_labels)
{
    char dir[] = "/tmp/gz-labels-XXXXXX";
    gz_error err = {0};
    an_analyzer *an;
    corpus_units cu;
    sr_index *ix;
    setup(source, dir, &an, &cu, &ix);
    size_t checked = 0;
    char seen[4096] = "";
    for (const char *p = cu.text.data; checked < max_labels && (p = strstr(p, "第"));) {
        p += 3;
        int64_t v;
        size_t nl = gz_numeral_parse(p, (size_t)(cu.text.data + cu.text.len - p), &v);
        if (!nl || v <= 0 || (strncmp(p + nl, "条", 3) != 0 && strncmp(p + nl, "章", 3) != 0))
            continue;
        /* the numeral must be Chinese (the digits spelling is the other) */
        if (*p >= '0' && *p <= '9')
            continue;
        char han[64], digits[64];
        snprintf(han, sizeof han, "第%.*s%.3s", (int)nl, p, p + nl);
        snprintf(digits, sizeof digits, "第%lld%.3s", (long long)v, p + nl);
        if (strstr(seen, han) || strlen(seen) + strlen(han) + 2 >= sizeof seen)
            continue;
        strcat(seen, han);
        strcat(seen, "|");
        uint64_t *a, *b;
        size_t na = grep_units(&cu, han, &a), nb = grep_units(&cu, digits, &b);
        /* the union of both spellings */
        uint64_t *want = malloc((na + nb + 1) * sizeof *want);
        size_t nw = 0;
        for (size_t i = 0, j = 0; i < na || j < nb;) {
            uint64_t x = j >= nb || (i < na && a[i] <= b[j]) ? a[i] : b[j];
            i += i < na && a[i] == x;
            j += j < nb && b[j] == x;
            want[nw++] = x;
        }
        const char *queries[2] = {han, digits};
        for (int k = 0; k < 2; k++) {
            uint64_t *got;
            size_t n_got;
            cr_assert_eq(sr_search_ids(ix, queries[k], &got, &n_got, &err), GZ_OK, "%s", err.msg);
            qsort(got, n_got, sizeof *got, cmp_u64);
            /* every unit holding either spelling is found */
            size_t j = 0;
            for (size_t i = 0; i < nw; i++) {
                while (j < n_got && got[j] < want[i])
                    j++;
                cr_assert(j < n_got && got[j] == want[i], "'%s': unit %llx holds it but was not found", queries[k],
                          (unsigned long long)want[i]);
            }
            /* and every other one holds a third spelling of the same label
             * (一十五 for 十五: numerals fold) */
            for (size_t g = 0, i = 0; g < n_got; g++) {
                while (i < nw && want[i] < got[g])
                    i++;
                if (i < nw && want[i] == got[g])
                    continue;
                size_t u = 0;
                while (u < cu.n && cu.id[u] != got[g])
                    u++;
                cr_assert(u < cu.n && holds_label(&cu, u, v, p + nl), "'%s': unit %llx found but lacks it: %.300s",
                          queries[k], (unsigned long long)got[g], u < cu.n ? cu.text.data + cu.start[u] : "");
            }
            gz_free(got);
        }
        /* 第 and the number alone (no label character): the characters
         * find every unit holding them literally, and every unit the
         * digits find */
        char bare_han[64], bare_digits[64];
        snprintf(bare_han, sizeof bare_han, "第%.*s", (int)nl, p);
        snprintf(bare_digits, sizeof bare_digits, "第%lld", (long long)v);
        uint64_t *lit, *g1, *g2;
        size_t n_lit = grep_units(&cu, bare_han, &lit), n1, n2;
        cr_assert_eq(sr_search_ids(ix, bare_han, &g1, &n1, &err), GZ_OK, "%s", err.msg);
        cr_assert_eq(sr_search_ids(ix, bare_digits, &g2, &n2, &err), GZ_OK, "%s", err.msg);
        if (n1 > 1)
            qsort(g1, n1, sizeof *g1, cmp_u64);
        if (n2 > 1)
            qsort(g2, n2, sizeof *g2, cmp_u64);
        /* a numeral that folds alone (two characters or more) finds what
         * its digits find, and more: 第二十一万 holds 第二十一 literally */
        for (size_t i = 0, j = 0; nl > 3 && i < n2; i++) {
            while (j < n1 && g1[j] < g2[i])
                j++;
            cr_assert(j < n1 && g1[j] == g2[i], "'%s' finds unit %llx, '%s' does not", bare_digits,
                      (unsigned long long)g2[i], bare_han);
        }
        for (size_t i = 0, j = 0; i < n_lit; i++) {
            while (j < n1 && g1[j] < lit[i])
                j++;
            cr_assert(j < n1 && g1[j] == lit[i], "'%s': unit %llx holds it but was not found", bare_han,
                      (unsigned long long)lit[i]);
        }
        free(lit);
        gz_free(g1);
        gz_free(g2);
        free(a);
        free(b);
        free(want);
        checked++;
    }
    fprintf(stderr, "labels vs grep: %s: %zu labels in both spellings: every unit holding one found, no unit without a spelling of it\n", source, checked);
    cr_assert_gt(checked, 10);
    teardown_all(an, &cu, ix);
}

/* Common words whose exact matches the flush keeps whole (field 'p'): the
 * searcher reads such a word from that list, not from its grams, and must
 * find exactly grep's units (plus, for words with numerals, what the folds
 * add: checked one way only). */
typedef struct words_ctx {
    char (*w)[GZ_TERM_MAX + 1];
    size_t n, cap;
} words_ctx;

static int collect_phrase(void *arg, const char *term, size_t len, const gz_terminfo *ti)
{
    words_ctx *c = arg;
    (void)ti;
    if (len < 2 || term[0] != GZ_FIELD_PHRASE)
        return 0;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        c->w = realloc(c->w, c->cap * sizeof *c->w);
    }
    memcpy(c->w[c->n], term + 1, len - 1);
    c->w[c->n][len - 1] = 0;
    c->n++;
    return 0;
}

static int count_terms(void *arg, const char *term, size_t len, const gz_terminfo *ti)
{
    (void)term, (void)len, (void)ti;
    ++*(size_t *)arg;
    return 0;
}

static void common_words(const char *source)
{
    char dir[] = "/tmp/gz-words-XXXXXX";
    gz_error err = {0};
    an_analyzer *an;
    corpus_units cu;
    sr_index *ix;
    setup(source, dir, &an, &cu, &ix);
    gz_snapshot *snap;
    cr_assert_eq(gz_snapshot_open(dir, &snap, &err), GZ_OK, "%s", err.msg);
    words_ctx c = {0};
    for (size_t s = 0; s < snap->man.n_seg; s++)
        cr_assert_eq(gz_segment_terms(snap->seg[s], collect_phrase, &c), GZ_OK);
    gz_snapshot_close(snap);
    cr_assert_gt(c.n, 3, "the flush kept some common words whole");
    for (size_t k = 0; k < c.n; k++)
        equals_grep(&cu, ix, c.w[k]);
    fprintf(stderr, "common words vs grep: %s: %zu words kept whole, each equal to grep\n", source, c.n);
    free(c.w);
    teardown_all(an, &cu, ix);
}

/* A number then one Han character (三年, 一千元, 3年): the searcher reads
 * the number and the character as one term where a segment holds them
 * (format.h, field 'n'). Its units must be exactly those where the text
 * holds the query, blanks aside, or where the analyzer gives the query's
 * number (its digits) followed by the query's character: computed here by
 * analysing every unit, without the index. Fails if the indexer leaves out
 * a number or reads the wrong character after it. */
static int numeral_char(const char *p, const char *end, size_t *len)
{
    static const char *const numerals[] = {"〇", "零", "一", "二", "两", "三", "四", "五", "六",
                                           "七", "八", "九", "十", "百", "千", "万", "亿"};
    if (p < end && *p >= '0' && *p <= '9')
        return (int)(*len = 1);
    for (size_t k = 0; k < sizeof numerals / sizeof numerals[0]; k++)
        if ((size_t)(end - p) >= strlen(numerals[k]) && memcmp(p, numerals[k], strlen(numerals[k])) == 0)
            return (int)(*len = strlen(numerals[k]));
    return 0;
}

/* The query's number (digits) and the character after it, as the analyzer
 * reads the query; 0 if it reads no number there. */
static int query_number(an_analyzer *an, const char *q, char *num, char *ch)
{
    const an_token *t;
    size_t n;
    cr_assert_eq(an_analyze(an, q, strlen(q), AN_MODE_DOCUMENT, &t, &n), GZ_OK);
    for (size_t i = 0; i < n; i++) {
        if (t[i].pos != 0 || t[i].type == AN_WORD || !gz_all_digits(t[i].text, t[i].len))
            continue;
        for (size_t j = 0; j < n; j++)
            if (t[j].pos == t[i].pos + t[i].span && (t[j].type == AN_GRAM || t[j].type == AN_UNI) &&
                t[j].end == strlen(q)) {
                memcpy(num, t[i].text, t[i].len);
                num[t[i].len] = 0;
                const char *c = t[j].text;
                gz_utf8_next(&c, t[j].text + t[j].len);
                memcpy(ch, t[j].text, (size_t)(c - t[j].text));
                ch[c - t[j].text] = 0;
                return 1;
            }
    }
    return 0;
}

/* Does unit u's analysis give number num (with tail: a number ending
 * with num, 15 for 5) followed by character ch? */
static int unit_has_number_char(an_analyzer *an, const corpus_units *cu, size_t u, const char *num, const char *ch,
                                int tail)
{
    size_t a = cu->start[u], b = u + 1 < cu->n ? cu->start[u + 1] : cu->text.len;
    const an_token *t;
    size_t n;
    if (!memmem(cu->text.data + a, b - a, ch, strlen(ch)))
        return 0; /* the character is not there at all */
    cr_assert_eq(an_analyze(an, cu->text.data + a, b - a - 1, AN_MODE_DOCUMENT, &t, &n), GZ_OK);
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(num);
        if (t[i].type == AN_WORD || t[i].len < nl || (!tail && t[i].len != nl) ||
            memcmp(t[i].text + t[i].len - nl, num, nl) != 0 || !gz_all_digits(t[i].text, t[i].len))
            continue;
        for (size_t j = i + 1; j < n && t[j].pos <= t[i].pos + t[i].span; j++)
            if (t[j].pos == t[i].pos + t[i].span && (t[j].type == AN_GRAM || t[j].type == AN_UNI) &&
                t[j].len >= strlen(ch) && memcmp(t[j].text, ch, strlen(ch)) == 0)
                return 1;
    }
    return 0;
}

/* Queries: a run of numerals (1-4 characters, whole or the tail of a
 * longer one: 0000元 inside 10000元 too) and the Han character after it,
 * spread over the text, distinct; up to max of them into qs. */
static size_t number_queries(const corpus_units *cu, size_t max, char (*qs)[64])
{
    size_t n_q = 0, stride = cu->text.len / (4 * max) + 1;
    const char *start = cu->text.data, *end = start + cu->text.len;
    for (const char *p = start; p < end && n_q < max;) {
        size_t l, run = 0, chars = 0;
        while (chars < 5 && numeral_char(p + run, end, &l))
            run += l, chars++;
        if (!chars || chars > 4) {
            const char *q = p;
            gz_utf8_next(&q, end);
            p = q;
            continue;
        }
        const char *c = p + run;
        int32_t cp = gz_utf8_next(&c, end);
        if (cp >= 0x4E00 && cp <= 0x9FFF && !numeral_char(p + run, end, &l) && (size_t)(c - p) < 64) {
            memcpy(qs[n_q], p, (size_t)(c - p));
            qs[n_q][c - p] = 0;
            int seen = 0;
            for (size_t k = 0; k < n_q; k++)
                seen |= strcmp(qs[k], qs[n_q]) == 0;
            n_q += !seen;
            p += stride;
            while (p < end && ((unsigned char)*p & 0xC0) == 0x80)
                p++;
        } else {
            p = c;
        }
    }
    return n_q;
}

static void number_chars(const char *source, size_t max_queries)
{
    char dir[] = "/tmp/gz-numchar-XXXXXX";
    gz_error err = {0};
    an_analyzer *an;
    corpus_units cu;
    sr_index *ix;
    setup(source, dir, &an, &cu, &ix);
    char (*qs)[64] = calloc(max_queries, sizeof *qs);
    size_t n_q = number_queries(&cu, max_queries, qs);
    cr_assert_gt(n_q, 5, "the text has numbers followed by characters");
    size_t checked = 0, by_number = 0;
    for (size_t k = 0; k < n_q; k++) {
        char num[64], ch[8];
        if (!query_number(an, qs[k], num, ch))
            continue;
        uint64_t *got, *want;
        size_t n_got, n_want = grep_units(&cu, qs[k], &want);
        cr_assert_eq(sr_search_ids(ix, qs[k], &got, &n_got, &err), GZ_OK, "%s", err.msg);
        qsort(got, n_got, sizeof *got, cmp_u64);
        for (size_t i = 0, j = 0; i < n_want; i++) {
            while (j < n_got && got[j] < want[i])
                j++;
            cr_assert(j < n_got && got[j] == want[i], "'%s': unit %llx holds it but was not found", qs[k],
                      (unsigned long long)want[i]);
        }
        for (size_t u = 0; u < cu.n; u++) {
            int numbered = unit_has_number_char(an, &cu, u, num, ch, 0);
            by_number += numbered;
            uint64_t *f = bsearch(&cu.id[u], got, n_got, sizeof *got, cmp_u64);
            if (numbered)
                cr_assert_not_null(f, "'%s': unit %llx has %s then %s but was not found", qs[k],
                                   (unsigned long long)cu.id[u], num, ch);
            /* else found only for its text, or a number ending with the
             * query's (a folded 十五日 holds 15 then 日, and 5日 is in
             * 15日: the folds only add) */
            else if (f)
                cr_assert(contains_without_blanks(&cu, u, qs[k], strlen(qs[k])) ||
                              unit_has_number_char(an, &cu, u, num, ch, 1),
                          "'%s': unit %llx found but has neither the text nor a number ending in %s then %s",
                          qs[k], (unsigned long long)cu.id[u], num, ch);
        }
        free(want);
        gz_free(got);
        checked++;
    }
    cr_assert_gt(checked, 5);
    fprintf(stderr, "numbers then a character: %s: %zu queries, %zu units by number, each as analysed\n", source,
            checked, by_number);
    free(qs);
    teardown_all(an, &cu, ix);
}

/* Field 'n' through merges: a build split in segments, the same files
 * added again under another folder, then all merged into one: the merged
 * segment keeps the 'n' terms and number-and-character queries find twice
 * what the first build found. Fails if a merge drops the 'n' terms (their
 * units would be lost: the searcher reads 'n' in every segment). */
static size_t numchar_terms(const char *dir, size_t *n_seg)
{
    gz_snapshot *snap;
    gz_error err = {0};
    cr_assert_eq(gz_snapshot_open(dir, &snap, &err), GZ_OK, "%s", err.msg);
    size_t n = 0;
    *n_seg = snap->man.n_seg;
    for (size_t s = 0; s < snap->man.n_seg; s++)
        cr_assert_eq(gz_segment_prefix(snap->seg[s], "n", 1, count_terms, &n), GZ_OK);
    gz_snapshot_close(snap);
    return n;
}

static size_t *answer_counts(const char *dir, char (*qs)[64], size_t n_q)
{
    sr_index *ix;
    gz_error err = {0};
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
    size_t *n = calloc(n_q + 1, sizeof *n);
    for (size_t k = 0; k < n_q; k++) {
        uint64_t *got;
        cr_assert_eq(sr_search_ids(ix, qs[k], &got, &n[k], &err), GZ_OK, "%s", err.msg);
        gz_free(got);
    }
    sr_index_close(ix);
    return n;
}

Test(recall, merged_segments_keep_field_n)
{
    char dir[] = "/tmp/gz-numchar-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    ix_options o = {.dir = dir, .threads = 1, .ram_mb = 1};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {(char *)GZ_SAMPLE_DIR};
    cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_geq(r.segments_written, 2, "the budget split the build");
    an_analyzer *an;
    corpus_units cu;
    cr_assert_eq(an_analyzer_open(&an, &err), GZ_OK);
    load(dir, an, &cu);
    char(*qs)[64] = calloc(40, sizeof *qs);
    size_t n_q = number_queries(&cu, 40, qs);
    cr_assert_gt(n_q, 5);
    size_t *fresh = answer_counts(dir, qs, n_q), found = 0, n_seg;
    for (size_t k = 0; k < n_q; k++)
        found += fresh[k];
    cr_assert_gt(found, 0);
    cr_assert_gt(numchar_terms(dir, &n_seg), 0);
    /* the same files again under another folder, then one segment */
    char copy[4200];
    snprintf(copy, sizeof copy, "%s/more", dir);
    cr_assert_eq(mkdir(copy, 0755), 0);
    char cmd[9000];
    snprintf(cmd, sizeof cmd, "cp -r '%s'/. '%s'/", GZ_SAMPLE_DIR, copy);
    cr_assert_eq(system(cmd), 0);
    char *more[] = {copy};
    cr_assert_eq(ix_index(&o, more, 1, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(ix_optimize(&o, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_gt(numchar_terms(dir, &n_seg), 0, "the merge kept the 'n' terms");
    cr_assert_eq(n_seg, 1);
    size_t *merged = answer_counts(dir, qs, n_q);
    for (size_t k = 0; k < n_q; k++)
        cr_assert_eq(merged[k], 2 * fresh[k], "'%s': %zu units after the merge, twice %zu expected", qs[k],
                     merged[k], fresh[k]);
    free(fresh);
    free(merged);
    free(qs);
    an_analyzer_close(an);
    gz_buf_fini(&cu.text);
    free(cu.start);
    free(cu.id);
}

/* Digits and letters inside a longer run (5日 in 25日, 0000元 in
 * 10000元, bc in abcd, 202 in 2023): a run is one token, and the word's
 * first run may end a longer one, its last may begin one, and a lone run
 * may sit inside one; every unit grep finds is found, and no other. */
Test(recall, digits_and_letters_inside_longer_runs_equal_grep)
{
    char src[] = "/tmp/gz-affix-src-XXXXXX", dir[] = "/tmp/gz-affix-XXXXXX";
    th_write_corpus(src, "测试规定.md",
                    "# 测试规定\n\n第一条 应当在25日内作出决定，罚款10000元。\n\n"
                    "第二条 适用abcd标准和PDF文件，编号2023号。\n\n第三条 在5日内办理，罚款500元。\n\n"
                    "第四条 自2023年1月1日起施行，abc标准同时废止。\n");
    an_analyzer *an;
    corpus_units cu;
    sr_index *ix;
    setup(src, dir, &an, &cu, &ix);
    static const char *const qs[] = {"5日", "0000元", "00元", "0元", "bc", "202", "pd", "df文件", "5日内",
                                     "10000元", "abcd", "abc", "2023号", "cd标准", "23年", "在5", "b"};
    size_t found = 0;
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++)
        found += equals_grep(&cu, ix, qs[k]);
    cr_assert_geq(found, 20);
    teardown_all(an, &cu, ix);
}

TestSuite(recall, .timeout = 1200);

Test(recall, sample_equals_grep) { recall(GZ_SAMPLE_DIR, 300); }

Test(recall, laws_equals_grep)
{
    char laws[4200];
    TH_LAWS_OR_SKIP(laws);
    recall(laws, 1000);
}

Test(recall, sample_labels_equal_grep) { labels(GZ_SAMPLE_DIR, 200); }

Test(recall, laws_labels_equal_grep)
{
    char laws[4200];
    TH_LAWS_OR_SKIP(laws);
    labels(laws, 150);
}

Test(recall, sample_common_words_equal_grep) { common_words(GZ_SAMPLE_DIR); }

Test(recall, laws_common_words_equal_grep)
{
    char laws[4200];
    TH_LAWS_OR_SKIP(laws);
    common_words(laws);
}

Test(recall, sample_numbers_then_a_character) { number_chars(GZ_SAMPLE_DIR, 40); }

Test(recall, laws_numbers_then_a_character)
{
    char laws[4200];
    TH_LAWS_OR_SKIP(laws);
    number_chars(laws, 20);
}
