/* searcher/docid.c: stable document ids. A document is named by its source
 * path and its place among that source's documents, both kept in every
 * segment's document table, so a link outlives the segment that held the
 * document (merges, optimize, re-indexing unchanged files). Positional ids
 * (SEG-DOC, and units' SEG-DOC-UNIT) resolve in their segment while it is
 * in the snapshot, and after it left through the manifest's moved table
 * (format.h, gz_man_moved): the range of a source that holds the position
 * names the source's stable id, and the place in the range the document
 * (or unit) in it. */
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

gz_status sr_links_ready(sr_index *ix) { return ix->links ? GZ_OK : build_links(ix); }

/* The stable id's entry: the last of equal ids, the segment written last
 * (the same path given from two roots is one source). NULL if none. */
static const sr_link *find_link(sr_index *ix, uint64_t h, uint32_t ord)
{
    if (sr_links_ready(ix) != GZ_OK)
        return NULL;
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
        return NULL;
    return &ix->links[lo - 1];
}

/* The snapshot's index of segment id, or n_seg. */
static size_t live_segment(const sr_index *ix, uint32_t id)
{
    size_t k = 0;
    while (k < ix->snap->man.n_seg && ix->snap->man.seg[k].id != id)
        k++;
    return k;
}

/* The moved range that holds document doc of a segment that left. */
static const gz_man_moved *moved_range(const sr_index *ix, uint32_t seg, uint32_t doc)
{
    const gz_manifest *m = &ix->snap->man;
    for (size_t i = m->n_moved; i-- > 0;)
        if (m->moved[i].segment == seg && doc >= m->moved[i].first_doc &&
            doc - m->moved[i].first_doc < m->moved[i].n_docs)
            return &m->moved[i];
    return NULL;
}

/* A positional id's numbers: "SEG-DOC" (n 2) or "SEG-DOC-UNIT" (n 3),
 * decimal digits only. */
static int positional(const char *id, unsigned n, uint32_t *v)
{
    for (unsigned i = 0; i < n; i++) {
        if (*id < '0' || *id > '9')
            return 0;
        uint64_t x = 0;
        while (*id >= '0' && *id <= '9' && x <= UINT32_MAX)
            x = x * 10 + (uint64_t)(*id++ - '0');
        if (x > UINT32_MAX || *id != (i + 1 < n ? '-' : '\0'))
            return 0;
        v[i] = (uint32_t)x;
        id += i + 1 < n;
    }
    return 1;
}

int sr_doc_find(sr_index *ix, const char *id, size_t *s, uint32_t *doc)
{
    unsigned long long h;
    unsigned ord;
    char tail;
    if (sscanf(id, "d%16llx-%u%c", &h, &ord, &tail) == 2 && strlen(id) > 18 && id[17] == '-') {
        const sr_link *l = find_link(ix, h, ord);
        if (!l)
            return 0;
        *s = l->seg;
        *doc = l->doc;
        return 1;
    }
    uint32_t v[2];
    if (!positional(id, 2, v))
        return 0;
    size_t k = live_segment(ix, v[0]);
    if (k == ix->snap->man.n_seg) {
        /* a segment that left: its range names the document's stable id */
        const gz_man_moved *r = moved_range(ix, v[0], v[1]);
        const sr_link *l = r ? find_link(ix, r->source, v[1] - r->first_doc) : NULL;
        if (!l)
            return 0;
        *s = l->seg;
        *doc = l->doc;
        return 2;
    }
    if (v[1] >= ix->snap->man.seg[k].n_docs || gz_bit(ix->snap->deleted[k], v[1]))
        return 0;
    *s = k;
    *doc = v[1];
    return 1;
}

int sr_unit_find(sr_index *ix, const char *uid, size_t s, uint32_t doc, uint32_t *unit)
{
    uint32_t v[3];
    gz_docinfo di;
    if (!positional(uid, 3, v) || gz_segment_doc(ix->snap->seg[s], doc, &di) != GZ_OK)
        return 0;
    int moved = 0;
    if (live_segment(ix, v[0]) == ix->snap->man.n_seg) {
        /* the unit's place among its source's units carries over */
        const gz_man_moved *r = moved_range(ix, v[0], v[1]);
        const sr_link *l = r && v[2] >= r->first_unit ? find_link(ix, r->source, 0) : NULL;
        gz_docinfo first;
        if (!l || l->seg != s || gz_segment_doc(ix->snap->seg[s], l->doc, &first) != GZ_OK ||
            (uint64_t)first.first_unit + (v[2] - r->first_unit) > UINT32_MAX)
            return 0;
        v[0] = ix->snap->man.seg[s].id;
        v[1] = doc;
        v[2] = first.first_unit + (v[2] - r->first_unit);
        moved = 1;
    }
    if (v[0] != ix->snap->man.seg[s].id || v[1] != doc || v[2] < di.first_unit || v[2] - di.first_unit >= di.n_units)
        return 0;
    *unit = v[2];
    return 1 + moved;
}

int sr_doc_moved(sr_index *ix, const char *id, const char *uid, char *to_id, char *to_unit)
{
    size_t s;
    uint32_t doc, unit = 0;
    gz_docinfo di;
    int found = sr_doc_find(ix, id, &s, &doc);
    if (!found || gz_segment_doc(ix->snap->seg[s], doc, &di) != GZ_OK)
        return 0;
    int unit_found = uid && *uid ? sr_unit_find(ix, uid, s, doc, &unit) : 0;
    if (found != 2 && unit_found != 2)
        return 0;
    sr_doc_link(ix, s, doc, &di, to_id);
    to_unit[0] = '\0';
    if (unit_found)
        snprintf(to_unit, SR_UNIT_ID_MAX, "%u-%u-%u", ix->snap->man.seg[s].id, doc, unit);
    return 1;
}
