/* searcher/match.h (private): matching a query leaf in one segment (match.c):
 * its units as sorted lists, its occurrences' starts, its highlights. */
#ifndef GZ_SEARCHER_MATCH_H
#define GZ_SEARCHER_MATCH_H

#include "searcher/budget.h"
#include "searcher/query.h"

/* Units of one segment with a count each, sorted by unit. */
typedef struct ulist {
    uint32_t *unit, *tf;
    size_t n, cap;
} ulist;

void ul_fini(ulist *l);
/* Room for n units in all. */
gz_status ul_reserve(ulist *l, size_t n);
/* Appends, spending one unit of the query's budget: GZ_LIMIT (after
 * appending) once it is spent. */
static inline gz_status ul_push(ulist *l, uint32_t unit, uint32_t tf)
{
    if (l->n == l->cap && ul_reserve(l, l->n + 1) != GZ_OK)
        return GZ_NOMEM;
    l->unit[l->n] = unit;
    l->tf[l->n] = tf;
    l->n++;
    return sr_spend(1);
}
/* Index of the first unit >= unit in l (l->n if none). */
size_t ul_lower(const ulist *l, uint32_t unit);
/* The same at or after index from, galloping: for units asked in rising
 * order, most of them near. */
size_t ul_gallop(const ulist *l, size_t from, uint32_t unit);

/* Matches a leaf in one segment: the units holding it and how often. */
gz_status sr_match_leaf(const gz_segment *seg, const q_leaf *leaf, ulist *out);

/* A leaf's cursors in one segment, asked unit by unit (units never
 * decreasing) where its occurrences start: for proximity, which only the
 * few units that may enter the page need. */
typedef struct sr_matcher sr_matcher;
gz_status sr_matcher_open(const gz_segment *seg, const q_leaf *leaf, sr_matcher **out);
void sr_matcher_close(sr_matcher *m);
/* The sorted starts (positions) of the leaf's occurrences in unit u, valid
 * until the next call; none if u does not hold it. */
gz_status sr_matcher_starts(sr_matcher *m, uint32_t u, const uint32_t **starts, size_t *n);

/* One occurrence found in a unit's own tokens (for highlights). */
typedef struct occ {
    uint32_t start, end; /* bytes in the unit's text */
} occ;
/* Finds the leaf's occurrences in tokens t[0..n) of a unit's text. */
size_t sr_leaf_occurrences(const q_leaf *leaf, const char *text, const an_token *t, size_t n, occ *out,
                           size_t cap);

#endif
