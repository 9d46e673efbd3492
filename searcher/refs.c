/* searcher/refs.c: cross-references resolved on the units an answer shows
 * (本法第十七条, 前款, 本条第二款, 《中华人民共和国民法典》第一千零四十二条),
 * and the reverse: the units citing an article. Resolution runs at display
 * time, over the units shown only, so building an index pays nothing for
 * it: common/law.h's scanner finds the references, the citing document's
 * own articles answer 本法/本条/前款/前条, and the article lookup
 * (sr_article) answers a named work, in force at the citing document's
 * date when it has one. */
#include "common/law.h"
#include "searcher/answer.h"
#include "searcher/article.h"
#include "searcher/budget.h"
#include "searcher/docid.h"
#include "searcher/refs.h"
#include "searcher/run.h"
#include "searcher/testing.h"
#include "searcher/versions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A unit's regulation: its path's first element unless that is a heading
 * (第一章 …, 一、一般规定, （一）…); *n its length, 0 for none. */
static const char *reg_of(const char *path, size_t *n)
{
    const char *slash = strstr(path, " / "), *p = path;
    int32_t c = gz_utf8_next(&p, path + strlen(path));
    int64_t v;
    int heading = c == 0x7B2C /* 第 */ || c == 0xFF08 || c == '(' || gz_numeral_parse(path, strlen(path), &v) > 0;
    *n = heading || c <= 0 ? 0 : slash ? (size_t)(slash - path) : strlen(path);
    return path;
}

/* ------------------------------------------------ a document's articles */

typedef struct ref_art {
    int32_t number;
    uint32_t sub, unit, start, end;
    const char *label, *reg; /* reg: the regulation (reg_len bytes), or the document's title */
    size_t reg_len;
} ref_art;

/* The document references are resolved in: its articles in text order. */
typedef struct refdoc {
    sr_index *ix;
    size_t s;
    uint32_t doc;
    gz_docinfo di;
    ref_art *arts;
    size_t n_arts;
} refdoc;

/* Freed with refdoc_close unless it fails. */
static gz_status refdoc_open(refdoc *rd, sr_index *ix, size_t s, uint32_t doc)
{
    memset(rd, 0, sizeof *rd);
    rd->ix = ix;
    rd->s = s;
    rd->doc = doc;
    const gz_segment *seg = ix->snap->seg[s];
    if (gz_segment_doc(seg, doc, &rd->di) != GZ_OK)
        return GZ_CORRUPT;
    size_t cap = 0;
    for (uint32_t u = rd->di.first_unit; u < rd->di.first_unit + rd->di.n_units; u++) {
        gz_unitinfo ui;
        if (ix->tab[s].kind[u] != GZ_KIND_ARTICLE || gz_segment_unit(seg, u, &ui) != GZ_OK || ui.number < 0)
            continue;
        if (gz_grow(&rd->arts, &cap, rd->n_arts + 1, sizeof *rd->arts, 64) != GZ_OK) {
            gz_free(rd->arts);
            return GZ_NOMEM;
        }
        size_t n;
        const char *r = reg_of(ui.path, &n);
        rd->arts[rd->n_arts++] = (ref_art){ui.number, ui.sub, u, ui.start, ui.end, ui.label, n ? r : rd->di.title,
                                       n ? n : strlen(rd->di.title)};
    }
    return GZ_OK;
}

static void refdoc_close(refdoc *rd) { gz_free(rd->arts); }

/* The article holding byte at of the document, or NULL. */
static const ref_art *art_at(const refdoc *rd, uint32_t at)
{
    for (size_t i = 0; i < rd->n_arts; i++)
        if (rd->arts[i].start <= at && at < rd->arts[i].end)
            return &rd->arts[i];
    return NULL;
}

/* Article number.sub of the citing article's regulation (any, without a
 * citing article), or NULL. */
static const ref_art *art_find(const refdoc *rd, const ref_art *from, int32_t number, uint32_t sub)
{
    for (size_t i = 0; i < rd->n_arts; i++) {
        const ref_art *a = &rd->arts[i];
        if (a->number == number && a->sub == sub &&
            (!from || (a->reg_len == from->reg_len && memcmp(a->reg, from->reg, a->reg_len) == 0)))
            return a;
    }
    return NULL;
}

/* ------------------------------------------------------------ labels */

/* v (1..9999) in Chinese numerals, as labels print it (第一千零四十二条). */
static void zh_num(int32_t v, gz_buf *b)
{
    static const char *const digit[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    static const char *const unit[] = {"千", "百", "十", ""};
    if (v <= 0 || v > 9999) {
        gz_buf_printf(b, "%d", v);
        return;
    }
    int d[4] = {v / 1000, v / 100 % 10, v / 10 % 10, v % 10}, started = 0, zero = 0;
    for (int i = 0; i < 4; i++) {
        if (!d[i]) {
            zero = started;
            continue;
        }
        if (zero)
            gz_buf_puts(b, digit[0]);
        zero = 0;
        if (!(i == 2 && d[i] == 1 && !started)) /* 十二, not 一十二 */
            gz_buf_puts(b, digit[d[i]]);
        gz_buf_puts(b, unit[i]);
        started = 1;
    }
}

static void label_part(gz_buf *b, int32_t v, const char *what)
{
    gz_buf_puts(b, "第");
    zh_num(v, b);
    gz_buf_puts(b, what);
}

/* ------------------------------------------------------ resolution */

/* Where a reference leads: an article (segment index, unit), the part of
 * it named, and its work. */
typedef struct target {
    size_t s;
    uint32_t unit;
    gz_buf label;
    const char *title;
    size_t title_len;
} target;

/* The 款 of byte at (from the article's start) of an article's text: the
 * last whose range starts at or before it; 0 when the text has none. */
static int32_t clause_at(const char *text, size_t len, size_t at)
{
    int32_t k = 0;
    gz_span sp;
    while (k < 200 && gz_law_clause_range(text, len, k + 1, 0, &sp) && sp.start <= at)
        k++;
    return k;
}

/* The segment index of a unit id "SEGID-DOC-UNIT"; 0 when it names none. */
static int unit_of_id(const sr_index *ix, const char *id, size_t *s, uint32_t *unit)
{
    unsigned sid, doc, u;
    if (sscanf(id, "%u-%u-%u", &sid, &doc, &u) != 3)
        return 0;
    for (size_t i = 0; i < ix->snap->man.n_seg; i++)
        if (ix->snap->man.seg[i].id == sid) {
            *s = i;
            *unit = u;
            return 1;
        }
    return 0;
}

/* A document's version date: the index's, else the one its file name
 * carries (公司法(2023-12-29).md), else its date; 0 for none. */
static uint32_t doc_version(const gz_docinfo *di)
{
    const char *base = strrchr(di->source, '/');
    base = base ? base + 1 : di->source;
    uint32_t named = di->version_date ? 0 : gz_law_name_date(base, strlen(base));
    return di->version_date ? di->version_date : named ? named : di->date;
}

/* How well name[0..n) names an article's work: its document's title or
 * its regulation's (*by_doc says which). */
static int name_score(const char *name, size_t n, const char *doc_title, const char *reg_title, int *by_doc)
{
    int d = gz_law_name_score(name, n, doc_title, strlen(doc_title));
    int r = gz_law_name_score(name, n, reg_title, strlen(reg_title));
    *by_doc = d >= r;
    return d >= r ? d : r;
}

/* The article of ans the name means: the one found, or among candidates
 * (versions of one work, and titles that merely hold the name), those
 * naming it best when they are versions of one work: the version in force
 * on as_of (0: the newest). It must name it at least as a short name
 * does. NULL if none. */
static const gazette_unit *pick(sr_index *ix, const gazette_article *ans, const char *name, size_t n, uint32_t as_of,
                                int *by_doc)
{
    if (ans->found)
        return name_score(name, n, ans->doc.title, ans->title, by_doc) >= GZ_LAW_NAME_SHORT ? &ans->unit : NULL;
    int best = GZ_LAW_NAME_SHORT - 1, bd;
    size_t k = 0, idx[50];
    uint32_t dates[50];
    char key[GZ_LAW_KEY_MAX], first[GZ_LAW_KEY_MAX] = "";
    for (size_t i = 0; i < ans->n_candidates && i < 50; i++) {
        const gazette_article_match *c = &ans->candidates[i];
        int sc = name_score(name, n, c->doc.title, c->title, &bd);
        if (sc < best)
            continue;
        if (sc > best)
            k = 0;
        best = sc;
        idx[k] = i;
        size_t s;
        uint32_t u;
        gz_unitinfo ui;
        gz_docinfo di;
        dates[k] = unit_of_id(ix, c->unit.id, &s, &u) && gz_segment_unit(ix->snap->seg[s], u, &ui) == GZ_OK &&
                           gz_segment_doc(ix->snap->seg[s], ui.doc, &di) == GZ_OK
                       ? doc_version(&di)
                       : 0;
        k++;
    }
    /* one work, whatever its versions */
    for (size_t i = 0; i < k; i++) {
        const char *t = ans->candidates[idx[i]].doc.title;
        gz_law_work_key(t, strlen(t), i ? key : first, GZ_LAW_KEY_MAX);
        if (i && strcmp(key, first) != 0)
            return NULL;
    }
    size_t at = k ? gz_law_version_pick(dates, k, as_of) : (size_t)-1;
    if (at == (size_t)-1)
        return NULL;
    const gazette_article_match *c = &ans->candidates[idx[at]];
    name_score(name, n, c->doc.title, c->title, by_doc);
    return &c->unit;
}

/* The article name[0..n) names, article.sub, through the lookup: as in
 * force on as_of (yyyymmdd) when it answers so, else as current. The
 * answer counts only when its work's title is the name's (a short name,
 * the same work, the title itself), not a title that merely holds it. */
static int lookup_named(sr_index *ix, const char *name, size_t n, int32_t article, uint32_t sub, uint32_t as_of,
                        target *t)
{
    char key[GZ_LAW_KEY_MAX];
    gz_law_work_key(name, n, key, sizeof key);
    const char *abbr = gz_law_abbrev(key);
    /* looked up only when the name, or what it abbreviates, is a work of
     * the article table's */
    if (sr_articles_ready(ix) != GZ_OK ||
        (sr_work_find(ix, key) == SR_NO_WORK && !(abbr && sr_work_find(ix, abbr) != SR_NO_WORK)))
        return 0;
    gz_buf q;
    gz_buf_init(&q);
    int found = 0;
    sr_arena a;
    sr_arena_init(&a);
    for (int dated = as_of != 0; dated >= 0 && !found; dated--) {
        q.len = 0;
        gz_buf_puts(&q, "《");
        gz_buf_put(&q, name, n);
        gz_buf_puts(&q, "》");
        label_part(&q, article, "条");
        if (sub) {
            gz_buf_puts(&q, "之");
            zh_num((int32_t)sub, &q);
        }
        if (dated)
            gz_buf_printf(&q, "@%04u-%02u-%02u", as_of / 10000, as_of / 100 % 100, as_of % 100);
        gazette_article ans;
        gz_error err = {0};
        ix->refs_busy++;
        gz_status st = q.status == GZ_OK ? sr_article(ix, gz_buf_cstr(&q), &a, &ans, &err) : GZ_NOMEM;
        ix->refs_busy--;
        int by_doc;
        const gazette_unit *u = st == GZ_OK ? pick(ix, &ans, name, n, dated ? as_of : 0, &by_doc) : NULL;
        if (!u || !unit_of_id(ix, u->id, &t->s, &t->unit))
            continue;
        /* ans's strings live in a: the document's title is the mapping's */
        gz_unitinfo ui;
        gz_docinfo di;
        const gz_segment *seg = ix->snap->seg[t->s];
        if (gz_segment_unit(seg, t->unit, &ui) != GZ_OK || gz_segment_doc(seg, ui.doc, &di) != GZ_OK)
            continue;
        size_t rn;
        const char *r = reg_of(ui.path, &rn);
        t->title = by_doc || !rn ? di.title : r;
        t->title_len = by_doc || !rn ? strlen(di.title) : rn;
        gz_buf_puts(&t->label, ui.label);
        found = 1;
    }
    sr_arena_fini(&a);
    gz_buf_fini(&q);
    return found;
}

/* A named work's reference: its name (an alias the text defines stands
 * for its title; a guessed name is tried from its longest suffix down). */
static int resolve_named(const refdoc *rd, const char *text, size_t len, const gz_xref *x, int32_t article,
                         target *t)
{
    const char *name = text + x->name.start;
    size_t n = x->name.end - x->name.start;
    gz_law_alias al[16];
    size_t n_al = gz_law_aliases(text, len, al, 16);
    for (size_t i = 0; i < n_al && i < 16; i++)
        if (al[i].alias.end - al[i].alias.start == n && memcmp(text + al[i].alias.start, name, n) == 0) {
            name = text + al[i].name.start;
            n = al[i].name.end - al[i].name.start;
            break;
        }
    uint32_t as_of = doc_version(&rd->di);
    if (!x->guessed_name)
        return lookup_named(rd->ix, name, n, article, (uint32_t)x->sub, as_of, t);
    /* suffixes of at least two characters, longest first */
    for (size_t from = 0; from + 6 <= n; from += 3)
        if (lookup_named(rd->ix, name + from, n - from, article, (uint32_t)x->sub, as_of, t))
            return 1;
    return 0;
}

/* Resolves x, found in text (bytes [base, base + len) of rd's document),
 * into *t (its label appended to t->label). For article ranges the first
 * article is the target, unless article (not 0) names one inside. */
static int resolve(const refdoc *rd, const char *text, size_t len, uint32_t base, const gz_xref *x, int32_t article,
                   target *t)
{
    const ref_art *in = art_at(rd, base + (uint32_t)x->start), *to = NULL;
    int32_t clause = x->clause, clause_to = 0;
    if (!article)
        article = x->article;
    if (article && x->scope == GZ_XREF_NAMED_WORK) {
        if (!resolve_named(rd, text, len, x, article, t))
            return 0;
    } else if (article) {
        /* the same work: this document's article, in the citing one's regulation */
        if (!(to = art_find(rd, in, article, (uint32_t)x->sub)))
            return 0;
    } else if (!in) {
        return 0;
    } else if (x->scope == GZ_XREF_PREV_ARTICLE) {
        if (in->sub ? !(to = art_find(rd, in, in->number, in->sub - 1))
                    : !(to = art_find(rd, in, in->number - 1, 0)))
            return 0;
    } else {
        to = in;
        if (x->scope == GZ_XREF_PREV_CLAUSE) {
            /* the 款 before the one citing, counted from the article's start
             * (read from the index when the text shown starts after it: an
             * item's hit) */
            int32_t k = 0;
            if (in->start >= base) {
                k = clause_at(text + (in->start - base), len - (in->start - base), x->start - (in->start - base));
            } else {
                gz_buf head;
                gz_buf_init(&head);
                if (gz_segment_text_range(rd->ix->snap->seg[rd->s], rd->doc, in->start, base + (uint32_t)x->start,
                                          &head, &rd->ix->tctx) == GZ_OK)
                    k = clause_at(head.data ? head.data : "", head.len, head.len);
                gz_buf_fini(&head);
            }
            if (k - x->back < 1)
                return 0;
            clause = k - x->back;
            clause_to = x->back > 1 ? k - 1 : 0;
        }
    }
    if (to) {
        gz_buf_puts(&t->label, to->label);
        t->s = rd->s;
        t->unit = to->unit;
        t->title = to->reg;
        t->title_len = to->reg_len;
    }
    if (x->article_to && article == x->article) {
        gz_buf_puts(&t->label, "至");
        label_part(&t->label, x->article_to, "条");
    }
    if (clause)
        label_part(&t->label, clause, "款");
    if (clause_to) {
        gz_buf_puts(&t->label, clause_to == clause + 1 ? "、" : "至");
        label_part(&t->label, clause_to, "款");
    }
    if (x->item)
        label_part(&t->label, x->item, "项");
    return t->label.status == GZ_OK;
}

/* target as an answer's target, in a. */
static void target_fill(sr_index *ix, const target *t, sr_arena *a, gazette_ref_target *out)
{
    const gz_segment *seg = ix->snap->seg[t->s];
    gz_unitinfo ui;
    gz_docinfo di;
    char id[48], link[SR_LINK_MAX] = "";
    if (gz_segment_unit(seg, t->unit, &ui) == GZ_OK && gz_segment_doc(seg, ui.doc, &di) == GZ_OK)
        sr_doc_link(ix, t->s, ui.doc, &di, link);
    snprintf(id, sizeof id, "%u-%u-%u", ix->snap->man.seg[t->s].id, ui.doc, t->unit);
    *out = (gazette_ref_target){sr_arena_str(a, id), sr_arena_str(a, link),
                                sr_arena_strn(a, t->label.data ? t->label.data : "", t->label.len),
                                sr_arena_strn(a, t->title, t->title_len)};
}

void sr_refs_text(sr_index *ix, size_t s, uint32_t doc, const char *text, size_t len, uint32_t base, size_t lo,
                  size_t hi, sr_arena *a, const gazette_ref **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    refdoc rd;
    if (refdoc_open(&rd, ix, s, doc) != GZ_OK)
        return;
    gazette_ref *v = NULL;
    size_t n = 0, cap = 0;
    gz_xref_scan sc;
    gz_xref x;
    target t = {0};
    gz_buf_init(&t.label);
    gz_xref_scan_init(&sc, text, len);
    while (gz_xref_scan_next(&sc, &x) && x.start < hi) {
        if (x.start < lo || x.end > hi)
            continue;
        t.label.len = 0;
        if (!resolve(&rd, text, len, base, &x, 0, &t))
            continue;
        if (n == cap) {
            gazette_ref *g = sr_arena_alloc(a, (cap = cap ? cap * 2 : 8) * sizeof *g);
            if (!g)
                break;
            if (n)
                memcpy(g, v, n * sizeof *g);
            v = g;
        }
        v[n] = (gazette_ref){(uint32_t)(x.start - lo), (uint32_t)(x.end - lo), gz_xref_scope_name(x.scope), {0}};
        target_fill(ix, &t, a, &v[n].target);
        n++;
    }
    gz_buf_fini(&t.label);
    refdoc_close(&rd);
    *out = v;
    *n_out = n;
}

void sr_refs_doc(sr_index *ix, size_t s, uint32_t doc, const char *text, size_t len, uint32_t base, sr_arena *a,
                 const gazette_ref **out, size_t *n)
{
    sr_refs_text(ix, s, doc, text, len, base, 0, len, a, out, n);
}

void sr_refs_article(sr_index *ix, sr_arena *a, gazette_article *art)
{
    size_t s;
    uint32_t unit;
    gz_unitinfo ui;
    if (ix->refs_busy || !art->found || !art->text || !unit_of_id(ix, art->unit.id, &s, &unit) ||
        gz_segment_unit(ix->snap->seg[s], unit, &ui) != GZ_OK)
        return;
    sr_refs_text(ix, s, ui.doc, art->text, art->text_len, ui.start, 0, art->text_len, a, &art->refs, &art->n_refs);
}

/* ------------------------------------------------------------ cited by */

/* At most this many citing units are listed, and this many of the index's
 * best matches for the article's label and work are read to find them. */
#define CITED_MAX 200
#define CANDIDATES_MAX 2000

typedef struct cited_ctx {
    sr_index *ix;
    size_t ts;           /* the cited article: segment index, unit */
    uint32_t tu;
    int32_t number;
    uint32_t sub;
    sr_arena *a;
    gazette_citation *v; /* listed so far */
    size_t n;
    int full;            /* CITED_MAX reached */
} cited_ctx;

/* Does x lead to the cited article? An article range holding it counts;
 * a reference inside an article to its own 款 does not. */
static int cites(const cited_ctx *c, const refdoc *rd, const char *text, size_t len, uint32_t base, const gz_xref *x)
{
    int32_t article = 0;
    if (x->article) {
        int in_range = x->article_to && x->article < c->number && c->number <= x->article_to && !c->sub;
        if (!in_range && (x->article != c->number || (uint32_t)x->sub != c->sub))
            return 0;
        article = c->number;
    } else if (x->scope != GZ_XREF_PREV_ARTICLE) {
        return 0;
    }
    target t = {0};
    gz_buf_init(&t.label);
    int ok = resolve(rd, text, len, base, x, article, &t) && t.s == c->ts && t.unit == c->tu;
    gz_buf_fini(&t.label);
    return ok;
}

/* Lists the unit citing at x (the article holding it, else unit), once. */
static void cited_add(cited_ctx *c, const refdoc *rd, const char *text, size_t len, uint32_t base, const gz_xref *x,
                      uint32_t unit)
{
    const ref_art *in = art_at(rd, base + (uint32_t)x->start);
    if (in)
        unit = in->unit;
    if (rd->s == c->ts && unit == c->tu)
        return;
    char id[48];
    snprintf(id, sizeof id, "%u-%u-%u", c->ix->snap->man.seg[rd->s].id, rd->doc, unit);
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->v[i].unit.id, id) == 0)
            return;
    if (c->n == CITED_MAX) {
        c->full = 1;
        return;
    }
    gz_unitinfo ui;
    if (gz_segment_unit(c->ix->snap->seg[rd->s], unit, &ui) != GZ_OK)
        return;
    gazette_citation *e = &c->v[c->n++];
    size_t rn;
    const char *r = reg_of(ui.path, &rn);
    e->title = rn ? sr_arena_strn(c->a, r, rn) : rd->di.title;
    sr_doc_ref_fill(c->a, c->ix, rd->s, rd->doc, &rd->di, &e->doc);
    sr_unit_fill(c->a, c->ix, rd->s, unit, &ui, &e->unit);
    /* the reference's line, at most 120 bytes either side, on characters */
    size_t from = x->start, to = x->end;
    while (from > 0 && text[from - 1] != '\n' && x->start - from < 120)
        from--;
    while (to < len && text[to] != '\n' && to - x->end < 120)
        to++;
    while (from < x->start && ((unsigned char)text[from] & 0xC0) == 0x80)
        from++;
    while (to > x->end && to < len && ((unsigned char)text[to] & 0xC0) == 0x80)
        to--;
    e->snippet = sr_arena_strn(c->a, text + from, to - from);
    e->snippet_len = to - from;
    e->ref = (gazette_range){(uint32_t)(x->start - from), (uint32_t)(x->end - from)};
}

/* The citing units in text (bytes [base, base + len) of rd's document,
 * inside unit); 0 when the budget is spent. */
static int cited_scan(cited_ctx *c, const refdoc *rd, const char *text, size_t len, uint32_t base, uint32_t unit)
{
    if (sr_spend(len / 4 + 1) != GZ_OK)
        return 0;
    gz_xref_scan sc;
    gz_xref x;
    gz_xref_scan_init(&sc, text, len);
    while (!c->full && gz_xref_scan_next(&sc, &x))
        if (cites(c, rd, text, len, base, &x))
            cited_add(c, rd, text, len, base, &x, unit);
    return 1;
}

/* The query finding other works' citations: the article's label and its
 * work's key (Han characters and digits only: no query syntax). */
static void cited_query(const char *label, const char *title, gz_buf *q)
{
    char key[GZ_LAW_KEY_MAX];
    size_t n = gz_law_work_key(title, strlen(title), key, sizeof key);
    gz_buf_puts(q, label);
    gz_buf_putc(q, ' ');
    for (const char *p = key, *end = key + n; p < end;) {
        const char *c = p;
        int32_t cp = gz_utf8_next(&p, end);
        if (cp < 0)
            break;
        if (gz_is_han(cp) || (cp >= '0' && cp <= '9'))
            gz_buf_put(q, c, (size_t)(p - c));
        else
            gz_buf_putc(q, ' ');
    }
}

/* Other documents' units citing the article: the index's best matches for
 * its label and work, each read and confirmed by the scanner. */
static gz_status cited_others(cited_ctx *c, const gazette_article *art, int *partial)
{
    gz_buf q, text;
    gz_buf_init(&q);
    gz_buf_init(&text);
    cited_query(art->unit.label, art->doc.title, &q);
    q_plan plan;
    run_out r = {0};
    run_opts o = {.want = CANDIDATES_MAX, .cmp = sr_cmp_hit_score, .prune = 1};
    gz_status st = q.status == GZ_OK ? q_parse(c->ix->an, gz_buf_cstr(&q), Q_READ_KEYWORDS, NULL, &plan) : GZ_NOMEM;
    if (st == GZ_OK) {
        st = sr_run(c->ix, &plan, &o, &r);
        q_plan_fini(&plan);
    }
    *partial |= r.partial || r.total > r.n_hits; /* matches past the best read */
    if (st == GZ_OK && r.n_hits > 1)
        qsort(r.hits, r.n_hits, sizeof *r.hits, sr_cmp_hit_score);
    refdoc rd = {0};
    int have = 0;
    for (size_t i = 0; st == GZ_OK && i < r.n_hits && !c->full; i++) {
        const hit *h = &r.hits[i];
        const gz_segment *seg = c->ix->snap->seg[h->seg];
        gz_unitinfo ui;
        if ((h->seg == c->ts && h->doc == c->ix->tab[c->ts].doc[c->tu]) || gz_segment_unit(seg, h->unit, &ui) != GZ_OK)
            continue; /* the article's own document was read whole */
        if (!have || rd.s != h->seg || rd.doc != h->doc) {
            if (have)
                refdoc_close(&rd);
            have = 0;
            if ((st = refdoc_open(&rd, c->ix, h->seg, h->doc)) != GZ_OK)
                break;
            have = 1;
        }
        uint32_t upto = ui.end - ui.start > 65536 ? ui.start + 65536 : ui.end;
        if (gz_segment_text_range(seg, h->doc, ui.start, upto, &text, &c->ix->tctx) != GZ_OK)
            continue;
        if (!cited_scan(c, &rd, text.data ? text.data : "", text.len, ui.start, h->unit)) {
            *partial = 1;
            break;
        }
    }
    if (have)
        refdoc_close(&rd);
    gz_free(r.hits);
    gz_buf_fini(&q);
    gz_buf_fini(&text);
    return st;
}

gz_status sr_article_cited_by(sr_index *ix, const char *ref, const sr_limits *lim, sr_arena *a,
                              gazette_article *out, gz_error *err)
{
    gz_status st = sr_article(ix, ref, a, out, err);
    if (st != GZ_OK || !out->found)
        return st;
    cited_ctx c = {ix, 0, 0, out->unit.number, out->unit.sub, a, NULL, 0, 0};
    gz_unitinfo ui;
    if (!unit_of_id(ix, out->unit.id, &c.ts, &c.tu) || gz_segment_unit(ix->snap->seg[c.ts], c.tu, &ui) != GZ_OK)
        return gz_error_set(err, GZ_CORRUPT, -1, "[searcher][cited-by] %s: unit unreadable", out->unit.id);
    if (!(c.v = sr_arena_alloc(a, CITED_MAX * sizeof *c.v)))
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    sr_budget b;
    sr_budget_begin(&b, lim);
    int partial = 0;
    /* its own work: the whole document, read once */
    refdoc rd;
    gz_buf text;
    gz_buf_init(&text);
    if ((st = refdoc_open(&rd, ix, c.ts, ui.doc)) == GZ_OK) {
        if (gz_segment_text(ix->snap->seg[c.ts], ui.doc, &text, &ix->tctx) == GZ_OK &&
            !cited_scan(&c, &rd, text.data ? text.data : "", text.len, 0, c.tu))
            partial = 1;
        refdoc_close(&rd);
    }
    gz_buf_fini(&text);
    /* other works: through the index */
    if (st == GZ_OK && !partial && !c.full)
        st = cited_others(&c, out, &partial);
    partial |= sr_budget_spent();
    sr_budget_end(&b);
    if (st != GZ_OK)
        return gz_error_set(err, st, -1, "[searcher][cited-by] %s", gz_status_str(st));
    out->cited_by_asked = 1;
    out->cited_by_partial = partial || c.full;
    out->cited_by = c.v;
    out->n_cited_by = c.n;
    return a->failed ? gz_error_set(err, GZ_NOMEM, -1, "out of memory") : GZ_OK;
}
