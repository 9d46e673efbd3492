/* searcher/rank.c: boolean evaluation of a parsed query over a segment's
 * match lists, and ranking the matching units: BM25 over the words with
 * title, whole-word, article-label and proximity boosts, pruned scoring
 * (MaxScore over a score's parts; an OR of words merged with each unit's
 * words known), and the direct path for words that are each one exact
 * term (block-max over impacts; an AND of such by seeking cursors). The
 * JSON answer around it is search.c's. */
#include "searcher/index.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ booleans */

typedef struct seg_eval {
    const gz_segment *seg;
    const uint8_t *deleted;
    ulist *leaf; /* per leaf */
} seg_eval;

/* Copies src into dst (empty). */
static gz_status ul_copy(ulist *dst, const ulist *src)
{
    if (ul_reserve(dst, src->n) != GZ_OK)
        return GZ_NOMEM;
    if (src->n) {
        memcpy(dst->unit, src->unit, src->n * sizeof *dst->unit);
        memcpy(dst->tf, src->tf, src->n * sizeof *dst->tf);
    }
    dst->n = src->n;
    return GZ_OK;
}

static gz_status all_units(const seg_eval *se, ulist *out)
{
    gz_seg_stats ss;
    gz_segment_stats(se->seg, &ss);
    gz_status st = GZ_OK;
    for (uint32_t u = 0; u < ss.n_units && st == GZ_OK; u++)
        st = ul_push(out, u, 1);
    return st;
}

static int keeps(const seg_eval *se, const q_node *f, uint32_t unit, gz_buf *scratch, an_analyzer *an)
{
    gz_unitinfo ui;
    gz_docinfo di;
    if (gz_segment_unit(se->seg, unit, &ui) != GZ_OK || gz_segment_doc(se->seg, ui.doc, &di) != GZ_OK)
        return 0;
    switch (f->field) {
    case F_DATE:
    case F_YEAR: return di.date >= f->lo && di.date <= f->hi && di.date != 0;
    case F_KIND: return f->kind >= 0 && ((int)ui.kind == f->kind || (int)di.kind == f->kind);
    case F_ISSUER: return strcmp(di.issuer, f->text) == 0 || strstr(di.body, f->text) != NULL;
    case F_DOCNO: {
        gz_docno a, b;
        if (!gz_docno_find(f->text, strlen(f->text), &a))
            return strstr(di.docno_raw, f->text) != NULL;
        return gz_docno_find(di.docno, strlen(di.docno), &b) && a.year == b.year && a.serial == b.serial &&
               strcmp(a.issuer, b.issuer) == 0;
    }
    case F_TITLE: {
        /* normalised substring of the title or of the unit's place */
        const char *n1;
        size_t l1;
        const uint32_t *map;
        if (an_normalize(an, f->text, strlen(f->text), &n1, &l1, &map) != GZ_OK)
            return 0;
        scratch->len = 0;
        gz_buf_put(scratch, n1, l1);
        gz_buf_cstr(scratch);
        char *want = scratch->data ? gz_strndup(scratch->data, scratch->len) : NULL;
        int held = 0;
        const char *fields[2] = {di.title, ui.path};
        for (int k = 0; want && k < 2 && !held; k++) {
            const char *n2;
            size_t l2;
            if (an_normalize(an, fields[k], strlen(fields[k]), &n2, &l2, &map) == GZ_OK)
                held = memmem(n2, l2, want, strlen(want)) != NULL;
        }
        gz_free(want);
        return held;
    }
    default: return 1;
    }
}

/* Evaluates n over one segment into out (sorted units). */
static gz_status eval(const seg_eval *se, const q_node *n, ulist *out, gz_buf *scratch, an_analyzer *an)
{
    gz_status st = GZ_OK;
    switch (n->type) {
    case Q_TEXT:
        return ul_copy(out, &se->leaf[n->leaf]);
    case Q_FILTER: {
        ulist all = {0};
        st = all_units(se, &all);
        for (size_t i = 0; st == GZ_OK && i < all.n; i++)
            if (keeps(se, n, all.unit[i], scratch, an))
                st = ul_push(out, all.unit[i], 1);
        ul_fini(&all);
        return st;
    }
    case Q_NOT: {
        ulist all = {0}, inner = {0};
        st = all_units(se, &all);
        if (st == GZ_OK)
            st = eval(se, n->kid[0], &inner, scratch, an);
        for (size_t i = 0, j = 0; st == GZ_OK && i < all.n; i++) {
            while (j < inner.n && inner.unit[j] < all.unit[i])
                j++;
            if (j >= inner.n || inner.unit[j] != all.unit[i])
                st = ul_push(out, all.unit[i], 1);
        }
        ul_fini(&all);
        ul_fini(&inner);
        return st;
    }
    case Q_OR: {
        /* one k-way merge of the operands */
        ulist *kid = gz_calloc(n->n_kid + 1, sizeof *kid);
        size_t *at = gz_calloc(n->n_kid + 1, sizeof *at);
        if (!kid || !at)
            st = GZ_NOMEM;
        for (size_t k = 0; st == GZ_OK && k < n->n_kid; k++)
            st = eval(se, n->kid[k], &kid[k], scratch, an);
        while (st == GZ_OK) {
            uint32_t u = GZ_POST_END;
            for (size_t k = 0; k < n->n_kid; k++)
                if (at[k] < kid[k].n && kid[k].unit[at[k]] < u)
                    u = kid[k].unit[at[k]];
            if (u == GZ_POST_END)
                break;
            for (size_t k = 0; k < n->n_kid; k++)
                at[k] += at[k] < kid[k].n && kid[k].unit[at[k]] == u;
            st = ul_push(out, u, 1);
        }
        for (size_t k = 0; kid && k < n->n_kid; k++)
            ul_fini(&kid[k]);
        gz_free(kid);
        gz_free(at);
        return st;
    }
    case Q_AND: {
        /* lists intersect; filters and negations then remove */
        ulist acc = {0};
        int have = 0;
        for (size_t k = 0; st == GZ_OK && k < n->n_kid; k++) {
            const q_node *c = n->kid[k];
            if (c->type == Q_FILTER || c->type == Q_NOT)
                continue;
            ulist kid = {0}, inter = {0};
            st = eval(se, c, &kid, scratch, an);
            if (!have) {
                acc = kid;
                have = 1;
                continue;
            }
            for (size_t i = 0, j = 0; st == GZ_OK && i < acc.n && j < kid.n;) {
                if (acc.unit[i] < kid.unit[j])
                    i++;
                else if (kid.unit[j] < acc.unit[i])
                    j++;
                else {
                    st = ul_push(&inter, acc.unit[i], 1);
                    i++;
                    j++;
                }
            }
            ul_fini(&acc);
            ul_fini(&kid);
            acc = inter;
        }
        if (!have && st == GZ_OK)
            st = all_units(se, &acc);
        for (size_t k = 0; st == GZ_OK && k < n->n_kid; k++) {
            const q_node *c = n->kid[k];
            if (c->type != Q_FILTER && c->type != Q_NOT)
                continue;
            ulist neg = {0}, kept = {0};
            if (c->type == Q_NOT)
                st = eval(se, c->kid[0], &neg, scratch, an);
            for (size_t i = 0, j = 0; st == GZ_OK && i < acc.n; i++) {
                int keep;
                if (c->type == Q_FILTER) {
                    keep = keeps(se, c, acc.unit[i], scratch, an);
                } else {
                    while (j < neg.n && neg.unit[j] < acc.unit[i])
                        j++;
                    keep = !(j < neg.n && neg.unit[j] == acc.unit[i]);
                }
                if (keep)
                    st = ul_push(&kept, acc.unit[i], 1);
            }
            ul_fini(&neg);
            ul_fini(&acc);
            acc = kept;
        }
        *out = acc;
        return st;
    }
    }
    return st;
}

/* ------------------------------------------------------------- scoring */

#define BM25_K1 1.2
#define BM25_B 0.75
#define W_TITLE 0.6
#define W_TITLE_Q 0.0 /* for a question, whose words are many and common */
#define W_WORD 0.5
#define W_LABEL 3.0
#define W_PROX 0.5
#define W_WHOLE 1.0 /* a token matched whole, over one found inside a longer */

static double bm25(double idf, double tf, double len, double avg)
{
    return idf * tf * (BM25_K1 + 1) / (tf + BM25_K1 * (1 - BM25_B + BM25_B * len / avg));
}

/* Local regulations weigh this much for a question. */
#define PRIOR_LOCAL 0.3f
#define PRIOR_OTHER 0.5f
/* A judicial interpretation (最高人民法院…, 最高人民检察院…) weighs this
 * much: it says how courts apply a law, whose own article a question from
 * the public asks about first. */
#define PRIOR_INTERP 0.7f
/* A decision amending or repealing other texts (关于修改《…》的决定) weighs
 * this much: it quotes the texts it changes, whose articles in force are
 * in the texts themselves. */
#define PRIOR_AMEND 0.2f

float sr_title_prior(const char *title)
{
    size_t tl = strlen(title), dl = strlen("的决定");
    if ((strstr(title, "关于修改") || strstr(title, "关于废止")) && tl >= dl && strcmp(title + tl - dl, "的决定") == 0)
        return PRIOR_AMEND;
    /* two to five Han characters, then the kind of place: a province, a
     * city (not 市场), an autonomous region or prefecture, a county or a
     * special economic zone */
    static const char *const places[] = {"省", "市", "自治区", "自治州", "自治县", "县", "经济特区"};
    const char *p = title, *end = title + tl;
    for (int chars = 0; chars < 6 && p < end; chars++) {
        for (size_t k = 0; chars >= 2 && k < sizeof places / sizeof places[0]; k++) {
            size_t pl = strlen(places[k]);
            if ((size_t)(end - p) >= pl && memcmp(p, places[k], pl) == 0 &&
                !(k == 1 && (size_t)(end - p) >= 6 && memcmp(p + 3, "场", 3) == 0))
                return PRIOR_LOCAL;
        }
        int32_t c = gz_utf8_next(&p, end);
        if (c < 0 || !gz_is_han(c))
            break;
    }
    /* a national law */
    if (strncmp(title, "中华人民共和国", strlen("中华人民共和国")) == 0)
        return 1.0f;
    if (strncmp(title, "最高人民", strlen("最高人民")) == 0)
        return PRIOR_INTERP;
    return PRIOR_OTHER;
}

/* 第N条 as a whole leaf: units labelled so get a boost over mentions. */
static int leaf_article_number(const char *text, int64_t *num)
{
    size_t len = strlen(text);
    if (len < 7 || memcmp(text, "第", 3) != 0 || memcmp(text + len - 3, "条", 3) != 0)
        return 0;
    return gz_numeral_parse(text + 3, len - 6, num) == len - 6;
}

int sr_cmp_hit_score(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    if (x->seg != y->seg)
        return x->seg < y->seg ? -1 : 1;
    return (x->unit > y->unit) - (x->unit < y->unit);
}

int sr_cmp_hit_date(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? 1 : -1;
    return sr_cmp_hit_score(a, b);
}

/* Word-field cursors of one segment, per leaf and word, opened lazily. */
typedef struct word_cursors {
    gz_post *p;
    signed char *state; /* 0 unopened, 1 open, -1 absent */
    size_t *base;       /* per leaf: index of its first word */
    size_t n;
} word_cursors;

static void wc_init(word_cursors *wc, const q_plan *plan)
{
    memset(wc, 0, sizeof *wc);
    wc->base = gz_calloc(plan->n_leaf + 1, sizeof *wc->base);
    for (size_t l = 0; wc->base && l < plan->n_leaf; l++) {
        wc->base[l] = wc->n;
        wc->n += plan->leaf[l].n_words + (plan->leaf[l].whole_len > 0);
    }
    wc->p = gz_calloc(wc->n + 1, sizeof *wc->p);
    wc->state = gz_calloc(wc->n + 1, 1);
}

static void wc_fini(word_cursors *wc)
{
    for (size_t i = 0; wc->state && i < wc->n; i++)
        if (wc->state[i] == 1)
            gz_post_fini(&wc->p[i]);
    gz_free(wc->p);
    gz_free(wc->state);
    gz_free(wc->base);
    memset(wc, 0, sizeof *wc);
}

static gz_post *word_cursor(word_cursors *wc, const gz_segment *seg, const q_plan *plan, size_t l, size_t w)
{
    if (!wc->p || !wc->state || !wc->base)
        return NULL;
    size_t i = wc->base[l] + w;
    if (wc->state[i] == 0) {
        /* w == n_words: the leaf's whole token (q_leaf.whole) */
        const q_leaf *lf = &plan->leaf[l];
        char term[GZ_TERM_MAX + 1];
        size_t wl = w < lf->n_words ? strlen(lf->words[w]) : lf->whole_len - 1;
        gz_terminfo ti;
        wc->state[i] = -1;
        if (wl + 1 <= GZ_TERM_MAX) {
            term[0] = w < lf->n_words ? GZ_FIELD_WORD : lf->whole[0];
            memcpy(term + 1, w < lf->n_words ? lf->words[w] : lf->whole + 1, wl);
            if (gz_segment_term(seg, term, wl + 1, &ti) == 1) {
                if (gz_post_open(&wc->p[i], seg, &ti) == GZ_OK)
                    wc->state[i] = 1;
                else
                    gz_post_fini(&wc->p[i]);
            }
        }
    }
    return wc->state[i] == 1 ? &wc->p[i] : NULL;
}

/* Keeps the `want` best hits in a max-heap, the worst on top (h[0]). */
void sr_heap_offer(hit *h, size_t *k, size_t want, const hit *x, int (*cmp)(const void *, const void *))
{
    if (*k < want) {
        size_t c = (*k)++;
        while (c && cmp(&h[(c - 1) / 2], x) < 0) {
            h[c] = h[(c - 1) / 2];
            c = (c - 1) / 2;
        }
        h[c] = *x;
        return;
    }
    if (!want || cmp(x, &h[0]) >= 0)
        return;
    size_t c = 0;
    for (;;) {
        size_t l = 2 * c + 1, r = l + 1, m = c;
        const hit *mv = x;
        if (l < *k && cmp(mv, &h[l]) < 0)
            m = l, mv = &h[l];
        if (r < *k && cmp(mv, &h[r]) < 0)
            m = r, mv = &h[r];
        if (m == c)
            break;
        h[c] = h[m];
        c = m;
    }
    h[c] = *x;
}

/* Proximity: for each pair of query words next to each other in the query
 * (among those the unit holds), the closest two occurrences, as a bonus
 * that halves at 4 positions apart. */
static double proximity(const uint32_t *const *pos, const size_t *n_pos, const double *idf, size_t n)
{
    double bonus = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        const uint32_t *pa = pos[i], *pb = pos[i + 1];
        size_t na = n_pos[i], nb = n_pos[i + 1];
        uint32_t best = UINT32_MAX;
        for (size_t x = 0, y = 0; x < na && y < nb && best;) {
            uint32_t d = pa[x] > pb[y] ? pa[x] - pb[y] : pb[y] - pa[x];
            if (d < best)
                best = d;
            if (pa[x] < pb[y])
                x++;
            else
                y++;
        }
        if (best != UINT32_MAX)
            bonus += W_PROX * (idf[i] < idf[i + 1] ? idf[i] : idf[i + 1]) * 4.0 / (4.0 + best);
    }
    return bonus;
}

/* The final score from its parts; the bound uses the same expression with
 * the bounds of the costly parts, so bound >= score in floating point too. */
static double combine(double cheap, double costly, double qf, double am, double add)
{
    return (cheap + costly) * qf * am + add;
}

/* Scoring state of one run: the query's constants, the per-segment cursors
 * of the costly parts, and the page being kept. */
typedef struct scorer {
    sr_index *ix;
    const q_plan *plan;
    const run_opts *o;
    run_out *r;
    size_t n_leaf;
    double *idf, *pidf;
    int64_t *label_num;
    int any_label;
    double w_title; /* W_TITLE, or W_TITLE_Q for a question */
    /* per unit, filled by the caller: each positive leaf's tf there (0:
     * absent), and whether the unit's document title holds it */
    uint32_t *tf;
    uint8_t *title;
    /* costly parts, per segment */
    word_cursors wc;
    size_t *pl, *n_at;
    const uint32_t **at;
    sr_matcher **mt;
    /* the page */
    hit *hits;
    size_t n_hits, cap;
    int keep_all;
} scorer;

static gz_status scorer_init(scorer *sc, sr_index *ix, const q_plan *plan, const run_opts *o, run_out *r,
                             const double *df)
{
    size_t n = plan->n_leaf;
    memset(sc, 0, sizeof *sc);
    sc->ix = ix, sc->plan = plan, sc->o = o, sc->r = r, sc->n_leaf = n;
    sc->idf = gz_calloc(2 * n + 1, sizeof *sc->idf);
    sc->label_num = gz_calloc(n + 1, sizeof *sc->label_num);
    sc->tf = gz_calloc(n + 1, sizeof *sc->tf);
    sc->title = gz_calloc(n + 1, 1);
    sc->pl = gz_calloc(2 * n + 1, sizeof *sc->pl);
    sc->at = gz_calloc(n + 1, sizeof *sc->at);
    sc->mt = gz_calloc(n + 1, sizeof *sc->mt);
    if (!sc->idf || !sc->label_num || !sc->tf || !sc->title || !sc->pl || !sc->at || !sc->mt)
        return GZ_NOMEM;
    sc->pidf = sc->idf + n;
    sc->n_at = sc->pl + n;
    for (size_t l = 0; l < n; l++) {
        sc->idf[l] = plan->leaf[l].weight * log(1 + ((double)ix->n_units - df[l] + 0.5) / (df[l] + 0.5));
        if (!leaf_article_number(plan->leaf[l].text, &sc->label_num[l]))
            sc->label_num[l] = -1;
        sc->any_label |= sc->label_num[l] >= 0 && plan->leaf[l].positive;
    }
    sc->keep_all = o->want == 0;
    sc->w_title = plan->prior ? W_TITLE_Q : W_TITLE;
    return sc->keep_all ? GZ_OK : gz_grow(&sc->hits, &sc->cap, o->want, sizeof *sc->hits, 16);
}

static void scorer_fini(scorer *sc);

/* Hands the page to the run's output if st is GZ_OK; frees the rest. */
static gz_status scorer_finish(scorer *sc, gz_status st)
{
    if (st == GZ_OK) {
        sc->r->hits = sc->hits;
        sc->r->n_hits = sc->n_hits;
        sc->hits = NULL;
    }
    scorer_fini(sc);
    return st;
}

static void scorer_segment_begin(scorer *sc) { wc_init(&sc->wc, sc->plan); }

static void scorer_segment_end(scorer *sc)
{
    wc_fini(&sc->wc);
    for (size_t l = 0; sc->mt && l < sc->n_leaf; l++) {
        sr_matcher_close(sc->mt[l]);
        sc->mt[l] = NULL;
    }
}

static void scorer_fini(scorer *sc)
{
    scorer_segment_end(sc);
    gz_free(sc->idf);
    gz_free(sc->label_num);
    gz_free(sc->tf);
    gz_free(sc->title);
    gz_free(sc->pl);
    gz_free(sc->at);
    gz_free(sc->mt);
    gz_free(sc->hits);
}

/* The page is full and x cannot enter it. Pruning orders by score (by
 * date nothing is pruned), and x comes after every unit in the page, so a
 * tie with the page's worst loses. */
static inline int cannot_enter(const scorer *sc, const hit *x)
{
    return !sc->keep_all && sc->o->prune && sc->n_hits == sc->o->want && x->score <= sc->hits[0].score;
}

/* Scores live unit u of segment s (document doc) from sc->tf and
 * sc->title, with the any-word factor am and bonus add, and offers it to
 * the page: the cheap parts first, the costly ones only if the bound lets
 * the unit in. */
static gz_status score_unit(scorer *sc, size_t s, uint32_t u, uint32_t doc, double am, double add)
{
    const q_plan *plan = sc->plan;
    const sr_segtab *t = &sc->ix->tab[s];
    const gz_segment *seg = sc->ix->snap->seg[s];
    size_t n_leaf = sc->n_leaf;
    /* the unit's number, only when a word is an article label */
    gz_unitinfo ui = {0};
    int have_ui = 0;
    if (sc->any_label && t->kind[u] == GZ_KIND_ARTICLE) {
        if (gz_segment_unit(seg, u, &ui) != GZ_OK)
            return GZ_OK;
        have_ui = 1;
    }
    /* the cheap parts, and the bounds of the costly ones */
    double cheap = 0, costly_max = 0, len = t->len[u];
    size_t matched = 0, n_pl = 0;
    for (size_t l = 0; l < n_leaf; l++) {
        if (!plan->leaf[l].positive)
            continue;
        if (sc->tf[l]) {
            cheap += bm25(sc->idf[l], sc->tf[l], len, sc->ix->avg_len);
            matched++;
            if (have_ui && sc->label_num[l] >= 0 && sc->label_num[l] == ui.number)
                cheap += W_LABEL * sc->idf[l];
            costly_max += W_WORD * sc->idf[l] * (BM25_K1 + 1) * (double)plan->leaf[l].n_words +
                          (plan->leaf[l].whole_len ? W_WHOLE * sc->idf[l] * (BM25_K1 + 1) : 0);
            sc->pl[n_pl] = l;
            sc->pidf[n_pl++] = sc->idf[l];
        }
        /* the document's title line holds the word too */
        if (sc->title[l])
            cheap += sc->w_title * sc->idf[l];
    }
    for (size_t k = 0; k + 1 < n_pl; k++)
        costly_max += W_PROX * (sc->pidf[k] < sc->pidf[k + 1] ? sc->pidf[k] : sc->pidf[k + 1]);
    double qf = plan->question && n_leaf ? (1.0 + (double)matched) / (1.0 + (double)n_leaf) : 1.0;
    if (plan->prior)
        qf *= t->prior[doc];
    hit h = {0, (uint32_t)s, u, doc, t->date[doc], {UINT32_MAX, UINT32_MAX}, 1, t->kind[u]};
    h.score = combine(cheap, costly_max, qf, am, add);
    if (cannot_enter(sc, &h))
        return GZ_OK; /* whatever the costly parts give */
    /* the costly parts: whole words (3+ characters) as ICU segments them,
     * cursors opened once per segment and moving forward */
    double costly = 0;
    uint32_t words = 1;
    for (size_t k = 0; k < n_pl; k++) {
        size_t l = sc->pl[k];
        if (plan->leaf[l].n_words && !have_ui) {
            if (gz_segment_unit(seg, u, &ui) != GZ_OK)
                break;
            have_ui = 1;
        }
        if (have_ui && ui.words)
            words = ui.words;
        for (size_t w = 0; w < plan->leaf[l].n_words; w++) {
            gz_post *p = word_cursor(&sc->wc, seg, plan, l, w);
            if (p && gz_post_seek(p, u) == GZ_OK && p->unit == u)
                costly += W_WORD * bm25(sc->idf[l], p->tf, words, 8);
        }
        if (plan->leaf[l].whole_len) { /* 5G whole, above 0.05g */
            gz_post *p = word_cursor(&sc->wc, seg, plan, l, plan->leaf[l].n_words);
            if (p && gz_post_seek(p, u) == GZ_OK && p->unit == u) /* at BM25's most, whatever the length */
                costly += W_WHOLE * sc->idf[l] * (BM25_K1 + 1);
        }
    }
    if (n_pl > 1) {
        /* where each word occurs: its matcher, opened once per segment */
        gz_status st = GZ_OK;
        for (size_t k = 0; k < n_pl && st == GZ_OK; k++) {
            size_t l = sc->pl[k];
            if (!sc->mt[l])
                st = sr_matcher_open(seg, &plan->leaf[l], &sc->mt[l]);
            if (st == GZ_OK)
                st = sr_matcher_starts(sc->mt[l], u, &sc->at[k], &sc->n_at[k]);
        }
        if (st != GZ_OK)
            return st;
        costly += proximity(sc->at, sc->n_at, sc->pidf, n_pl);
    }
    h.score = combine(cheap, costly, qf, am, add);
    sc->r->scored++;
    if (sc->keep_all) {
        if (gz_grow(&sc->hits, &sc->cap, sc->n_hits + 1, sizeof *sc->hits, 256) != GZ_OK)
            return GZ_NOMEM;
        sc->hits[sc->n_hits++] = h;
    } else {
        sr_heap_offer(sc->hits, &sc->n_hits, sc->o->want, &h, sc->o->cmp);
    }
    return GZ_OK;
}

static void count_facets(const run_opts *o, const sr_segtab *t, uint32_t u, uint32_t doc)
{
    if (!o->year_n)
        return;
    if (t->year[doc])
        o->year_n[t->year[doc] % 10000]++;
    o->iss_n[t->issuer[doc]]++;
    o->kind_n[t->kind[u]]++;
}

/* A question's document factor: 1 + W_COVER x the share of the question's
 * words the document holds anywhere (a law that answers a question
 * speaks of most of it, if not in one article). */
#define W_COVER 8.0

static double cover(size_t held, size_t n) { return 1.0 + W_COVER * (double)held / (double)(n ? n : 1); }

static double doc_cover(const q_plan *plan, const seg_eval *se, const sr_segtab *t, uint32_t doc)
{
    size_t held = 0, pos = 0;
    uint32_t first = t->first_unit[doc], end = first + t->n_units[doc];
    for (size_t l = 0; l < plan->n_leaf; l++) {
        if (!plan->leaf[l].positive)
            continue;
        pos++;
        const ulist *ll = &se->leaf[l];
        size_t lo = ul_lower(ll, first);
        held += lo < ll->n && ll->unit[lo] < end;
    }
    return cover(held, pos);
}

/* An OR of words (a question, or words joined by OR), pruned: each word
 * gets a bitset of the units holding it, each unit the mask of the words it
 * holds, and a unit whose bound from those words alone cannot enter the
 * page is counted but not scored. Once the page is full, a unit holding
 * only words of the weakest set that cannot lift a unit into it is not
 * even visited (MaxScore's essential words). The bound of a word the unit holds is its most: BM25
 * below IDF x (k1 + 1), the label boost, its whole words at their most, and
 * proximity charged to it at W_PROX x IDF; to that the title boosts the
 * unit's document gets (from any word, held or not), read off the mask of
 * the document's title unit. */
#define OR_MAX_LEAVES 32

static int or_plan(const q_plan *plan, const run_opts *o)
{
    const q_node *n = plan->root;
    if (!o->prune || !o->want || plan->any_word || n->type != Q_OR || n->n_kid != plan->n_leaf ||
        plan->n_leaf > OR_MAX_LEAVES)
        return 0;
    for (size_t k = 0; k < n->n_kid; k++)
        if (n->kid[k]->type != Q_TEXT || !plan->leaf[n->kid[k]->leaf].positive)
            return 0;
    return 1;
}

#define OR_TABLE_LEAVES 10

/* The mask of the words unit bit b of word wi holds, from the leaves'
 * bitsets (n_words words each). */
static inline uint32_t or_mask(const uint64_t *bs, size_t n_words, size_t n_leaf, size_t wi, unsigned b)
{
    uint32_t m = 0;
    for (size_t l = 0; l < n_leaf; l++)
        m |= (uint32_t)(bs[l * n_words + wi] >> b & 1) << l;
    return m;
}

/* The units of word wi (64 of them) that hold a word of the set leaves. */
static inline uint64_t or_units(const uint64_t *bs, size_t n_words, uint32_t leaves, size_t wi)
{
    uint64_t bits = 0;
    for (; leaves; leaves &= leaves - 1)
        bits |= bs[(size_t)__builtin_ctz(leaves) * n_words + wi];
    return bits;
}

/* MaxScore over the masks: the words sorted by their bound, a unit that
 * holds only words of the weakest k of them is bounded by their bounds'
 * sum, the most any title adds and the question factor of k words; while
 * that cannot enter the page, only units holding one of the others are
 * visited. Returns the bitset of the leaves still to visit. */
static uint32_t or_essential(const size_t *by_most, const double *most, const double *qf, size_t n_leaf,
                             double title_most, double worst)
{
    uint32_t ess = 0;
    double weak = title_most;
    size_t k = 0;
    for (; k < n_leaf; k++) {
        weak += most[by_most[k]];
        if (!((weak * qf[k + 1]) * (1 + 2e-9) <= worst))
            break;
    }
    for (; k < n_leaf; k++)
        ess |= 1u << by_most[k];
    return ess;
}

static gz_status score_or(scorer *sc, size_t s, seg_eval *se)
{
    const q_plan *plan = sc->plan;
    size_t n_leaf = sc->n_leaf;
    const sr_segtab *t = &sc->ix->tab[s];
    uint32_t n_units = sc->ix->snap->man.seg[s].n_units, n_docs = sc->ix->snap->man.seg[s].n_docs;
    size_t n_words = ((size_t)n_units + 63) / 64;
    /* per leaf the bitset of the units it holds, and their union, with the
     * deleted documents' units taken out */
    size_t *cur = gz_calloc(2 * n_leaf + 1, sizeof *cur), *by_most = cur + n_leaf;
    double *most = gz_calloc(n_leaf + 1, sizeof *most), *qf = gz_calloc(n_leaf + 2, sizeof *qf);
    uint64_t *bs = gz_calloc(n_leaf * n_words + 1, sizeof *bs);
    uint64_t *any = gz_calloc(n_words + 1, sizeof *any);
    /* with few words, the bound of every mask ahead of time */
    double *sum = n_leaf <= OR_TABLE_LEAVES ? gz_alloc(((size_t)2 << n_leaf) * sizeof *sum) : NULL, *qfm = NULL;
    gz_status st = cur && most && qf && bs && any && (sum || n_leaf > OR_TABLE_LEAVES) ? GZ_OK : GZ_NOMEM;
    for (size_t l = 0; st == GZ_OK && l < n_leaf; l++) {
        double idf = sc->idf[l];
        most[l] = idf * (BM25_K1 + 1) + (sc->label_num[l] >= 0 ? W_LABEL * idf : 0) +
                  W_WORD * idf * (BM25_K1 + 1) * (double)plan->leaf[l].n_words + W_PROX * idf +
                  (plan->leaf[l].whole_len ? W_WHOLE * idf * (BM25_K1 + 1) : 0);
        const ulist *ll = &se->leaf[l];
        uint64_t *b = bs + l * n_words;
        for (size_t i = 0; i < ll->n; i++) {
            uint32_t u = ll->unit[i];
            if (u >= n_units)
                break;
            b[u >> 6] |= 1ull << (u & 63);
        }
        for (size_t w = 0; w < n_words; w++)
            any[w] |= b[w];
        /* insertion by bound, weakest first */
        size_t k = l;
        for (; k > 0 && most[by_most[k - 1]] > most[l]; k--)
            by_most[k] = by_most[k - 1];
        by_most[k] = l;
    }
    const uint8_t *deleted = se->deleted;
    for (uint32_t doc = 0; st == GZ_OK && deleted && doc < n_docs; doc++) {
        if (!gz_bit(deleted, doc))
            continue;
        for (uint32_t u = t->first_unit[doc], e = u + t->n_units[doc]; u < e && u < n_units; u++) {
            uint64_t keep = ~(1ull << (u & 63));
            any[u >> 6] &= keep;
            for (size_t l = 0; l < n_leaf; l++)
                bs[l * n_words + (u >> 6)] &= keep;
        }
    }
    for (size_t h = 0; st == GZ_OK && h <= n_leaf; h++)
        qf[h] = plan->question ? (1.0 + (double)h) / (1.0 + (double)n_leaf) : 1.0;
    if (sum) { /* and the question factor of each */
        qfm = sum + ((size_t)1 << n_leaf);
        uint8_t held[1u << OR_TABLE_LEAVES];
        sum[0] = 0;
        held[0] = 0;
        qfm[0] = qf[0];
        for (uint32_t m = 1; m < (1u << n_leaf); m++) {
            sum[m] = sum[m & (m - 1)] + most[__builtin_ctz(m)];
            held[m] = (uint8_t)(held[m & (m - 1)] + 1);
            qfm[m] = qf[held[m]];
        }
    }
    /* every match is counted (and faceted), visited or not */
    for (size_t wi = 0; st == GZ_OK && wi < n_words; wi++)
        sc->r->total += (uint64_t)__builtin_popcountll(any[wi]);
    if (st == GZ_OK && sc->o->year_n)
        for (size_t wi = 0; wi < n_words; wi++)
            for (uint64_t bits = any[wi]; bits; bits &= bits - 1) {
                uint32_t u = (uint32_t)(wi * 64 + (size_t)__builtin_ctzll(bits));
                count_facets(sc->o, t, u, t->doc[u]);
            }
    /* per document the words its title holds and what they add, and the
     * most any title adds */
    uint32_t *title_mask = gz_calloc((size_t)n_docs + 1, sizeof *title_mask);
    double *titles = gz_calloc((size_t)n_docs + 1, sizeof *titles), title_most = 0;
    if (st == GZ_OK && (!title_mask || !titles))
        st = GZ_NOMEM;
    for (uint32_t doc = 0; st == GZ_OK && doc < n_docs; doc++) {
        uint32_t fu = t->first_unit[doc];
        if (fu >= n_units || !(any[fu >> 6] >> (fu & 63) & 1))
            continue;
        title_mask[doc] = or_mask(bs, n_words, n_leaf, fu >> 6, fu & 63);
        for (size_t l = 0; l < n_leaf; l++)
            titles[doc] += title_mask[doc] >> l & 1 ? sc->w_title * sc->idf[l] : 0;
        if (titles[doc] > title_most)
            title_most = titles[doc];
    }
    /* a question's document factor: the words each document holds */
    double *docf = gz_alloc(((size_t)n_docs + 1) * sizeof *docf);
    uint32_t *dmask = plan->prior ? gz_calloc((size_t)n_docs + 1, sizeof *dmask) : NULL;
    double docf_most = 1;
    if (st == GZ_OK && (!docf || (plan->prior && !dmask)))
        st = GZ_NOMEM;
    for (size_t l = 0; st == GZ_OK && dmask && l < n_leaf; l++)
        for (size_t i = 0; i < se->leaf[l].n && se->leaf[l].unit[i] < n_units; i++)
            dmask[t->doc[se->leaf[l].unit[i]]] |= 1u << l;
    for (uint32_t doc = 0; st == GZ_OK && doc < n_docs; doc++) {
        docf[doc] = dmask ? cover((size_t)__builtin_popcount(dmask[doc]), n_leaf) : 1.0;
        if (docf[doc] > docf_most)
            docf_most = docf[doc];
    }
    gz_free(dmask);
    /* the page's worst score once it is full: cannot_enter() below it */
    int full = sc->n_hits == sc->o->want;
    double worst = full ? sc->hits[0].score : 0;
    uint32_t all = n_leaf < 32 ? (1u << n_leaf) - 1 : UINT32_MAX;
    uint32_t ess = full ? or_essential(by_most, most, qf, n_leaf, title_most, worst / docf_most) : all;
    for (size_t wi = 0; st == GZ_OK && wi < n_words && ess; wi++) {
        for (uint64_t bits = or_units(bs, n_words, ess, wi); bits && st == GZ_OK; bits &= bits - 1) {
            unsigned bit = (unsigned)__builtin_ctzll(bits);
            uint32_t u = (uint32_t)(wi * 64 + bit), m = or_mask(bs, n_words, n_leaf, wi, bit);
            if ((st = sr_spend(1 + n_leaf)) != GZ_OK)
                break;
            uint32_t doc = t->doc[u];
            if (full) {
                double bound = 0, f;
                if (sum) {
                    bound = sum[m];
                    f = qfm[m];
                } else {
                    size_t held = 0;
                    for (uint32_t b = m; b; b &= b - 1, held++)
                        bound += most[__builtin_ctz(b)];
                    f = qf[held];
                }
                if ((bound + titles[doc]) * f * docf[doc] * (1 + 1e-9) <= worst)
                    continue; /* cannot enter the page */
            }
            for (size_t l = 0; l < n_leaf; l++) {
                const ulist *ll = &se->leaf[l];
                sc->tf[l] = 0;
                sc->title[l] = title_mask[doc] >> l & 1;
                if (m >> l & 1) {
                    cur[l] = ul_gallop(ll, cur[l], u);
                    sc->tf[l] = ll->tf[cur[l]];
                }
            }
            st = score_unit(sc, s, u, doc, docf[doc], 0);
            if (sc->n_hits == sc->o->want && (!full || sc->hits[0].score != worst)) {
                full = 1;
                worst = sc->hits[0].score;
                ess = or_essential(by_most, most, qf, n_leaf, title_most, worst / docf_most);
                /* the units of this word left to visit: those of the
                 * words still essential */
                bits &= or_units(bs, n_words, ess, wi) | 1ull << bit;
            }
        }
    }
    gz_free(cur);
    gz_free(most);
    gz_free(qf);
    gz_free(bs);
    gz_free(any);
    gz_free(sum);
    gz_free(title_mask);
    gz_free(titles);
    gz_free(docf);
    return st;
}

/* Every unit the root matches in segment s, from the leaves' match lists. */
static gz_status score_lists(scorer *sc, size_t s, seg_eval *se, gz_buf *scratch)
{
    if (or_plan(sc->plan, sc->o))
        return score_or(sc, s, se);
    const q_plan *plan = sc->plan;
    size_t n_leaf = sc->n_leaf;
    const sr_segtab *t = &sc->ix->tab[s];
    ulist evaluated = {0};
    const ulist *res = &evaluated;
    gz_status st = GZ_OK;
    if (plan->root->type == Q_TEXT)
        res = &se->leaf[plan->root->leaf]; /* no copy of a lone word's list */
    else
        st = eval(se, plan->root, &evaluated, scratch, sc->ix->an);
    size_t *cur = gz_calloc(2 * n_leaf + 1, sizeof *cur), *tcur = cur ? cur + n_leaf : NULL;
    if (!cur)
        st = GZ_NOMEM;
    uint32_t cur_doc = UINT32_MAX, first_unit = 0;
    double am = 1, add = 0;
    for (size_t i = 0; st == GZ_OK && i < res->n; i++) {
        uint32_t u = res->unit[i], doc = t->doc[u];
        if (gz_bit(se->deleted, doc))
            continue;
        if ((st = sr_spend(1 + n_leaf)) != GZ_OK)
            break;
        if (doc != cur_doc) {
            cur_doc = doc;
            first_unit = t->first_unit[doc];
            am = 1, add = 0;
            if (plan->any_word) {
                /* how many of the words the unit's document holds */
                size_t in_doc = 0, pos = 0;
                for (size_t l = 0; l < n_leaf; l++) {
                    if (!plan->leaf[l].positive)
                        continue;
                    pos++;
                    const ulist *ll = &se->leaf[l];
                    size_t lo = ul_lower(ll, first_unit);
                    in_doc += lo < ll->n && ll->unit[lo] < first_unit + t->n_units[doc];
                }
                am = 1.0 + 4.0 * (double)in_doc / (double)(pos ? pos : 1);
                if (in_doc == pos)
                    add = 100.0; /* documents with every word above the rest */
            } else if (plan->prior) {
                am = doc_cover(plan, se, t, doc);
            }
        }
        sc->r->total++;
        count_facets(sc->o, t, u, doc);
        for (size_t l = 0; l < n_leaf; l++) {
            sc->tf[l] = 0;
            sc->title[l] = 0;
            if (!plan->leaf[l].positive)
                continue;
            /* the units come in order: each leaf's list is walked once */
            const ulist *ll = &se->leaf[l];
            while (cur[l] < ll->n && ll->unit[cur[l]] < u)
                cur[l]++;
            if (cur[l] < ll->n && ll->unit[cur[l]] == u)
                sc->tf[l] = ll->tf[cur[l]];
            while (tcur[l] < ll->n && ll->unit[tcur[l]] < first_unit)
                tcur[l]++;
            sc->title[l] = tcur[l] < ll->n && ll->unit[tcur[l]] == first_unit;
        }
        st = score_unit(sc, s, u, doc, am, add);
    }
    gz_free(cur);
    ul_fini(&evaluated);
    return st;
}

/* ------------------------------------------- direct path (dynamic pruning) */

/* A leaf that is one exact term: its postings are its matches, its
 * dictionary df the number of units holding it. */
static int direct_leaf(const q_leaf *lf)
{
    return lf->positive && lf->n_v == 1 && lf->v[0].n == 1 && !lf->v[0].e[0].prefix;
}

/* The page by relevance of a word or an AND of words that are each one
 * exact term: then no match list is needed (totals and facets are counted
 * from the cursors). */
static int direct_plan(const q_plan *plan, const run_opts *o)
{
    if (!o->prune || !o->want || !plan->root || plan->question || plan->any_word || !plan->n_leaf)
        return 0;
    const q_node *n = plan->root;
    if (n->type == Q_TEXT)
        return plan->n_leaf == 1 && direct_leaf(&plan->leaf[0]);
    if (n->type != Q_AND || n->n_kid != plan->n_leaf)
        return 0;
    for (size_t k = 0; k < n->n_kid; k++)
        if (n->kid[k]->type != Q_TEXT || !direct_leaf(&plan->leaf[n->kid[k]->leaf]))
            return 0;
    return 1;
}

/* Whether a document's title unit holds a term: a cursor that only moves
 * forward, asked for documents in order, remembering the last answer. */
typedef struct title_cursor {
    gz_post p;
    uint32_t doc;
    uint8_t holds;
} title_cursor;

static int title_holds(title_cursor *tc, const sr_segtab *t, uint32_t doc)
{
    if (doc != tc->doc) {
        uint32_t f = t->first_unit[doc];
        gz_post_seek(&tc->p, f);
        tc->doc = doc;
        tc->holds = tc->p.unit == f;
    }
    return tc->holds;
}

/* Units of deleted documents that hold the term (to take from its df). */
static size_t in_deleted(const gz_segment *seg, const gz_terminfo *ti, const sr_segtab *t, const uint8_t *deleted,
                         uint32_t n_docs)
{
    gz_post p;
    size_t n = 0;
    if (gz_post_open(&p, seg, ti) == GZ_OK)
        for (uint32_t d = 0; d < n_docs && p.unit != GZ_POST_END; d++) {
            if (!gz_bit(deleted, d))
                continue;
            uint32_t end = t->first_unit[d] + t->n_units[d];
            for (gz_post_seek(&p, t->first_unit[d]); p.unit < end; gz_post_next(&p))
                n++;
        }
    gz_post_fini(&p);
    return n;
}

/* A word's live units, counted and (when asked) their facets, from its
 * postings' units alone. */
static gz_status count_one(const gz_segment *seg, const gz_terminfo *ti, const sr_segtab *t, const uint8_t *deleted,
                           const run_opts *o, size_t *total)
{
    gz_post p;
    gz_status st = gz_post_open(&p, seg, ti);
    while (st == GZ_OK && p.unit != GZ_POST_END) {
        for (uint32_t i = p.i; i < p.n; i++) {
            uint32_t u = p.units[i], doc = t->doc[u];
            if (gz_bit(deleted, doc))
                continue;
            ++*total;
            count_facets(o, t, u, doc);
        }
        if ((st = sr_spend(p.n - p.i)) == GZ_OK)
            st = gz_post_next_block(&p);
    }
    gz_post_fini(&p);
    return st == GZ_EOF ? GZ_OK : st;
}

/* One word: block-max. A block of its postings whose bound (BM25 at the
 * block's highest tf and shortest unit, plus the title boost only if a
 * document it spans has the word in its title, plus the label and
 * whole-word maxima) cannot enter the page is skipped undecoded. */
/* With the page full: the largest tf (up to 16) at which a unit of the
 * shortest length, with the label and title boosts added to its BM25 and
 * `other` on top, still cannot enter it; 0 if none. The same expression,
 * summed in the same order, as a unit's own bound, at length 1, where BM25
 * is highest. */
static uint32_t tf_cannot_enter(const scorer *sc, double idf, double label, double title, double other)
{
    uint32_t tf = 0;
    while (tf < 16) {
        hit h = {0};
        h.score = combine(bm25(idf, tf + 1, 1, sc->ix->avg_len) + label + title, other, 1, 1, 0);
        if (!cannot_enter(sc, &h))
            break;
        tf++;
    }
    return tf;
}

static gz_status direct_one(scorer *sc, size_t s, const gz_terminfo *ti)
{
    const sr_segtab *t = &sc->ix->tab[s];
    const gz_segment *seg = sc->ix->snap->seg[s];
    const uint8_t *deleted = sc->ix->snap->deleted[s];
    const q_leaf *lf = &sc->plan->leaf[0];
    double idf = sc->idf[0];
    gz_post p;
    title_cursor probe = {.doc = UINT32_MAX}, tc = {.doc = UINT32_MAX};
    gz_status st = gz_post_open(&p, seg, ti);
    if (st == GZ_OK)
        st = gz_post_share(&probe.p, &p);
    if (st == GZ_OK)
        st = gz_post_share(&tc.p, &p);
    double other_max = W_WORD * idf * (BM25_K1 + 1) * (double)lf->n_words;
    double label_max = sc->label_num[0] >= 0 ? W_LABEL * idf : 0;
    for (uint32_t b = 0; st == GZ_OK && b < p.n_blocks; b++) {
        uint32_t lo = b ? p.blk_last[b - 1] + 1 : 0, hi = p.blk_last[b];
        int full = !sc->keep_all && sc->n_hits == sc->o->want;
        if (full) {
            /* the title boost: only if a document the block spans has the
             * word in its title (asked when it spans a few) */
            uint32_t d0 = t->doc[lo], d1 = t->doc[hi];
            int title = d1 - d0 > 8;
            for (uint32_t d = d0; d <= d1 && !title; d++)
                title = title_holds(&probe, t, d);
            /* BM25 at its highest over the block's impacts */
            const uint32_t *imp;
            uint32_t n_imp = gz_post_impacts(&p, b, &imp);
            double best = 0;
            for (uint32_t k = 0; k < n_imp; k++) {
                double v = bm25(idf, imp[2 * k], imp[2 * k + 1], sc->ix->avg_len);
                if (v > best)
                    best = v;
            }
            double cheap = best + label_max + (title ? W_TITLE * idf : 0);
            hit h = {combine(cheap, other_max, 1, 1, 0), (uint32_t)s, lo, 0, 0, {0, 0}, 0, 0};
            sc->r->blocks++;
            if (cannot_enter(sc, &h)) {
                sc->r->skipped++;
                continue;
            }
        }
        if ((st = gz_post_seek(&p, lo)) != GZ_OK)
            break;
        /* the block's units, read off its decoded arrays (the next block
         * may be skipped: it is not decoded until entered). With the page
         * full, a unit whose tf cannot lift it in at the shortest length
         * and with every boost is passed over on its tf alone. */
        uint32_t skip_tf = full ? tf_cannot_enter(sc, idf, label_max, W_TITLE * idf, other_max) : 0;
        if ((st = sr_spend(p.n - p.i)) != GZ_OK)
            break;
        for (uint32_t i = p.i; i < p.n; i++) {
            if (p.tfs[i] <= skip_tf)
                continue;
            uint32_t u = p.units[i], doc = t->doc[u];
            if (gz_bit(deleted, doc))
                continue;
            sc->tf[0] = p.tfs[i];
            sc->title[0] = (uint8_t)title_holds(&tc, t, doc);
            /* the unit's own bound first, without the scorer's call */
            hit h = {0, (uint32_t)s, u, 0, 0, {0, 0}, 0, 0};
            if (full)
                h.score = combine(bm25(idf, p.tfs[i], t->len[u], sc->ix->avg_len) + label_max +
                                      (sc->title[0] ? W_TITLE * idf : 0),
                                  other_max, 1, 1, 0);
            if (full && cannot_enter(sc, &h))
                continue;
            if ((st = score_unit(sc, s, u, doc, 1, 0)) != GZ_OK)
                break;
            if (!sc->keep_all && sc->n_hits == sc->o->want) {
                full = 1;
                skip_tf = tf_cannot_enter(sc, idf, label_max, W_TITLE * idf, other_max);
            }
        }
    }
    gz_post_fini(&probe.p); /* they read p's tables */
    gz_post_fini(&tc.p);
    gz_post_fini(&p);
    return st;
}

/* An AND of words: the rarest drives, the others seek to it; no list is
 * built. Every unit holding all of them is counted and scored. */
static gz_status direct_and(scorer *sc, size_t s, const gz_terminfo *ti)
{
    size_t n = sc->n_leaf, drive = 0;
    const sr_segtab *t = &sc->ix->tab[s];
    const gz_segment *seg = sc->ix->snap->seg[s];
    const uint8_t *deleted = sc->ix->snap->deleted[s];
    gz_post *c = gz_calloc(n, sizeof *c);
    title_cursor *tc = gz_calloc(n, sizeof *tc);
    gz_status st = c && tc ? GZ_OK : GZ_NOMEM;
    for (size_t l = 0; st == GZ_OK && l < n; l++) {
        tc[l].doc = UINT32_MAX;
        if ((st = gz_post_open(&c[l], seg, &ti[l])) == GZ_OK)
            st = gz_post_share(&tc[l].p, &c[l]);
        if (ti[l].df < ti[drive].df)
            drive = l;
    }
    while (st == GZ_OK && c[drive].unit != GZ_POST_END) {
        uint32_t u = c[drive].unit;
        int all = 1;
        if ((st = sr_spend(n)) != GZ_OK)
            break;
        for (size_t l = 0; l < n && all; l++) {
            if (l == drive)
                continue;
            if ((st = gz_post_seek(&c[l], u)) != GZ_OK)
                break;
            if (c[l].unit != u) {
                all = 0;
                st = gz_post_seek(&c[drive], c[l].unit); /* jump the driver */
            }
        }
        if (st != GZ_OK || !all)
            continue;
        uint32_t doc = t->doc[u];
        if (!gz_bit(deleted, doc)) {
            sc->r->total++;
            count_facets(sc->o, t, u, doc);
            for (size_t l = 0; l < n; l++) {
                sc->tf[l] = c[l].tf;
                sc->title[l] = (uint8_t)title_holds(&tc[l], t, doc);
            }
            st = score_unit(sc, s, u, doc, 1, 0);
        }
        if (st == GZ_OK)
            st = gz_post_next(&c[drive]);
    }
    if (st == GZ_EOF)
        st = GZ_OK;
    for (size_t l = 0; tc && l < n; l++)
        gz_post_fini(&tc[l].p); /* they read c's tables */
    for (size_t l = 0; c && l < n; l++)
        gz_post_fini(&c[l]);
    gz_free(c);
    gz_free(tc);
    return st;
}

/* The direct path of sr_run(): terms looked up in every segment (their df
 * summed for the IDF), then each segment scored from its cursors. */
static gz_status run_direct(sr_index *ix, const q_plan *plan, const run_opts *o, run_out *r)
{
    gz_snapshot *snap = ix->snap;
    size_t n_seg = snap->man.n_seg, n_leaf = plan->n_leaf;
    gz_terminfo *ti = gz_calloc(n_seg * n_leaf + 1, sizeof *ti);
    uint8_t *found = gz_calloc(n_seg + 1, 1);
    double *df = gz_calloc(n_leaf + 1, sizeof *df);
    gz_status st = ti && found && df ? GZ_OK : GZ_NOMEM;
    for (size_t s = 0; st == GZ_OK && s < n_seg; s++) {
        found[s] = 1;
        for (size_t l = 0; l < n_leaf; l++) {
            const q_elem *e = &plan->leaf[l].v[0].e[0];
            int rc = gz_segment_term(snap->seg[s], e->term, e->len, &ti[s * n_leaf + l]);
            if (rc < 0)
                st = GZ_CORRUPT;
            if (rc == 1)
                df[l] += ti[s * n_leaf + l].df;
            else
                found[s] = 0;
        }
    }
    scorer sc;
    gz_status st2 = scorer_init(&sc, ix, plan, o, r, df);
    if (st == GZ_OK)
        st = st2;
    for (size_t s = 0; st == GZ_OK && s < n_seg; s++) {
        if (!found[s])
            continue;
        scorer_segment_begin(&sc);
        if (n_leaf == 1) {
            if (o->year_n) {
                /* facets need every unit: their ids only, no tf, no score */
                st = count_one(snap->seg[s], &ti[s], &ix->tab[s], snap->deleted[s], o, &r->total);
            } else {
                r->total += ti[s].df;
                if (snap->deleted[s]) {
                    gz_seg_stats ss;
                    gz_segment_stats(snap->seg[s], &ss);
                    r->total -= in_deleted(snap->seg[s], &ti[s], &ix->tab[s], snap->deleted[s], ss.n_docs);
                }
            }
            if (st == GZ_OK)
                st = direct_one(&sc, s, &ti[s]);
        } else {
            st = direct_and(&sc, s, &ti[s * n_leaf]);
        }
        scorer_segment_end(&sc);
    }
    if (st == GZ_LIMIT) { /* every hit kept so far is a real match */
        r->partial = 1;
        st = GZ_OK;
    }
    gz_free(ti);
    gz_free(found);
    gz_free(df);
    return scorer_finish(&sc, st);
}

/* Runs plan: matches every leaf in every segment (totals and facets need
 * every match), then scores the matching live units. The cheap parts of a
 * score (BM25 of each word from its match counts, title and label boosts,
 * the question and any-word factors) are computed for every unit; the
 * costly parts (whole-word postings, proximity) only when their upper bound
 * lets the unit enter the best `want` (MaxScore over the score's parts), so
 * the best `want` are exactly those exhaustive scoring finds. */
gz_status sr_run(sr_index *ix, const q_plan *plan, const run_opts *o, run_out *r)
{
    if (direct_plan(plan, o))
        return run_direct(ix, plan, o, r);
    gz_snapshot *snap = ix->snap;
    size_t n_seg = snap->man.n_seg, n_leaf = plan->n_leaf;
    seg_eval *se = gz_calloc(n_seg + 1, sizeof *se);
    double *df = gz_calloc(n_leaf + 1, sizeof *df);
    memset(r, 0, sizeof *r);
    gz_status st = se && df ? GZ_OK : GZ_NOMEM;
    gz_buf scratch;
    gz_buf_init(&scratch);
    /* leaves, per segment; document frequencies over all of them. Matching
     * may spend three quarters of what the budget has left: the rest
     * scores what it matched. A segment whose matching the budget cuts is
     * left out (n_ready: the segments matched in full). */
    size_t n_ready = n_seg;
    sr_budget_phase(75);
    for (size_t s = 0; st == GZ_OK && s < n_seg; s++) {
        se[s].seg = snap->seg[s];
        se[s].deleted = snap->deleted[s];
        se[s].leaf = gz_calloc(n_leaf + 1, sizeof *se[s].leaf);
        if (!se[s].leaf) {
            st = GZ_NOMEM;
            break;
        }
        for (size_t l = 0; st == GZ_OK && l < n_leaf; l++) {
            const q_leaf *lf = &plan->leaf[l];
            /* a phrase of several grams, or a prefix, costs positions or
             * many cursors: its list is kept for the next query */
            int costly = lf->n_v > 1 || (lf->n_v == 1 && (lf->v[0].n > 1 || (lf->v[0].n && lf->v[0].e[0].prefix)));
            if (costly && sr_cache_get(ix->cache, s, lf->text, &se[s].leaf[l]))
                st = sr_spend(se[s].leaf[l].n / 16);
            else if ((st = sr_match_leaf(snap->seg[s], lf, &se[s].leaf[l])) == GZ_OK && costly &&
                     se[s].leaf[l].n >= 64)
                sr_cache_put(ix->cache, s, lf->text, &se[s].leaf[l]);
            df[l] += (double)se[s].leaf[l].n;
        }
        if (st == GZ_LIMIT) {
            r->partial = 1;
            n_ready = s;
            st = GZ_OK;
            break;
        }
    }
    sr_budget_phase_end();
    scorer sc;
    gz_status st2 = scorer_init(&sc, ix, plan, o, r, df);
    if (st == GZ_OK)
        st = st2;
    for (size_t s = 0; st == GZ_OK && plan->root && s < n_ready; s++) {
        scorer_segment_begin(&sc);
        st = score_lists(&sc, s, &se[s], &scratch);
        scorer_segment_end(&sc);
    }
    if (st == GZ_LIMIT) { /* every hit kept so far is a real match */
        r->partial = 1;
        st = GZ_OK;
    }
    for (size_t s = 0; se && s < n_seg; s++) {
        for (size_t l = 0; se[s].leaf && l < n_leaf; l++)
            ul_fini(&se[s].leaf[l]);
        gz_free(se[s].leaf);
    }
    gz_free(se);
    gz_free(df);
    gz_buf_fini(&scratch);
    return scorer_finish(&sc, st);
}
