/* tests/unit/api/test_api.c: the public C API (include/gazette.h) as an
 * embedder uses it, linked against libgazette alone: index the sample with
 * a progress callback, open, search into borrowed structs that agree with
 * the JSON writer, look an article up, page a document, check, stats, and
 * the errors each call names. */
#include "include/gazette.h"

#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char dir[] = "/tmp/gz-api-XXXXXX";
static size_t calls, last_done, last_files;

static void on_progress(size_t done, size_t files, uint64_t bytes, void *arg)
{
    (void)bytes;
    ++*(size_t *)arg;
    last_done = done;
    last_files = files;
}

static void index_sample(void)
{
    cr_assert_not_null(mkdtemp(dir));
    char ix[4200];
    snprintf(ix, sizeof ix, "%s/idx", dir);
    const char *paths[] = {GZ_SAMPLE_DIR};
    gazette_index_options o = {.threads = 2, .progress = on_progress, .progress_arg = &calls};
    gazette_index_report rep;
    gazette_error err;
    cr_assert_eq(gazette_index_paths(ix, paths, 1, &o, &rep, &err), GAZETTE_OK, "%s", err.msg);
    cr_assert(rep.committed && rep.indexed > 0 && rep.docs_added > 0);
}

static void rm_dir(void)
{
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(api, .init = index_sample, .fini = rm_dir);

static gazette_index *open_sample(void)
{
    char ix[4200];
    snprintf(ix, sizeof ix, "%s/idx", dir);
    gazette_index *g;
    gazette_error err;
    cr_assert_eq(gazette_open(ix, &g, &err), GAZETTE_OK, "%s", err.msg);
    return g;
}

Test(api, index_reports_progress_to_the_callback)
{
    cr_assert_gt(calls, 0, "the progress callback was never called");
    cr_assert_eq(last_done, last_files, "the last call says every file is done");
    cr_assert_gt(last_files, 0);
}

Test(api, search_fills_a_page_of_hits_with_units_and_highlights)
{
    gazette_index *g = open_sample();
    gazette_query q;
    gazette_query_init(&q);
    q.text = "职工代表大会";
    q.n = 3;
    const gazette_page *p;
    gazette_error err;
    cr_assert_eq(gazette_search(g, &q, &p, &err), GAZETTE_OK, "%s", err.msg);
    cr_assert_gt(p->total, 0);
    cr_assert(p->n_hits > 0 && p->n_hits <= 3);
    cr_assert_str_eq(p->mode, "keywords");
    cr_assert_str_eq(p->query, "职工代表大会");
    cr_assert_not_null(p->reading.text);
    cr_assert(!p->partial && !p->limit);
    for (size_t i = 0; i < p->n_hits; i++) {
        const gazette_hit *h = &p->hits[i];
        cr_assert_eq(strncmp(h->doc.id, "d", 1), 0);
        cr_assert_gt(h->unit.end, h->unit.start);
        cr_assert_gt(h->n_highlights, 0, "hit %zu has no highlight", i);
        for (size_t k = 0; k < h->n_highlights; k++) {
            const gazette_range *r = &h->highlights[k];
            cr_assert(r->start < r->end && r->end <= h->snippet_len);
            /* a highlight is the words matched, as the snippet's bytes */
            cr_assert(memmem(h->snippet + r->start, r->end - r->start, "职工", 6) ||
                      memmem(h->snippet + r->start, r->end - r->start, "代表", 6) ||
                      memmem(h->snippet + r->start, r->end - r->start, "大会", 6));
        }
        if (i)
            cr_assert_geq(p->hits[i - 1].score, h->score);
    }
    size_t years = 0;
    for (size_t i = 0; i < p->year.n; i++)
        years += p->year.v[i].count;
    cr_assert_eq(years, p->total, "the year facet counts every match");
    gazette_close(g);
}

Test(api, by_document_lists_more_units)
{
    gazette_index *g = open_sample();
    gazette_query q;
    gazette_query_init(&q);
    q.text = "职工";
    q.by = GAZETTE_BY_DOCUMENT;
    const gazette_page *p;
    cr_assert_eq(gazette_search(g, &q, &p, NULL), GAZETTE_OK);
    cr_assert_eq(p->by, GAZETTE_BY_DOCUMENT);
    int some = 0;
    for (size_t i = 0; i < p->n_hits; i++) {
        cr_assert_geq(p->hits[i].units_matched, 1 + p->hits[i].n_more_units);
        some |= p->hits[i].n_more_units > 0;
    }
    cr_assert(some, "no document with more than one matching unit");
    gazette_close(g);
}

Test(api, a_bad_filter_is_refused_naming_it)
{
    gazette_index *g = open_sample();
    gazette_query q;
    gazette_query_init(&q);
    q.text = "职工";
    q.year = "20x7";
    const gazette_page *p = (const gazette_page *)&q;
    gazette_error err;
    cr_assert_eq(gazette_search(g, &q, &p, &err), GAZETTE_INVALID);
    cr_assert_eq(err.code, GAZETTE_INVALID);
    cr_assert_null(p);
    cr_assert(strstr(err.msg, "year"), "%s", err.msg);
    q.year = NULL;
    q.offset = GAZETTE_MAX_RANK;
    cr_assert_eq(gazette_search(g, &q, &p, &err), GAZETTE_INVALID);
    cr_assert(strstr(err.msg, "offset"), "%s", err.msg);
    gazette_close(g);
}

Test(api, open_names_a_missing_index)
{
    gazette_index *g = (gazette_index *)&g;
    gazette_error err;
    cr_assert_eq(gazette_open("/nonexistent/gz-api-index", &g, &err), GAZETTE_IO);
    cr_assert_null(g);
    cr_assert(strstr(err.msg, "/nonexistent/gz-api-index"), "%s", err.msg);
    cr_assert_eq(gazette_open(NULL, &g, &err), GAZETTE_INVALID);
}

Test(api, a_document_page_holds_the_hits_unit)
{
    gazette_index *g = open_sample();
    gazette_query q;
    gazette_query_init(&q);
    q.text = "职工代表大会";
    q.n = 1;
    const gazette_page *p;
    cr_assert_eq(gazette_search(g, &q, &p, NULL), GAZETTE_OK);
    cr_assert_eq(p->n_hits, 1);
    /* the page is borrowed until the next call: keep what is needed */
    char id[64], unit[64];
    snprintf(id, sizeof id, "%s", p->hits[0].doc.id);
    snprintf(unit, sizeof unit, "%s", p->hits[0].unit.id);
    uint32_t start = p->hits[0].unit.start, end = p->hits[0].unit.end;
    const gazette_document *d;
    gazette_error err;
    cr_assert_eq(gazette_document_page(g, id, 0, unit, &d, &err), GAZETTE_OK, "%s", err.msg);
    cr_assert_str_eq(d->doc.id, id);
    cr_assert_eq(d->text_start, start);
    cr_assert_leq(d->text_end, d->text_len);
    int found = 0;
    for (size_t i = 0; i < d->n_units; i++)
        found |= strcmp(d->units[i].id, unit) == 0 && d->units[i].end == end;
    cr_assert(found, "the unit %s is not among the page's units", unit);
    cr_assert_eq(gazette_document_page(g, "no-such-doc", 0, NULL, &d, &err), GAZETTE_INVALID);
    cr_assert(strstr(err.msg, "no-such-doc"), "%s", err.msg);
    gazette_close(g);
}

Test(api, article_lookup_answers_one_article_or_candidates)
{
    gazette_index *g = open_sample();
    const gazette_article *a;
    gazette_error err;
    cr_assert_eq(gazette_article_lookup(g, "第一条", &a, &err), GAZETTE_OK, "%s", err.msg);
    cr_assert(!a->found);
    cr_assert_gt(a->total, 1, "第一条 is in several laws of the sample");
    cr_assert_eq(a->n_candidates, a->total < 50 ? a->total : 50);
    char ref[600];
    snprintf(ref, sizeof ref, "《%s》第一条", a->candidates[0].title);
    cr_assert_eq(gazette_article_lookup(g, ref, &a, &err), GAZETTE_OK, "%s", err.msg);
    cr_assert(a->found, "%s names one article", ref);
    cr_assert_eq(a->unit.number, 1);
    cr_assert(a->text && a->text_len > 0 && strstr(a->text, "第一条"));
    cr_assert_eq(gazette_article_lookup(g, "没有条号", &a, &err), GAZETTE_OK);
    cr_assert(!a->found && a->note && a->n_candidates == 0);
    gazette_close(g);
}

Test(api, cited_by_lists_the_units_citing_an_article)
{
    gazette_index *g = open_sample();
    const gazette_article *a;
    gazette_error err;
    /* 公司法第二百三十二条 cites 本法第二百二十九条: resolved in its text */
    cr_assert_eq(gazette_article_lookup(g, "公司法第二百三十二条", &a, &err), GAZETTE_OK, "%s", err.msg);
    cr_assert(a->found && !a->cited_by_asked);
    cr_assert_geq(a->n_refs, 1);
    cr_assert_str_eq(a->refs[0].target.label, "第二百二十九条第一款第一项");
    char citing[64];
    snprintf(citing, sizeof citing, "%s", a->unit.id);
    /* and the reverse */
    cr_assert_eq(gazette_article_cited_by(g, "公司法第二百二十九条", &a, &err), GAZETTE_OK, "%s", err.msg);
    cr_assert(a->found && a->cited_by_asked && !a->cited_by_partial);
    size_t i = 0;
    while (i < a->n_cited_by && strcmp(a->cited_by[i].unit.id, citing) != 0)
        i++;
    cr_assert_lt(i, a->n_cited_by, "%s not among %zu citing units", citing, a->n_cited_by);
    cr_assert_eq(gazette_article_cited_by(NULL, "x", &a, &err), GAZETTE_INVALID);
    gazette_close(g);
}

Test(api, check_and_stats_read_the_index)
{
    char ix[4200];
    snprintf(ix, sizeof ix, "%s/idx", dir);
    gazette_error err;
    cr_assert_eq(gazette_check(ix, &err), GAZETTE_OK, "%s", err.msg);
    gazette_stats st;
    cr_assert_eq(gazette_stats_read(ix, &st, &err), GAZETTE_OK, "%s", err.msg);
    cr_assert(st.generation >= 1 && st.segments >= 1 && st.documents > 0 && st.units >= st.documents &&
              st.positions > 0 && st.bytes > 0);
    cr_assert_eq(gazette_stats_read("/nonexistent/gz-api-index", &st, &err), GAZETTE_IO);
}

Test(api, version_of_the_library_is_the_headers)
{
    cr_assert_str_eq(gazette_version(), GAZETTE_VERSION_STRING);
    cr_assert_str_eq(gazette_status_str(GAZETTE_OK), gazette_status_str(GAZETTE_OK));
}

Test(api, json_of_each_answer_says_what_its_struct_says)
{
    gazette_index *g = open_sample();
    gazette_query q;
    gazette_query_init(&q);
    q.text = "职工代表大会";
    q.by = GAZETTE_BY_DOCUMENT;
    const gazette_page *p;
    gazette_error err;
    cr_assert_eq(gazette_search(g, &q, &p, &err), GAZETTE_OK, "%s", err.msg);
    const char *json;
    size_t len;
    cr_assert_eq(gazette_page_json(g, p, &json, &len, &err), GAZETTE_OK, "%s", err.msg);
    cr_assert_eq(strlen(json), len);
    json_object *o = json_tokener_parse(json), *v, *hits;
    cr_assert_not_null(o, "not JSON: %.200s", json);
    cr_assert(json_object_object_get_ex(o, "total", &v));
    cr_assert_eq((size_t)json_object_get_int64(v), p->total);
    cr_assert(json_object_object_get_ex(o, "unit", &v));
    cr_assert_str_eq(json_object_get_string(v), "document");
    cr_assert(json_object_object_get_ex(o, "hits", &hits));
    cr_assert_eq(json_object_array_length(hits), p->n_hits);
    for (size_t i = 0; i < p->n_hits; i++) {
        json_object *h = json_object_array_get_idx(hits, i), *u, *id;
        cr_assert(json_object_object_get_ex(h, "id", &id));
        cr_assert_str_eq(json_object_get_string(id), p->hits[i].doc.id);
        cr_assert(json_object_object_get_ex(h, "unit", &u) && json_object_object_get_ex(u, "id", &id));
        cr_assert_str_eq(json_object_get_string(id), p->hits[i].unit.id);
        cr_assert(json_object_object_get_ex(h, "more_units", &v));
        cr_assert_eq(json_object_array_length(v), p->hits[i].n_more_units);
    }
    json_object_put(o);
    /* the page outlives its JSON: a document's JSON next */
    char id[64];
    snprintf(id, sizeof id, "%s", p->hits[0].doc.id);
    const gazette_document *d;
    cr_assert_eq(gazette_document_page(g, id, 0, NULL, &d, &err), GAZETTE_OK, "%s", err.msg);
    cr_assert_eq(gazette_document_json(g, d, &json, NULL, &err), GAZETTE_OK, "%s", err.msg);
    o = json_tokener_parse(json);
    cr_assert(o && json_object_object_get_ex(o, "text_len", &v));
    cr_assert_eq((uint32_t)json_object_get_int64(v), d->text_len);
    cr_assert(json_object_object_get_ex(o, "units", &v));
    cr_assert_eq(json_object_array_length(v), d->n_units);
    json_object_put(o);
    const gazette_article *a;
    cr_assert_eq(gazette_article_lookup(g, "第一条", &a, &err), GAZETTE_OK, "%s", err.msg);
    cr_assert_eq(gazette_article_json(g, a, &json, NULL, &err), GAZETTE_OK, "%s", err.msg);
    o = json_tokener_parse(json);
    cr_assert(o && json_object_object_get_ex(o, "candidates", &v));
    cr_assert_eq(json_object_array_length(v), a->n_candidates);
    json_object_put(o);
    gazette_close(g);
}

/* Writes the sample's seed to path with a form feed after 职工代 in 第四十四条. */
static void write_paged_seed(const char *path)
{
    static char text[1 << 20];
    char seed[4200];
    snprintf(seed, sizeof seed, "%s/seed/yijinhuoluo-2023-11-12.txt", GZ_SAMPLE_DIR);
    FILE *in = fopen(seed, "rb"), *out = fopen(path, "wb");
    cr_assert(in && out, "%s or %s", seed, path);
    size_t len = fread(text, 1, sizeof text - 1, in);
    text[len] = 0;
    fclose(in);
    const char *a44 = strstr(text, "第四十四条"), *cut = a44 ? strstr(a44, "职工代") : NULL;
    cr_assert_not_null(cut);
    size_t at = (size_t)(cut - text) + strlen("职工代");
    cr_assert(fwrite(text, 1, at, out) == at && fputc('\f', out) == '\f' &&
              fwrite(text + at, 1, len - at, out) == len - at);
    cr_assert_eq(fclose(out), 0);
}

/* A unit's pages in the structs: the seed with a page end inside 第四十四条
 * (after 职工代, as pdftotext marks it with a form feed) puts the article on
 * pages 1-2 and 第四十五条 on page 2, in a hit, a document page's units and
 * an article; the sample's text has none. */
Test(api, a_paged_source_gives_each_unit_its_pages)
{
    char src[4200], ix[4200], path[4300];
    snprintf(src, sizeof src, "%s/paged", dir);
    cr_assert_eq(mkdir(src, 0755), 0);
    snprintf(path, sizeof path, "%s/seed-paged.txt", src);
    write_paged_seed(path);
    snprintf(ix, sizeof ix, "%s/paged-idx", dir);
    const char *paths[] = {src};
    gazette_error err;
    cr_assert_eq(gazette_index_paths(ix, paths, 1, NULL, NULL, &err), GAZETTE_OK, "%s", err.msg);
    gazette_index *g;
    cr_assert_eq(gazette_open(ix, &g, &err), GAZETTE_OK, "%s", err.msg);
    gazette_query q;
    gazette_query_init(&q);
    q.text = "职工代表大会";
    const gazette_page *p;
    cr_assert_eq(gazette_search(g, &q, &p, &err), GAZETTE_OK, "%s", err.msg);
    cr_assert_eq(p->n_hits, 1);
    const gazette_unit *u = &p->hits[0].unit;
    cr_assert_str_eq(u->label, "第四十四条");
    cr_assert(u->page == 1 && u->page_end == 2, "第四十四条 on pages %u-%u", u->page, u->page_end);
    const char *json;
    cr_assert_eq(gazette_page_json(g, p, &json, NULL, &err), GAZETTE_OK, "%s", err.msg);
    cr_assert_not_null(strstr(json, "\"page\":1,\"page_end\":2"), "%s", json);
    char id[64];
    snprintf(id, sizeof id, "%s", p->hits[0].doc.id);
    const gazette_document *d;
    cr_assert_eq(gazette_document_page(g, id, 0, NULL, &d, &err), GAZETTE_OK, "%s", err.msg);
    size_t before = 0, after = 0;
    for (size_t i = 0; i < d->n_units; i++) {
        const gazette_unit *v = &d->units[i];
        cr_assert(v->page >= 1 && v->page <= v->page_end && v->page_end <= 2, "%s on %u-%u", v->label,
                  v->page, v->page_end);
        before += v->page_end == 1;
        after += v->page == 2;
    }
    cr_assert(before > 0 && after > 0, "%zu units on page 1 only, %zu on page 2", before, after);
    const gazette_article *a;
    cr_assert_eq(gazette_article_lookup(g, "《伊金霍洛旗属国有企业领导人员管理办法》第四十五条", &a, &err),
                 GAZETTE_OK, "%s", err.msg);
    cr_assert(a->found, "%s", a->note ? a->note : "not found");
    cr_assert(a->unit.page == 2 && a->unit.page_end == 2, "第四十五条 on %u-%u", a->unit.page, a->unit.page_end);
    gazette_close(g);

    snprintf(path, sizeof path, "%s/idx", dir); /* the sample, text only */
    cr_assert_eq(gazette_open(path, &g, &err), GAZETTE_OK, "%s", err.msg);
    cr_assert_eq(gazette_search(g, &q, &p, &err), GAZETTE_OK, "%s", err.msg);
    for (size_t i = 0; i < p->n_hits; i++)
        cr_assert(p->hits[i].unit.page == 0 && p->hits[i].unit.page_end == 0);
    cr_assert_eq(gazette_page_json(g, p, &json, NULL, &err), GAZETTE_OK, "%s", err.msg);
    cr_assert_null(strstr(json, "\"page\":"), "%s", json);
    gazette_close(g);
}
