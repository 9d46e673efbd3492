/* Versions of a law and the article a clerk means (issue 20): an index of
 * sample/laws (公司法 of 2023, 刑法 ...) and tests/data/versions (公司法 of
 * 2018, cut after its 20th article; 劳动合同法; 宪法 and a 宪法修正案;
 * 山东省实施《村民委员会组织法》办法; 中国公民收养子女登记办法 of 2019 and
 * 2023) and tests/data/repeal (a decision, written for this test, titled
 * 关于废止《个体工商户名称登记管理办法》的决定). */
#include "indexer/indexer.h"
#include "searcher/searcher.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <json-c/json.h>

#define VERSIONS_DIR GZ_SAMPLE_DIR "/../tests/data/versions"

static char dir[] = "/tmp/gz-versions-XXXXXX";
static sr_index *ix;
static sr_arena arena;

static void build(void)
{
    cr_assert_not_null(mkdtemp(dir));
    ix_options o = {.dir = dir, .threads = 2};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {GZ_SAMPLE_DIR "/laws", VERSIONS_DIR, GZ_SAMPLE_DIR "/../tests/data/repeal"};
    cr_assert_eq(ix_index(&o, paths, 3, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
    sr_arena_init(&arena);
}

static void teardown(void)
{
    sr_arena_fini(&arena);
    sr_index_close(ix);
}

TestSuite(versions, .init = build, .fini = teardown);

/* The answer to ref (found or not). */
static gazette_article lookup(const char *ref)
{
    gazette_article a;
    gz_error err = {0};
    cr_assert_eq(sr_article(ix, ref, &arena, &a, &err), GZ_OK, "%s: %s", ref, err.msg);
    return a;
}

/* The article ref names: found, with that version date and source. */
static gazette_article found(const char *ref, const char *version_date, const char *source)
{
    gazette_article a = lookup(ref);
    cr_assert(a.found, "%s: %zu candidates, note %s", ref, a.total, a.note ? a.note : "-");
    if (version_date)
        cr_assert(a.doc.version_date && strcmp(a.doc.version_date, version_date) == 0, "%s: version %s, not %s", ref,
                  a.doc.version_date ? a.doc.version_date : "none", version_date);
    if (source)
        cr_assert_str_eq(a.source, source, "%s", ref);
    return a;
}

Test(versions, a_short_name_gives_the_current_version)
{
    gazette_article a = found("公司法第十七条", "2023-12-29", "公司法(2023-12-29).md");
    cr_assert_str_eq(a.doc.status, "current");
    cr_assert(strncmp(a.text, "第十七条 公司职工依照", strlen("第十七条 公司职工依照")) == 0);
}

Test(versions, a_date_gives_the_version_in_force)
{
    gazette_article a = found("公司法(2018-10-26)第十七条", "2018-10-26", "公司法(2018-10-26).md");
    cr_assert_str_eq(a.doc.status, "historical");
    found("公司法(2023-12-29)第十七条", "2023-12-29", "公司法(2023-12-29).md");
    found("公司法第十七条@2020-01-01", "2018-10-26", NULL);
    found("中华人民共和国公司法第十七条@2023-12-29", "2023-12-29", NULL);
    /* before the oldest version in the index: none in force */
    cr_assert_not(lookup("公司法第十七条@2000-01-01").found);
}

Test(versions, the_work_a_name_names_before_titles_containing_it)
{
    /* 刑法 is the 刑法's name, not a part of other titles; 宪法 is the
     * Constitution, not its amendment */
    gazette_article a = found("刑法第十条", NULL, "刑法.md");
    cr_assert_str_eq(a.title, "中华人民共和国刑法");
    a = found("宪法第一条", NULL, "宪法.md");
    cr_assert_str_eq(a.title, "中华人民共和国宪法");
    a = found("《中华人民共和国宪法》第一条", NULL, "宪法.md");
}

Test(versions, titles_with_brackets_inside)
{
    const char *forms[] = {"山东省实施《中华人民共和国村民委员会组织法》办法 第一条",
                           "山东省实施《村民委员会组织法》办法第一条", "《山东省实施〈中华人民共和国村民委员会组织法〉办法》第一条"};
    for (size_t i = 0; i < 3; i++) {
        gazette_article a = found(forms[i], "2012-11-29", NULL);
        cr_assert_eq(a.unit.number, 1, "%s", forms[i]);
        cr_assert(strstr(a.title, "山东省实施"), "%s: %s", forms[i], a.title);
    }
}

Test(versions, digits_blanks_and_no_tiao)
{
    gazette_article ref = found("刑法第二百三十二条", NULL, "刑法.md");
    const char *forms[] = {"刑法 第 232 条", "刑法232条", "刑法第232", "刑法　第２３２条"};
    for (size_t i = 0; i < 4; i++) {
        gazette_article a = found(forms[i], NULL, "刑法.md");
        cr_assert_str_eq(a.unit.id, ref.unit.id, "%s", forms[i]);
    }
    /* 之一 is an article of its own */
    gazette_article z = found("刑法第十七条之一", NULL, "刑法.md"), z2 = found("《刑法》第17条之一", NULL, "刑法.md");
    cr_assert_eq(z.unit.sub, 1);
    cr_assert_str_eq(z.unit.id, z2.unit.id);
    cr_assert_str_neq(z.unit.id, found("刑法第十七条", NULL, "刑法.md").unit.id);
}

Test(versions, a_clause_and_an_item_carry_their_range)
{
    gazette_article a = found("劳动合同法第三十九条第一款第（二）项", NULL, NULL);
    cr_assert(a.has_clause);
    cr_assert_lt(a.clause.start, a.clause.end);
    cr_assert_leq(a.clause.end, a.text_len);
    const char *c = a.text + a.clause.start;
    cr_assert(strncmp(c, "（二）严重违反用人单位的规章制度的", strlen("（二）严重违反用人单位的规章制度的")) == 0,
              "%.*s", (int)(a.clause.end - a.clause.start), c);
    cr_assert_str_eq(a.clause_label, "第一款第（二）项");
    a = found("劳动合同法第三十九条第一款", NULL, NULL);
    cr_assert(a.has_clause);
    cr_assert_eq(a.clause.start, 0, "the first 款 starts the article");
    /* the JSON carries it */
    gz_buf out;
    gz_buf_init(&out);
    int amb;
    gz_error err;
    cr_assert_eq(sr_article_json(ix, "劳动合同法第三十九条第一款第（二）项", &out, &amb, &err), GZ_OK);
    json_object *o = json_tokener_parse(gz_buf_cstr(&out)), *cl = NULL;
    cr_assert(json_object_object_get_ex(o, "clause", &cl), "%s", gz_buf_cstr(&out));
    json_object *st = NULL;
    cr_assert(json_object_object_get_ex(cl, "start", &st));
    gazette_article item = found("劳动合同法第三十九条第一款第（二）项", NULL, NULL);
    cr_assert_eq((uint32_t)json_object_get_int(st), item.clause.start);
    json_object_put(o);
    gz_buf_fini(&out);
}

Test(versions, a_reference_to_no_article_says_why)
{
    /* no work so named (合同法: not 劳动合同法), or no such article in the
     * work: nothing found, no candidate, and a note saying so */
    const char *refs[] = {"合同法第五十二条", "公司法第九百九十九条"};
    for (size_t i = 0; i < 2; i++) {
        gazette_article a = lookup(refs[i]);
        cr_assert_not(a.found, "%s: found %s", refs[i], a.title);
        cr_assert_eq(a.n_candidates, 0, "%s: %zu candidates", refs[i], a.n_candidates);
        cr_assert_not_null(a.note, "%s: no note", refs[i]);
    }
}

Test(versions, candidates_only_when_two_works_match)
{
    /* 办法 is only part of titles: every work holding it that has a 第一条,
     * each with its version date and the article's first line */
    gazette_article a = lookup("办法第一条");
    cr_assert_not(a.found);
    cr_assert_geq(a.total, 2);
    for (size_t i = 0; i < a.n_candidates; i++) {
        cr_assert_not_null(a.candidates[i].first_line);
        cr_assert(strncmp(a.candidates[i].first_line, "第一条", strlen("第一条")) == 0, "%s",
                  a.candidates[i].first_line);
        cr_assert(!strchr(a.candidates[i].first_line, '\n'));
        cr_assert_not_null(a.candidates[i].doc.version_date, "%s", a.candidates[i].title);
    }
    /* two versions of one work are not two works */
    cr_assert(lookup("中国公民收养子女登记办法第二条").found);
}

Test(versions, a_repeal_decision_marks_the_work_repealed)
{
    gazette_article a = found("个体工商户名称登记管理办法第一条", NULL, "个体工商户名称登记管理办法.md");
    cr_assert_str_eq(a.doc.status, "repealed");
    /* the decision itself, and works it does not name, stand */
    cr_assert_str_eq(found("促进个体工商户发展条例第一条", NULL, NULL).doc.status, "current");
}

/* ------------------------------------------------------------ the page */

static gazette_page search(const char *q, size_t n, int all_versions, int all_in_document, sr_sort sort)
{
    sr_request rq = {.query = q, .n = n, .all_versions = all_versions, .all_in_document = all_in_document,
                     .sort = sort};
    gazette_page p;
    gz_error err = {0};
    cr_assert_eq(sr_search(ix, &rq, &arena, &p, &err), GZ_OK, "%s: %s", q, err.msg);
    return p;
}

Test(versions, hits_carry_their_version)
{
    gazette_page p = search("公司职工 工会", 10, 0, 0, SR_SORT_SCORE);
    const gazette_hit *h = NULL;
    for (size_t i = 0; i < p.n_hits && !h; i++)
        if (strcmp(p.hits[i].doc.source, "公司法(2023-12-29).md") == 0)
            h = &p.hits[i];
    cr_assert_not_null(h);
    cr_assert_str_eq(h->doc.version_date, "2023-12-29");
    cr_assert_str_eq(h->doc.status, "current");
    cr_assert_eq(h->n_versions, 1, "另有1个历史版本");
    cr_assert_str_eq(h->versions[0].version_date, "2018-10-26");
    cr_assert_str_eq(h->versions[0].status, "historical");
    /* the facet 时效 */
    cr_assert_geq(p.validity.n, 1);
    gz_buf out;
    gz_buf_init(&out);
    sr_page_json(&p, &out);
    const char *j = gz_buf_cstr(&out);
    cr_assert(strstr(j, "\"version_date\":\"2023-12-29\"") && strstr(j, "\"status\":\"current\"") &&
                  strstr(j, "\"versions\":{\"count\":1") && strstr(j, "\"validity\":["),
              "%.400s", j);
    gz_buf_fini(&out);
}

/* The text of a hit's unit. */
static char *unit_text(const gazette_hit *h)
{
    gazette_document d;
    gz_error err;
    cr_assert_eq(sr_show(ix, h->doc.at, h->unit.start, NULL, &arena, &d, &err), GZ_OK);
    return strndup(d.text, h->unit.end - h->unit.start);
}

Test(versions, identical_units_collapse_into_the_current_version)
{
    /* 第二条 of 中国公民收养子女登记办法 is the same in 2019 and 2023 */
    const char *q = "境内收养子女";
    gazette_page all = search(q, 50, 1, 1, SR_SORT_SCORE), p = search(q, 50, 0, 1, SR_SORT_SCORE);
    size_t hist_all = 0;
    for (size_t i = 0; i < all.n_hits; i++)
        hist_all += all.hits[i].doc.status && strcmp(all.hits[i].doc.status, "historical") == 0;
    cr_assert_geq(hist_all, 1, "the 2018 version matches too");
    /* no two hits of one work with the same label and text */
    for (size_t i = 0; i < p.n_hits; i++)
        for (size_t j = i + 1; j < p.n_hits; j++) {
            const gazette_hit *a = &p.hits[i], *b = &p.hits[j];
            if (strcmp(a->unit.label, b->unit.label) != 0 || !a->doc.status || !b->doc.status ||
                strcmp(a->doc.title, b->doc.title) != 0)
                continue;
            char *ta = unit_text(a), *tb = unit_text(b);
            cr_assert(strcmp(ta, tb) != 0, "%s %s twice with the same text", a->doc.title, a->unit.label);
            free(ta);
            free(tb);
        }
    cr_assert_lt(p.n_hits, all.n_hits);
}

/* The most hits one document has on page p. */
static size_t max_per_document(const gazette_page *p)
{
    size_t most = 0;
    for (size_t i = 0; i < p->n_hits; i++) {
        size_t same = 0;
        for (size_t j = 0; j < p->n_hits; j++)
            same += strcmp(p->hits[i].doc.at, p->hits[j].doc.at) == 0;
        most = same > most ? same : most;
    }
    return most;
}

Test(versions, at_most_two_hits_a_document)
{
    gazette_page p = search("公司", 20, 1, 0, SR_SORT_SCORE);
    size_t more = 0;
    for (size_t i = 0; i < p.n_hits; i++)
        more += p.hits[i].more_in_document;
    cr_assert_leq(max_per_document(&p), 2);
    cr_assert_gt(more, 0, "该文件另有N处匹配");
    gazette_page all = search("公司", 20, 1, 1, SR_SORT_SCORE);
    cr_assert_gt(max_per_document(&all), 2, "expanded: every hit of a document");
}

Test(versions, sort_by_date_is_by_version_date)
{
    gazette_page p = search("公司", 50, 1, 1, SR_SORT_DATE);
    cr_assert_geq(p.n_hits, 2);
    cr_assert_str_eq(p.hits[0].doc.version_date, "2023-12-29", "the newest version first, not its 1993 date");
    for (size_t i = 1; i < p.n_hits; i++) {
        const char *a = p.hits[i - 1].doc.version_date ? p.hits[i - 1].doc.version_date : p.hits[i - 1].doc.date,
                   *b = p.hits[i].doc.version_date ? p.hits[i].doc.version_date : p.hits[i].doc.date;
        cr_assert(a && b && strcmp(a, b) >= 0, "%s before %s", a ? a : "-", b ? b : "-");
    }
}

/* ------------------------------------------------ over the laws corpus */

#include "common/law.h"
#include "format/format.h"

typedef struct drawn_doc {
    uint32_t seg, doc, date;
    char key[GZ_LAW_KEY_MAX];
} drawn_doc;

/* The newest version date among docs of work key. */
static uint32_t newest_of(const drawn_doc *d, size_t n, const char *key)
{
    uint32_t best = 0;
    for (size_t i = 0; i < n; i++)
        if (d[i].date > best && strcmp(d[i].key, key) == 0)
            best = d[i].date;
    return best;
}

/* Is the article numbered (number, sub) the only one so numbered in its
 * document? */
static int unique_in_doc(const gz_segment *seg, const gz_docinfo *di, const gz_unitinfo *u)
{
    size_t same = 0;
    for (uint32_t k = di->first_unit; k < di->first_unit + di->n_units; k++) {
        gz_unitinfo v;
        if (gz_segment_unit(seg, k, &v) == GZ_OK && v.kind == GZ_KIND_ARTICLE && v.number == u->number &&
            v.sub == u->sub)
            same++;
    }
    return same == 1;
}

Test(lawdesk, the_issue_examples_and_200_drawn_references, .timeout = 900)
{
    char laws[4200];
    TH_LAWS_OR_SKIP(laws);
    char ldir[] = "/tmp/gz-lawdesk-XXXXXX";
    cr_assert_not_null(mkdtemp(ldir));
    ix_options o = {.dir = ldir, .threads = 2};
    ix_report rep;
    gz_error err = {0};
    char *paths[] = {laws};
    cr_assert_eq(ix_index(&o, paths, 1, &rep, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(sr_index_open(ldir, &ix, &err), GZ_OK, "%s", err.msg);
    sr_arena_init(&arena);

    /* the examples of the issue */
    gazette_article a = found("公司法第十七条", "2023-12-29", NULL);
    cr_assert(strstr(a.source, "公司法(2023-12-29).md"), "%s", a.source);
    a = found("公司法(2018-10-26)第十七条", "2018-10-26", NULL);
    a = found("刑法第十条", NULL, "lawrefbook/刑法/刑法.md");
    a = found("宪法第一条", NULL, "lawrefbook/宪法/宪法.md");
    a = found("山东省实施《中华人民共和国村民委员会组织法》办法 第一条", NULL, NULL);
    cr_assert(strstr(a.source, "山东省实施《村民委员会组织法》办法"), "%s", a.source);
    a = found("民诉法解释第十七条", "2022-04-02", NULL);
    a = found("民法典第一千零八十七条", NULL, "lawrefbook/民法典/婚姻家庭编.md");
    cr_assert_str_eq(a.doc.status, "current", "a code's parts are one version");
    /* the same 民诉法解释 第十七条 is not repeated */
    gazette_page p = search("离婚 财产 分割 定居国外", 10, 0, 0, SR_SORT_SCORE);
    cr_assert_eq(p.n_hits, 1, "three versions, one text: one hit");
    cr_assert_eq(p.hits[0].n_versions, 2, "另有2个历史版本");

    /* 200 references drawn from the corpus, written in the forms a clerk
     * uses: each gives exactly the drawn article, of the current version,
     * or of the version its date names */
    gz_snapshot *snap;
    cr_assert_eq(gz_snapshot_open(ldir, &snap, &err), GZ_OK, "%s", err.msg);
    drawn_doc *docs = NULL;
    size_t nd = 0;
    for (size_t s = 0; s < snap->man.n_seg; s++)
        for (uint32_t d = 0; d < snap->man.seg[s].n_docs; d++) {
            gz_docinfo di;
            if (gz_segment_doc(snap->seg[s], d, &di) != GZ_OK || !di.version_date || !di.n_units)
                continue;
            docs = realloc(docs, (nd + 1) * sizeof *docs);
            docs[nd] = (drawn_doc){(uint32_t)s, d, di.version_date, ""};
            gz_law_work_key(di.title, strlen(di.title), docs[nd].key, sizeof docs[nd].key);
            nd++;
        }
    cr_assert_gt(nd, 3000, "the laws have version dates: %zu", nd);
    uint64_t seed = 20;
    size_t tried = 0, ok = 0;
    gz_buf want, why;
    gz_textctx *tctx = NULL;
    gz_buf_init(&want);
    gz_buf_init(&why);
    while (tried < 200) {
        const drawn_doc *d = &docs[th_rnd(&seed) % nd];
        const gz_segment *seg = snap->seg[d->seg];
        gz_docinfo di;
        gz_unitinfo u;
        cr_assert_eq(gz_segment_doc(seg, d->doc, &di), GZ_OK);
        uint32_t k = di.first_unit + (uint32_t)(th_rnd(&seed) % di.n_units);
        if (gz_segment_unit(seg, k, &u) != GZ_OK || u.kind != GZ_KIND_ARTICLE || u.number <= 0 ||
            !unique_in_doc(seg, &di, &u) || strstr(di.title, "第"))
            continue;
        int form = (int)(tried % 5), dated = form == 4;
        if (!dated && d->date != newest_of(docs, nd, d->key))
            continue; /* an undated reference asks for the current version */
        char ref[1024], title[900];
        const char *t = di.title;
        static const char prc[] = "中华人民共和国";
        snprintf(title, sizeof title, "%s", form == 1 && strncmp(t, prc, strlen(prc)) == 0 ? t + strlen(prc) : t);
        const char *sub = u.sub ? "之一" : "";
        if (u.sub > 1)
            continue;
        switch (form) {
        case 0: snprintf(ref, sizeof ref, "%s%s", title, u.label); break;            /* full title */
        case 1: snprintf(ref, sizeof ref, "%s第%d条%s", title, u.number, sub); break; /* short, digits */
        case 2: snprintf(ref, sizeof ref, "《%s》%s", title, u.label); break;        /* 《》 */
        case 3: snprintf(ref, sizeof ref, "%s 第 %d 条%s", title, u.number, sub); break;
        default:
            snprintf(ref, sizeof ref, "%s(%04u-%02u-%02u)%s", title, d->date / 10000, d->date / 100 % 100,
                     d->date % 100, u.label);
        }
        tried++;
        want.len = 0;
        cr_assert_eq(gz_segment_text_range(seg, d->doc, u.start, u.end, &want, &tctx), GZ_OK);
        sr_arena_reset(&arena);
        a = lookup(ref);
        int good = a.found && a.text_len == want.len && memcmp(a.text, want.data, want.len) == 0 &&
                   a.doc.version_date;
        if (good) {
            uint32_t y, m, dd;
            good = sscanf(a.doc.version_date, "%u-%u-%u", &y, &m, &dd) == 3 && y * 10000 + m * 100 + dd == d->date;
        }
        if (good)
            ok++;
        else
            gz_buf_printf(&why, "  %s -> %s %s\n", ref, a.found ? a.source : "not found",
                          a.found ? a.unit.label : "");
    }
    fprintf(stderr, "lawdesk: %zu of %zu drawn references give the drawn article\n", ok, tried);
    cr_assert_eq(ok, tried, "%zu of %zu drawn references give the article:\n%s", ok, tried, gz_buf_cstr(&why));
    gz_buf_fini(&want);
    gz_buf_fini(&why);
    free(docs);
    gz_textctx_close(tctx);
    gz_snapshot_close(snap);
    sr_arena_fini(&arena);
    sr_index_close(ix);
}
