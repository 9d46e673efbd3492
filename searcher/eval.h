/* searcher/eval.h (private): evaluating a parsed query over one segment's
 * match lists (eval.c). */
#ifndef GZ_SEARCHER_EVAL_H
#define GZ_SEARCHER_EVAL_H

#include "searcher/match.h"

/* One segment's part of a run: its deleted documents and each leaf's
 * match list. */
typedef struct seg_eval {
    const gz_segment *seg;
    const uint8_t *deleted;
    ulist *leaf; /* per leaf */
    struct or_setup *or_setup; /* kept between two scorings (prune_or.h) */
} seg_eval;

/* Evaluates n over one segment into out (sorted units). */
gz_status sr_eval(const seg_eval *se, const q_node *n, ulist *out, gz_buf *scratch, an_analyzer *an);

#endif
