/* searcher/prune_or.h (private): an OR of words scored with MaxScore over
 * bitsets (prune_or.c). */
#ifndef GZ_SEARCHER_PRUNE_OR_H
#define GZ_SEARCHER_PRUNE_OR_H

#include "searcher/eval.h"
#include "searcher/score.h"

/* Does the plan's root take the pruned OR path? */
int sr_or_plan(const q_plan *plan, const run_opts *o);
/* Scores the units of segment s matching the OR of the leaves in se. */
gz_status sr_score_or(scorer *sc, size_t s, seg_eval *se);

#endif
