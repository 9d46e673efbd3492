/* searcher/testing.h: hooks for tests and benchmarks, not part of any
 * public header. */
#ifndef GZ_SEARCHER_TESTING_H
#define GZ_SEARCHER_TESTING_H

#include "searcher/searcher.h"

/* Every unit matching query, read as keywords (no question fallback), as
 * (segment id << 32 | unit) in no particular order; *ids is freed with
 * gz_free. For tests and tools that compare match sets. */
gz_status sr_search_ids(sr_index *ix, const char *query, uint64_t **ids, size_t *n, gz_error *err);

#endif
