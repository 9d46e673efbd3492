/* benchmarks/bench_parse.c: parser throughput (decode + clean + structure)
 * on a corpus held in memory, beside two baselines on the same bytes in the
 * same run: a plain line scan, and ICU's word break (the analysis ceiling).
 * Usage: bench_parse [--corpus DIR] [--rounds N]. Prints tab-separated
 * lines: name  files  MB  seconds  MB/s  ratio-to-icu. */
#include "corpus/corpus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicode/ubrk.h>
#include <unicode/ustring.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct file { char *path, *data; size_t len; } file;

static size_t scan_lines(const file *f, size_t n)
{
    size_t lines = 0;
    for (size_t i = 0; i < n; i++)
        for (const char *p = f[i].data, *e = p + f[i].len; (p = memchr(p, '\n', (size_t)(e - p))); p++)
            lines++;
    return lines;
}

static size_t icu_words(const file *f, size_t n)
{
    size_t words = 0;
    UErrorCode ec = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_WORD, "zh", NULL, 0, &ec);
    for (size_t i = 0; i < n && U_SUCCESS(ec); i++) {
        int32_t n16 = 0;
        UErrorCode e2 = U_ZERO_ERROR;
        u_strFromUTF8(NULL, 0, &n16, f[i].data, (int32_t)f[i].len, &e2);
        UChar *u = malloc(((size_t)n16 + 1) * sizeof *u);
        e2 = U_ZERO_ERROR;
        u_strFromUTF8(u, n16 + 1, &n16, f[i].data, (int32_t)f[i].len, &e2);
        ubrk_setText(bi, u, n16, &ec);
        while (ubrk_next(bi) != UBRK_DONE)
            words++;
        free(u);
    }
    ubrk_close(bi);
    return words;
}

int main(int argc, char **argv)
{
    const char *corpus = NULL;
    int rounds = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--corpus") == 0 && i + 1 < argc)
            corpus = argv[++i];
        else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            rounds = atoi(argv[++i]);
    }
    if (!corpus)
        corpus = getenv("GAZETTE_CORPUS") ? getenv("GAZETTE_CORPUS") : "sample";
    char **paths;
    size_t n;
    gz_error err;
    if (cp_list_files(corpus, &paths, &n, &err) != GZ_OK) {
        fprintf(stderr, "bench_parse: %s\n", err.msg);
        return 1;
    }
    file *f = calloc(n, sizeof *f);
    size_t bytes = 0, m = 0;
    for (size_t i = 0; i < n; i++) {
        FILE *fp = fopen(paths[i], "rb");
        if (!fp)
            continue;
        fseek(fp, 0, SEEK_END);
        long len = ftell(fp);
        fseek(fp, 0, SEEK_SET);
        f[m].data = malloc((size_t)len + 1);
        if (fread(f[m].data, 1, (size_t)len, fp) == (size_t)len) {
            f[m].len = (size_t)len;
            f[m].path = paths[i];
            bytes += f[m].len;
            m++;
        }
        fclose(fp);
    }
    double mb = bytes / 1e6;

    double t0 = now();
    size_t lines = 0;
    for (int r = 0; r < rounds; r++)
        lines += scan_lines(f, m);
    double t_scan = (now() - t0) / rounds;

    t0 = now();
    size_t words = icu_words(f, m);
    double t_icu = now() - t0;

    t0 = now();
    size_t nodes = 0, refused = 0;
    for (int r = 0; r < rounds; r++)
        for (size_t i = 0; i < m; i++) {
            char *utf8;
            size_t len;
            const char *enc;
            gz_doc d;
            gz_doc_init(&d);
            if (cp_decode(f[i].data, f[i].len, &utf8, &len, &enc, &err) == GZ_OK &&
                cp_parse_text(f[i].path, utf8, len, CP_FORMAT_AUTO, &d, &err) == GZ_OK) {
                nodes += d.n_nodes;
                gz_free(utf8);
            } else {
                refused++;
            }
            gz_doc_fini(&d);
        }
    double t_parse = (now() - t0) / rounds;

    printf("# corpus %s: %zu files, %.1f MB; %zu lines, %zu ICU words, %zu nodes, %zu refused\n",
           corpus, m, mb, lines, words, nodes / rounds, refused / rounds);
    printf("name\tfiles\tMB\tseconds\tMB/s\tx_icu_wordbreak\n");
    printf("scan_lines\t%zu\t%.1f\t%.3f\t%.1f\t%.2f\n", m, mb, t_scan, mb / t_scan, t_icu / t_scan);
    printf("icu_wordbreak\t%zu\t%.1f\t%.3f\t%.1f\t1.00\n", m, mb, t_icu, mb / t_icu);
    printf("parse\t%zu\t%.1f\t%.3f\t%.1f\t%.2f\n", m, mb, t_parse, mb / t_parse, t_icu / t_parse);
    return 0;
}
