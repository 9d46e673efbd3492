/* benchmarks/bench_analyze.c: analysis throughput (normalise, ICU word
 * break, grams, folds) on the laws corpus, beside ICU's word break alone on
 * the same text in the same run: the ratio is the figure. Each file is
 * analysed line by line, as the indexer analyses units.
 * Usage: bench_analyze [--corpus DIR] [--limit-mb N]. */
#include "analysis/analysis.h"
#include "corpus/corpus.h"
#include "benchmarks/bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>

int main(int argc, char **argv)
{
    gz_buf all;
    gz_error err;
    const char *corpus = bu_load_cleaned("bench_analyze", argc, argv, &all);
    double mb = all.len / 1e6;

    /* baseline: ICU word break alone over the same lines (UTF-8 UText) */
    UErrorCode ec = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_WORD, "zh", NULL, 0, &ec);
    UText *ut = NULL;
    size_t icu_words = 0;
    double t0 = bu_now();
    for (const char *p = all.data, *end = all.data + all.len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        ut = utext_openUTF8(ut, p, nl - p, &ec);
        ubrk_setUText(bi, ut, &ec);
        while (ubrk_next(bi) != UBRK_DONE)
            icu_words++;
        p = nl + 1;
    }
    double t_icu = bu_now() - t0;
    utext_close(ut);
    ubrk_close(bi);

    an_analyzer *a;
    if (an_analyzer_open(&a, &err) != GZ_OK) {
        fprintf(stderr, "bench_analyze: %s\n", err.msg);
        return 1;
    }
    size_t n_tok = 0;
    t0 = bu_now();
    for (const char *p = all.data, *end = all.data + all.len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const an_token *t;
        size_t k;
        if (an_analyze(a, p, (size_t)(nl - p), AN_MODE_DOCUMENT, &t, &k) == GZ_OK)
            n_tok += k;
        p = nl + 1;
    }
    double t_an = bu_now() - t0;
    an_analyzer_close(a);

    printf("# corpus %s: %.1f MB cleaned text; %zu ICU boundaries, %zu tokens\n", corpus, mb,
           icu_words, n_tok);
    printf("name\tMB\tseconds\tMB/s\tx_icu_wordbreak\n");
    printf("icu_wordbreak\t%.1f\t%.3f\t%.1f\t1.00\n", mb, t_icu, mb / t_icu);
    printf("analyze\t%.1f\t%.3f\t%.1f\t%.2f\n", mb, t_an, mb / t_an, t_icu / t_an);
    gz_buf_fini(&all);
    return 0;
}
