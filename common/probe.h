/* common/probe.h: linear probing in an open-addressing hash table of a
 * power-of-two capacity, the one way every table in the tree probes
 * (the segmenter's transitions, the analyzer's run cache, the corpus
 * walker's files met, the writer's sources, the memory segment's terms
 * and strings, the searcher's words' cache and normalised titles). A
 * table keeps at most half its slots full, so a probe meets an empty
 * slot within a few steps.
 *
 *     for (size_t at = gz_probe_first(h, cap); slot[at]; at = gz_probe_next(at, cap))
 *         if (slot[at] holds the key) return at;
 *     return at;  (the empty slot where the key goes)
 */
#ifndef GZ_COMMON_PROBE_H
#define GZ_COMMON_PROBE_H

#include <stddef.h>
#include <stdint.h>

/* The home slot of hash h in a table of cap slots (a power of two). */
static inline size_t gz_probe_first(uint64_t h, size_t cap) { return (size_t)h & (cap - 1); }

/* The slot after at, wrapping from the last slot to the first. */
static inline size_t gz_probe_next(size_t at, size_t cap) { return (at + 1) & (cap - 1); }

/* Can the entry at slot at, whose home slot is home, move back into the
 * hole (deleting with backward shift): is home outside (hole, at],
 * walking forward with wrap-around? */
static inline int gz_probe_can_fill(size_t hole, size_t at, size_t home)
{
    return hole <= at ? !(home > hole && home <= at) : !(home > hole || home <= at);
}

#endif
