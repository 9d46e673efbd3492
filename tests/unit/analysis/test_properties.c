/* Properties of the analyzer over real text: the sample always, the whole
 * laws corpus when present. Offsets stay in bounds and increase; each
 * token's text is what its offsets cover after normalisation; Han words are
 * exactly ICU's words; and any Han substring is found as its grams at
 * consecutive positions in every unit that contains it (up to 20 units a
 * substring, scanned from a random place, every occurrence in each). */
#include "analysis/analysis.h"
#include "corpus/corpus.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>

static an_analyzer *an;

static void open_an(void)
{
    gz_error err = {0};
    cr_assert_eq(an_analyzer_open(&an, &err), GZ_OK, "%s", err.msg);
}

static void close_an(void) { an_analyzer_close(an); }

TestSuite(properties, .init = open_an, .fini = close_an, .timeout = 900);

/* The corpus as units: every line of every file's cleaned text, one buffer. */
typedef struct units {
    gz_buf text;
    size_t n_files;
} units;

static void load_units(units *u, const char *dir)
{
    char **files;
    size_t n;
    gz_error err;
    gz_buf_init(&u->text);
    cr_assert_eq(cp_list_files(dir, &files, &n, &err), GZ_OK, "%s", err.msg);
    for (size_t i = 0; i < n; i++) {
        gz_doc d;
        gz_doc_init(&d);
        if (cp_parse_file(files[i], CP_FORMAT_AUTO, &d, &err) == GZ_OK) {
            gz_buf_put(&u->text, d.text, d.text_len);
            gz_buf_putc(&u->text, '\n');
        }
        gz_doc_fini(&d);
    }
    u->n_files = n;
    cp_paths_free(files, n);
}

/* Copies of the tokens of one unit (an_normalize reuses the analyzer). */
typedef struct tokcopy {
    an_token *t;
    size_t n;
    gz_buf chars;
} tokcopy;

static void analyze_copy(const char *s, size_t len, an_mode mode, tokcopy *c)
{
    const an_token *t;
    size_t n;
    cr_assert_eq(an_analyze(an, s, len, mode, &t, &n), GZ_OK);
    c->t = realloc(c->t, (n + 1) * sizeof *c->t);
    c->n = n;
    c->chars.len = 0;
    for (size_t i = 0; i < n; i++) {
        c->t[i] = t[i];
        c->t[i].text = (const char *)(uintptr_t)c->chars.len;
        gz_buf_put(&c->chars, t[i].text, t[i].len);
    }
    for (size_t i = 0; i < n; i++)
        c->t[i].text = c->chars.data + (uintptr_t)c->t[i].text;
}

/* Checks one unit; returns the number of failures (and reports the first). */
static size_t check_unit(const char *s, size_t len, tokcopy *c, UBreakIterator *bi, UText **ut)
{
    size_t bad = 0;
    analyze_copy(s, len, AN_MODE_DOCUMENT, c);
    uint32_t prev_start = 0, prev_pos = 0;
    /* ICU's Han words over the normalised text, as input ranges */
    const char *norm;
    size_t norm_len;
    const uint32_t *map;
    cr_assert_eq(an_normalize(an, s, len, &norm, &norm_len, &map), GZ_OK);
    UErrorCode ec = U_ZERO_ERROR;
    *ut = utext_openUTF8(*ut, norm, (int64_t)norm_len, &ec);
    ubrk_setUText(bi, *ut, &ec);
    size_t icu_words = 0, our_words = 0, matched = 0;
    int32_t b0 = ubrk_first(bi), b1;
    size_t w = 0;
    for (; (b1 = ubrk_next(bi)) != UBRK_DONE; b0 = b1) {
        if (ubrk_getRuleStatus(bi) < UBRK_WORD_NONE_LIMIT)
            continue;
        /* all Han? */
        const char *p = norm + b0;
        int han = 1;
        while (p < norm + b1)
            han &= gz_is_han(gz_utf8_next(&p, norm + b1)) != 0;
        if (!han)
            continue;
        icu_words++;
        uint32_t start = map[b0];
        while (w < c->n && (c->t[w].type != AN_WORD || c->t[w].start < start))
            w++;
        if (w < c->n && c->t[w].start == start && c->t[w].end == (b1 < (int32_t)norm_len ? map[b1] : len))
            matched++;
        else if (w < c->n && c->t[w].start == start) {
            /* an ICU word ending where the next character starts: map[b1]
             * is that next character's input start; blanks between are
             * not part of the word */
            matched += c->t[w].end <= map[b1];
        }
    }
    for (size_t i = 0; i < c->n; i++) {
        const an_token *t = &c->t[i];
        our_words += t->type == AN_WORD;
        /* sorted by position; the start offset is a function of the
         * position, non-decreasing */
        int order_ok = !i || t->pos > prev_pos ? (!i || t->start >= prev_start)
                                                : (t->pos == prev_pos && t->start == prev_start);
        if (t->start > t->end || t->end > len || !order_ok) {
            if (!bad++)
                cr_log_error("token %zu out of bounds or order in %.60s", i, s);
        }
        prev_pos = t->pos;
        prev_start = t->start;
    }
    /* text == normalise(covered bytes) without blanks, for tokens that are
     * the text itself (not folds) */
    for (size_t i = 0; i < c->n; i++) {
        const an_token *t = &c->t[i];
        if (t->type == AN_NUM || t->type == AN_DOCNO || t->type == AN_LABEL)
            continue;
        cr_assert_eq(an_normalize(an, s + t->start, t->end - t->start, &norm, &norm_len, &map), GZ_OK);
        char buf[256];
        size_t bl = 0;
        for (size_t k = 0; k < norm_len && bl < sizeof buf; k++)
            if (norm[k] != ' ')
                buf[bl++] = norm[k];
        /* one input character that NFKC expands (℃ -> °c, ⒈ -> 1.) yields
         * tokens that are parts of its expansion */
        const char *q = s + t->start;
        int one_char = gz_utf8_next(&q, s + t->end) >= 0 && q == s + t->end;
        int part = one_char && memmem(buf, bl, t->text, t->len) != NULL;
        if (!part && (bl != t->len || memcmp(buf, t->text, bl) != 0)) {
            if (!bad++)
                cr_log_error("token '%.*s' (%s) covers '%.*s'", (int)t->len, t->text,
                             an_type_name(t->type), (int)(t->end - t->start), s + t->start);
        }
    }
    if (matched != icu_words || our_words != icu_words) {
        if (!bad++)
            cr_log_error("ICU has %zu Han words, we have %zu, %zu equal, in: %.90s", icu_words, our_words,
                         matched, s);
    }
    return bad;
}

static void check_corpus(const char *dir, size_t min_units)
{
    units u;
    load_units(&u, dir);
    tokcopy c = {0};
    gz_buf_init(&c.chars);
    UErrorCode ec = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_WORD, "zh", NULL, 0, &ec);
    UText *ut = NULL;
    size_t n_units = 0, bad = 0;
    for (const char *p = u.text.data, *end = p + u.text.len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        bad += check_unit(p, (size_t)(nl - p), &c, bi, &ut) != 0;
        n_units++;
        p = nl + 1;
    }
    fprintf(stderr, "analysis properties: %s: %zu files, %zu units, %zu failing\n", dir, u.n_files,
            n_units, bad);
    cr_assert_eq(bad, 0, "%zu units fail", bad);
    cr_assert_geq(n_units, min_units);
    utext_close(ut);
    ubrk_close(bi);
    free(c.t);
    gz_buf_fini(&c.chars);
    gz_buf_fini(&u.text);
}

Test(properties, sample_offsets_text_and_icu_words) { check_corpus(GZ_SAMPLE_DIR, 1000); }

Test(properties, laws_offsets_text_and_icu_words)
{
    char dir[4200];
    TH_LAWS_OR_SKIP(dir);
    check_corpus(dir, 400000);
}

/* ----------------------------------------------------------- recall */

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next_rand(void) { return th_rnd(&rng); }

/* Does the unit's token list hold the query's grams at consecutive positions
 * starting at the token that starts at byte `at`? */
static int grams_at(const tokcopy *doc, const tokcopy *q, uint32_t at)
{
    uint32_t base = UINT32_MAX;
    for (size_t i = 0; i < doc->n; i++) {
        const an_token *t = &doc->t[i];
        if (t->start != at || (t->type != AN_GRAM && t->type != AN_UNI))
            continue;
        const an_token *q0 = &q->t[0];
        if (q0->type == AN_PREFIX ? memcmp(t->text, q0->text, q0->len) == 0
                                  : t->len == q0->len && memcmp(t->text, q0->text, t->len) == 0) {
            base = t->pos;
            break;
        }
    }
    if (base == UINT32_MAX)
        return 0;
    for (size_t k = 0; k < q->n; k++) {
        const an_token *g = &q->t[k];
        if (g->type != AN_GRAM && g->type != AN_PREFIX)
            continue;
        int found = 0;
        for (size_t i = 0; i < doc->n && !found; i++) {
            const an_token *t = &doc->t[i];
            found = t->pos == base + g->pos && (t->type == AN_GRAM || t->type == AN_UNI) &&
                    (g->type == AN_PREFIX ? memcmp(t->text, g->text, g->len) == 0
                                          : t->len == g->len && memcmp(t->text, g->text, g->len) == 0);
        }
        if (!found)
            return 0;
    }
    return 1;
}

static void recall(const char *dir, int n_queries, size_t max_units_per_query)
{
    units u;
    load_units(&u, dir);
    const char *all = u.text.data;
    size_t all_len = u.text.len, checked_units = 0;
    tokcopy q = {0}, d = {0};
    gz_buf_init(&q.chars);
    gz_buf_init(&d.chars);
    for (int qi = 0; qi < n_queries; qi++) {
        /* a random run of 1-8 Han characters */
        char sub[64];
        size_t sub_len = th_han_run(all, all_len, &rng, 8, sub);
        cr_assert_gt(sub_len, 0);
        analyze_copy(sub, sub_len, AN_MODE_QUERY, &q);
        /* every unit holding it, from a random place on, up to the cap */
        size_t start = next_rand() % all_len, hits = 0;
        for (int pass = 0; pass < 2 && hits < max_units_per_query; pass++) {
            const char *from = pass ? all : all + start, *to = pass ? all + start : all + all_len;
            const char *p = from;
            while (hits < max_units_per_query && p < to) {
                const char *m = memmem(p, (size_t)(to - p), sub, sub_len);
                if (!m)
                    break;
                const char *ls = m, *le = memchr(m, '\n', (size_t)(all + all_len - m));
                while (ls > all && ls[-1] != '\n')
                    ls--;
                analyze_copy(ls, (size_t)(le - ls), AN_MODE_DOCUMENT, &d);
                /* each occurrence in the unit */
                for (const char *o = ls; (o = memmem(o, (size_t)(le - o), sub, sub_len)); o++)
                    cr_assert(grams_at(&d, &q, (uint32_t)(o - ls)),
                              "query %.*s not found as grams at byte %zu of: %.120s", (int)sub_len, sub,
                              (size_t)(o - ls), ls);
                hits++;
                checked_units++;
                p = le + 1;
            }
        }
        cr_assert_gt(hits, 0, "the substring's own unit must be found");
    }
    fprintf(stderr, "recall: %s: %d substrings, %zu units checked\n", dir, n_queries, checked_units);
    free(q.t);
    free(d.t);
    gz_buf_fini(&q.chars);
    gz_buf_fini(&d.chars);
    gz_buf_fini(&u.text);
}

Test(properties, sample_recall_of_han_substrings) { recall(GZ_SAMPLE_DIR, 300, 20); }

Test(properties, laws_recall_of_han_substrings)
{
    char dir[4200];
    TH_LAWS_OR_SKIP(dir);
    recall(dir, 1000, 20);
}
