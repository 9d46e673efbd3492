/* Questions pasted as they are: the judged article should rank high. The
 * guard is MRR@10 over tests/data/questions.tsv on the sample; it may only
 * go up. */
#include "indexer/indexer.h"
#include "searcher/searcher.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <json-c/json.h>

/* The MRR@10 this build reached when the guard was set (2026-11-28). */
#define MRR_GUARD 0.75

Test(questions, mrr_at_10_is_guarded, .timeout = 300)
{
    char dir[] = "/tmp/gz-questions-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    ix_options o = {.dir = dir, .threads = 2};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {GZ_SAMPLE_DIR};
    cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
    sr_index *ix;
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
    size_t len;
    char *tsv = th_read(GZ_SAMPLE_DIR "/../tests/data/questions.tsv", &len);
    cr_assert_not_null(tsv);
    double sum = 0;
    int n = 0;
    for (char *line = strtok(tsv, "\n"); line; line = strtok(NULL, "\n")) {
        char *q = line, *title = strchr(q, '\t');
        cr_assert_not_null(title);
        *title++ = 0;
        char *num = strchr(title, '\t');
        cr_assert_not_null(num);
        *num++ = 0;
        sr_request rq = {.query = q, .n = 10};
        gz_buf out;
        gz_buf_init(&out);
        cr_assert_eq(sr_search_json(ix, &rq, &out, &err), GZ_OK);
        json_object *o2 = json_tokener_parse(gz_buf_cstr(&out)), *hits, *h, *u, *v;
        json_object_object_get_ex(o2, "hits", &hits);
        int rank = 0;
        for (size_t i = 0; i < json_object_array_length(hits) && !rank; i++) {
            h = json_object_array_get_idx(hits, i);
            json_object_object_get_ex(h, "unit", &u);
            json_object_object_get_ex(h, "title", &v);
            const char *t = json_object_get_string(v);
            json_object_object_get_ex(u, "path", &v);
            const char *path = json_object_get_string(v);
            json_object *nv;
            int number = json_object_object_get_ex(u, "number", &nv) ? json_object_get_int(nv) : -1;
            if ((strstr(t, title) || strstr(path, title)) && number == atoi(num))
                rank = (int)i + 1;
        }
        fprintf(stderr, "  rank %2d  %s\n", rank, q);
        sum += rank ? 1.0 / rank : 0;
        n++;
        json_object_put(o2);
        gz_buf_fini(&out);
    }
    double mrr = sum / n;
    fprintf(stderr, "questions: MRR@10 = %.3f over %d questions (guard %.2f)\n", mrr, n, MRR_GUARD);
    cr_assert_geq(n, 10);
    cr_assert_geq(mrr, MRR_GUARD);
    free(tsv);
    sr_index_close(ix);
}
