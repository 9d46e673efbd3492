/* benchmarks/bench_index.c: building an index of a corpus (both cores),
 * beside ICU's word break alone over the same files in the same run (one
 * core); then the same run again on the unchanged corpus (the nightly job's
 * usual case), as a fraction of the full build; then the index's size by
 * section as a fraction of the raw text. Usage: bench_index --corpus DIR
 * [--ram-mb N] [--keep DIR]. */
#include "corpus/corpus.h"
#include "indexer/indexer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    const char *corpus = "sample", *keep = NULL;
    size_t ram = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--corpus") == 0 && i + 1 < argc)
            corpus = argv[++i];
        else if (strcmp(argv[i], "--ram-mb") == 0 && i + 1 < argc)
            ram = (size_t)atol(argv[++i]);
        else if (strcmp(argv[i], "--keep") == 0 && i + 1 < argc)
            keep = argv[++i];
    }
    char tmp[] = "/tmp/gz-bench-index-XXXXXX";
    const char *dir = keep ? keep : mkdtemp(tmp);
    ix_options o = {.dir = dir, .ram_mb = ram, .threads = 0, .log = stderr};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {(char *)corpus};
    double t0 = now();
    if (ix_index(&o, paths, 1, &r, &err) != GZ_OK) {
        fprintf(stderr, "bench_index: %s\n", err.msg);
        return 1;
    }
    double t_build = now() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long rss_build = ru.ru_maxrss;
    double mb = r.bytes_read / 1e6;

    t0 = now();
    ix_report again;
    if (ix_index(&o, paths, 1, &again, &err) != GZ_OK) {
        fprintf(stderr, "bench_index: %s\n", err.msg);
        return 1;
    }
    double t_again = now() - t0;

    /* ICU word break alone over the decoded files */
    char **files;
    size_t n;
    cp_list_files(corpus, &files, &n, &err);
    UErrorCode ec = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_WORD, "zh", NULL, 0, &ec);
    UText *ut = NULL;
    double t_icu = 0;
    for (size_t i = 0; i < n; i++) {
        FILE *f = fopen(files[i], "rb");
        if (!f)
            continue;
        fseek(f, 0, SEEK_END);
        long len = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *raw = malloc((size_t)len + 1), *utf8;
        size_t ul;
        const char *enc;
        if (fread(raw, 1, (size_t)len, f) == (size_t)len &&
            cp_decode(raw, (size_t)len, &utf8, &ul, &enc, NULL) == GZ_OK) {
            double a = now();
            ut = utext_openUTF8(ut, utf8, (int64_t)ul, &ec);
            ubrk_setUText(bi, ut, &ec);
            while (ubrk_next(bi) != UBRK_DONE)
                ;
            t_icu += now() - a;
            gz_free(utf8);
        }
        free(raw);
        fclose(f);
    }
    utext_close(ut);
    ubrk_close(bi);
    cp_paths_free(files, n);

    printf("# corpus %s: %zu files, %.1f MB; %zu documents; %zu segments written, %zu merged\n", corpus, r.files,
           mb, r.docs_added, r.segments_written, r.segments_merged);
    printf("case\tseconds\tMB/s\tx_icu_wordbreak\tpeak_rss_MB\n");
    printf("icu_wordbreak_1core\t%.2f\t%.1f\t1.00\t-\n", t_icu, mb / t_icu);
    printf("index_build\t%.2f\t%.1f\t%.2f\t%.0f\n", t_build, mb / t_build, t_icu / t_build, rss_build / 1024.0);
    printf("index_unchanged\t%.3f\t%.0f\t-\t-\t(%.4f of the build; %zu files re-analysed)\n", t_again,
           mb / t_again, t_again / t_build, again.indexed);
    fflush(stdout);
    ix_stats(dir, stdout, &err);
    return 0;
}
