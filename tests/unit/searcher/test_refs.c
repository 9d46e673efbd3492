/* Cross-references (searcher/refs.c): references inside the units shown
 * resolve to the article they name (本法第X条 in the same version, 前款 to
 * the 款 before, 民法典第X条 from a 司法解释 to the 民法典), with byte
 * offsets in the text the answer carries; and --cited-by lists the units
 * citing an article. Over sample/laws and tests/data/xref (the 民法典's
 * 婚姻家庭编, first articles, and the 司法解释 on it, first articles). */
#include "indexer/indexer.h"
#include "searcher/searcher.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <json-c/json.h>

static char src[] = "/tmp/gz-refs-XXXXXX", dir[] = "/tmp/gz-refs-idx-XXXXXX";
static sr_index *ix;
static sr_arena ar;

/* Indexes the folder from into the new folder to and opens it as ix. */
static void index_open(char *from, char *to)
{
    cr_assert_not_null(mkdtemp(to));
    ix_options o = {.dir = to, .threads = 1};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {from};
    cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(sr_index_open(to, &ix, &err), GZ_OK, "%s", err.msg);
    sr_arena_init(&ar);
}

static void build(void)
{
    cr_assert_not_null(mkdtemp(src));
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "cp %s/laws/*.md %s/../tests/data/xref/*.md %s/", GZ_SAMPLE_DIR, GZ_SAMPLE_DIR, src);
    cr_assert_eq(system(cmd), 0);
    index_open(src, dir);
}

static void teardown(void)
{
    sr_arena_fini(&ar);
    sr_index_close(ix);
}

TestSuite(refs, .init = build, .fini = teardown);

/* The one article ref names (the test fails otherwise). */
static gazette_article article(const char *ref)
{
    gazette_article a;
    gz_error err = {0};
    cr_assert_eq(sr_article(ix, ref, &ar, &a, &err), GZ_OK, "%s", err.msg);
    cr_assert(a.found, "%s: not found (%zu candidates)", ref, a.total);
    return a;
}

/* The reference of a whose text (in text) begins with what, or NULL. */
static const gazette_ref *ref_at(const gazette_ref *r, size_t n, const char *text, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (strncmp(text + r[i].start, what, strlen(what)) == 0)
            return &r[i];
    return NULL;
}

Test(refs, benfa_resolves_to_the_article_of_the_same_version)
{
    gazette_article a = article("公司法第二百三十二条");
    gazette_article to = article("公司法第二百二十九条");
    const gazette_ref *r = ref_at(a.refs, a.n_refs, a.text, "本法第二百二十九条");
    cr_assert_not_null(r, "no ref at 本法第二百二十九条 among %zu", a.n_refs);
    cr_assert_str_eq(r->kind, "same_work");
    cr_assert_str_eq(r->target.id, to.unit.id);
    cr_assert_str_eq(r->target.doc, a.doc.id); /* the same document: the same version */
    cr_assert_str_eq(r->target.label, "第二百二十九条第一款第一项");
    cr_assert_str_eq(r->target.title, "中华人民共和国公司法");
    /* the range is the reference as written, 第一款第一项 included */
    cr_assert_eq(strncmp(a.text + r->start, "本法第二百二十九条第一款第一项", r->end - r->start), 0);
    cr_assert_eq(r->end - r->start, strlen("本法第二百二十九条第一款第一项"));
}

Test(refs, qiankuan_resolves_to_the_previous_clause_of_the_same_article)
{
    gazette_article a = article("公司法第十五条");
    /* 第十五条's third 款 cites 前款 (the second) three times */
    const char *third = strstr(a.text, "前款规定的股东");
    cr_assert_not_null(third);
    size_t n = 0;
    for (size_t i = 0; i < a.n_refs; i++) {
        if (strcmp(a.refs[i].kind, "prev_clause") != 0)
            continue;
        cr_assert_str_eq(a.refs[i].target.id, a.unit.id);
        cr_assert_str_eq(a.refs[i].target.label, "第十五条第二款");
        cr_assert_geq(a.text + a.refs[i].start, third);
        cr_assert_eq(strncmp(a.text + a.refs[i].start, "前款", a.refs[i].end - a.refs[i].start), 0);
        n++;
    }
    cr_assert_eq(n, 3, "%zu 前款 resolved", n);
}

/* The hit of a search for q in document title t, or fails. */
static const gazette_hit *hit_in(const char *q, const char *t, gazette_page *p)
{
    sr_request rq = {.query = q, .n = 10};
    gz_error err = {0};
    cr_assert_eq(sr_search(ix, &rq, &ar, p, &err), GZ_OK, "%s", err.msg);
    for (size_t i = 0; i < p->n_hits; i++)
        if (strstr(p->hits[i].doc.title, t))
            return &p->hits[i];
    cr_assert_fail("no hit of %s in %s", q, t);
    return NULL;
}

Test(refs, a_judicial_interpretation_cites_the_civil_code_article)
{
    gazette_article code = article("中华人民共和国民法典第一千零四十二条");
    gazette_page p;
    const gazette_hit *h = hit_in("持续性 家庭暴力 虐待", "婚姻家庭编的解释", &p);
    /* in the snippet, as its highlights are */
    const gazette_ref *r = ref_at(h->refs, h->n_refs, h->snippet, "民法典第一千零四十二条");
    cr_assert_not_null(r, "no ref at 民法典第一千零四十二条 among %zu in %s", h->n_refs, h->snippet);
    cr_assert_str_eq(r->kind, "named_work");
    cr_assert_str_eq(r->target.id, code.unit.id);
    cr_assert_str_eq(r->target.doc, code.doc.id);
    cr_assert_str_eq(r->target.label, "第一千零四十二条");
    cr_assert_eq(r->end - r->start, strlen("民法典第一千零四十二条"));
    /* 、第一千零七十九条 inherits the work: the fixture stops before it */
    cr_assert_null(ref_at(h->refs, h->n_refs, h->snippet, "第一千零七十九条"));
}

Test(refs, cited_by_lists_the_citing_units)
{
    gazette_page p;
    const gazette_hit *h = hit_in("持续性 家庭暴力 虐待", "婚姻家庭编的解释", &p);
    char citing[64];
    snprintf(citing, sizeof citing, "%s", h->unit.id);
    gazette_article a;
    gz_error err = {0};
    cr_assert_eq(sr_article_cited_by(ix, "民法典第一千零四十二条", NULL, &ar, &a, &err), GZ_OK, "%s", err.msg);
    cr_assert(a.found && a.cited_by_asked && !a.cited_by_partial);
    int seen = 0;
    for (size_t i = 0; i < a.n_cited_by; i++) {
        const gazette_citation *c = &a.cited_by[i];
        cr_assert_eq(strncmp(c->snippet + c->ref.start, "民法典第一千零四十二条", c->ref.end - c->ref.start), 0);
        seen |= strcmp(c->unit.id, citing) == 0;
    }
    cr_assert(seen, "%s is not among the %zu citing units", citing, a.n_cited_by);
    cr_assert_eq(a.n_cited_by, 2); /* 第一条 and 第二条 of the interpretation */
    /* in its own work: 本法第二百二十九条 (第二百三十二、二百三十三条) and 前条 (第二百三十条) */
    cr_assert_eq(sr_article_cited_by(ix, "公司法第二百二十九条", NULL, &ar, &a, &err), GZ_OK, "%s", err.msg);
    const char *want[] = {"第二百三十条", "第二百三十二条", "第二百三十三条"};
    cr_assert_eq(a.n_cited_by, 3);
    for (size_t i = 0; i < 3; i++)
        cr_assert_str_eq(a.cited_by[i].unit.label, want[i]);
}

static json_object *get(json_object *o, const char *k)
{
    json_object *v = NULL;
    json_object_object_get_ex(o, k, &v);
    return v;
}

Test(refs, json_and_document_pages_carry_refs)
{
    gz_buf out;
    gz_buf_init(&out);
    int amb;
    gz_error err = {0};
    cr_assert_eq(sr_article_json(ix, "公司法第二百三十二条", &out, &amb, &err), GZ_OK, "%s", err.msg);
    json_object *o = json_tokener_parse(gz_buf_cstr(&out));
    cr_assert_not_null(o);
    json_object *refs = get(o, "refs"), *t = get(json_object_array_get_idx(refs, 0), "target");
    cr_assert_geq(json_object_array_length(refs), 1);
    cr_assert_str_eq(json_object_get_string(get(t, "label")), "第二百二十九条第一款第一项");
    cr_assert_not_null(get(t, "id"));
    cr_assert_not_null(get(t, "doc"));
    cr_assert_not_null(get(t, "title"));
    json_object_put(o);
    /* a document's page: offsets in the page's text */
    gazette_article a = article("公司法第二百三十二条");
    gazette_document d;
    cr_assert_eq(sr_show(ix, a.doc.id, a.unit.start, NULL, &ar, &d, &err), GZ_OK, "%s", err.msg);
    const gazette_ref *r = ref_at(d.refs, d.n_refs, d.text, "本法第二百二十九条");
    cr_assert_not_null(r);
    cr_assert_str_eq(r->target.label, "第二百二十九条第一款第一项");
    gz_buf_fini(&out);
}

/* ------------------------------------------------ versions of a work */

static char vsrc[] = "/tmp/gz-refs-v-XXXXXX", vdir[] = "/tmp/gz-refs-v-idx-XXXXXX";

static void write_file(const char *d, const char *name, const char *text)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", d, name);
    FILE *f = fopen(path, "w");
    cr_assert(f && fputs(text, f) >= 0 && fclose(f) == 0);
}

/* Two versions of one law, a rule dated between them citing it, and an
 * undated one. */
static void build_versions(void)
{
    cr_assert_not_null(mkdtemp(vsrc));
    write_file(vsrc, "测试法(2018-01-01).md",
               "# 中华人民共和国测试法\n\n2018年1月1日 第一次会议通过\n\n<!-- INFO END -->\n\n"
               "第一条 旧版第一条的内容。\n\n第二条 旧版第二条的内容。\n");
    write_file(vsrc, "测试法(2023-01-01).md",
               "# 中华人民共和国测试法\n\n2018年1月1日 第一次会议通过\n\n2023年1月1日 第二次会议修订\n\n"
               "<!-- INFO END -->\n\n第一条 新版第一条的内容。\n\n第二条 新版第二条的内容。\n");
    write_file(vsrc, "测试规定(2020-06-01).md",
               "# 测试规定\n\n2020年6月1日 发布\n\n<!-- INFO END -->\n\n第一条 依照《中华人民共和国测试法》第一条，制定本规定。\n");
    write_file(vsrc, "测试办法.md", "# 测试办法\n\n<!-- INFO END -->\n\n第一条 根据《测试法》第二条，制定本办法。\n");
    index_open(vsrc, vdir);
}

TestSuite(refs_versions, .init = build_versions, .fini = teardown);

/* The document of the hit for q. */
static const char *doc_of(const char *q)
{
    gazette_page p;
    sr_request rq = {.query = q, .n = 1};
    gz_error err = {0};
    cr_assert_eq(sr_search(ix, &rq, &ar, &p, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(p.n_hits, 1, "%s", q);
    return p.hits[0].doc.id;
}

Test(refs_versions, a_named_work_resolves_to_the_version_in_force_at_the_citing_date)
{
    const char *v2018 = doc_of("旧版第一条"), *v2023 = doc_of("新版第一条");
    cr_assert_str_neq(v2018, v2023);
    gazette_article a = article("测试规定第一条");
    const gazette_ref *r = ref_at(a.refs, a.n_refs, a.text, "《中华人民共和国测试法》第一条");
    cr_assert_not_null(r, "unresolved among %zu", a.n_refs);
    cr_assert_str_eq(r->target.doc, v2018); /* 2020: the 2018 version was in force */
    cr_assert_str_eq(r->target.label, "第一条");
    cr_assert_str_eq(r->target.title, "中华人民共和国测试法");
    /* undated: the current version */
    a = article("测试办法第一条");
    r = ref_at(a.refs, a.n_refs, a.text, "《测试法》第二条");
    cr_assert_not_null(r, "unresolved among %zu", a.n_refs);
    cr_assert_str_eq(r->target.doc, v2023);
}
