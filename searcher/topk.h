/* searcher/topk.h (private): hits, their orders and the heap keeping the best
 * (topk.c). */
#ifndef GZ_SEARCHER_TOPK_H
#define GZ_SEARCHER_TOPK_H

#include <stddef.h>
#include <stdint.h>

/* A scored matching unit. */
typedef struct hit {
    double score;
    uint32_t seg, unit, doc, date;
    uint32_t more[2];   /* by document: its next best matching units, or UINT32_MAX */
    uint32_t n_in_doc;  /* by document: how many of its units match */
    uint32_t kind;      /* the unit's gz_kind, for the facets */
} hit;

/* Best first: score, then segment and unit (the earlier wins a tie). */
int sr_cmp_hit_score(const void *a, const void *b);
/* Latest document first, then by score. */
int sr_cmp_hit_date(const void *a, const void *b);
/* Keeps the `want` best of the hits offered in h[0..*k), a max-heap by cmp
 * with the worst on top. */
void sr_heap_offer(hit *h, size_t *k, size_t want, const hit *x, int (*cmp)(const void *, const void *));

#endif
