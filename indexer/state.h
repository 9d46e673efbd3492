/* indexer/state.h (private): the working state of a commit: the manifest
 * being built and a delete bitmap per segment.
 *
 * Ownership: the state owns deleted[i] for every i < man->n_seg and holds
 * nothing at or past man->n_seg (those slots are NULL). Segments join and
 * leave only through ix_state_add and ix_state_drop, which keep that rule,
 * so a bitmap has one owner through merges and the commit, and
 * ix_state_fini frees each once. */
#ifndef GZ_INDEXER_STATE_H
#define GZ_INDEXER_STATE_H

#include "format/format.h"

typedef struct ix_state {
    gz_manifest *man;
    uint8_t **deleted;    /* same order as man->seg; NULL: no deletes */
    unsigned char *dirty; /* per segment: its bitmap changed */
    size_t cap;
} ix_state;

/* An empty state over man (no segments read yet). */
void ix_state_init(ix_state *s, gz_manifest *man);
/* Frees every bitmap and the arrays; the manifest is the caller's. */
void ix_state_fini(ix_state *s);
/* Appends g to the manifest with no deletes. */
gz_status ix_state_add(ix_state *s, const gz_man_segment *g);
/* Removes the segments i with gone[i] set (man->n_seg entries), freeing
 * their bitmaps; the rest keep their order. */
void ix_state_drop(ix_state *s, const unsigned char *gone);
/* Marks documents [first, first + n) of segment seg_id deleted (no-op for
 * an id not in the manifest). */
gz_status ix_state_mark(ix_state *s, uint32_t seg_id, uint32_t first, uint32_t n);

/* The moved table of the commit m is about to make (gz_man_moved): the
 * committed manifest's entries younger than GZ_MOVED_KEEP_DAYS at now,
 * then, for each segment it names that m no longer does, the ranges of
 * its sources that m still holds unchanged (same key and content hash).
 * A retired segment that does not open (damaged) adds nothing. */
gz_status ix_moved_update(const char *dir, gz_manifest *m, uint64_t now, gz_error *err);

#endif
