/* tests/fuzz/fuzz_analyze.c: libFuzzer target for the analyzer. The
 * property: any bytes analyse in both modes with every token inside the
 * input, start <= end, span >= 1, and positions non-decreasing. */
#include "analysis/analysis.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static an_analyzer *a;
    if (!a && an_analyzer_open(&a, NULL) != GZ_OK)
        abort();
    for (int mode = AN_MODE_DOCUMENT; mode <= AN_MODE_QUERY; mode++) {
        const an_token *t;
        size_t n;
        if (an_analyze(a, (const char *)data, size, (an_mode)mode, &t, &n) != GZ_OK)
            abort();
        for (size_t i = 0; i < n; i++) {
            if (t[i].start > t[i].end || t[i].end > size || t[i].span < 1 || t[i].len == 0)
                abort();
            if (i && t[i].pos < t[i - 1].pos)
                abort();
        }
    }
    return 0;
}
