/* searcher/versions.c: the works of a snapshot and their versions. The
 * documents that carry a version date (laws read from Markdown) are
 * grouped by work key (common/law.h): the newest is current (all the
 * documents of that date: a code's parts), the others historical; a document titled 关于废止《X》的决定 marks X's versions as
 * repealed, 关于修改《X》的决定 dated after X's newest marks it amended. */
#include "common/law.h"
#include "common/probe.h"
#include "searcher/docid.h"
#include "searcher/versions.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

const char *sr_vstat_name(uint8_t vstat)
{
    static const char *const name[] = {NULL, "current", "historical", "repealed", "amended"};
    return vstat < sizeof name / sizeof *name ? name[vstat] : NULL;
}

const char *sr_status_zh(const char *code)
{
    static const char *const zh[][2] = {
        {"current", "现行有效"}, {"historical", "历史版本"}, {"repealed", "已废止"}, {"amended", "已被修改"}};
    for (size_t i = 0; code && i < sizeof zh / sizeof zh[0]; i++)
        if (strcmp(code, zh[i][0]) == 0)
            return zh[i][1];
    return code ? code : "";
}

static size_t work_home(const sr_index *ix, const char *key)
{
    return gz_probe_first(XXH3_64bits(key, strlen(key)), ix->work_cap);
}

uint32_t sr_work_find(const sr_index *ix, const char *key)
{
    if (!ix->work_cap)
        return SR_NO_WORK;
    for (size_t at = work_home(ix, key); ix->work_slot[at]; at = gz_probe_next(at, ix->work_cap))
        if (strcmp(ix->works[ix->work_slot[at] - 1].key, key) == 0)
            return ix->work_slot[at] - 1;
    return SR_NO_WORK;
}

/* Doubles the slots (at least 1024) and places every work again. */
static gz_status slots_grow(sr_index *ix)
{
    size_t cap = ix->work_cap ? ix->work_cap * 2 : 1024;
    uint32_t *slot = gz_calloc(cap, sizeof *slot);
    if (!slot)
        return GZ_NOMEM;
    gz_free(ix->work_slot);
    ix->work_slot = slot;
    ix->work_cap = cap;
    for (size_t w = 0; w < ix->n_works; w++) {
        size_t at = work_home(ix, ix->works[w].key);
        while (slot[at])
            at = gz_probe_next(at, cap);
        slot[at] = (uint32_t)w + 1;
    }
    return GZ_OK;
}

uint32_t sr_work_intern(sr_index *ix, const char *key, const char *clean)
{
    uint32_t w = sr_work_find(ix, key);
    if (w != SR_NO_WORK)
        return w;
    if ((ix->n_works + 1) * 2 > ix->work_cap && slots_grow(ix) != GZ_OK)
        return SR_NO_WORK;
    if (gz_grow(&ix->works, &ix->cap_works, ix->n_works + 1, sizeof *ix->works, 256) != GZ_OK)
        return SR_NO_WORK;
    sr_work *k = &ix->works[ix->n_works];
    k->key = gz_strndup(key, strlen(key));
    k->clean = gz_strndup(clean, strlen(clean));
    k->first = k->n = 0;
    if (!k->key || !k->clean) {
        gz_free(k->key);
        gz_free(k->clean);
        return SR_NO_WORK;
    }
    size_t at = work_home(ix, key);
    while (ix->work_slot[at])
        at = gz_probe_next(at, ix->work_cap);
    ix->work_slot[at] = (uint32_t)ix->n_works + 1;
    return (uint32_t)ix->n_works++;
}

typedef struct staged {
    uint32_t work;
    sr_version v;
} staged;

/* by work, newest first, then in the snapshot's order */
static int cmp_staged(const void *a, const void *b)
{
    const staged *x = a, *y = b;
    if (x->work != y->work)
        return x->work < y->work ? -1 : 1;
    if (x->v.date != y->v.date)
        return x->v.date > y->v.date ? -1 : 1;
    if (x->v.seg != y->v.seg)
        return x->v.seg < y->v.seg ? -1 : 1;
    return (x->v.doc > y->v.doc) - (x->v.doc < y->v.doc);
}

/* What the decision titled title (dated date) does to the works it names. */
static void apply_decision(sr_index *ix, const char *title, uint32_t date)
{
    gz_law_act act;
    gz_span tg[16];
    size_t n = gz_law_act_targets(title, strlen(title), &act, tg, 16);
    char key[GZ_LAW_KEY_MAX];
    for (size_t i = 0; i < n && i < 16 && act != GZ_LAW_ACT_NONE; i++) {
        gz_law_work_key(title + tg[i].start, tg[i].end - tg[i].start, key, sizeof key);
        uint32_t w = sr_work_find(ix, key);
        if (w == SR_NO_WORK || !ix->works[w].n)
            continue;
        const sr_work *k = &ix->works[w];
        const sr_version *cur = &ix->vers[k->first];
        if (act == GZ_LAW_ACT_REPEAL && (!date || !cur->date || date >= cur->date)) {
            for (uint32_t j = 0; j < k->n; j++) {
                const sr_version *v = &ix->vers[k->first + j];
                ix->tab[v->seg].vstat[v->doc] = SR_VS_REPEALED;
            }
        } else if (act == GZ_LAW_ACT_AMEND && date > cur->date &&
                   ix->tab[cur->seg].vstat[cur->doc] == SR_VS_CURRENT) {
            ix->tab[cur->seg].vstat[cur->doc] = SR_VS_AMENDED;
        }
    }
}

gz_status sr_versions_build(sr_index *ix)
{
    staged *st = NULL;
    size_t n = 0, cap = 0;
    char key[GZ_LAW_KEY_MAX], clean[GZ_LAW_KEY_MAX];
    gz_status rc = GZ_OK;
    for (size_t s = 0; s < ix->snap->man.n_seg && rc == GZ_OK; s++) {
        const gz_segment *seg = ix->snap->seg[s];
        sr_segtab *t = &ix->tab[s];
        for (uint32_t d = 0; d < ix->snap->man.seg[s].n_docs; d++) {
            gz_docinfo di;
            t->work[d] = SR_NO_WORK;
            if (gz_segment_doc(seg, d, &di) != GZ_OK) {
                rc = GZ_CORRUPT;
                break;
            }
            t->vdate[d] = di.version_date;
            if (!di.version_date || gz_bit(ix->snap->deleted[s], d))
                continue;
            gz_law_work_key(di.title, strlen(di.title), key, sizeof key);
            gz_law_title_clean(di.title, strlen(di.title), clean, sizeof clean);
            uint32_t w = sr_work_intern(ix, key, clean);
            if (w == SR_NO_WORK || gz_grow(&st, &cap, n + 1, sizeof *st, 1024) != GZ_OK) {
                rc = GZ_NOMEM;
                break;
            }
            t->work[d] = w;
            st[n++] = (staged){w, {(uint32_t)s, d, di.version_date}};
        }
    }
    if (rc == GZ_OK && n) {
        qsort(st, n, sizeof *st, cmp_staged);
        if (!(ix->vers = gz_alloc(n * sizeof *ix->vers)))
            rc = GZ_NOMEM;
        for (size_t i = 0; rc == GZ_OK && i < n; i++) {
            sr_work *k = &ix->works[st[i].work];
            if (!k->n)
                k->first = (uint32_t)i;
            k->n++;
            ix->vers[i] = st[i].v;
            /* the documents of the newest date are its parts (民法典's
             * 总则, 物权编 ...) or copies: all current */
            ix->tab[st[i].v.seg].vstat[st[i].v.doc] =
                st[i].v.date == ix->vers[k->first].date ? SR_VS_CURRENT : SR_VS_HISTORICAL;
        }
        ix->n_vers = rc == GZ_OK ? n : 0;
    }
    gz_free(st);
    /* the decisions: any live document whose title repeals or amends */
    for (size_t s = 0; rc == GZ_OK && ix->n_vers && s < ix->snap->man.n_seg; s++)
        for (uint32_t d = 0; d < ix->snap->man.seg[s].n_docs; d++) {
            gz_docinfo di;
            if (gz_bit(ix->snap->deleted[s], d) || gz_segment_doc(ix->snap->seg[s], d, &di) != GZ_OK ||
                !strstr(di.title, "《"))
                continue;
            apply_decision(ix, di.title, di.date);
        }
    return rc;
}

void sr_versions_fini(sr_index *ix)
{
    for (size_t w = 0; w < ix->n_works; w++) {
        gz_free(ix->works[w].key);
        gz_free(ix->works[w].clean);
    }
    gz_free(ix->works);
    gz_free(ix->work_slot);
    gz_free(ix->vers);
}

void sr_work_versions(sr_arena *a, sr_index *ix, size_t s, uint32_t doc, int with_self,
                      const gazette_work_version **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    uint32_t w = ix->tab[s].work[doc];
    if (w == SR_NO_WORK || ix->works[w].n < 2)
        return;
    const sr_work *k = &ix->works[w];
    gazette_work_version *v = sr_arena_alloc(a, k->n * sizeof *v);
    for (uint32_t i = 0; v && i < k->n; i++) {
        const sr_version *x = &ix->vers[k->first + i];
        int self = x->seg == s && x->doc == doc;
        gz_docinfo di;
        char link[SR_LINK_MAX];
        if ((x->date == ix->tab[s].vdate[doc] && !(self && with_self)) ||
            gz_segment_doc(ix->snap->seg[x->seg], x->doc, &di) != GZ_OK)
            continue;
        sr_doc_link(ix, x->seg, x->doc, &di, link);
        v[(*n)++] = (gazette_work_version){sr_arena_str(a, link), sr_date_str(a, x->date),
                                            sr_vstat_name(ix->tab[x->seg].vstat[x->doc])};
    }
    *out = v;
}
