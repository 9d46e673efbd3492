/* searcher/docid.h (private): stable document ids (docid.c). */
#ifndef GZ_SEARCHER_DOCID_H
#define GZ_SEARCHER_DOCID_H

#include "searcher/index.h"

/* A document's id for links: "d" + 16 hex digits of the XXH3 of its
 * source path + "-" + its place among its source's documents. It survives
 * merges, optimize and re-indexing an unchanged file (none of them change
 * a source's path or its documents' order), where "SEG-DOC" does not. */
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
/* Builds the table of stable ids (at the first id resolved otherwise). */
gz_status sr_links_ready(sr_index *ix);

#endif
