/* common/doc.c: the structured document tree (gz_doc) and its JSON form.
 * Built by corpus/, read by indexer/ and the CLI. */
#include "common/common.h"

#include <string.h>

static const char *const kind_names[GZ_KIND__COUNT] = {
    [GZ_KIND_ISSUE] = "issue",         [GZ_KIND_MASTHEAD] = "masthead",
    [GZ_KIND_CONTENTS] = "contents",   [GZ_KIND_FRONTMATTER] = "frontmatter",
    [GZ_KIND_DOCUMENT] = "document",   [GZ_KIND_REGULATION] = "regulation",
    [GZ_KIND_ATTACHMENT] = "attachment", [GZ_KIND_PART] = "part",
    [GZ_KIND_CHAPTER] = "chapter",     [GZ_KIND_SECTION] = "section",
    [GZ_KIND_ARTICLE] = "article",     [GZ_KIND_ITEM] = "item",
    [GZ_KIND_PARAGRAPH] = "paragraph", [GZ_KIND_TABLE] = "table",
    [GZ_KIND_ROW] = "row",             [GZ_KIND_CELL] = "cell",
    [GZ_KIND_BACKMATTER] = "backmatter",
};

const char *gz_kind_name(gz_kind k)
{
    return (unsigned)k < GZ_KIND__COUNT ? kind_names[k] : "unknown";
}

int gz_kind_from_name(const char *s)
{
    for (int k = 0; k < GZ_KIND__COUNT; k++)
        if (strcmp(kind_names[k], s) == 0)
            return k;
    return -1;
}

void gz_doc_init(gz_doc *d)
{
    memset(d, 0, sizeof *d);
    gz_buf_init(&d->pool);
    gz_buf_putc(&d->pool, 0); /* offset 0 is the empty string */
}

void gz_doc_fini(gz_doc *d)
{
    gz_free(d->path);
    gz_free(d->text);
    gz_free(d->nodes);
    gz_free(d->page_at);
    gz_buf_fini(&d->pool);
    memset(d, 0, sizeof *d);
}

int32_t gz_doc_add(gz_doc *d, int32_t parent, gz_kind kind, size_t start, size_t end)
{
    if (d->status != GZ_OK)
        return GZ_NONE;
    if (d->n_nodes >= INT32_MAX ||
        gz_grow(&d->nodes, &d->cap_nodes, d->n_nodes + 1, sizeof *d->nodes, 64) != GZ_OK) {
        d->status = GZ_NOMEM;
        return GZ_NONE;
    }
    int32_t id = (int32_t)d->n_nodes++;
    gz_node *n = &d->nodes[id];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->parent = parent;
    n->first_child = n->last_child = n->next_sibling = GZ_NONE;
    n->number = GZ_NONE;
    n->docno_year = n->docno_serial = n->total_no = GZ_NONE;
    n->start = start;
    n->end = end;
    if (parent != GZ_NONE) {
        gz_node *p = &d->nodes[parent];
        if (p->last_child == GZ_NONE)
            p->first_child = id;
        else
            d->nodes[p->last_child].next_sibling = id;
        p->last_child = id;
    }
    return id;
}

uint32_t gz_doc_str(gz_doc *d, const char *s, size_t len)
{
    if (len == 0)
        return 0;
    size_t off = d->pool.len;
    gz_buf_put(&d->pool, s, len);
    gz_buf_putc(&d->pool, 0);
    if (d->pool.status != GZ_OK || off > UINT32_MAX) {
        d->status = GZ_NOMEM;
        return 0;
    }
    return (uint32_t)off;
}

static void json_field_str(gz_buf *b, const gz_doc *d, const char *name, uint32_t off)
{
    if (!off)
        return;
    gz_buf_printf(b, ",\"%s\":", name);
    const char *s = gz_doc_get(d, off);
    gz_json_str(b, s, strlen(s));
}

uint32_t gz_doc_page(const gz_doc *d, size_t off)
{
    if (!d->n_pages)
        return 0;
    size_t lo = 0, hi = d->n_page_at; /* first page start above off */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->page_at[mid] <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (uint32_t)lo + 1;
}

static void json_node(const gz_doc *d, int32_t id, gz_buf *b, int depth)
{
    const gz_node *n = &d->nodes[id];
    gz_buf_printf(b, "{\"kind\":\"%s\"", gz_kind_name(n->kind));
    json_field_str(b, d, "label", n->label);
    if (n->number != GZ_NONE)
        gz_buf_printf(b, ",\"number\":%lld", (long long)n->number);
    if (n->sub)
        gz_buf_printf(b, ",\"sub\":%d", n->sub);
    if (n->level)
        gz_buf_printf(b, ",\"level\":%d", n->level);
    gz_buf_printf(b, ",\"start\":%zu,\"end\":%zu", n->start, n->end);
    if (d->n_pages)
        gz_buf_printf(b, ",\"page\":%u,\"page_end\":%u", gz_doc_page(d, n->start),
                      gz_doc_page(d, n->end > n->start ? n->end - 1 : n->start));
    json_field_str(b, d, "title", n->title);
    json_field_str(b, d, "issue_no", n->issue_no);
    if (n->total_no != GZ_NONE)
        gz_buf_printf(b, ",\"total_no\":%d", n->total_no);
    json_field_str(b, d, "date", n->date);
    if (n->docno_raw) {
        gz_buf_puts(b, ",\"docno\":{\"raw\":");
        const char *raw = gz_doc_get(d, n->docno_raw);
        gz_json_str(b, raw, strlen(raw));
        gz_buf_puts(b, ",\"issuer\":");
        const char *is = gz_doc_get(d, n->issuer_code);
        gz_json_str(b, is, strlen(is));
        gz_buf_printf(b, ",\"year\":%d,\"serial\":%d}", n->docno_year, n->docno_serial);
    }
    json_field_str(b, d, "body", n->body);
    json_field_str(b, d, "recipients", n->recipients);
    if (n->first_child != GZ_NONE) {
        gz_buf_puts(b, ",\"children\":[");
        for (int32_t c = n->first_child; c != GZ_NONE; c = d->nodes[c].next_sibling) {
            json_node(d, c, b, depth + 1);
            if (d->nodes[c].next_sibling != GZ_NONE)
                gz_buf_putc(b, ',');
        }
        gz_buf_putc(b, ']');
    }
    gz_buf_putc(b, '}');
}

void gz_doc_json(const gz_doc *d, gz_buf *out)
{
    gz_buf_puts(out, "{\"source\":");
    gz_json_str(out, d->path ? d->path : "", d->path ? strlen(d->path) : 0);
    gz_buf_printf(out, ",\"text_len\":%zu", d->text_len);
    if (d->n_pages)
        gz_buf_printf(out, ",\"pages\":%u", d->n_pages);
    gz_buf_puts(out, ",\"root\":");
    if (d->n_nodes)
        json_node(d, 0, out, 0);
    else
        gz_buf_puts(out, "null");
    gz_buf_putc(out, '}');
}
