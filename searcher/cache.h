/* searcher/cache.h (private): the match lists of costly words (cache.c). */
#ifndef GZ_SEARCHER_CACHE_H
#define GZ_SEARCHER_CACHE_H

#include "searcher/match.h"

typedef struct sr_cache sr_cache;

/* The match lists of costly words, per segment of this snapshot, bounded
 * in bytes (cache.c). get copies an entry into out (1) or finds none (0);
 * a NULL cache holds nothing. */
#define SR_CACHE_BYTES (32u << 20)
sr_cache *sr_cache_open(size_t budget);
void sr_cache_close(sr_cache *c);
int sr_cache_get(sr_cache *c, size_t seg, const char *text, ulist *out);
void sr_cache_put(sr_cache *c, size_t seg, const char *text, const ulist *l);

#endif
