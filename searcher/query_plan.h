/* searcher/query_plan.h (private): planning the leaves of a parsed query
 * (query_plan.c). */
#ifndef GZ_SEARCHER_QUERY_PLAN_H
#define GZ_SEARCHER_QUERY_PLAN_H

#include "searcher/query.h"

/* Plans one leaf: its variants as elements, its words, its whole term. */
gz_status q_plan_leaf(an_analyzer *an, q_leaf *leaf);
/* Gives every Q_TEXT node under n a leaf of the plan (positive: not under
 * an odd number of NOTs); *st GZ_NOMEM if out of memory. */
void q_collect_leaves(q_plan *plan, q_node *n, int positive, gz_status *st);
/* Appends n as understood to p->read_as. */
void q_read_as(q_plan *p, const q_node *n);

#endif
