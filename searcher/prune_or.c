/* searcher/prune_or.c: an OR of words (a question, or words joined by OR)
 * scored with MaxScore over per-word bitsets of units. */
#include "searcher/prune_or.h"

#include <stdlib.h>
#include <string.h>

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

int sr_or_plan(const q_plan *plan, const run_opts *o)
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

/* What W_HEAD_FIRST adds to unit u at most, over its words' bounds. */
static double or_first_add(const scorer *sc, uint32_t u)
{
    double add = 0;
    for (uint64_t m = sr_scorer_first(sc, u); m; m &= m - 1)
        add += W_HEAD_FIRST * sc->idf[__builtin_ctzll(m)];
    return add;
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

void sr_or_setup_free(or_setup *u)
{
    if (!u)
        return;
    gz_free(u->by_most);
    gz_free(u->most);
    gz_free(u->qf);
    gz_free(u->bs);
    gz_free(u->any);
    gz_free(u->sum);
    gz_free(u->title_mask);
    gz_free(u->titles);
    gz_free(u->docf);
    gz_free(u->docb);
    gz_free(u->head_bits);
    gz_free(u->firsts);
    gz_free(u->first_at);
    gz_free(u);
}

/* What scoring the OR over segment s needs before any unit is visited
 * (the words' bitsets and bounds, the titles' masks, the documents'
 * factors); the heading bits must be in sc already. */
static gz_status or_setup_build(scorer *sc, size_t s, const seg_eval *se, or_setup **out)
{
    const q_plan *plan = sc->plan;
    size_t n_leaf = sc->n_leaf;
    const sr_segtab *t = &sc->ix->tab[s];
    uint32_t n_units = sc->ix->snap->man.seg[s].n_units, n_docs = sc->ix->snap->man.seg[s].n_docs;
    size_t n_words = ((size_t)n_units + 63) / 64;
    or_setup *u = gz_calloc(1, sizeof *u);
    if (!u)
        return GZ_NOMEM;
    *out = u;
    /* per leaf the bitset of the units it holds, and their union, with the
     * deleted documents' units taken out */
    u->by_most = gz_calloc(n_leaf + 1, sizeof *u->by_most);
    double *most = u->most = gz_calloc(n_leaf + 1, sizeof *most), *qf = u->qf = gz_calloc(n_leaf + 2, sizeof *qf);
    uint64_t *bs = u->bs = gz_calloc(n_leaf * n_words + 1, sizeof *bs);
    uint64_t *any = u->any = gz_calloc(n_words + 1, sizeof *any);
    size_t *by_most = u->by_most;
    /* with few words, the bound of every mask ahead of time */
    double *sum = u->sum = n_leaf <= OR_TABLE_LEAVES ? gz_alloc(((size_t)2 << n_leaf) * sizeof *sum) : NULL;
    gz_status st = by_most && most && qf && bs && any && (sum || n_leaf > OR_TABLE_LEAVES) ? GZ_OK : GZ_NOMEM;
    for (size_t l = 0; st == GZ_OK && l < n_leaf; l++) {
        double idf = sc->idf[l];
        most[l] = idf * (BM25_K1 + 1) + (sc->label_num[l] >= 0 ? W_LABEL * idf : 0) +
                  W_WORD * idf * (BM25_K1 + 1) * (double)plan->leaf[l].n_words + W_PROX * idf +
                  (plan->leaf[l].whole_len ? W_WHOLE * idf * (BM25_K1 + 1) : 0) +
                  (sc->head_bits ? W_HEAD * idf : 0);
        const ulist *ll = &se->leaf[l];
        uint64_t *b = bs + l * n_words;
        for (size_t i = 0; i < ll->n; i++) {
            uint32_t v = ll->unit[i];
            if (v >= n_units)
                break;
            b[v >> 6] |= 1ull << (v & 63);
        }
        for (size_t w = 0; w < n_words; w++)
            any[w] |= b[w];
        /* the articles below a heading holding the word are in its
         * bitset too: a mask's bound counts the heading at most, and a
         * unit only under the headings of essential words is visited */
        for (size_t w = 0; sc->head_bits && w < n_words; w++)
            b[w] |= sc->head_bits[l * n_words + w];
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
        for (uint32_t v = t->first_unit[doc], e = v + t->n_units[doc]; v < e && v < n_units; v++) {
            uint64_t keep = ~(1ull << (v & 63));
            any[v >> 6] &= keep;
            for (size_t l = 0; l < n_leaf; l++)
                bs[l * n_words + (v >> 6)] &= keep;
        }
    }
    for (size_t h = 0; st == GZ_OK && h <= n_leaf; h++)
        qf[h] = plan->question ? (1.0 + (double)h) / (1.0 + (double)n_leaf) : 1.0;
    if (st == GZ_OK && sum) { /* and the question factor of each */
        double *qfm = u->qfm = sum + ((size_t)1 << n_leaf);
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
    /* per document the words its title holds and what they add, and the
     * most any title adds */
    uint32_t *title_mask = u->title_mask = gz_calloc((size_t)n_docs + 1, sizeof *title_mask);
    double *titles = u->titles = gz_calloc((size_t)n_docs + 1, sizeof *titles);
    if (st == GZ_OK && (!title_mask || !titles))
        st = GZ_NOMEM;
    for (uint32_t doc = 0; st == GZ_OK && doc < n_docs; doc++) {
        uint32_t fu = t->first_unit[doc];
        if (fu >= n_units || !(any[fu >> 6] >> (fu & 63) & 1))
            continue;
        title_mask[doc] = or_mask(bs, n_words, n_leaf, fu >> 6, fu & 63);
        for (size_t l = 0; l < n_leaf; l++)
            titles[doc] += title_mask[doc] >> l & 1 ? sc->w_title * sc->idf[l] : 0;
        if (titles[doc] > u->title_most)
            u->title_most = titles[doc];
    }
    /* a question's document factor: the words each document holds; the
     * bounds take its prior too (sr_score_unit's question factor) */
    double *docf = u->docf = gz_alloc(((size_t)n_docs + 1) * sizeof *docf);
    double *docb = u->docb = gz_alloc(((size_t)n_docs + 1) * sizeof *docb);
    uint32_t *dmask = plan->prior ? gz_calloc((size_t)n_docs + 1, sizeof *dmask) : NULL;
    u->docb_most = 0;
    if (st == GZ_OK && (!docf || !docb || (plan->prior && !dmask)))
        st = GZ_NOMEM;
    for (size_t l = 0; st == GZ_OK && dmask && l < n_leaf; l++)
        for (size_t i = 0; i < se->leaf[l].n && se->leaf[l].unit[i] < n_units; i++)
            dmask[t->doc[se->leaf[l].unit[i]]] |= 1u << l;
    for (uint32_t doc = 0; st == GZ_OK && doc < n_docs; doc++) {
        docf[doc] = dmask ? cover((size_t)__builtin_popcount(dmask[doc]), n_leaf) : 1.0;
        docb[doc] = plan->prior ? docf[doc] * (double)t->prior[doc] : docf[doc];
        if (docb[doc] > u->docb_most)
            u->docb_most = docb[doc];
    }
    gz_free(dmask);
    return st;
}

gz_status sr_score_or(scorer *sc, size_t s, seg_eval *se)
{
    size_t n_leaf = sc->n_leaf;
    const sr_segtab *t = &sc->ix->tab[s];
    uint32_t n_units = sc->ix->snap->man.seg[s].n_units, n_docs = sc->ix->snap->man.seg[s].n_docs;
    size_t n_words = ((size_t)n_units + 63) / 64;
    size_t *cur = gz_calloc(n_leaf + 1, sizeof *cur);
    gz_status st = cur ? GZ_OK : GZ_NOMEM;
    /* the setup: a law evidence's first scoring keeps it, with the
     * heading bits, for the second (the same words, bounds and masks:
     * only what the law adds differs) */
    or_setup *su = se->or_setup;
    if (st == GZ_OK && su) {
        sc->head_bits = su->head_bits;
        sc->n_bits = su->n_bits;
        sc->firsts = su->firsts;
        sc->first_at = su->first_at;
        sc->head_kept = 1;
    } else if (st == GZ_OK) {
        st = sr_scorer_headings(sc, s, se);
        if (st == GZ_OK)
            st = or_setup_build(sc, s, se, &su);
        if (st == GZ_OK && sc->o->by_law && !sc->o->law) {
            se->or_setup = su;
            su->head_bits = sc->head_bits;
            su->n_bits = sc->n_bits;
            su->firsts = sc->firsts;
            su->first_at = sc->first_at;
            sc->head_kept = 1;
        }
    }
    if (st != GZ_OK) {
        if (su != se->or_setup)
            sr_or_setup_free(su);
        gz_free(cur);
        return st;
    }
    const size_t *by_most = su->by_most;
    const double *most = su->most, *qf = su->qf, *sum = su->sum, *qfm = su->qfm, *titles = su->titles,
                 *docf = su->docf, *docb = su->docb;
    const uint64_t *bs = su->bs, *any = su->any;
    const uint32_t *title_mask = su->title_mask;
    double title_most = su->title_most, docb_most = su->docb_most;
    /* every match is counted (and faceted), visited or not */
    for (size_t wi = 0; wi < n_words; wi++)
        sc->r->total += (uint64_t)__builtin_popcountll(any[wi]);
    if (sc->o->year_n)
        for (size_t wi = 0; wi < n_words; wi++)
            for (uint64_t bits = any[wi]; bits; bits &= bits - 1) {
                uint32_t v = (uint32_t)(wi * 64 + (size_t)__builtin_ctzll(bits));
                sr_count_facets(sc->o, t, v, t->doc[v]);
            }
    /* a question's law evidence: the units of the documents it lifts,
     * visited whatever their words (the essential words bound the rest) */
    uint64_t *lifted = sc->o->law ? gz_calloc(n_words + 1, sizeof *lifted) : NULL, none = 0;
    if (st == GZ_OK && sc->o->law && !lifted)
        st = GZ_NOMEM;
    for (uint32_t doc = 0; st == GZ_OK && lifted && doc < n_docs; doc++) {
        if (sr_doc_add(sc->o, s, doc) <= 0)
            continue;
        for (uint32_t u = t->first_unit[doc], e = u + t->n_units[doc]; u < e && u < n_units; u++)
            lifted[u >> 6] |= 1ull << (u & 63);
    }
    /* the page's worst score once it is full: cannot_enter() below it */
    int full = sc->n_hits == sc->o->want;
    double worst = full ? sc->hits[0].score : 0;
    uint32_t all = n_leaf < 32 ? (1u << n_leaf) - 1 : UINT32_MAX;
    uint32_t ess = full ? or_essential(by_most, most, qf, n_leaf, title_most, worst / docb_most) : all;
    if (lifted) /* the others were ranked, and offered again (score.h) */
        ess = 0;
    for (size_t wi = 0; st == GZ_OK && wi < n_words && (ess || lifted || sc->head_bits); wi++) {
        /* only units holding a word: those below a heading that hold none
         * are in the words' bitsets for the bounds alone */
        const uint64_t *lift = lifted ? &lifted[wi] : &none;
        /* the first articles below a heading holding a word: visited
         * whatever their words' bounds, which leave W_HEAD_FIRST out */
        uint64_t firsts = sc->head_bits ? sc->head_bits[n_leaf * n_words + wi] : 0;
        for (uint64_t bits = (or_units(bs, n_words, ess, wi) | *lift | firsts) & any[wi]; bits && st == GZ_OK;
             bits &= bits - 1) {
            unsigned bit = (unsigned)__builtin_ctzll(bits);
            uint32_t u = (uint32_t)(wi * 64 + bit), m = or_mask(bs, n_words, n_leaf, wi, bit);
            if ((st = sr_spend(1 + n_leaf)) != GZ_OK)
                break;
            uint32_t doc = t->doc[u];
            double add = sr_doc_add(sc->o, s, doc);
            if (lifted && sr_law_ranked(sc->o->law, s, u))
                continue; /* offered already */
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
                /* a unit the first scoring did not rank scored at most its
                 * least there (ties enter from an earlier place: strict) */
                if (firsts >> bit & 1)
                    bound += or_first_add(sc, u);
                if ((bound + titles[doc]) * f * docb[doc] * (1 + 1e-9) + add <= worst ||
                    (lifted && sc->o->law->floor + add < worst))
                    continue; /* cannot enter the page */
            }
            for (size_t l = 0; l < n_leaf; l++) {
                const ulist *ll = &se->leaf[l];
                sc->tf[l] = 0;
                sc->title[l] = title_mask[doc] >> l & 1;
                if (m >> l & 1) {
                    cur[l] = ul_gallop(ll, cur[l], u);
                    sc->tf[l] = cur[l] < ll->n && ll->unit[cur[l]] == u ? ll->tf[cur[l]] : 0;
                }
            }
            sr_scorer_head(sc, u);
            st = sr_score_unit(sc, s, u, doc, docf[doc], sr_unit_add(sc->o, s, doc, u));
            if (sc->n_hits == sc->o->want && (!full || sc->hits[0].score != worst)) {
                full = 1;
                worst = sc->hits[0].score;
                ess = lifted ? 0 : or_essential(by_most, most, qf, n_leaf, title_most, worst / docb_most);
                /* the units of this word left to visit: those of the
                 * words still essential, those lifted and first articles */
                bits &= or_units(bs, n_words, ess, wi) | *lift | firsts | 1ull << bit;
            }
        }
    }
    gz_free(cur);
    gz_free(lifted);
    if (su != se->or_setup)
        sr_or_setup_free(su);
    return st;
}
