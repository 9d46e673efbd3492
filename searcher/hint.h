/* searcher/hint.h (private): suggestions for a query that matched nothing
 * (hint.c). */
#ifndef GZ_SEARCHER_HINT_H
#define GZ_SEARCHER_HINT_H

#include "searcher/index.h"

/* For a query that matched nothing as typed: appends
 * ,"hint":{"did_you_mean":[...],"drop":[...],"text":"您是不是要找：…"} to out
 * when there is something to suggest (hint.c), else nothing. */
gz_status sr_hint_json(sr_index *ix, const char *query, gz_buf *out);

#endif
