/* Golden files: tests/golden/analysis/NAME.txt -> NAME.expected, one token a
 * line (pos span type text start-end source), as `gazette analyze` prints
 * them. Files named query-* are analysed in query mode. Regenerate with
 * scripts/golden-update.sh and review the diff. */
#include "analysis/analysis.h"
#include "corpus/corpus.h"
#include "helpers.h"

#include <criterion/criterion.h>

#define GOLDEN_DIR GZ_SAMPLE_DIR "/../tests/golden/analysis"

Test(golden, analysis_outputs_match)
{
    an_analyzer *a;
    gz_error err = {0};
    cr_assert_eq(an_analyzer_open(&a, &err), GZ_OK, "%s", err.msg);
    char **files;
    size_t n, checked = 0;
    cr_assert_eq(cp_list_files(GOLDEN_DIR, &files, &n, &err), GZ_OK, "%s", err.msg);
    for (size_t i = 0; i < n; i++) {
        size_t fl = strlen(files[i]);
        if (fl < 4 || strcmp(files[i] + fl - 4, ".txt") != 0)
            continue;
        char expected_path[4096];
        snprintf(expected_path, sizeof expected_path, "%.*s.expected", (int)(fl - 4), files[i]);
        size_t in_len, exp_len;
        char *in = th_read(files[i], &in_len), *exp = th_read(expected_path, &exp_len);
        cr_assert_not_null(in);
        cr_assert_not_null(exp, "no %s", expected_path);
        const char *base = strrchr(files[i], '/') + 1;
        an_mode mode = strncmp(base, "query-", 6) == 0 ? AN_MODE_QUERY : AN_MODE_DOCUMENT;
        const an_token *t;
        size_t k;
        cr_assert_eq(an_analyze(a, in, in_len, mode, &t, &k), GZ_OK);
        gz_buf got;
        gz_buf_init(&got);
        for (size_t j = 0; j < k; j++)
            gz_buf_printf(&got, "%u\t%u\t%s\t%.*s\t%u-%u\t%.*s\n", t[j].pos, t[j].span,
                          an_type_name(t[j].type), (int)t[j].len, t[j].text, t[j].start, t[j].end,
                          (int)(t[j].end - t[j].start), in + t[j].start);
        /* report the first differing line */
        const char *g = gz_buf_cstr(&got), *e = exp;
        size_t line = 1;
        while (*g && *g == *e) {
            line += *g == '\n';
            g++, e++;
        }
        cr_expect(*g == 0 && *e == 0, "%s differs at line %zu:\n  got      %.80s\n  expected %.80s", base,
                  line, g, e);
        gz_buf_fini(&got);
        free(in);
        free(exp);
        checked++;
    }
    cr_assert_geq(checked, 10);
    cp_paths_free(files, n);
    an_analyzer_close(a);
}
