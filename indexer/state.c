/* indexer/state.c: the working state of a commit (state.h): who owns the
 * delete bitmaps while segments join, merge and leave; and where the
 * documents of the segments that left went (the moved table). */
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

static int cmp_key(const void *a, const void *b)
{
    return strcmp((*(const gz_man_source *const *)a)->key, (*(const gz_man_source *const *)b)->key);
}

/* The sources of old's retired segment g that m holds unchanged, into t. */
static gz_status note_retired(const char *dir, const gz_manifest *old, uint32_t g, gz_man_source **by_key,
                              size_t n_keys, uint64_t now, gz_manifest *t)
{
    char path[4200];
    gz_path_segment(path, sizeof path, dir, g);
    gz_segment *seg;
    if (gz_segment_open(path, &seg, NULL) != GZ_OK)
        return GZ_OK;
    gz_status st = GZ_OK;
    for (size_t i = 0; i < old->n_src && st == GZ_OK; i++) {
        const gz_man_source *o = &old->src[i];
        gz_docinfo di;
        if (o->segment != g || !o->n_docs || gz_segment_doc(seg, o->first_doc, &di) != GZ_OK)
            continue;
        const gz_man_source *want = o, **hit = bsearch(&want, by_key, n_keys, sizeof *by_key, cmp_key);
        if (!hit || (*hit)->hash_lo != o->hash_lo || (*hit)->hash_hi != o->hash_hi || (*hit)->n_docs != o->n_docs)
            continue; /* changed or gone: its old positions name nothing */
        gz_man_moved v = {g, o->first_doc, o->n_docs, di.first_unit, gz_xxh3((*hit)->display, strlen((*hit)->display)),
                          now};
        st = gz_manifest_add_moved(t, &v);
    }
    gz_segment_close(seg);
    return st;
}

gz_status ix_moved_update(const char *dir, gz_manifest *m, uint64_t now, gz_error *err)
{
    gz_manifest old, t;
    gz_manifest_init(&old);
    gz_manifest_init(&t);
    gz_status st = gz_manifest_read(dir, &old, NULL);
    if (st != GZ_OK) { /* nothing committed, or a damaged commit being repaired: nothing to carry */
        gz_manifest_fini(&old);
        gz_free(m->moved);
        m->moved = NULL;
        m->n_moved = m->cap_moved = 0;
        return GZ_OK;
    }
    st = GZ_OK;
    const uint64_t keep = (uint64_t)GZ_MOVED_KEEP_DAYS * 86400;
    for (size_t i = 0; i < old.n_moved && st == GZ_OK; i++)
        if (old.moved[i].retired + keep > now)
            st = gz_manifest_add_moved(&t, &old.moved[i]);
    gz_man_source **by_key = gz_alloc((m->n_src + 1) * sizeof *by_key);
    if (!by_key)
        st = GZ_NOMEM;
    for (size_t i = 0; by_key && i < m->n_src; i++)
        by_key[i] = &m->src[i];
    if (by_key)
        qsort(by_key, m->n_src, sizeof *by_key, cmp_key);
    for (size_t i = 0; i < old.n_seg && st == GZ_OK; i++) {
        size_t k = 0;
        while (k < m->n_seg && m->seg[k].id != old.seg[i].id)
            k++;
        if (k == m->n_seg)
            st = note_retired(dir, &old, old.seg[i].id, by_key, m->n_src, now, &t);
    }
    gz_free(by_key);
    gz_manifest_fini(&old);
    if (st != GZ_OK) {
        gz_manifest_fini(&t);
        return gz_error_set(err, st, -1, "[indexer] out of memory");
    }
    gz_free(m->moved);
    m->moved = t.moved;
    m->n_moved = t.n_moved;
    m->cap_moved = t.cap_moved;
    return GZ_OK;
}
