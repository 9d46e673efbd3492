/* searcher/testing.h: hooks for tests and benchmarks, not part of any
 * public header. */
#ifndef GZ_SEARCHER_TESTING_H
#define GZ_SEARCHER_TESTING_H

#include "searcher/searcher.h"

/* Every unit matching query, read as keywords (no question fallback), as
 * (segment id << 32 | unit) in no particular order; *ids is freed with
 * gz_free. For tests and tools that compare match sets. */
gz_status sr_search_ids(sr_index *ix, const char *query, uint64_t **ids, size_t *n, gz_error *err);

/* The cross-references of text[0, len), bytes [base, base + len) of
 * document doc of the snapshot's segment s (by index), resolved as answers
 * resolve them (refs.c), into *out in a. For the benchmark of the share
 * resolved and its cost. */
void sr_refs_doc(sr_index *ix, size_t s, uint32_t doc, const char *text, size_t len, uint32_t base, sr_arena *a,
                 const gazette_ref **out, size_t *n);

/* How many snapshots sr_index_open has opened in this process (a share
 * opens none). For the server's test that one commit is opened once. */
uint64_t sr_index_opens(void);

#endif
