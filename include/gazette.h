/* gazette.h: the public C API of Gazette, full-text search for government
 * bulletins. This header is the manual; docs/api.md gives the JSON and
 * HTTP answers built from the same structs.
 *
 * Introduction
 * ------------
 * An index is a directory written by gazette_index_paths() (or the
 * `gazette index` command). gazette_open() opens its last commit as a
 * handle; a handle answers searches (gazette_search), article lookups
 * (gazette_article) and pages of documents (gazette_document).
 *
 *     gazette_index *ix;
 *     gazette_error err;
 *     if (gazette_open("gazette-index", &ix, &err) != GAZETTE_OK)
 *         return fprintf(stderr, "%s\n", err.msg), 1;
 *     gazette_query q;
 *     gazette_query_init(&q);
 *     q.text = "职工代表大会";
 *     const gazette_page *page;
 *     if (gazette_search(ix, &q, &page, &err) == GAZETTE_OK)
 *         for (size_t i = 0; i < page->n_hits; i++)
 *             printf("%s %s\n", page->hits[i].id, page->hits[i].title);
 *     gazette_close(ix);
 *
 * docs/example/search.c is a complete program; build it against an
 * installed copy with `cc search.c $(pkg-config --cflags --libs gazette)`.
 *
 * Conventions
 * -----------
 * - Every call that can fail returns a gazette_status and, when err is not
 *   NULL, fills *err with the code and a message naming what failed and
 *   why (a file, an argument). err is never allocated; NULL is allowed.
 * - Handles are opened and closed (gazette_open/gazette_close); values the
 *   caller owns are initialised (gazette_query_init) and need no fini.
 * - Answers are BORROWED: the struct an answer call hands back, and every
 *   string and array it points to, belong to the handle and stay valid
 *   until the next call on that handle (any gazette_search, gazette_article
 *   or gazette_document) or gazette_close. Copy what must live longer.
 * - Strings are UTF-8 and NUL-terminated. Text taken from documents (a
 *   snippet, a page, an article) also has an explicit length, since a
 *   document may hold any bytes.
 * - Byte offsets (highlights, units, pages) count bytes of the document's
 *   stored text, as docs/api.md describes.
 * - A handle serves one thread at a time; open one handle per thread. An
 *   open handle is a snapshot: a later commit is seen by opening again.
 *
 * Names: every public symbol begins with gazette_ (types, functions) or
 * GAZETTE_ (constants). The shorter gz_ prefix is the library's internal
 * namespace (gz_buf, gz_segment ...): a distinct public prefix keeps an
 * embedder's names from meeting the internals, and shows at a glance which
 * calls are the stable surface.
 */
#ifndef GAZETTE_H
#define GAZETTE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------- version */

/* The library's version. CMake reads it from these lines (project VERSION,
 * gazette.pc); `gazette --version` prints it. */
#define GAZETTE_VERSION_MAJOR 0
#define GAZETTE_VERSION_MINOR 1
#define GAZETTE_VERSION_PATCH 0
#define GAZETTE_VERSION_NUMBER \
    (GAZETTE_VERSION_MAJOR * 10000 + GAZETTE_VERSION_MINOR * 100 + GAZETTE_VERSION_PATCH)
#define GAZETTE_STR_(x) #x
#define GAZETTE_STR(x) GAZETTE_STR_(x)
#define GAZETTE_VERSION_STRING \
    GAZETTE_STR(GAZETTE_VERSION_MAJOR) "." GAZETTE_STR(GAZETTE_VERSION_MINOR) "." GAZETTE_STR(GAZETTE_VERSION_PATCH)

/* The version of the library linked, "MAJOR.MINOR.PATCH": compare with
 * GAZETTE_VERSION_STRING to catch a header and a library that differ. */
const char *gazette_version(void);

/* --------------------------------------------------------------- errors */

typedef enum gazette_status {
    GAZETTE_OK = 0,
    GAZETTE_EOF,         /* nothing there (no index yet): not damage */
    GAZETTE_NOMEM,       /* out of memory */
    GAZETTE_IO,          /* a file or directory could not be read or written */
    GAZETTE_CORRUPT,     /* bad magic, checksum or structure in the index */
    GAZETTE_BAD_VERSION, /* an index of a format or analyzer this library does not read */
    GAZETTE_INVALID,     /* a bad argument: filter, page, id, path */
    GAZETTE_LIMIT,       /* a budget was spent (answers carry `partial` instead) */
} gazette_status;

/* What failed and why. code repeats the status returned; msg is always
 * NUL-terminated and names the file or argument and the reason. */
typedef struct gazette_error {
    gazette_status code;
    int sys_errno;  /* errno at the failure, 0 if none */
    int64_t offset; /* byte offset in the input the error is about, -1 if none */
    char msg[256];
} gazette_error;

/* A static name for a status: "ok", "out of memory" ... */
const char *gazette_status_str(gazette_status s);

/* -------------------------------------------------------------- handles */

typedef struct gazette_index gazette_index;

/* Opens the last commit of the index in dir. GAZETTE_IO when dir holds no
 * index, GAZETTE_BAD_VERSION when another format or analyzer built it,
 * GAZETTE_CORRUPT when its files are damaged (gazette_check names them).
 * On failure *out is NULL. */
gazette_status gazette_open(const char *dir, gazette_index **out, gazette_error *err);

/* Closes ix and frees every answer borrowed from it. NULL is allowed. */
void gazette_close(gazette_index *ix);

/* --------------------------------------------------------------- search */

typedef enum gazette_by {
    GAZETTE_BY_UNIT = 0,  /* one hit per matching unit (article, section) */
    GAZETTE_BY_DOCUMENT,  /* one hit per document: its best unit, and more */
} gazette_by;

typedef enum gazette_sort {
    GAZETTE_SORT_SCORE = 0, /* best first */
    GAZETTE_SORT_DATE,      /* newest first */
} gazette_sort;

/* A search request. Call gazette_query_init, then set what you need. The
 * filters join the query as conditions whatever the text says (an OR in
 * the text cannot widen them); NULL or "" is no filter. Values as in
 * docs/query.md: year "2007"; date "2023-01-01..2023-12-31", "2023-12",
 * "2023"; kind "article"; issuer "伊政发" (a 文号's issuer code, or a body
 * the document names). */
typedef struct gazette_query {
    const char *text;     /* the query as a person types it (docs/query.md) */
    size_t n;             /* hits on the page; 0: 10 */
    size_t offset;        /* hits skipped; offset + n <= GAZETTE_MAX_RANK */
    gazette_by by;
    gazette_sort sort;
    const char *year, *issuer, *kind, *date;
    /* 1: every version of a law gets its hits (by default a work's
     * historical versions are left out and counted on the current one's
     * hit, `versions`); 1: every hit of a document (by default at most two
     * a page, the rest counted in `more_in_document`). */
    int all_versions;
    int all_in_document;
    /* The budget (docs/reliability.md): units of work, bytes above the
     * thread's start, CPU milliseconds. Past any of them the answer is
     * partial. 0 for work or memory: the defaults; 0 cpu_ms: no time
     * limit (gazette_query_init sets GAZETTE_DEFAULT_CPU_MS). */
    uint64_t max_work;
    size_t max_memory;
    uint32_t max_cpu_ms;
} gazette_query;

#define GAZETTE_MAX_RANK 10000      /* hits past this rank are not kept */
#define GAZETTE_COUNT_EXACT 10000   /* matches counted one by one up to about this many (total_estimated) */
#define GAZETTE_DEFAULT_CPU_MS 100u /* the CLI's and the server's time budget */

/* Sets every field to its default: no text, 10 hits, by unit, by score, no
 * filter, the default budget. */
void gazette_query_init(gazette_query *q);

/* A unit of a document: an article, a section, a paragraph ... */
typedef struct gazette_unit {
    const char *id;    /* "SEG-DOC-UNIT": gazette_document's `unit` */
    const char *kind;  /* "article", "chapter" ... (docs/api.md) */
    int number;        /* an article's number (第四十六条: 46); -1: none */
    unsigned sub;      /* 第十条之一: 1; 0: none */
    const char *label; /* as printed: "第四十六条" */
    const char *path;  /* where it sits: "title / 第七章 管理监督" */
    uint32_t start, end; /* its bytes in the document's stored text */
    /* the pages (from 1) of its first and last characters in a paged
     * source (a PDF); 0: unknown (text, HTML, Word) */
    uint32_t page, page_end;
} gazette_unit;

/* A byte range [start, end). */
typedef struct gazette_range {
    uint32_t start, end;
} gazette_range;

/* What identifies a document in every answer. */
typedef struct gazette_doc_ref {
    const char *id;     /* lasting id ("d" + 16 hex digits + "-" + n): links */
    const char *at;     /* "SEG-DOC": its place in this snapshot */
    const char *title;
    const char *docno;  /* the 文号 as printed; NULL: none */
    const char *date;   /* "YYYY-MM-DD"; NULL: none */
    const char *source; /* its file, relative to the folder indexed */
    /* A law's version (docs/api.md): the date of the last amendment its
     * text includes, "YYYY-MM-DD", and its standing among the versions of
     * its work: "current" (现行有效), "historical", "repealed" (a 废止
     * decision in the index names it), "amended" (a later 修改 decision
     * names it). NULL both for a document that is no version of a law. */
    const char *version_date;
    const char *status;
} gazette_doc_ref;

/* Another version of a hit's work. */
typedef struct gazette_version {
    const char *id;           /* the document's lasting id */
    const char *version_date; /* "YYYY-MM-DD"; NULL: undated */
    const char *status;
} gazette_work_version;

/* Where a cross-reference leads: an article of the index, and the part of
 * it named (docs/api.md, "refs"). */
typedef struct gazette_ref_target {
    const char *id;    /* the cited article's unit id ("SEG-DOC-UNIT") */
    const char *doc;   /* its document's lasting id, for links */
    const char *label; /* 第十七条, 第十七条第二款, 第五条第一款、第二款 */
    const char *title; /* the work it belongs to */
} gazette_ref_target;

/* A cross-reference inside a text, resolved: 本法第十七条, 前款, 本条第二款,
 * 《中华人民共和国民法典》第一千零四十二条 ... start and end are bytes of
 * the text the answer carries it with: a hit's snippet, an article's text,
 * a document page's text. A reference that names nothing in the index has
 * no entry. */
typedef struct gazette_ref {
    uint32_t start, end;
    const char *kind; /* "same_work", "named_work", "same_article", "prev_clause", "prev_article" */
    gazette_ref_target target;
} gazette_ref;

typedef struct gazette_hit {
    gazette_doc_ref doc;
    const char *issue;    /* the bulletin issue; NULL: none */
    double score;
    const char *snippet;  /* about 160 characters around the first match */
    size_t snippet_len;
    uint32_t snippet_start; /* the snippet's offset in the document's text */
    const gazette_range *highlights; /* matches, as bytes of snippet */
    size_t n_highlights;
    const gazette_ref *refs; /* cross-references, as bytes of snippet */
    size_t n_refs;
    gazette_unit unit;    /* the unit that matched */
    /* GAZETTE_BY_DOCUMENT only: the document's matching units and up to
     * two more of its best (by unit: 0 and none) */
    uint32_t units_matched;
    const gazette_unit *more_units;
    size_t n_more_units;
    /* The other versions of the hit's work (newest first) when its
     * historical versions are left out: "另有N个历史版本". */
    const gazette_work_version *versions;
    size_t n_versions;
    /* The document's further matching units left off the page after its
     * first two hits (0 with all_in_document): "该文件另有N处匹配". */
    size_t more_in_document;
} gazette_hit;

typedef struct gazette_facet_value {
    const char *value;
    size_t count;
} gazette_facet_value;

/* The values with the most matches (at most 50), most first. */
typedef struct gazette_facet {
    const gazette_facet_value *v;
    size_t n;
} gazette_facet;

/* How the query was read, for people: mode's code, a Chinese sentence, and
 * the thesaurus words added ("老公→配偶"). */
typedef struct gazette_reading {
    const char *code;
    const char *text;
    const char *const *expanded;
    size_t n_expanded;
} gazette_reading;

/* What to try when nothing matched as typed. */
typedef struct gazette_hint {
    const char *const *did_you_mean; /* spellings that match */
    size_t n_did_you_mean;
    const char *const *drop;         /* keywords no unit holds */
    size_t n_drop;
    const char *text;                /* the same, in Chinese */
} gazette_hint;

/* A page of hits. */
typedef struct gazette_page {
    const char *query;   /* the query text as given */
    const char *read_as; /* the query as understood (docs/query.md) */
    const char *mode;    /* "keywords", "words", "question", "reference", "any-word" */
    gazette_reading reading;
    const gazette_hint *hint; /* NULL unless nothing matched as typed and there is advice */
    gazette_by by;
    const char *const *notes; /* how odd syntax was read; in English */
    size_t n_notes;
    size_t total;        /* matching units (by document: documents) */
    /* 1: total is an estimate (约N条): past GAZETTE_COUNT_EXACT postings
     * of the word that drives a word or an AND of words, the matches of a
     * sample of its postings spread over the index are counted, and the
     * total is their count over the sample's share (docs/query.md,
     * "Totals"); 0: every match was counted. */
    int total_estimated;
    /* 1: the facets' counts are estimates, from the same sample, scaled
     * to the whole (the values listed are those the sample met). */
    int facets_estimated;
    int partial;         /* 1: a budget ran out or the query was cut */
    const char *limit;   /* when partial: "work", "memory", "time" or "query"; else NULL */
    const gazette_hit *hits;
    size_t n_hits;
    gazette_facet year, issuer, kind; /* over every match, not only the page */
    gazette_facet validity; /* 时效: "现行" (current), "历史" (other versions) */
} gazette_page;

/* Runs q against ix and points *out at the page (borrowed: see
 * Conventions). A query never fails on what a person types: odd syntax is
 * searched as text and noted; a query past its budget answers what it
 * found with partial set. GAZETTE_INVALID (err names it) for a bad filter
 * value or a page past GAZETTE_MAX_RANK. */
gazette_status gazette_search(gazette_index *ix, const gazette_query *q, const gazette_page **out,
                              gazette_error *err);

/* -------------------------------------------------------------- article */

/* One article a reference may mean. */
typedef struct gazette_article_match {
    const char *title;   /* the regulation's title */
    gazette_doc_ref doc; /* its version_date tells the versions apart */
    gazette_unit unit;
    const char *first_line; /* the article's first line */
} gazette_article_match;

/* A unit citing an article (gazette_article_cited_by). */
typedef struct gazette_citation {
    const char *title;    /* the citing work */
    gazette_doc_ref doc;
    gazette_unit unit;    /* the citing unit */
    const char *snippet;  /* the reference with some text around it */
    size_t snippet_len;
    gazette_range ref;    /* the reference, as bytes of snippet */
} gazette_citation;

/* The answer to a reference such as 《title》第四十六条, 公司法第17条,
 * 公司法第十七条@2018-10-26 or 劳动合同法第三十九条第一款 (docs/query.md).
 * found 1: the work the name names best (common/law.h's name rules) has
 * the article: in its current version, or the version in force on the
 * date given (as_of). title, source, doc, unit and its text; for a 款 or
 * 项, has_clause and clause: its bytes inside text, and its label.
 * found 0: candidates (two works that match as well, or none), total
 * counting them all (at most 50 are listed); note says why when the
 * reference cannot be read. */
typedef struct gazette_article {
    int found;
    const char *title, *source;
    gazette_doc_ref doc;
    gazette_unit unit;
    const char *text;    /* NULL when the stored text could not be read */
    size_t text_len;
    const gazette_article_match *candidates;
    size_t n_candidates, total;
    const char *note;    /* NULL unless the reference is not one */
    const gazette_ref *refs; /* found: the cross-references in text, as bytes of text */
    size_t n_refs;
    /* gazette_article_cited_by only (cited_by_asked 1): the units citing the
     * article, its own work's first; partial 1 when the budget cut the
     * search (the list holds what was confirmed) */
    int cited_by_asked, cited_by_partial;
    const gazette_citation *cited_by;
    size_t n_cited_by;
    int has_clause;
    gazette_range clause; /* the 款/项 asked for, as bytes of text */
    const char *clause_label; /* "第一款", "第一款第（二）项" */
    uint32_t as_of;      /* the date asked for (yyyymmdd), 0: the current version */
} gazette_article;

gazette_status gazette_article_lookup(gazette_index *ix, const char *ref, const gazette_article **out,
                                      gazette_error *err);
/* The same lookup, and when one article is found, the units that cite it
 * (本法第X条 in its own work, 《title》第X条 and short names from others),
 * found through the index within the default query budget (docs/query.md). */
gazette_status gazette_article_cited_by(gazette_index *ix, const char *ref, const gazette_article **out,
                                        gazette_error *err);

/* ------------------------------------------------------------- document */

/* Pages of a document are at most this many bytes of its text. */
#define GAZETTE_DOC_PAGE (256u << 10)

/* A page of a document: bytes [text_start, text_end) of its text of
 * text_len bytes, starting at a character and ending at a unit's end when
 * the text goes on. next and prev are the `from` of the neighbouring
 * pages; -1 at the ends. units are those the page overlaps. */
typedef struct gazette_document {
    gazette_doc_ref doc;
    const char *issue;   /* "" when none */
    const char *text;    /* text_end - text_start bytes, NUL-terminated */
    uint32_t text_start, text_end, text_len;
    int64_t next, prev;
    const gazette_unit *units;
    size_t n_units;
    /* every version of the document's work, this one included, newest
     * first; none when it has no other version */
    const gazette_work_version *versions;
    size_t n_versions;
    const char *moved_from; /* the id asked, a "SEG-DOC" of a segment a merge
                               retired, when that is how it was found; else NULL */
    const gazette_ref *refs; /* cross-references, as bytes of text */
    size_t n_refs;
} gazette_document;

/* Fetches the page of document id (a hit's doc.id or doc.at) that starts
 * at byte from, or at the start of unit (an id "SEG-DOC-UNIT" of this
 * document) when unit is not NULL. A doc.at or unit id of a segment that a
 * merge retired in the last 30 days still names its document (then
 * moved_from is set). GAZETTE_INVALID for an unknown id. */
gazette_status gazette_document_page(gazette_index *ix, const char *id, uint64_t from, const char *unit,
                                     const gazette_document **out, gazette_error *err);

/* ----------------------------------------------------------------- JSON */

/* The JSON of an answer, exactly as `gazette search|article|show --json`
 * and the server's /api/ give it (docs/api.md): one object, UTF-8, *len
 * bytes, NUL-terminated. The text belongs to ix and lives until the next
 * JSON call on it or gazette_close; it does not end the answer's life. */
gazette_status gazette_page_json(gazette_index *ix, const gazette_page *page, const char **json, size_t *len,
                                 gazette_error *err);
gazette_status gazette_article_json(gazette_index *ix, const gazette_article *article, const char **json,
                                    size_t *len, gazette_error *err);
gazette_status gazette_document_json(gazette_index *ix, const gazette_document *doc, const char **json,
                                     size_t *len, gazette_error *err);

/* -------------------------------------------------------------- writing */

/* Progress of gazette_index_paths, called from the calling thread about
 * five times a second while files are read: files done of files, and the
 * bytes read so far. */
typedef void (*gazette_progress_fn)(size_t done, size_t files, uint64_t bytes, void *arg);

typedef struct gazette_index_options {
    size_t ram_mb;     /* memory for in-memory segments; 0: the default */
    int threads;       /* workers; 0: the number of cores */
    int prune;         /* remove documents whose files are gone */
    gazette_progress_fn progress; /* NULL: none */
    void *progress_arg;
} gazette_index_options;

/* What a run did. */
typedef struct gazette_index_report {
    size_t files, indexed, unchanged, refused, removed;
    size_t docs_added, segments_written;
    uint64_t bytes_read;
    double seconds;
    int committed;       /* 1 if a commit was made */
    uint64_t generation; /* the commit's number */
} gazette_index_report;

/* Indexes the files under paths (files or folders) into dir, creating it,
 * and commits once: only new and changed files are read. A file that
 * cannot be read is named on stderr and skipped. An error when nothing was
 * committed: another writer holds the lock, a path is missing, the disk is
 * full, the last commit is damaged (GAZETTE_CORRUPT naming the file).
 * o and rep may be NULL. */
gazette_status gazette_index_paths(const char *dir, const char *const *paths, size_t n_paths,
                                   const gazette_index_options *o, gazette_index_report *rep, gazette_error *err);

/* ------------------------------------------------------------ inspection */

/* Verifies every checksum and structural invariant of dir's last commit.
 * GAZETTE_OK when sound; otherwise err names the first damaged file. */
gazette_status gazette_check(const char *dir, gazette_error *err);

/* What an index holds. */
typedef struct gazette_stats {
    uint64_t generation; /* the last commit */
    size_t segments;
    uint64_t documents;  /* live documents */
    uint64_t units;      /* units (articles, sections ...) of the segments */
    uint64_t positions;  /* tokens indexed */
    uint64_t bytes;      /* the segment files' size */
} gazette_stats;

gazette_status gazette_stats_read(const char *dir, gazette_stats *out, gazette_error *err);

#ifdef __cplusplus
}
#endif

#endif
