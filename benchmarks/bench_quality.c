/* benchmarks/bench_quality.c: ranking quality on real questions (STARD, the
 * dev split in ../shared/eval/stard-dev: questions.tsv, qrels.tsv). Every
 * question goes through the library as typed (sr_search_top, top 100), and
 * through a baseline computed in the same run on the same index: BM25 over
 * an OR of every character bigram of the question (what an n-gram user of
 * Xapian or Elasticsearch gets), scored here from the postings alone.
 * Prints MRR@10, Recall@10 and Recall@100 of both, and their ratio.
 * Usage: bench_quality --index DIR [--eval DIR] [--show K: the K worst
 * questions of the library on stderr] [--dump: each question's figures]
 * [--misses: where the judged articles of the questions with none in the
 * top 100 are] [--expansions: the thesaurus pairs used, in how many
 * questions each] [--wasted: how many of the top 100 have the same text as
 * a hit ranked above them] [--ranks: where the judged articles rank in the
 * top 300, and what ranks at 61-100] [--page: the figures of the page too (sr_search,
 * every hit of a document: a law's older versions collapsed into the
 * current one where the text is the same)]. Beside the whole, the library's figures on the
 * questions of even and of odd id. */
#include "analysis/analysis.h"
#include "format/format.h"
#include "searcher/searcher.h"
#include "bench_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOP 100

/* A judged article: a source path and an article's number and sub
 * (第十条之一: 10, 1). */
typedef struct judged {
    int id;
    char *file;
    int64_t number, sub;
} judged;

/* 第N条 or 第N条之M, numerals of any kind: 1 and the pair, else 0. */
static int article_key(const char *label, int64_t *number, int64_t *sub)
{
    size_t len = strlen(label);
    if (len < 7 || memcmp(label, "第", 3) != 0)
        return 0;
    size_t n = gz_numeral_parse(label + 3, len - 3, number);
    const char *p = label + 3 + n;
    if (!n || strncmp(p, "条", 3) != 0)
        return 0;
    p += 3;
    *sub = 0;
    if (strncmp(p, "之", 3) == 0 && !gz_numeral_parse(p + 3, strlen(p + 3), sub))
        return 0;
    return 1;
}

/* Reads a two- or three-column TSV after its header line; cols[k] are
 * fresh strings. Returns the number of rows. */
static size_t read_tsv(const char *path, int ncol, char ***rows)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "bench_quality: cannot read %s\n", path);
        exit(1);
    }
    char line[8192];
    size_t n = 0, cap = 0;
    *rows = NULL;
    for (int first = 1; fgets(line, sizeof line, f); first = 0) {
        if (first)
            continue;
        line[strcspn(line, "\r\n")] = 0;
        if (n + 1 > cap) {
            cap = cap ? 2 * cap : 1024;
            *rows = realloc(*rows, cap * ncol * sizeof **rows);
        }
        char *p = line;
        for (int c = 0; c < ncol; c++) {
            char *tab = c + 1 < ncol ? strchr(p, '\t') : NULL;
            if (tab)
                *tab = 0;
            (*rows)[n * ncol + c] = strdup(p);
            p = tab ? tab + 1 : p + strlen(p);
        }
        n++;
    }
    fclose(f);
    return n;
}

/* ------------------------------------------------------------ baseline */

typedef struct base_ix {
    gz_snapshot *snap;
    uint32_t **len; /* per segment, per unit: positions */
    double avg;
    float **acc;    /* per segment, per unit: the question's score */
} base_ix;

typedef struct scored {
    double score;
    uint64_t id;
} scored;

static int cmp_scored(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return (x->id > y->id) - (x->id < y->id);
}

/* BM25 (k1 1.2, b 0.75) over the distinct Han bigrams of q, summed: the
 * best TOP units into out. */
static size_t baseline(base_ix *b, an_analyzer *an, const char *q, scored *out)
{
    const an_token *t;
    size_t n;
    if (an_analyze(an, q, strlen(q), AN_MODE_QUERY, &t, &n) != GZ_OK)
        return 0;
    size_t n_seg = b->snap->man.n_seg;
    char seen[64][16];
    size_t n_seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i].type != AN_GRAM || t[i].len + 1 > 15 || n_seen == 64)
            continue;
        char term[16];
        term[0] = GZ_FIELD_GRAM;
        memcpy(term + 1, t[i].text, t[i].len);
        term[t[i].len + 1] = 0;
        int dup = 0;
        for (size_t k = 0; k < n_seen && !dup; k++)
            dup = strcmp(seen[k], term) == 0;
        if (dup)
            continue;
        memcpy(seen[n_seen++], term, sizeof term);
        gz_terminfo ti[n_seg + 1];
        double df = 0;
        for (size_t s = 0; s < n_seg; s++) {
            int found;
            if (gz_segment_term(b->snap->seg[s], term, t[i].len + 1, &found, &ti[s]) != GZ_OK || !found)
                ti[s].df = 0;
            df += ti[s].df;
        }
        if (!df)
            continue;
        double N = (double)b->snap->n_units, idf = log(1 + (N - df + 0.5) / (df + 0.5));
        for (size_t s = 0; s < n_seg; s++) {
            gz_post p;
            if (!ti[s].df || gz_post_open(&p, b->snap->seg[s], &ti[s]) != GZ_OK)
                continue;
            for (; p.unit != GZ_POST_END; gz_post_next(&p)) {
                double tf = p.tf, len = b->len[s][p.unit];
                b->acc[s][p.unit] += (float)(idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len / b->avg)));
            }
            gz_post_fini(&p);
        }
    }
    /* the best TOP, by a plain scan (and the accumulators cleared) */
    size_t k = 0;
    for (size_t s = 0; s < n_seg; s++) {
        uint32_t nu = b->snap->man.seg[s].n_units;
        for (uint32_t u = 0; u < nu; u++) {
            float v = b->acc[s][u];
            if (v <= 0)
                continue;
            b->acc[s][u] = 0;
            scored x = {v, (uint64_t)b->snap->man.seg[s].id << 32 | u};
            if (k < TOP) {
                out[k++] = x;
                if (k == TOP)
                    qsort(out, k, sizeof *out, cmp_scored);
            } else if (cmp_scored(&x, &out[TOP - 1]) < 0) {
                size_t j = TOP - 1;
                while (j > 0 && cmp_scored(&x, &out[j - 1]) < 0) {
                    out[j] = out[j - 1];
                    j--;
                }
                out[j] = x;
            }
        }
    }
    if (k < TOP)
        qsort(out, k, sizeof *out, cmp_scored);
    return k;
}

/* ------------------------------------------------------------- scoring */

typedef struct figures {
    double mrr, r10, r100;
} figures;

/* The figures of one ranked list for question qid's judged articles
 * j[0..nj): the ids of units (ids), or the hits of a page (hits). */
static figures judge(const gz_snapshot *snap, const uint64_t *ids, const gazette_hit *hits, size_t n,
                     const judged *j, size_t nj)
{
    figures f = {0, 0, 0};
    char found10[64] = {0}, found100[64] = {0};
    for (size_t r = 0; r < n && r < TOP; r++) {
        const char *source, *label;
        if (hits) {
            source = hits[r].doc.source, label = hits[r].unit.label;
        } else {
            uint32_t seg_id = (uint32_t)(ids[r] >> 32), unit = (uint32_t)ids[r];
            const gz_segment *seg = NULL;
            for (size_t s = 0; s < snap->man.n_seg && !seg; s++)
                if (snap->man.seg[s].id == seg_id)
                    seg = snap->seg[s];
            gz_unitinfo ui;
            gz_docinfo di;
            if (!seg || gz_segment_unit(seg, unit, &ui) != GZ_OK || gz_segment_doc(seg, ui.doc, &di) != GZ_OK)
                continue;
            source = di.source, label = ui.label;
        }
        int64_t num, sub;
        if (!source || !label || !article_key(label, &num, &sub))
            continue;
        for (size_t k = 0; k < nj && k < 64; k++) {
            if (j[k].number != num || j[k].sub != sub || strcmp(j[k].file, source) != 0)
                continue;
            if (r < 10 && !f.mrr)
                f.mrr = 1.0 / (double)(r + 1);
            found10[k] |= r < 10;
            found100[k] = 1;
        }
    }
    for (size_t k = 0; k < nj && k < 64; k++) {
        f.r10 += found10[k];
        f.r100 += found100[k];
    }
    f.r10 /= (double)nj;
    f.r100 /= (double)nj;
    return f;
}


/* -------------------------------------------------------- --expansions */

/* The thesaurus pairs used ("老公→配偶") and in how many questions each. */
typedef struct fired {
    char **pair;
    size_t *count, n, cap;
} fired;

static void fired_add(fired *f, sr_index *ix, const char *text)
{
    sr_request rq = {.query = text, .n = 1};
    sr_arena a;
    gazette_page page;
    gz_error err;
    sr_arena_init(&a);
    if (sr_search(ix, &rq, &a, &page, &err) == GZ_OK) {
        for (size_t e = 0; e < page.reading.n_expanded; e++) {
            size_t k = 0;
            while (k < f->n && strcmp(f->pair[k], page.reading.expanded[e]) != 0)
                k++;
            if (k == f->n) {
                if (f->n == f->cap) {
                    f->cap = f->cap ? 2 * f->cap : 64;
                    f->pair = realloc(f->pair, f->cap * sizeof *f->pair);
                    f->count = realloc(f->count, f->cap * sizeof *f->count);
                }
                f->pair[f->n] = strdup(page.reading.expanded[e]);
                f->count[f->n++] = 0;
            }
            f->count[k]++;
        }
    }
    sr_arena_fini(&a);
}

/* Prints the pairs, most used first, and frees them. */
static void fired_print(fired *f)
{
    size_t total = 0;
    for (size_t i = 0; i < f->n; i++)
        total += f->count[i];
    printf("# expansions: %zu pairs used %zu times\n", f->n, total);
    for (size_t done = 0; done < f->n; done++) {
        size_t best = done;
        for (size_t k = done + 1; k < f->n; k++)
            if (f->count[k] > f->count[best])
                best = k;
        char *p = f->pair[best];
        size_t c = f->count[best];
        f->pair[best] = f->pair[done], f->count[best] = f->count[done];
        printf("# expansion\t%zu\t%s\n", c, p);
        free(p);
    }
    free(f->pair);
    free(f->count);
}

/* ------------------------------------------------------------ --wasted */

static size_t law_stem(const char *path, char *out, size_t cap);

/* How many of ids[0..n) have the same text as a hit ranked above them (a
 * version of the law, the law in another collection, repeated words): the
 * slots of the top 100 that show nothing new. */
static size_t wasted_slots(const gz_snapshot *snap, const uint64_t *ids, size_t n, gz_textctx **ctx,
                           size_t *same_article)
{
    uint64_t h[TOP], a[TOP];
    size_t wasted = 0;
    gz_buf t;
    gz_buf_init(&t);
    for (size_t r = 0; r < n && r < TOP; r++) {
        uint32_t seg_id = (uint32_t)(ids[r] >> 32), unit = (uint32_t)ids[r];
        h[r] = r + 1; /* unreadable: unique */
        for (size_t s = 0; s < snap->man.n_seg; s++) {
            gz_unitinfo ui;
            if (snap->man.seg[s].id != seg_id || gz_segment_unit(snap->seg[s], unit, &ui) != GZ_OK ||
                gz_segment_text_range(snap->seg[s], ui.doc, ui.start, ui.end, &t, ctx) != GZ_OK)
                continue;
            uint64_t x = 1469598103934665603ull; /* FNV-1a */
            for (size_t k = 0; k < t.len; k++)
                x = (x ^ (unsigned char)t.data[k]) * 1099511628211ull;
            h[r] = x | 1ull << 63;
            gz_docinfo di;
            char stem[256];
            a[r] = r + 1;
            if (ui.number >= 0 && gz_segment_doc(snap->seg[s], ui.doc, &di) == GZ_OK) {
                size_t sl = law_stem(di.source, stem, sizeof stem);
                x = 1469598103934665603ull;
                for (size_t k = 0; k < sl; k++)
                    x = (x ^ (unsigned char)stem[k]) * 1099511628211ull;
                a[r] = (x ^ (uint64_t)ui.number * 0x9E3779B97F4A7C15ull ^ ui.sub) | 1ull << 63;
            }
        }
        for (size_t k = 0; k < r; k++)
            if (h[k] == h[r]) {
                wasted++;
                break;
            }
        for (size_t k = 0; k < r; k++)
            if (a[k] == a[r]) {
                ++*same_article;
                break;
            }
    }
    gz_buf_fini(&t);
    return wasted;
}

/* ------------------------------------------------------------ --misses */

/* The law a file holds, whatever its version: the path less "(date)" and
 * ".md" (刑法/刑法.md and 社会法/劳动合同法(2012-12-28).md: their names). */
static size_t law_stem(const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strcspn(base, "(.");
    n = n < cap - 1 ? n : cap - 1;
    memcpy(out, base, n);
    out[n] = 0;
    return n;
}

/* Whether file holds article (number, sub) in the index. */
static int article_indexed(const gz_snapshot *snap, const char *file, int64_t number, int64_t sub)
{
    for (size_t s = 0; s < snap->man.n_seg; s++) {
        const gz_segment *seg = snap->seg[s];
        for (uint32_t u = 0; u < snap->man.seg[s].n_units; u++) {
            gz_unitinfo ui;
            gz_docinfo di;
            int64_t num, sb;
            if (gz_segment_unit(seg, u, &ui) != GZ_OK || !article_key(ui.label, &num, &sb) || num != number ||
                sb != sub || gz_segment_doc(seg, ui.doc, &di) != GZ_OK)
                continue;
            if (strcmp(di.source, file) == 0)
                return 1;
        }
    }
    return 0;
}

/* For a question with no judged article in the top 100: counts of its
 * judged articles absent from the index (a mapping bug), found in the top
 * 100 in another version of the same law (by name), or whose file shows
 * in the top 100 at some other article. */
typedef struct miss_counts {
    size_t questions, judged, absent, other_version, same_file;
} miss_counts;

static void miss_classify(const gz_snapshot *snap, const uint64_t *ids, size_t n, const judged *j, size_t nj,
                          miss_counts *mc)
{
    mc->questions++;
    for (size_t k = 0; k < nj; k++) {
        mc->judged++;
        if (!article_indexed(snap, j[k].file, j[k].number, j[k].sub)) {
            mc->absent++;
            fprintf(stderr, "# not indexed: %s %lld\n", j[k].file, (long long)j[k].number);
        }
        char stem[256], hs[256];
        law_stem(j[k].file, stem, sizeof stem);
        int other = 0, same = 0;
        for (size_t r = 0; r < n; r++) {
            uint32_t seg_id = (uint32_t)(ids[r] >> 32), unit = (uint32_t)ids[r];
            for (size_t s = 0; s < snap->man.n_seg; s++) {
                gz_unitinfo ui;
                gz_docinfo di;
                int64_t num, sb;
                if (snap->man.seg[s].id != seg_id || gz_segment_unit(snap->seg[s], unit, &ui) != GZ_OK ||
                    gz_segment_doc(snap->seg[s], ui.doc, &di) != GZ_OK)
                    continue;
                if (strcmp(di.source, j[k].file) == 0) {
                    same = 1;
                    continue;
                }
                law_stem(di.source, hs, sizeof hs);
                if (strcmp(hs, stem) == 0 && article_key(ui.label, &num, &sb) && num == j[k].number &&
                    sb == j[k].sub) {
                    other = 1;
                    fprintf(stderr, "# other version: %s for %s %lld\n", di.source, j[k].file,
                            (long long)j[k].number);
                }
            }
        }
        mc->other_version += other;
        mc->same_file += same;
    }
}

/* ------------------------------------------------------------- --ranks */

#define RANKS_N 300

/* Where the judged articles rank in the top 300, and what the units at
 * ranks 61-100 are (kind, length, whether their file holds a judged
 * article) beside the judged ones at 101-150: what keeps a judged article
 * just out of the top 100. */
typedef struct rank_stats {
    size_t at[8]; /* judged at 1-10, 11-50, 51-100, 101-120, 121-150, 151-200, 201-300, further */
    size_t kind60[GZ_KIND__COUNT], kindj[GZ_KIND__COUNT];
    size_t n60, jfile60, short60, nj, short_j, jfile_j;
    double len60, lenj;
} rank_stats;

/* A ranked unit's file, article key, kind and length. */
typedef struct rank_unit {
    char src[160];
    int64_t num, sub;
    uint32_t kind, len;
} rank_unit;

static void rank_unit_read(const gz_snapshot *snap, uint64_t id, rank_unit *x)
{
    uint32_t seg_id = (uint32_t)(id >> 32), unit = (uint32_t)id;
    memset(x, 0, sizeof *x);
    x->num = -1;
    for (size_t s = 0; s < snap->man.n_seg; s++) {
        gz_unitinfo ui;
        gz_docinfo di;
        if (snap->man.seg[s].id != seg_id || gz_segment_unit(snap->seg[s], unit, &ui) != GZ_OK ||
            gz_segment_doc(snap->seg[s], ui.doc, &di) != GZ_OK)
            continue;
        snprintf(x->src, sizeof x->src, "%s", di.source);
        if (!article_key(ui.label, &x->num, &x->sub))
            x->num = -1;
        x->kind = ui.kind < GZ_KIND__COUNT ? ui.kind : 0, x->len = ui.len;
    }
}

/* Question id's judged articles j[0..nj) in its top 300: counted, and
 * each at 101-300 printed with the rank of its file's first unit
 * and its score over the 100th's (up to 300). */
static void ranks_one(sr_index *ix, const gz_snapshot *snap, const char *text, int id, const judged *j, size_t nj,
                      rank_stats *rs)
{
    sr_request rq = {.query = text, .n = RANKS_N};
    sr_top top;
    gz_error err;
    static rank_unit u[RANKS_N];
    if (sr_search_top(ix, &rq, &top, &err) != GZ_OK)
        return;
    size_t n = top.n < RANKS_N ? top.n : RANKS_N;
    for (size_t r = 0; r < n; r++)
        rank_unit_read(snap, top.hit[r].id, &u[r]);
    for (size_t k = 0; k < nj; k++) {
        size_t r = 0, fr = 0;
        while (r < n && !(u[r].num == j[k].number && u[r].sub == j[k].sub && strcmp(u[r].src, j[k].file) == 0))
            r++;
        while (fr < n && strcmp(u[fr].src, j[k].file) != 0)
            fr++;
        int b = r >= n ? 7 : r < 10 ? 0 : r < 50 ? 1 : r < 100 ? 2 : r < 120 ? 3 : r < 150 ? 4 : r < 200 ? 5 : 6;
        rs->at[b]++;
        if (b == 3 || b == 4) {
            rs->nj++, rs->kindj[u[r].kind]++, rs->lenj += u[r].len, rs->short_j += u[r].len < 30;
            rs->jfile_j += fr < 100;
        }
        if (b >= 3 && b < 7)
            printf("# ranks\t%d\t%s\t%lld\tat %zu\tfile at %zu\tscore/100th %.3f\t%s\n", id, j[k].file,
                   (long long)j[k].number, r + 1, fr + 1, n >= 100 ? top.hit[r].score / top.hit[99].score : 0,
                   text);
    }
    for (size_t r = 60; r < n && r < 100; r++) {
        int jf = 0;
        for (size_t k = 0; k < nj && !jf; k++)
            jf = strcmp(u[r].src, j[k].file) == 0;
        rs->n60++, rs->kind60[u[r].kind]++, rs->len60 += u[r].len, rs->short60 += u[r].len < 30, rs->jfile60 += jf;
    }
    sr_top_fini(&top);
}

static void ranks_print(const rank_stats *rs)
{
    printf("# ranks: judged at 1-10 %zu, 11-50 %zu, 51-100 %zu, 101-120 %zu, 121-150 %zu, 151-200 %zu, 201-300 %zu, "
           "further %zu\n",
           rs->at[0], rs->at[1], rs->at[2], rs->at[3], rs->at[4], rs->at[5], rs->at[6], rs->at[7]);
    printf("# ranks 61-100: %zu units, mean length %.1f, %zu shorter than 30, %zu in a judged article's file\n", rs->n60,
           rs->len60 / (double)(rs->n60 ? rs->n60 : 1), rs->short60, rs->jfile60);
    printf("# judged at 101-150: %zu, mean length %.1f, %zu shorter than 30, %zu whose file is in the top 100\n",
           rs->nj, rs->lenj / (double)(rs->nj ? rs->nj : 1), rs->short_j, rs->jfile_j);
    for (int k = 0; k < GZ_KIND__COUNT; k++)
        if (rs->kind60[k] || rs->kindj[k])
            printf("# ranks 61-100 of kind %s: %zu (judged at 101-150: %zu)\n", gz_kind_name(k), rs->kind60[k],
                   rs->kindj[k]);
}

int main(int argc, char **argv)
{
    const char *dir = NULL, *eval = getenv("GAZETTE_EVAL") ? getenv("GAZETTE_EVAL") : "../shared/eval/stard-dev";
    int show = 0, dump = 0, ranks = 0, misses = 0, expansions = 0, wasted = 0, page = 0;
    figures pg = {0, 0, 0};
    size_t n_wasted = 0, most_wasted = 0, n_same_article = 0;
    gz_textctx *tctx = NULL;
    fired fi = {0};
    miss_counts mc = {0};
    rank_stats rs = {0};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--index") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strcmp(argv[i], "--eval") == 0 && i + 1 < argc)
            eval = argv[++i];
        else if (strcmp(argv[i], "--show") == 0 && i + 1 < argc)
            show = atoi(argv[++i]);
        else if (strcmp(argv[i], "--dump") == 0)
            dump = 1;
        else if (strcmp(argv[i], "--ranks") == 0)
            ranks = 1;
        else if (strcmp(argv[i], "--misses") == 0)
            misses = 1;
        else if (strcmp(argv[i], "--expansions") == 0)
            expansions = 1;
        else if (strcmp(argv[i], "--wasted") == 0)
            wasted = 1;
        else if (strcmp(argv[i], "--page") == 0)
            page = 1;
        else {
            fprintf(stderr, "usage: bench_quality --index DIR [--eval DIR] [--show K] [--dump] [--ranks] [--misses] [--expansions] [--wasted] [--page]\n");
            return 2;
        }
    }
    if (!dir) {
        fprintf(stderr, "usage: bench_quality --index DIR [--eval DIR] [--show K] [--dump] [--ranks] [--misses] [--expansions] [--wasted] [--page]\n");
        return 2;
    }
    char path[4096];
    char **qrows, **jrows;
    snprintf(path, sizeof path, "%s/questions.tsv", eval);
    size_t nq = read_tsv(path, 2, &qrows);
    snprintf(path, sizeof path, "%s/qrels.tsv", eval);
    size_t nj = read_tsv(path, 3, &jrows);
    judged *j = calloc(nj + 1, sizeof *j);
    for (size_t i = 0; i < nj; i++) {
        j[i].id = atoi(jrows[3 * i]);
        j[i].file = jrows[3 * i + 1];
        if (!article_key(jrows[3 * i + 2], &j[i].number, &j[i].sub))
            j[i].number = -1;
    }
    gz_error err = {0};
    base_ix b = {0};
    sr_index *ix;
    an_analyzer *an;
    if (gz_snapshot_open(dir, &b.snap, &err) != GZ_OK || sr_index_open(dir, &ix, &err) != GZ_OK ||
        an_analyzer_open(&an, &err) != GZ_OK) {
        fprintf(stderr, "bench_quality: %s\n", err.msg);
        return 1;
    }
    size_t n_seg = b.snap->man.n_seg;
    b.len = calloc(n_seg, sizeof *b.len);
    b.acc = calloc(n_seg, sizeof *b.acc);
    b.avg = b.snap->n_units ? (double)b.snap->n_positions / (double)b.snap->n_units : 1;
    for (size_t s = 0; s < n_seg; s++) {
        uint32_t nu = b.snap->man.seg[s].n_units;
        b.len[s] = calloc(nu + 1, sizeof **b.len);
        b.acc[s] = calloc(nu + 1, sizeof **b.acc);
        for (uint32_t u = 0; u < nu; u++) {
            gz_unitinfo ui;
            b.len[s][u] = gz_segment_unit(b.snap->seg[s], u, &ui) == GZ_OK && ui.len ? ui.len : 1;
        }
    }
    figures lib = {0, 0, 0}, base = {0, 0, 0};
    /* the same figures on the questions of odd and of even id: a gain seen
     * on both halves is not one half's luck */
    figures half[2] = {{0, 0, 0}, {0, 0, 0}};
    size_t n_half[2] = {0, 0};
    double *lib_mrr = calloc(nq + 1, sizeof *lib_mrr), *ms = calloc(nq + 1, sizeof *ms);
    size_t used = 0;
    scored bs[TOP];
    uint64_t ids[TOP];
    for (size_t q = 0; q < nq; q++) {
        int id = atoi(qrows[2 * q]);
        const char *text = qrows[2 * q + 1];
        size_t first = 0, cnt = 0;
        while (first < nj && j[first].id != id)
            first++;
        while (first + cnt < nj && j[first + cnt].id == id)
            cnt++;
        if (!cnt)
            continue;
        sr_request rq = {.query = text, .n = TOP};
        sr_top top;
        double t0 = bu_now();
        if (sr_search_top(ix, &rq, &top, &err) != GZ_OK) {
            fprintf(stderr, "bench_quality: %s: %s\n", text, err.msg);
            return 1;
        }
        ms[used] = (bu_now() - t0) * 1e3;
        for (size_t k = 0; k < top.n && k < TOP; k++)
            ids[k] = top.hit[k].id;
        figures fl = judge(b.snap, ids, NULL, top.n < TOP ? top.n : TOP, j + first, cnt);
        if (expansions)
            fired_add(&fi, ix, text);
        if (page) { /* the page a person reads, every hit of a document */
            sr_request prq = {.query = text, .n = TOP, .all_in_document = 1};
            sr_arena a;
            gazette_page pp;
            sr_arena_init(&a);
            if (sr_search(ix, &prq, &a, &pp, &err) != GZ_OK) {
                fprintf(stderr, "bench_quality: %s: %s\n", text, err.msg);
                return 1;
            }
            figures fp = judge(b.snap, NULL, pp.hits, pp.n_hits, j + first, cnt);
            pg.mrr += fp.mrr, pg.r10 += fp.r10, pg.r100 += fp.r100;
            sr_arena_fini(&a);
        }
        if (wasted) {
            size_t w = wasted_slots(b.snap, ids, top.n < TOP ? top.n : TOP, &tctx, &n_same_article);
            n_wasted += w;
            most_wasted = w > most_wasted ? w : most_wasted;
        }
        if (ranks)
            ranks_one(ix, b.snap, text, id, j + first, cnt, &rs);
        if (misses && fl.r100 == 0)
            miss_classify(b.snap, ids, top.n < TOP ? top.n : TOP, j + first, cnt, &mc);
        sr_top_fini(&top);
        size_t nb = baseline(&b, an, text, bs);
        for (size_t k = 0; k < nb; k++)
            ids[k] = bs[k].id;
        figures fb = judge(b.snap, ids, NULL, nb, j + first, cnt);
        lib.mrr += fl.mrr, lib.r10 += fl.r10, lib.r100 += fl.r100;
        base.mrr += fb.mrr, base.r10 += fb.r10, base.r100 += fb.r100;
        half[id & 1].mrr += fl.mrr, half[id & 1].r10 += fl.r10, half[id & 1].r100 += fl.r100;
        n_half[id & 1]++;
        lib_mrr[q] = fl.mrr - fb.mrr;
        if (dump)
            printf("# %d\t%.3f\t%.3f\t%.3f\t%.3f\t%s\n", id, fl.mrr, fl.r100, fb.mrr, fb.r100, text);
        used++;
    }
    for (int k = 0; k < show; k++) { /* the questions where the library loses most */
        size_t w = 0;
        for (size_t q = 1; q < nq; q++)
            if (lib_mrr[q] < lib_mrr[w])
                w = q;
        if (lib_mrr[w] >= 0)
            break;
        fprintf(stderr, "# worse than baseline by %.3f: %s\t%s\n", -lib_mrr[w], qrows[2 * w], qrows[2 * w + 1]);
        lib_mrr[w] = 1;
    }
    double d = used ? (double)used : 1, p50, p99;
    bu_percentiles(ms, used, &p50, &p99);
    printf("# index %s, questions %s: %zu questions, %zu judged articles\n", dir, eval, used, nj);
    printf("system\tMRR@10\tR@10\tR@100\n");
    printf("gazette\t%.3f\t%.3f\t%.3f\n", lib.mrr / d, lib.r10 / d, lib.r100 / d);
    printf("baseline_bm25_bigrams\t%.3f\t%.3f\t%.3f\n", base.mrr / d, base.r10 / d, base.r100 / d);
    if (page)
        printf("gazette_page\t%.3f\t%.3f\t%.3f\n", pg.mrr / d, pg.r10 / d, pg.r100 / d);
    for (int h = 0; h < 2; h++) {
        double dh = n_half[h] ? (double)n_half[h] : 1;
        printf("gazette_%s_ids\t%.3f\t%.3f\t%.3f\n", h ? "odd" : "even", half[h].mrr / dh, half[h].r10 / dh,
               half[h].r100 / dh);
    }
    printf("# gazette/baseline MRR@10: %.2fx; gazette top-100 latency p50 %.2f ms, p99 %.2f ms\n",
           base.mrr > 0 ? lib.mrr / base.mrr : 0, p50, p99);
    if (expansions)
        fired_print(&fi);
    if (ranks)
        ranks_print(&rs);
    if (wasted)
        printf("# wasted: %.1f of the top 100 a question (at most %zu) have the text of a hit above them\n",
               (double)n_wasted / d, most_wasted);
    if (wasted)
        printf("# wasted: %.1f of the top 100 a question are an article (law by file name, number) above them\n",
               (double)n_same_article / d);
    gz_textctx_close(tctx);
    if (misses)
        printf("# misses: %zu questions with no judged article in the top 100, %zu judged articles: %zu not in "
               "the index, %zu in the top 100 in another version of the law, %zu whose file is in the top 100\n",
               mc.questions, mc.judged, mc.absent, mc.other_version, mc.same_file);
    for (size_t s = 0; s < n_seg; s++) {
        free(b.len[s]);
        free(b.acc[s]);
    }
    free(b.len);
    free(b.acc);
    free(lib_mrr);
    free(ms);
    for (size_t i = 0; i < 2 * nq; i++)
        free(qrows[i]);
    for (size_t i = 0; i < 3 * nj; i++)
        free(jrows[i]);
    free(qrows);
    free(jrows);
    free(j);
    an_analyzer_close(an);
    sr_index_close(ix);
    gz_snapshot_close(b.snap);
    return 0;
}
