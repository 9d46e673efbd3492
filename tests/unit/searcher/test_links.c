/* Links that last (searcher/docid.c): a document's id, taken from a search
 * before the nightly job (re-indexing, merging, optimize), opens the same
 * document after it; a changed file's link opens its new version. A
 * positional id ("at", a unit's id) of a segment the job retired opens
 * its document through the manifest's moved table, saying moved_from. */
#include "indexer/indexer.h"
#include "indexer/state.h"
#include "searcher/searcher.h"
#include "helpers.h"
#include "links_helpers.h"

#include <criterion/criterion.h>
#include <json-c/json.h>
#include <unistd.h>

TestSuite(links);

static json_object *get(json_object *o, const char *k)
{
    json_object *v = NULL;
    json_object_object_get_ex(o, k, &v);
    return v;
}

static void run_index(const char *dir, char **paths, size_t n)
{
    ix_options o = {.dir = dir, .threads = 2};
    ix_report r;
    gz_error err = {0};
    cr_assert_eq(ix_index(&o, paths, n, &r, &err), GZ_OK, "%s", err.msg);
}

/* The answer to id at unit (NULL: none; NULL if no document), parsed. */
static json_object *show_at(const char *dir, const char *id, const char *unit)
{
    sr_index *ix;
    gz_error err = {0};
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
    gz_buf out;
    gz_buf_init(&out);
    json_object *o = sr_show_json(ix, id, 0, unit, &out, &err) == GZ_OK ? json_tokener_parse(out.data) : NULL;
    gz_buf_fini(&out);
    sr_index_close(ix);
    return o;
}

static json_object *show(const char *dir, const char *id) { return show_at(dir, id, NULL); }

/* The first 100 hits of query, by unit, parsed. */
static json_object *search(const char *dir, const char *query, sr_unit_mode unit)
{
    sr_index *ix;
    gz_error err = {0};
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK);
    sr_request rq = {.query = query, .n = 100, .unit = unit};
    gz_buf out;
    gz_buf_init(&out);
    cr_assert_eq(sr_search_json(ix, &rq, &out, &err), GZ_OK);
    sr_index_close(ix);
    json_object *o = json_tokener_parse(out.data);
    gz_buf_fini(&out);
    return o;
}

Test(links, a_link_taken_before_the_nightly_job_opens_the_same_document_after)
{
    /* two runs, two segments: the bulletin, then the laws beside it */
    char dir[] = "/tmp/gz-links-idx-XXXXXX", laws[] = "/tmp/gz-links-laws-XXXXXX", *both[2];
    th_two_segments(dir, laws, both);
    /* the links a citizen takes from the results page */
    json_object *ans = search(dir, "第一条", SR_BY_DOCUMENT), *hits = get(ans, "hits");
    gz_error err = {0};
    size_t n = json_object_array_length(hits);
    cr_assert_geq(n, 6, "documents from both segments");
    char ids[100][64], titles[100][256], at[100][64];
    for (size_t i = 0; i < n; i++) {
        json_object *h = json_object_array_get_idx(hits, i);
        snprintf(ids[i], sizeof ids[i], "%s", json_object_get_string(get(h, "id")));
        snprintf(titles[i], sizeof titles[i], "%s|%s", json_object_get_string(get(h, "title")),
                 json_object_get_string(get(h, "source")));
        snprintf(at[i], sizeof at[i], "%s", json_object_get_string(get(h, "at")));
    }
    json_object_put(ans);
    /* the nightly job: the same files again, a merge into one segment */
    run_index(dir, both, 2);
    ix_options o = {.dir = dir, .threads = 2};
    ix_report r;
    cr_assert_eq(ix_optimize(&o, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_geq(r.segments_merged, 2);
    size_t moved = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *d = show(dir, ids[i]);
        cr_assert_not_null(d, "the link %s no longer opens (%s)", ids[i], titles[i]);
        char got[256];
        snprintf(got, sizeof got, "%s|%s", json_object_get_string(get(get(d, "document"), "title")),
                 json_object_get_string(get(get(d, "document"), "source")));
        cr_assert_str_eq(got, titles[i], "the link %s opens another document", ids[i]);
        moved += strcmp(json_object_get_string(get(get(d, "document"), "at")), at[i]) != 0;
        json_object_put(d);
    }
    cr_assert_eq(moved, n, "every document moved to the merged segment");
    /* a changed file: its link opens the new version */
    th_append(laws, "电子签名法(2019-04-23).md", "\n第九十九条 本条为修改后新增的内容。\n");
    run_index(dir, both, 2);
    for (size_t i = 0; i < n; i++) {
        if (!strstr(titles[i], "电子签名法"))
            continue;
        json_object *d = show(dir, ids[i]);
        cr_assert_not_null(d);
        cr_assert(strstr(json_object_get_string(get(d, "text")), "修改后新增的内容"), "the new version");
        json_object_put(d);
    }
}

Test(links, ids_that_name_nothing_are_refused)
{
    char dir[] = "/tmp/gz-links-idx-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char *seed[] = {GZ_SAMPLE_DIR "/seed"};
    run_index(dir, seed, 1);
    const char *bad[] = {"d0000000000000000-0", "dzz-1", "1-99999", "1-0x", "", "d1234-1", "../../etc/passwd"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_null(show(dir, bad[i]), "'%s' opened a document", bad[i]);
    /* a positional id of this snapshot still opens */
    json_object *d = show(dir, "1-0");
    cr_assert_not_null(d);
    json_object_put(d);
}

/* What a citizen noted from a hit: the positional ids and what they name. */
typedef struct noted {
    char at[32], unit[48], label[128], doc[512];
} noted;

Test(links, a_positional_link_taken_before_the_nightly_job_still_opens_its_document)
{
    char dir[] = "/tmp/gz-links-idx-XXXXXX", laws[] = "/tmp/gz-links-laws-XXXXXX", *both[2];
    th_two_segments(dir, laws, both);
    json_object *ans = search(dir, "第二条", SR_BY_UNIT), *hits = get(ans, "hits");
    gz_error err = {0};
    size_t n = json_object_array_length(hits);
    cr_assert_geq(n, 5);
    noted *v = calloc(n, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        json_object *h = json_object_array_get_idx(hits, i), *u = get(h, "unit");
        snprintf(v[i].at, sizeof v[i].at, "%s", json_object_get_string(get(h, "at")));
        snprintf(v[i].unit, sizeof v[i].unit, "%s", json_object_get_string(get(u, "id")));
        snprintf(v[i].label, sizeof v[i].label, "%s", json_object_get_string(get(u, "label")));
        snprintf(v[i].doc, sizeof v[i].doc, "%s|%s", json_object_get_string(get(h, "title")),
                 json_object_get_string(get(h, "source")));
    }
    json_object_put(ans);
    /* the nightly job: another file edited, indexed again, optimized */
    th_append(laws, "公司法(2023-12-29).md", "\n第九百条 本条为修改后新增的内容。\n");
    run_index(dir, both, 2);
    ix_options o = {.dir = dir, .threads = 2};
    ix_report r;
    cr_assert_eq(ix_optimize(&o, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_geq(r.segments_merged, 2);
    size_t opened = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *d = show_at(dir, v[i].at, v[i].unit);
        if (strstr(v[i].doc, "公司法")) {
            /* its old version is deleted: the id names nothing */
            cr_assert_null(d, "%s opened a document", v[i].at);
            continue;
        }
        cr_assert_not_null(d, "the link %s no longer opens (%s)", v[i].at, v[i].doc);
        json_object *doc = get(d, "document");
        char got[512];
        snprintf(got, sizeof got, "%s|%s", json_object_get_string(get(doc, "title")),
                 json_object_get_string(get(doc, "source")));
        cr_assert_str_eq(got, v[i].doc, "the link %s opens another document", v[i].at);
        cr_assert_str_neq(json_object_get_string(get(doc, "at")), v[i].at, "the document moved");
        cr_assert_str_eq(json_object_get_string(get(d, "moved_from")), v[i].at);
        /* the unit noted with it: the page starts at that unit */
        json_object *units = get(d, "units"), *first = json_object_array_get_idx(units, 0);
        cr_assert_not_null(first);
        cr_assert_str_eq(json_object_get_string(get(first, "label")), v[i].label, "%s at %s", v[i].at, v[i].unit);
        cr_assert_eq(json_object_get_int64(get(first, "start")), json_object_get_int64(get(d, "text_start")));
        cr_assert_str_neq(json_object_get_string(get(first, "id")), v[i].unit);
        json_object_put(d);
        opened++;
    }
    cr_assert_geq(opened, 3);
    /* a file removed: its old positional id answers nothing, not another */
    const noted *gone = NULL;
    for (size_t i = 0; i < n && !gone; i++)
        if (strstr(v[i].doc, "电子签名法"))
            gone = &v[i];
    cr_assert_not_null(gone);
    char path[4400];
    snprintf(path, sizeof path, "%s/电子签名法(2019-04-23).md", laws);
    cr_assert_eq(unlink(path), 0);
    ix_options po = {.dir = dir, .threads = 2, .prune = 1};
    cr_assert_eq(ix_index(&po, both, 2, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(r.removed, 1);
    json_object *d = show(dir, gone->at);
    cr_assert_null(d, "%s: a removed file's link opened %s", gone->at,
                   d ? json_object_to_json_string(d) : "");
    free(v);
}

Test(links, the_moved_table_keeps_thirty_days)
{
    char dir[] = "/tmp/gz-links-idx-XXXXXX", other[] = "/tmp/gz-links-other-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    th_write_corpus(other, "a.txt", "伊金霍洛旗人民政府关于测试的通知\n\n各有关单位：\n\n第一条 测试。\n");
    char *seed[] = {GZ_SAMPLE_DIR "/seed"}, *both[] = {GZ_SAMPLE_DIR "/seed", other};
    run_index(dir, seed, 1);
    run_index(dir, both, 2);
    ix_options o = {.dir = dir, .threads = 2};
    ix_report r;
    gz_error err = {0};
    cr_assert_eq(ix_optimize(&o, &r, &err), GZ_OK, "%s", err.msg);
    gz_manifest m;
    gz_manifest_init(&m);
    cr_assert_eq(gz_manifest_read(dir, &m, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(m.n_moved, 2, "a range per source of the two segments retired");
    uint64_t at = m.moved[0].retired, day = 86400;
    cr_assert_eq(ix_moved_update(dir, &m, at + GZ_MOVED_KEEP_DAYS * day - 1, &err), GZ_OK);
    cr_assert_eq(m.n_moved, 2, "kept until the thirtieth day ends");
    cr_assert_eq(ix_moved_update(dir, &m, at + GZ_MOVED_KEEP_DAYS * day, &err), GZ_OK);
    cr_assert_eq(m.n_moved, 0, "dropped after it");
    gz_manifest_fini(&m);
}
