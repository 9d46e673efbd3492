/* tests/fuzz/fuzz_query.c: libFuzzer target for the query parser and
 * planner. The property: any bytes parse (GZ_OK), every leaf has a plan,
 * and every element of a plan is a well-formed term. */
#include "searcher/query.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static an_analyzer *an;
    if (!an && an_analyzer_open(&an, NULL) != GZ_OK)
        abort();
    char *q = malloc(size + 1);
    memcpy(q, data, size);
    q[size] = 0; /* a query is a C string: it ends at the first NUL */
    for (int how = Q_READ_KEYWORDS; how <= Q_READ_ANY_WORD; how++) {
        q_plan plan;
        if (q_parse(an, q, how, NULL, &plan) != GZ_OK)
            abort();
        for (size_t l = 0; l < plan.n_leaf; l++)
            for (size_t v = 0; v < plan.leaf[l].n_v; v++)
                for (size_t e = 0; e < plan.leaf[l].v[v].n; e++) {
                    const q_elem *el = &plan.leaf[l].v[v].e[e];
                    if (el->len < 1 || el->len > GZ_TERM_MAX || el->term[0] != GZ_FIELD_GRAM)
                        abort();
                }
        q_plan_fini(&plan);
    }
    free(q);
    return 0;
}
