/* indexer/memseg.h (private): the in-memory segment a worker fills and
 * flushes: docs, units, strings, stored text, and each term's occurrences
 * (varints in its own slices of one pool), encoded into postings at flush
 * time. */
#ifndef GZ_INDEXER_MEMSEG_H
#define GZ_INDEXER_MEMSEG_H

#include "analysis/analysis.h"
#include "format/format.h"

typedef struct ix_memseg ix_memseg;

typedef struct ix_docmeta {
    const char *title, *docno_raw, *issuer, *docno, *body, *source, *issue;
    uint32_t date, year, serial, kind;
    uint32_t version_date, status; /* yyyymmdd (0: none), GZ_DOCSTAT_* */
} ix_docmeta;

typedef struct ix_unitmeta {
    uint32_t kind, sub;
    int32_t number;
    const char *label, *path;
    uint32_t start, end; /* in the document's text */
    uint32_t page, page_end; /* of a paged source, 1-based; 0: unknown */
    uint32_t hash; /* of its text: given to ix_memseg_unit_as (a merge's);
                    * ix_memseg_unit computes it from the document's text */
} ix_unitmeta;

ix_memseg *ix_memseg_open(uint32_t segment_id);
void ix_memseg_close(ix_memseg *m);
uint32_t ix_memseg_id(const ix_memseg *m);
uint32_t ix_memseg_n_docs(const ix_memseg *m);
uint32_t ix_memseg_n_units(const ix_memseg *m);
/* Bytes held (for the RAM budget). */
size_t ix_memseg_bytes(const ix_memseg *m);
/* Near the size its 32-bit offsets allow (3 GiB of occurrences, whatever
 * the budget): flush it. */
int ix_memseg_full(const ix_memseg *m);
/* Starts a document whose stored text is text[0..len); returns its id. */
uint32_t ix_memseg_doc(ix_memseg *m, const ix_docmeta *d, const char *text, size_t len);
/* Adds a unit of the last document with its tokens. */
void ix_memseg_unit(ix_memseg *m, const ix_unitmeta *u, const an_token *t, size_t n);
/* For merges, which carry postings over instead of analysing again: a
 * unit of the last document given its length (positions) and word count;
 * a term (key: field byte + text), interned, its id; one occurrence of term
 * in unit (pos and span ignored for words, which have no positions). A
 * term's occurrences must come in order of unit and position. */
void ix_memseg_unit_as(ix_memseg *m, const ix_unitmeta *u, uint32_t len, uint32_t words);
uint32_t ix_memseg_term(ix_memseg *m, const char *key, size_t klen);
void ix_memseg_occ(ix_memseg *m, uint32_t term, uint32_t unit, uint32_t pos, uint32_t span);
/* Sticky status of all the above. */
gz_status ix_memseg_status(const ix_memseg *m);
/* Writes the segment file to path (fsynced) and describes it in *out. */
gz_status ix_memseg_flush(ix_memseg *m, const char *path, gz_man_segment *out, gz_error *err);

#endif
