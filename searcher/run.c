/* searcher/run.c: sr_run(): matching every leaf in every segment, then
 * scoring the units the query matches (or handing the plan to the direct
 * or pruned-OR path). */
#include "searcher/cache.h"
#include "searcher/direct.h"
#include "searcher/eval.h"
#include "searcher/prune_or.h"
#include "searcher/run.h"
#include "searcher/score.h"

#include <stdlib.h>
#include <string.h>

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

/* Every unit the root matches in segment s, from the leaves' match lists. */
static gz_status score_lists(scorer *sc, size_t s, seg_eval *se, gz_buf *scratch)
{
    if (sr_or_plan(sc->plan, sc->o))
        return sr_score_or(sc, s, se);
    const q_plan *plan = sc->plan;
    size_t n_leaf = sc->n_leaf;
    const sr_segtab *t = &sc->ix->tab[s];
    ulist evaluated = {0};
    const ulist *res = &evaluated;
    gz_status st = sr_scorer_headings(sc, s, se);
    if (st != GZ_OK)
        return st;
    if (plan->root->type == Q_TEXT)
        res = &se->leaf[plan->root->leaf]; /* no copy of a lone word's list */
    else
        st = sr_eval(se, plan->root, &evaluated, scratch, sc->ix->an);
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
        sr_count_facets(sc->o, t, u, doc);
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
        double lift = sr_doc_add(sc->o, s, doc);
        if (sc->o->law && (lift <= 0 || sr_law_ranked(sc->o->law, s, u)))
            continue; /* offered already, or cannot enter (score.h) */
        sr_scorer_head(sc, u);
        st = sr_score_unit(sc, s, u, doc, am, add + sr_unit_add(sc->o, s, doc, u));
    }
    gz_free(cur);
    ul_fini(&evaluated);
    return st;
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
    if (sr_direct_plan(plan, o))
        return sr_run_direct(ix, plan, o, r);
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
    /* a question's law evidence (score.h): a first scoring of the same
     * matches ranks the best max(SR_LAW_UNITS, want) and counts them;
     * the second offers them again with what their documents add, and
     * scores only the other units of the documents lifted */
    scorer sc;
    run_law law = {0};
    run_opts second = *o;
    int by_law = st == GZ_OK && o->by_law && o->want && plan->root;
    if (by_law) {
        run_opts first = *o;
        first.want = o->want > SR_LAW_UNITS ? o->want : SR_LAW_UNITS;
        st = sr_scorer_init(&sc, ix, plan, &first, r, df);
        for (size_t s = 0; st == GZ_OK && s < n_ready; s++) {
            sr_scorer_segment_begin(&sc);
            st = score_lists(&sc, s, &se[s], &scratch);
            sr_scorer_segment_end(&sc);
        }
        int cut = st == GZ_LIMIT || n_ready < n_seg;
        st = sr_scorer_finish(&sc, st == GZ_LIMIT ? GZ_OK : st);
        if (st == GZ_OK && !cut)
            st = sr_law_init(&law, ix, r->hits, r->n_hits, first.want, plan, se);
        if (st != GZ_OK || cut) { /* the budget ran out: the first ranking */
            if (st == GZ_OK && r->n_hits > o->want) {
                qsort(r->hits, r->n_hits, sizeof *r->hits, sr_cmp_hit_score);
                r->n_hits = o->want;
            }
            r->partial |= cut;
            goto done;
        }
        second.law = &law;
        second.year_n = second.iss_n = second.kind_n = second.vstat_n = NULL;
        o = &second;
    }
    hit *ranked = by_law ? r->hits : NULL;
    size_t n_ranked = by_law ? r->n_hits : 0;
    gz_status st2 = sr_scorer_init(&sc, ix, plan, o, r, df);
    if (st == GZ_OK)
        st = st2;
    for (size_t i = 0; st == GZ_OK && i < n_ranked; i++) {
        hit h = ranked[i];
        h.score += sr_unit_add(o, h.seg, h.doc, h.unit);
        sr_heap_offer(sc.hits, &sc.n_hits, o->want, &h, o->cmp);
    }
    gz_free(ranked);
    if (by_law)
        r->total = 0; /* counted again */
    for (size_t s = 0; st == GZ_OK && plan->root && s < n_ready; s++) {
        sr_scorer_segment_begin(&sc);
        st = score_lists(&sc, s, &se[s], &scratch);
        sr_scorer_segment_end(&sc);
    }
    if (st == GZ_LIMIT) { /* every hit kept so far is a real match */
        r->partial = 1;
        st = GZ_OK;
    }
    st = sr_scorer_finish(&sc, st);
done:
    for (size_t s = 0; se && s < n_seg; s++) {
        for (size_t l = 0; se[s].leaf && l < n_leaf; l++)
            ul_fini(&se[s].leaf[l]);
        gz_free(se[s].leaf);
        sr_or_setup_free(se[s].or_setup);
    }
    gz_free(se);
    gz_free(df);
    gz_buf_fini(&scratch);
    sr_law_fini(&law, ix);
    return st;
}
