/* searcher/docid.h (private): stable document ids (docid.c). */
#ifndef GZ_SEARCHER_DOCID_H
#define GZ_SEARCHER_DOCID_H

#include "searcher/index.h"

/* A document's id for links: "d" + 16 hex digits of the XXH3 of its
 * source path + "-" + its place among its source's documents. It survives
 * merges, optimize and re-indexing an unchanged file (none of them change
 * a source's path or its documents' order), where "SEG-DOC" does not. */
#define SR_LINK_MAX 40
void sr_doc_link(const sr_index *ix, size_t s, uint32_t doc, const gz_docinfo *di, char *out);
/* Finds the live document an id names: a stable id, or a "SEG-DOC" of this
 * snapshot. 1 and (*s, *doc), or 0. */
int sr_doc_find(sr_index *ix, const char *id, size_t *s, uint32_t *doc);

#endif
