/* searcher/answer.c: the arena an answer's strings and arrays live in
 * until the next call on the handle, string lists, and the parts every
 * answer shares: a unit and a document's reference. */
#include "searcher/answer.h"
#include "searcher/docid.h"
#include "searcher/index.h"
#include "searcher/versions.h"

#include <stdio.h>

/* Blocks of at least 64 KiB; a larger request gets a block of its own. */
#define ARENA_BLOCK (64u << 10)

typedef struct sr_block {
    struct sr_block *next;
    size_t used, cap;
    max_align_t data[];
} sr_block;

void sr_arena_init(sr_arena *a) { memset(a, 0, sizeof *a); }

void sr_arena_reset(sr_arena *a)
{
    while (a->head) {
        sr_block *b = a->head;
        a->head = b->next;
        gz_free(b);
    }
    a->failed = 0;
}

void sr_arena_fini(sr_arena *a) { sr_arena_reset(a); }

void *sr_arena_alloc(sr_arena *a, size_t len)
{
    len = (len + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    sr_block *b = a->head;
    if (!b || b->cap - b->used < len) {
        size_t cap = len > ARENA_BLOCK ? len : ARENA_BLOCK;
        if (!(b = gz_alloc(sizeof *b + cap))) {
            a->failed = 1;
            return NULL;
        }
        b->used = 0;
        b->cap = cap;
        /* a block of its own goes behind the current one, which keeps its room */
        if (a->head && len > ARENA_BLOCK) {
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = (char *)b->data + b->used;
    b->used += len;
    return p;
}

const char *sr_arena_strn(sr_arena *a, const char *s, size_t len)
{
    char *p = sr_arena_alloc(a, len + 1);
    if (!p)
        return "";
    memcpy(p, s, len);
    p[len] = 0;
    return p;
}

void sr_list_add(gz_buf *list, const char *s, size_t len)
{
    for (size_t i = 0; i < list->len; i += strlen(list->data + i) + 1)
        if (strlen(list->data + i) == len && memcmp(list->data + i, s, len) == 0)
            return;
    gz_buf_put(list, s, len);
    gz_buf_putc(list, 0);
}

void sr_list_zh(gz_buf *zh, const gz_buf *list)
{
    for (size_t i = 0; i < list->len; i += strlen(list->data + i) + 1) {
        if (i)
            gz_buf_puts(zh, "、");
        gz_buf_puts(zh, list->data + i);
    }
}

const char *const *sr_list_array(sr_arena *a, const gz_buf *list, size_t *n)
{
    size_t k = 0;
    for (size_t i = 0; i < list->len; i += strlen(list->data + i) + 1)
        k++;
    const char **v = sr_arena_alloc(a, (k + 1) * sizeof *v);
    *n = 0;
    if (!v)
        return NULL;
    for (size_t i = 0; i < list->len; i += strlen(list->data + i) + 1)
        v[(*n)++] = sr_arena_str(a, list->data + i);
    v[*n] = NULL;
    return v;
}

void sr_unit_fill(sr_arena *a, const sr_index *ix, size_t s, uint32_t unit, const gz_unitinfo *ui, gazette_unit *out)
{
    char id[48];
    snprintf(id, sizeof id, "%u-%u-%u", ix->snap->man.seg[s].id, ui->doc, unit);
    /* label and path point into the segment's mapping: valid while open */
    *out = (gazette_unit){sr_arena_str(a, id), gz_kind_name((gz_kind)ui->kind), ui->number, ui->sub, ui->label,
                          ui->path, ui->start, ui->end, ui->page, ui->page_end};
}

void sr_doc_ref_fill(sr_arena *a, const sr_index *ix, size_t s, uint32_t doc, const gz_docinfo *di,
                     gazette_doc_ref *out)
{
    char link[SR_LINK_MAX], at[24];
    sr_doc_link(ix, s, doc, di, link);
    snprintf(at, sizeof at, "%u-%u", ix->snap->man.seg[s].id, doc);
    *out = (gazette_doc_ref){sr_arena_str(a, link), sr_arena_str(a, at), di->title,
                             *di->docno_raw ? di->docno_raw : NULL, sr_date_str(a, di->date),
                             di->source, NULL, NULL};
    uint8_t vs = ix->tab[s].vstat[doc];
    if (vs != SR_VS_NONE) {
        out->version_date = sr_date_str(a, ix->tab[s].vdate[doc]);
        out->status = sr_vstat_name(vs);
    }
}

const char *sr_date_str(sr_arena *a, uint32_t ymd)
{
    char date[16];
    if (!ymd)
        return NULL;
    snprintf(date, sizeof date, "%04u-%02u-%02u", ymd / 10000 % 10000, ymd / 100 % 100, ymd % 100);
    return sr_arena_str(a, date);
}
