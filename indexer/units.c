/* indexer/units.c: from a parsed file (gz_doc) to documents and units in a
 * memseg. A bulletin issue gives one document per official document and
 * one per other part (contents, front matter ...); a law file gives one.
 * Inside a document every line belongs to exactly one unit: the article
 * that holds it, a table row, or the line itself (a paragraph, or the
 * heading line of a chapter, section or the document's title). */
#include "indexer/units.h"

#include <stdio.h>
#include <string.h>

static uint32_t iso_to_int(const char *iso)
{
    if (!iso || strlen(iso) != 10)
        return 0;
    unsigned y, m, d;
    return sscanf(iso, "%4u-%2u-%2u", &y, &m, &d) == 3 ? y * 10000 + m * 100 + d : 0;
}

typedef struct unit_ctx {
    ix_memseg *seg;
    an_analyzer *an;
    const gz_doc *doc;
    size_t base; /* the document's start in doc->text */
    gz_status status;
} unit_ctx;

/* The unit's place: regulation or attachment title, then the labels and
 * titles of the parts, chapters and sections above it. */
static void unit_path(const gz_doc *d, int32_t id, char *out, size_t cap)
{
    int32_t chain[16];
    int n = 0;
    for (int32_t p = d->nodes[id].parent; p != GZ_NONE && n < 16; p = d->nodes[p].parent) {
        gz_kind k = d->nodes[p].kind;
        if (k == GZ_KIND_PART || k == GZ_KIND_CHAPTER || k == GZ_KIND_SECTION || k == GZ_KIND_REGULATION ||
            k == GZ_KIND_ATTACHMENT)
            chain[n++] = p;
    }
    size_t len = 0;
    out[0] = 0;
    for (int i = n - 1; i >= 0 && len + 1 < cap; i--) {
        const gz_node *p = &d->nodes[chain[i]];
        const char *label = gz_doc_get(d, p->label), *title = gz_doc_get(d, p->title);
        int w = snprintf(out + len, cap - len, "%s%s%s%s", len ? " / " : "", label,
                         *label && *title ? " " : "", title);
        if (w < 0)
            break;
        len += (size_t)w;
        if (len >= cap)
            len = cap - 1;
    }
}

static void add_unit(unit_ctx *c, int32_t node, size_t start, size_t end, gz_kind kind, int heading)
{
    if (c->status != GZ_OK || end <= start)
        return;
    const gz_doc *d = c->doc;
    const gz_node *n = &d->nodes[node];
    char path[512];
    unit_path(d, node, path, sizeof path);
    ix_unitmeta u = {
        .kind = kind,
        .number = heading && n->number != GZ_NONE ? (int32_t)n->number : -1,
        .sub = heading ? (uint32_t)n->sub : 0,
        .label = heading ? gz_doc_get(d, n->label) : "",
        .path = path,
        .start = (uint32_t)(start - c->base),
        .end = (uint32_t)(end - c->base),
        .page = gz_doc_page(d, start),
        .page_end = gz_doc_page(d, end - 1),
    };
    const an_token *t;
    size_t k;
    gz_status st = an_analyze(c->an, d->text + start, end - start, AN_MODE_DOCUMENT, &t, &k);
    if (st != GZ_OK) {
        c->status = st;
        return;
    }
    ix_memseg_unit(c->seg, &u, t, k);
    if (ix_memseg_status(c->seg) != GZ_OK)
        c->status = ix_memseg_status(c->seg);
}

/* Lines of [start, end) that no child covers: one unit each. */
static void add_lines(unit_ctx *c, int32_t node, size_t start, size_t end)
{
    const gz_doc *d = c->doc;
    const gz_node *n = &d->nodes[node];
    size_t p = start;
    while (p < end) {
        const char *nl = memchr(d->text + p, '\n', end - p);
        size_t e = nl ? (size_t)(nl - d->text) : end;
        /* the node's own first line is its heading */
        int heading = p == n->start;
        add_unit(c, node, p, e, heading ? n->kind : GZ_KIND_PARAGRAPH, heading);
        p = e + 1;
    }
}

static void walk(unit_ctx *c, int32_t id)
{
    const gz_node *n = &c->doc->nodes[id];
    if (n->kind == GZ_KIND_ARTICLE) {
        add_unit(c, id, n->start, n->end, GZ_KIND_ARTICLE, 1);
        return;
    }
    if (n->kind == GZ_KIND_ROW || n->kind == GZ_KIND_ITEM || n->kind == GZ_KIND_PARAGRAPH) {
        add_unit(c, id, n->start, n->end, n->kind, n->kind == GZ_KIND_ITEM);
        return;
    }
    size_t cursor = n->start;
    for (int32_t ch = n->first_child; ch != GZ_NONE; ch = c->doc->nodes[ch].next_sibling) {
        const gz_node *cn = &c->doc->nodes[ch];
        if (cn->start > cursor)
            add_lines(c, id, cursor, cn->start);
        walk(c, ch);
        if (cn->end > cursor)
            cursor = cn->end;
    }
    if (cursor < n->end)
        add_lines(c, id, cursor, n->end);
}

static void add_document(unit_ctx *c, int32_t id, const char *source, const char *issue,
                         const char *issue_title, uint32_t issue_date)
{
    const gz_doc *d = c->doc;
    const gz_node *n = &d->nodes[id];
    char title[512];
    if (n->title)
        snprintf(title, sizeof title, "%s", gz_doc_get(d, n->title));
    else
        snprintf(title, sizeof title, "%s%s%s", issue_title, *issue_title ? " " : "",
                 n->kind == GZ_KIND_CONTENTS      ? "目录"
                 : n->kind == GZ_KIND_MASTHEAD    ? "刊头"
                 : n->kind == GZ_KIND_FRONTMATTER ? "编委会"
                 : n->kind == GZ_KIND_BACKMATTER  ? "简介"
                                                  : "");
    char canon[96] = "";
    if (n->docno_raw) {
        gz_docno dn;
        const char *raw = gz_doc_get(d, n->docno_raw);
        if (gz_docno_find(raw, strlen(raw), &dn))
            gz_docno_canon(&dn, canon, sizeof canon);
    }
    uint32_t date = iso_to_int(gz_doc_get(d, n->date));
    ix_docmeta m = {
        .title = title,
        .docno_raw = gz_doc_get(d, n->docno_raw),
        .issuer = gz_doc_get(d, n->issuer_code),
        .docno = canon,
        .body = gz_doc_get(d, n->body),
        .source = source,
        .issue = issue,
        .date = date ? date : issue_date,
        .year = n->docno_year > 0 ? (uint32_t)n->docno_year : 0,
        .serial = n->docno_serial > 0 ? (uint32_t)n->docno_serial : 0,
        .kind = n->kind,
        .version_date = n->version_date,
        .status = n->status,
    };
    ix_memseg_doc(c->seg, &m, d->text + n->start, n->end - n->start);
    c->base = n->start;
    walk(c, id);
}

gz_status ix_add_parsed(ix_memseg *seg, an_analyzer *an, const gz_doc *d, const char *source,
                        uint32_t *n_docs)
{
    unit_ctx c = {seg, an, d, 0, GZ_OK};
    uint32_t before = ix_memseg_n_docs(seg);
    if (d->n_nodes == 0)
        return GZ_INVALID;
    const gz_node *root = &d->nodes[0];
    if (root->kind == GZ_KIND_ISSUE) {
        char issue[256];
        const char *it = gz_doc_get(d, root->title);
        snprintf(issue, sizeof issue, "%s%s%s", it, root->issue_no ? " " : "", gz_doc_get(d, root->issue_no));
        uint32_t date = iso_to_int(gz_doc_get(d, root->date));
        for (int32_t ch = root->first_child; ch != GZ_NONE && c.status == GZ_OK; ch = d->nodes[ch].next_sibling)
            add_document(&c, ch, source, issue, it, date);
    } else {
        add_document(&c, 0, source, "", "", 0);
    }
    *n_docs = ix_memseg_n_docs(seg) - before;
    return c.status;
}
