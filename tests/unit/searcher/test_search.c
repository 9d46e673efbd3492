/* Searching the seed bulletin: what citizens and clerks ask of it. The
 * index is built once for the suite from the seed alone. */
#include "format/format.h"
#include "indexer/indexer.h"
#include "searcher/searcher.h"
#include "helpers.h"

#include <pthread.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

static char dir[] = "/tmp/gz-search-XXXXXX";
static sr_index *ix;

static void build(void)
{
    cr_assert_not_null(mkdtemp(dir));
    ix_options o = {.dir = dir, .threads = 2};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {GZ_SAMPLE_DIR "/seed"};
    cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
}

static void teardown(void) { sr_index_close(ix); }

TestSuite(search, .init = build, .fini = teardown);

static json_object *search(const char *q, size_t n, sr_unit_mode unit)
{
    sr_request rq = {.query = q, .n = n, .unit = unit};
    gz_buf out;
    gz_buf_init(&out);
    gz_error err = {0};
    cr_assert_eq(sr_search_json(ix, &rq, &out, &err), GZ_OK, "%s", err.msg);
    json_object *o = json_tokener_parse(gz_buf_cstr(&out));
    cr_assert_not_null(o, "not JSON: %.200s", gz_buf_cstr(&out));
    gz_buf_fini(&out);
    return o;
}

static json_object *get(json_object *o, const char *k)
{
    json_object *v = NULL;
    json_object_object_get_ex(o, k, &v);
    return v;
}

static const char *str(json_object *o, const char *k) { return json_object_get_string(get(o, k)); }

static json_object *hit(json_object *o, size_t i) { return json_object_array_get_idx(get(o, "hits"), i); }

Test(search, union_congress_finds_article_44_first)
{
    json_object *o = search("职工代表大会", 10, SR_BY_UNIT);
    cr_assert_geq(json_object_get_int(get(o, "total")), 1);
    json_object *h = hit(o, 0), *u = get(h, "unit");
    cr_assert_str_eq(str(u, "kind"), "article");
    cr_assert_eq(json_object_get_int(get(u, "number")), 44);
    cr_assert_str_eq(str(u, "label"), "第四十四条");
    cr_assert(strstr(str(u, "path"), "伊金霍洛旗属国有企业领导人员管理办法"));
    cr_assert_str_eq(str(h, "docno"), "伊政发[2023]110号");
    cr_assert_str_eq(str(h, "date"), "2023-11-30");
    cr_assert_str_eq(str(h, "source"), "yijinhuoluo-2023-11-12.txt");
    json_object_put(o);
}

Test(search, highlights_are_exact_bytes_of_the_snippet)
{
    json_object *o = search("职工代表大会", 10, SR_BY_UNIT);
    json_object *h = hit(o, 0), *hl = get(h, "highlights");
    const char *snip = str(h, "snippet");
    cr_assert_geq(json_object_array_length(hl), 1);
    for (size_t i = 0; i < json_object_array_length(hl); i++) {
        json_object *r = json_object_array_get_idx(hl, i);
        int a = json_object_get_int(json_object_array_get_idx(r, 0)),
            b = json_object_get_int(json_object_array_get_idx(r, 1));
        cr_assert_eq(b - a, (int)strlen("职工代表大会"));
        cr_assert_eq(memcmp(snip + a, "职工代表大会", (size_t)(b - a)), 0);
    }
    /* snippet_start places the snippet in the stored document text */
    gz_buf doc;
    gz_buf_init(&doc);
    gz_error err;
    cr_assert_eq(sr_show_json(ix, str(h, "id"), 0, NULL, &doc, &err), GZ_OK);
    json_object *d = json_tokener_parse(gz_buf_cstr(&doc));
    const char *text = str(d, "text");
    int at = json_object_get_int(get(h, "snippet_start"));
    cr_assert_eq(memcmp(text + at, snip, strlen(snip)), 0);
    json_object_put(d);
    gz_buf_fini(&doc);
    json_object_put(o);
}

Test(search, town_and_land_use_find_the_land_price_notice)
{
    json_object *o = search("纳林陶亥镇 住宅用地", 10, SR_BY_DOCUMENT);
    cr_assert_geq(json_object_get_int(get(o, "total")), 1);
    cr_assert(strstr(str(hit(o, 0), "title"), "土地定级与基准地价"), "got %s", str(hit(o, 0), "title"));
    json_object_put(o);
}

Test(search, a_name_finds_the_heritage_list)
{
    json_object *o = search("郝永清", 10, SR_BY_UNIT);
    cr_assert_eq(json_object_get_int(get(o, "total")), 2, "one row in each of two tables");
    cr_assert(strstr(str(hit(o, 0), "title"), "非物质文化遗产代表性项目代表性传承人"));
    cr_assert_str_eq(str(get(hit(o, 0), "unit"), "kind"), "row");
    json_object_put(o);
}

Test(search, a_docno_in_any_bracket_returns_its_document)
{
    const char *forms[] = {"伊政办发[2023]75号", "伊政办发〔2023〕75号", "伊政办发（2023）75号"};
    for (size_t i = 0; i < 3; i++) {
        json_object *o = search(forms[i], 10, SR_BY_DOCUMENT);
        cr_assert_geq(json_object_get_int(get(o, "total")), 1, "%s", forms[i]);
        cr_assert(strstr(str(hit(o, 0), "title"), "文化产业赋能乡村振兴"), "%s: %s", forms[i],
                  str(hit(o, 0), "title"));
        json_object_put(o);
    }
}

Test(search, article_reference_returns_the_full_article)
{
    gz_buf out;
    gz_buf_init(&out);
    int amb = 0;
    gz_error err;
    cr_assert_eq(sr_article_json(ix, "《伊金霍洛旗属国有企业领导人员管理办法》第四十六条", &out, &amb, &err), GZ_OK);
    json_object *o = json_tokener_parse(gz_buf_cstr(&out));
    cr_assert_not(amb);
    const char *text = str(o, "text");
    cr_assert(strncmp(text, "第四十六条", strlen("第四十六条")) == 0);
    cr_assert(strstr(text, "(三)旗属国有企业领导人员不得在兼职单位领取工资"));
    cr_assert(strstr(text, "纪委书记不得兼任其他职务或者分管其他工作。"), "the closing paragraph belongs to it");
    cr_assert_str_eq(str(o, "title"), "伊金霍洛旗属国有企业领导人员管理办法");
    json_object_put(o);
    /* Arabic numerals and a partial title find the same article */
    out.len = 0;
    cr_assert_eq(sr_article_json(ix, "国有企业领导人员管理办法 第46条", &out, &amb, &err), GZ_OK);
    o = json_tokener_parse(gz_buf_cstr(&out));
    cr_assert(strncmp(str(o, "text"), "第四十六条", strlen("第四十六条")) == 0);
    json_object_put(o);
    gz_buf_fini(&out);
}

Test(search, numerals_fold_both_ways)
{
    json_object *a = search("第46条", 50, SR_BY_UNIT), *b = search("第四十六条", 50, SR_BY_UNIT);
    cr_assert_geq(json_object_get_int(get(a, "total")), 1);
    cr_assert_eq(json_object_get_int(get(get(hit(a, 0), "unit"), "number")), 46);
    cr_assert_eq(json_object_get_int(get(get(hit(b, 0), "unit"), "number")), 46);
    json_object_put(a);
    json_object_put(b);
}

Test(search, kind_and_date_filters_narrow)
{
    json_object *all = search("企业", 10, SR_BY_UNIT), *art = search("企业 kind:article", 10, SR_BY_UNIT),
                *dec = search("企业 date:2023-12-01..2023-12-31", 10, SR_BY_UNIT);
    int n_all = json_object_get_int(get(all, "total")), n_art = json_object_get_int(get(art, "total")),
        n_dec = json_object_get_int(get(dec, "total"));
    cr_assert_gt(n_all, n_art);
    cr_assert_gt(n_art, 0);
    cr_assert_gt(n_all, n_dec);
    for (size_t i = 0; i < json_object_array_length(get(art, "hits")); i++)
        cr_assert_str_eq(str(get(hit(art, i), "unit"), "kind"), "article");
    for (size_t i = 0; i < json_object_array_length(get(dec, "hits")); i++)
        cr_assert(strncmp(str(hit(dec, i), "date"), "2023-12", 7) == 0);
    json_object_put(all);
    json_object_put(art);
    json_object_put(dec);
}

Test(search, odd_input_is_searched_not_refused)
{
    const char *odd[] = {"\"职工代表", "(企业", "企业)", "OR", "NOT", "- -", "《》", "", "：：", "\"\""};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        json_object *o = search(odd[i], 5, SR_BY_UNIT);
        cr_assert_not_null(get(o, "total"), "%s", odd[i]);
        json_object_put(o);
    }
    json_object *o = search("\"职工代表", 5, SR_BY_UNIT);
    cr_assert_gt(json_object_array_length(get(o, "notes")), 0, "the note says how it was read");
    cr_assert_gt(json_object_get_int(get(o, "total")), 0);
    json_object_put(o);
}

Test(search, facets_count_every_match)
{
    json_object *o = search("企业", 3, SR_BY_UNIT);
    json_object *years = get(get(o, "facets"), "year");
    int sum = 0;
    for (size_t i = 0; i < json_object_array_length(years); i++)
        sum += json_object_get_int(get(json_object_array_get_idx(years, i), "count"));
    cr_assert_eq(sum, json_object_get_int(get(o, "total")), "every seed document has a date");
    json_object_put(o);
}

Test(search, a_question_ranks_relevant_units)
{
    json_object *o = search("国有企业领导人员兼职有哪些要求？", 10, SR_BY_UNIT);
    cr_assert_str_eq(str(o, "mode"), "question");
    int found = 0;
    for (size_t i = 0; i < json_object_array_length(get(o, "hits")); i++)
        found |= json_object_get_int(get(get(hit(o, i), "unit"), "number")) == 46;
    cr_assert(found, "第四十六条 (兼职) in the top 10");
    json_object_put(o);
}

Test(search, a_question_keeps_an_article_label_whole)
{
    /* ICU cuts 第四十六条 as 第四 十六条; the question reads the label as one
     * word (the label term), so the 46th articles rank first */
    json_object *o = search("第四十六条规定了什么？", 10, SR_BY_UNIT);
    cr_assert_str_eq(str(o, "mode"), "question");
    cr_assert(strstr(str(o, "read_as"), "\"第四十六条\""), "read as %s", str(o, "read_as"));
    cr_assert_geq(json_object_array_length(get(o, "hits")), 1);
    json_object *u = get(hit(o, 0), "unit");
    cr_assert_eq(json_object_get_int(get(u, "number")), 46, "the first hit is an article 46");
    json_object_put(o);
}

Test(search, another_analyzer_is_refused)
{
    char other[] = "/tmp/gz-search-other-XXXXXX";
    cr_assert_not_null(mkdtemp(other));
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "cp %s/* %s/", dir, other);
    cr_assert_eq(system(cmd), 0);
    gz_manifest m;
    gz_manifest_init(&m);
    gz_error err = {0};
    int live;
    cr_assert_eq(gz_manifest_read(other, &m, &err), GZ_OK);
    gz_free(m.analyzer_id);
    m.analyzer_id = gz_strndup("gazette-zh/0 icu=1.0", 20);
    cr_assert_eq(gz_manifest_commit(other, &m, &live, &err), GZ_OK);
    gz_manifest_fini(&m);
    sr_index *x;
    cr_assert_eq(sr_index_open(other, &x, &err), GZ_VERSION);
    cr_assert(strstr(err.msg, "analyzer"), "%s", err.msg);
}

Test(search, a_document_listing_shows_its_best_units)
{
    json_object *o = search("企业", 5, SR_BY_DOCUMENT);
    json_object *h = hit(o, 0), *more = get(h, "more_units");
    cr_assert_not_null(more);
    int matched = json_object_get_int(get(h, "units_matched"));
    size_t n_more = json_object_array_length(more);
    cr_assert_leq(n_more, 2);
    cr_assert_geq((size_t)matched, 1 + n_more);
    const char *best = str(get(h, "unit"), "id");
    for (size_t i = 0; i < n_more; i++)
        cr_assert_str_neq(str(get(json_object_array_get_idx(more, i), "unit"), "id"), best);
    /* every document appears once */
    json_object *hits = get(o, "hits");
    for (size_t i = 0; i < json_object_array_length(hits); i++)
        for (size_t j = i + 1; j < json_object_array_length(hits); j++)
            cr_assert_str_neq(str(hit(o, i), "id"), str(hit(o, j), "id"));
    json_object_put(o);
}

/* A share answers as the searcher it came from, from another thread at
 * the same time, and outlives it. */
static void *search_in_thread(void *arg)
{
    sr_index *x = arg;
    gz_buf *out = gz_calloc(1, sizeof *out);
    gz_buf_init(out);
    sr_request rq = {.query = "职工代表大会", .n = 5};
    gz_error err = {0};
    for (int i = 0; i < 20; i++) {
        out->len = 0;
        if (sr_search_json(x, &rq, out, &err) != GZ_OK)
            break;
    }
    return out;
}

Test(search, a_share_answers_the_same_from_another_thread_and_outlives_its_source)
{
    gz_error err = {0};
    sr_index *a, *b;
    cr_assert_eq(sr_index_open(dir, &a, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(sr_index_share(a, 1 << 20, &b, &err), GZ_OK, "%s", err.msg);
    pthread_t t[2];
    pthread_create(&t[0], NULL, search_in_thread, a);
    pthread_create(&t[1], NULL, search_in_thread, b);
    gz_buf *r[2];
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], (void **)&r[i]);
    cr_assert(strstr(gz_buf_cstr(r[0]), "第四十四条"), "%.200s", gz_buf_cstr(r[0]));
    cr_assert_str_eq(gz_buf_cstr(r[0]), gz_buf_cstr(r[1]));
    /* the source closed first: the share still reads the snapshot, and
     * looks an article up (a table built at the first share) */
    sr_index_close(a);
    gz_buf out;
    gz_buf_init(&out);
    sr_request rq = {.query = "职工代表大会", .n = 5};
    cr_assert_eq(sr_search_json(b, &rq, &out, &err), GZ_OK, "%s", err.msg);
    cr_assert_str_eq(gz_buf_cstr(&out), gz_buf_cstr(r[0]));
    int amb = 0;
    out.len = 0;
    cr_assert_eq(sr_article_json(b, "国有企业领导人员管理办法 第46条", &out, &amb, &err), GZ_OK, "%s", err.msg);
    cr_assert(strstr(gz_buf_cstr(&out), "旗属国有企业领导人员不得在兼职单位领取工资"), "%.200s", gz_buf_cstr(&out));
    sr_index_close(b);
    for (int i = 0; i < 2; i++) {
        gz_buf_fini(r[i]);
        gz_free(r[i]);
    }
    gz_buf_fini(&out);
}
