/* indexer/state.c: the working state of a commit (state.h): who owns the
 * delete bitmaps while segments join, merge and leave. */
#include "indexer/state.h"

#include <stdlib.h>
#include <string.h>

void ix_state_init(ix_state *s, gz_manifest *man)
{
    memset(s, 0, sizeof *s);
    s->man = man;
}

void ix_state_fini(ix_state *s)
{
    for (size_t i = 0; i < s->cap; i++)
        gz_free(s->deleted[i]);
    gz_free(s->deleted);
    gz_free(s->dirty);
    memset(s, 0, sizeof *s);
}

/* Room for n segments; new slots hold nothing. */
static gz_status grow(ix_state *s, size_t n)
{
    if (n <= s->cap)
        return GZ_OK;
    size_t cap = s->cap ? s->cap : 16;
    while (cap < n)
        cap *= 2;
    uint8_t **d = gz_realloc(s->deleted, cap * sizeof *d);
    if (!d)
        return GZ_NOMEM;
    s->deleted = d;
    unsigned char *f = gz_realloc(s->dirty, cap);
    if (!f)
        return GZ_NOMEM;
    s->dirty = f;
    memset(s->deleted + s->cap, 0, (cap - s->cap) * sizeof *d);
    memset(s->dirty + s->cap, 0, cap - s->cap);
    s->cap = cap;
    return GZ_OK;
}

gz_status ix_state_add(ix_state *s, const gz_man_segment *g)
{
    gz_status st = grow(s, s->man->n_seg + 1);
    if (st == GZ_OK)
        st = gz_manifest_add_segment(s->man, g);
    return st;
}

void ix_state_drop(ix_state *s, const unsigned char *gone)
{
    gz_manifest *m = s->man;
    size_t w = 0;
    for (size_t i = 0; i < m->n_seg; i++) {
        if (gone[i]) {
            gz_free(s->deleted[i]);
            s->deleted[i] = NULL;
            continue;
        }
        m->seg[w] = m->seg[i];
        s->deleted[w] = s->deleted[i];
        s->dirty[w] = s->dirty[i];
        if (w != i) { /* moved: the old slot holds nothing */
            s->deleted[i] = NULL;
            s->dirty[i] = 0;
        }
        w++;
    }
    m->n_seg = w;
}

gz_status ix_state_mark(ix_state *s, uint32_t seg_id, uint32_t first, uint32_t n)
{
    for (size_t i = 0; i < s->man->n_seg; i++) {
        gz_man_segment *g = &s->man->seg[i];
        if (g->id != seg_id)
            continue;
        if (!s->deleted[i] && !(s->deleted[i] = gz_calloc(((size_t)g->n_docs + 7) / 8 + 1, 1)))
            return GZ_NOMEM;
        for (uint32_t d = first; d < first + n && d < g->n_docs; d++)
            if (!gz_bit(s->deleted[i], d)) {
                s->deleted[i][d >> 3] |= (uint8_t)(1u << (d & 7));
                g->n_deleted++;
            }
        s->dirty[i] = 1;
        return GZ_OK;
    }
    return GZ_OK;
}
