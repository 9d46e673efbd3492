/* searcher/searcher.h: the one public header of gz_searcher. Opens the last
 * commit of an index (through format/, never the indexer), parses queries
 * (docs/query.md), matches and ranks units, builds snippets, facets,
 * article and 文号 lookups, into the answer structs of include/gazette.h,
 * and writes their JSON (json.c), which the CLI and the server return.
 * Called by cli/, server/ and api/. */
#ifndef GZ_SEARCHER_SEARCHER_H
#define GZ_SEARCHER_SEARCHER_H

#include "common/common.h"
#include "include/gazette.h"

typedef struct sr_index sr_index;

/* Opens DIR's last commit and an analyzer; refuses (GZ_VERSION) an index
 * built by another analyzer. The index is a snapshot: later commits are
 * seen by opening it again (the server's pool does so when MANIFEST
 * changes). One sr_index may serve one thread at a time. */
gz_status sr_index_open(const char *dir, sr_index **out, gz_error *err);
void sr_index_close(sr_index *ix);

/* A searcher of the last commit of prev's index, taking from prev the
 * segments both commits name, already verified (a nightly commit to a
 * large index verifies its new segments only). prev is only read. */
gz_status sr_index_reopen(const sr_index *prev, sr_index **out, gz_error *err);

/* Another searcher of ix's snapshot, for another thread: it shares ix's
 * segments and every table read from them (the first share builds the
 * tables kept for later use, the articles by number and the stable ids,
 * so that nothing shared changes afterwards), and has its own analyzer,
 * stored-text context and an empty match-list cache of `cache_bytes`.
 * The snapshot stays open until the last of ix and its shares is closed,
 * in any order. Not to be called while another thread uses ix. */
gz_status sr_index_share(sr_index *ix, size_t cache_bytes, sr_index **out, gz_error *err);
/* The match lists of costly words (phrases, prefixes) are kept per index,
 * up to 32 MiB by default, so a word that recurs (the next page of the same
 * query, a common word in another) is matched once. bytes 0 turns the
 * cache off (benchmarks measuring queries seen for the first time). */
gz_status sr_index_cache(sr_index *ix, size_t bytes);

/* Generation of the snapshot, and of the MANIFEST on disk now (0 if none). */
uint64_t sr_index_generation(const sr_index *ix);
uint64_t sr_index_disk_generation(const char *dir);

typedef enum sr_unit_mode { SR_BY_UNIT = 0, SR_BY_DOCUMENT } sr_unit_mode;
typedef enum sr_sort { SR_SORT_SCORE = 0, SR_SORT_DATE } sr_sort;

/* Filters given apart from the query text (the page's and the API's year,
 * issuer, kind, date parameters, the CLI's --year ...). They join the plan
 * as conjunctive filters, whatever the query text holds (an OR in it
 * cannot widen them). NULL or "" : no filter. Values as in docs/query.md:
 * year 2007; date 2023-01-01..2023-12-31, 2023-12 or 2023; kind article;
 * issuer 伊政发 (the 文号's issuer code, or a body the document names). */
typedef struct sr_filters {
    const char *year, *issuer, *kind, *date;
} sr_filters;

/* Checks each filter's value: GZ_OK, or GZ_INVALID with err naming the
 * filter and the reason. sr_search_json and sr_search_top check too. */
gz_status sr_filters_check(const sr_filters *f, gz_error *err);

/* A query's budget (docs/reliability.md): units of work (postings,
 * positions and units read), bytes the request may hold above what its
 * thread held at its start, and CPU time. Past any of them the search
 * stops and its answer is partial ("partial": true): what was found is
 * right, but not everything was looked at. Zero work or memory take the
 * defaults; zero cpu_ms is no time limit (the server and the CLI give
 * SR_DEFAULT_CPU_MS: time depends on the machine, work and memory do not,
 * so only they make answers reproducible). */
typedef struct sr_limits {
    uint64_t work;
    size_t memory;
    uint32_t cpu_ms;
} sr_limits;
#define SR_DEFAULT_WORK (40u * 1000 * 1000)
#define SR_DEFAULT_MEMORY ((size_t)48 << 20)
#define SR_DEFAULT_CPU_MS 100u
/* A query is read up to this many bytes and this many words and filters
 * (repeated ones count once); the rest is left out, noted, and the
 * answer is partial. */
#define SR_MAX_QUERY_TEXT 4096
#define SR_MAX_WORDS 32
/* offset + n beyond this is refused (GZ_INVALID): deep pages are not kept */
#define SR_MAX_RANK 10000
/* Matches are counted one by one (total, facets) while the word that
 * drives a word or an AND of words has at most this many postings; past
 * it, a pruned search counts those of a sample of its blocks spread over
 * the index and the total and facets are estimates (docs/query.md,
 * "Totals"); an exhaustive one counts every match. */
#define SR_COUNT_EXACT GAZETTE_COUNT_EXACT

typedef struct sr_request {
    const char *query;
    size_t n, offset;  /* page */
    sr_unit_mode unit;
    sr_sort sort;
    int exhaustive;    /* score every match (no pruning): the reference */
    int all_versions;  /* hits of a law's historical versions too */
    int all_in_document; /* every hit of a document, not two a page */
    sr_filters filters;
    sr_limits limits;
} sr_request;

/* The memory of answers (include/gazette.h's structs): strings and arrays
 * that live until the arena is reset, which the next call on a
 * gazette_index does. An allocation that fails sets failed (the answer
 * calls then return GZ_NOMEM). */
typedef struct sr_arena {
    struct sr_block *head;
    int failed;
} sr_arena;
void sr_arena_init(sr_arena *a);
void *sr_arena_alloc(sr_arena *a, size_t len);
void sr_arena_reset(sr_arena *a); /* frees every answer built in a */
void sr_arena_fini(sr_arena *a);

/* Runs a search and fills *out, its strings and arrays in a (a is not
 * reset: the caller does). Everything sr_search_json says of the answer
 * holds; the structs are documented in include/gazette.h. */
gz_status sr_search(sr_index *ix, const sr_request *rq, sr_arena *a, gazette_page *out, gz_error *err);
/* The article lookup and a document's page as structs (sr_article_json and
 * sr_show_json say what they hold). */
gz_status sr_article(sr_index *ix, const char *ref, sr_arena *a, gazette_article *out, gz_error *err);
gz_status sr_show(sr_index *ix, const char *id, uint64_t from, const char *unit, sr_arena *a, gazette_document *out,
                  gz_error *err);
/* sr_article, and when it finds one article, the units citing it
 * (cited_by in *out): its own work's, read from its document, and other
 * works', found through the index (its label and its work's name, at most
 * 2,000 matches) and each confirmed by resolving its references as an
 * answer shows them; at most 200 are listed. Runs within lim (NULL or
 * zeros: the defaults); cited_by_partial says the budget or the list's
 * size cut it (refs.c). */
gz_status sr_article_cited_by(sr_index *ix, const char *ref, const sr_limits *lim, sr_arena *a,
                              gazette_article *out, gz_error *err);

/* The JSON of each answer (docs/api.md), the one writer the CLI and the
 * server share: one object appended to out. */
void sr_page_json(const gazette_page *p, gz_buf *out);
void sr_article_answer_json(const gazette_article *a, gz_buf *out);
void sr_document_json(const gazette_document *d, gz_buf *out);

/* sr_search then sr_page_json: the answer as one JSON object in out:
 * {"query", "read_as", "notes", "mode", "total", "partial", "hits": [...],
 * "facets"} (docs/query.md and docs/api.md give every field). A query
 * never fails on what a person types: odd syntax is searched as text and
 * noted; a query past its budget answers what it found, "partial": true.
 * GZ_INVALID (err names it) for a bad filter or a page past SR_MAX_RANK. */
gz_status sr_search_json(sr_index *ix, const sr_request *rq, gz_buf *out, gz_error *err);

/* The ranked page of rq's query without the JSON: the same hits, in the
 * same order and with the same scores as sr_search_json by unit (read the
 * same way: question, keywords, any word), and the number of live matching
 * units. bounded counts the units whose own bound was taken (the cheap
 * parts of their score), scored those scored in full: with pruning, those
 * whose bound could enter the page. Free with sr_top_fini. */
typedef struct sr_ranked {
    uint64_t id; /* segment id << 32 | unit */
    double score;
} sr_ranked;
typedef struct sr_top {
    sr_ranked *hit;
    size_t n, total, bounded, scored;
    int total_estimated;    /* total is an estimate (SR_COUNT_EXACT) */
    size_t blocks, skipped; /* block-max: postings blocks bounded, skipped */
    int partial;            /* the budget was spent, or the query cut */
    uint64_t work;          /* units of work spent (sr_limits) */
    size_t peak_bytes;      /* the most the search held above its start */
} sr_top;
gz_status sr_search_top(sr_index *ix, const sr_request *rq, sr_top *top, gz_error *err);
void sr_top_fini(sr_top *top);

/* Article lookup: 《title》第四十六条, title 第46条, 第十条之一 ...
 * Writes {"title","source","unit","text","document"} when one article
 * matches, {"candidates": [...]} when several do (*ambiguous = 1), or
 * {"candidates": []} when none does. */
gz_status sr_article_json(sr_index *ix, const char *ref, gz_buf *out, int *ambiguous, gz_error *err);

/* A document by id ("SEG-DOC", as hits give it), a page at a time, so a
 * document of any size costs a page of memory: {"document", "issue",
 * "text", "text_start", "text_end", "text_len", "next", "prev", "units"}.
 * The page's text is bytes [text_start, text_end) of the document: from
 * byte `from` (or from the start of `unit`, an id "SEG-DOC-UNIT" of this
 * document, when given), at most SR_DOC_PAGE bytes, ending at the last
 * unit end inside it when the text goes on, on character boundaries;
 * "next" and "prev" are the `from` of the pages after and before (null at
 * the ends); "units" are those the page overlaps, with offsets in the
 * whole text. GZ_INVALID for an unknown id. */
#define SR_DOC_PAGE (256u << 10)

/* The file document id was read from, opened read-only in *fd (the caller
 * closes it), its absolute path in *name (valid while ix is open): only
 * the source the MANIFEST lists for that document, and only while the
 * path it resolves to, every folder and link followed, is the path that
 * was indexed. GZ_INVALID for an id of no document or of a document
 * without a file, or a file replaced by a link; GZ_IO when it cannot be
 * opened. */
gz_status sr_source_open(sr_index *ix, const char *id, int *fd, const char **name, gz_error *err);
gz_status sr_show_json(sr_index *ix, const char *id, uint64_t from, const char *unit, gz_buf *out, gz_error *err);

/* Ids for links (docid.c): a document's lasting id is at most
 * SR_LINK_MAX bytes with its NUL, a unit's id SR_UNIT_ID_MAX. For a link
 * to redirect: when id, or the unit id uid (NULL or "" for none), names a
 * segment a merge retired and both resolve, 1 with the document's lasting
 * id in to_id and the unit's id now in to_unit ("" without uid); else 0. */
#define SR_LINK_MAX 40
#define SR_UNIT_ID_MAX 36
int sr_doc_moved(sr_index *ix, const char *id, const char *uid, char *to_id, char *to_unit);

/* A version's status code ("current", "historical", "repealed",
 * "amended": docs/api.md) in Chinese for people (现行有效, 历史版本, 已废止,
 * 已被修改); any other string as it is, NULL as "". */
const char *sr_status_zh(const char *code);

#endif
