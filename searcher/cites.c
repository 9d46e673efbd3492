/* searcher/cites.c: the works each text names in 《》, counted once per
 * snapshot from the stored texts: a work named by many others weighs more
 * for a question (cites.h). */
#include "common/law.h"
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

#define OPEN_QUOTE "\xE3\x80\x8A"  /* 《 */
#define CLOSE_QUOTE "\xE3\x80\x8B" /* 》 */
#define NAME_MAX_BYTES 240

/* Adds the works the text of document doc of segment s names to *v. */
static gz_status cites_of(sr_index *ix, size_t s, uint32_t doc, const gz_buf *text, cite **v, size_t *n,
                          size_t *cap)
{
    uint32_t self = ix->tab[s].work[doc];
    uint64_t by = self != SR_NO_WORK ? self : (1ull << 63 | (uint64_t)s << 32 | doc);
    const char *p = text->data, *end = text->data + text->len;
    while (p && (p = memmem(p, (size_t)(end - p), OPEN_QUOTE, 3))) {
        p += 3;
        const char *q = memmem(p, (size_t)(end - p), CLOSE_QUOTE, 3);
        if (!q)
            break;
        const char *nl = memchr(p, '\n', (size_t)(q - p));
        if (nl || q - p > NAME_MAX_BYTES) { /* no name: a 《 left open */
            p = nl ? nl : q;
            continue;
        }
        char key[NAME_MAX_BYTES + 1];
        gz_law_work_key(p, (size_t)(q - p), key, sizeof key);
        uint32_t w = sr_work_find(ix, key);
        p = q + 3;
        if (w == SR_NO_WORK || w == self)
            continue;
        if (gz_grow(v, cap, *n + 1, sizeof **v, 1024) != GZ_OK)
            return GZ_NOMEM;
        (*v)[(*n)++] = (cite){w, by};
    }
    return GZ_OK;
}

gz_status sr_cites_ready(sr_index *ix)
{
    if (ix->cites_ready)
        return GZ_OK;
    cite *v = NULL;
    size_t n = 0, cap = 0;
    gz_buf text;
    gz_buf_init(&text);
    gz_status st = GZ_OK;
    for (size_t s = 0; st == GZ_OK && s < ix->snap->man.n_seg; s++) {
        const gz_segment *seg = ix->snap->seg[s];
        for (uint32_t d = 0; st == GZ_OK && d < ix->snap->man.seg[s].n_docs; d++) {
            if (!gz_bit(ix->snap->deleted[s], d) && (st = gz_segment_text(seg, d, &text, &ix->tctx)) == GZ_OK)
                st = cites_of(ix, s, d, &text, &v, &n, &cap);
            if (d % 4096 == 4095) /* the text read so far: its pages back (they stay in the page cache) */
                gz_segment_release_section(seg, GZ_SEC_TEXT);
        }
        gz_segment_release_section(seg, GZ_SEC_TEXT);
    }
    gz_buf_fini(&text);
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
