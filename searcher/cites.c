/* searcher/cites.c: the works each text names in 《》, counted once per
 * snapshot from the index's terms of field 'c': a work named by many
 * others weighs more for a question (cites.h). */
#include "searcher/cites.h"
#include "searcher/versions.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A citation: the work named, and who names it (a work, or a document
 * that is none, with the top bit set). */
typedef struct cite {
    uint32_t cited;
    uint64_t by;
} cite;

static int cmp_cite(const void *a, const void *b)
{
    const cite *x = a, *y = b;
    if (x->cited != y->cited)
        return x->cited < y->cited ? -1 : 1;
    return (x->by > y->by) - (x->by < y->by);
}

/* Adds the citations of the work whose key is a 'c' term of segment s
 * (ti: its postings, one a citing document, at its first unit) to *v. */
static gz_status cites_of(sr_index *ix, size_t s, uint32_t cited, const gz_terminfo *ti, cite **v, size_t *n,
                          size_t *cap)
{
    const gz_segment *seg = ix->snap->seg[s];
    const sr_segtab *t = &ix->tab[s];
    gz_post p;
    gz_status st = gz_post_open(&p, seg, ti);
    for (; st == GZ_OK && p.unit != GZ_POST_END; st = gz_post_next(&p)) {
        uint32_t doc = t->doc[p.unit], self = t->work[doc];
        if (gz_bit(ix->snap->deleted[s], doc) || self == cited)
            continue;
        if (gz_grow(v, cap, *n + 1, sizeof **v, 1024) != GZ_OK) {
            st = GZ_NOMEM;
            break;
        }
        (*v)[(*n)++] = (cite){cited, self != SR_NO_WORK ? self : (1ull << 63 | (uint64_t)s << 32 | doc)};
    }
    gz_post_fini(&p);
    return st == GZ_EOF ? GZ_OK : st;
}

gz_status sr_cites_ready(sr_index *ix)
{
    if (ix->cites_ready)
        return GZ_OK;
    cite *v = NULL;
    size_t n = 0, cap = 0;
    gz_status st = GZ_OK;
    /* the works each document names, from the terms of field 'c' the
     * indexer wrote (format.h: GZ_FIELD_CITES) */
    for (size_t s = 0; st == GZ_OK && s < ix->snap->man.n_seg; s++) {
        gz_term_iter it;
        char from[1] = {GZ_FIELD_CITES};
        gz_term_iter_init(&it, ix->snap->seg[s], from, 1);
        int rc = 0;
        while (st == GZ_OK && (rc = gz_term_iter_next(&it)) == 1 && it.term[0] == GZ_FIELD_CITES) {
            char key[GZ_TERM_MAX + 1];
            memcpy(key, it.term + 1, it.term_len - 1);
            key[it.term_len - 1] = 0;
            uint32_t w = sr_work_find(ix, key);
            if (w != SR_NO_WORK)
                st = cites_of(ix, s, w, &it.ti, &v, &n, &cap);
        }
        if (st == GZ_OK && rc < 0)
            st = GZ_CORRUPT;
    }
    uint32_t *count = st == GZ_OK ? gz_calloc(ix->n_works + 1, sizeof *count) : NULL;
    if (st == GZ_OK && !count)
        st = GZ_NOMEM;
    if (st == GZ_OK) {
        /* each (work named, who names it) once */
        if (n)
            qsort(v, n, sizeof *v, cmp_cite);
        for (size_t i = 0; i < n; i++)
            if (!i || cmp_cite(&v[i - 1], &v[i]) != 0)
                count[v[i].cited]++;
        /* over the most cited's weight: a prior stays in (0, 1], which
         * the bounds of pruning (prune_or.c, direct.c) count on; the same
         * factor on every score keeps their order */
        uint32_t most = 0;
        for (size_t w = 0; w < ix->n_works; w++)
            most = count[w] > most ? count[w] : most;
        double scale = 1.0 + W_CITED * log1p((double)most);
        for (size_t s = 0; s < ix->snap->man.n_seg; s++) {
            sr_segtab *t = &ix->tab[s];
            for (uint32_t d = 0; d < ix->snap->man.seg[s].n_docs; d++) {
                double f = t->work[d] != SR_NO_WORK ? 1.0 + W_CITED * log1p((double)count[t->work[d]]) : 1.0;
                t->prior[d] = (float)(t->prior[d] * f / scale);
            }
        }
        ix->cites_ready = 1;
    }
    gz_free(count);
    gz_free(v);
    return st;
}
