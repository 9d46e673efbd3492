/* searcher/match.c: finding a query word in a segment. A word is a phrase
 * of elements (grams, prefixes, terms, folds); each element is the union of
 * the postings of the terms it stands for. The element with the fewest
 * postings drives; the others seek to its units; a unit holding every
 * element is checked position by position, each element starting where the
 * previous one's advance (a fixed count, or the matched token's span) ends. */
#include "searcher/index.h"

#include <stdlib.h>
#include <string.h>

void ul_fini(ulist *l)
{
    gz_free(l->unit);
    gz_free(l->tf);
    memset(l, 0, sizeof *l);
}

gz_status ul_push(ulist *l, uint32_t unit, uint32_t tf)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        uint32_t *u = gz_realloc(l->unit, cap * sizeof *u);
        if (!u)
            return GZ_NOMEM;
        l->unit = u;
        uint32_t *t = gz_realloc(l->tf, cap * sizeof *t);
        if (!t)
            return GZ_NOMEM;
        l->tf = t;
        l->cap = cap;
    }
    l->unit[l->n] = unit;
    l->tf[l->n] = tf;
    l->n++;
    return GZ_OK;
}

ssize_t ul_find(const ulist *l, uint32_t unit)
{
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (l->unit[mid] < unit)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < l->n && l->unit[lo] == unit ? (ssize_t)lo : -1;
}

#define MAX_ALTS 8192

typedef struct element {
    gz_post *alt;
    size_t n_alt;
    uint64_t df;
    const q_elem *q;
    /* positions of the current unit, merged over alternatives */
    uint32_t *pos, *span;
    size_t n_pos, cap_pos;
} element;

typedef struct alt_ctx {
    const gz_segment *seg;
    element *el;
    size_t cap;
    gz_status st;
} alt_ctx;

/* Opens a cursor for one more term of an element (a prefix finds many). */
static int add_alt(void *arg, const char *term, size_t len, const gz_terminfo *ti)
{
    alt_ctx *c = arg;
    element *e = c->el;
    (void)term;
    (void)len;
    if (e->n_alt >= MAX_ALTS)
        return 1;
    if ((c->st = gz_grow(&e->alt, &c->cap, e->n_alt + 1, sizeof *e->alt, 16)) != GZ_OK)
        return 1;
    if ((c->st = gz_post_open(&e->alt[e->n_alt], c->seg, ti)) != GZ_OK) {
        gz_post_fini(&e->alt[e->n_alt]);
        return 1;
    }
    e->n_alt++;
    e->df += ti->df;
    return 0;
}

static uint32_t elem_unit(const element *e)
{
    uint32_t u = GZ_POST_END;
    for (size_t i = 0; i < e->n_alt; i++)
        if (e->alt[i].unit < u)
            u = e->alt[i].unit;
    return u;
}

static gz_status elem_seek(element *e, uint32_t target)
{
    for (size_t i = 0; i < e->n_alt; i++) {
        gz_status st = gz_post_seek(&e->alt[i], target);
        if (st != GZ_OK && st != GZ_EOF)
            return st;
    }
    return GZ_OK;
}

static int cmp_pos(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

/* Collects the positions of every alternative at unit u, sorted. */
static gz_status elem_positions(element *e, uint32_t u)
{
    e->n_pos = 0;
    for (size_t i = 0; i < e->n_alt; i++) {
        if (e->alt[i].unit != u)
            continue;
        const uint32_t *pos, *span;
        uint32_t n;
        gz_status st = gz_post_positions(&e->alt[i], &pos, &span, &n);
        if (st != GZ_OK)
            return st;
        if (e->n_pos + n > e->cap_pos) {
            size_t cap = (e->n_pos + n) * 2;
            uint32_t *p = gz_realloc(e->pos, 2 * cap * sizeof *p);
            if (!p)
                return GZ_NOMEM;
            e->pos = p;
            e->cap_pos = cap;
        }
        for (uint32_t k = 0; k < n; k++) {
            e->pos[2 * (e->n_pos + k)] = pos[k];
            e->pos[2 * (e->n_pos + k) + 1] = span[k];
        }
        e->n_pos += n;
    }
    if (e->n_pos > 1)
        qsort(e->pos, e->n_pos, 2 * sizeof *e->pos, cmp_pos);
    return GZ_OK;
}

/* The span of element e's token at position p, or 0 if none starts there. */
static uint32_t span_at(const element *e, uint32_t p)
{
    size_t lo = 0, hi = e->n_pos;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (e->pos[2 * mid] < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < e->n_pos && e->pos[2 * lo] == p ? e->pos[2 * lo + 1] : 0;
}

static uint32_t advance(const q_elem *q, uint32_t span)
{
    return (q->doc_span ? span : q->advance) + q->extra;
}

static gz_status match_variant(const gz_segment *seg, const q_variant *v, ulist *out)
{
    if (v->n == 0)
        return GZ_OK;
    element *el = gz_calloc(v->n, sizeof *el);
    gz_status st = el ? GZ_OK : GZ_NOMEM;
    for (size_t k = 0; k < v->n && st == GZ_OK; k++) {
        el[k].q = &v->e[k];
        alt_ctx c = {seg, &el[k], 0, GZ_OK};
        if (v->e[k].prefix) {
            if (gz_segment_prefix(seg, v->e[k].term, v->e[k].len, add_alt, &c) < 0)
                st = GZ_CORRUPT;
        } else {
            gz_terminfo ti;
            int rc = gz_segment_term(seg, v->e[k].term, v->e[k].len, &ti);
            if (rc < 0)
                st = GZ_CORRUPT;
            else if (rc == 1)
                add_alt(&c, v->e[k].term, v->e[k].len, &ti);
        }
        if (st == GZ_OK)
            st = c.st;
    }
    size_t drive = 0;
    for (size_t k = 0; st == GZ_OK && k < v->n; k++) {
        if (el[k].n_alt == 0)
            goto done; /* an element with no term here: no match in this segment */
        if (el[k].df < el[drive].df)
            drive = k;
    }
    while (st == GZ_OK) {
        uint32_t u = elem_unit(&el[drive]);
        if (u == GZ_POST_END)
            break;
        /* every other element at u? else jump to the furthest */
        uint32_t next = u;
        for (size_t k = 0; k < v->n && st == GZ_OK; k++) {
            if (k == drive)
                continue;
            st = elem_seek(&el[k], u);
            uint32_t eu = elem_unit(&el[k]);
            if (eu == GZ_POST_END) {
                next = GZ_POST_END;
                break;
            }
            if (eu > next)
                next = eu;
        }
        if (st != GZ_OK || next == GZ_POST_END)
            break;
        if (next != u) {
            st = elem_seek(&el[drive], next);
            continue;
        }
        /* positions: chains from each start of the first element */
        for (size_t k = 0; k < v->n && st == GZ_OK; k++)
            st = elem_positions(&el[k], u);
        uint32_t tf = 0;
        for (size_t i = 0; st == GZ_OK && i < el[0].n_pos; i++) {
            uint32_t p = el[0].pos[2 * i], sp = el[0].pos[2 * i + 1];
            size_t k = 1;
            for (; k < v->n; k++) {
                p += advance(el[k - 1].q, sp);
                if (!(sp = span_at(&el[k], p)))
                    break;
            }
            tf += k == v->n;
        }
        if (st == GZ_OK && tf)
            st = ul_push(out, u, tf);
        if (st == GZ_OK)
            st = elem_seek(&el[drive], u + 1);
    }
done:
    for (size_t k = 0; el && k < v->n; k++) {
        for (size_t i = 0; i < el[k].n_alt; i++)
            gz_post_fini(&el[k].alt[i]);
        gz_free(el[k].alt);
        gz_free(el[k].pos);
    }
    gz_free(el);
    return st;
}

gz_status sr_match_leaf(const gz_segment *seg, const q_leaf *leaf, ulist *out)
{
    ulist parts[3] = {{0}};
    gz_status st = GZ_OK;
    for (size_t v = 0; v < leaf->n_v && st == GZ_OK; v++)
        st = match_variant(seg, &leaf->v[v], &parts[v]);
    /* union of the variants; an occurrence matched by both counts once */
    size_t idx[3] = {0};
    while (st == GZ_OK) {
        uint32_t u = GZ_POST_END, tf = 0;
        for (size_t v = 0; v < leaf->n_v; v++)
            if (idx[v] < parts[v].n && parts[v].unit[idx[v]] < u)
                u = parts[v].unit[idx[v]];
        if (u == GZ_POST_END)
            break;
        for (size_t v = 0; v < leaf->n_v; v++)
            if (idx[v] < parts[v].n && parts[v].unit[idx[v]] == u) {
                if (parts[v].tf[idx[v]] > tf)
                    tf = parts[v].tf[idx[v]];
                idx[v]++;
            }
        st = ul_push(out, u, tf);
    }
    for (size_t v = 0; v < 3; v++)
        ul_fini(&parts[v]);
    return st;
}

/* ------------------------------------------------- occurrences in tokens */

static int tok_matches(const an_token *t, const q_elem *q)
{
    if (t->type == AN_WORD || t->type == AN_PREFIX)
        return 0;
    size_t ql = q->len - 1;
    if (q->prefix)
        return t->len >= ql && memcmp(t->text, q->term + 1, ql) == 0;
    return t->len == ql && memcmp(t->text, q->term + 1, ql) == 0;
}

/* Bytes of the source character at text + at. */
static uint32_t char_len(const char *text, uint32_t at, uint32_t limit)
{
    const char *p = text + at;
    if (gz_utf8_next(&p, text + limit) < 0)
        return 1;
    return (uint32_t)(p - (text + at));
}

size_t sr_leaf_occurrences(const q_leaf *leaf, const char *text, const an_token *t, size_t n, occ *out,
                           size_t cap)
{
    size_t found = 0;
    for (size_t v = 0; v < leaf->n_v; v++) {
        const q_variant *var = &leaf->v[v];
        if (!var->n)
            continue;
        for (size_t i = 0; i < n && found < cap; i++) {
            if (!tok_matches(&t[i], &var->e[0]))
                continue;
            uint32_t p = t[i].pos, sp = t[i].span, start = t[i].start;
            const an_token *last = &t[i];
            size_t k = 1;
            for (; k < var->n; k++) {
                p += advance(&var->e[k - 1], sp);
                size_t j = 0;
                while (j < n && !(t[j].pos == p && tok_matches(&t[j], &var->e[k])))
                    j++;
                if (j == n)
                    break;
                sp = t[j].span;
                last = &t[j];
            }
            if (k < var->n)
                continue;
            /* a prefix element stands for its first character only */
            uint32_t end = var->e[var->n - 1].prefix ? last->start + char_len(text, last->start, last->end)
                                                     : last->end;
            int dup = 0;
            for (size_t d = 0; d < found; d++)
                dup |= out[d].start == start && out[d].end == end;
            if (!dup && end > start)
                out[found++] = (occ){start, end};
        }
    }
    return found;
}
