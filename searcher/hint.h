/* searcher/hint.h (private): suggestions for a query that matched nothing
 * (hint.c). */
#ifndef GZ_SEARCHER_HINT_H
#define GZ_SEARCHER_HINT_H

#include "searcher/answer.h"
#include "searcher/index.h"

/* For a query that matched nothing as typed: what to suggest, in a; NULL
 * when there is nothing to suggest. */
const gazette_hint *sr_hint(sr_index *ix, const char *query, sr_arena *a);

#endif
