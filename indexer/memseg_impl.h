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
};

uint32_t ix_str(ix_memseg *m, const char *s);
/* For every word (field 'w') seen at least min_count times, a term (field
 * 'p') of the units where its text occurs, found from its grams. Called
 * once, before the flush. */
void ix_memseg_phrases(ix_memseg *m, uint32_t min_count);
/* A term's occurrences into out (t->count of them), in order. */
size_t ix_term_read(const ix_memseg *m, const ix_term *t, ix_rec *out);

#endif
