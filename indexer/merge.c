/* indexer/merge.c: merging segments. A merge carries each live document's
 * tables and stored text over, and each term's postings, their units
 * renumbered, into an in-memory segment that is flushed like a worker's:
 * nothing is analysed again (the index's analyzer is the one that built
 * every segment: a manifest of another is refused before any merge). */
#include "indexer/merge.h"
#include "indexer/memseg.h"

#include <stdlib.h>
#include <string.h>

/* One term of a merged segment: its live occurrences into the new one. */
typedef struct carry_ctx {
    ix_memseg *ms;
    const gz_segment *seg;
    const uint32_t *unit_map; /* old unit: new unit, or UINT32_MAX if deleted */
    gz_status st;
} carry_ctx;

static int carry_term(void *arg, const char *term, size_t len, const gz_terminfo *ti)
{
    carry_ctx *c = arg;
    if (len && term[0] == GZ_FIELD_PHRASE)
        return 0; /* found again from the merged grams at flush */
    gz_post p;
    uint32_t id = UINT32_MAX;
    int nopos = (ti->flags & GZ_TERM_NOPOS) != 0;
    c->st = gz_post_open(&p, c->seg, ti);
    while (c->st == GZ_OK && p.unit != GZ_POST_END) {
        uint32_t nu = c->unit_map[p.unit];
        if (nu != UINT32_MAX) {
            /* interned at its first live occurrence: a term only deleted
             * documents held is left behind */
            if (id == UINT32_MAX && (id = ix_memseg_term(c->ms, term, len)) == UINT32_MAX) {
                c->st = ix_memseg_status(c->ms) != GZ_OK ? ix_memseg_status(c->ms) : GZ_CORRUPT;
                break;
            }
            const uint32_t *pos = NULL, *span = NULL;
            uint32_t n = p.tf;
            if (!nopos && (c->st = gz_post_positions(&p, &pos, &span, &n)) != GZ_OK)
                break;
            for (uint32_t i = 0; i < n; i++)
                ix_memseg_occ(c->ms, id, nu, pos ? pos[i] : 0, span ? span[i] : 1);
        }
        c->st = gz_post_next(&p);
    }
    if (c->st == GZ_EOF)
        c->st = GZ_OK;
    gz_post_fini(&p);
    if (c->st == GZ_OK)
        c->st = ix_memseg_status(c->ms);
    return c->st != GZ_OK;
}

gz_status ix_merge(const char *dir, ix_state *s, const size_t *pos, size_t n, uint32_t new_id, gz_error *err)
{
    gz_manifest *m = s->man;
    ix_memseg *ms = ix_memseg_new(new_id);
    uint32_t **remap = gz_calloc(n, sizeof *remap);
    gz_status st = ms && remap ? GZ_OK : GZ_NOMEM;
    gz_buf text;
    gz_buf_init(&text);
    gz_textctx *tctx = NULL;
    /* the sources, all open first: one that does not open stops the merge
     * before any work */
    gz_segment **srcs = gz_calloc(n + 1, sizeof *srcs);
    if (!srcs)
        st = GZ_NOMEM;
    for (size_t k = 0; k < n && st == GZ_OK; k++) {
        char path[4200];
        gz_path_segment(path, sizeof path, dir, m->seg[pos[k]].id);
        st = gz_segment_open(path, &srcs[k], err);
    }
    for (size_t k = 0; k < n && st == GZ_OK; k++) {
        const gz_man_segment *g = &m->seg[pos[k]];
        const uint8_t *del = s->deleted[pos[k]];
        char path[4200];
        gz_path_segment(path, sizeof path, dir, g->id);
        gz_segment *seg = srcs[k];
        remap[k] = gz_alloc(((size_t)g->n_docs + 1) * sizeof **remap);
        uint32_t *unit_map = gz_alloc(((size_t)g->n_units + 1) * sizeof *unit_map);
        if (!remap[k] || !unit_map)
            st = GZ_NOMEM;
        for (uint32_t u = 0; unit_map && u < g->n_units; u++)
            unit_map[u] = UINT32_MAX;
        for (uint32_t d = 0; d < g->n_docs && st == GZ_OK; d++) {
            remap[k][d] = UINT32_MAX;
            if (gz_bit(del, d))
                continue;
            gz_docinfo di;
            if ((st = gz_segment_doc(seg, d, &di)) != GZ_OK || (st = gz_segment_text(seg, d, &text, &tctx)) != GZ_OK)
                break;
            ix_docmeta dm = {di.title, di.docno_raw, di.issuer, di.docno, di.body, di.source, di.issue,
                             di.date, di.year, di.serial, di.kind, di.version_date, di.status};
            remap[k][d] = ix_memseg_doc(ms, &dm, text.data ? text.data : "", text.len);
            for (uint32_t u = di.first_unit; u < di.first_unit + di.n_units && st == GZ_OK; u++) {
                gz_unitinfo ui;
                if ((st = gz_segment_unit(seg, u, &ui)) != GZ_OK)
                    break;
                if (ui.end > text.len || u >= g->n_units) {
                    st = GZ_CORRUPT;
                    break;
                }
                ix_unitmeta um = {ui.kind, ui.sub, ui.number, ui.label, ui.path, ui.start, ui.end,
                                  ui.page, ui.page_end};
                unit_map[u] = ix_memseg_n_units(ms);
                ix_memseg_unit_as(ms, &um, ui.len, ui.words);
            }
            if (st == GZ_OK)
                st = ix_memseg_status(ms);
        }
        /* then the postings, term by term, renumbered */
        carry_ctx c = {ms, seg, unit_map, GZ_OK};
        if (st == GZ_OK && gz_segment_terms(seg, carry_term, &c) != GZ_OK)
            st = c.st != GZ_OK ? c.st : GZ_CORRUPT;
        if (st == GZ_OK)
            st = c.st;
        gz_free(unit_map);
        if (st != GZ_OK && st != GZ_NOMEM && err && !err->msg[0])
            gz_error_set(err, st, -1, "[indexer][merge] %s: %s", path, gz_status_str(st));
    }
    gz_man_segment out = {0};
    if (st == GZ_OK) {
        char path[4200];
        gz_path_segment(path, sizeof path, dir, new_id);
        st = ix_memseg_flush(ms, path, &out, err);
    }
    unsigned char *gone = st == GZ_OK ? gz_calloc(m->n_seg + 1, 1) : NULL;
    if (st == GZ_OK && (!gone || (st = ix_state_add(s, &out)) != GZ_OK))
        st = GZ_NOMEM;
    if (st == GZ_OK) {
        /* the sources of the merged segments now point into the new one
         * (a source of no documents too: it must not name a segment that
         * is gone) */
        for (size_t i = 0; i < m->n_src; i++)
            for (size_t k = 0; k < n; k++)
                if (m->src[i].segment == m->seg[pos[k]].id) {
                    m->src[i].segment = new_id;
                    m->src[i].first_doc = m->src[i].n_docs ? remap[k][m->src[i].first_doc] : 0;
                    break;
                }
        /* the merged segments leave; the new one joined at the end */
        for (size_t k = 0; k < n; k++)
            gone[pos[k]] = 1;
        ix_state_drop(s, gone);
    }
    gz_free(gone);
    for (size_t k = 0; remap && k < n; k++)
        gz_free(remap[k]);
    gz_free(remap);
    for (size_t k = 0; srcs && k < n; k++)
        gz_segment_close(srcs[k]);
    gz_free(srcs);
    gz_buf_fini(&text);
    gz_textctx_free(tctx);
    ix_memseg_free(ms);
    if (st == GZ_NOMEM)
        gz_error_set(err, st, -1, "[indexer][merge] out of memory");
    return st;
}

/* A tier with this many segments is merged; more than IX_MAX_SEGMENTS in
 * all merges the smallest. One bulk run writes a segment per memory budget
 * and worker, so these leave a first build alone. */
#define IX_TIER_MERGE 8
#define IX_MAX_SEGMENTS 24

static unsigned tier(uint64_t bytes)
{
    unsigned t = 0;
    for (uint64_t b = bytes >> 20; b >= 4; b >>= 2)
        t++;
    return t;
}

gz_status ix_merge_policy(const char *dir, ix_state *s, size_t *merged, gz_error *err)
{
    for (int round = 0; round < 8; round++) {
        gz_manifest *m = s->man;
        size_t pick[16], n = 0;
        for (unsigned t = 0; t < 32 && n < IX_TIER_MERGE; t++) {
            n = 0;
            for (size_t i = 0; i < m->n_seg && n < 10; i++)
                if (tier(m->seg[i].bytes) == t)
                    pick[n++] = i;
        }
        if (n < IX_TIER_MERGE && m->n_seg > IX_MAX_SEGMENTS) {
            /* too many segments across tiers: merge the smallest ones */
            n = 0;
            for (size_t i = 0; i < m->n_seg && n < 4; i++)
                if (tier(m->seg[i].bytes) <= 1)
                    pick[n++] = i;
        }
        if (n < 2 || (n < IX_TIER_MERGE && m->n_seg <= IX_MAX_SEGMENTS))
            return GZ_OK;
        gz_status st = ix_merge(dir, s, pick, n, m->next_segment_id++, err);
        if (st != GZ_OK)
            return st;
        *merged += n;
    }
    return GZ_OK;
}
