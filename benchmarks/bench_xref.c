/* benchmarks/bench_xref.c: the cross-reference scanner (common/lawref.c,
 * gz_xref_scan_*) over the laws corpus, line by line as the indexer sees
 * units, beside two figures from the same run: a plain memmem scan for 第
 * over the same lines (the floor any scanner for 第 pays) and the analyser
 * on the same lines (the bulk of what the build spends per unit), so the
 * scanner's share of the build can be read off. Three alternating rounds;
 * each side's best is reported. Prints the references found by scope and
 * shape. Usage: bench_xref [--corpus DIR] [--limit-mb N] [--no-analyze]. */
#include "analysis/analysis.h"
#include "common/law.h"
#include "corpus/corpus.h"
#include "benchmarks/bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct counts {
    size_t refs, scope[GZ_XREF__COUNT], range, clause, item, sub, inherited;
} counts;

static size_t run_memmem(const gz_buf *all)
{
    size_t n = 0;
    for (const char *p = all->data, *end = all->data + all->len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        for (const char *q = p; (q = memmem(q, (size_t)(nl - q), "第", 3)); q += 3)
            n++;
        p = nl + 1;
    }
    return n;
}

static void run_scan(const gz_buf *all, counts *c)
{
    memset(c, 0, sizeof *c);
    for (const char *p = all->data, *end = all->data + all->len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        gz_xref_scan s;
        gz_xref x;
        gz_xref_scan_init(&s, p, (size_t)(nl - p));
        while (gz_xref_scan_next(&s, &x)) {
            c->refs++;
            c->scope[x.scope]++;
            c->range += x.article_to != 0;
            c->clause += x.clause != 0;
            c->item += x.item != 0;
            c->sub += x.sub != 0;
            c->inherited += x.inherited;
        }
        p = nl + 1;
    }
}

static size_t run_analyze(an_analyzer *a, const gz_buf *all)
{
    size_t n = 0;
    for (const char *p = all->data, *end = all->data + all->len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const an_token *t;
        size_t k;
        if (an_analyze(a, p, (size_t)(nl - p), AN_MODE_DOCUMENT, &t, &k) == GZ_OK)
            n += k;
        p = nl + 1;
    }
    return n;
}

static double pct(size_t part, size_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0;
}

int main(int argc, char **argv)
{
    int analyze = 1;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--no-analyze") == 0)
            analyze = 0;
    gz_buf all;
    gz_error err;
    const char *corpus = bu_load_cleaned("bench_xref", argc, argv, &all);
    double mb = all.len / 1e6;
    an_analyzer *a = NULL;
    if (analyze && an_analyzer_open(&a, &err) != GZ_OK) {
        fprintf(stderr, "bench_xref: %s\n", err.msg);
        return 1;
    }
    double t_mem = 1e30, t_scan = 1e30, t_an = 1e30;
    size_t n_di = 0, n_tok = 0;
    counts c;
    for (int round = 0; round < 3; round++) {
        double t0 = bu_now();
        n_di = run_memmem(&all);
        double t1 = bu_now();
        run_scan(&all, &c);
        double t2 = bu_now();
        if (a)
            n_tok = run_analyze(a, &all);
        double t3 = bu_now();
        t_mem = t1 - t0 < t_mem ? t1 - t0 : t_mem;
        t_scan = t2 - t1 < t_scan ? t2 - t1 : t_scan;
        t_an = t3 - t2 < t_an ? t3 - t2 : t_an;
    }
    an_analyzer_close(a);
    printf("# corpus %s: %.1f MB cleaned text; %zu 第, %zu references, %zu tokens\n", corpus, mb, n_di, c.refs,
           n_tok);
    printf("name\tMB\tseconds\tMB/s\n");
    printf("memmem_di\t%.1f\t%.4f\t%.0f\n", mb, t_mem, mb / t_mem);
    printf("xref_scan\t%.1f\t%.4f\t%.0f\n", mb, t_scan, mb / t_scan);
    if (a) {
        printf("analyze\t%.1f\t%.4f\t%.1f\n", mb, t_an, mb / t_an);
        printf("# xref_scan costs %.2f%% of the analyser's time on the same lines\n", 100 * t_scan / t_an);
    }
    printf("# references by scope (share of %zu)\n", c.refs);
    for (int s = 0; s < GZ_XREF__COUNT; s++)
        printf("scope\t%s\t%zu\t%.1f%%\n", gz_xref_scope_name((gz_xref_scope)s), c.scope[s], pct(c.scope[s], c.refs));
    printf("# shapes (a reference may have several)\n");
    printf("shape\trange\t%zu\t%.1f%%\n", c.range, pct(c.range, c.refs));
    printf("shape\tclause\t%zu\t%.1f%%\n", c.clause, pct(c.clause, c.refs));
    printf("shape\titem\t%zu\t%.1f%%\n", c.item, pct(c.item, c.refs));
    printf("shape\tsub\t%zu\t%.1f%%\n", c.sub, pct(c.sub, c.refs));
    printf("shape\tinherited\t%zu\t%.1f%%\n", c.inherited, pct(c.inherited, c.refs));
    gz_buf_fini(&all);
    return 0;
}
