/* searcher/index.h (private): the body of sr_index and its per-segment tables,
 * shared by the .c files that read an open index. */
#ifndef GZ_SEARCHER_INDEX_H
#define GZ_SEARCHER_INDEX_H

#include "analysis/analysis.h"
#include "format/format.h"
#include "searcher/searcher.h"

typedef struct sr_cache sr_cache;

typedef struct sr_article_ref {
    uint32_t number, sub, seg, unit;
} sr_article_ref;

/* One segment's tables, read once per snapshot into compact arrays, so
 * that walking every match (scores, totals, facets) touches a few bytes a
 * unit, not the segment's unit records. */
typedef struct sr_segtab {
    /* per document */
    uint16_t *year, *issuer;         /* issuer: id into sr_index.issuers */
    uint32_t *date, *first_unit, *n_units;
    float *prior;                    /* sr_title_prior of the title */
    /* per unit */
    uint32_t *doc, *len;             /* len: positions, at least 1 */
    uint8_t *kind;
} sr_segtab;

struct sr_index {
    char *dir;
    gz_snapshot *snap;
    an_analyzer *an;
    double avg_len;   /* positions per unit */
    uint64_t n_units; /* live and deleted: BM25's N */
    gz_textctx *tctx; /* stored-text decompression */
    sr_segtab *tab;   /* per segment */
    sr_cache *cache;  /* costly words' match lists (cache.c) */
    char **issuers;   /* issuer id -> code; id 0 is "" */
    size_t n_issuers;
    sr_article_ref *articles; /* every article unit, by (number, sub); */
    size_t n_articles, cap_articles;
    int articles_ready;       /* built at the first article lookup */
    /* normalised titles and paths, by the address of the string in the
     * mapping (open addressing; filled as article lookups meet them) */
    const char **norm_key;
    char **norm_val;
    size_t norm_n, norm_cap;
    struct sr_link *links;    /* live documents by stable id (docid.c), */
    size_t n_links;           /* built at the first stable id resolved */
    struct sr_works *works;   /* the works' keys (refs.c), built at the first reference */
    int refs_busy;            /* refs.c is looking a named work's article up */
};

#endif
