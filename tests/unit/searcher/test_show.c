/* Documents shown a page at a time (sr_show_json): the pages of a large
 * document put together are its text, byte for byte; each page is at most
 * SR_DOC_PAGE, starts and ends on characters, lists only the units it
 * overlaps; and showing one costs a page of memory, not the document. */
#include "format/format.h"
#include "indexer/indexer.h"
#include "searcher/searcher.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <json-c/json.h>

static char src[] = "/tmp/gz-show-XXXXXX", dir[] = "/tmp/gz-show-idx-XXXXXX";
static sr_index *ix;

/* Two large laws: one of 2,500 articles (about 600 KB), one whose body is
 * a single paragraph of 330 KB (a unit longer than a page). */
static void build(void)
{
    gz_buf t;
    gz_buf_init(&t);
    gz_buf_puts(&t, "# 大型测试条例\n\n<!-- INFO END -->\n\n");
    for (int i = 1; i <= 2500; i++)
        gz_buf_printf(&t, "第%d条 本条规定分页显示的测试内容，编号%d，各有关单位应当遵守本条例的规定并予以落实。"
                          "条文较长以便分页。条文较长以便分页。条文较长以便分页。条文较长以便分页。\n\n", i, i);
    th_write_corpus(src, "big.md", gz_buf_cstr(&t));
    t.len = 0;
    gz_buf_puts(&t, "# 单段测试条例\n\n<!-- INFO END -->\n\n第一条 ");
    for (int i = 0; i < 16000; i++)
        gz_buf_puts(&t, "一段很长的文字");
    gz_buf_puts(&t, "。\n");
    char path[4200];
    snprintf(path, sizeof path, "%s/one-paragraph.md", src);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fwrite(t.data, 1, t.len, f);
    fclose(f);
    gz_buf_fini(&t);
    cr_assert_not_null(mkdtemp(dir));
    ix_options o = {.dir = dir, .threads = 1};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {src};
    cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
}

static void teardown(void) { sr_index_close(ix); }

TestSuite(pages, .init = build, .fini = teardown);

static json_object *get(json_object *o, const char *k)
{
    json_object *v = NULL;
    json_object_object_get_ex(o, k, &v);
    return v;
}

/* The page of id from `from` (or unit), parsed. */
static json_object *page(const char *id, uint64_t from, const char *unit)
{
    gz_buf out;
    gz_buf_init(&out);
    gz_error err = {0};
    cr_assert_eq(sr_show_json(ix, id, from, unit, &out, &err), GZ_OK, "%s", err.msg);
    json_object *o = json_tokener_parse(gz_buf_cstr(&out));
    cr_assert_not_null(o);
    gz_buf_fini(&out);
    return o;
}

/* Walks every page of document id from the first; checks each page and
 * that they put together are the stored text. */
static void pages_are_the_text(const char *id, size_t min_pages)
{
    unsigned seg_id, doc;
    json_object *first = page(id, 0, NULL);
    cr_assert_eq(sscanf(json_object_get_string(get(get(first, "document"), "at")), "%u-%u", &seg_id, &doc), 2);
    json_object_put(first);
    gz_snapshot *snap;
    gz_error err = {0};
    cr_assert_eq(gz_snapshot_open(dir, &snap, &err), GZ_OK);
    size_t s = 0;
    while (snap->man.seg[s].id != seg_id)
        s++;
    gz_buf whole, joined, out;
    gz_buf_init(&whole);
    gz_buf_init(&joined);
    gz_buf_init(&out);
    gz_textctx *tctx = NULL;
    cr_assert_eq(gz_segment_text(snap->seg[s], doc, &whole, &tctx), GZ_OK);
    size_t pages = 0;
    int64_t from = 0;
    while (from >= 0) {
        out.len = 0;
        gz_alloc_peak_reset();
        int64_t base = gz_alloc_live();
        cr_assert_eq(sr_show_json(ix, id, (uint64_t)from, NULL, &out, &err), GZ_OK, "%s", err.msg);
        /* the JSON of a page, and a little: not the document */
        cr_assert_leq(gz_alloc_peak() - base, (int64_t)(8 * SR_DOC_PAGE + (1u << 20)), "page %zu", pages);
        json_object *o = json_tokener_parse(gz_buf_cstr(&out));
        cr_assert_not_null(o);
        const char *text = json_object_get_string(get(o, "text"));
        size_t len = strlen(text);
        int64_t a = json_object_get_int64(get(o, "text_start")), e = json_object_get_int64(get(o, "text_end"));
        cr_assert_eq(a, (int64_t)joined.len, "page %zu starts where the last ended", pages);
        cr_assert_eq(e - a, (int64_t)len);
        cr_assert_leq(len, SR_DOC_PAGE);
        cr_assert_eq(gz_utf8_valid_prefix(text, len), len, "page %zu cuts a character", pages);
        cr_assert_eq(json_object_get_int64(get(o, "text_len")), (int64_t)whole.len);
        /* the units listed are those the page overlaps */
        json_object *units = get(o, "units");
        cr_assert_gt(json_object_array_length(units), 0);
        for (size_t i = 0; i < json_object_array_length(units); i++) {
            json_object *u = json_object_array_get_idx(units, i);
            int64_t us = json_object_get_int64(get(u, "start")), ue = json_object_get_int64(get(u, "end"));
            cr_assert(us < e && (ue > a || us == a), "unit [%lld, %lld) outside the page [%lld, %lld)",
                      (long long)us, (long long)ue, (long long)a, (long long)e);
        }
        gz_buf_put(&joined, text, len);
        json_object *next = get(o, "next");
        from = next ? json_object_get_int64(next) : -1;
        cr_assert(from < 0 || from == e);
        pages++;
        json_object_put(o);
    }
    cr_assert_geq(pages, min_pages);
    cr_assert_eq(joined.len, whole.len);
    cr_assert(memcmp(joined.data, whole.data, whole.len) == 0, "the pages put together are the text");
    gz_textctx_close(tctx);
    gz_snapshot_close(snap);
    gz_buf_fini(&whole);
    gz_buf_fini(&joined);
    gz_buf_fini(&out);
}

/* The id of the one document whose title holds title. */
static void doc_id(const char *title, char *id, size_t cap)
{
    sr_request rq = {.query = title, .n = 1, .filters = {.kind = "document"}};
    gz_buf out;
    gz_buf_init(&out);
    gz_error err = {0};
    cr_assert_eq(sr_search_json(ix, &rq, &out, &err), GZ_OK);
    json_object *o = json_tokener_parse(gz_buf_cstr(&out));
    json_object *h = json_object_array_get_idx(get(o, "hits"), 0);
    cr_assert_not_null(h, "%s: %s", title, out.data);
    snprintf(id, cap, "%s", json_object_get_string(get(h, "id")));
    json_object_put(o);
    gz_buf_fini(&out);
}

Test(pages, a_large_document_comes_in_pages_that_make_its_text)
{
    char id[64];
    doc_id("大型测试条例", id, sizeof id);
    pages_are_the_text(id, 2);
    /* pages end at a unit's end when one ends inside them */
    json_object *o = page(id, 0, NULL), *units = get(o, "units");
    json_object *last = json_object_array_get_idx(units, json_object_array_length(units) - 1);
    cr_assert_eq(json_object_get_int64(get(last, "end")), json_object_get_int64(get(o, "text_end")));
    /* ?u=UNIT starts the page at that unit */
    char unit[96];
    snprintf(unit, sizeof unit, "%s", json_object_get_string(get(last, "id")));
    json_object_put(o);
    o = page(id, 0, unit);
    cr_assert_str_eq(json_object_get_string(get(json_object_array_get_idx(get(o, "units"), 0), "id")), unit);
    json_object_put(o);
}

Test(pages, a_unit_longer_than_a_page_is_cut_on_characters)
{
    char id[64];
    doc_id("单段测试条例", id, sizeof id);
    pages_are_the_text(id, 2);
    /* a byte offset inside a character moves to the next character */
    json_object *o = page(id, 100001, NULL);
    const char *text = json_object_get_string(get(o, "text"));
    cr_assert_eq(gz_utf8_valid_prefix(text, strlen(text)), strlen(text));
    cr_assert_geq(json_object_get_int64(get(o, "text_start")), 100001);
    json_object_put(o);
    /* past the end: an empty last page */
    o = page(id, UINT64_MAX, NULL);
    cr_assert_null(get(o, "next"));
    cr_assert_eq(strlen(json_object_get_string(get(o, "text"))), 0);
    json_object_put(o);
}
