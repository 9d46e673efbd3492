/* searcher/prune_or.h (private): an OR of words scored with MaxScore over
 * bitsets (prune_or.c). */
#ifndef GZ_SEARCHER_PRUNE_OR_H
#define GZ_SEARCHER_PRUNE_OR_H

#include "searcher/eval.h"
#include "searcher/score.h"

/* Does the plan's root take the pruned OR path? */
int sr_or_plan(const q_plan *plan, const run_opts *o);
/* Scores the units of segment s matching the OR of the leaves in se. The
 * first scoring of a question's law evidence (run_opts.by_law, no law
 * yet) keeps its setup in se->or_setup for the second. */
gz_status sr_score_or(scorer *sc, size_t s, seg_eval *se);

/* What sr_score_or sets up for a segment before visiting units. */
typedef struct or_setup {
    size_t *by_most;      /* the leaves by their bound, weakest first */
    double *most, *qf;    /* per leaf its bound; per count of words the question factor */
    double *sum, *qfm;    /* with few words, per mask its bound and factor */
    uint64_t *bs, *any;   /* per leaf the bitset of its units (headings too); their union */
    uint32_t *title_mask; /* per document the words its title holds */
    double *titles, title_most;
    double *docf;            /* per document its question factor */
    double *docb, docb_most; /* and that times its prior: what bounds its units */
    uint64_t *head_bits;     /* the scorer's heading bits and first articles (score.h), kept with it */
    size_t n_bits;
    uint32_t *firsts;
    size_t *first_at;
} or_setup;
void sr_or_setup_free(or_setup *u);

#endif
