/* searcher/json.c: the JSON of every answer (docs/api.md), written from the
 * structs of include/gazette.h: the one writer the CLI's --json and the
 * server's /api/ share. Each part (a unit, a document's reference, a list
 * of strings) is written by one function. */
#include "searcher/searcher.h"

#include <string.h>

static void str(gz_buf *b, const char *s) { gz_json_str(b, s, strlen(s)); }

/* "key":"value", or "key":null for NULL */
static void kv_str(gz_buf *b, const char *k, const char *v)
{
    gz_buf_printf(b, "\"%s\":", k);
    if (v)
        str(b, v);
    else
        gz_buf_puts(b, "null");
}

static void str_list(gz_buf *b, const char *const *v, size_t n)
{
    gz_buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            gz_buf_putc(b, ',');
        str(b, v[i]);
    }
    gz_buf_putc(b, ']');
}

static void unit_json(gz_buf *b, const gazette_unit *u)
{
    gz_buf_puts(b, "{\"id\":");
    str(b, u->id);
    gz_buf_printf(b, ",\"kind\":\"%s\"", u->kind);
    if (u->number >= 0)
        gz_buf_printf(b, ",\"number\":%d", u->number);
    if (u->sub)
        gz_buf_printf(b, ",\"sub\":%u", u->sub);
    gz_buf_putc(b, ',');
    kv_str(b, "label", u->label);
    gz_buf_putc(b, ',');
    kv_str(b, "path", u->path);
    gz_buf_printf(b, ",\"start\":%u,\"end\":%u", u->start, u->end);
    if (u->page) /* a paged source's */
        gz_buf_printf(b, ",\"page\":%u,\"page_end\":%u", u->page, u->page_end);
    gz_buf_putc(b, '}');
}

/* ,"refs":[{"start","end","kind","target":{"id","doc","label","title"}}] */
static void refs_json(gz_buf *b, const gazette_ref *r, size_t n)
{
    gz_buf_puts(b, ",\"refs\":[");
    for (size_t i = 0; i < n; i++) {
        const gazette_ref_target *t = &r[i].target;
        gz_buf_printf(b, "%s{\"start\":%u,\"end\":%u,\"kind\":\"%s\",\"target\":{", i ? "," : "", r[i].start,
                      r[i].end, r[i].kind);
        kv_str(b, "id", t->id);
        gz_buf_putc(b, ',');
        kv_str(b, "doc", t->doc);
        gz_buf_putc(b, ',');
        kv_str(b, "label", t->label);
        gz_buf_putc(b, ',');
        kv_str(b, "title", t->title);
        gz_buf_puts(b, "}}");
    }
    gz_buf_putc(b, ']');
}

/* "k1":v1,"k2":v2... from pairs {k1, v1, k2, v2 ...} (kv_str each) */
static void kv_strs(gz_buf *b, const char *const *kv, size_t n_pairs)
{
    for (size_t i = 0; i < n_pairs; i++) {
        if (i)
            gz_buf_putc(b, ',');
        kv_str(b, kv[2 * i], kv[2 * i + 1]);
    }
}

/* A document's reference as an object of its own (articles, pages). */
static void doc_json(gz_buf *b, const gazette_doc_ref *d)
{
    const char *kv[] = {"id", d->id, "at", d->at, "title", d->title, "docno", d->docno, "date", d->date,
                        "source", d->source, "version_date", d->version_date, "status", d->status};
    gz_buf_putc(b, '{');
    kv_strs(b, kv, 8);
    gz_buf_putc(b, '}');
}

/* "versions":{"count":N,"others":[{id, version_date, status}...]} */
static void versions_json(gz_buf *b, const gazette_work_version *v, size_t n)
{
    gz_buf_printf(b, ",\"versions\":{\"count\":%zu,\"others\":[", n);
    for (size_t i = 0; i < n; i++) {
        const char *kv[] = {"id", v[i].id, "version_date", v[i].version_date, "status", v[i].status};
        gz_buf_puts(b, i ? ",{" : "{");
        kv_strs(b, kv, 3);
        gz_buf_putc(b, '}');
    }
    gz_buf_puts(b, "]}");
}

static void hit_json(gz_buf *b, const gazette_hit *h, gazette_by by)
{
    /* a hit's document fields are its own, in this order */
    const gazette_doc_ref *d = &h->doc;
    const char *kv[] = {"id", d->id, "at", d->at, "source", d->source, "title", d->title, "docno", d->docno,
                        "date", d->date, "version_date", d->version_date, "status", d->status};
    gz_buf_putc(b, '{');
    kv_strs(b, kv, 8);
    gz_buf_printf(b, ",\"score\":%.4f,", h->score);
    if (h->issue) {
        kv_str(b, "issue", h->issue);
        gz_buf_putc(b, ',');
    }
    gz_buf_puts(b, "\"snippet\":");
    gz_json_str(b, h->snippet, h->snippet_len);
    gz_buf_printf(b, ",\"snippet_start\":%u,\"highlights\":[", h->snippet_start);
    for (size_t i = 0; i < h->n_highlights; i++)
        gz_buf_printf(b, "%s[%u,%u]", i ? "," : "", h->highlights[i].start, h->highlights[i].end);
    gz_buf_putc(b, ']');
    refs_json(b, h->refs, h->n_refs);
    gz_buf_puts(b, ",\"unit\":");
    unit_json(b, &h->unit);
    if (by == GAZETTE_BY_DOCUMENT) {
        gz_buf_printf(b, ",\"units_matched\":%u,\"more_units\":[", h->units_matched);
        for (size_t i = 0; i < h->n_more_units; i++) {
            gz_buf_puts(b, i ? ",{\"unit\":" : "{\"unit\":");
            unit_json(b, &h->more_units[i]);
            gz_buf_putc(b, '}');
        }
        gz_buf_putc(b, ']');
    }
    if (h->n_versions)
        versions_json(b, h->versions, h->n_versions);
    if (h->more_in_document)
        gz_buf_printf(b, ",\"more_in_document\":%zu", h->more_in_document);
    gz_buf_putc(b, '}');
}

static void facet_json(gz_buf *b, const char *name, const gazette_facet *f)
{
    gz_buf_printf(b, "\"%s\":[", name);
    for (size_t i = 0; i < f->n; i++) {
        gz_buf_puts(b, i ? ",{\"value\":" : "{\"value\":");
        str(b, f->v[i].value);
        gz_buf_printf(b, ",\"count\":%zu}", f->v[i].count);
    }
    gz_buf_putc(b, ']');
}

void sr_page_json(const gazette_page *p, gz_buf *out)
{
    gz_buf_putc(out, '{');
    kv_str(out, "query", p->query);
    gz_buf_putc(out, ',');
    kv_str(out, "read_as", p->read_as);
    gz_buf_printf(out, ",\"mode\":\"%s\",\"reading\":{\"code\":\"%s\",\"text\":", p->mode, p->reading.code);
    str(out, p->reading.text);
    gz_buf_puts(out, ",\"expanded\":");
    str_list(out, p->reading.expanded, p->reading.n_expanded);
    gz_buf_putc(out, '}');
    if (p->hint) {
        gz_buf_puts(out, ",\"hint\":{\"did_you_mean\":");
        str_list(out, p->hint->did_you_mean, p->hint->n_did_you_mean);
        gz_buf_puts(out, ",\"drop\":");
        str_list(out, p->hint->drop, p->hint->n_drop);
        gz_buf_puts(out, ",\"text\":");
        str(out, p->hint->text);
        gz_buf_putc(out, '}');
    }
    gz_buf_printf(out, ",\"unit\":\"%s\",\"notes\":", p->by == GAZETTE_BY_DOCUMENT ? "document" : "article");
    str_list(out, p->notes, p->n_notes);
    gz_buf_printf(out, ",\"total\":%zu,\"total_estimated\":%s,\"facets_estimated\":%s,\"partial\":%s,", p->total,
                  p->total_estimated ? "true" : "false", p->facets_estimated ? "true" : "false",
                  p->partial ? "true" : "false");
    if (p->limit)
        gz_buf_printf(out, "\"limit\":\"%s\",", p->limit);
    gz_buf_puts(out, "\"hits\":[");
    for (size_t i = 0; i < p->n_hits; i++) {
        if (i)
            gz_buf_putc(out, ',');
        hit_json(out, &p->hits[i], p->by);
    }
    gz_buf_puts(out, "],\"facets\":{");
    facet_json(out, "year", &p->year);
    gz_buf_putc(out, ',');
    facet_json(out, "issuer", &p->issuer);
    gz_buf_putc(out, ',');
    facet_json(out, "kind", &p->kind);
    gz_buf_putc(out, ',');
    facet_json(out, "validity", &p->validity);
    gz_buf_puts(out, "}}");
}

/* "title":…,"document":{…},"unit":{…}: an article in a list (candidates,
 * citing units) */
static void article_of_json(gz_buf *b, const char *title, const gazette_doc_ref *d, const gazette_unit *u)
{
    kv_str(b, "title", title);
    gz_buf_puts(b, ",\"document\":");
    doc_json(b, d);
    gz_buf_puts(b, ",\"unit\":");
    unit_json(b, u);
}

/* ,"cited_by":[{"title","document","unit","snippet","ref":[s,e]}],"cited_by_partial" */
static void cited_by_json(gz_buf *b, const gazette_article *a)
{
    gz_buf_puts(b, ",\"cited_by\":[");
    for (size_t i = 0; i < a->n_cited_by; i++) {
        const gazette_citation *c = &a->cited_by[i];
        gz_buf_puts(b, i ? ",{" : "{");
        article_of_json(b, c->title, &c->doc, &c->unit);
        gz_buf_puts(b, ",\"snippet\":");
        gz_json_str(b, c->snippet, c->snippet_len);
        gz_buf_printf(b, ",\"ref\":[%u,%u]}", c->ref.start, c->ref.end);
    }
    gz_buf_printf(b, "],\"cited_by_partial\":%s", a->cited_by_partial ? "true" : "false");
}

void sr_article_answer_json(const gazette_article *a, gz_buf *out)
{
    if (a->found) {
        gz_buf_putc(out, '{');
        kv_str(out, "source", a->source);
        gz_buf_putc(out, ',');
        article_of_json(out, a->title, &a->doc, &a->unit);
        gz_buf_puts(out, ",\"text\":");
        if (a->text)
            gz_json_str(out, a->text, a->text_len);
        else
            gz_buf_puts(out, "null");
        if (a->has_clause) {
            gz_buf_printf(out, ",\"clause\":{\"start\":%u,\"end\":%u,", a->clause.start, a->clause.end);
            kv_str(out, "label", a->clause_label);
            gz_buf_putc(out, '}');
        }
        if (a->note) {
            gz_buf_putc(out, ',');
            kv_str(out, "note", a->note);
        }
        refs_json(out, a->refs, a->n_refs);
        if (a->cited_by_asked)
            cited_by_json(out, a);
        gz_buf_putc(out, '}');
        return;
    }
    gz_buf_puts(out, "{\"candidates\":[");
    for (size_t i = 0; i < a->n_candidates; i++) {
        const gazette_article_match *c = &a->candidates[i];
        gz_buf_puts(out, i ? ",{" : "{");
        article_of_json(out, c->title, &c->doc, &c->unit);
        gz_buf_putc(out, ',');
        kv_str(out, "first_line", c->first_line);
        gz_buf_putc(out, '}');
    }
    if (a->note) {
        gz_buf_puts(out, "],");
        kv_str(out, "note", a->note);
        gz_buf_putc(out, '}');
    } else {
        gz_buf_printf(out, "],\"total\":%zu}", a->total);
    }
}

void sr_document_json(const gazette_document *d, gz_buf *out)
{
    gz_buf_puts(out, "{\"document\":");
    doc_json(out, &d->doc);
    gz_buf_putc(out, ',');
    if (d->moved_from) {
        kv_str(out, "moved_from", d->moved_from);
        gz_buf_putc(out, ',');
    }
    kv_str(out, "issue", d->issue);
    gz_buf_puts(out, ",\"text\":");
    gz_json_str(out, d->text, d->text_end - d->text_start);
    gz_buf_printf(out, ",\"text_start\":%u,\"text_end\":%u,\"text_len\":%u", d->text_start, d->text_end, d->text_len);
    if (d->next >= 0)
        gz_buf_printf(out, ",\"next\":%lld", (long long)d->next);
    else
        gz_buf_puts(out, ",\"next\":null");
    if (d->prev >= 0)
        gz_buf_printf(out, ",\"prev\":%lld", (long long)d->prev);
    else
        gz_buf_puts(out, ",\"prev\":null");
    gz_buf_puts(out, ",\"units\":[");
    for (size_t i = 0; i < d->n_units; i++) {
        if (i)
            gz_buf_putc(out, ',');
        unit_json(out, &d->units[i]);
    }
    gz_buf_putc(out, ']');
    refs_json(out, d->refs, d->n_refs);
    gz_buf_putc(out, '}');
}
