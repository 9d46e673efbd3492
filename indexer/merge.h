/* indexer/merge.h (private): merging segments and the tiered policy. */
#ifndef GZ_INDEXER_MERGE_H
#define GZ_INDEXER_MERGE_H

#include "indexer/state.h"

/* Merges the live documents of the segments at positions pos[0..n) of
 * s->man into a new segment new_id (their tables, stored text and postings
 * carried over, units renumbered), and rewrites s: the merged segments leave
 * (ix_state_drop), the new one joins at the end (ix_state_add), sources are
 * remapped. On failure s is as it was. */
gz_status ix_merge(const char *dir, ix_state *s, const size_t *pos, size_t n, uint32_t new_id, gz_error *err);
/* Tiered policy: while some size tier (factor 4) holds 8 or more segments,
 * or there are more than 24 segments, merges a tier's segments (up to 10;
 * the next 8 to 10 of the same tier on another thread at the same time). */
gz_status ix_merge_policy(const char *dir, ix_state *s, size_t *merged, gz_error *err);

/* Test hooks: the segments of a tier that make a merge (8; a merge takes
 * up to 2 more), and whether
 * two merges of a tier are written at once, one a core (1) or one after
 * the other (0): they write the same bytes. */
extern size_t ix_tier_merge;
extern int ix_merge_parallel;
extern size_t ix_merges_at_once; /* pairs written at once in this process */

#endif
