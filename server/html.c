/* server/html.c: the Chinese web page for citizens and clerks: a search box,
 * filters with counts, highlighted snippets, paging, a document view with an
 * anchor per unit, and an article lookup box. Plain HTML and CSS: usable
 * without JavaScript, and on a phone. */
#include "server/html.h"
#include "searcher/searcher.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void html_escape(gz_buf *b, const char *s, size_t len)
{
    const char *p = s, *end = s + len;
    while (p < end) {
        const char *q = p;
        int32_t c = gz_utf8_next(&q, end);
        if (c < 0) {
            gz_buf_puts(b, "\xEF\xBF\xBD");
            p++;
            continue;
        }
        switch (c) {
        case '&': gz_buf_puts(b, "&amp;"); break;
        case '<': gz_buf_puts(b, "&lt;"); break;
        case '>': gz_buf_puts(b, "&gt;"); break;
        case '"': gz_buf_puts(b, "&quot;"); break;
        case '\'': gz_buf_puts(b, "&#39;"); break;
        default: gz_buf_put(b, p, (size_t)(q - p));
        }
        p = q;
    }
}

static void esc(gz_buf *b, const char *s) { html_escape(b, s ? s : "", s ? strlen(s) : 0); }

/* Percent-encodes s for a URL query value. */
static void url_enc(gz_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
            *p == '_' || *p == '.')
            gz_buf_putc(b, (char)*p);
        else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            gz_buf_put(b, e, 3);
        }
    }
}

/* href of a document opened at one of its units. */
static void unit_href(gz_buf *b, const char *doc_id, const char *unit_id)
{
    gz_buf_puts(b, "/doc/");
    url_enc(b, doc_id);
    gz_buf_puts(b, "?u=");
    url_enc(b, unit_id);
    gz_buf_puts(b, "#u-");
    url_enc(b, unit_id);
}

/* href of a unit by its id alone ("SEG-DOC-UNIT"): its document is the
 * id without the last part. */
static void unit_id_href(gz_buf *b, const char *unit_id)
{
    const char *dash = strrchr(unit_id, '-');
    gz_buf_puts(b, "/doc/");
    if (dash)
        gz_buf_put(b, unit_id, (size_t)(dash - unit_id));
    gz_buf_puts(b, "?u=");
    url_enc(b, unit_id);
    gz_buf_puts(b, "#u-");
    url_enc(b, unit_id);
}

/* Fields joined by " · ", each only when it has something to show. */
static void meta_field(gz_buf *b, int *n, const char *prefix, const char *v)
{
    if (!v || !*v)
        return;
    gz_buf_puts(b, (*n)++ ? " · " : "");
    gz_buf_puts(b, prefix);
    esc(b, v);
}

/* A version's standing as a badge: current in green, the rest in grey. */
static void status_badge(gz_buf *b, const char *status)
{
    if (!status || !*status)
        return;
    const char *text = sr_status_zh(status);
    gz_buf_printf(b, "<span class=\"st%s\">", strcmp(status, "current") == 0 ? "" : " old");
    esc(b, text);
    gz_buf_puts(b, "</span>");
}

/* Bytes [a, e) of text, with the references among refs[0..n) (bytes of
 * text, in order) that fall inside as links to what they name. */
static void text_with_refs(gz_buf *b, const char *text, size_t a, size_t e, const gazette_ref *refs, size_t n)
{
    size_t at = a;
    for (size_t i = 0; i < n; i++) {
        const gazette_ref *r = &refs[i];
        int64_t rs = r->start, re = r->end;
        if (rs < (int64_t)at || re > (int64_t)e || rs >= re || !r->target.id)
            continue;
        html_escape(b, text + at, (size_t)rs - at);
        gz_buf_puts(b, "<a class=\"ref\" href=\"");
        unit_id_href(b, r->target.id);
        gz_buf_puts(b, "\" title=\"");
        esc(b, r->target.title);
        gz_buf_puts(b, " ");
        esc(b, r->target.label);
        gz_buf_puts(b, "\">");
        html_escape(b, text + rs, (size_t)(re - rs));
        gz_buf_puts(b, "</a>");
        at = (size_t)re;
    }
    html_escape(b, text + at, e - at);
}

const char html_css[] =
    "*{box-sizing:border-box}body{margin:0;font:16px/1.6 system-ui,'Noto Sans CJK SC','PingFang SC',"
    "'Microsoft YaHei',sans-serif;color:#1b1b1b;background:#f6f6f3}"
    "header{background:#9b1c1c;color:#fff;padding:12px 16px}header a{color:#fff;text-decoration:none}"
    "h1{margin:0 auto 8px;font-size:20px;max-width:1068px}form{display:flex;gap:6px;margin:6px auto;max-width:1068px}"
    "input[type=search],input[type=text]{flex:1 1 0;min-width:0;padding:8px;font-size:16px;border:1px solid #ccc;"
    "border-radius:4px}button,select{flex:none;padding:8px 12px;font-size:16px;border-radius:4px;border:1px solid #ccc}"
    "button{background:#fff;cursor:pointer}main{display:flex;gap:16px;max-width:1100px;margin:0 auto;padding:16px}"
    "aside{flex:0 0 200px}section{flex:1;min-width:0}aside h3{font-size:15px;margin:12px 0 4px}"
    "aside ul{list-style:none;margin:0;padding:0}aside li a{text-decoration:none}aside .on{font-weight:bold}"
    "aside ul.years{display:flex;flex-wrap:wrap;gap:0 12px}"
    ".filters>summary{cursor:pointer;font-weight:600;padding:6px 0}"
    "@media(min-width:701px){@supports selector(::details-content){.filters>summary{display:none}"
    ".fold::details-content{content-visibility:visible;display:block;height:auto}}}"
    "ol.hits{padding-left:1.4em}ol.hits li{background:#fff;margin:0 0 12px;padding:10px 12px;border-radius:6px;"
    "box-shadow:0 1px 2px rgba(0,0,0,.08)}.hit a.t{font-size:17px;font-weight:600;color:#0b3d91}"
    ".vd{color:#555;font-size:14px;margin-left:6px;white-space:nowrap}"
    ".st{font-size:12px;padding:0 4px;margin-left:6px;border-radius:3px;border:1px solid #2e7d32;color:#2e7d32;"
    "white-space:nowrap}.st.old{border-color:#888;color:#666}"
    ".where{color:#9b1c1c;font-size:14px}p.where{margin:4px 0}.snip{margin:4px 0;white-space:pre-wrap;word-break:break-all}"
    ".src{display:block;color:#666;font-size:13px;overflow-wrap:anywhere}.src a{color:#666}"
    "mark{background:#ffe58a;padding:0 1px}small{color:#666}.notes{color:#666;font-size:14px}"
    ".pages a,.pages span{margin-right:8px}.doc{background:#fff;padding:16px;border-radius:6px}"
    ".unit{white-space:pre-wrap;padding:4px 6px;margin:2px 0;border-left:3px solid transparent;"
    "word-break:break-all}.unit:target,.unit.hit{border-left-color:#9b1c1c;background:#fff7e6}"
    ".unit.part,.unit.chapter,.unit.section,.unit.document,.unit.regulation{font-weight:bold}"
    "a.ref{color:#0b3d91;text-decoration:underline dotted}"
    ".toc{margin:8px 0 16px;padding:8px 12px;background:#fafafa;border-radius:6px}.toc ol{list-style:none;"
    "margin:4px 0;padding:0}.toc .lv1{padding-left:1em}.toc .lv2{padding-left:2em}.toc a{text-decoration:none}"
    ".focus{margin:0 0 16px;padding:8px;background:#fffaf0;border-radius:6px}"
    ".meta{color:#555;font-size:14px}.art{background:#fff;padding:16px;border-radius:6px;white-space:pre-wrap}"
    ".notice{max-width:1068px;margin:8px auto 0;padding:8px 16px;background:#fdecea;color:#9b1c1c;"
    "border-left:4px solid #9b1c1c;border-radius:4px}"
    "@media(max-width:700px){main{flex-direction:column;padding:8px;gap:0}aside{flex:none}"
    "header{padding:8px 8px}h1{font-size:18px;margin:0 auto 4px}button,select{padding:8px 8px}}";

static void head(gz_buf *b, const char *title)
{
    gz_buf_puts(b, "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                   "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>");
    esc(b, title);
    gz_buf_puts(b, "</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head><body>");
}

static void header(gz_buf *b, const page_params *p)
{
    gz_buf_puts(b, "<header><h1><a href=\"/\">政府公报全文检索</a></h1>"
                   "<form action=\"/\" method=\"get\" role=\"search\">"
                   "<input type=\"search\" name=\"q\" aria-label=\"关键词\" placeholder=\"输入关键词，如：职工代表大会\" value=\"");
    esc(b, p ? p->q : "");
    gz_buf_puts(b, "\"><select name=\"unit\" aria-label=\"结果单位\"><option value=\"article\">按条文</option>"
                   "<option value=\"document\"");
    if (p && p->unit && strcmp(p->unit, "document") == 0)
        gz_buf_puts(b, " selected");
    gz_buf_puts(b, ">按文件</option></select><button type=\"submit\">搜索</button></form>"
                   "<form action=\"/article\" method=\"get\"><input type=\"text\" name=\"ref\" aria-label=\"条文\" "
                   "placeholder=\"条文查询：《…办法》第四十六条\" value=\"");
    esc(b, p ? p->ref : "");
    gz_buf_puts(b, "\"><button type=\"submit\">查条文</button></form></header>");
}

/* A link to the current search with one parameter changed. */
static void search_link(gz_buf *b, const page_params *p, const char *key, const char *val, size_t page)
{
    const char *keys[] = {"q", "unit", "year", "issuer", "kind", "sort", "expand", "all_versions"};
    const char *vals[] = {p->q, p->unit, p->year, p->issuer, p->kind, p->sort, p->expand, p->all_versions};
    gz_buf_puts(b, "/?");
    int first = 1;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *v = strcmp(keys[i], key) == 0 ? val : vals[i];
        if (!v || !*v)
            continue;
        gz_buf_puts(b, first ? "" : "&amp;");
        gz_buf_printf(b, "%s=", keys[i]);
        url_enc(b, v);
        first = 0;
    }
    if (page > 1)
        gz_buf_printf(b, "%spage=%zu", first ? "" : "&amp;", page);
}

/* Chinese names for the unit kinds shown in the filters. */
static const char *kind_label(const char *k)
{
    static const char *const map[][2] = {
        {"article", "条文"},   {"paragraph", "段落"},   {"row", "表格行"},   {"item", "项"},
        {"section", "节/标题"}, {"chapter", "章"},       {"part", "编"},      {"document", "文件标题"},
        {"regulation", "附发文件标题"}, {"attachment", "附件标题"}, {"masthead", "刊头"},
        {"contents", "目录"},  {"frontmatter", "编委会"}, {"backmatter", "简介"}, {"table", "表格"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i][0], k) == 0)
            return map[i][1];
    return k;
}

/* Years newest first (a facet lists values most matches first). */
static int year_desc(const void *a, const void *b)
{
    return strcmp(((const gazette_facet_value *)b)->value, ((const gazette_facet_value *)a)->value);
}

/* Values with their counts (约N when estimated: gazette_page's
 * facets_estimated), linked to the search narrowed to each; every year
 * (in year order), the first 12 of the rest. */
static void facet_block(gz_buf *b, const page_params *p, const gazette_facet *f, const char *name, const char *label,
                        const char *current, int about)
{
    if (!f->n)
        return;
    int years = strcmp(name, "year") == 0;
    gazette_facet_value by_year[64];
    const gazette_facet_value *v = f->v;
    size_t n = f->n;
    if (years) {
        n = n < 64 ? n : 64;
        memcpy(by_year, f->v, n * sizeof *by_year);
        qsort(by_year, n, sizeof *by_year, year_desc);
        v = by_year;
    } else if (n > 12) {
        n = 12;
    }
    gz_buf_printf(b, "<h3>%s</h3><ul%s>", label, years ? " class=\"years\"" : "");
    if (current && *current) {
        gz_buf_puts(b, "<li><a href=\"");
        search_link(b, p, name, "", 1);
        gz_buf_puts(b, "\">全部</a></li>");
    }
    for (size_t i = 0; i < n; i++) {
        gz_buf_puts(b, "<li><a href=\"");
        search_link(b, p, name, v[i].value, 1);
        gz_buf_printf(b, "\"%s>", current && strcmp(current, v[i].value) == 0 ? " class=\"on\"" : "");
        esc(b, strcmp(name, "kind") == 0 ? kind_label(v[i].value) : v[i].value);
        gz_buf_printf(b, "</a> (%s%zu)</li>", about ? "约" : "", v[i].count);
    }
    gz_buf_puts(b, "</ul>");
}

/* 时效: how many matches are in current versions (现行, what the page
 * shows by default, older versions folded into them), in historical ones
 * (历史: shown with all_versions=1) and in repealed works (已废止). */
static void validity_block(gz_buf *b, const page_params *p, const gazette_facet *f, int about)
{
    const char *approx = about ? "约" : "";
    if (!f->n)
        return;
    int all = p->all_versions && strcmp(p->all_versions, "1") == 0;
    gz_buf_puts(b, "<h3>时效</h3><ul>");
    for (size_t i = 0; i < f->n; i++) {
        int hist = strcmp(f->v[i].value, "历史") == 0;
        if (!hist && strcmp(f->v[i].value, "现行") != 0) { /* 已废止: shown with the rest, said */
            gz_buf_puts(b, "<li>");
            esc(b, f->v[i].value);
            gz_buf_printf(b, " (%s%zu)</li>", approx, f->v[i].count);
            continue;
        }
        gz_buf_puts(b, "<li><a href=\"");
        search_link(b, p, "all_versions", hist ? "1" : "", 1);
        gz_buf_printf(b, "\"%s>", hist == all ? " class=\"on\"" : "");
        esc(b, hist ? "含历史版本" : "现行有效");
        gz_buf_printf(b, "</a> (%s%zu)</li>", approx, f->v[i].count);
    }
    gz_buf_puts(b, "</ul>");
}

/* The filters, folded under 筛选 (shown open on a wide screen by the
 * style sheet, class fold; a phone shows the results first). The summary names the filters
 * in force. */
static void filters(gz_buf *b, const gazette_page *ans, const page_params *p)
{
    gz_buf_puts(b, "<aside><details class=\"filters fold\"><summary>筛选");
    const char *on[] = {p->year, p->issuer, p->kind};
    int n = 0;
    for (size_t i = 0; i < 3; i++)
        if (on[i] && *on[i]) {
            gz_buf_puts(b, n++ ? "、" : "（");
            esc(b, i == 2 ? kind_label(on[i]) : on[i]);
        }
    gz_buf_puts(b, n ? "）</summary>" : "</summary>");
    facet_block(b, p, &ans->year, "year", "年份", p->year, ans->facets_estimated);
    facet_block(b, p, &ans->issuer, "issuer", "发文机关", p->issuer, ans->facets_estimated);
    facet_block(b, p, &ans->kind, "kind", "类型", p->kind, ans->facets_estimated);
    validity_block(b, p, &ans->validity, ans->facets_estimated);
    gz_buf_puts(b, "</details></aside>");
}

/* The hit's file, linked to the original (a PDF at the unit's page, which
 * is also said: 第N页), then its 文号 and date. */
static void hit_source(gz_buf *b, const gazette_hit *h)
{
    const gazette_unit *u = &h->unit;
    gz_buf_puts(b, "<small class=\"src\"><a href=\"/source/");
    url_enc(b, h->doc.id);
    if (u->page)
        gz_buf_printf(b, "#page=%u", u->page);
    gz_buf_puts(b, "\">");
    esc(b, h->doc.source);
    gz_buf_puts(b, "</a>");
    if (u->page && u->page_end > u->page)
        gz_buf_printf(b, " · 第%u–%u页", u->page, u->page_end);
    else if (u->page)
        gz_buf_printf(b, " · 第%u页", u->page);
    int n = 1;
    meta_field(b, &n, "", h->doc.docno);
    meta_field(b, &n, "", h->doc.date);
    gz_buf_puts(b, "</small>");
}

/* Other versions of the hit's work, each linked with its date. */
static void hit_versions(gz_buf *b, const gazette_hit *h)
{
    if (!h->n_versions)
        return;
    gz_buf_printf(b, "<p class=\"where\">另有%zu个历史版本：", h->n_versions);
    for (size_t i = 0; i < h->n_versions; i++) {
        const gazette_work_version *v = &h->versions[i];
        gz_buf_puts(b, i ? "、<a href=\"/doc/" : "<a href=\"/doc/");
        url_enc(b, v->id);
        gz_buf_puts(b, "\">");
        esc(b, v->version_date ? v->version_date : v->id);
        gz_buf_puts(b, "</a>");
    }
    gz_buf_puts(b, "</p>");
}

/* The snippet with its highlights as <mark>. */
static void snippet(gz_buf *b, const gazette_hit *h)
{
    const char *s = h->snippet;
    size_t len = h->snippet_len, at = 0;
    for (size_t i = 0; i < h->n_highlights; i++) {
        size_t a = h->highlights[i].start, e = h->highlights[i].end;
        if (a < at || e > len || a > e)
            continue;
        html_escape(b, s + at, a - at);
        gz_buf_puts(b, "<mark>");
        html_escape(b, s + a, e - a);
        gz_buf_puts(b, "</mark>");
        at = e;
    }
    html_escape(b, s + at, len - at);
}

void html_search_page(gz_buf *b, const gazette_page *ans, const page_params *p)
{
    head(b, p->q && *p->q ? p->q : "政府公报全文检索");
    header(b, p);
    gz_buf_puts(b, "<main>");
    if (!ans) {
        gz_buf_puts(b, "<section><p>输入关键词搜索公报文件与法规条文。可用引号搜索短语，"
                       "用 OR 表示或，用 - 排除；也可直接输入问题或文号（如 伊政发〔2023〕110号）。</p></section></main></body></html>");
        return;
    }
    filters(b, ans, p);
    gz_buf_puts(b, "<section>");
    size_t total = ans->total;
    if (ans->partial)
        gz_buf_printf(b, "<p class=\"notes\"><b>部分结果</b>：查询过长或过于宽泛，超出单次查询的计算限额，"
                         "以下只是已找到的 %zu 条结果，并非全部；请减少或细化关键词。</p>", total);
    /* an estimate past GAZETTE_COUNT_EXACT matches: 约N条 */
    gz_buf_printf(b, "<p class=\"notes\">%s %zu 条结果", ans->total_estimated ? "约" : "共", total);
    /* how the query was read, in Chinese (docs/api.md) */
    gz_buf_puts(b, "（");
    esc(b, ans->reading.text);
    gz_buf_puts(b, "）");
    if (ans->hint) { /* nothing as typed: what to try */
        gz_buf_puts(b, "；");
        esc(b, ans->hint->text);
    }
    for (size_t i = 0; i < ans->n_notes; i++) {
        gz_buf_puts(b, "；");
        esc(b, ans->notes[i]);
    }
    gz_buf_puts(b, "。 排序：");
    if (p->sort && strcmp(p->sort, "date") == 0) {
        gz_buf_puts(b, "<a href=\"");
        search_link(b, p, "sort", "", 1);
        gz_buf_puts(b, "\">相关度</a> · <b>日期</b>");
    } else {
        gz_buf_puts(b, "<b>相关度</b> · <a href=\"");
        search_link(b, p, "sort", "date", 1);
        gz_buf_puts(b, "\">日期</a>");
    }
    gz_buf_puts(b, "</p>");
    size_t n = ans->n_hits;
    gz_buf_printf(b, "<ol class=\"hits\" start=\"%zu\">", (p->page - 1) * 10 + 1);
    for (size_t i = 0; i < n; i++) {
        const gazette_hit *h = &ans->hits[i];
        const gazette_unit *u = &h->unit;
        /* the document's name and version, what matched, where it is */
        gz_buf_puts(b, "<li class=\"hit\"><a class=\"t\" href=\"");
        unit_href(b, h->doc.id, u->id);
        gz_buf_puts(b, "\">");
        esc(b, h->doc.title && *h->doc.title ? h->doc.title : h->doc.source);
        gz_buf_puts(b, "</a>");
        if (h->doc.version_date) {
            gz_buf_puts(b, "<span class=\"vd\">");
            esc(b, h->doc.version_date);
            gz_buf_puts(b, " 版</span>");
        }
        status_badge(b, h->doc.status);
        if (*u->label || *u->path) {
            gz_buf_puts(b, "<div class=\"where\">");
            esc(b, *u->label ? u->label : u->path);
            if (*u->label && *u->path) {
                gz_buf_puts(b, " <small>");
                esc(b, u->path);
                gz_buf_puts(b, "</small>");
            }
            gz_buf_puts(b, "</div>");
        }
        gz_buf_puts(b, "<p class=\"snip\">");
        snippet(b, h);
        gz_buf_puts(b, "</p>");
        /* by document: the other places in it */
        if (ans->by == GAZETTE_BY_DOCUMENT && h->units_matched > 1) {
            gz_buf_printf(b, "<p class=\"where\">本文件共 %u 处匹配", h->units_matched);
            for (size_t m = 0; m < h->n_more_units; m++) {
                const gazette_unit *mu = &h->more_units[m];
                gz_buf_puts(b, m ? "、" : "：");
                gz_buf_puts(b, "<a href=\"");
                unit_href(b, h->doc.id, mu->id);
                gz_buf_puts(b, "\">");
                esc(b, *mu->label ? mu->label : mu->path);
                gz_buf_puts(b, "</a>");
            }
            gz_buf_puts(b, "</p>");
        }
        /* by unit: the document's further matches, folded */
        if (h->more_in_document) {
            gz_buf_printf(b, "<p class=\"where\">该文件另有%zu处匹配 <a href=\"", h->more_in_document);
            search_link(b, p, "expand", h->doc.id, p->page);
            gz_buf_puts(b, "\">展开</a></p>");
        }
        hit_versions(b, h);
        hit_source(b, h);
        gz_buf_puts(b, "</li>");
    }
    gz_buf_puts(b, "</ol><p class=\"pages\">");
    size_t pages = ((size_t)total + 9) / 10;
    if (p->page > 1) {
        gz_buf_puts(b, "<a href=\"");
        search_link(b, p, "", "", p->page - 1);
        gz_buf_puts(b, "\">上一页</a>");
    }
    if (pages > 1)
        gz_buf_printf(b, "<span>第 %zu / %zu 页</span>", p->page, pages);
    if (p->page < pages) {
        gz_buf_puts(b, "<a href=\"");
        search_link(b, p, "", "", p->page + 1);
        gz_buf_puts(b, "\">下一页</a>");
    }
    gz_buf_puts(b, "</p></section></main></body></html>");
}

/* A unit's bytes inside the page (text from base, tlen bytes), local. */
static int page_span(const gazette_unit *u, size_t base, size_t tlen, size_t *a, size_t *e)
{
    int64_t s = (int64_t)u->start - (int64_t)base, z = (int64_t)u->end - (int64_t)base;
    if (s < 0)
        s = 0;
    if (z > (int64_t)tlen)
        z = (int64_t)tlen;
    if (s > z)
        return 0;
    *a = (size_t)s;
    *e = (size_t)z;
    return 1;
}

/* Links to the pages before and after, when the document has them. */
static void pager(gz_buf *b, const gazette_document *o)
{
    if (o->prev < 0 && o->next < 0)
        return;
    gz_buf_printf(b, "<p class=\"pages\">第 %lld–%lld 字节，共 %lld 字节 ", (long long)o->text_start,
                  (long long)o->text_end, (long long)o->text_len);
    const char *label[2] = {"上一页", "下一页"};
    int64_t at[2] = {o->prev, o->next};
    for (int k = 0; k < 2; k++) {
        if (at[k] < 0)
            continue;
        gz_buf_puts(b, "<a href=\"/doc/");
        esc(b, o->doc.id);
        gz_buf_printf(b, "?from=%lld\">%s</a> ", (long long)at[k], label[k]);
    }
    gz_buf_puts(b, "</p>");
}

/* The versions of the document's work, newest first, each with its date
 * and standing; the one shown is not a link. */
static void version_switch(gz_buf *b, const gazette_document *o)
{
    if (o->n_versions < 2)
        return;
    gz_buf_puts(b, "<nav class=\"meta versions\" aria-label=\"版本\">版本：");
    for (size_t i = 0; i < o->n_versions; i++) {
        const gazette_work_version *v = &o->versions[i];
        int self = strcmp(v->id, o->doc.id) == 0 || (o->doc.at && strcmp(v->id, o->doc.at) == 0);
        gz_buf_puts(b, i ? " · " : "");
        if (self) {
            gz_buf_puts(b, "<b aria-current=\"page\">");
        } else {
            gz_buf_puts(b, "<a href=\"/doc/");
            url_enc(b, v->id);
            gz_buf_puts(b, "\">");
        }
        esc(b, v->version_date ? v->version_date : "日期不详");
        gz_buf_puts(b, self ? "</b>" : "</a>");
        status_badge(b, v->status);
    }
    gz_buf_puts(b, "</nav>");
}

/* 编, 章, 节: their depth in a table of contents; -1 for other units. */
static int toc_level(const char *kind)
{
    return strcmp(kind, "part") == 0 ? 0 : strcmp(kind, "chapter") == 0 ? 1 : strcmp(kind, "section") == 0 ? 2 : -1;
}

/* A table of contents being drawn: the page shown, the top level. */
typedef struct toc_ctx {
    const gazette_document *shown;
    int top;
} toc_ctx;

/* Calls fn for each 编/章/节 whose heading is on one of the pages (each
 * unit once: on the page its start is on), with its level and heading:
 * the first line of its text, at most 80 bytes, cut at a character. */
typedef void (*toc_fn)(gz_buf *b, toc_ctx *c, const gazette_document *pg, const gazette_unit *u, int level,
                       const char *t, size_t len);
static size_t toc_walk(gz_buf *b, toc_ctx *c, const gazette_document *const *pages, size_t n_pages, toc_fn fn)
{
    size_t n = 0;
    for (size_t p = 0; p < n_pages; p++) {
        const gazette_document *pg = pages[p];
        size_t base = pg->text_start, tlen = strlen(pg->text);
        for (size_t i = 0; i < pg->n_units; i++) {
            const gazette_unit *u = &pg->units[i];
            int lv = toc_level(u->kind);
            size_t a, e;
            if (lv < 0 || u->start < base || !page_span(u, base, tlen, &a, &e))
                continue;
            const char *t = pg->text + a, *nl = memchr(t, '\n', e - a);
            size_t len = nl ? (size_t)(nl - t) : e - a, cut = 0;
            for (const char *q = t, *end = t + (len < 80 ? len : 80); q < end;) {
                if (gz_utf8_next(&q, end) < 0)
                    break;
                cut = (size_t)(q - t);
            }
            fn(b, c, pg, u, lv, t, cut);
            n++;
        }
    }
    return n;
}

static void toc_top(gz_buf *b, toc_ctx *c, const gazette_document *pg, const gazette_unit *u, int level,
                    const char *t, size_t len)
{
    (void)b, (void)pg, (void)u, (void)t, (void)len;
    c->top = level < c->top ? level : c->top;
}

/* One entry: to its anchor when its heading is on the page shown, else
 * to the page that starts at it. */
static void toc_entry(gz_buf *b, toc_ctx *c, const gazette_document *pg, const gazette_unit *u, int level,
                      const char *t, size_t len)
{
    gz_buf_printf(b, "<li class=\"lv%d\"><a href=\"", level - c->top);
    if (u->start >= c->shown->text_start && u->start < c->shown->text_end) {
        gz_buf_puts(b, "#u-");
        esc(b, u->id);
    } else {
        unit_href(b, pg->doc.id, u->id);
    }
    gz_buf_puts(b, "\">");
    if (len)
        html_escape(b, t, len);
    else
        esc(b, *u->label ? u->label : u->kind);
    gz_buf_puts(b, "</a></li>");
}

/* A table of contents of the document's 编/章/节 (pages: its pages from
 * the first, as many as were read), each linked, when it has at least
 * two (folded on a phone, like the filters). */
static void toc(gz_buf *b, const gazette_document *shown, const gazette_document *const *pages, size_t n_pages)
{
    toc_ctx c = {shown, 2};
    if (toc_walk(b, &c, pages, n_pages, toc_top) < 2)
        return;
    gz_buf_puts(b, "<details class=\"toc fold\"><summary>目录</summary><ol>");
    toc_walk(b, &c, pages, n_pages, toc_entry);
    gz_buf_puts(b, "</ol></details>");
}

void html_doc_page(gz_buf *b, const gazette_document *o, const char *target, const gazette_document *const *pages,
                   size_t n_pages)
{
    const gazette_doc_ref *d = &o->doc;
    head(b, d->title);
    header(b, NULL);
    gz_buf_puts(b, "<main><section class=\"doc\"><h2>");
    esc(b, d->title);
    gz_buf_puts(b, "</h2><p class=\"meta\">");
    int n = 0;
    meta_field(b, &n, "", d->docno);
    meta_field(b, &n, "", d->date);
    meta_field(b, &n, "版本 ", d->version_date);
    meta_field(b, &n, "", o->issue);
    if (d->source && *d->source) {
        gz_buf_puts(b, n++ ? " · 来源：<a href=\"/source/" : "来源：<a href=\"/source/");
        url_enc(b, d->id);
        gz_buf_puts(b, "\">");
        esc(b, d->source);
        gz_buf_puts(b, "</a>");
    }
    status_badge(b, d->status);
    gz_buf_puts(b, "</p>");
    version_switch(b, o);
    /* one page of the text: units are clipped to it, offsets made local */
    const char *text = o->text;
    size_t tlen = strlen(text), base = o->text_start;
    /* the unit asked for first, so a phone shows it without scrolling */
    for (size_t i = 0; target && *target && i < o->n_units; i++) {
        const gazette_unit *u = &o->units[i];
        size_t a, e;
        if (strcmp(u->id, target) != 0 || !page_span(u, base, tlen, &a, &e))
            continue;
        gz_buf_puts(b, "<div class=\"focus\"><p class=\"meta\">");
        esc(b, u->path);
        gz_buf_puts(b, " <a href=\"#u-");
        esc(b, target);
        gz_buf_puts(b, "\">在全文中查看</a></p><div class=\"unit hit\">");
        text_with_refs(b, text, a, e, o->refs, o->n_refs);
        gz_buf_puts(b, "</div></div><h3>全文</h3>");
    }
    if (n_pages)
        toc(b, o, pages, n_pages);
    else
        toc(b, o, &o, 1);
    pager(b, o);
    for (size_t i = 0; i < o->n_units; i++) {
        const gazette_unit *u = &o->units[i];
        size_t a, e;
        if (!page_span(u, base, tlen, &a, &e))
            continue;
        gz_buf_puts(b, "<div id=\"u-");
        esc(b, u->id);
        gz_buf_puts(b, "\" class=\"unit ");
        esc(b, u->kind);
        if (target && strcmp(target, u->id) == 0)
            gz_buf_puts(b, " hit");
        gz_buf_puts(b, "\">");
        text_with_refs(b, text, a, e, o->refs, o->n_refs);
        gz_buf_puts(b, "</div>");
    }
    pager(b, o);
    gz_buf_puts(b, "</section></main></body></html>");
}

/* 被引用: the articles citing the one shown, each linked. */
static void cited_by(gz_buf *b, const gazette_article *o)
{
    if (!o->n_cited_by)
        return;
    gz_buf_printf(b, "<h3>被引用（%zu）</h3><ol class=\"hits cited\">", o->n_cited_by);
    for (size_t i = 0; i < o->n_cited_by; i++) {
        const gazette_citation *c = &o->cited_by[i];
        gz_buf_puts(b, "<li><a href=\"");
        unit_href(b, c->doc.id, c->unit.id);
        gz_buf_puts(b, "\">");
        esc(b, c->title && *c->title ? c->title : c->doc.title);
        gz_buf_puts(b, " ");
        esc(b, c->unit.label);
        gz_buf_puts(b, "</a>");
        if (c->doc.version_date) {
            gz_buf_puts(b, "<span class=\"vd\">");
            esc(b, c->doc.version_date);
            gz_buf_puts(b, " 版</span>");
        }
        gz_buf_puts(b, "</li>");
    }
    gz_buf_puts(b, "</ol>");
}

void html_article_page(gz_buf *b, const gazette_article *o, const char *ref)
{
    page_params p = {.ref = ref, .page = 1};
    head(b, ref);
    header(b, &p);
    gz_buf_puts(b, "<main><section>");
    if (!o->found) {
        size_t n = o->n_candidates;
        if (!n)
            gz_buf_puts(b, "<p>没有找到该条文。请检查名称与条号，例如：《伊金霍洛旗属国有企业领导人员管理办法》第四十六条。</p>");
        else
            gz_buf_printf(b, "<p>有 %zu 个可能的条文，请选择：</p><ol class=\"hits\">", n);
        for (size_t i = 0; i < n; i++) {
            const gazette_article_match *c = &o->candidates[i];
            gz_buf_puts(b, "<li><a class=\"t\" href=\"");
            unit_href(b, c->doc.id, c->unit.id);
            gz_buf_puts(b, "\">");
            esc(b, c->title);
            gz_buf_puts(b, " ");
            esc(b, c->unit.label);
            gz_buf_puts(b, "</a><br><small>");
            esc(b, c->doc.source);
            gz_buf_puts(b, "</small></li>");
        }
        if (n)
            gz_buf_puts(b, "</ol>");
    } else {
        const gazette_unit *u = &o->unit;
        const gazette_doc_ref *d = &o->doc;
        gz_buf_puts(b, "<h2>");
        esc(b, o->title);
        gz_buf_puts(b, " ");
        esc(b, u->label);
        gz_buf_puts(b, "</h2><p class=\"meta\">");
        int m = 0;
        meta_field(b, &m, "", u->path);
        gz_buf_puts(b, m++ ? " · 出自 <a href=\"" : "出自 <a href=\"");
        unit_href(b, d->id, u->id);
        gz_buf_puts(b, "\">");
        esc(b, d->title);
        gz_buf_puts(b, "</a>");
        meta_field(b, &m, "版本 ", d->version_date);
        meta_field(b, &m, "", d->source);
        status_badge(b, d->status);
        gz_buf_puts(b, "</p><div class=\"art\">");
        if (o->text && o->has_clause && o->clause.start <= o->clause.end && o->clause.end <= o->text_len) {
            /* the 款/项 asked for, marked in its article */
            text_with_refs(b, o->text, 0, o->clause.start, o->refs, o->n_refs);
            gz_buf_puts(b, "<mark class=\"clause\" title=\"");
            esc(b, o->clause_label);
            gz_buf_puts(b, "\">");
            text_with_refs(b, o->text, o->clause.start, o->clause.end, o->refs, o->n_refs);
            gz_buf_puts(b, "</mark>");
            text_with_refs(b, o->text, o->clause.end, o->text_len, o->refs, o->n_refs);
        } else if (o->text)
            text_with_refs(b, o->text, 0, o->text_len, o->refs, o->n_refs);
        gz_buf_puts(b, "</div>");
        cited_by(b, o);
    }
    gz_buf_puts(b, "</section></main></body></html>");
}

void html_error_page(gz_buf *b, int status, const char *msg)
{
    head(b, "出错了");
    header(b, NULL);
    gz_buf_printf(b, "<main><section><h2>%d</h2><p>", status);
    esc(b, msg);
    gz_buf_puts(b, "</p><p><a href=\"/\">返回检索</a></p></section></main></body></html>");
}
