/* searcher/hint.c: what to try when a query as typed matches nothing: for
 * each keyword no unit holds, the closest strings that units do hold (one
 * character replaced, added or left out, the most common first), and
 * which keywords to drop. Called by search.c on that path only. */
#include "searcher/hint.h"
#include "searcher/match.h"
#include "searcher/testing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keywords longer than this get no spelling hint: a typo in a word, not
 * in a phrase (and a run-together phrase, read by its words, is not made
 * to wait for one). */
#define HINT_MAX_CHARS 5
#define HINT_PER_WORD 3
#define HINT_TRIED 12    /* candidates whose units are counted, per word */

typedef struct alt {
    char text[HINT_MAX_CHARS * 4 + 8];
    double weight; /* the grams' document frequencies: a first guess */
    size_t units;  /* units holding it, counted for the best guesses */
} alt;

typedef struct alts {
    alt *v;
    size_t n, cap;
    gz_status st;
} alts;

/* Units holding text, read as one keyword. */
static size_t units_holding(sr_index *ix, const char *text)
{
    uint64_t *ids = NULL;
    size_t n = 0;
    gz_error err;
    if (sr_search_ids(ix, text, &ids, &n, &err) != GZ_OK)
        n = 0;
    gz_free(ids);
    return n;
}

static void alt_add(alts *a, const char *text, double weight)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i].text, text) == 0) {
            if (weight > a->v[i].weight)
                a->v[i].weight = weight;
            return;
        }
    if (strlen(text) >= sizeof a->v[0].text || gz_grow(&a->v, &a->cap, a->n + 1, sizeof *a->v, 32) != GZ_OK)
        return;
    snprintf(a->v[a->n].text, sizeof a->v[0].text, "%s", text);
    a->v[a->n].weight = weight;
    a->v[a->n++].units = 0;
}

/* The df of gram ab (two characters) over the snapshot's segments. */
static double gram_df(sr_index *ix, const char *a, size_t al, const char *b, size_t bl)
{
    char term[16];
    if (al + bl + 1 > sizeof term)
        return 0;
    term[0] = GZ_FIELD_GRAM;
    memcpy(term + 1, a, al);
    memcpy(term + 1 + al, b, bl);
    double df = 0;
    gz_terminfo ti;
    int found;
    for (size_t s = 0; s < ix->snap->man.n_seg; s++)
        if (gz_segment_term(ix->snap->seg[s], term, al + bl + 1, &found, &ti) == GZ_OK && found)
            df += ti.df;
    return df;
}

/* The smallest df of the grams of s (Han characters): how common the
 * string can be at most, a first guess at how common it is. */
static double min_gram_df(sr_index *ix, const char *s)
{
    double least = -1;
    for (size_t i = 0; s[i] && s[i + 3]; i += 3) {
        double df = gram_df(ix, s + i, 3, s + i + 3, 3);
        if (least < 0 || df < least)
            least = df;
    }
    return least < 0 ? 0 : least;
}

/* Grams beginning with a character: the second characters, by df. */
typedef struct seconds {
    char (*c)[8];
    double *df;
    size_t n, cap;
} seconds;

static int add_second(void *ctx, const char *term, size_t len, const gz_terminfo *ti)
{
    seconds *s = ctx;
    /* 'g' + first (3 bytes) + one more Han character (3 bytes) */
    if (len != 7)
        return 0;
    for (size_t i = 0; i < s->n; i++)
        if (memcmp(s->c[i], term + 4, 3) == 0) {
            s->df[i] += ti->df;
            return 0;
        }
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        char(*c)[8] = gz_realloc(s->c, cap * sizeof *c);
        double *df = c ? gz_realloc(s->df, cap * sizeof *df) : NULL;
        if (c)
            s->c = c;
        if (!df)
            return 1;
        s->df = df;
        s->cap = cap;
    }
    memcpy(s->c[s->n], term + 4, 3);
    s->c[s->n][3] = 0;
    s->df[s->n++] = ti->df;
    return 0;
}

/* The closest strings to w (Han characters, at most HINT_MAX_CHARS) that
 * units hold, best first, into a: one character replaced or added where
 * the grams on both sides exist (after the first character: a gram is
 * found by its first), or one left out. */
static void spell(sr_index *ix, const char *w, alts *a)
{
    const char *ch[HINT_MAX_CHARS + 1];
    size_t n = 0;
    for (const char *p = w, *end = w + strlen(w); p < end && n <= HINT_MAX_CHARS;) {
        ch[n++] = p;
        int32_t c = gz_utf8_next(&p, end);
        if (c < 0 || !gz_is_han(c) || p - ch[n - 1] != 3)
            return;
    }
    if (n < 2 || n > HINT_MAX_CHARS)
        return;
    char buf[sizeof a->v[0].text];
    /* one left out */
    for (size_t i = 0; i < n && n > 2; i++) {
        size_t k = 0;
        for (size_t j = 0; j < n; j++)
            if (j != i) {
                memcpy(buf + k, ch[j], 3);
                k += 3;
            }
        buf[k] = 0;
        alt_add(a, buf, min_gram_df(ix, buf));
    }
    /* replaced (at i) or added (before i), i >= 1: the grams the new
     * character c makes with its neighbours both exist */
    for (size_t i = 1; i <= n; i++) {
        seconds sc = {0};
        for (size_t s = 0; s < ix->snap->man.n_seg; s++) {
            char key[4] = {GZ_FIELD_GRAM};
            memcpy(key + 1, ch[i - 1], 3);
            gz_segment_prefix(ix->snap->seg[s], key, 4, add_second, &sc);
        }
        for (int add = 0; add < 2; add++) {
            if (!add && i == n)
                continue;
            size_t next = add ? i : i + 1; /* the character after c */
            for (size_t k = 0; k < sc.n; k++) {
                if (!add && memcmp(sc.c[k], ch[i], 3) == 0)
                    continue;
                double df2 = next < n ? gram_df(ix, sc.c[k], 3, ch[next], 3) : sc.df[k];
                if (df2 <= 0)
                    continue;
                size_t b = 0;
                for (size_t j = 0; j < n + 1; j++) {
                    const char *src = j < i ? ch[j] : j == i ? sc.c[k] : add ? ch[j - 1] : j < n ? ch[j] : NULL;
                    if (!src)
                        break;
                    memcpy(buf + b, src, 3);
                    b += 3;
                }
                buf[b] = 0;
                alt_add(a, buf, min_gram_df(ix, buf));
            }
        }
        gz_free(sc.c);
        gz_free(sc.df);
    }
}

static int cmp_weight(const void *x, const void *y)
{
    const alt *a = x, *b = y;
    return (a->weight < b->weight) - (a->weight > b->weight);
}

static int cmp_units(const void *x, const void *y)
{
    const alt *a = x, *b = y;
    if (a->units != b->units)
        return (a->units < b->units) - (a->units > b->units);
    return strcmp(a->text, b->text);
}

const gazette_hint *sr_hint(sr_index *ix, const char *query, sr_arena *arena)
{
    gz_buf mean, drop;
    gz_buf_init(&mean);
    gz_buf_init(&drop);
    size_t n_kw = 0, n_drop = 0, n_mean = 0;
    char *q = gz_strndup(query, strlen(query));
    /* keywords: split at blanks and the marks people list words with */
    char *kw[64];
    for (char *p = q; p && *p && n_kw < 64;) {
        size_t sep = strcspn(p, " \t\r\n");
        static const char *const marks[] = {"、", "，", "；", "。", "　"};
        for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++) {
            char *at = strstr(p, marks[m]);
            if (at && (size_t)(at - p) < sep)
                sep = (size_t)(at - p);
        }
        char save = p[sep];
        p[sep] = 0;
        if (*p)
            kw[n_kw++] = p;
        if (!save)
            break;
        p += sep + ((unsigned char)save >= 0x80 ? 3 : 1);
    }
    for (size_t k = 0; k < n_kw; k++) {
        /* one keyword alone is known to match nothing */
        if (n_kw > 1 && units_holding(ix, kw[k]))
            continue;
        gz_buf_put(&drop, kw[k], strlen(kw[k]) + 1);
        n_drop++;
        alts a = {0};
        spell(ix, kw[k], &a);
        /* the likeliest by their grams, then counted */
        if (a.n > 1)
            qsort(a.v, a.n, sizeof *a.v, cmp_weight);
        size_t tried = a.n < HINT_TRIED ? a.n : HINT_TRIED;
        for (size_t i = 0; i < tried; i++)
            a.v[i].units = units_holding(ix, a.v[i].text);
        if (tried > 1)
            qsort(a.v, tried, sizeof *a.v, cmp_units);
        for (size_t i = 0; i < tried && i < HINT_PER_WORD && a.v[i].units; i++) {
            gz_buf_put(&mean, a.v[i].text, strlen(a.v[i].text) + 1);
            n_mean++;
        }
        gz_free(a.v);
    }
    gz_free(q);
    gazette_hint *h = NULL;
    if ((n_mean || (n_drop && n_drop < n_kw)) && (h = sr_arena_alloc(arena, sizeof *h))) {
        gz_buf zh;
        gz_buf_init(&zh);
        if (n_mean) {
            gz_buf_puts(&zh, "您是不是要找：");
            sr_list_zh(&zh, &mean);
        }
        if (n_drop && n_drop < n_kw) {
            gz_buf_puts(&zh, n_mean ? "；" : "");
            gz_buf_puts(&zh, "没有条文包含：");
            sr_list_zh(&zh, &drop);
            gz_buf_puts(&zh, "，去掉后再试");
        } else {
            drop.len = 0; /* every keyword: dropping them all is no advice */
        }
        h->did_you_mean = sr_list_array(arena, &mean, &h->n_did_you_mean);
        h->drop = sr_list_array(arena, &drop, &h->n_drop);
        h->text = sr_arena_strn(arena, zh.data ? zh.data : "", zh.len);
        gz_buf_fini(&zh);
    }
    gz_buf_fini(&mean);
    gz_buf_fini(&drop);
    return h;
}
