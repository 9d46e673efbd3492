/* Links that last (searcher/docid.c): a document's id, taken from a search
 * before the nightly job (re-indexing, merging, optimize), opens the same
 * document after it; a changed file's link opens its new version. */
#include "indexer/indexer.h"
#include "searcher/searcher.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <json-c/json.h>

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

/* The answer to id (NULL if none), parsed. */
static json_object *show(const char *dir, const char *id)
{
    sr_index *ix;
    gz_error err = {0};
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
    gz_buf out;
    gz_buf_init(&out);
    json_object *o = sr_show_json(ix, id, 0, NULL, &out, &err) == GZ_OK ? json_tokener_parse(out.data) : NULL;
    gz_buf_fini(&out);
    sr_index_close(ix);
    return o;
}

Test(links, a_link_taken_before_the_nightly_job_opens_the_same_document_after)
{
    char dir[] = "/tmp/gz-links-idx-XXXXXX", laws[] = "/tmp/gz-links-laws-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    cr_assert_not_null(mkdtemp(laws));
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "cp %s/laws/*.md %s/", GZ_SAMPLE_DIR, laws);
    cr_assert_eq(system(cmd), 0);
    /* two runs, two segments: the bulletin, then the laws beside it */
    char *seed[] = {GZ_SAMPLE_DIR "/seed"}, *both[] = {GZ_SAMPLE_DIR "/seed", laws};
    run_index(dir, seed, 1);
    run_index(dir, both, 2);
    /* the links a citizen takes from the results page */
    sr_index *ix;
    gz_error err = {0};
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK);
    sr_request rq = {.query = "第一条", .n = 100, .unit = SR_BY_DOCUMENT};
    gz_buf out;
    gz_buf_init(&out);
    cr_assert_eq(sr_search_json(ix, &rq, &out, &err), GZ_OK);
    sr_index_close(ix);
    json_object *ans = json_tokener_parse(out.data), *hits = get(ans, "hits");
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
    char path[4400];
    snprintf(path, sizeof path, "%s/电子签名法(2019-04-23).md", laws);
    FILE *f = fopen(path, "a");
    cr_assert_not_null(f);
    fputs("\n第九十九条 本条为修改后新增的内容。\n", f);
    fclose(f);
    run_index(dir, both, 2);
    for (size_t i = 0; i < n; i++) {
        if (!strstr(titles[i], "电子签名法"))
            continue;
        json_object *d = show(dir, ids[i]);
        cr_assert_not_null(d);
        cr_assert(strstr(json_object_get_string(get(d, "text")), "修改后新增的内容"), "the new version");
        json_object_put(d);
    }
    gz_buf_fini(&out);
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
