/* searcher/score.c: a unit's score: BM25 over the query's words with
 * title, whole-word, article-label and proximity boosts, its cheap parts
 * first and the costly ones only when their bound lets the unit into the
 * page; and the title prior of a document for questions. */
#include "searcher/score.h"
#include "searcher/versions.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- scoring */

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

static int is_heading(uint8_t kind) { return kind >= GZ_KIND_PART && kind <= GZ_KIND_SECTION; }

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The documents of doc's work and version date: a code's parts (民法典's
 * 总则, 物权编 …, one file each) or copies; doc alone (*alone) when it
 * is no version of a work. */
static const sr_version *law_parts(const sr_index *ix, size_t s, uint32_t doc, sr_version *alone, size_t *n)
{
    const sr_segtab *t = &ix->tab[s];
    uint32_t w = t->work[doc], date = t->vdate[doc];
    *alone = (sr_version){(uint32_t)s, doc, date};
    *n = 1;
    if (w == SR_NO_WORK || w >= ix->n_works || !date)
        return alone;
    const sr_work *k = &ix->works[w];
    size_t i = k->first, e = (size_t)k->first + k->n;
    while (i < e && ix->vers[i].date != date)
        i++;
    size_t j = i;
    while (j < e && ix->vers[j].date == date)
        j++;
    if (j == i)
        return alone;
    *n = j - i;
    return &ix->vers[i];
}

/* The units of document doc of segment s (best: its best score) ranked
 * again among themselves (score.h, W_IN), by the words' IDF within its
 * work: the units of all its parts as N, those holding the word as df. */
static gz_status law_ext_init(law_ext *e, const sr_index *ix, size_t s, uint32_t doc, double best,
                              const q_plan *plan, const seg_eval *se)
{
    const sr_segtab *t = &ix->tab[s];
    e->first = t->first_unit[doc];
    e->n = t->n_units[doc];
    e->add = gz_calloc((size_t)e->n + 1, sizeof *e->add);
    double *df = gz_calloc(plan->n_leaf + 1, sizeof *df);
    if (!e->add || !df) {
        gz_free(df);
        return GZ_NOMEM;
    }
    sr_version alone;
    size_t n_parts;
    const sr_version *parts = law_parts(ix, s, doc, &alone, &n_parts);
    double n_in = 0, avg = 0;
    for (size_t p = 0; p < n_parts; p++) {
        const sr_segtab *pt = &ix->tab[parts[p].seg];
        uint32_t first = pt->first_unit[parts[p].doc], n = pt->n_units[parts[p].doc];
        n_in += n;
        for (uint32_t v = 0; v < n; v++)
            avg += pt->len[first + v];
        for (size_t l = 0; l < plan->n_leaf; l++) {
            const ulist *ll = &se[parts[p].seg].leaf[l];
            df[l] += (double)(ul_lower(ll, first + n) - ul_lower(ll, first));
        }
    }
    avg = avg / (n_in ? n_in : 1);
    for (size_t l = 0; l < plan->n_leaf; l++) {
        if (!plan->leaf[l].positive)
            continue;
        const ulist *ll = &se[s].leaf[l];
        size_t lo = ul_lower(ll, e->first), hi = ul_lower(ll, e->first + e->n);
        double idf = plan->leaf[l].weight * log(1 + (n_in - df[l] + 0.5) / (df[l] + 0.5));
        for (size_t i = lo; i < hi; i++)
            e->add[ll->unit[i] - e->first] += bm25(idf, ll->tf[i], t->len[ll->unit[i]], avg);
    }
    gz_free(df);
    double most = 0;
    for (uint32_t v = 0; v < e->n; v++)
        most = e->add[v] > most ? e->add[v] : most;
    for (uint32_t v = 0; most > 0 && v < e->n; v++)
        e->add[v] *= W_IN * best / most;
    e->most = most > 0 ? W_IN * best : 0;
    return GZ_OK;
}

/* The share of the question's words, by weight, that the title or a
 * heading of document doc of segment s holds (score.h, W_LAW_HEADS). */
static double law_heads(const sr_index *ix, size_t s, uint32_t doc, const q_plan *plan, const seg_eval *se)
{
    const sr_segtab *t = &ix->tab[s];
    uint32_t first = t->first_unit[doc], end = first + t->n_units[doc];
    double held = 0, all = 0;
    for (size_t l = 0; l < plan->n_leaf; l++) {
        if (!plan->leaf[l].positive)
            continue;
        all += plan->leaf[l].weight;
        const ulist *ll = &se[s].leaf[l];
        for (size_t i = ul_lower(ll, first); i < ll->n && ll->unit[i] < end; i++)
            if (ll->unit[i] == first || is_heading(t->kind[ll->unit[i]])) {
                held += plan->leaf[l].weight;
                break;
            }
    }
    return all > 0 ? held / all : 0;
}

gz_status sr_law_init(run_law *law, const sr_index *ix, hit *hits, size_t n, size_t k, const q_plan *plan,
                      const seg_eval *se)
{
    size_t n_seg = ix->snap->man.n_seg;
    memset(law, 0, sizeof *law);
    law->add = gz_calloc(n_seg + 1, sizeof *law->add);
    law->ext_of = gz_calloc(n_seg + 1, sizeof *law->ext_of);
    law->ranked = gz_alloc((n + 1) * sizeof *law->ranked);
    law->ext = gz_calloc(SR_LAW_DOCS_IN + 1, sizeof *law->ext);
    for (size_t s = 0; law->add && law->ext_of && s < n_seg; s++)
        if (!(law->add[s] = gz_calloc((size_t)ix->snap->man.seg[s].n_docs + 1, sizeof **law->add)) ||
            !(law->ext_of[s] = gz_calloc((size_t)ix->snap->man.seg[s].n_docs + 1, 1)))
            break;
    if (!law->add || !law->ext_of || !law->ranked || !law->ext || (n_seg && !law->ext_of[n_seg - 1])) {
        sr_law_fini(law, ix);
        return GZ_NOMEM;
    }
    qsort(hits, n, sizeof *hits, sr_cmp_hit_score);
    law->floor = n < k ? -HUGE_VAL : hits[n - 1].score;
    gz_status st = GZ_OK;
    for (size_t i = 0; i < n; i++) {
        double *a = &law->add[hits[i].seg][hits[i].doc];
        if (i < SR_LAW_UNITS && *a == 0) {
            /* the document's best (the first met), more if its title
             * and headings say what the question is about */
            *a = W_LAW * hits[i].score * (1 + W_LAW_HEADS * law_heads(ix, hits[i].seg, hits[i].doc, plan, se));
            if (law->n_ext < SR_LAW_DOCS_IN && st == GZ_OK) {
                st = law_ext_init(&law->ext[law->n_ext], ix, hits[i].seg, hits[i].doc, hits[i].score, plan, se);
                law->ext_of[hits[i].seg][hits[i].doc] = (uint8_t)++law->n_ext;
            }
        }
        law->ranked[i] = (uint64_t)hits[i].seg << 32 | hits[i].unit;
    }
    qsort(law->ranked, n, sizeof *law->ranked, cmp_u64);
    law->n_ranked = n;
    if (st != GZ_OK)
        sr_law_fini(law, ix);
    return st;
}

void sr_law_fini(run_law *law, const sr_index *ix)
{
    for (size_t s = 0; law->add && s < ix->snap->man.n_seg; s++)
        gz_free(law->add[s]);
    for (size_t s = 0; law->ext_of && s < ix->snap->man.n_seg; s++)
        gz_free(law->ext_of[s]);
    for (size_t e = 0; e < law->n_ext; e++)
        gz_free(law->ext[e].add);
    gz_free(law->add);
    gz_free(law->ext_of);
    gz_free(law->ext);
    gz_free(law->ranked);
    memset(law, 0, sizeof *law);
}

int sr_law_ranked(const run_law *law, size_t s, uint32_t u)
{
    uint64_t key = (uint64_t)s << 32 | u;
    return bsearch(&key, law->ranked, law->n_ranked, sizeof key, cmp_u64) != NULL;
}

/* 第N条 as a whole leaf: units labelled so get a boost over mentions. */
static int leaf_article_number(const char *text, int64_t *num)
{
    size_t len = strlen(text);
    if (len < 7 || memcmp(text, "第", 3) != 0 || memcmp(text + len - 3, "条", 3) != 0)
        return 0;
    return gz_numeral_parse(text + 3, len - 6, num) == len - 6;
}

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
            int found;
            if (gz_segment_term(seg, term, wl + 1, &found, &ti) == GZ_OK && found) {
                if (gz_post_open(&wc->p[i], seg, &ti) == GZ_OK)
                    wc->state[i] = 1;
                else
                    gz_post_fini(&wc->p[i]);
            }
        }
    }
    return wc->state[i] == 1 ? &wc->p[i] : NULL;
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

gz_status sr_scorer_init(scorer *sc, sr_index *ix, const q_plan *plan, const run_opts *o, run_out *r,
                             const double *df)
{
    size_t n = plan->n_leaf;
    memset(sc, 0, sizeof *sc);
    sc->ix = ix, sc->plan = plan, sc->o = o, sc->r = r, sc->n_leaf = n;
    sc->idf = gz_calloc(2 * n + 1, sizeof *sc->idf);
    sc->label_num = gz_calloc(n + 1, sizeof *sc->label_num);
    sc->tf = gz_calloc(n + 1, sizeof *sc->tf);
    sc->title = gz_calloc(n + 1, 1);
    sc->head = gz_calloc(n + 1, 1);
    sc->pl = gz_calloc(2 * n + 1, sizeof *sc->pl);
    sc->at = gz_calloc(n + 1, sizeof *sc->at);
    sc->mt = gz_calloc(n + 1, sizeof *sc->mt);
    if (!sc->idf || !sc->label_num || !sc->tf || !sc->title || !sc->head || !sc->pl || !sc->at || !sc->mt)
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
gz_status sr_scorer_finish(scorer *sc, gz_status st)
{
    if (st == GZ_OK) {
        sc->r->hits = sc->hits;
        sc->r->n_hits = sc->n_hits;
        sc->hits = NULL;
    }
    scorer_fini(sc);
    return st;
}

void sr_scorer_segment_begin(scorer *sc) { wc_init(&sc->wc, sc->plan); }

gz_status sr_scorer_headings(scorer *sc, size_t s, const seg_eval *se)
{
    if (!sc->plan->question)
        return GZ_OK;
    const sr_segtab *t = &sc->ix->tab[s];
    uint32_t n_units = sc->ix->snap->man.seg[s].n_units;
    size_t n_leaf = sc->n_leaf, n_bits = ((size_t)n_units + 63) / 64;
    uint64_t *hb = gz_calloc((n_leaf + 1) * n_bits + 1, sizeof *hb);
    size_t *at = gz_calloc(n_leaf + 2, sizeof *at), cap = 0;
    uint32_t *firsts = NULL;
    gz_status st = hb && at ? GZ_OK : GZ_NOMEM;
    /* a heading (第X编, 第X章, 第X节 or a plan's) covers the units after
     * it up to the next heading of its rank or above; the first article
     * it covers is listed, per leaf in order, and marked in the last
     * plane */
    uint64_t *any_first = hb ? hb + n_leaf * n_bits : NULL;
    for (size_t l = 0; st == GZ_OK && l < n_leaf; l++) {
        const ulist *ll = &se->leaf[l];
        uint64_t *b = hb + l * n_bits;
        at[l] = at[l + 1] = l ? at[l] : 0;
        for (size_t i = 0; st == GZ_OK && sc->plan->leaf[l].positive && i < ll->n && ll->unit[i] < n_units; i++) {
            uint32_t h = ll->unit[i];
            if (!is_heading(t->kind[h]))
                continue;
            int first = 1;
            for (uint32_t v = h + 1; v < n_units && t->doc[v] == t->doc[h]; v++) {
                if (is_heading(t->kind[v]) && t->kind[v] <= t->kind[h])
                    break;
                if (t->kind[v] != GZ_KIND_ARTICLE)
                    continue;
                b[v >> 6] |= 1ull << (v & 63);
                /* the same article may be first below nested headings */
                if (first && (at[l + 1] == at[l] || firsts[at[l + 1] - 1] != v)) {
                    if ((st = gz_grow(&firsts, &cap, at[l + 1] + 1, sizeof *firsts, 64)) != GZ_OK)
                        break;
                    firsts[at[l + 1]++] = v;
                    any_first[v >> 6] |= 1ull << (v & 63);
                }
                first = 0;
            }
        }
        if (l + 1 < n_leaf)
            at[l + 2] = at[l + 1];
    }
    if (st != GZ_OK) {
        gz_free(hb);
        gz_free(at);
        gz_free(firsts);
        return st;
    }
    sc->head_bits = hb;
    sc->n_bits = n_bits;
    sc->firsts = firsts;
    sc->first_at = at;
    return GZ_OK;
}

uint64_t sr_scorer_first(const scorer *sc, uint32_t u)
{
    if (!sc->head_bits || !(sc->head_bits[sc->n_leaf * sc->n_bits + (u >> 6)] >> (u & 63) & 1))
        return 0;
    uint64_t leaves = 0;
    for (size_t l = 0; l < sc->n_leaf && l < 64; l++) {
        size_t hi = sc->first_at[l + 1], lo = gz_lower_u32(sc->firsts, sc->first_at[l], hi, u);
        leaves |= (uint64_t)(lo < hi && sc->firsts[lo] == u) << l;
    }
    return leaves;
}

void sr_scorer_head(scorer *sc, uint32_t u)
{
    uint64_t first = sr_scorer_first(sc, u);
    for (size_t l = 0; l < sc->n_leaf; l++)
        sc->head[l] = (uint8_t)((sc->head_bits && (sc->head_bits[l * sc->n_bits + (u >> 6)] >> (u & 63) & 1)) +
                                (l < 64 && (first >> l & 1)));
}

void sr_scorer_segment_end(scorer *sc)
{
    if (!sc->head_kept) {
        gz_free(sc->head_bits);
        gz_free(sc->firsts);
        gz_free(sc->first_at);
    }
    sc->head_bits = NULL;
    sc->firsts = NULL;
    sc->first_at = NULL;
    sc->head_kept = 0;
    wc_fini(&sc->wc);
    for (size_t l = 0; sc->mt && l < sc->n_leaf; l++) {
        sr_matcher_close(sc->mt[l]);
        sc->mt[l] = NULL;
    }
}

static void scorer_fini(scorer *sc)
{
    sr_scorer_segment_end(sc);
    gz_free(sc->idf);
    gz_free(sc->label_num);
    gz_free(sc->tf);
    gz_free(sc->title);
    gz_free(sc->head);
    gz_free(sc->pl);
    gz_free(sc->at);
    gz_free(sc->mt);
    gz_free(sc->hits);
}

/* Scores live unit u of segment s (document doc) from sc->tf and
 * sc->title, with the any-word factor am and bonus add, and offers it to
 * the page: the cheap parts first, the costly ones only if the bound lets
 * the unit in. */
gz_status sr_score_unit(scorer *sc, size_t s, uint32_t u, uint32_t doc, double am, double add)
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
    sc->r->bounded++;
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
        /* a heading above the unit holds the word */
        if (sc->head[l])
            cheap += (W_HEAD + (sc->head[l] == 2 ? W_HEAD_FIRST : 0)) * sc->idf[l];
        /* the document's title line holds the word too */
        if (sc->title[l])
            cheap += sc->w_title * sc->idf[l];
    }
    for (size_t k = 0; k + 1 < n_pl; k++)
        costly_max += W_PROX * (sc->pidf[k] < sc->pidf[k + 1] ? sc->pidf[k] : sc->pidf[k + 1]);
    double qf = plan->question && n_leaf ? (1.0 + (double)matched) / (1.0 + (double)n_leaf) : 1.0;
    if (plan->prior)
        qf *= t->prior[doc];
    if (plan->question && len < SHORT_LEN)
        qf *= W_SHORT;
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
