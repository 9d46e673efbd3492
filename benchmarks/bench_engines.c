/* benchmarks/bench_engines.c: Gazette beside SQLite FTS5 on the same units,
 * in the same run. The units are the ones Gazette indexed (articles,
 * paragraphs, table rows), exported from its snapshot, so every engine
 * answers over the same texts. Engines: Gazette; FTS5 with the trigram
 * tokenizer (substring search, the closest to grep); FTS5 unicode61 over
 * text segmented by ICU (a word index). A fixed query set drawn with a
 * seeded RNG: single words (2 characters, in four frequency bands), AND of
 * two, phrases of 4-10 characters, long questions, article lookups (a real
 * article's title and label). For each
 * engine: build time, index size, query p50/p99 per class (top-10, warm),
 * matches, and recall against grep for substring queries. Prints one table
 * of ratios against Gazette. Usage: bench_engines --corpus DIR [--n 100]. */
#include "common/testing.h"
#include "format/format.h"
#include "indexer/indexer.h"
#include "searcher/testing.h"
#include "bench_util.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>
#include <unistd.h>

static uint64_t rng = 0x5DEECE66Dull;
static uint64_t rnd(void) { return bu_rnd(&rng); }
typedef struct units {
    char **text;
    size_t n, cap;
    char **article; /* "title 第N条" of article units */
    size_t n_article;
} units;

/* One unit into u, and its reference if it is a numbered article. */
static void keep_unit(void *arg, const gz_docinfo *di, const gz_unitinfo *ui, char *text)
{
    units *u = arg;
    if (u->n == u->cap) {
        u->cap = u->cap ? 2 * u->cap : 4096;
        u->text = realloc(u->text, u->cap * sizeof *u->text);
        u->article = realloc(u->article, u->cap * sizeof *u->article);
    }
    if (ui->kind == GZ_KIND_ARTICLE && ui->number > 0) {
        char ref[512];
        snprintf(ref, sizeof ref, "%s %s", di->title, ui->label);
        u->article[u->n_article++] = strdup(ref);
    }
    u->text[u->n++] = text;
}

/* The units of Gazette's index, with newlines as blanks. */
static void export_units(const char *dir, units *u) { bu_each_unit(dir, keep_unit, u); }

/* ICU words separated by blanks (for FTS5 unicode61). */
static char *segment(UBreakIterator *bi, const char *s)
{
    size_t len = strlen(s);
    char *out = malloc(len * 2 + 2);
    size_t o = 0;
    UErrorCode ec = U_ZERO_ERROR;
    UText *ut = utext_openUTF8(NULL, s, (int64_t)len, &ec);
    ubrk_setUText(bi, ut, &ec);
    int32_t a = ubrk_first(bi), b;
    while ((b = ubrk_next(bi)) != UBRK_DONE) {
        if (ubrk_getRuleStatus(bi) >= UBRK_WORD_NONE_LIMIT) {
            memcpy(out + o, s + a, (size_t)(b - a));
            o += (size_t)(b - a);
            out[o++] = ' ';
        }
        a = b;
    }
    out[o] = 0;
    utext_close(ut);
    return out;
}

static long dir_bytes(const char *path)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "du -sb '%s' | cut -f1", path);
    FILE *p = popen(cmd, "r");
    long n = 0;
    if (p && fscanf(p, "%ld", &n) != 1)
        n = 0;
    if (p)
        pclose(p);
    return n;
}

enum { C_WORD, C_AND, C_PHRASE, C_QUESTION, C_ARTICLE, C__N };
static const char *const cname[C__N] = {"word", "and2", "phrase", "question", "article"};

typedef struct query {
    int cls;
    char a[256], b[256]; /* the words (b empty unless AND) */
    char text[600];      /* as typed to Gazette */
    size_t grep;         /* units holding it (substring classes) */
} query;

/* A run of `chars` Han characters from a random unit (its length in
 * characters, or 0 when none was found). */
static size_t han_run(const units *u, size_t chars, char *out)
{
    for (int tries = 0; tries < 10000; tries++) {
        const char *t = u->text[rnd() % u->n];
        size_t len = strlen(t);
        if (len && gz_han_run_at(t, len, rnd() % len, chars, out))
            return chars;
    }
    return 0;
}

static size_t grep_count(const units *u, const char *a, const char *b)
{
    size_t n = 0;
    for (size_t i = 0; i < u->n; i++)
        n += strstr(u->text[i], a) && (!*b || strstr(u->text[i], b));
    return n;
}

typedef struct result {
    double build_s;
    long bytes, rss_kb;
    double p50[C__N], p99[C__N];
    double recall;   /* matched / grep over substring queries */
    size_t matched;
} result;

/* ------------------------------------------------------------ Gazette */

static void run_gazette(const char *corpus, const char *dir, query *q, size_t nq, result *r)
{
    ix_options o = {.dir = dir, .threads = 0};
    ix_report rep;
    gz_error err;
    char *paths[] = {(char *)corpus};
    double t0 = bu_now();
    if (ix_index(&o, paths, 1, &rep, &err) != GZ_OK) {
        fprintf(stderr, "%s\n", err.msg);
        exit(1);
    }
    r->build_s = bu_now() - t0;
    r->bytes = dir_bytes(dir);
    sr_index *ix;
    sr_index_open(dir, &ix, &err);
    double *t = malloc(nq * sizeof *t);
    size_t grep_total = 0, found_total = 0;
    gz_buf out;
    gz_buf_init(&out);
    for (int c = 0; c < C__N; c++) {
        size_t k = 0;
        for (size_t i = 0; i < nq; i++) {
            if (q[i].cls != c)
                continue;
            sr_request rq = {.query = q[i].text, .n = 10};
            int amb;
            double a = bu_now();
            out.len = 0;
            if (c == C_ARTICLE)
                sr_article_json(ix, q[i].text, &out, &amb, &err);
            else
                sr_search_json(ix, &rq, &out, &err);
            t[k++] = (bu_now() - a) * 1e3;
            if (c == C_WORD || c == C_PHRASE || c == C_AND) {
                uint64_t *ids;
                size_t n;
                if (sr_search_ids(ix, q[i].text, &ids, &n, &err) == GZ_OK)
                    gz_free(ids);
                grep_total += q[i].grep;
                found_total += n < q[i].grep ? n : q[i].grep;
                r->matched += n;
            }
        }
        bu_percentiles(t, k, &r->p50[c], &r->p99[c]);
    }
    r->recall = grep_total ? (double)found_total / (double)grep_total : 1;
    gz_buf_fini(&out);
    free(t);
    sr_index_close(ix);
}

/* --------------------------------------------------------------- FTS5 */

static void exec(sqlite3 *db, const char *sql)
{
    char *e = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &e) != SQLITE_OK) {
        fprintf(stderr, "sqlite: %s: %s\n", sql, e);
        exit(1);
    }
}

/* An FTS5 string literal: "..." with quotes doubled. */
static void fts_quote(char *out, size_t cap, const char *s)
{
    size_t o = 0;
    out[o++] = '"';
    for (; *s && o + 3 < cap; s++) {
        if (*s == '"')
            out[o++] = '"';
        out[o++] = *s;
    }
    out[o++] = '"';
    out[o] = 0;
}

static size_t han_chars(const char *s)
{
    size_t n = 0;
    for (const char *p = s, *e = s + strlen(s); p < e;)
        n += gz_utf8_next(&p, e) >= 0;
    return n;
}

static void run_fts(int trigram, const units *u, const char *path, query *q, size_t nq, result *r,
                    UBreakIterator *bi)
{
    unlink(path);
    sqlite3 *db;
    sqlite3_open(path, &db);
    exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
    exec(db, trigram ? "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')"
                     : "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61')");
    double t0 = bu_now();
    exec(db, "BEGIN");
    sqlite3_stmt *ins;
    sqlite3_prepare_v2(db, "INSERT INTO t(rowid, x) VALUES(?, ?)", -1, &ins, NULL);
    for (size_t i = 0; i < u->n; i++) {
        char *seg = trigram ? NULL : segment(bi, u->text[i]);
        sqlite3_bind_int64(ins, 1, (sqlite3_int64)i + 1);
        sqlite3_bind_text(ins, 2, seg ? seg : u->text[i], -1, SQLITE_TRANSIENT);
        sqlite3_step(ins);
        sqlite3_reset(ins);
        free(seg);
    }
    sqlite3_finalize(ins);
    exec(db, "COMMIT");
    exec(db, "INSERT INTO t(t) VALUES('optimize')");
    r->build_s = bu_now() - t0;
    sqlite3_close(db);
    struct stat st;
    r->bytes = stat(path, &st) == 0 ? (long)st.st_size : 0;
    sqlite3_open(path, &db);
    double *t = malloc(nq * sizeof *t);
    size_t grep_total = 0, found_total = 0;
    for (int c = 0; c < C__N; c++) {
        size_t k = 0;
        for (size_t i = 0; i < nq; i++) {
            if (q[i].cls != c)
                continue;
            /* the query in this engine's syntax; substring search in the
             * trigram table needs 3 characters: shorter words use LIKE */
            char sql[2048], qa[600], qb[600];
            const char *a = q[i].a, *b = q[i].b;
            if (trigram) {
                /* fewer than 3 characters: FTS5 3.40 answers LIKE with no
                 * rows at all, so do what a user would: scan with instr() */
                if (han_chars(a) < 3 || (*b && han_chars(b) < 3))
                    snprintf(sql, sizeof sql, "SELECT rowid FROM t WHERE instr(x, '%s') > 0%s%s%s", a,
                             *b ? " AND instr(x, '" : "", b, *b ? "') > 0" : "");
                else {
                    fts_quote(qa, sizeof qa, a);
                    fts_quote(qb, sizeof qb, b);
                    snprintf(sql, sizeof sql, "SELECT rowid FROM t WHERE t MATCH '%s%s%s' ORDER BY rank", qa,
                             *b ? " AND " : "", *b ? qb : "");
                }
            } else {
                char *sa = segment(bi, a), *sb = *b ? segment(bi, b) : NULL;
                fts_quote(qa, sizeof qa, sa);
                if (sb)
                    fts_quote(qb, sizeof qb, sb);
                /* questions and article references: the words as FTS5 reads
                 * blanks, all of them (its default syntax) */
                if (c == C_QUESTION || c == C_ARTICLE)
                    snprintf(sql, sizeof sql, "SELECT rowid FROM t WHERE t MATCH '%s' ORDER BY rank",
                             strlen(sa) ? sa : "x");
                else
                    snprintf(sql, sizeof sql, "SELECT rowid FROM t WHERE t MATCH '%s%s%s' ORDER BY rank", qa,
                             sb ? " AND " : "", sb ? qb : "");
                free(sa);
                free(sb);
            }
            /* count all matches, time the top 10 */
            sqlite3_stmt *stm;
            double t_a = bu_now();
            size_t n = 0;
            if (sqlite3_prepare_v2(db, sql, -1, &stm, NULL) == SQLITE_OK) {
                while (sqlite3_step(stm) == SQLITE_ROW && ++n < 10)
                    ;
                t[k++] = (bu_now() - t_a) * 1e3;
                while (sqlite3_step(stm) == SQLITE_ROW)
                    n++;
                sqlite3_finalize(stm);
            } else {
                t[k++] = (bu_now() - t_a) * 1e3;
            }
            if (c == C_WORD || c == C_PHRASE || c == C_AND) {
                grep_total += q[i].grep;
                found_total += n < q[i].grep ? n : q[i].grep;
                r->matched += n;
            }
        }
        bu_percentiles(t, k, &r->p50[c], &r->p99[c]);
    }
    r->recall = grep_total ? (double)found_total / (double)grep_total : 1;
    free(t);
    sqlite3_close(db);
}

/* Runs one engine in a child process, so its peak RSS is its own. */
typedef struct engine_args {
    int which;
    const char *corpus, *path;
    const units *u;
    query *q;
    size_t nq;
} engine_args;

static void run_engine(const engine_args *a, result *r)
{
    int fd[2];
    if (pipe(fd) != 0)
        exit(1);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        result res = {0};
        UErrorCode ec = U_ZERO_ERROR;
        UBreakIterator *bi = ubrk_open(UBRK_WORD, "zh", NULL, 0, &ec);
        if (a->which == 0)
            run_gazette(a->corpus, a->path, a->q, a->nq, &res);
        else
            run_fts(a->which == 1, a->u, a->path, a->q, a->nq, &res, bi);
        ubrk_close(bi);
        if (write(fd[1], &res, sizeof res) != (ssize_t)sizeof res)
            _exit(1);
        _exit(0);
    }
    close(fd[1]);
    if (read(fd[0], r, sizeof *r) != (ssize_t)sizeof *r)
        memset(r, 0, sizeof *r);
    close(fd[0]);
    int st;
    struct rusage ru;
    wait4(pid, &st, 0, &ru);
    r->rss_kb = ru.ru_maxrss;
}

/* Xapian, through its C++ helper next to this program, if it was built. */
static int run_xapian(const char *self, const char *dir, const units *u, const query *q, size_t nq, result *r)
{
    char helper[4200], upath[4200], qpath[4200], db[4200];
    snprintf(helper, sizeof helper, "%.*s/bench_xapian", (int)(strrchr(self, '/') ? strrchr(self, '/') - self : 1),
             strrchr(self, '/') ? self : ".");
    if (access(helper, X_OK) != 0)
        return 0;
    snprintf(upath, sizeof upath, "%s/units.txt", dir);
    snprintf(qpath, sizeof qpath, "%s/queries.tsv", dir);
    snprintf(db, sizeof db, "%s/xapian", dir);
    FILE *f = fopen(upath, "w");
    for (size_t i = 0; i < u->n; i++)
        fprintf(f, "%s\n", u->text[i]);
    fclose(f);
    f = fopen(qpath, "w");
    for (size_t i = 0; i < nq; i++)
        fprintf(f, "%d\t%zu\t%s\t%s\t%s\n", q[i].cls, q[i].grep, q[i].a, q[i].b, q[i].text);
    fclose(f);
    int fd[2];
    if (pipe(fd) != 0)
        return 0;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        execl(helper, helper, upath, qpath, db, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    char line[4096] = "";
    FILE *in = fdopen(fd[0], "r");
    if (!fgets(line, sizeof line, in))
        line[0] = 0;
    fclose(in);
    int st;
    struct rusage ru;
    wait4(pid, &st, 0, &ru);
    r->rss_kb = ru.ru_maxrss;
    size_t matched;
    int n = sscanf(line, "%lf %ld %lf %lf %lf %lf %lf %lf %lf %lf %lf %lf %zu %lf", &r->build_s, &r->bytes,
                   &r->p50[0], &r->p99[0], &r->p50[1], &r->p99[1], &r->p50[2], &r->p99[2], &r->p50[3], &r->p99[3],
                   &r->p50[4], &r->p99[4], &matched, &r->recall);
    r->matched = matched;
    return n == 14;
}

int main(int argc, char **argv)
{
    const char *corpus = "sample";
    int per_class = 100;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--corpus") == 0 && i + 1 < argc)
            corpus = argv[++i];
        else if (strcmp(argv[i], "--n") == 0 && i + 1 < argc)
            per_class = atoi(argv[++i]);
    }
    char tmp[] = "/tmp/gz-engines-XXXXXX";
    mkdtemp(tmp);
    char gz_dir[4200], tri[4200], uni[4200];
    snprintf(gz_dir, sizeof gz_dir, "%s/gazette", tmp);
    snprintf(tri, sizeof tri, "%s/fts5-trigram.db", tmp);
    snprintf(uni, sizeof uni, "%s/fts5-unicode61.db", tmp);

    result rg = {0}, rt = {0}, ru = {0};
    /* Gazette first: its units are everyone's units */
    query *q = calloc((size_t)per_class * C__N, sizeof *q);
    units u = {0};
    {
        ix_options o = {.dir = gz_dir, .threads = 0};
        ix_report rep;
        gz_error err;
        char *paths[] = {(char *)corpus};
        double t0 = bu_now();
        if (ix_index(&o, paths, 1, &rep, &err) != GZ_OK) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        rg.build_s = bu_now() - t0;
        export_units(gz_dir, &u);
    }
    size_t nq = 0;
    static const char *const qw[] = {"什么", "如何", "是否", "哪些"};
    for (int c = 0; c < C__N; c++)
        for (int i = 0; i < per_class; i++) {
            query *x = &q[nq++];
            x->cls = c;
            switch (c) {
            case C_WORD: {
                /* four frequency bands, a quarter of the words each: units
                 * holding it >= 1000, 100-999, 10-99, 1-9 */
                static const size_t lo[4] = {1000, 100, 10, 1}, hi[4] = {SIZE_MAX, 999, 99, 9};
                int band = i % 4;
                for (int tries = 0; tries < 400; tries++) {
                    han_run(&u, 2, x->a);
                    x->grep = grep_count(&u, x->a, "");
                    if (x->grep >= lo[band] && x->grep <= hi[band])
                        break;
                }
                snprintf(x->text, sizeof x->text, "%s", x->a);
                break;
            }
            case C_AND:
                han_run(&u, 2, x->a);
                han_run(&u, 2, x->b);
                snprintf(x->text, sizeof x->text, "%s %s", x->a, x->b);
                break;
            case C_PHRASE: han_run(&u, 4 + rnd() % 7, x->a); snprintf(x->text, sizeof x->text, "%s", x->a); break;
            case C_QUESTION: {
                char run[200];
                han_run(&u, 12, run);
                snprintf(x->a, sizeof x->a, "%s%s", run, qw[rnd() % 4]);
                snprintf(x->text, sizeof x->text, "%s？", x->a);
                break;
            }
            default: {
                /* a real article: its document's title and its label */
                const char *ref = u.n_article ? u.article[rnd() % u.n_article] : "第一条";
                snprintf(x->a, sizeof x->a, "%s", ref);
                snprintf(x->text, sizeof x->text, "%s", ref);
            }
            }
            if (c == C_WORD || c == C_AND || c == C_PHRASE)
                x->grep = grep_count(&u, x->a, x->b);
        }
    /* each engine in its own process: build, size, queries, peak RSS */
    char again[4200];
    snprintf(again, sizeof again, "%s/gazette2", tmp);
    engine_args ea[3] = {{0, corpus, again, &u, q, nq}, {1, corpus, tri, &u, q, nq}, {2, corpus, uni, &u, q, nq}};
    run_engine(&ea[0], &rg);
    run_engine(&ea[1], &rt);
    run_engine(&ea[2], &ru);
    result rx = {0};
    int have_xapian = run_xapian(argv[0], tmp, &u, q, nq, &rx);
    long raw = dir_bytes(corpus);
    printf("# %s: %.1f MB raw, %zu units, %d queries a class (seeded), top-10, warm; %s\n", corpus, raw / 1e6, u.n,
           per_class, sqlite3_libversion());
    printf("engine\tbuild_s\tx_gazette\tindex_MB\tx_raw\tpeak_rss_MB");
    for (int c = 0; c < C__N; c++)
        printf("\t%s_p50_ms\t%s_p99_ms", cname[c], cname[c]);
    printf("\tmatches\trecall_vs_grep\n");
    result *rs[4] = {&rg, &rt, &ru, &rx};
    const char *names[4] = {"gazette", "fts5_trigram", "fts5_unicode61_icu", "xapian_cjk_ngram"};
    int n_engines = have_xapian ? 4 : 3;
    if (!have_xapian)
        printf("# xapian: bench_xapian was not built (no libxapian-dev)\n");
    for (int e = 0; e < n_engines; e++) {
        printf("%s\t%.2f\t%.2f\t%.1f\t%.2f\t%.0f", names[e], rs[e]->build_s, rs[e]->build_s / rg.build_s,
               rs[e]->bytes / 1e6, (double)rs[e]->bytes / (double)raw, rs[e]->rss_kb / 1024.0);
        for (int c = 0; c < C__N; c++)
            printf("\t%.3f\t%.3f", rs[e]->p50[c], rs[e]->p99[c]);
        printf("\t%zu\t%.4f\n", rs[e]->matched, rs[e]->recall);
    }
    printf("# ratios against gazette (p50 latency, <1 is faster than gazette)\n");
    for (int e = 1; e < n_engines; e++) {
        printf("%s", names[e]);
        for (int c = 0; c < C__N; c++)
            printf("\t%s %.2f", cname[c], rg.p50[c] > 0 ? rs[e]->p50[c] / rg.p50[c] : 0);
        printf("\tsize %.2f\tbuild %.2f\trss %.2f\n", (double)rs[e]->bytes / (double)rg.bytes,
               rs[e]->build_s / rg.build_s, (double)rs[e]->rss_kb / (double)(rg.rss_kb ? rg.rss_kb : 1));
    }
    return 0;
}
