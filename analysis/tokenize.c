/* analysis/tokenize.c: positions and tokens over the normalised text. ICU's
 * word break (locale zh, run over the normalised UTF-8 through a UText)
 * decides words; this file turns its segments into grams, unigrams, words
 * and terms, gives every token its position, and sorts the result. */
#include "analysis/analyzer.h"
#include "common/probe.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <xxhash.h>

static int grow_tok(an_analyzer *a)
{
    if (gz_grow(&a->tok, &a->cap_tok, a->n_tok + 1, sizeof *a->tok, 1024) == GZ_OK)
        return 1;
    a->status = GZ_NOMEM;
    return 0;
}

void an_emit_text(an_analyzer *a, an_type type, const char *s, size_t len, uint32_t pos,
                  uint32_t span, uint32_t start, uint32_t end)
{
    if (a->status != GZ_OK || !grow_tok(a))
        return;
    an_token *t = &a->tok[a->n_tok++];
    t->text = (const char *)(uintptr_t)a->chars.len; /* an offset until an_analyze ends */
    t->len = (uint32_t)len;
    t->pos = pos;
    t->span = span;
    t->start = start;
    t->end = end;
    t->type = type;
    gz_buf_put(&a->chars, s, len);
}

void an_emit_cps(an_analyzer *a, an_type type, size_t i0, size_t i1, uint32_t pos, uint32_t span)
{
    uint32_t b0 = a->cp_byte[i0], b1 = i1 < a->n_cp ? a->cp_byte[i1] : (uint32_t)a->norm.len;
    an_emit_text(a, type, a->norm.data + b0, b1 - b0, pos, span, a->src_start[i0],
                 a->src_end[i1 - 1]);
}

static uint64_t run_hash(const char *s, size_t len) { return XXH3_64bits(s, len); }

/* Blanks that take no position in documents: spaces inside a line. Line and
 * paragraph separators and tabs (table cells) are boundaries; in queries
 * every blank is one (it separates the words a person typed). */
static int transparent(int32_t c)
{
    if (c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == 0x2028 || c == 0x2029 ||
        c == 0x85)
        return 0;
    return u_isUWhiteSpace(c);
}

typedef struct run_state {
    int64_t prev;   /* index of the last Han character of the open run, or -1 */
    uint32_t n;     /* characters in the open run */
} run_state;

static void end_run(an_analyzer *a, run_state *r, an_mode mode)
{
    if (r->prev >= 0) {
        size_t i = (size_t)r->prev;
        if (mode == AN_MODE_DOCUMENT)
            an_emit_cps(a, AN_UNI, i, i + 1, a->pos_of[i], 1);
        else if (r->n == 1)
            an_emit_cps(a, AN_PREFIX, i, i + 1, a->pos_of[i], 1);
    }
    r->prev = -1;
    r->n = 0;
}

static void han(an_analyzer *a, run_state *r, size_t i, uint32_t *pos)
{
    a->pos_of[i] = (*pos)++;
    if (r->prev >= 0) {
        size_t p = (size_t)r->prev;
        /* a gram of two characters that may have blanks between them: its
         * text is the two characters, its range covers both */
        uint32_t b0 = a->cp_byte[p], b1 = a->cp_byte[p + 1], c0 = a->cp_byte[i],
                 c1 = i + 1 < a->n_cp ? a->cp_byte[i + 1] : (uint32_t)a->norm.len;
        char g[8];
        memcpy(g, a->norm.data + b0, b1 - b0);
        memcpy(g + (b1 - b0), a->norm.data + c0, c1 - c0);
        an_emit_text(a, AN_GRAM, g, (b1 - b0) + (c1 - c0), a->pos_of[p], 1, a->src_start[p],
                     a->src_end[i]);
    }
    r->prev = (int64_t)i;
    r->n++;
}

static int cmp_tok(const void *x, const void *y)
{
    const an_token *a = x, *b = y;
    if (a->pos != b->pos)
        return a->pos < b->pos ? -1 : 1;
    if (a->type != b->type)
        return a->type < b->type ? -1 : 1;
    if (a->span != b->span)
        return a->span < b->span ? -1 : 1;
    return a->start < b->start ? -1 : a->start > b->start;
}

/* Tokens come out almost in order (a word follows the grams it covers):
 * an insertion sort costs a step per token and one per displacement. Past
 * a budget of displacements, qsort. */
static void sort_tokens(an_token *t, size_t n)
{
    size_t budget = 4 * n + 64;
    for (size_t i = 1; i < n; i++) {
        if (cmp_tok(&t[i - 1], &t[i]) <= 0)
            continue;
        an_token x = t[i];
        size_t j = i;
        while (j > 0 && cmp_tok(&t[j - 1], &x) > 0) {
            t[j] = t[j - 1];
            j--;
            if (--budget == 0) {
                t[j] = x;
                qsort(t, n, sizeof *t, cmp_tok);
                return;
            }
        }
        t[j] = x;
    }
}

/* One segment [seg0, seg1) of the normalised text, as word break (or the
 * snippet mode's simple classes) cut it, with its rule status. */
static void segment(an_analyzer *a, run_state *r, uint32_t *pos, an_mode mode, size_t seg0, size_t seg1,
                    int32_t status)
{
    if (status < UBRK_WORD_NONE_LIMIT) {
        /* spaces and punctuation */
        for (size_t k = seg0; k < seg1; k++)
            if (mode == AN_MODE_QUERY || !transparent(a->cp[k])) {
                end_run(a, r, mode);
                (*pos)++;
            }
        return;
    }
    /* a word: Han characters become grams; other runs inside it (kana,
     * letters, digits) become terms of one position each */
    size_t n_han = 0;
    for (size_t k = seg0; k < seg1; k++)
        n_han += gz_is_han(a->cp[k]) != 0;
    if (n_han == seg1 - seg0) {
        uint32_t first = *pos;
        for (size_t k = seg0; k < seg1; k++)
            han(a, r, k, pos);
        an_emit_cps(a, AN_WORD, seg0, seg1, first, (uint32_t)(seg1 - seg0));
        return;
    }
    size_t k = seg0;
    while (k < seg1) {
        if (gz_is_han(a->cp[k])) {
            han(a, r, k, pos);
            k++;
            continue;
        }
        end_run(a, r, mode);
        size_t e = k;
        while (e < seg1 && !gz_is_han(a->cp[e]))
            e++;
        for (size_t m = k; m < e; m++)
            a->pos_of[m] = *pos;
        an_emit_cps(a, AN_TERM, k, e, *pos, 1);
        (*pos)++;
        k = e;
    }
}

/* Characters ICU's dictionary engine segments: ideographs and kana. */
static int is_dict(int32_t c)
{
    return gz_is_han(c) || (c >= 0x3040 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) ||
           (c >= 0xFF66 && c <= 0xFF9F);
}

/* ICU word break over cp[i0..i1), feeding segment(): through our segmenter
 * (the same boundaries) once documents have loaded it, else ICU itself. */
static gz_status icu_stretch(an_analyzer *a, run_state *r, uint32_t *pos, an_mode mode, size_t i0, size_t i1)
{
    uint32_t b0 = a->cp_byte[i0], b1 = i1 < a->n_cp ? a->cp_byte[i1] : (uint32_t)a->norm.len;
    if (a->seg) {
        const int32_t *ends, *status;
        size_t n_seg;
        if (an_segmenter_break(a->seg, a->norm.data + b0, b1 - b0, &ends, &status, &n_seg) == GZ_OK) {
            size_t i = i0;
            for (size_t k = 0; k < n_seg; k++) {
                size_t seg0 = i;
                while (i < i1 && a->cp_byte[i] - b0 < (uint32_t)ends[k])
                    i++;
                segment(a, r, pos, mode, seg0, i, status[k]);
            }
            return GZ_OK;
        }
    }
    UErrorCode ec = U_ZERO_ERROR;
    a->utext = utext_openUTF8(a->utext, a->norm.data + b0, (int64_t)(b1 - b0), &ec);
    ubrk_setUText(a->words, a->utext, &ec);
    if (U_FAILURE(ec))
        return GZ_INVALID;
    size_t i = i0;
    int32_t e;
    ubrk_first(a->words);
    while ((e = ubrk_next(a->words)) != UBRK_DONE) {
        size_t seg0 = i;
        while (i < i1 && a->cp_byte[i] - b0 < (uint32_t)e)
            i++;
        segment(a, r, pos, mode, seg0, i, ubrk_getRuleStatus(a->words));
    }
    return GZ_OK;
}

static uint16_t *pool_reserve(an_analyzer *a, size_t n)
{
    if (a->pool_len + n > a->pool_cap) {
        size_t cap = a->pool_cap ? a->pool_cap : 1 << 16;
        while (cap < a->pool_len + n)
            cap *= 2;
        uint16_t *p = gz_realloc(a->seg_pool, cap * sizeof *p);
        if (!p)
            return NULL;
        a->seg_pool = p;
        a->pool_cap = cap;
    }
    return a->seg_pool + a->pool_len;
}

#define AN_RUNS_MAX (1u << 17)       /* memo entries before it is cleared */
#define AN_POOL_MAX ((size_t)8 << 20) /* segment pairs before it is cleared */

/* A dictionary run cp[i0..i1): its ICU words from our segmenter if it
 * covers the run, else from the memo, or from ICU (then remembered). */
static void dict_run(an_analyzer *a, run_state *r, uint32_t *pos, an_mode mode, size_t i0, size_t i1)
{
    if (a->seg_state == 0 && mode == AN_MODE_DOCUMENT) {
        /* opened for documents only: a query's runs are short, and a search
         * need not wait for the dictionary */
        a->seg_state = an_segmenter_open(&a->seg, 0, NULL) == GZ_OK ? 1 : -1;
    }
    const uint32_t *own;
    int32_t own_status;
    size_t m = a->seg ? an_segmenter_run(a->seg, a->cp + i0, i1 - i0, &own, &own_status) : 0;
    if (m) {
        size_t start = i0;
        for (size_t k = 0; k < m; k++) {
            segment(a, r, pos, mode, start, i0 + own[k], own_status);
            start = i0 + own[k];
        }
        return;
    }
    uint32_t b0 = a->cp_byte[i0], b1 = i1 < a->n_cp ? a->cp_byte[i1] : (uint32_t)a->norm.len;
    size_t n_cp = i1 - i0;
    if (a->no_cache || n_cp > UINT16_MAX) {
        if (icu_stretch(a, r, pos, mode, i0, i1) != GZ_OK)
            a->status = GZ_INVALID;
        return;
    }
    uint64_t h = run_hash(a->norm.data + b0, b1 - b0);
    if (!a->runs || a->runs_used * 2 >= a->runs_cap || a->pool_len > AN_POOL_MAX) {
        /* first use, or full: start afresh */
        if (!a->runs) {
            a->runs = gz_calloc(AN_RUNS_MAX, sizeof *a->runs);
            if (!a->runs) {
                a->no_cache = 1;
                dict_run(a, r, pos, mode, i0, i1);
                return;
            }
            a->runs_cap = AN_RUNS_MAX;
        } else {
            memset(a->runs, 0, a->runs_cap * sizeof *a->runs);
        }
        a->runs_used = 0;
        a->pool_len = 0;
    }
    size_t at = gz_probe_first(h, a->runs_cap);
    while (a->runs[at].n_cp && !(a->runs[at].hash == h && a->runs[at].n_cp == n_cp))
        at = gz_probe_next(at, a->runs_cap);
    struct an_run_entry *e = &a->runs[at];
    if (!e->n_cp) {
        /* ICU on the run alone; remember (end, status) of each word */
        UErrorCode ec = U_ZERO_ERROR;
        a->utext = utext_openUTF8(a->utext, a->norm.data + b0, (int64_t)(b1 - b0), &ec);
        ubrk_setUText(a->words, a->utext, &ec);
        if (U_FAILURE(ec)) {
            a->status = GZ_INVALID;
            return;
        }
        size_t off = a->pool_len, n_seg = 0, i = i0;
        int32_t end;
        ubrk_first(a->words);
        while ((end = ubrk_next(a->words)) != UBRK_DONE) {
            while (i < i1 && a->cp_byte[i] - b0 < (uint32_t)end)
                i++;
            uint16_t *p = pool_reserve(a, 2);
            if (!p) {
                a->status = GZ_NOMEM;
                return;
            }
            p[0] = (uint16_t)(i - i0);
            p[1] = (uint16_t)ubrk_getRuleStatus(a->words);
            a->pool_len += 2;
            n_seg++;
        }
        e->hash = h;
        e->n_cp = (uint16_t)n_cp;
        e->off = (uint32_t)off;
        e->n_seg = (uint16_t)(n_seg < UINT16_MAX ? n_seg : UINT16_MAX);
        a->runs_used++;
    }
    size_t start = i0;
    for (size_t k = 0; k < e->n_seg; k++) {
        const uint16_t *p = a->seg_pool + e->off + 2 * k;
        segment(a, r, pos, mode, start, i0 + p[0], (int16_t)p[1]);
        start = i0 + p[0];
    }
}

gz_status an_analyze(an_analyzer *a, const char *text, size_t len, an_mode mode,
                     const an_token **toks, size_t *n)
{
    *toks = NULL;
    *n = 0;
    if (len > INT32_MAX)
        return GZ_INVALID;
    a->status = GZ_OK;
    a->n_tok = 0;
    a->chars.len = 0;
    a->chars.status = GZ_OK;
    if (an_normalize_text(a, text, len) != GZ_OK)
        return a->status;

    uint32_t pos = 0;
    run_state r = {-1, 0};
    an_mode tok_mode = mode == AN_MODE_SNIPPET ? AN_MODE_DOCUMENT : mode;
    if (mode == AN_MODE_SNIPPET) {
        /* without ICU: each Han character its own word, runs of letters,
         * digits and marks one term, anything else one character */
        for (size_t i = 0; i < a->n_cp;) {
            int32_t c = a->cp[i];
            size_t e = i + 1;
            int32_t status = UBRK_WORD_NONE;
            if (gz_is_han(c)) {
                status = UBRK_WORD_IDEO;
            } else if (u_isalnum(c) || u_charType(c) == U_NON_SPACING_MARK) {
                while (e < a->n_cp && !gz_is_han(a->cp[e]) &&
                       (u_isalnum(a->cp[e]) || u_charType(a->cp[e]) == U_NON_SPACING_MARK))
                    e++;
                status = UBRK_WORD_LETTER;
            }
            segment(a, &r, &pos, tok_mode, i, e, status);
            i = e;
        }
    } else {
        /* dictionary runs (Han, kana) are segmented on their own, through
         * the memo; stretches with letters or digits by ICU; punctuation
         * and blanks need no segmenter (each character stands alone) */
        for (size_t i = 0; i < a->n_cp && a->status == GZ_OK;) {
            int dict = is_dict(a->cp[i]), alnum = 0;
            size_t j = i;
            while (j < a->n_cp && is_dict(a->cp[j]) == dict) {
                alnum |= !dict && (u_isalnum(a->cp[j]) || u_charType(a->cp[j]) == U_NON_SPACING_MARK ||
                                   u_charType(a->cp[j]) == U_COMBINING_SPACING_MARK);
                j++;
            }
            if (dict)
                dict_run(a, &r, &pos, tok_mode, i, j);
            else if (!alnum)
                segment(a, &r, &pos, tok_mode, i, j, UBRK_WORD_NONE);
            else if (icu_stretch(a, &r, &pos, tok_mode, i, j) != GZ_OK)
                return a->status = GZ_INVALID;
            i = j;
        }
    }
    end_run(a, &r, tok_mode);
    size_t n_main = a->n_tok; /* the folds come after, in order of their own */
    an_fold_numerals(a);
    an_fold_labels(a);
    an_fold_docnos(a);
    if (a->chars.status != GZ_OK)
        a->status = GZ_NOMEM;
    if (a->status != GZ_OK)
        return a->status;
    for (size_t t = 0; t < a->n_tok; t++)
        a->tok[t].text = a->chars.data + (uintptr_t)a->tok[t].text;
    /* the tokens of the text, nearly in order, sorted in place; the folds
     * (few, each kind in order) sorted apart, then merged in */
    sort_tokens(a->tok, n_main);
    size_t n_fold = a->n_tok - n_main;
    if (n_fold) {
        if (n_fold > 1)
            qsort(a->tok + n_main, n_fold, sizeof *a->tok, cmp_tok);
        if (gz_grow(&a->merge, &a->cap_merge, a->n_tok, sizeof *a->merge, 64) != GZ_OK)
            return a->status = GZ_NOMEM;
        an_token *x = a->tok, *y = a->tok + n_main, *xe = y, *ye = a->tok + a->n_tok, *o = a->merge;
        while (x < xe || y < ye)
            *o++ = y >= ye || (x < xe && cmp_tok(x, y) <= 0) ? *x++ : *y++;
        an_token *sw = a->tok;
        size_t sc = a->cap_tok;
        a->tok = a->merge, a->cap_tok = a->cap_merge;
        a->merge = sw, a->cap_merge = sc;
    }
    *toks = a->tok;
    *n = a->n_tok;
    return GZ_OK;
}
