/* searcher/direct.h (private): the direct path of sr_run() for words that are
 * each one exact term: block-max and seeking cursors (direct.c). */
#ifndef GZ_SEARCHER_DIRECT_H
#define GZ_SEARCHER_DIRECT_H

#include "searcher/run.h"

/* The page by relevance of a word or an AND of words that are each one
 * exact term: then no match list is needed (totals and facets are counted
 * from the cursors). */
int sr_direct_plan(const q_plan *plan, const run_opts *o);
/* sr_run() for such a plan: terms looked up in every segment (their df
 * summed for the IDF), then each segment scored from its cursors. */
gz_status sr_run_direct(sr_index *ix, const q_plan *plan, const run_opts *o, run_out *r);

#endif
