/* searcher/group.c: a page a person can read: the versions of a law
 * collapsed into the current one where their units' texts are the same,
 * and at most two hits of a document, the rest counted. */
#include "common/probe.h"
#include "searcher/group.h"
#include "searcher/versions.h"

#include <string.h>

#define PER_DOC 2

size_t sr_group_want(const sr_request *rq, size_t want)
{
    if (rq->all_versions && (rq->all_in_document || rq->unit == SR_BY_DOCUMENT))
        return want;
    size_t more = want * 2 + 10;
    return more < SR_MAX_RANK ? more : SR_MAX_RANK;
}

/* The unit of document doc of segment s with u's kind, number and label,
 * or UINT32_MAX. */
static uint32_t same_unit(const sr_index *ix, size_t s, uint32_t doc, const gz_unitinfo *u)
{
    const sr_segtab *t = &ix->tab[s];
    const gz_segment *seg = ix->snap->seg[s];
    for (uint32_t k = t->first_unit[doc]; k < t->first_unit[doc] + t->n_units[doc]; k++) {
        gz_unitinfo v;
        if (t->kind[k] != u->kind || gz_segment_unit(seg, k, &v) != GZ_OK)
            continue;
        if (v.number == u->number && v.sub == u->sub && strcmp(v.label, u->label) == 0)
            return k;
    }
    return UINT32_MAX;
}

/* Does a current document (cur) of h's work hold h's unit u with the
 * same text? Known from the units' lengths and their texts' hashes
 * (GZ_UNIT_HASH), without decompressing either. */
static int same_text(sr_index *ix, const gz_unitinfo *u, const sr_version *cur)
{
    gz_unitinfo v;
    uint32_t k = same_unit(ix, cur->seg, cur->doc, u);
    return k != UINT32_MAX && gz_segment_unit(ix->snap->seg[cur->seg], k, &v) == GZ_OK &&
           v.end - v.start == u->end - u->start && v.len == u->len && v.hash == u->hash;
}

/* Is h in an older version of a law whose current version (any of the
 * documents of its date) holds the same unit with the same text? */
static int collapses(sr_index *ix, const hit *h)
{
    uint32_t w = ix->tab[h->seg].work[h->doc];
    gz_unitinfo u;
    if (w == SR_NO_WORK || ix->works[w].n < 2 ||
        gz_segment_unit(ix->snap->seg[h->seg], h->unit, &u) != GZ_OK || u.number < 0)
        return 0;
    const sr_work *k = &ix->works[w];
    for (uint32_t j = 0; j < k->n && ix->vers[k->first + j].date == ix->vers[k->first].date; j++)
        if (same_text(ix, &u, &ix->vers[k->first + j]))
            return 1;
    return 0;
}

size_t sr_group_hits(sr_index *ix, const sr_request *rq, hit *hits, size_t n)
{
    int per_doc = rq->unit == SR_BY_UNIT && !rq->all_in_document;
    if (rq->all_versions && !per_doc)
        return n;
    /* documents met: (seg, doc) -> the index of their second kept hit + 1 */
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    uint64_t *key = per_doc ? gz_calloc(cap, sizeof *key) : NULL;
    uint32_t *seen = per_doc ? gz_calloc(cap, sizeof *seen) : NULL;
    if (per_doc && (!key || !seen)) { /* out of memory: the page ungrouped */
        gz_free(key);
        gz_free(seen);
        per_doc = 0;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        hit h = hits[i];
        uint8_t vs = ix->tab[h.seg].vstat[h.doc];
        if (!rq->all_versions && vs != SR_VS_NONE && vs != SR_VS_CURRENT && collapses(ix, &h))
            continue;
        if (per_doc) {
            uint64_t id = (uint64_t)h.seg << 32 | h.doc, hk = (id + 1) * 0x9E3779B97F4A7C15ull;
            size_t at = gz_probe_first(hk >> 20, cap);
            while (key[at] && key[at] != id + 1)
                at = gz_probe_next(at, cap);
            if (!key[at]) {
                key[at] = id + 1;
                seen[at] = 0;
            }
            /* seen: 0 none kept yet, 1 one kept, else the second's index + 2 */
            if (seen[at] >= 2) {
                hits[seen[at] - 2].n_in_doc++;
                continue;
            }
            seen[at] = seen[at] ? (uint32_t)k + 2 : 1;
            h.n_in_doc = 0;
        }
        hits[k++] = h;
    }
    gz_free(key);
    gz_free(seen);
    return k;
}
