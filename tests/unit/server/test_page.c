/* What the web page shows, rendered from answer structs made by hand (the
 * fields other parts of the searcher fill: pages, versions, references,
 * further matches), and from a real index where it exists: hits named by
 * title and version with their file and page, year facets newest first,
 * the filters folded under 筛选, a law's table of contents and meta line. */
#include "server/html.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <string.h>

/* Renders a page of hits with p's parameters (q 公司). */
static void render_search(gz_buf *b, const gazette_page *pg)
{
    page_params p = {.q = "公司", .page = 1};
    gz_buf_init(b);
    html_search_page(b, pg, &p);
    gz_buf_cstr(b);
}

/* The offset of needle in hay, or -1. */
static long at(const gz_buf *hay, const char *needle)
{
    const char *p = strstr(hay->data, needle);
    return p ? (long)(p - hay->data) : -1;
}

/* Asserts that the page holds needle. */
static void has(const gz_buf *b, const char *needle)
{
    cr_assert(strstr(b->data, needle), "no %s in:\n%s", needle, b->data);
}

/* A hit of a document titled title, its unit 第十条 on pages page..page_end. */
static gazette_hit hit_of(const char *title, const char *source, uint32_t page, uint32_t page_end)
{
    gazette_hit h = {0};
    h.doc = (gazette_doc_ref){.id = "d0123456789abcdef-0", .at = "1-0", .title = title, .date = "1993-12-29",
                              .source = source};
    h.unit = (gazette_unit){.id = "1-0-5", .kind = "article", .number = 10, .label = "第十条",
                            .path = "第一章 总则", .page = page, .page_end = page_end};
    h.snippet = "第十条 公司应当……";
    h.snippet_len = strlen(h.snippet);
    return h;
}

/* Fails before: facets were listed as given (most matches first). */
Test(page, year_facet_is_newest_first)
{
    gazette_facet_value years[] = {{"2007", 5}, {"2023", 1}, {"2015", 3}, {"1999", 2}};
    gazette_page pg = {.year = {years, 4}, .reading = {.text = "按关键词查找"}};
    gz_buf b;
    render_search(&b, &pg);
    long y2023 = at(&b, ">2023</a>"), y2015 = at(&b, ">2015</a>"), y2007 = at(&b, ">2007</a>"),
         y1999 = at(&b, ">1999</a>");
    cr_assert(y2023 > 0 && y2023 < y2015 && y2015 < y2007 && y2007 < y1999, "%s", b.data);
    /* each with its count */
    has(&b, ">2007</a> (5)");
    gz_buf_fini(&b);
}

/* Fails before: the facets were an open list before the results, which a
 * phone showed first. */
Test(page, filters_fold_under_shaixuan)
{
    gazette_facet_value years[] = {{"2023", 1}};
    gazette_facet_value kinds[] = {{"article", 1}};
    gazette_hit h = hit_of("中华人民共和国公司法", "laws/公司法.md", 0, 0);
    gazette_page pg = {.year = {years, 1}, .kind = {kinds, 1}, .hits = &h, .n_hits = 1, .total = 1,
                       .reading = {.text = "按关键词查找"}};
    gz_buf b;
    render_search(&b, &pg);
    long open = at(&b, "<details class=\"filters fold\"><summary>筛选</summary>"), close = at(&b, "</details>");
    cr_assert(open > 0 && close > open, "%s", b.data);
    long year = at(&b, "年份"), kind = at(&b, "条文</a> (1)"), hits = at(&b, "<ol class=\"hits\"");
    cr_assert(year > open && year < close && kind > open && kind < close, "facets outside the fold: %s", b.data);
    cr_assert(hits > close, "%s", b.data);
    /* a filter in force is named on the control itself */
    page_params p = {.q = "公司", .year = "2023", .page = 1};
    gz_buf_fini(&b);
    gz_buf_init(&b);
    html_search_page(&b, &pg, &p);
    gz_buf_cstr(&b);
    has(&b, "<summary>筛选（2023）</summary>");
    /* the style sheet folds it on a phone only */
    cr_assert(strstr(html_css, ".fold::details-content{content-visibility:visible"));
    gz_buf_fini(&b);
}

/* Fails before: the hit's line under the title was the raw file path, and
 * neither the version nor the page was shown. */
Test(page, a_hit_names_title_version_file_and_page)
{
    gazette_hit h[2] = {hit_of("中华人民共和国公司法", "laws/公司法.pdf", 3, 3),
                        hit_of("中华人民共和国刑法", "laws/刑法.md", 0, 0)};
    h[0].doc.version_date = "2023-12-29";
    h[0].doc.status = "current";
    h[1].doc.id = "dfedcba9876543210-2";
    gazette_page pg = {.hits = h, .n_hits = 2, .total = 2, .reading = {.text = "按关键词查找"}};
    gz_buf b;
    render_search(&b, &pg);
    has(&b, "\">中华人民共和国公司法</a><span class=\"vd\">2023-12-29 版</span>"
            "<span class=\"st\">现行有效</span>");
    /* the file as a secondary line, linked to the original at its page */
    has(&b, "<small class=\"src\"><a href=\"/source/d0123456789abcdef-0#page=3\">laws/公司法.pdf</a>"
            " · 第3页 · 1993-12-29</small>");
    /* page 0 is unknown: no page said, no page asked for */
    has(&b, "<a href=\"/source/dfedcba9876543210-2\">laws/刑法.md</a> · 1993-12-29</small>");
    cr_assert_null(strstr(b.data, "第0页"));
    /* a unit over two pages says both */
    h[0].unit.page_end = 4;
    gz_buf_fini(&b);
    render_search(&b, &pg);
    has(&b, " · 第3–4页");
    gz_buf_fini(&b);
}

/* Fails before: more_in_document and versions were not shown. */
Test(page, further_matches_and_other_versions)
{
    gazette_hit h = hit_of("中华人民共和国公司法", "laws/公司法.md", 0, 0);
    gazette_work_version v[] = {{"d1111111111111111-0", "2018-10-26", "historical"},
                                {"d2222222222222222-0", "2013-12-28", "historical"}};
    h.more_in_document = 4;
    h.versions = v;
    h.n_versions = 2;
    gazette_page pg = {.hits = &h, .n_hits = 1, .total = 1, .reading = {.text = "按关键词查找"}};
    gz_buf b;
    render_search(&b, &pg);
    has(&b, "该文件另有4处匹配 <a href=\"/?q=%E5%85%AC%E5%8F%B8&amp;expand=d0123456789abcdef-0\">"
            "展开</a>");
    has(&b, "另有2个历史版本：<a href=\"/doc/d1111111111111111-0\">2018-10-26</a>、"
            "<a href=\"/doc/d2222222222222222-0\">2013-12-28</a>");
    gz_buf_fini(&b);
    /* without them, nothing is said */
    h.more_in_document = 0;
    h.n_versions = 0;
    render_search(&b, &pg);
    cr_assert_null(strstr(b.data, "另有"), "%s", b.data);
    gz_buf_fini(&b);
}

/* A law of two chapters, the second with a section, and its articles. */
static const char law_text[] = "第一章 总则\n第一条 为了规范公司的组织和行为，依照本法第二条制定本法。\n"
                               "第二章 公司登记\n第一节 设立\n第二条 设立公司，应当依法申请登记。\n";

static gazette_document law_doc(gazette_unit *u)
{
    const char *t = law_text;
    uint32_t c1 = 0, a1 = (uint32_t)(strstr(t, "第一条") - t), c2 = (uint32_t)(strstr(t, "第二章") - t),
             s1 = (uint32_t)(strstr(t, "第一节") - t), a2 = (uint32_t)(strstr(t, "第二条 设立") - t),
             end = (uint32_t)strlen(t);
    u[0] = (gazette_unit){.id = "1-0-1", .kind = "chapter", .label = "第一章", .start = c1, .end = c2};
    u[1] = (gazette_unit){.id = "1-0-2", .kind = "article", .label = "第一条", .start = a1, .end = c2};
    u[2] = (gazette_unit){.id = "1-0-3", .kind = "chapter", .label = "第二章", .start = c2, .end = end};
    u[3] = (gazette_unit){.id = "1-0-4", .kind = "section", .label = "第一节", .start = s1, .end = end};
    u[4] = (gazette_unit){.id = "1-0-5", .kind = "article", .label = "第二条", .start = a2, .end = end};
    gazette_document o = {.doc = {.id = "d0123456789abcdef-0", .at = "1-0", .title = "中华人民共和国公司法",
                                  .date = "1979-07-01", .source = "laws/公司法.md"},
                          .issue = "",
                          .text = law_text,
                          .text_start = 0,
                          .text_end = end,
                          .text_len = end,
                          .next = -1,
                          .prev = -1,
                          .units = u,
                          .n_units = 5};
    return o;
}

/* Renders the page of o, no unit asked for. */
static void render_doc(gz_buf *b, const gazette_document *o)
{
    gz_buf_init(b);
    html_doc_page(b, o, NULL, NULL, 0);
    gz_buf_cstr(b);
}

/* Fails before: "1979-07-01 ·  · 来源：…" (no 文号, no issue). */
Test(page, law_meta_has_no_empty_fields)
{
    gazette_unit u[5];
    gazette_document o = law_doc(u);
    gz_buf b;
    render_doc(&b, &o);
    has(&b, "<p class=\"meta\">1979-07-01 · 来源：<a href=\"/source/d0123456789abcdef-0\">"
            "laws/公司法.md</a></p>");
    cr_assert_null(strstr(b.data, "·  ·"));
    cr_assert_null(strstr(b.data, "· ·"));
    gz_buf_fini(&b);
}

/* Fails before: the law view had no table of contents. Each entry is a
 * 编/章/节 heading (its first line) linked to the anchor of its unit,
 * sections one level in. */
Test(page, law_view_has_a_toc_of_chapters_and_sections)
{
    gazette_unit u[5];
    gazette_document o = law_doc(u);
    gz_buf b;
    render_doc(&b, &o);
    has(&b, "<details class=\"toc fold\"><summary>目录</summary><ol>"
            "<li class=\"lv0\"><a href=\"#u-1-0-1\">第一章 总则</a></li>"
            "<li class=\"lv0\"><a href=\"#u-1-0-3\">第二章 公司登记</a></li>"
            "<li class=\"lv1\"><a href=\"#u-1-0-4\">第一节 设立</a></li></ol></details>");
    /* every anchor exists */
    const char *ids[] = {"1-0-1", "1-0-3", "1-0-4"};
    for (size_t i = 0; i < 3; i++) {
        char want[64];
        snprintf(want, sizeof want, "<div id=\"u-%s\"", ids[i]);
        cr_assert(strstr(b.data, want), "no anchor %s", ids[i]);
    }
    /* no articles in it */
    long toc_end = at(&b, "</details>"), first_art = at(&b, "#u-1-0-2\"");
    cr_assert(first_art < 0 || first_art > toc_end);
    gz_buf_fini(&b);
}

/* Fails before: no versions on the law view. Every version is listed with
 * its date, the one shown not a link, the one in force marked 现行有效. */
Test(page, law_view_switches_versions)
{
    gazette_unit u[5];
    gazette_document o = law_doc(u);
    gazette_work_version v[] = {{"d0123456789abcdef-0", "2023-12-29", "current"},
                                {"d1111111111111111-0", "2018-10-26", "historical"}};
    o.versions = v;
    o.n_versions = 2;
    gz_buf b;
    render_doc(&b, &o);
    has(&b, "版本：<b aria-current=\"page\">2023-12-29</b><span class=\"st\">现行有效</span> · "
            "<a href=\"/doc/d1111111111111111-0\">2018-10-26</a>"
            "<span class=\"st old\">历史版本</span></nav>");
    gz_buf_fini(&b);
}

/* Fails before: references were plain text. 本法第二条 in 第一条 links to
 * the unit it names, on the law view and on the article's page. */
Test(page, references_are_links)
{
    gazette_unit u[5];
    gazette_document o = law_doc(u);
    const char *art = law_text + u[1].start, *ref = strstr(art, "本法第二条");
    /* a document page's refs are bytes of its text, an article's of its own */
    gazette_ref r = {(uint32_t)(ref - o.text), (uint32_t)(ref - o.text + strlen("本法第二条")), "same_work",
                     {"1-0-5", "1-0", "第二条", "中华人民共和国公司法"}};
    gazette_ref ra = r;
    ra.start = (uint32_t)(ref - art), ra.end = ra.start + (uint32_t)strlen("本法第二条");
    o.refs = &r;
    o.n_refs = 1;
    gz_buf b;
    render_doc(&b, &o);
    const char *link = "依照<a class=\"ref\" href=\"/doc/1-0?u=1-0-5#u-1-0-5\" title=\"中华人民共和国公司法 第二条\">"
                       "本法第二条</a>制定本法。";
    cr_assert(strstr(b.data, link), "%s", b.data);
    /* the article page: the same link, and who cites it */
    gazette_citation citing = {.title = "公司登记管理条例",
                                    .doc = {.id = "d3333333333333333-1", .version_date = "2016-02-06"},
                                    .unit = {.id = "2-4-9", .label = "第三条"}};
    gazette_article a = {.found = 1, .title = "中华人民共和国公司法", .doc = o.doc, .unit = u[1],
                         .text = art, .text_len = u[1].end - u[1].start, .refs = &ra, .n_refs = 1,
                         .cited_by = &citing, .n_cited_by = 1};
    gz_buf_fini(&b);
    gz_buf_init(&b);
    html_article_page(&b, &a, "公司法第一条");
    gz_buf_cstr(&b);
    cr_assert(strstr(b.data, link), "%s", b.data);
    has(&b, "<h3>被引用（1）</h3><ol class=\"hits cited\"><li><a href=\"/doc/d3333333333333333-1?u="
            "2-4-9#u-2-4-9\">公司登记管理条例 第三条</a><span class=\"vd\">2016-02-06 版</span></li>");
    /* a reference past the text is left out, not read past the end */
    r.end = 100000;
    gz_buf_fini(&b);
    render_doc(&b, &o);
    cr_assert_null(strstr(b.data, "class=\"ref\""));
    gz_buf_fini(&b);
}

/* 时效: current versions by default, historical ones a click away
 * (all_versions=1, which later links keep), repealed ones counted. */
Test(page, validity_facet_links_current_and_historical)
{
    gazette_facet_value v[] = {{"现行", 5}, {"历史", 3}, {"已废止", 1}};
    gazette_page pg = {.total = 9, .validity = {v, 3}};
    page_params p = {.q = "公司", .page = 1};
    gz_buf b;
    gz_buf_init(&b);
    html_search_page(&b, &pg, &p);
    has(&b, "<h3>时效</h3><ul><li><a href=\"/?q=%E5%85%AC%E5%8F%B8\" class=\"on\">现行有效</a> (5)</li>"
            "<li><a href=\"/?q=%E5%85%AC%E5%8F%B8&amp;all_versions=1\">含历史版本</a> (3)</li><li>已废止 (1)</li></ul>");
    gz_buf_fini(&b);
    p.all_versions = "1";
    gz_buf_init(&b);
    html_search_page(&b, &pg, &p);
    has(&b, "<li><a href=\"/?q=%E5%85%AC%E5%8F%B8&amp;all_versions=1\" class=\"on\">含历史版本</a> (3)</li>");
    gz_buf_fini(&b);
}

/* A 款 or 项 asked for is marked inside its article on the article page. */
Test(page, clause_marked_in_its_article)
{
    const char *text = "第三十九条 劳动者有下列情形之一的：\n（一）在试用期间被证明不符合录用条件的；\n（二）严重违反规章制度的；\n";
    const char *item = strstr(text, "（二）");
    gazette_article a = {.found = 1, .title = "中华人民共和国劳动合同法", .text = text, .text_len = strlen(text),
                         .has_clause = 1, .clause = {(uint32_t)(item - text), (uint32_t)strlen(text)},
                         .clause_label = "第一款第（二）项", .unit = {.id = "1-0-4", .label = "第三十九条"},
                         .doc = {.id = "d1-0", .title = "中华人民共和国劳动合同法"}};
    gz_buf b;
    gz_buf_init(&b);
    html_article_page(&b, &a, "劳动合同法第三十九条第一款第（二）项");
    has(&b, "<mark class=\"clause\" title=\"第一款第（二）项\">（二）严重违反规章制度的；\n</mark>");
    gz_buf_fini(&b);
}

/* A total estimated from a sample (past GAZETTE_COUNT_EXACT) reads 约N条,
 * and so do the facets' counts; an exact one reads 共N条. */
Test(page, an_estimated_total_says_about)
{
    gazette_facet_value years[] = {{"2023", 1200}};
    gazette_hit h = hit_of("中华人民共和国公司法", "laws/公司法.md", 0, 0);
    gazette_page pg = {.year = {years, 1}, .hits = &h, .n_hits = 1, .total = 45000, .total_estimated = 1,
                       .facets_estimated = 1, .reading = {.text = "按关键词查找"}};
    gz_buf b;
    render_search(&b, &pg);
    has(&b, "约 45000 条结果");
    has(&b, ">2023</a> (约1200)");
    gz_buf_fini(&b);
    pg.total_estimated = pg.facets_estimated = 0;
    render_search(&b, &pg);
    has(&b, "共 45000 条结果");
    has(&b, ">2023</a> (1200)");
    cr_assert_null(strstr(b.data, "约"), "%s", b.data);
    gz_buf_fini(&b);
}
