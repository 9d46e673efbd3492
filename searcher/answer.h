/* searcher/answer.h (private): building the answer structs of
 * include/gazette.h: the arena their strings live in, string lists, and the
 * parts every answer shares (a unit, a document's reference). Used by
 * search.c, article.c, hint.c, refs.c, versions.c and the query_*.c files. */
#ifndef GZ_SEARCHER_ANSWER_H
#define GZ_SEARCHER_ANSWER_H

#include "format/format.h"
#include "searcher/searcher.h"

/* A list of strings in a gz_buf, each followed by a NUL. */
/* Appends s unless the list holds it already. */
void sr_list_add(gz_buf *list, const char *s, size_t len);
/* The entries, 、-separated, appended to zh (Chinese text). */
void sr_list_zh(gz_buf *zh, const gz_buf *list);
/* The entries as an array in a; *n their number. */
const char *const *sr_list_array(sr_arena *a, const gz_buf *list, size_t *n);

/* A copy of s[0, len) in a, NUL-terminated ("" if out of memory: a->failed). */
const char *sr_arena_strn(sr_arena *a, const char *s, size_t len);
static inline const char *sr_arena_str(sr_arena *a, const char *s) { return sr_arena_strn(a, s, strlen(s)); }

/* Unit `unit` of segment s (ui its record) as an answer's unit. */
void sr_unit_fill(sr_arena *a, const sr_index *ix, size_t s, uint32_t unit, const gz_unitinfo *ui, gazette_unit *out);
/* Document doc of segment s (di its record) as an answer's reference. */
void sr_doc_ref_fill(sr_arena *a, const sr_index *ix, size_t s, uint32_t doc, const gz_docinfo *di,
                     gazette_doc_ref *out);
/* yyyymmdd as "YYYY-MM-DD" in a; NULL for 0. */
const char *sr_date_str(sr_arena *a, uint32_t ymd);

#endif
