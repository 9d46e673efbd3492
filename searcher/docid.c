/* searcher/docid.c: stable document ids. A document is named by its source
 * path and its place among that source's documents, both kept in every
 * segment's document table, so a link outlives the segment that held the
 * document (merges, optimize, re-indexing unchanged files). Positional ids
 * (SEG-DOC) resolve too, while their segment is in the snapshot. */
#include "searcher/docid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

typedef struct sr_link {
    uint64_t hash; /* XXH3 of the source path */
    uint32_t ord, seg, doc;
} sr_link;

/* The place of doc among its source's documents: they are consecutive in
 * a segment, in the order the source holds them. */
static uint32_t place(const gz_segment *seg, uint32_t doc, const char *source)
{
    uint32_t ord = 0;
    gz_docinfo prev;
    while (doc > ord && gz_segment_doc(seg, doc - ord - 1, &prev) == GZ_OK && strcmp(prev.source, source) == 0)
        ord++;
    return ord;
}

void sr_doc_link(const sr_index *ix, size_t s, uint32_t doc, const gz_docinfo *di, char *out)
{
    snprintf(out, SR_LINK_MAX, "d%016llx-%u", (unsigned long long)XXH3_64bits(di->source, strlen(di->source)),
             place(ix->snap->seg[s], doc, di->source));
}

static int cmp_link(const void *a, const void *b)
{
    const sr_link *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    if (x->ord != y->ord)
        return x->ord < y->ord ? -1 : 1;
    return (x->seg > y->seg) - (x->seg < y->seg);
}

/* Every live document's stable id, sorted: read once per snapshot. */
static gz_status build_links(sr_index *ix)
{
    size_t n = 0;
    for (size_t s = 0; s < ix->snap->man.n_seg; s++)
        n += ix->snap->man.seg[s].n_docs;
    sr_link *v = gz_calloc(n + 1, sizeof *v);
    if (!v)
        return GZ_NOMEM;
    size_t k = 0;
    for (size_t s = 0; s < ix->snap->man.n_seg; s++) {
        const char *last = NULL;
        uint32_t ord = 0;
        for (uint32_t d = 0; d < ix->snap->man.seg[s].n_docs; d++) {
            gz_docinfo di;
            if (gz_segment_doc(ix->snap->seg[s], d, &di) != GZ_OK)
                continue;
            ord = last && strcmp(last, di.source) == 0 ? ord + 1 : 0;
            last = di.source;
            if (gz_bit(ix->snap->deleted[s], d))
                continue;
            v[k++] = (sr_link){XXH3_64bits(di.source, strlen(di.source)), ord, (uint32_t)s, d};
        }
    }
    qsort(v, k, sizeof *v, cmp_link);
    ix->links = v;
    ix->n_links = k;
    return GZ_OK;
}

int sr_doc_find(sr_index *ix, const char *id, size_t *s, uint32_t *doc)
{
    unsigned long long h;
    unsigned sid, d, ord;
    char tail;
    if (sscanf(id, "d%16llx-%u%c", &h, &ord, &tail) == 2 && strlen(id) > 18 && id[17] == '-') {
        if (!ix->links && build_links(ix) != GZ_OK)
            return 0;
        /* the last of equal ids: the segment written last (the same path
         * given from two roots is one source) */
        size_t lo = 0, hi = ix->n_links;
        sr_link want = {h, ord, UINT32_MAX, 0};
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (cmp_link(&ix->links[mid], &want) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == 0 || ix->links[lo - 1].hash != h || ix->links[lo - 1].ord != ord)
            return 0;
        *s = ix->links[lo - 1].seg;
        *doc = ix->links[lo - 1].doc;
        return 1;
    }
    if (sscanf(id, "%u-%u%c", &sid, &d, &tail) != 2)
        return 0;
    size_t k = 0;
    while (k < ix->snap->man.n_seg && ix->snap->man.seg[k].id != sid)
        k++;
    if (k == ix->snap->man.n_seg || d >= ix->snap->man.seg[k].n_docs || gz_bit(ix->snap->deleted[k], d))
        return 0;
    *s = k;
    *doc = d;
    return 1;
}
