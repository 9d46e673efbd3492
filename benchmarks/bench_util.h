/* benchmarks/bench_util.h: helpers the benchmark programs share: a
 * monotonic clock, a seeded xorshift RNG, percentiles, and picking a run of
 * Han characters out of a text. Header-only; benchmarks only. */
#ifndef GZ_BENCHMARKS_BENCH_UTIL_H
#define GZ_BENCHMARKS_BENCH_UTIL_H

#include "common/common.h"
#include "corpus/corpus.h"
#include "format/format.h"

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

/* The CPU time of the calling thread: what a query costs, without the
 * time other processes of a loaded machine take from it. */
static inline double bu_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
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

/* Calls each(arg, di, ui, text) for every unit of every live document of
 * the index at dir, its text with newlines and tabs as blanks (each's to
 * keep: it frees it). Exits with a message if the index cannot be read. */
typedef void (*bu_unit_fn)(void *arg, const gz_docinfo *di, const gz_unitinfo *ui, char *text);
static inline void bu_each_unit(const char *dir, bu_unit_fn each, void *arg)
{
    gz_snapshot *snap;
    gz_error err;
    if (gz_snapshot_open(dir, &snap, &err) != GZ_OK) {
        fprintf(stderr, "%s\n", err.msg);
        exit(1);
    }
    gz_buf doc;
    gz_buf_init(&doc);
    gz_textctx *tc = NULL;
    for (size_t s = 0; s < snap->man.n_seg; s++) {
        gz_seg_stats ss;
        gz_segment_stats(snap->seg[s], &ss);
        for (uint32_t d = 0; d < ss.n_docs; d++) {
            gz_docinfo di;
            if (gz_bit(snap->deleted[s], d) || gz_segment_doc(snap->seg[s], d, &di) != GZ_OK ||
                gz_segment_text(snap->seg[s], d, &doc, &tc) != GZ_OK)
                continue;
            for (uint32_t k = di.first_unit; k < di.first_unit + di.n_units; k++) {
                gz_unitinfo ui;
                if (gz_segment_unit(snap->seg[s], k, &ui) != GZ_OK)
                    continue;
                char *t = strndup(doc.data + ui.start, ui.end - ui.start);
                for (char *p = t; *p; p++)
                    if (*p == '\n' || *p == '\t')
                        *p = ' ';
                each(arg, &di, &ui, t);
            }
        }
    }
    gz_textctx_close(tc);
    gz_buf_fini(&doc);
    gz_snapshot_close(snap);
}

#endif
