/* searcher/index.h (private): the body of sr_index and the matching
 * primitives shared by match.c, rank.c, cache.c, search.c and article.c. */
#ifndef GZ_SEARCHER_INDEX_H
#define GZ_SEARCHER_INDEX_H

#include "searcher/budget.h"
#include "searcher/query.h"

#include <sys/types.h>

typedef struct sr_cache sr_cache;

typedef struct sr_article_ref {
    uint32_t number, sub, seg, unit;
} sr_article_ref;

/* One segment's tables, read once per snapshot into compact arrays, so
 * that walking every match (scores, totals, facets) touches a few bytes a
 * unit instead of its 40-byte record. */
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
};

/* ------------------------------------- stable document ids (docid.c) */

/* A document's id for links: "d" + 16 hex digits of the XXH3 of its
 * source path + "-" + its place among its source's documents. It survives
 * merges, optimize and re-indexing an unchanged file (none of them change
 * a source's path or its documents' order), where "SEG-DOC" does not. */
#define SR_LINK_MAX 40
void sr_doc_link(const sr_index *ix, size_t s, uint32_t doc, const gz_docinfo *di, char *out);
/* Finds the live document an id names: a stable id or a "SEG-DOC" of this
 * snapshot (1), or a "SEG-DOC" of a segment that left, through the
 * manifest's moved table (2); and (*s, *doc). 0 if none: an id of a
 * deleted document, of a file changed or gone since, names nothing. */
int sr_doc_find(sr_index *ix, const char *id, size_t *s, uint32_t *doc);
/* The unit a unit id "SEG-DOC-UNIT" names in document (s, doc): of this
 * snapshot (1) or of a segment that left (2), its number in segment s in
 * *unit; 0 if it is not one of the document's units. */
int sr_unit_find(sr_index *ix, const char *uid, size_t s, uint32_t doc, uint32_t *unit);
/* For a link to redirect: when id, or the unit id uid (NULL or "" for
 * none), names a segment that left and both resolve, 1 with the
 * document's stable id in to_id (SR_LINK_MAX bytes) and the unit's id now
 * in to_unit (SR_UNIT_ID_MAX bytes; "" without uid); else 0. */
#define SR_UNIT_ID_MAX 36
int sr_doc_moved(sr_index *ix, const char *id, const char *uid, char *to_id, char *to_unit);

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

/* The match lists of costly words, per segment of this snapshot, bounded
 * in bytes (cache.c). get copies an entry into out (1) or finds none (0);
 * a NULL cache holds nothing. */
#define SR_CACHE_BYTES (32u << 20)
sr_cache *sr_cache_new(size_t budget);
void sr_cache_free(sr_cache *c);
int sr_cache_get(sr_cache *c, size_t seg, const char *text, ulist *out);
void sr_cache_put(sr_cache *c, size_t seg, const char *text, const ulist *l);

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

/* ------------------------------------------- ranking (rank.c), for search.c */

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

typedef struct run_opts {
    size_t want;    /* keep only the best `want` (0: keep every hit) */
    int (*cmp)(const void *, const void *);
    int prune;      /* with want: skip units whose bound cannot enter the best */
    size_t *year_n, *iss_n, *kind_n; /* facet counters over every match, or NULL */
} run_opts;

typedef struct run_out {
    hit *hits;      /* every hit, or the best `want` in no order */
    size_t n_hits;
    size_t total;   /* live matching units */
    size_t scored;  /* units scored in full */
    size_t blocks, skipped; /* direct path: postings blocks met, skipped undecoded */
    int partial;    /* the budget ran out: hits and total are what was found */
} run_out;

/* A document's weight for questions, from its title: 1 for a national law
 * (中华人民共和国…) or a judicial interpretation (最高人民法院…), which a
 * question from the public asks about first; less for a local regulation
 * (the title begins with a place: 广东省, 深圳经济特区), and for the rest.
 * In (0, 1]. */
float sr_title_prior(const char *title);

/* Runs plan over every segment: matches (exhaustively where totals and
 * facets need every match), scores the live matching units and keeps the
 * best o->want (or all), counting the total and the facets. Past the
 * thread's budget (budget.h) it stops and sets r->partial: a segment whose
 * matching was cut is left out whole, so every hit is a real match. */
gz_status sr_run(sr_index *ix, const q_plan *plan, const run_opts *o, run_out *r);

/* An article reference typed in the search box (刑法第二百三十二条,
 * 《中华人民共和国刑法》第232条, 刑法 第232条: a title, then its label, and
 * nothing else)? Then 1, the articles it names as (snapshot segment index
 * << 32 | unit), exact titles first, into *ids (freed with gz_free), and
 * into cited the keywords finding the units that cite it (刑法 第232条).
 * 0 if the query is not one, or names no article (article.c). */
int sr_reference(sr_index *ix, const char *query, uint64_t **ids, size_t *n, char *cited, size_t cap);
/* Puts the units ids[0..n) (as sr_reference gives them) first in r's
 * hits, above every other, once each, keeping the best want (0: all);
 * the total counts them. */
gz_status sr_hits_first(sr_index *ix, run_out *r, const uint64_t *ids, size_t n, size_t want);

/* For a query that matched nothing as typed: what to suggest (hint.c), in
 * a; NULL when there is nothing to suggest. */
const gazette_hint *sr_hint(sr_index *ix, const char *query, sr_arena *a);

#endif
