/* searcher/index.h (private): the body of sr_index and its per-segment tables,
 * shared by the .c files that read an open index. */
#ifndef GZ_SEARCHER_INDEX_H
#define GZ_SEARCHER_INDEX_H

#include "analysis/analysis.h"
#include "format/format.h"
#include "searcher/searcher.h"

typedef struct sr_cache sr_cache;

typedef struct sr_article_ref {
    uint32_t work, number, sub, seg, unit;
} sr_article_ref;

/* A version of a work: a document and its version date. */
typedef struct sr_version {
    uint32_t seg, doc, date;
} sr_version;

/* A work: what its versions' titles share (common/law.h), and its
 * versions, newest first, at sr_index.vers[first, first + n). */
typedef struct sr_work {
    char *key, *clean; /* gz_law_work_key, gz_law_title_clean of a title */
    uint32_t first, n;
} sr_work;

/* One segment's tables, read once per snapshot into compact arrays, so
 * that walking every match (scores, totals, facets) touches a few bytes a
 * unit, not the segment's unit records. */
typedef struct sr_segtab {
    /* per document */
    uint16_t *year, *issuer;         /* issuer: id into sr_index.issuers */
    uint32_t *date, *first_unit, *n_units;
    float *prior;                    /* sr_title_prior of the title */
    uint32_t *work;                  /* its work (versions.c), SR_NO_WORK: none */
    uint32_t *vdate;                 /* its version date, 0: none */
    uint8_t *vstat;                  /* SR_VS_* */
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
    sr_work *works;           /* every work (versions.c) */
    size_t n_works, cap_works;
    uint32_t *work_slot;      /* works by key: open addressing, index + 1 */
    size_t work_cap;
    sr_version *vers;         /* the versions of every work, by work */
    size_t n_vers;
    sr_article_ref *articles; /* every article unit, by (work, number, sub) */
    size_t n_articles, cap_articles;
    int articles_ready;       /* built at the first article lookup */
    struct sr_link *links;    /* live documents by stable id (docid.c), */
    size_t n_links;           /* built at the first stable id resolved */
    int cites_ready;          /* the priors hold the citations (cites.c) */
    int refs_busy;            /* refs.c is looking a named work's article up */
    /* the searchers sharing the fields above (sr_index_share), counted
     * once for each; NULL while ix shares with none. Each has its own
     * an, tctx, cache and refs_busy. */
    struct sr_shared *shared;
};

#endif
