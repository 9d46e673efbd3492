/* tests/unit/common/test_lawcorpus.c: the law desk's parser and name rules
 * against the laws corpus (skipped, saying so, without it). A seeded draw
 * of (title, article) pairs is written in every form a clerk types; each
 * must parse back to the drawn article and a name that resolves, by the
 * name scores over all the corpus's titles, to the drawn work. */
#include "common/law.h"
#include "corpus/corpus.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#define N_DRAWS 240

typedef struct law {
    char *title;
    char clean[GZ_LAW_KEY_MAX], key[GZ_LAW_KEY_MAX];
    uint32_t name_date, version_date;
    int32_t *art; /* number << 8 | sub */
    size_t n_art;
} law;

static law *laws;
static size_t n_laws;
/* files whose name carries a date; of those, the ones whose header alone
 * gives the same version date; files with neither */
static size_t n_named, n_header_agrees, n_stale_name, n_undated;

/* Calls fn for each file under dir that parses and has a title, in the
 * order cp_list_files gives (the same on every call). */
static void each_law(const char *dir, void (*fn)(const gz_doc *d, const char *base, void *ctx), void *ctx)
{
    char **paths;
    size_t n;
    gz_error err;
    cr_assert_eq(cp_list_files(dir, &paths, &n, &err), GZ_OK, "%s", err.msg);
    for (size_t i = 0; i < n; i++) {
        gz_doc d;
        gz_doc_init(&d);
        if (cp_parse_file(paths[i], CP_FORMAT_AUTO, &d, &err) == GZ_OK && d.n_nodes && d.nodes[0].title) {
            const char *base = strrchr(paths[i], '/') ? strrchr(paths[i], '/') + 1 : paths[i];
            fn(&d, base, ctx);
        }
        gz_doc_fini(&d);
    }
    cp_paths_free(paths, n);
}

static void add_law(const gz_doc *d, const char *base, void *ctx)
{
    size_t *cap = ctx;
    if (n_laws == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        laws = realloc(laws, *cap * sizeof *laws);
    }
    law *w = &laws[n_laws];
    memset(w, 0, sizeof *w);
    w->title = strdup(gz_doc_get(d, d->nodes[0].title));
    gz_law_title_clean(w->title, strlen(w->title), w->clean, sizeof w->clean);
    gz_law_work_key(w->title, strlen(w->title), w->key, sizeof w->key);
    w->name_date = gz_law_name_date(base, strlen(base));
    size_t head = d->text_len;
    w->art = malloc(d->n_nodes * sizeof *w->art);
    for (size_t k = 1; k < d->n_nodes; k++) {
        const gz_node *nd = &d->nodes[k];
        if ((nd->kind == GZ_KIND_ARTICLE || nd->kind == GZ_KIND_CHAPTER || nd->kind == GZ_KIND_PART) &&
            nd->start < head)
            head = nd->start;
        if (nd->kind == GZ_KIND_ARTICLE && nd->number > 0 && nd->number < 100000)
            w->art[w->n_art++] = (int32_t)(nd->number << 8 | nd->sub);
    }
    w->version_date = gz_law_version_date(d->text, head, w->name_date);
    if (w->name_date) {
        n_named++;
        n_header_agrees += gz_law_version_date(d->text, head, 0) == w->name_date;
    }
    n_stale_name += w->name_date && w->version_date != w->name_date;
    n_undated += !w->version_date;
    n_laws++;
}

static void load(const char *dir)
{
    size_t cap = 0;
    each_law(dir, add_law, &cap);
}

/* n (1..99999) in Chinese numerals: 二百三十二, 一百零五, 十七 */
static void cn_numeral(int n, char *out)
{
    static const char *dg[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    static const char *un[] = {"万", "千", "百", "十", ""};
    int div[] = {10000, 1000, 100, 10, 1};
    out[0] = 0;
    int started = 0, zero = 0;
    for (int i = 0; i < 5; i++) {
        int d = n / div[i] % 10;
        if (!d) {
            zero = started;
            continue;
        }
        if (zero)
            strcat(out, "零");
        zero = 0;
        if (!(d == 1 && i == 3 && !started)) /* 十七, not 一十七 */
            strcat(out, dg[d]);
        strcat(out, un[i]);
        started = 1;
    }
}

/* The best score over all titles for the typed name; the one work key
 * that has it, or NULL when none or several works share it. */
static const char *resolve(const char *name)
{
    char nc[GZ_LAW_KEY_MAX], nk[GZ_LAW_KEY_MAX];
    gz_law_title_clean(name, strlen(name), nc, sizeof nc);
    gz_law_work_key(name, strlen(name), nk, sizeof nk);
    int best = 0;
    const char *key = NULL;
    int ambiguous = 0;
    for (size_t i = 0; i < n_laws; i++) {
        int s = gz_law_name_score_keys(nc, nk, laws[i].clean, laws[i].key);
        if (s > best) {
            best = s;
            key = laws[i].key;
            ambiguous = 0;
        } else if (s == best && s && strcmp(key, laws[i].key) != 0) {
            ambiguous = 1;
        }
    }
    return ambiguous ? NULL : key;
}

/* The highest score any title has for the typed name. */
static int best_score(const char *name)
{
    char nc[GZ_LAW_KEY_MAX], nk[GZ_LAW_KEY_MAX];
    gz_law_title_clean(name, strlen(name), nc, sizeof nc);
    gz_law_work_key(name, strlen(name), nk, sizeof nk);
    int best = 0;
    for (size_t i = 0; i < n_laws; i++) {
        int s = gz_law_name_score_keys(nc, nk, laws[i].clean, laws[i].key);
        best = s > best ? s : best;
    }
    return best;
}

/* The title with 中华人民共和国 set aside (inside 《》 too), or with it added
 * inside 《》 when it is not there. */
static void other_spelling(const char *title, char *out, size_t cap)
{
    const char *prc = strstr(title, "中华人民共和国");
    const char *br = strstr(title, "《");
    if (prc)
        snprintf(out, cap, "%.*s%s", (int)(prc - title), title, prc + strlen("中华人民共和国"));
    else if (br)
        snprintf(out, cap, "%.*s中华人民共和国%s", (int)(br + 3 - title), title, br + 3);
    else
        snprintf(out, cap, "%s", title);
}

static int has_article(const law *w, int32_t article, int32_t sub)
{
    for (size_t i = 0; i < w->n_art; i++)
        if (w->art[i] == (article << 8 | sub))
            return 1;
    return 0;
}

/* The version of the work key that answers a reference dated as_of
 * (gz_law_version_pick over the work's files), or NULL. */
static const law *pick_version(const char *key, uint32_t as_of)
{
    uint32_t dates[64];
    const law *who[64];
    size_t n = 0;
    for (size_t i = 0; i < n_laws && n < 64; i++)
        if (strcmp(laws[i].key, key) == 0) {
            dates[n] = laws[i].version_date;
            who[n++] = &laws[i];
        }
    size_t k = gz_law_version_pick(dates, n, as_of);
    return k == (size_t)-1 ? NULL : who[k];
}

static int ends_in_digit(const char *s)
{
    size_t n = strlen(s);
    return n && ((s[n - 1] >= '0' && s[n - 1] <= '9') || (n >= 3 && (unsigned char)s[n - 3] == 0xEF &&
                                                          (unsigned char)s[n - 2] == 0xBC));
}

TestSuite(lawcorpus, .timeout = 600);

Test(lawcorpus, drawn_articles_parse_and_resolve_in_every_form)
{
    char dir[4096];
    TH_LAWS_OR_SKIP(dir);
    load(dir);
    cr_assert_gt(n_laws, 1000, "only %zu laws read under %s", n_laws, dir);
    uint64_t rng = 20261204;
    size_t n_pairs = 0, n_forms = 0, n_dated = 0, n_bracketed = 0, n_versioned = 0;
    while (n_pairs < N_DRAWS) {
        law *w = &laws[th_rnd(&rng) % n_laws];
        /* one draw in four from the titles with 《》 inside (实施《X》办法) */
        if (!w->n_art || (n_pairs % 4 == 0 && !strstr(w->title, "《")))
            continue;
        int32_t a = w->art[th_rnd(&rng) % w->n_art];
        int num = a >> 8, sub = a & 0xFF;
        char cn[64], subs[80] = "", csubs[80] = "", other[1024], forms[10][2048];
        cn_numeral(num, cn);
        if (sub) {
            char cs[32];
            cn_numeral(sub, cs);
            snprintf(subs, sizeof subs, "之%s", cs);
            snprintf(csubs, sizeof csubs, "之%s", cs);
        }
        other_spelling(w->title, other, sizeof other);
        n_bracketed += strstr(w->title, "《") != NULL;
        int nf = 0;
        snprintf(forms[nf++], 2048, "%s第%s条%s", w->title, cn, csubs);
        snprintf(forms[nf++], 2048, "%s第%d条%s", other, num, subs);
        snprintf(forms[nf++], 2048, "《%s》第%s条%s", w->title, cn, csubs);
        snprintf(forms[nf++], 2048, " %s 第 %d 条%s ", other, num, subs);
        if (!sub && !ends_in_digit(other))
            snprintf(forms[nf++], 2048, "%s%d条", other, num);
        if (!sub)
            snprintf(forms[nf++], 2048, "%s第%d", other, num);
        int dated = nf;
        if (w->version_date) {
            unsigned v = w->version_date;
            snprintf(forms[nf++], 2048, "%s(%04u-%02u-%02u)第%s条%s", other, v / 10000, v / 100 % 100, v % 100,
                     cn, csubs);
            snprintf(forms[nf++], 2048, "%s第%d条%s@%04u-%02u-%02u", w->title, num, subs, v / 10000,
                     v / 100 % 100, v % 100);
            n_dated++;
        }
        for (int f = 0; f < nf; f++) {
            gz_lawref r;
            gz_error err = {0};
            cr_assert_eq(gz_lawref_parse(forms[f], strlen(forms[f]), &r, &err), GZ_OK, "%s: %s", forms[f],
                         err.msg);
            cr_assert_eq(r.article, num, "%s: article %d, drawn %d", forms[f], r.article, num);
            cr_assert_eq(r.sub, sub, "%s: sub %d, drawn %d", forms[f], r.sub, sub);
            cr_assert_eq(r.clause, 0, "%s", forms[f]);
            if (f >= dated)
                cr_assert_eq(r.date, w->version_date, "%s: date %u", forms[f], r.date);
            const char *got = resolve(r.name);
            cr_assert_not_null(got, "%s: name \"%s\" resolves to no single work", forms[f], r.name);
            cr_assert_str_eq(got, w->key, "%s: name \"%s\" resolves to %s, drawn %s", forms[f], r.name, got,
                             w->key);
            if (f >= dated) { /* the named version: the drawn file, or one of its date holding the article */
                const law *v = pick_version(got, r.date);
                cr_assert(v && v->version_date == w->version_date, "%s: picks the version of %u", forms[f],
                          v ? v->version_date : 0);
                int held = 0;
                for (size_t i = 0; i < n_laws; i++)
                    held |= strcmp(laws[i].key, got) == 0 && laws[i].version_date == v->version_date &&
                            has_article(&laws[i], num, sub);
                cr_assert(held, "%s: no version of %u holds the article", forms[f], v->version_date);
                n_versioned++;
            }
            n_forms++;
        }
        n_pairs++;
    }
    fprintf(stderr, "lawcorpus: %zu files dated in their name: the header alone agrees on %zu (%.1f%%), a later "
                    "act in the header overrides the name on %zu; %zu laws without a version date\n",
            n_named, n_header_agrees, 100.0 * n_header_agrees / (n_named ? n_named : 1), n_stale_name, n_undated);
    fprintf(stderr, "lawcorpus: %zu laws; %zu pairs (%zu with 《》 in the title, %zu dated), %zu forms: all parse "
                    "and resolve; %zu dated forms pick the drawn version\n",
            n_laws, n_pairs, n_bracketed, n_dated, n_forms, n_versioned);
}

/* Every short name of common/lawabbrev.def names a work of the corpus and
 * resolves to it from a typed reference. */
Test(lawcorpus, short_names_resolve_to_corpus_titles)
{
    char dir[4096];
    TH_LAWS_OR_SKIP(dir);
    if (!n_laws)
        load(dir);
    static const char *const names[] = {
#define GZ_LAW_ABBREV(name, key) name,
#include "common/lawabbrev.def"
#undef GZ_LAW_ABBREV
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *want = gz_law_abbrev(names[i]);
        cr_assert_not_null(want, "%s", names[i]);
        char ref[256];
        snprintf(ref, sizeof ref, "%s第十条", names[i]);
        gz_lawref r;
        cr_assert_eq(gz_lawref_parse(ref, strlen(ref), &r, NULL), GZ_OK, "%s", ref);
        const char *got = resolve(r.name);
        cr_assert_not_null(got, "%s: no single work", ref);
        cr_assert_str_eq(got, want, "%s: resolves to %s", ref, got);
    }
}

/* The example: the two 公司法 files are one work with two version
 * dates (both showed 1993-12-29 as their date). */
Test(lawcorpus, company_law_versions_have_their_own_dates)
{
    char dir[4096];
    TH_LAWS_OR_SKIP(dir);
    load(dir);
    int seen_2018 = 0, seen_2023 = 0;
    for (size_t i = 0; i < n_laws; i++) {
        if (strcmp(laws[i].key, "公司法") != 0)
            continue;
        cr_assert_str_eq(laws[i].title, "中华人民共和国公司法");
        seen_2018 += laws[i].version_date == 20181026;
        seen_2023 += laws[i].version_date == 20231229;
    }
    cr_assert_eq(seen_2018, 1, "公司法 versions dated 2018-10-26: %d", seen_2018);
    cr_assert_eq(seen_2023, 1, "公司法 versions dated 2023-12-29: %d", seen_2023);
}


/* A named work's article: some file of the one work the name resolves to
 * holds it. A guessed name (no 《》) resolves by its longest suffix that
 * names a work: 实施刑法 -> 刑法. */
static int named_resolves(const char *name, int guessed, int32_t article, int32_t sub)
{
    const char *key = resolve(name);
    while (guessed && !key && *name) {
        name += 3; /* the guess is a run of Han characters */
        if (strlen(name) >= 6 && (key = resolve(name)) && best_score(name) < GZ_LAW_NAME_SHORT)
            key = NULL;
    }
    if (!key)
        return 0;
    for (size_t i = 0; i < n_laws; i++)
        if (strcmp(laws[i].key, key) == 0 && has_article(&laws[i], article, sub))
            return 1;
    return 0;
}

typedef struct xref_counts {
    size_t found[GZ_XREF__COUNT], ok[GZ_XREF__COUNT], li, via_alias;
} xref_counts;

/* Scans the articles of one law and checks where each reference points. */
static void count_xrefs(const gz_doc *d, const char *base, void *ctx)
{
    xref_counts *c = ctx;
    (void)base;
    const law *self = &laws[c->li++]; /* load() saw the same files in the same order */
    cr_assert_str_eq(self->title, gz_doc_get(d, d->nodes[0].title));
    gz_law_alias al[64];
    size_t n_al = gz_law_aliases(d->text, d->text_len, al, 64);
    n_al = n_al < 64 ? n_al : 64;
    for (size_t k = 1; k < d->n_nodes; k++) {
        const gz_node *nd = &d->nodes[k];
        if (nd->kind != GZ_KIND_ARTICLE)
            continue;
        const char *u = d->text + nd->start;
        size_t ulen = nd->end - nd->start;
        gz_xref_scan s;
        gz_xref x;
        gz_xref_scan_init(&s, u, ulen);
        while (gz_xref_scan_next(&s, &x)) {
            cr_assert(x.start < x.end && x.end <= ulen);
            c->found[x.scope]++;
            int good = 0;
            gz_span sp;
            if (x.scope == GZ_XREF_SAME_WORK) {
                good = has_article(self, x.article, x.sub);
            } else if (x.scope == GZ_XREF_NAMED_WORK) {
                char name[GZ_LAW_KEY_MAX];
                snprintf(name, sizeof name, "%.*s", (int)(x.name.end - x.name.start), u + x.name.start);
                for (size_t a = 0; a < n_al; a++) /* 《条例》 as the text defined it */
                    if (al[a].alias.end - al[a].alias.start == strlen(name) &&
                        memcmp(d->text + al[a].alias.start, name, strlen(name)) == 0) {
                        snprintf(name, sizeof name, "%.*s", (int)(al[a].name.end - al[a].name.start),
                                 d->text + al[a].name.start);
                        c->via_alias++;
                        break;
                    }
                good = named_resolves(name, x.guessed_name, x.article, x.sub);
            } else if (x.scope == GZ_XREF_SAME_ARTICLE) {
                good = gz_law_clause_range(u, ulen, x.clause, x.item, &sp);
            } else {
                good = 1; /* 前款, 前条: relative to the citing unit */
            }
            c->ok[x.scope] += good;
        }
    }
}

/* The share of the references in the laws' articles that point at an
 * article that exists: in the citing law (本法第X条), in the work the name
 * resolves to (《X》第Y条, 依照刑法第Y条), or a 款 of the citing article.
 * Printed for the report; the floor guards against a scanner that finds
 * references that are not there. */
Test(lawcorpus, cross_references_resolve)
{
    char dir[4096];
    TH_LAWS_OR_SKIP(dir);
    load(dir);
    xref_counts c = {0};
    each_law(dir, count_xrefs, &c);
    size_t *found = c.found, *ok = c.ok;
    size_t all = 0, all_ok = 0;
    for (int sc = 0; sc < GZ_XREF__COUNT; sc++) {
        fprintf(stderr, "lawcorpus: xref %-12s %6zu found, %6zu point at an existing article (%.1f%%)\n",
                gz_xref_scope_name((gz_xref_scope)sc), found[sc], ok[sc], 100.0 * ok[sc] / (found[sc] ? found[sc] : 1));
        all += found[sc];
        all_ok += ok[sc];
    }
    fprintf(stderr, "lawcorpus: xref all %zu, resolved %zu (%.1f%%); %zu names through an alias the text defines\n",
            all, all_ok, 100.0 * all_ok / all, c.via_alias);
    cr_assert_gt(all, 20000);
    cr_assert_geq(ok[GZ_XREF_SAME_WORK] * 100, found[GZ_XREF_SAME_WORK] * 90,
                  "same-work references resolve at %zu of %zu", ok[GZ_XREF_SAME_WORK], found[GZ_XREF_SAME_WORK]);
}
