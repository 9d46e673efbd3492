/* indexer/memseg_impl.h (private): the body of ix_memseg, shared by
 * memseg.c (filling) and flush.c (writing). */
#ifndef GZ_INDEXER_MEMSEG_IMPL_H
#define GZ_INDEXER_MEMSEG_IMPL_H

#include "indexer/memseg.h"

#define IX_POS_BITS 24
#define IX_POS_MAX ((1u << IX_POS_BITS) - 1)
#define IX_SPAN_MAX 256

typedef struct ix_rec {
    uint32_t term, unit, pos_span; /* pos | (span - 1) << IX_POS_BITS */
} ix_rec;

typedef struct ix_term {
    uint64_t hash;
    uint32_t off;   /* in term_text */
    uint16_t len;
    uint8_t flags;  /* GZ_TERM_* */
    uint32_t count; /* records */
} ix_term;

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
    ix_rec *rec;
    size_t n_rec, cap_rec;
    uint32_t *unit_len, *unit_words;
    struct pending *pend; /* scratch of ix_memseg_unit: the unit's tokens */
    size_t cap_pend;
    gz_buf keys; /* and their keys */
    size_t cap_unit_len, cap_unit_words;
};

uint32_t ix_str(ix_memseg *m, const char *s);

#endif
