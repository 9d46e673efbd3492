/* benchmarks/bench_refs.c: cross-references resolved as answers show them
 * (searcher/refs.c), over every live document of an index: the references
 * the scanner finds and the share resolved, by kind, and the time that
 * resolving every one of them takes (what resolving at index time would
 * add to a build); then, on a seeded sample of articles, the latency of
 * the article lookup and of the same lookup with its cited-by list, in the
 * same run, and the cost of resolving one article's references alone,
 * as a hit on it does (the first lookup, which builds the article table, is made
 * before the clock starts). Times are the process's CPU time, which a
 * machine shared with other builds leaves steady where wall time is not.
 * --unresolved N prints N named references that resolved to nothing.
 * Usage: bench_refs --index DIR [--n 200] [--seed 1] [--unresolved N]. */
#include "common/law.h"
#include "format/format.h"
#include "searcher/testing.h"
#include "benchmarks/bench_util.h"

/* CPU time of the process, seconds (it runs one thread). */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct kind_count {
    size_t found, resolved;
} kind_count;

/* "《title》label" of a random live article unit, into ref; 0 if the draw
 * met none. */
static int draw(gz_snapshot *snap, uint64_t *rng, char *ref, size_t cap)
{
    size_t s = bu_rnd(rng) % snap->man.n_seg;
    const gz_segment *seg = snap->seg[s];
    uint32_t n = snap->man.seg[s].n_units;
    if (!n)
        return 0;
    gz_unitinfo ui;
    gz_docinfo di;
    uint32_t u = (uint32_t)(bu_rnd(rng) % n);
    if (gz_segment_unit(seg, u, &ui) != GZ_OK || ui.kind != GZ_KIND_ARTICLE || ui.number < 0 ||
        gz_bit(snap->deleted[s], ui.doc) || gz_segment_doc(seg, ui.doc, &di) != GZ_OK)
        return 0;
    snprintf(ref, cap, "《%s》%s", di.title, ui.label);
    return 1;
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    size_t want = 200, show = 0;
    uint64_t rng = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--index") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strcmp(argv[i], "--n") == 0 && i + 1 < argc)
            want = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--unresolved") == 0 && i + 1 < argc)
            show = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            rng = strtoull(argv[++i], NULL, 10) | 1;
        else {
            fprintf(stderr, "bench_refs: unknown argument '%s'\nusage: bench_refs --index DIR [--n 200] [--seed 1]\n",
                    argv[i]);
            return 2;
        }
    }
    if (!dir) {
        fprintf(stderr, "bench_refs: --index DIR is required\n");
        return 2;
    }
    sr_index *ix;
    gz_snapshot *snap;
    gz_error err = {0};
    if (sr_index_open(dir, &ix, &err) != GZ_OK || gz_snapshot_open(dir, &snap, &err) != GZ_OK) {
        fprintf(stderr, "bench_refs: %s\n", err.msg);
        return 1;
    }
    /* 0. what the first named reference of a snapshot builds: the works'
     * keys (refs.c) and the article table (article.c) */
    sr_arena a;
    sr_arena_init(&a);
    {
        static const char first[] = "依照《中华人民共和国宪法》第一条";
        const gazette_ref *r;
        size_t n;
        double t0 = cpu_now();
        sr_refs_doc(ix, 0, 0, first, sizeof first - 1, 0, &a, &r, &n);
        printf("first named reference of the snapshot (work keys, article table): %.1f ms of CPU\n\n",
               (cpu_now() - t0) * 1e3);
        sr_arena_reset(&a);
    }
    /* 1. every live document: references found by the scanner, resolved by
     * the searcher (the same text, whole; a page would cut the longest) */
    kind_count k[GZ_XREF__COUNT] = {{0}};
    gz_buf text;
    gz_buf_init(&text);
    gz_textctx *tctx = NULL;
    double resolve_s = 0;
    size_t docs = 0;
    for (size_t s = 0; s < snap->man.n_seg; s++)
        for (uint32_t d = 0; d < snap->man.seg[s].n_docs; d++) {
            if (gz_bit(snap->deleted[s], d) || gz_segment_text(snap->seg[s], d, &text, &tctx) != GZ_OK)
                continue;
            docs++;
            const gazette_ref *r;
            size_t n;
            double t0 = cpu_now();
            sr_refs_doc(ix, s, d, text.data ? text.data : "", text.len, 0, &a, &r, &n);
            resolve_s += cpu_now() - t0;
            gz_xref_scan sc;
            gz_xref x;
            gz_xref_scan_init(&sc, text.data ? text.data : "", text.len);
            for (size_t at = 0; gz_xref_scan_next(&sc, &x);) {
                k[x.scope].found++;
                while (at < n && r[at].start < x.start)
                    at++;
                if (show && x.scope == GZ_XREF_NAMED_WORK && (at == n || r[at].start != x.start)) {
                    printf("unresolved: %.*s\n", (int)(x.end - x.start), text.data + x.start);
                    show--;
                }
            }
            for (size_t i = 0; i < n; i++)
                for (int sc2 = 0; sc2 < GZ_XREF__COUNT; sc2++)
                    k[sc2].resolved += strcmp(r[i].kind, gz_xref_scope_name((gz_xref_scope)sc2)) == 0;
            sr_arena_reset(&a);
        }
    size_t found = 0, resolved = 0;
    printf("| kind | found | resolved | share |\n|---|---:|---:|---:|\n");
    for (int sc2 = 0; sc2 < GZ_XREF__COUNT; sc2++) {
        printf("| %s | %zu | %zu | %.1f%% |\n", gz_xref_scope_name((gz_xref_scope)sc2), k[sc2].found, k[sc2].resolved,
               k[sc2].found ? 100.0 * (double)k[sc2].resolved / (double)k[sc2].found : 0.0);
        found += k[sc2].found;
        resolved += k[sc2].resolved;
    }
    printf("| all | %zu | %zu | %.1f%% |\n\n", found, resolved, found ? 100.0 * (double)resolved / (double)found : 0.0);
    printf("resolving every reference of %zu documents: %.2f s of CPU (%.1f us a reference)\n\n", docs, resolve_s,
           found ? 1e6 * resolve_s / (double)found : 0.0);
    /* 2. lookup and cited-by on the same drawn articles */
    double *t_look = calloc(want + 1, sizeof *t_look), *t_cited = calloc(want + 1, sizeof *t_cited),
           *t_unit = calloc(want + 1, sizeof *t_unit);
    size_t n = 0, found_n = 0, citing = 0, partial = 0;
    char ref[1200];
    gazette_article warm;
    if (sr_article(ix, "第一条", &a, &warm, &err) != GZ_OK)
        fprintf(stderr, "bench_refs: %s\n", err.msg);
    sr_arena_reset(&a);
    for (size_t tries = 0; n < want && tries < want * 1000; tries++) {
        if (!draw(snap, &rng, ref, sizeof ref))
            continue;
        gazette_article art;
        double t0 = cpu_now();
        if (sr_article(ix, ref, &a, &art, &err) != GZ_OK)
            continue;
        t_look[n] = cpu_now() - t0;
        /* its references alone, as a hit on it resolves them */
        unsigned sid, doc, unit;
        size_t s = snap->man.n_seg, nr;
        const gazette_ref *r;
        if (art.found && sscanf(art.unit.id, "%u-%u-%u", &sid, &doc, &unit) == 3)
            for (s = 0; s < snap->man.n_seg && snap->man.seg[s].id != sid; s++)
                ;
        if (s < snap->man.n_seg) {
            t0 = cpu_now();
            sr_refs_doc(ix, s, doc, art.text, art.text_len, art.unit.start, &a, &r, &nr);
            t_unit[n] = cpu_now() - t0;
        }
        sr_arena_reset(&a);
        sr_limits lim = {0, 0, SR_DEFAULT_CPU_MS};
        t0 = cpu_now();
        if (sr_article_cited_by(ix, ref, &lim, &a, &art, &err) != GZ_OK)
            continue;
        t_cited[n] = cpu_now() - t0;
        found_n += art.found;
        citing += art.n_cited_by;
        partial += art.cited_by_partial;
        sr_arena_reset(&a);
        n++;
    }
    double l50, l99, c50, c99, u50, u99;
    bu_percentiles(t_unit, n, &u50, &u99);
    bu_percentiles(t_look, n, &l50, &l99);
    bu_percentiles(t_cited, n, &c50, &c99);
    printf("%zu articles drawn (seeded), %zu found by the lookup, %zu citing units listed, %zu partial\n", n,
           found_n, citing, partial);
    printf("| call | p50 ms CPU | p99 ms CPU |\n|---|---:|---:|\n| article lookup | %.2f | %.2f |\n"
           "| lookup + cited-by | %.2f | %.2f |\n| its refs alone (as on a hit) | %.3f | %.3f |\n",
           l50 * 1e3, l99 * 1e3, c50 * 1e3, c99 * 1e3, u50 * 1e3, u99 * 1e3);
    free(t_look);
    free(t_cited);
    free(t_unit);
    sr_arena_fini(&a);
    gz_textctx_close(tctx);
    gz_buf_fini(&text);
    gz_snapshot_close(snap);
    sr_index_close(ix);
    return 0;
}
