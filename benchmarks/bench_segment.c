/* benchmarks/bench_segment.c: word break throughput on the laws corpus, one
 * thread: ICU's word break (locale zh) beside our segmenter (analysis/
 * segmenter.c), which gives the same boundaries, on the same lines in the
 * same run. Three alternating rounds; each side's best round is reported.
 * Usage: bench_segment [--corpus DIR] [--limit-mb N]. */
#include "analysis/analysis.h"
#include "analysis/testing.h"
#include "corpus/corpus.h"
#include "benchmarks/bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>

static size_t run_icu(UBreakIterator *bi, UText **ut, const gz_buf *all)
{
    size_t words = 0;
    UErrorCode ec = U_ZERO_ERROR;
    for (const char *p = all->data, *end = all->data + all->len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        *ut = utext_openUTF8(*ut, p, nl - p, &ec);
        ubrk_setUText(bi, *ut, &ec);
        while (ubrk_next(bi) != UBRK_DONE)
            words++;
        p = nl + 1;
    }
    return words;
}

static size_t run_ours(an_segmenter *s, const gz_buf *all)
{
    size_t words = 0;
    for (const char *p = all->data, *end = all->data + all->len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const int32_t *e, *st;
        size_t k;
        if (an_segmenter_break(s, p, (size_t)(nl - p), &e, &st, &k) == GZ_OK)
            words += k;
        p = nl + 1;
    }
    return words;
}

int main(int argc, char **argv)
{
    gz_buf all;
    gz_error err;
    const char *corpus = bu_load_cleaned("bench_segment", argc, argv, &all);
    double mb = all.len / 1e6;

    UErrorCode ec = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_WORD, "zh", NULL, 0, &ec);
    UText *ut = NULL;
    double t0 = bu_now();
    an_segmenter *s;
    if (an_segmenter_open(&s, 0, &err) != GZ_OK) {
        fprintf(stderr, "bench_segment: %s\n", err.msg);
        return 1;
    }
    double t_open = bu_now() - t0;
    double best_icu = 1e30, best_ours = 1e30;
    size_t w_icu = 0, w_ours = 0;
    for (int round = 0; round < 3; round++) {
        t0 = bu_now();
        w_icu = run_icu(bi, &ut, &all);
        double t = bu_now() - t0;
        best_icu = t < best_icu ? t : best_icu;
        t0 = bu_now();
        w_ours = run_ours(s, &all);
        t = bu_now() - t0;
        best_ours = t < best_ours ? t : best_ours;
    }
    size_t fast_cp, icu_cp;
    an_segmenter_counts(s, &fast_cp, &icu_cp);
    an_segmenter_close(s);
    utext_close(ut);
    ubrk_close(bi);

    printf("# corpus %s: %.1f MB cleaned text, one thread; segments: ICU %zu, ours %zu%s\n", corpus, mb,
           w_icu, w_ours, w_icu == w_ours ? "" : " (DIFFERENT)");
    printf("# ours: dictionary built in %.3f s; %.1f%% of code points on our own paths, the rest "
           "through ICU\n",
           t_open, 100.0 * (double)fast_cp / (double)(fast_cp + icu_cp ? fast_cp + icu_cp : 1));
    printf("name\tMB\tseconds\tMB/s\tx_icu_wordbreak\n");
    printf("icu_wordbreak\t%.1f\t%.3f\t%.1f\t1.00\n", mb, best_icu, mb / best_icu);
    printf("gazette_segmenter\t%.1f\t%.3f\t%.1f\t%.2f\n", mb, best_ours, mb / best_ours, best_icu / best_ours);
    gz_buf_fini(&all);
    return w_icu == w_ours ? 0 : 1;
}
