/* benchmarks/bench_query.c: query latency by class on an index (build it
 * first: gazette index --index DIR CORPUS). Classes: single word, AND of two
 * words, phrase of 4-10 characters, long question, article lookup, and
 * 3-5 words of two characters run together without blanks (issue 19). Queries
 * are drawn with a seeded RNG from the index's own stored text. Each class
 * prints p50/p99 (warm) of the ranked top 10 with pruning (sr_search_top),
 * beside the same queries scored exhaustively in the same run (the
 * reference the pruning must equal: the bench checks it does), and the full
 * JSON answer (facets over every match, snippets of the ten). `scored` is
 * the fraction of the exhaustive full scorings the pruning still did.
 * Usage: bench_query --index DIR [--n 200] [--class word|and2|phrase|question|article|words]
 * [--no-json: time the ranked top 10 alone, to profile it]
 * [--cache: keep the words' match-list cache on, as a server does]
 * [--slowest K: print each class's K slowest queries on stderr]
 * [--query Q: run Q alone, n times, as a class of its own, to profile it]
 * [--pruned-only: skip the exhaustive runs and their check, to profile]
 * [--cpu-time: time each query in its thread's CPU time, not wall time,
 * to compare two builds on a loaded machine]
 * [--export DIR: write the index's units (DIR/units.txt, one a line) and
 * the queries of the first five classes (DIR/queries.tsv) in the format
 * bench_xapian reads, for a peer engine on the same units and queries]. */
#include "common/testing.h"
#include "format/format.h"
#include "searcher/searcher.h"
#include "bench_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static int cpu_time; /* --cpu-time */
static double now(void) { return cpu_time ? bu_cpu_now() : bu_now(); }
static uint64_t rnd(void) { return bu_rnd(&rng); }

/* A run of `chars` Han characters from the text, or 0. */
static size_t han_run(const char *text, size_t len, size_t chars, char *out)
{
    for (int tries = 0; tries < 1000; tries++) {
        size_t n = gz_han_run_at(text, len, rnd() % len, chars, out);
        if (n)
            return n;
    }
    return 0;
}

/* One unit's text as a line of the file arg. */
static void write_unit(void *arg, const gz_docinfo *di, const gz_unitinfo *ui, char *text)
{
    (void)di, (void)ui;
    fprintf(arg, "%s\n", text);
    free(text);
}

int main(int argc, char **argv)
{
    const char *dir = NULL, *only = NULL, *given = NULL, *export = NULL;
    int n = 200, slowest = 0, cache = 0, pruned_only = 0, no_json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--index") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strcmp(argv[i], "--n") == 0 && i + 1 < argc)
            n = atoi(argv[++i]);
        else if (strcmp(argv[i], "--class") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "--slowest") == 0 && i + 1 < argc)
            slowest = atoi(argv[++i]);
        else if (strcmp(argv[i], "--query") == 0 && i + 1 < argc)
            given = argv[++i];
        else if (strcmp(argv[i], "--pruned-only") == 0)
            pruned_only = 1;
        else if (strcmp(argv[i], "--cache") == 0)
            cache = 1;
        else if (strcmp(argv[i], "--no-json") == 0)
            no_json = 1;
        else if (strcmp(argv[i], "--cpu-time") == 0)
            cpu_time = 1;
        else if (strcmp(argv[i], "--export") == 0 && i + 1 < argc)
            export = argv[++i];
    }
    if (!dir) {
        fprintf(stderr, "usage: bench_query --index DIR [--n 200]\n");
        return 2;
    }
    gz_snapshot *snap;
    gz_error err = {0};
    if (gz_snapshot_open(dir, &snap, &err) != GZ_OK) {
        fprintf(stderr, "bench_query: %s\n", err.msg);
        return 1;
    }
    /* sample text: the stored text of up to 300 documents */
    gz_buf text, doc;
    gz_buf_init(&text);
    gz_buf_init(&doc);
    gz_textctx *tc = NULL;
    char (*articles)[64] = calloc(300, 64);
    size_t n_articles = 0;
    for (size_t s = 0; s < snap->man.n_seg; s++) {
        gz_seg_stats ss;
        gz_segment_stats(snap->seg[s], &ss);
        for (uint32_t d = 0; d < ss.n_docs && text.len < (8u << 20); d += 1 + ss.n_docs / 300) {
            if (gz_segment_text(snap->seg[s], d, &doc, &tc) == GZ_OK)
                gz_buf_put(&text, doc.data, doc.len);
            gz_docinfo di;
            if (gz_segment_doc(snap->seg[s], d, &di) == GZ_OK && n_articles < 300)
                for (uint32_t u = di.first_unit; u < di.first_unit + di.n_units; u++) {
                    gz_unitinfo ui;
                    if (gz_segment_unit(snap->seg[s], u, &ui) == GZ_OK && ui.kind == GZ_KIND_ARTICLE) {
                        snprintf(articles[n_articles++], 64, "%.36s %s", di.title, ui.label);
                        break;
                    }
                }
        }
    }
    gz_textctx_close(tc);
    gz_snapshot_close(snap);
    sr_index *ix;
    if (sr_index_open(dir, &ix, &err) != GZ_OK) {
        fprintf(stderr, "bench_query: %s\n", err.msg);
        return 1;
    }
    FILE *xq = NULL;
    if (export) { /* the same units and queries for bench_xapian */
        char path[4200];
        snprintf(path, sizeof path, "%s/units.txt", export);
        FILE *xu = fopen(path, "w");
        if (!xu) {
            fprintf(stderr, "bench_query: %s: %s\n", path, strerror(errno));
            return 1;
        }
        bu_each_unit(dir, write_unit, xu);
        snprintf(path, sizeof path, "%s/queries.tsv", export);
        if (fclose(xu) != 0 || !(xq = fopen(path, "w"))) {
            fprintf(stderr, "bench_query: %s: %s\n", path, strerror(errno));
            return 1;
        }
    }
    /* each query runs three times (JSON, pruned, exhaustive): without
     * --cache, the words' match-list cache is off, so every run of every
     * query is timed as if seen for the first time */
    if (!cache)
        sr_index_cache(ix, 0);
    const char *classes[] = {"word", "and2", "phrase", "question", "article", "words", "given"};
    static const char *const qw[] = {"什么", "如何", "是否", "哪些"};
    printf("# index %s: %d queries a class, top-10, warm\n", dir, n);
    printf("class\ttop10_p50_ms\ttop10_p99_ms\texhaustive_p50_ms\texhaustive_p99_ms\tx_exhaustive_p50\t"
           "json_p50_ms\tjson_p99_ms\tscored\tblocks_skipped\n");
    double *t_top = malloc(sizeof(double) * (size_t)n), *t_exh = malloc(sizeof(double) * (size_t)n),
           *t_json = malloc(sizeof(double) * (size_t)n);
    gz_buf out;
    gz_buf_init(&out);
    int mismatches = 0;
    for (int c = given ? 6 : 0; c < (given ? 7 : 6); c++) {
        char q[512];
        char(*qs)[512] = slowest ? calloc((size_t)n, 512) : NULL;
        size_t scored = 0, scored_exh = 0, scored_all = 0, bounded = 0, blocks = 0, skipped = 0;
        if (only && strcmp(only, classes[c]) != 0)
            continue;
        for (int i = 0; i < n; i++) {
            char a[128], b[128];
            switch (c) {
            case 0: han_run(text.data, text.len, 2, q); break;
            case 1:
                han_run(text.data, text.len, 2, a);
                han_run(text.data, text.len, 2, b);
                snprintf(q, sizeof q, "%s %s", a, b);
                break;
            case 2: han_run(text.data, text.len, 4 + rnd() % 7, q); break;
            case 3:
                han_run(text.data, text.len, 12, a);
                snprintf(q, sizeof q, "%s%s？", a, qw[rnd() % 4]);
                break;
            case 4: snprintf(q, sizeof q, "%s", n_articles ? articles[rnd() % n_articles] : "第一条"); break;
            case 5: { /* 3-5 words run together */
                int k = 3 + (int)(rnd() % 3);
                q[0] = 0;
                for (int w = 0; w < k; w++) {
                    han_run(text.data, text.len, 2, a);
                    strcat(q, a);
                }
                break;
            }
            default: snprintf(q, sizeof q, "%s", given);
            }
            if (xq && c < 5) /* class, grep count (none), a, b, the text */
                fprintf(xq, "%d\t0\t%s\t\t%s\n", c, q, q);
            int ambiguous;
            sr_request rq = {.query = q, .n = 10};
            if (qs)
                memcpy(qs[i], q, sizeof q);
            sr_top top, exh;
            if (i == 0) { /* warm the caches (and the article table, built at the first lookup) */
                out.len = 0;
                if (c == 4)
                    sr_article_json(ix, q, &out, &ambiguous, &err);
                else
                    sr_search_json(ix, &rq, &out, &err);
            }
            double t0 = now();
            out.len = 0;
            if (no_json && c != 4)
                t_json[i] = 0;
            else if (c == 4)
                sr_article_json(ix, q, &out, &ambiguous, &err);
            else
                sr_search_json(ix, &rq, &out, &err);
            if (!no_json || c == 4)
                t_json[i] = (now() - t0) * 1e3;
            if (c == 4) {
                t_top[i] = t_exh[i] = t_json[i];
                continue;
            }
            /* alternate which goes first, so neither always finds the
             * other's work in the caches */
            gz_status s1 = GZ_OK, s2 = GZ_OK;
            memset(&exh, 0, sizeof exh);
            for (int k = 0; k < 2; k++) {
                int pruned = (k == 0) == (i % 2 == 0);
                if (!pruned && pruned_only) {
                    s2 = GZ_INVALID;
                    t_exh[i] = 0;
                    continue;
                }
                rq.exhaustive = !pruned;
                t0 = now();
                if (pruned)
                    s1 = sr_search_top(ix, &rq, &top, &err);
                else
                    s2 = sr_search_top(ix, &rq, &exh, &err);
                (pruned ? t_top : t_exh)[i] = (now() - t0) * 1e3;
            }
            if (s1 == GZ_OK && s2 == GZ_OK) {
                int same = top.n == exh.n;
                for (size_t k = 0; same && k < top.n; k++)
                    same = top.hit[k].id == exh.hit[k].id && top.hit[k].score == exh.hit[k].score;
                if (!same && mismatches++ < 5)
                    fprintf(stderr, "bench_query: pruned top-10 differs from exhaustive for %s\n", q);
                scored += top.scored;
                scored_exh += exh.scored;
            }
            if (s1 == GZ_OK) {
                scored_all += top.scored;
                bounded += top.bounded;
                blocks += top.blocks;
                skipped += top.skipped;
            }
            sr_top_fini(&top);
            sr_top_fini(&exh);
        }
        for (int k = 0; qs && k < slowest; k++) { /* the slowest top-10 queries */
            int w = 0;
            for (int i = 1; i < n; i++)
                if (t_top[i] > t_top[w])
                    w = i;
            if (t_top[w] < 0)
                break;
            fprintf(stderr, "# slowest %s: %.3f ms  %s\n", classes[c], t_top[w], qs[w]);
            t_top[w] = -t_top[w] - 1; /* marked; restored below */
        }
        for (int i = 0; qs && i < n; i++)
            if (t_top[i] < 0)
                t_top[i] = -t_top[i] - 1;
        free(qs);
        double p50, p99, e50, e99, j50, j99;
        bu_percentiles(t_top, (size_t)n, &p50, &p99);
        bu_percentiles(t_exh, (size_t)n, &e50, &e99);
        bu_percentiles(t_json, (size_t)n, &j50, &j99);
        printf("%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.2f\t%.3f\t%.3f\t%.3f\t%.3f\n", classes[c], p50, p99, e50, e99,
               p50 > 0 ? e50 / p50 : 0, j50, j99, scored_exh ? (double)scored / (double)scored_exh : 1.0,
               blocks ? (double)skipped / (double)blocks : 0.0);
        if (c != 4)
            fprintf(stderr, "# %s: %.1f units bounded and %.1f scored a query; %.1f blocks met with the page full, %.1f entered\n",
                    classes[c], (double)bounded / n, (double)scored_all / n, (double)blocks / n, (double)(blocks - skipped) / n);
    }
    if (mismatches)
        printf("# %d queries: pruned top-10 differs from exhaustive\n", mismatches);
    sr_index_close(ix);
    gz_buf_fini(&out);
    gz_buf_fini(&text);
    gz_buf_fini(&doc);
    free(t_json);
    free(t_top);
    free(t_exh);
    free(articles);
    if (xq && fclose(xq) != 0) {
        fprintf(stderr, "bench_query: %s/queries.tsv: %s\n", export, strerror(errno));
        return 1;
    }
    return mismatches ? 1 : 0;
}
