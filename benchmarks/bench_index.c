/* benchmarks/bench_index.c: building an index of a corpus (both cores),
 * beside ICU's word break alone over the same files in the same run (one
 * core); then the same run again on the unchanged corpus (the nightly job's
 * usual case), as a fraction of the full build; then the index's size by
 * section as a fraction of the raw text; then (built with cairo) PDF beside
 * text: --pdf-files N of the corpus's files (evenly spread) typeset as PDF
 * (tests/gen/pdf_render.c), each set parsed on one core and indexed, pages/s
 * and MB of text/s. Usage: bench_index --corpus DIR [--ram-mb N]
 * [--keep DIR] [--pdf-files N, default 100, 0 for none]. */
#include "corpus/corpus.h"
#include "indexer/indexer.h"
#ifdef GZ_BENCH_PDF
#include "gen/pdf_render.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>
#include <unistd.h>


/* A file's text decoded to UTF-8 (gz_free it), or NULL. */
static char *read_utf8(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *raw = n >= 0 ? malloc((size_t)n + 1) : NULL, *utf8 = NULL;
    const char *enc;
    if (!raw || fread(raw, 1, (size_t)n, f) != (size_t)n ||
        cp_decode(raw, (size_t)n, &utf8, len, &enc, NULL) != GZ_OK)
        utf8 = NULL;
    free(raw);
    fclose(f);
    return utf8;
}
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

#ifdef GZ_BENCH_PDF
/* CPU seconds of this process and its children (the readers) so far: the
 * machine is shared, so wall time alone says little. */
static double cpu_now(void)
{
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    return self.ru_utime.tv_sec + self.ru_stime.tv_sec + kids.ru_utime.tv_sec + kids.ru_stime.tv_sec +
           (self.ru_utime.tv_usec + self.ru_stime.tv_usec + kids.ru_utime.tv_usec + kids.ru_stime.tv_usec) * 1e-6;
}

static double last_cpu; /* CPU seconds of the last parse_all or index_dir */

/* Parses every file under dir on this core: seconds, and the pages and
 * bytes of cleaned text of what parsed. */
static double parse_all(const char *dir, size_t *pages, size_t *text_bytes, size_t *ok)
{
    char **files;
    size_t n;
    gz_error err;
    *pages = *text_bytes = *ok = 0;
    if (cp_list_files(dir, &files, &n, &err) != GZ_OK)
        return 0;
    double t0 = now(), c0 = cpu_now();
    for (size_t i = 0; i < n; i++) {
        gz_doc d;
        gz_doc_init(&d);
        if (cp_parse_file(files[i], CP_FORMAT_AUTO, &d, &err) == GZ_OK) {
            *pages += d.n_pages;
            *text_bytes += d.text_len;
            (*ok)++;
        } else {
            fprintf(stderr, "bench_index: %s\n", err.msg);
        }
        gz_doc_fini(&d);
    }
    double t = now() - t0;
    last_cpu = cpu_now() - c0;
    cp_paths_free(files, n);
    return t;
}

static double index_dir(const char *src, const char *ix)
{
    ix_options o = {.dir = ix, .threads = 0, .log = stderr};
    ix_report r;
    gz_error err;
    char *paths[] = {(char *)src};
    double t0 = now(), c0 = cpu_now();
    if (ix_index(&o, paths, 1, &r, &err) != GZ_OK)
        fprintf(stderr, "bench_index: %s\n", err.msg);
    last_cpu = cpu_now() - c0;
    return now() - t0;
}

/* The same documents as text and as PDF, in the same run: n_pdf of the
 * corpus's files, evenly spread, copied as text and typeset as PDF (not
 * timed); then parsing each set on one core (the PDF through its reader's
 * budget child, as the indexer does) and indexing each set. */
static void pdf_beside_text(const char *corpus, size_t n_pdf)
{
    char **files;
    size_t n;
    gz_error err;
    if (!n_pdf || cp_list_files(corpus, &files, &n, &err) != GZ_OK || !n)
        return;
    /* the readers run as gazette runs them: in the gazette binary beside
     * this one, exec'd per file */
    static char helper[4096];
    ssize_t hl = readlink("/proc/self/exe", helper, sizeof helper - 16);
    if (hl > 0) {
        helper[hl] = 0;
        char *slash = strrchr(helper, '/');
        strcpy(slash ? slash + 1 : helper, "gazette");
        if (access(helper, X_OK) == 0)
            cp_reader_helper(helper);
    }
    char root[] = "/tmp/gz-bench-pdf-XXXXXX";
    if (!mkdtemp(root))
        return;
    char tdir[600], pdir[600], path[700];
    snprintf(tdir, sizeof tdir, "%s/text", root);
    snprintf(pdir, sizeof pdir, "%s/pdf", root);
    mkdir(tdir, 0755);
    mkdir(pdir, 0755);
    size_t step = n > n_pdf ? n / n_pdf : 1, made = 0, pages = 0;
    for (size_t i = 0; i < n && made < n_pdf; i += step) {
        size_t ul, pl;
        char *utf8 = read_utf8(files[i], &ul);
        if (utf8) {
            const char *ext = strstr(files[i], ".md") ? ".md" : ".txt";
            snprintf(path, sizeof path, "%s/%05zu%s", tdir, made, ext);
            FILE *o = fopen(path, "wb");
            if (o) {
                fwrite(utf8, 1, ul, o);
                fclose(o);
            }
            /* Markdown's markup is not printed: the PDF shows the text */
            char *para = th_paragraphs(utf8, ul, &pl);
            th_pdf_opts po = {.head = "中华人民共和国法律汇编", .page_numbers = 1};
            snprintf(path, sizeof path, "%s/%05zu.pdf", pdir, made);
            int k = para ? th_pdf_render(path, para, pl, &po, NULL) : -1;
            if (k > 0)
                pages += (size_t)k, made++;
            gz_free(para);
            gz_free(utf8);
        }
    }
    cp_paths_free(files, n);
    size_t tp, tb, tok, pp, pb, pok;
    double t_text = parse_all(tdir, &tp, &tb, &tok), c_text = last_cpu;
    double t_pdf = parse_all(pdir, &pp, &pb, &pok), c_pdf = last_cpu;
    snprintf(path, sizeof path, "%s/ix-text", root);
    double i_text = index_dir(tdir, path), ci_text = last_cpu;
    snprintf(path, sizeof path, "%s/ix-pdf", root);
    double i_pdf = index_dir(pdir, path), ci_pdf = last_cpu;
    printf("# PDF beside text: %zu documents of %s, %zu pages typeset (%s); readers: %s\n", made, corpus,
           pages, root, hl > 0 && access(helper, X_OK) == 0 ? helper : "plain fork");
    printf("case\tfiles\tpages\tseconds\tcpu_s\tpages/s\tMB_text/s\tpages/cpu_s\tMB_text/cpu_s\n");
    printf("parse_text_1core\t%zu\t-\t%.3f\t%.3f\t-\t%.2f\t-\t%.2f\n", tok, t_text, c_text, tb / 1e6 / t_text,
           tb / 1e6 / c_text);
    printf("parse_pdf_1core\t%zu\t%zu\t%.3f\t%.3f\t%.0f\t%.2f\t%.0f\t%.2f\n", pok, pp, t_pdf, c_pdf, pp / t_pdf,
           pb / 1e6 / t_pdf, pp / c_pdf, pb / 1e6 / c_pdf);
    printf("index_text\t%zu\t-\t%.2f\t%.2f\t-\t%.2f\t-\t%.2f\n", tok, i_text, ci_text, tb / 1e6 / i_text,
           tb / 1e6 / ci_text);
    printf("index_pdf\t%zu\t%zu\t%.2f\t%.2f\t%.0f\t%.2f\t%.0f\t%.2f\n", pok, pp, i_pdf, ci_pdf, pp / i_pdf,
           pb / 1e6 / i_pdf, pp / ci_pdf, pb / 1e6 / ci_pdf);
}
#endif

int main(int argc, char **argv)
{
    const char *corpus = "sample", *keep = NULL;
    size_t ram = 0, n_pdf = 100;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--corpus") == 0 && i + 1 < argc)
            corpus = argv[++i];
        else if (strcmp(argv[i], "--ram-mb") == 0 && i + 1 < argc)
            ram = (size_t)atol(argv[++i]);
        else if (strcmp(argv[i], "--keep") == 0 && i + 1 < argc)
            keep = argv[++i];
        else if (strcmp(argv[i], "--pdf-files") == 0 && i + 1 < argc)
            n_pdf = (size_t)atol(argv[++i]);
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
        size_t ul;
        char *utf8 = read_utf8(files[i], &ul);
        if (utf8) {
            double a = now();
            ut = utext_openUTF8(ut, utf8, (int64_t)ul, &ec);
            ubrk_setUText(bi, ut, &ec);
            while (ubrk_next(bi) != UBRK_DONE)
                ;
            t_icu += now() - a;
            gz_free(utf8);
        }
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
#ifdef GZ_BENCH_PDF
    fflush(stdout);
    pdf_beside_text(corpus, n_pdf);
#else
    (void)n_pdf;
    printf("# PDF beside text: not built (needs cairo: scripts/install-deps.sh --bench)\n");
#endif
    return 0;
}
