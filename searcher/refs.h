/* searcher/refs.h (private): cross-references resolved on the units an
 * answer shows, and the units citing an article (refs.c), for search.c and
 * article.c. */
#ifndef GZ_SEARCHER_REFS_H
#define GZ_SEARCHER_REFS_H

#include "searcher/index.h"

/* The cross-references of text, bytes [base, base + len) of document doc
 * of segment s, that lie inside text[lo, hi), resolved, with offsets from
 * lo, into *out (in a; NULL and 0 when none). */
void sr_refs_text(sr_index *ix, size_t s, uint32_t doc, const char *text, size_t len, uint32_t base, size_t lo,
                  size_t hi, sr_arena *a, const gazette_ref **out, size_t *n);

/* An article answer's references (found: in its text). Does nothing while
 * refs.c itself looks an article up (a named work's reference). */
void sr_refs_article(sr_index *ix, sr_arena *a, gazette_article *art);

#endif
