/* cli/main.c: the `gazette` command. Subcommands dispatch to the modules;
 * options may come before or after arguments. */
#include "common/law.h"
#include "analysis/analysis.h"
#include "corpus/corpus.h"
#include "indexer/indexer.h"
#include "searcher/searcher.h"
#include "server/server.h"

#include <ctype.h>
#include <errno.h>
#include <unistd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fputs("usage: gazette COMMAND [options] ARGS...\n"
          "\n"
          "       gazette --version\n"
          "\n"
          "commands:\n"
          "  parse PATH... [--json] [--format auto|gazette|markdown]\n"
          "      parse bulletins and laws (files or directories) and print their\n"
          "      structure: an outline, or with --json one JSON object per file\n"
          "      per line (docs/corpus.md)\n"
          "  analyze [--query] [--id] TEXT...   (or - to read standard input)\n"
          "      print the tokens of TEXT: pos span type text start-end source\n"
          "  index PATH... [--index DIR] [--prune [--prune-max PCT] [--prune-force]] [--repair]\n"
          "        [--follow-symlinks] [--ram-mb N] [--threads N] [--quiet] [--file-budget SECONDS MB]\n"
          "      (--file-budget: a PDF, HTML or DOCX file's reader; 60 2048)\n"
          "      index files and directories (only new and changed files are read\n"
          "      again); one commit per run. Symbolic links are skipped and named, or\n"
          "      with --follow-symlinks followed when they stay inside PATH. --prune\n"
          "      removes the documents of files\n"
          "      gone from under a PATH, but refuses (nothing committed) to remove any\n"
          "      under a PATH that lists no file now, or more than PCT% (default 50)\n"
          "      of those under one, unless --prune-force. A damaged index is refused,\n"
          "      naming the file, and repaired in place by the next run (at once with\n"
          "      --repair): what is damaged leaves, its sources are indexed again.\n"
          "      Exit 0: committed, or nothing changed; 1: committed,\n"
          "      but some files were refused or skipped, or the commit is not yet durable (each\n"
          "      said on stderr); 2: nothing committed (the reason on stderr)\n"
          "  search QUERY... [--json] [-n N] [--offset K] [--unit article|document] [--sort date|score]\n"
          "                 [--year Y] [--date FROM..TO] [--kind K] [--issuer I]\n"
          "                 [--all-versions] [--all-in-document]\n"
          "      search (docs/query.md); prints hits, or the JSON answer with --json;\n"
          "      the filters hold whatever the query says. A law's older versions\n"
          "      collapse into the current one, and a document shows two hits at\n"
          "      most, unless --all-versions, --all-in-document\n"
          "  article REF [--json] [--as-of DATE] [--cited-by]  one article: 公司法第十七条, 《title》第46条,\n"
          "      刑法 第 232 条, 劳动合同法第三十九条第一款; the current version, or the one\n"
          "      in force on DATE (or REF@DATE) (exit 3: two works match);\n"
          "      --cited-by: and the units citing it\n"
          "  show ID [--json] [--offset BYTE]  a document by id (SEG-DOC, as hits give it),\n"
          "      a page (256 KiB) from byte BYTE; the JSON's next is the next page's\n"
          "  serve [--index DIR] [--port 8080 (0-65535)] [--bind 127.0.0.1] [--threads N (1-256)]\n"
          "      the web page and the JSON API (docs/api.md)\n"
          "  optimize [--index DIR]   merge every segment into one\n"
          "  check [--index DIR]      verify every checksum and invariant\n"
          "  stats [--index DIR]      sizes and counts\n"
          "\n"
          "The index directory is --index DIR, else $GAZETTE_INDEX, else ./gazette-index.\n"
          "  help   this text\n",
          f);
}

/* A decimal number from 0 to max, digits only; 0 (and a message naming
 * the option) for anything else. */
static int number_arg(const char *opt, const char *v, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long x = strtoul(v, &end, 10);
    if (!*v || *end || *v == '-' || *v == '+' || *v == ' ' || x > max) {
        fprintf(stderr, "gazette: invalid value for %s: '%s' (a whole number from 0 to %lu)\n", opt, v, max);
        return 0;
    }
    *out = x;
    return 1;
}

/* Prints s with control characters (C0, DEL, C1) as \xNN, so a file name
 * or a title cannot move the cursor or retitle the terminal; keep_lines
 * keeps newlines (a document's text), 2 indenting the lines after the
 * first as a hit's (a snippet). */
static void print_safe(const char *s, int keep_lines)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n' && keep_lines == 2)
            fputs("\n   ", stdout);
        else if ((*p < 0x20 && !(keep_lines && *p == '\n')) || *p == 0x7F)
            printf("\\x%02X", *p);
        else if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) /* U+0080..U+009F */
            printf("\\xC2\\x%02X", *++p);
        else
            putchar(*p);
    }
}

/* Pages a to b as printed: 第12页, 第12-13页. */
static void pages_str(char *out, size_t cap, uint32_t a, uint32_t b)
{
    if (a == b)
        snprintf(out, cap, "第%u页", a);
    else
        snprintf(out, cap, "第%u-%u页", a, b);
}

static void print_outline(const gz_doc *d, int32_t id, int depth)
{
    const gz_node *n = &d->nodes[id];
    printf("%*s%s", depth * 2, "", gz_kind_name(n->kind));
    if (n->label)
        printf(" %s", gz_doc_get(d, n->label));
    if (n->title)
        printf(" \"%s\"", gz_doc_get(d, n->title));
    if (n->docno_raw)
        printf(" [%s]", gz_doc_get(d, n->docno_raw));
    if (n->date)
        printf(" %s", gz_doc_get(d, n->date));
    printf(" @%zu-%zu", n->start, n->end);
    if (d->n_pages) { /* a PDF: the pages the node is on, as printed */
        char pages[40];
        pages_str(pages, sizeof pages, gz_doc_page(d, n->start),
                  gz_doc_page(d, n->end > n->start ? n->end - 1 : n->start));
        printf(" %s", pages);
    }
    putchar('\n');
    for (int32_t c = n->first_child; c != GZ_NONE; c = d->nodes[c].next_sibling) {
        gz_kind k = d->nodes[c].kind;
        /* the outline shows units, not every paragraph and cell */
        if (k == GZ_KIND_PARAGRAPH || k == GZ_KIND_ROW || k == GZ_KIND_CELL || k == GZ_KIND_ITEM)
            continue;
        print_outline(d, c, depth + 1);
    }
}

static int cmd_parse(int argc, char **argv)
{
    int json = 0, n_paths = 0, refused = 0;
    cp_format fmt = CP_FORMAT_AUTO;
    char **paths = calloc((size_t)argc + 1, sizeof *paths);
    if (!paths)
        return 2;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            const char *f = argv[++i];
            fmt = strcmp(f, "gazette") == 0    ? CP_FORMAT_GAZETTE
                  : strcmp(f, "markdown") == 0 ? CP_FORMAT_MARKDOWN
                                               : CP_FORMAT_AUTO;
        } else if (strcmp(argv[i], "--") == 0) {
            while (++i < argc)
                paths[n_paths++] = argv[i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "gazette parse: unknown option %s\n", argv[i]);
            free(paths);
            return 2;
        } else {
            paths[n_paths++] = argv[i];
        }
    }
    if (!n_paths) {
        usage(stderr);
        free(paths);
        return 2;
    }
    gz_buf out;
    gz_buf_init(&out);
    size_t n_ok = 0;
    for (int p = 0; p < n_paths; p++) {
        char **files;
        size_t n_files;
        gz_error err = {0};
        if (cp_list_files(paths[p], &files, &n_files, &err) != GZ_OK) {
            fprintf(stderr, "gazette: %s\n", err.msg);
            refused++;
            continue;
        }
        for (size_t f = 0; f < n_files; f++) {
            gz_doc doc;
            gz_doc_init(&doc);
            if (cp_parse_file(files[f], fmt, &doc, &err) != GZ_OK) {
                fprintf(stderr, "gazette: %s\n", err.msg);
                refused++;
            } else if (json) {
                out.len = 0;
                gz_doc_json(&doc, &out);
                gz_buf_putc(&out, '\n');
                fwrite(out.data, 1, out.len, stdout);
                n_ok++;
            } else {
                printf("%s\n", files[f]);
                print_outline(&doc, 0, 1);
                n_ok++;
            }
            gz_doc_fini(&doc);
        }
        cp_paths_free(files, n_files);
    }
    gz_buf_fini(&out);
    free(paths);
    fprintf(stderr, "gazette parse: %zu parsed, %d refused\n", n_ok, refused);
    return refused ? (n_ok ? 1 : 2) : 0;
}

static int cmd_analyze(int argc, char **argv)
{
    an_mode mode = AN_MODE_DOCUMENT;
    int show_id = 0;
    an_analyzer *a;
    gz_error err = {0};
    if (an_analyzer_open(&a, &err) != GZ_OK) {
        fprintf(stderr, "gazette: %s\n", err.msg);
        return 2;
    }
    gz_buf in;
    gz_buf_init(&in);
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--query") == 0) {
            mode = AN_MODE_QUERY;
        } else if (strcmp(argv[i], "--id") == 0) {
            show_id = 1;
        } else if (strcmp(argv[i], "-") == 0) {
            char chunk[65536];
            size_t n;
            while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
                gz_buf_put(&in, chunk, n);
        } else {
            if (in.len)
                gz_buf_putc(&in, ' ');
            gz_buf_puts(&in, argv[i]);
        }
    }
    if (show_id)
        printf("%s\n", an_analyzer_id(a));
    const an_token *t;
    size_t n;
    int rc = 0;
    if (an_analyze(a, in.data ? in.data : "", in.len, mode, &t, &n) != GZ_OK) {
        fprintf(stderr, "gazette analyze: cannot analyse the input\n");
        rc = 2;
        n = 0;
    }
    for (size_t i = 0; i < n; i++)
        printf("%u\t%u\t%s\t%.*s\t%u-%u\t%.*s\n", t[i].pos, t[i].span, an_type_name(t[i].type),
               (int)t[i].len, t[i].text, t[i].start, t[i].end, (int)(t[i].end - t[i].start),
               in.data + t[i].start);
    gz_buf_fini(&in);
    an_analyzer_close(a);
    return rc;
}

/* --index DIR, else $GAZETTE_INDEX, else the default. */
static const char *index_dir(const char *given)
{
    if (given)
        return given;
    const char *env = getenv("GAZETTE_INDEX");
    return env && *env ? env : IX_DEFAULT_DIR;
}

/* A whole decimal number in [lo, hi] for option name, or -1 with a
 * message naming it. */
static long num_arg(const char *name, const char *v, long lo, long hi)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end || x < lo || x > hi) {
        fprintf(stderr, "gazette: invalid value for %s: '%s' (a whole number from %ld to %ld)\n", name, v, lo, hi);
        return -1;
    }
    return x;
}

static int cmd_index(int argc, char **argv, int optimize)
{
    ix_options o = {0};
    const char *dir = NULL;
    int quiet = 0;
    char **paths = calloc((size_t)argc + 1, sizeof *paths);
    size_t n = 0;
    for (int i = 0; i < argc; i++) {
        long v = 0;
        const char *a = argv[i];
        int takes = strcmp(a, "--index") == 0 || strcmp(a, "--ram-mb") == 0 || strcmp(a, "--threads") == 0 ||
                    strcmp(a, "--prune-max") == 0;
        if (takes && i + 1 >= argc) {
            fprintf(stderr, "gazette: %s needs a value\n", a);
            v = -1;
        } else if (strcmp(a, "--index") == 0)
            dir = argv[++i];
        else if (strcmp(a, "--ram-mb") == 0 && (v = num_arg(a, argv[++i], 1, 1 << 20)) > 0)
            o.ram_mb = (size_t)v;
        else if (strcmp(a, "--threads") == 0 && (v = num_arg(a, argv[++i], 1, 16)) > 0)
            o.threads = (int)v;
        else if (strcmp(a, "--prune-max") == 0 && (v = num_arg(a, argv[++i], 1, 100)) > 0)
            o.prune_max_pct = (unsigned)v;
        else if (strcmp(a, "--prune") == 0)
            o.prune = 1;
        else if (strcmp(a, "--prune-force") == 0)
            o.prune = o.prune_force = 1;
        else if (strcmp(a, "--repair") == 0 && !optimize)
            o.repair = 1;
        else if (strcmp(a, "--file-budget") == 0) { /* seconds, MB */
            long sec = i + 2 < argc ? num_arg("--file-budget SECONDS", argv[i + 1], 1, 86400) : -1;
            long mb = sec > 0 ? num_arg("--file-budget MB", argv[i + 2], 16, 1 << 20) : -1;
            if (i + 2 >= argc)
                fprintf(stderr, "gazette: --file-budget needs SECONDS and MB\n");
            if (sec < 0 || mb < 0)
                v = -1;
            else
                cp_budget_set((double)sec, (size_t)mb);
            i += 2;
        } else if (strcmp(a, "--follow-symlinks") == 0)
            o.follow_symlinks = 1;
        else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0)
            quiet = 1;
        else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "gazette: unknown option %s\n", a);
            v = -1;
        } else if (!takes)
            paths[n++] = argv[i];
        if (v < 0) {
            free(paths);
            return 2;
        }
    }
    o.dir = index_dir(dir);
    o.progress = !quiet && isatty(2);
    if (!optimize && n == 0) {
        fprintf(stderr, "gazette index: no PATH given\n");
        free(paths);
        return 2;
    }
    ix_report r;
    gz_error err = {0};
    gz_status st = optimize ? ix_optimize(&o, &r, &err) : ix_index(&o, paths, n, &r, &err);
    free(paths);
    if (st != GZ_OK) {
        fprintf(stderr, "gazette: %s\n", err.msg[0] ? err.msg : gz_status_str(st));
        if (st == GZ_CORRUPT)
            fprintf(stderr,
                    "gazette: the index at %s is damaged: `gazette check --index %s` names what is damaged and "
                    "the sources a repair indexes again; the next `gazette index` repairs it in place (at once: "
                    "`gazette index --repair PATH...`)\n",
                    o.dir, o.dir);
        fprintf(stderr, "gazette: nothing committed; the index is as it was\n");
        return 2;
    }
    if (r.not_durable)
        fprintf(stderr, "gazette: generation %llu %s\n", (unsigned long long)r.generation, err.msg);
    if (r.damaged_segments)
        fprintf(stderr, "gazette index: repaired: %zu damaged segment%s dropped; %zu of their sources indexed "
                        "again, %zu lost (named above)\n",
                r.damaged_segments, r.damaged_segments == 1 ? "" : "s", r.repaired, r.lost);
    if (!quiet || r.refused || r.skipped) {
        if (optimize)
            fprintf(stderr, "gazette optimize: %zu segments merged into 1 in %.2fs, generation %llu\n",
                    r.segments_merged, r.seconds, (unsigned long long)r.generation);
        else
            fprintf(stderr,
                    "gazette index: %zu files: %zu indexed, %zu unchanged, %zu refused, %zu removed, %zu skipped; "
                    "%zu documents added; %.1f MB in %.2fs (%.1f MB/s); %zu segments written, %zu merged; %s\n",
                    r.files, r.indexed, r.unchanged, r.refused, r.removed, r.skipped, r.docs_added, r.bytes_read / 1e6,
                    r.seconds, r.seconds > 0 ? r.bytes_read / 1e6 / r.seconds : 0, r.segments_written,
                    r.segments_merged, r.committed ? "committed" : "nothing changed");
    }
    return r.refused || r.skipped || r.not_durable || r.lost ? 1 : 0;
}

static int cmd_simple(int argc, char **argv, int which)
{
    const char *dir = NULL;
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--index") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (!dir && argv[i][0] != '-')
            dir = argv[i];
    gz_error err = {0};
    gz_status st = which ? ix_check(index_dir(dir), stdout, &err) : ix_stats(index_dir(dir), stdout, &err);
    if (st != GZ_OK) {
        fprintf(stderr, "gazette: %s\n", err.msg[0] ? err.msg : gz_status_str(st));
        return st == GZ_CORRUPT ? 1 : 2;
    }
    return 0;
}

static const char *or_empty(const char *s) { return s ? s : ""; }

/* Prints a snippet with its highlights between 【 and 】. */
static void print_snippet(const gazette_hit *h)
{
    const char *s = h->snippet;
    size_t at = 0, len = strlen(s);
    for (size_t i = 0; i < h->n_highlights; i++) {
        size_t a = h->highlights[i].start, b = h->highlights[i].end;
        if (a < at || b > len)
            continue;
        char *x = gz_strndup(s + at, a - at), *y = gz_strndup(s + a, b - a);
        print_safe(x ? x : "", 2);
        fputs("【", stdout);
        print_safe(y ? y : "", 2);
        fputs("】", stdout);
        gz_free(x);
        gz_free(y);
        at = b;
    }
    print_safe(s + at, 2); /* a snippet keeps its lines */
}

/* A page of hits for people. */
static void print_page(const gazette_page *p, size_t offset)
{
    printf("%s%zu hits for ", p->total_estimated ? "about " : "", p->total);
    print_safe(p->query, 0);
    printf(" (read as ");
    print_safe(p->read_as, 0);
    printf(", %s)\n", p->mode);
    print_safe(p->reading.text, 0);
    printf("\n");
    if (p->partial)
        printf("partial: the query's budget ran out; these are some of the hits, not all\n");
    for (size_t i = 0; i < p->n_hits; i++) {
        const gazette_hit *h = &p->hits[i];
        /* every field may hold what a file name or text held */
        char pages[48] = "  "; /* a PDF's: "  第12-13页  " */
        if (h->unit.page) {
            pages_str(pages + 2, sizeof pages - 4, h->unit.page, h->unit.page_end);
            strcat(pages, "  ");
        }
        const char *fields[] = {h->doc.title,  "  ",  h->unit.path,           " ",   h->unit.label, "\n   ",
                                h->doc.source, pages, or_empty(h->doc.date), "  [", h->doc.id,      "]\n   "};
        printf("\n%zu. ", offset + i + 1);
        for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
            if (f % 2)
                fputs(fields[f], stdout);
            else
                print_safe(fields[f], 0);
        if (h->doc.status)
            printf("%s %s%s   ", or_empty(h->doc.version_date), sr_status_zh(h->doc.status),
                   h->n_versions ? "" : "\n");
        if (h->n_versions)
            printf("另有%zu个历史版本\n   ", h->n_versions);
        print_snippet(h);
        if (h->more_in_document)
            printf("\n   该文件另有%zu处匹配", h->more_in_document);
        printf("\n");
    }
}

/* An article, or the candidates, for people. */
static void print_article(const gazette_article *a)
{
    if (!a->found && !a->n_candidates) {
        printf("no such article: %s\n", a->note ? a->note : "nothing matches the reference");
        return;
    }
    if (!a->found) {
        printf("%zu candidates:\n", a->n_candidates);
        for (size_t i = 0; i < a->n_candidates; i++) {
            const gazette_article_match *c = &a->candidates[i];
            const char *parts[] = {"  ", c->title, " ", c->unit.label, "  ", or_empty(c->doc.version_date),
                                   "  (", c->doc.source, ")\n    ", c->first_line, "\n"};
            for (size_t f = 0; f < sizeof parts / sizeof parts[0]; f++)
                f % 2 ? print_safe(parts[f], 0) : (void)fputs(parts[f], stdout);
        }
        if (a->note)
            printf("(%s)\n", a->note);
        return;
    }
    const char *parts[] = {a->title, " ", a->unit.label, "  ", or_empty(a->doc.version_date), " ",
                           sr_status_zh(a->doc.status), "\n", a->source, "\n\n", or_empty(a->text), "\n"};
    for (size_t f = 0; f < sizeof parts / sizeof parts[0]; f++)
        f % 2 ? (void)fputs(parts[f], stdout) : print_safe(parts[f], f == 10);
    if (a->has_clause) {
        printf("\n%s:\n", a->clause_label);
        char *c = strndup(a->text + a->clause.start, a->clause.end - a->clause.start);
        print_safe(c ? c : "", 1);
        free(c);
        printf("\n");
    }
    if (a->note)
        printf("(%s)\n", a->note);
    /* its references (the text as written -> where it leads), then what cites it */
    for (size_t i = 0; i < a->n_refs; i++) {
        const gazette_ref *r = &a->refs[i];
        fputs(i ? "" : "\n引用:\n", stdout);
        fputs("  ", stdout);
        fwrite(a->text + r->start, 1, r->end - r->start, stdout);
        const char *to[] = {" -> ", r->target.title, " ", r->target.label, "\n"};
        for (size_t f = 0; f < sizeof to / sizeof to[0]; f++)
            f % 2 ? print_safe(to[f], 0) : (void)fputs(to[f], stdout);
    }
    if (a->cited_by_asked)
        printf("\n被引用: %zu%s\n", a->n_cited_by, a->cited_by_partial ? " (partial: the budget ran out)" : "");
    for (size_t i = 0; i < a->n_cited_by; i++) {
        const gazette_citation *c = &a->cited_by[i];
        const char *by[] = {"  ", c->title, " ", c->unit.label, "  (", c->doc.source, ")\n    ", c->snippet, "\n"};
        for (size_t f = 0; f < sizeof by / sizeof by[0]; f++)
            f % 2 ? print_safe(by[f], 0) : (void)fputs(by[f], stdout);
    }
}

/* The options of search that take a value. */
static int search_option(const char *a)
{
    return strcmp(a, "-n") == 0 || strcmp(a, "--limit") == 0 || strcmp(a, "--offset") == 0 ||
           strcmp(a, "--unit") == 0 || strcmp(a, "--sort") == 0 || strcmp(a, "--year") == 0 ||
           strcmp(a, "--date") == 0 || strcmp(a, "--kind") == 0 || strcmp(a, "--issuer") == 0 ||
           strcmp(a, "--as-of") == 0;
}

/* Runs a query, article or show and prints JSON or a readable form. */
static int cmd_query(int argc, char **argv, int what)
{
    const char *dir = NULL;
    int json = 0, cited_by = 0;
    const char *as_of = NULL;
    sr_request rq = {.limits = {.cpu_ms = SR_DEFAULT_CPU_MS}};
    gz_buf q;
    gz_buf_init(&q);
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--index") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (what == 1 && strcmp(argv[i], "--cited-by") == 0)
            cited_by = 1;
        else if (search_option(argv[i]) && i + 1 >= argc) {
            fprintf(stderr, "gazette: %s needs a value\n", argv[i]);
            gz_buf_fini(&q);
            return 2;
        } else if (strcmp(argv[i], "-n") == 0 || strcmp(argv[i], "--limit") == 0 ||
                   strcmp(argv[i], "--offset") == 0) {
            unsigned long v;
            /* (show's --offset is a byte offset) */
            if (!number_arg(argv[i], argv[i + 1], what == 2 ? UINT32_MAX : SR_MAX_RANK, &v)) {
                gz_buf_fini(&q);
                return 2;
            }
            *(strcmp(argv[i], "--offset") == 0 ? &rq.offset : &rq.n) = (size_t)v;
            i++;
        } else if (strcmp(argv[i], "--year") == 0)
            rq.filters.year = argv[++i];
        else if (strcmp(argv[i], "--date") == 0)
            rq.filters.date = argv[++i];
        else if (strcmp(argv[i], "--kind") == 0)
            rq.filters.kind = argv[++i];
        else if (strcmp(argv[i], "--issuer") == 0)
            rq.filters.issuer = argv[++i];
        else if (strcmp(argv[i], "--all-versions") == 0)
            rq.all_versions = 1;
        else if (strcmp(argv[i], "--all-in-document") == 0)
            rq.all_in_document = 1;
        else if (strcmp(argv[i], "--as-of") == 0) {
            uint32_t d;
            const char *v = argv[++i];
            if (what != 1 || gz_law_date_parse(v, strlen(v), &d) != strlen(v)) {
                fprintf(stderr, "gazette: --as-of '%s': %s\n", v,
                        what != 1 ? "only for article" : "not a date (2018-10-26, 2018年10月26日)");
                gz_buf_fini(&q);
                return 2;
            }
            as_of = v;
        }
        else if (strcmp(argv[i], "--unit") == 0 || strcmp(argv[i], "--sort") == 0) {
            const char *name = argv[i], *v = argv[++i];
            int unit = name[2] == 'u';
            if (unit ? strcmp(v, "article") != 0 && strcmp(v, "document") != 0
                     : strcmp(v, "date") != 0 && strcmp(v, "score") != 0) {
                fprintf(stderr, "gazette: invalid value for %s: '%s' (%s)\n", name, v,
                        unit ? "article or document" : "date or score");
                gz_buf_fini(&q);
                return 2;
            }
            if (unit)
                rq.unit = strcmp(v, "document") == 0 ? SR_BY_DOCUMENT : SR_BY_UNIT;
            else
                rq.sort = strcmp(v, "date") == 0 ? SR_SORT_DATE : SR_SORT_SCORE;
        } else if (argv[i][0] == '-' && (argv[i][1] == '-' || isalpha((unsigned char)argv[i][1]))) {
            /* -国有 is a word to leave out; --bogus and -x are options */
            fprintf(stderr, "gazette: unknown option '%s'\n", argv[i]);
            gz_buf_fini(&q);
            return 2;
        } else {
            if (q.len)
                gz_buf_putc(&q, ' ');
            gz_buf_puts(&q, argv[i]);
        }
    }
    if (!q.len || strspn(gz_buf_cstr(&q), " \t") == q.len) {
        fprintf(stderr, "gazette: %s needs %s\n", what == 0 ? "search" : what == 1 ? "article" : "show",
                what == 0 ? "a QUERY" : what == 1 ? "a REF" : "an ID");
        usage(stderr);
        gz_buf_fini(&q);
        return 2;
    }
    if (as_of) { /* the reference's own date, as REF@DATE */
        gz_buf_putc(&q, '@');
        gz_buf_puts(&q, as_of);
    }
    sr_index *ix;
    gz_error err = {0};
    if (sr_index_open(index_dir(dir), &ix, &err) != GZ_OK) {
        fprintf(stderr, "gazette: %s\n", err.msg);
        gz_buf_fini(&q);
        return 2;
    }
    /* the answer as a struct (include/gazette.h), printed as JSON by the
     * writer the server uses, or for people */
    gz_buf out;
    gz_buf_init(&out);
    sr_arena a;
    sr_arena_init(&a);
    gazette_page page;
    gazette_article art;
    gazette_document doc;
    int rc = 0;
    gz_status st = GZ_OK;
    rq.query = gz_buf_cstr(&q);
    if (what == 0 && (st = sr_search(ix, &rq, &a, &page, &err)) == GZ_OK)
        json ? sr_page_json(&page, &out) : print_page(&page, rq.offset);
    else if (what == 1 &&
             (st = cited_by ? sr_article_cited_by(ix, rq.query, &rq.limits, &a, &art, &err)
                            : sr_article(ix, rq.query, &a, &art, &err)) == GZ_OK) {
        json ? sr_article_answer_json(&art, &out) : print_article(&art);
        rc = art.found ? 0 : art.total > 1 ? 3 : 1; /* ambiguous, or no such article */
    } else if (what == 2 && (st = sr_show(ix, rq.query, rq.offset, NULL, &a, &doc, &err)) == GZ_OK) {
        if (json)
            sr_document_json(&doc, &out);
        else {
            const char *parts[] = {doc.doc.title, "\n", doc.doc.source, "\n\n", doc.text, "\n"};
            for (size_t f = 0; f < sizeof parts / sizeof parts[0]; f++)
                f % 2 ? (void)fputs(parts[f], stdout) : print_safe(parts[f], f == 4);
        }
    }
    if (st != GZ_OK) {
        fprintf(stderr, "gazette: %s\n", err.msg);
        rc = 2;
    } else if (json) {
        printf("%s\n", gz_buf_cstr(&out));
    }
    sr_arena_fini(&a);
    gz_buf_fini(&out);
    gz_buf_fini(&q);
    sr_index_close(ix);
    return rc;
}

static int cmd_serve(int argc, char **argv)
{
    sv_options o = {.bind = "127.0.0.1", .port = 8080};
    const char *dir = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--index") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if ((strcmp(argv[i], "--port") == 0 || strcmp(argv[i], "--threads") == 0) && i + 1 < argc) {
            int port = strcmp(argv[i], "--port") == 0;
            unsigned long v = 1;
            if (!number_arg(argv[i], argv[i + 1], port ? 65535 : 256, &v) || (!port && v == 0)) {
                if (!port && v == 0)
                    fprintf(stderr, "gazette: --threads '0': at least 1\n");
                return 2;
            }
            *(port ? &o.port : &o.threads) = (unsigned)v;
            i++;
        } else if (strcmp(argv[i], "--bind") == 0 && i + 1 < argc)
            o.bind = argv[++i];
        else {
            fprintf(stderr, "gazette serve: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    o.index_dir = index_dir(dir);
    sv_server *s;
    unsigned port;
    gz_error err = {0};
    if (sv_server_open(&o, &s, &port, &err) != GZ_OK) {
        fprintf(stderr, "gazette: %s\n", err.msg);
        return 2;
    }
    printf("gazette: serving %s at http://%s:%u/\n", o.index_dir, o.bind, port);
    fflush(stdout);
    for (;;)
        pause();
    sv_server_close(s);
    return 0;
}

int main(int argc, char **argv)
{
    /* a PDF, HTML or DOCX file is read by this program run again, in a
     * process of its own (corpus.h) */
    if (argc == 3 && strcmp(argv[1], "read-child") == 0) {
        int rc = cp_reader_serve(atoi(argv[2]), 0, 1);
        fflush(NULL);
        _exit(rc); /* what a library keeps for the process is not a leak */
    }
    cp_reader_helper("/proc/self/exe");
    if (argc == 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0)) {
        printf("gazette %s\n", GAZETTE_VERSION_STRING);
        return 0;
    }
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "parse") == 0)
        return cmd_parse(argc - 2, argv + 2);
    if (strcmp(argv[1], "analyze") == 0)
        return cmd_analyze(argc - 2, argv + 2);
    if (strcmp(argv[1], "index") == 0)
        return cmd_index(argc - 2, argv + 2, 0);
    if (strcmp(argv[1], "serve") == 0)
        return cmd_serve(argc - 2, argv + 2);
    if (strcmp(argv[1], "search") == 0)
        return cmd_query(argc - 2, argv + 2, 0);
    if (strcmp(argv[1], "article") == 0)
        return cmd_query(argc - 2, argv + 2, 1);
    if (strcmp(argv[1], "show") == 0)
        return cmd_query(argc - 2, argv + 2, 2);
    if (strcmp(argv[1], "optimize") == 0)
        return cmd_index(argc - 2, argv + 2, 1);
    if (strcmp(argv[1], "check") == 0)
        return cmd_simple(argc - 2, argv + 2, 1);
    if (strcmp(argv[1], "stats") == 0)
        return cmd_simple(argc - 2, argv + 2, 0);
    fprintf(stderr, "gazette: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
