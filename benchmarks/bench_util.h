/* benchmarks/bench_util.h: helpers the benchmark programs share: a
 * monotonic clock, a seeded xorshift RNG, percentiles, and picking a run of
 * Han characters out of a text. Header-only; benchmarks only. */
#ifndef GZ_BENCHMARKS_BENCH_UTIL_H
#define GZ_BENCHMARKS_BENCH_UTIL_H

#include "common/common.h"
#include "corpus/corpus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double bu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* xorshift64 on a caller-owned state (seed it once) */
static inline uint64_t bu_rnd(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return *state = x;
}

/* For programs taking [--corpus DIR] [--limit-mb N] (GAZETTE_CORPUS, else
 * sample/): the cleaned text of the files under the corpus (up to about N
 * MB), one buffer, each file's text followed by a newline: the lines are
 * the units the indexer analyses. Returns the corpus directory; exits with
 * a message if it cannot be listed. */
static inline const char *bu_load_cleaned(const char *prog, int argc, char **argv, gz_buf *all)
{
    const char *corpus = getenv("GAZETTE_CORPUS") ? getenv("GAZETTE_CORPUS") : "sample";
    double limit_mb = 1e9;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--corpus") == 0 && i + 1 < argc)
            corpus = argv[++i];
        else if (strcmp(argv[i], "--limit-mb") == 0 && i + 1 < argc)
            limit_mb = atof(argv[++i]);
    }
    char **paths;
    size_t n;
    gz_error err;
    if (cp_list_files(corpus, &paths, &n, &err) != GZ_OK) {
        fprintf(stderr, "%s: %s\n", prog, err.msg);
        exit(1);
    }
    gz_buf_init(all);
    for (size_t i = 0; i < n && all->len < limit_mb * 1e6; i++) {
        gz_doc d;
        gz_doc_init(&d);
        if (cp_parse_file(paths[i], CP_FORMAT_AUTO, &d, &err) == GZ_OK) {
            gz_buf_put(all, d.text, d.text_len);
            gz_buf_putc(all, '\n');
        }
        gz_doc_fini(&d);
    }
    cp_paths_free(paths, n);
    return corpus;
}

static inline int bu_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts t[0..n) and gives its 50th and 99th percentiles (0 when empty). */
static inline void bu_percentiles(double *t, size_t n, double *p50, double *p99)
{
    qsort(t, n, sizeof *t, bu_cmp_double);
    *p50 = n ? t[n / 2] : 0;
    *p99 = n ? t[n * 99 / 100] : 0;
}

#endif
