/* indexer/merge.h (private): merging segments and the tiered policy. */
#ifndef GZ_INDEXER_MERGE_H
#define GZ_INDEXER_MERGE_H

#include "format/format.h"

/* The working state of a commit: the manifest being built and a delete
 * bitmap per segment (same order as man->seg; NULL: none). */
typedef struct ix_state {
    gz_manifest *man;
    uint8_t **deleted;
    unsigned char *dirty; /* per segment: its bitmap changed */
    size_t cap;
    uint32_t *obsolete;   /* segment ids whose files go after the commit */
    size_t n_obsolete, cap_obsolete;
} ix_state;

gz_status ix_state_grow(ix_state *s, size_t n);
/* Merges the live documents of the segments at positions pos[0..n) of
 * s->man into a new segment new_id (their tables, stored text and postings
 * carried over, units renumbered), and rewrites s: the merged segments leave, the new one joins,
 * sources are remapped. */
gz_status ix_merge(const char *dir, ix_state *s, const size_t *pos, size_t n, uint32_t new_id, gz_error *err);
/* Tiered policy: while some size tier (factor 4) holds 8 or more segments,
 * or there are more than 24 segments, merges a tier's segments. */
gz_status ix_merge_policy(const char *dir, ix_state *s, size_t *merged, gz_error *err);

#endif
