/* searcher/match.c: finding a query word in a segment. A word is a phrase
 * of elements (grams, prefixes, terms, folds); each element is the union of
 * the postings of the terms it stands for. The element with the fewest
 * postings drives; the others seek to its units; a unit holding every
 * element is checked position by position, each element starting where the
 * previous one's advance (a fixed count, or the matched token's span) ends. */
#include "searcher/match.h"

#include <stdlib.h>
#include <string.h>

void ul_fini(ulist *l)
{
    gz_free(l->unit);
    gz_free(l->tf);
    memset(l, 0, sizeof *l);
}

gz_status ul_reserve(ulist *l, size_t n)
{
    if (n <= l->cap)
        return GZ_OK;
    size_t cap = l->cap ? l->cap * 2 : 256;
    if (cap < n)
        cap = n;
    uint32_t *u = gz_realloc(l->unit, cap * sizeof *u);
    if (!u)
        return GZ_NOMEM;
    l->unit = u;
    uint32_t *t = gz_realloc(l->tf, cap * sizeof *t);
    if (!t)
        return GZ_NOMEM;
    l->tf = t;
    l->cap = cap;
    return GZ_OK;
}

/* The first index in [lo, hi) whose unit is >= unit (hi if none). */
static size_t ul_lower_in(const ulist *l, size_t lo, size_t hi, uint32_t unit)
{
    return gz_lower_u32(l->unit, lo, hi, unit);
}

size_t ul_lower(const ulist *l, uint32_t unit) { return ul_lower_in(l, 0, l->n, unit); }

size_t ul_gallop(const ulist *l, size_t from, uint32_t unit)
{
    size_t step = 1, lo = from, hi = from;
    while (hi < l->n && l->unit[hi] < unit) {
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    return ul_lower_in(l, lo, hi < l->n ? hi : l->n, unit);
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
    uint32_t *heap; /* several alternatives: their indices, a min-heap by unit */
    uint32_t *stk, *here; /* scratch: walking the heap, the alternatives at a unit */
    size_t cap_stk, cap_here;
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
    /* a cursor costs its lookup and first block: charged as SR_CURSOR_COST */
    if ((c->st = sr_spend(SR_CURSOR_COST)) != GZ_OK ||
        (c->st = gz_grow(&e->alt, &c->cap, e->n_alt + 1, sizeof *e->alt, 16)) != GZ_OK)
        return 1;
    if ((c->st = gz_post_open(&e->alt[e->n_alt], c->seg, ti)) != GZ_OK) {
        gz_post_fini(&e->alt[e->n_alt]);
        return 1;
    }
    e->n_alt++;
    e->df += ti->df;
    return 0;
}

/* Restores the heap below slot i after its cursor moved forward. */
static void heap_down(element *e, size_t i)
{
    uint32_t *h = e->heap, x = h[i], ux = e->alt[x].unit;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= e->n_alt)
            break;
        if (c + 1 < e->n_alt && e->alt[h[c + 1]].unit < e->alt[h[c]].unit)
            c++;
        if (e->alt[h[c]].unit >= ux)
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = x;
}

/* Once every alternative is open: the heap, when there are several. */
static gz_status elem_ready(element *e)
{
    if (e->n_alt < 2)
        return GZ_OK;
    if (!(e->heap = gz_alloc(e->n_alt * sizeof *e->heap)))
        return GZ_NOMEM;
    for (size_t i = 0; i < e->n_alt; i++)
        e->heap[i] = (uint32_t)i;
    for (size_t i = e->n_alt / 2; i-- > 0;)
        heap_down(e, i);
    return GZ_OK;
}

static uint32_t elem_unit(const element *e)
{
    if (e->n_alt == 0)
        return GZ_POST_END;
    return e->alt[e->heap ? e->heap[0] : 0].unit;
}

/* Moves every alternative behind target forward: only those the heap puts
 * first are touched, so a sparse seek costs what it passes. */
static gz_status elem_seek(element *e, uint32_t target)
{
    if (!e->heap) {
        gz_status st = e->n_alt ? gz_post_seek(&e->alt[0], target) : GZ_OK;
        return st == GZ_EOF ? GZ_OK : st;
    }
    while (e->alt[e->heap[0]].unit < target) {
        gz_status st = gz_post_seek(&e->alt[e->heap[0]], target);
        if (st != GZ_OK && st != GZ_EOF)
            return st;
        heap_down(e, 0);
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
    /* the alternatives at u: the heap's top, and below it while == u */
    size_t n_stack = 0, n_here = 0;
    if (e->heap) {
        if (gz_grow(&e->stk, &e->cap_stk, 1, sizeof *e->stk, 64) != GZ_OK)
            return GZ_NOMEM;
        e->stk[n_stack++] = 0;
        while (n_stack) {
            uint32_t k = e->stk[--n_stack];
            if (e->alt[e->heap[k]].unit != u)
                continue;
            if (gz_grow(&e->here, &e->cap_here, n_here + 1, sizeof *e->here, 64) != GZ_OK ||
                gz_grow(&e->stk, &e->cap_stk, n_stack + 2, sizeof *e->stk, 64) != GZ_OK)
                return GZ_NOMEM;
            e->here[n_here++] = e->heap[k];
            for (uint32_t c = 2 * k + 1; c <= 2 * k + 2 && c < e->n_alt; c++)
                e->stk[n_stack++] = c;
        }
    }
    size_t n_scan = e->heap ? n_here : e->n_alt;
    for (size_t j = 0; j < n_scan; j++) {
        size_t i = e->heap ? e->here[j] : j;
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
        if ((st = sr_spend(n)) != GZ_OK)
            return st;
    }
    if (e->n_pos > 1 && e->n_alt > 1) /* one term's positions come sorted */
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

/* One term standing alone: its postings are the matches, and its tf the
 * count, with no positions to decode. */
static gz_status match_single(gz_post *p, uint64_t df, ulist *out)
{
    gz_status st = ul_reserve(out, out->n + df);
    while (st == GZ_OK && p->unit != GZ_POST_END) {
        /* the rest of the block at once */
        size_t k = p->n - p->i;
        if ((st = ul_reserve(out, out->n + k)) != GZ_OK)
            break;
        memcpy(out->unit + out->n, p->units + p->i, k * sizeof *out->unit);
        memcpy(out->tf + out->n, p->tfs + p->i, k * sizeof *out->tf);
        out->n += k;
        if ((st = sr_spend(k)) != GZ_OK)
            break;
        st = gz_post_next_block(p);
        if (st == GZ_EOF)
            st = GZ_OK;
    }
    return st;
}

/* A variant's cursors in one segment: one element per phrase element, the
 * rarest driving. */
typedef struct vstate {
    element *el;
    size_t n, drive;
    int empty;        /* an element has no term here: no match in this segment */
    int plain;        /* every element one term at a fixed advance: chains by merging */
    uint32_t *starts; /* match starts at the last unit chained */
    size_t cap_starts;
} vstate;

static void vs_close(vstate *vs)
{
    for (size_t k = 0; vs->el && k < vs->n; k++) {
        for (size_t i = 0; i < vs->el[k].n_alt; i++)
            gz_post_fini(&vs->el[k].alt[i]);
        gz_free(vs->el[k].alt);
        gz_free(vs->el[k].pos);
        gz_free(vs->el[k].heap);
        gz_free(vs->el[k].stk);
        gz_free(vs->el[k].here);
    }
    gz_free(vs->el);
    gz_free(vs->starts);
    memset(vs, 0, sizeof *vs);
}

/* A term of the element's affix kind (ending with, or containing, its
 * text): one more alternative. */
/* Whether text s[0..n) ends with (Q_SUFFIX) or contains (Q_INFIX) q's. */
static int affix_holds(const q_elem *q, const char *s, size_t n)
{
    size_t ql = q->len - 1;
    const char *t = q->term + 1;
    return q->affix == Q_SUFFIX ? n >= ql && memcmp(s + n - ql, t, ql) == 0 : memmem(s, n, t, ql) != NULL;
}

/* Calls fn for every term of the exact field that begins with an ASCII
 * character (a digit or a letter begins every run of them); GZ_CORRUPT
 * on corruption. */
static gz_status each_ascii_term(const gz_segment *seg, int (*fn)(void *, const char *, size_t, const gz_terminfo *),
                           void *ctx)
{
    for (int ch = 0x21; ch < 0x7F; ch++) {
        char key[2] = {GZ_FIELD_GRAM, (char)ch};
        if (gz_segment_prefix(seg, key, 2, fn, ctx) != GZ_OK)
            return GZ_CORRUPT;
    }
    return GZ_OK;
}

static int affix_alt(void *arg, const char *term, size_t len, const gz_terminfo *ti)
{
    alt_ctx *c = arg;
    if (c->st != GZ_OK) /* a walk before this one failed */
        return 1;
    return affix_holds(c->el->q, term + 1, len - 1) ? add_alt(arg, term, len, ti) : 0;
}

static gz_status vs_open(vstate *vs, const gz_segment *seg, const q_variant *v)
{
    memset(vs, 0, sizeof *vs);
    vs->n = v->n;
    vs->empty = 1;
    if (v->n == 0)
        return GZ_OK;
    vs->el = gz_calloc(v->n, sizeof *vs->el);
    gz_status st = vs->el ? GZ_OK : GZ_NOMEM;
    for (size_t k = 0; k < v->n && st == GZ_OK; k++) {
        vs->el[k].q = &v->e[k];
        alt_ctx c = {seg, &vs->el[k], 0, GZ_OK};
        if (v->e[k].affix) {
            if (each_ascii_term(seg, affix_alt, &c) != GZ_OK && c.st == GZ_OK)
                st = GZ_CORRUPT;
        } else if (v->e[k].prefix) {
            if (gz_segment_prefix(seg, v->e[k].term, v->e[k].len, add_alt, &c) != GZ_OK)
                st = GZ_CORRUPT;
        } else {
            gz_terminfo ti;
            int found;
            st = gz_segment_term(seg, v->e[k].term, v->e[k].len, &found, &ti);
            if (st == GZ_OK && found)
                add_alt(&c, v->e[k].term, v->e[k].len, &ti);
        }
        if (st == GZ_OK)
            st = c.st;
    }
    vs->plain = v->n <= 64;
    for (size_t k = 0; st == GZ_OK && k < v->n; k++) {
        if (vs->el[k].n_alt == 0)
            return GZ_OK;
        if (vs->el[k].df < vs->el[vs->drive].df)
            vs->drive = k;
        vs->plain &= vs->el[k].n_alt == 1 && !v->e[k].doc_span;
        st = elem_ready(&vs->el[k]);
    }
    vs->empty = st != GZ_OK;
    return st;
}

/* Every element is at unit u: counts the phrase's occurrences there (the
 * chains from each start of the first element), and with want keeps their
 * starts in vs->starts. */
/* vs_chain() when every element is one term at a fixed advance: element
 * k must start at offset off[k] from a start of the first, so the sorted
 * positions are merged, with no copies and no searches. */
static gz_status vs_chain_plain(vstate *vs, int want, uint32_t *tf)
{
    element *el = vs->el;
    const uint32_t *pos[64], *span;
    uint32_t n[64], off[64], at[64] = {0};
    for (size_t k = 0; k < vs->n; k++) {
        gz_status st = gz_post_positions(&el[k].alt[0], &pos[k], &span, &n[k]);
        if (st != GZ_OK)
            return st;
        if (!n[k])
            return GZ_OK;
        if ((st = sr_spend(n[k])) != GZ_OK)
            return st;
        off[k] = k ? off[k - 1] + el[k - 1].q->advance + el[k - 1].q->extra : 0;
    }
    if (want && gz_grow(&vs->starts, &vs->cap_starts, n[0], sizeof *vs->starts, 64) != GZ_OK)
        return GZ_NOMEM;
    for (uint32_t i = 0; i < n[0]; i++) {
        uint32_t p = pos[0][i];
        size_t k = 1;
        for (; k < vs->n; k++) {
            uint32_t target = p + off[k];
            while (at[k] < n[k] && pos[k][at[k]] < target)
                at[k]++;
            if (at[k] == n[k])
                return GZ_OK; /* no later start can chain either */
            if (pos[k][at[k]] != target)
                break;
        }
        if (k == vs->n) {
            if (want)
                vs->starts[*tf] = p;
            ++*tf;
        }
    }
    return GZ_OK;
}

static gz_status vs_chain(vstate *vs, uint32_t u, int want, uint32_t *tf)
{
    element *el = vs->el;
    gz_status st = GZ_OK;
    *tf = 0;
    if (vs->plain)
        return vs_chain_plain(vs, want, tf);
    for (size_t k = 0; k < vs->n && st == GZ_OK; k++)
        st = elem_positions(&el[k], u);
    if (st == GZ_OK && want && gz_grow(&vs->starts, &vs->cap_starts, el[0].n_pos, sizeof *vs->starts, 64) != GZ_OK)
        st = GZ_NOMEM;
    for (size_t i = 0; st == GZ_OK && i < el[0].n_pos; i++) {
        uint32_t p = el[0].pos[2 * i], sp = el[0].pos[2 * i + 1];
        size_t k = 1;
        for (; k < vs->n; k++) {
            p += advance(el[k - 1].q, sp);
            if (!(sp = span_at(&el[k], p)))
                break;
        }
        if (k == vs->n) {
            if (want)
                vs->starts[*tf] = el[0].pos[2 * i];
            ++*tf;
        }
    }
    return st;
}

typedef struct acc_ctx {
    const gz_segment *seg;
    uint32_t *count; /* per unit of the segment */
    uint32_t n_units;
    gz_status st;
} acc_ctx;

static int acc_term(void *arg, const char *term, size_t len, const gz_terminfo *ti)
{
    acc_ctx *c = arg;
    gz_post p;
    (void)term;
    (void)len;
    if ((c->st = sr_spend(SR_CURSOR_COST)) != GZ_OK)
        return 1;
    if ((c->st = gz_post_open(&p, c->seg, ti)) == GZ_OK) {
        while (p.unit != GZ_POST_END && p.unit < c->n_units) {
            c->count[p.unit] += p.tf;
            if ((c->st = sr_spend(1)) != GZ_OK || (c->st = gz_post_next(&p)) != GZ_OK)
                break;
        }
        if (c->st == GZ_EOF)
            c->st = GZ_OK;
    }
    gz_post_fini(&p);
    return c->st != GZ_OK;
}

/* A lone prefix (one character: every gram it begins): each term's
 * postings added into a count per unit, one term at a time, so however
 * many terms the character begins, none is left out. */
static gz_status match_prefix_alone(const gz_segment *seg, const q_elem *e, ulist *out)
{
    gz_seg_stats ss;
    gz_segment_stats(seg, &ss);
    acc_ctx c = {seg, gz_calloc((size_t)ss.n_units + 1, sizeof(uint32_t)), ss.n_units, GZ_OK};
    if (!c.count)
        return GZ_NOMEM;
    if (gz_segment_prefix(seg, e->term, e->len, acc_term, &c) != GZ_OK && c.st == GZ_OK)
        c.st = GZ_CORRUPT;
    for (uint32_t u = 0; c.st == GZ_OK && u < ss.n_units; u++)
        if (c.count[u])
            c.st = ul_push(out, u, c.count[u]);
    gz_free(c.count);
    return c.st;
}

typedef struct affix_acc {
    acc_ctx acc;
    const q_elem *q;
} affix_acc;

static int acc_affix(void *arg, const char *term, size_t len, const gz_terminfo *ti)
{
    affix_acc *a = arg;
    if (a->acc.st != GZ_OK)
        return 1;
    return affix_holds(a->q, term + 1, len - 1) ? acc_term(&a->acc, term, len, ti) : 0;
}

/* A lone run of digits or letters anywhere inside a term: every term that
 * begins with an ASCII character and contains it, summed per unit like a
 * lone prefix, with no bound on their number. */
static gz_status match_affix_alone(const gz_segment *seg, const q_elem *e, ulist *out)
{
    gz_seg_stats ss;
    gz_segment_stats(seg, &ss);
    affix_acc a = {{seg, gz_calloc((size_t)ss.n_units + 1, sizeof(uint32_t)), ss.n_units, GZ_OK}, e};
    if (!a.acc.count)
        return GZ_NOMEM;
    if (each_ascii_term(seg, acc_affix, &a) != GZ_OK && a.acc.st == GZ_OK)
        a.acc.st = GZ_CORRUPT;
    for (uint32_t u = 0; a.acc.st == GZ_OK && u < ss.n_units; u++)
        if (a.acc.count[u])
            a.acc.st = ul_push(out, u, a.acc.count[u]);
    gz_free(a.acc.count);
    return a.acc.st;
}

static gz_status match_variant(const gz_segment *seg, const q_variant *v, ulist *out)
{
    q_variant spelt;
    v = q_variant_spell(v, seg, &spelt);
    if (v->n == 1 && v->e[0].prefix)
        return match_prefix_alone(seg, &v->e[0], out);
    if (v->n == 1 && v->e[0].affix)
        return match_affix_alone(seg, &v->e[0], out);
    char word[GZ_TERM_MAX + 1];
    size_t wl = q_variant_word(v, word);
    if (wl) { /* a common word's exact matches, kept whole at flush */
        gz_terminfo ti;
        int found;
        gz_status ls = gz_segment_term(seg, word, wl, &found, &ti);
        if (ls != GZ_OK)
            return ls;
        if (found) {
            gz_post p;
            gz_status st = gz_post_open(&p, seg, &ti);
            if (st == GZ_OK)
                st = match_single(&p, ti.df, out);
            gz_post_fini(&p);
            return st;
        }
    }
    vstate vs;
    gz_status st = vs_open(&vs, seg, v);
    element *el = vs.el;
    if (st != GZ_OK || vs.empty)
        goto done;
    if (v->n == 1 && el[0].n_alt == 1) {
        st = match_single(&el[0].alt[0], el[0].df, out);
        goto done;
    }
    size_t drive = vs.drive;
    while (st == GZ_OK) {
        uint32_t u = elem_unit(&el[drive]);
        if (u == GZ_POST_END || (st = sr_spend(v->n)) != GZ_OK)
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
        uint32_t tf;
        st = vs_chain(&vs, u, 0, &tf);
        if (st == GZ_OK && tf)
            st = ul_push(out, u, tf);
        if (st == GZ_OK)
            st = elem_seek(&el[drive], u + 1);
    }
done:
    vs_close(&vs);
    return st;
}

gz_status sr_match_leaf(const gz_segment *seg, const q_leaf *leaf, ulist *out)
{
    ulist parts[3] = {{0}};
    gz_status st = GZ_OK;
    for (size_t v = 0; v < leaf->n_v && st == GZ_OK; v++)
        st = match_variant(seg, &leaf->v[v], &parts[v]);
    if (st == GZ_OK && leaf->n_v == 1) {
        *out = parts[0]; /* one variant: its list is the answer */
        return GZ_OK;
    }
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

/* -------------------------------------------- occurrences, unit by unit */

struct sr_matcher {
    vstate v[3];
    size_t n_v;
    uint32_t *acc, *tmp;
    size_t cap_acc, cap_tmp;
};

gz_status sr_matcher_open(const gz_segment *seg, const q_leaf *leaf, sr_matcher **out)
{
    sr_matcher *m = gz_calloc(1, sizeof *m);
    *out = NULL;
    if (!m)
        return GZ_NOMEM;
    gz_status st = GZ_OK;
    for (size_t v = 0; v < leaf->n_v && st == GZ_OK; v++, m->n_v++) {
        q_variant spelt;
        st = vs_open(&m->v[v], seg, q_variant_spell(&leaf->v[v], seg, &spelt));
    }
    if (st != GZ_OK) {
        sr_matcher_close(m);
        return st;
    }
    *out = m;
    return GZ_OK;
}

void sr_matcher_close(sr_matcher *m)
{
    if (!m)
        return;
    for (size_t v = 0; v < m->n_v; v++)
        vs_close(&m->v[v]);
    gz_free(m->acc);
    gz_free(m->tmp);
    gz_free(m);
}

/* The sorted union of two sorted runs into dst (capacity na + nb). */
static size_t merge_pos(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, uint32_t *dst)
{
    size_t i = 0, j = 0, n = 0;
    while (i < na || j < nb) {
        uint32_t x = j >= nb || (i < na && a[i] <= b[j]) ? a[i] : b[j];
        if (i < na && a[i] == x)
            i++;
        if (j < nb && b[j] == x)
            j++;
        dst[n++] = x;
    }
    return n;
}

gz_status sr_matcher_starts(sr_matcher *m, uint32_t u, const uint32_t **starts, size_t *n)
{
    size_t n_acc = 0;
    *starts = NULL;
    *n = 0;
    for (size_t v = 0; v < m->n_v; v++) {
        vstate *vs = &m->v[v];
        if (vs->empty)
            continue;
        int here = 1;
        for (size_t k = 0; k < vs->n && here; k++) {
            gz_status st = elem_seek(&vs->el[k], u);
            if (st != GZ_OK)
                return st;
            here = elem_unit(&vs->el[k]) == u;
        }
        uint32_t tf = 0;
        gz_status st = here ? vs_chain(vs, u, 1, &tf) : GZ_OK;
        if (st != GZ_OK)
            return st;
        if (!tf)
            continue;
        if (gz_grow(&m->tmp, &m->cap_tmp, n_acc + tf, sizeof *m->tmp, 64) != GZ_OK ||
            gz_grow(&m->acc, &m->cap_acc, n_acc + tf, sizeof *m->acc, 64) != GZ_OK)
            return GZ_NOMEM;
        n_acc = merge_pos(m->acc, n_acc, vs->starts, tf, m->tmp);
        uint32_t *sw = m->acc;
        size_t sc = m->cap_acc;
        m->acc = m->tmp, m->cap_acc = m->cap_tmp;
        m->tmp = sw, m->cap_tmp = sc;
    }
    *starts = m->acc;
    *n = n_acc;
    return GZ_OK;
}

/* ------------------------------------------------- occurrences in tokens */

static int tok_matches(const an_token *t, const q_elem *q)
{
    if (t->type == AN_WORD || t->type == AN_PREFIX)
        return 0;
    size_t ql = q->len - 1;
    if (q->affix)
        return affix_holds(q, t->text, t->len);
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
