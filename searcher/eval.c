/* searcher/eval.c: evaluating a parsed query over one segment's match
 * lists: AND, OR and NOT of the leaves' sorted units, and filters. */
#include "searcher/eval.h"

#include <stdlib.h>
#include <string.h>

/* Copies src into dst (empty). */
static gz_status ul_copy(ulist *dst, const ulist *src)
{
    if (ul_reserve(dst, src->n) != GZ_OK)
        return GZ_NOMEM;
    if (src->n) {
        memcpy(dst->unit, src->unit, src->n * sizeof *dst->unit);
        memcpy(dst->tf, src->tf, src->n * sizeof *dst->tf);
    }
    dst->n = src->n;
    return GZ_OK;
}

static gz_status all_units(const seg_eval *se, ulist *out)
{
    gz_seg_stats ss;
    gz_segment_stats(se->seg, &ss);
    gz_status st = GZ_OK;
    for (uint32_t u = 0; u < ss.n_units && st == GZ_OK; u++)
        st = ul_push(out, u, 1);
    return st;
}

static int keeps(const seg_eval *se, const q_node *f, uint32_t unit, gz_buf *scratch, an_analyzer *an)
{
    gz_unitinfo ui;
    gz_docinfo di;
    if (gz_segment_unit(se->seg, unit, &ui) != GZ_OK || gz_segment_doc(se->seg, ui.doc, &di) != GZ_OK)
        return 0;
    switch (f->field) {
    case F_DATE:
    case F_YEAR: return di.date >= f->lo && di.date <= f->hi && di.date != 0;
    case F_KIND: return f->kind >= 0 && ((int)ui.kind == f->kind || (int)di.kind == f->kind);
    case F_ISSUER: return strcmp(di.issuer, f->text) == 0 || strstr(di.body, f->text) != NULL;
    case F_DOCNO: {
        gz_docno a, b;
        if (!gz_docno_find(f->text, strlen(f->text), &a))
            return strstr(di.docno_raw, f->text) != NULL;
        return gz_docno_find(di.docno, strlen(di.docno), &b) && a.year == b.year && a.serial == b.serial &&
               strcmp(a.issuer, b.issuer) == 0;
    }
    case F_TITLE: {
        /* normalised substring of the title or of the unit's place */
        const char *n1;
        size_t l1;
        const uint32_t *map;
        if (an_normalize(an, f->text, strlen(f->text), &n1, &l1, &map) != GZ_OK)
            return 0;
        scratch->len = 0;
        gz_buf_put(scratch, n1, l1);
        gz_buf_cstr(scratch);
        char *want = scratch->data ? gz_strndup(scratch->data, scratch->len) : NULL;
        int held = 0;
        const char *fields[2] = {di.title, ui.path};
        for (int k = 0; want && k < 2 && !held; k++) {
            const char *n2;
            size_t l2;
            if (an_normalize(an, fields[k], strlen(fields[k]), &n2, &l2, &map) == GZ_OK)
                held = memmem(n2, l2, want, strlen(want)) != NULL;
        }
        gz_free(want);
        return held;
    }
    default: return 1;
    }
}

/* Evaluates n over one segment into out (sorted units). */
gz_status sr_eval(const seg_eval *se, const q_node *n, ulist *out, gz_buf *scratch, an_analyzer *an)
{
    gz_status st = GZ_OK;
    switch (n->type) {
    case Q_TEXT:
        return ul_copy(out, &se->leaf[n->leaf]);
    case Q_FILTER: {
        ulist all = {0};
        st = all_units(se, &all);
        for (size_t i = 0; st == GZ_OK && i < all.n; i++)
            if (keeps(se, n, all.unit[i], scratch, an))
                st = ul_push(out, all.unit[i], 1);
        ul_fini(&all);
        return st;
    }
    case Q_NOT: {
        ulist all = {0}, inner = {0};
        st = all_units(se, &all);
        if (st == GZ_OK)
            st = sr_eval(se, n->kid[0], &inner, scratch, an);
        for (size_t i = 0, j = 0; st == GZ_OK && i < all.n; i++) {
            while (j < inner.n && inner.unit[j] < all.unit[i])
                j++;
            if (j >= inner.n || inner.unit[j] != all.unit[i])
                st = ul_push(out, all.unit[i], 1);
        }
        ul_fini(&all);
        ul_fini(&inner);
        return st;
    }
    case Q_OR: {
        /* one k-way merge of the operands */
        ulist *kid = gz_calloc(n->n_kid + 1, sizeof *kid);
        size_t *at = gz_calloc(n->n_kid + 1, sizeof *at);
        if (!kid || !at)
            st = GZ_NOMEM;
        for (size_t k = 0; st == GZ_OK && k < n->n_kid; k++)
            st = sr_eval(se, n->kid[k], &kid[k], scratch, an);
        while (st == GZ_OK) {
            uint32_t u = GZ_POST_END;
            for (size_t k = 0; k < n->n_kid; k++)
                if (at[k] < kid[k].n && kid[k].unit[at[k]] < u)
                    u = kid[k].unit[at[k]];
            if (u == GZ_POST_END)
                break;
            for (size_t k = 0; k < n->n_kid; k++)
                at[k] += at[k] < kid[k].n && kid[k].unit[at[k]] == u;
            st = ul_push(out, u, 1);
        }
        for (size_t k = 0; kid && k < n->n_kid; k++)
            ul_fini(&kid[k]);
        gz_free(kid);
        gz_free(at);
        return st;
    }
    case Q_AND: {
        /* lists intersect; filters and negations then remove */
        ulist acc = {0};
        int have = 0;
        for (size_t k = 0; st == GZ_OK && k < n->n_kid; k++) {
            const q_node *c = n->kid[k];
            if (c->type == Q_FILTER || c->type == Q_NOT)
                continue;
            ulist kid = {0}, inter = {0};
            st = sr_eval(se, c, &kid, scratch, an);
            if (!have) {
                acc = kid;
                have = 1;
                continue;
            }
            for (size_t i = 0, j = 0; st == GZ_OK && i < acc.n && j < kid.n;) {
                if (acc.unit[i] < kid.unit[j])
                    i++;
                else if (kid.unit[j] < acc.unit[i])
                    j++;
                else {
                    st = ul_push(&inter, acc.unit[i], 1);
                    i++;
                    j++;
                }
            }
            ul_fini(&acc);
            ul_fini(&kid);
            acc = inter;
        }
        if (!have && st == GZ_OK)
            st = all_units(se, &acc);
        for (size_t k = 0; st == GZ_OK && k < n->n_kid; k++) {
            const q_node *c = n->kid[k];
            if (c->type != Q_FILTER && c->type != Q_NOT)
                continue;
            ulist neg = {0}, kept = {0};
            if (c->type == Q_NOT)
                st = sr_eval(se, c->kid[0], &neg, scratch, an);
            for (size_t i = 0, j = 0; st == GZ_OK && i < acc.n; i++) {
                int keep;
                if (c->type == Q_FILTER) {
                    keep = keeps(se, c, acc.unit[i], scratch, an);
                } else {
                    while (j < neg.n && neg.unit[j] < acc.unit[i])
                        j++;
                    keep = !(j < neg.n && neg.unit[j] == acc.unit[i]);
                }
                if (keep)
                    st = ul_push(&kept, acc.unit[i], 1);
            }
            ul_fini(&neg);
            ul_fini(&acc);
            acc = kept;
        }
        *out = acc;
        return st;
    }
    }
    return st;
}

