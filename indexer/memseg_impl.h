/* indexer/memseg_impl.h (private): the body of ix_memseg, shared by
 * memseg.c (filling) and flush.c (writing). */
#ifndef GZ_INDEXER_MEMSEG_IMPL_H
#define GZ_INDEXER_MEMSEG_IMPL_H

#include "indexer/memseg.h"

#define IX_POS_BITS 24
#define IX_POS_MAX ((1u << IX_POS_BITS) - 1)
#define IX_SPAN_MAX 256

/* One occurrence, as the flush reads a term's back. */
typedef struct ix_rec {
    uint32_t unit, pos_span; /* pos | (span - 1) << IX_POS_BITS */
} ix_rec;

/* A term and its occurrences so far, varints in a chain of slices of the
 * memseg's pool, each slice's last 4 bytes the offset of the next: per
 * occurrence, a new unit as ((unit gap) << 2 | 2 | spanned) then the
 * position, or in the same unit ((position gap) << 2 | spanned); then, if
 * spanned, span - 1. About 2 bytes an occurrence. */
typedef struct ix_term {
    uint64_t hash;
    uint32_t off;   /* in term_text */
    uint16_t len;
    uint8_t flags;  /* GZ_TERM_* */
    uint8_t level;  /* slices so far - 1: the next is 16 << min(level + 1, IX_SLICE_MAX_LEVEL) bytes */
    uint32_t count; /* occurrences */
    uint32_t head, at, end; /* in pool: first slice, where the next byte goes, end of this slice's data */
    uint32_t last_unit, last_pos;
} ix_term;

#define IX_SLICE_FIRST 16
#define IX_SLICE_MAX_LEVEL 6

struct ix_memseg {
    uint32_t id;
    gz_status status;
    gz_buf strings, docs, units, text, term_text;
    uint32_t *str_hash; /* interned strings: offsets, 0 empty */
    size_t str_cap, n_str;
    uint32_t n_docs, n_units;
    uint64_t n_positions, n_words;
    uint32_t *hash; /* term id + 1, 0 empty */
    size_t hash_cap;
    ix_term *terms;
    uint32_t n_terms;
    size_t cap_terms;
    uint8_t *pool; /* the terms' slices */
    size_t pool_len, pool_cap;
    uint64_t n_occ;
    uint32_t *unit_len, *unit_words;
    struct pending *pend; /* scratch of ix_memseg_unit: the unit's tokens */
    size_t cap_pend;
    gz_buf keys; /* and their keys */
    size_t cap_unit_len, cap_unit_words;
    uint64_t text_len; /* the documents' texts (held in text unless a merge's) */
    /* a merge's: units are not held, only their fields' maxima (the
     * records are made again as they are written: ix_memseg_unit_rec) */
    int stream_units;
    uint32_t units_most[GZ_UNIT_FIELDS];
};

/* Words seen this often get their exact matches kept whole (field 'p'): a
 * common word of three or more characters is otherwise a phrase checked
 * position by position in every unit holding its grams. */
#define IX_PHRASE_MIN 32

uint32_t ix_str(ix_memseg *m, const char *s);
/* The record of unit u of document doc (its strings interned). */
void ix_memseg_unit_rec(ix_memseg *m, const ix_unitmeta *u, uint32_t doc, uint32_t len, uint32_t words,
                        uint8_t r[GZ_UNIT_REC]);
/* A word term's (field 'w') grams, whose occurrences at consecutive
 * positions make its exact matches (field 'p'): their keys and lengths;
 * returns how many, 0 if the word has fewer than three characters or is
 * not one to match so. */
#define IX_GRAM_KEY 9
size_t ix_word_grams(const char *key, size_t len, char gk[][IX_GRAM_KEY], size_t *gl);
/* For every word (field 'w') seen at least min_count times, a term (field
 * 'p') of the units where its text occurs, found from its grams. Called
 * once, before the flush. */
void ix_memseg_phrases(ix_memseg *m, uint32_t min_count);
/* A term's occurrences into out (t->count of them), in order. */
size_t ix_term_read(const ix_memseg *m, const ix_term *t, ix_rec *out);

/* ------------------------------------------- flush.c's pieces, for merges */

/* A term's postings being encoded: the current block and its positions. */
typedef struct ix_postenc {
    uint32_t units[GZ_BLOCK], tfs[GZ_BLOCK];
    uint32_t n;
    uint32_t *pos, *span;
    size_t n_pos, cap_pos;
} ix_postenc;
void ix_postenc_fini(ix_postenc *e);
/* The segment's units' lengths (positions) and words, for block impacts. */
typedef struct ix_units_len {
    const uint32_t *len, *words;
    uint32_t n_units;
} ix_units_len;
/* Appends to out the postings of one term (flags GZ_TERM_*) from its
 * occurrences [r, r + n) in order of unit and position; *df: its units. */
void ix_encode_term(const ix_units_len *u, const ix_rec *r, size_t n, uint8_t flags, ix_postenc *e, gz_buf *out,
                    uint32_t *df);

/* The dictionary, built term by term in order (front-coded blocks and
 * their offsets), written whole as the DICT section. */
typedef struct ix_dictw {
    gz_buf offsets, blocks;
    uint32_t n_terms;
    char prev[GZ_TERM_MAX + 1];
    size_t prev_len;
} ix_dictw;
void ix_dictw_init(ix_dictw *d);
void ix_dictw_fini(ix_dictw *d);
/* A term, its df and flags, its postings' offset and length. */
void ix_dictw_add(ix_dictw *d, const char *term, size_t len, uint32_t df, uint8_t flags, uint64_t off,
                  uint64_t plen);
gz_status ix_dictw_write(ix_dictw *d, gz_segw *w);

/* The META section from m's counts and n_terms; its bytes. */
void ix_put_meta(gz_segw *w, const ix_memseg *m, uint32_t n_terms);
void ix_meta(const ix_memseg *m, uint32_t n_terms, uint8_t meta[GZ_META_LEN]);
/* Reads n bytes of a segment's stored text at off into dst. */
typedef gz_status (*ix_text_read)(void *ctx, uint64_t off, char *dst, size_t n);
/* The ZDICT and TEXT sections for a text of len bytes, read through read
 * (samples to train the dictionary, then in order, a block at a time). */
gz_status ix_write_text(gz_segw *w, uint64_t len, ix_text_read read, void *ctx);
/* Commits w and describes the segment (m's id and counts) in out. */
gz_status ix_segw_done(gz_segw *w, const ix_memseg *m, gz_man_segment *out, gz_error *err);

#endif
