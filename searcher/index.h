/* searcher/index.h (private): the body of sr_index and the matching
 * primitives shared by eval.c and output.c. */
#ifndef GZ_SEARCHER_INDEX_H
#define GZ_SEARCHER_INDEX_H

#include "searcher/query.h"

#include <sys/types.h>

typedef struct sr_article_ref {
    uint32_t number, sub, seg, unit;
} sr_article_ref;

struct sr_index {
    char *dir;
    gz_snapshot *snap;
    an_analyzer *an;
    double avg_len;   /* positions per unit */
    uint64_t n_units; /* live and deleted: BM25's N */
    gz_textctx *tctx; /* stored-text decompression */
    /* facets, per segment and document: year and issuer id */
    uint16_t **doc_year, **doc_issuer;
    char **issuers;   /* issuer id -> code; id 0 is "" */
    size_t n_issuers;
    sr_article_ref *articles; /* every article unit, by (number, sub) */
    size_t n_articles, cap_articles;
};

/* Units of one segment with a count each, sorted by unit. */
typedef struct ulist {
    uint32_t *unit, *tf;
    size_t n, cap;
} ulist;

void ul_fini(ulist *l);
gz_status ul_push(ulist *l, uint32_t unit, uint32_t tf);
/* Index of unit in l, or -1. */
ssize_t ul_find(const ulist *l, uint32_t unit);

/* Matches a leaf in one segment: the units holding it and how often. */
gz_status sr_match_leaf(const gz_segment *seg, const q_leaf *leaf, ulist *out);

/* One occurrence found in a unit's own tokens (for highlights). */
typedef struct occ {
    uint32_t start, end; /* bytes in the unit's text */
} occ;
/* Finds the leaf's occurrences in tokens t[0..n) of a unit's text. */
size_t sr_leaf_occurrences(const q_leaf *leaf, const char *text, const an_token *t, size_t n, occ *out,
                           size_t cap);

#endif
