/* searcher/article.c: looking up an article by reference (公司法第十七条,
 * 《title》第四十六条, 刑法 第 232 条, 公司法第十七条@2018-10-26,
 * 劳动合同法第三十九条第一款) through the law desk's parser and name rules
 * (common/law.h), and showing a whole document by id. */
#include "common/law.h"
#include "searcher/answer.h"
#include "searcher/article.h"
#include "searcher/docid.h"
#include "searcher/match.h"
#include "searcher/refs.h"
#include "searcher/versions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the article table's order: work, number, sub, then the snapshot's */
static int cmp_article_ref(const void *a, const void *b)
{
    const sr_article_ref *x = a, *y = b;
    if (x->work != y->work)
        return x->work < y->work ? -1 : 1;
    if (x->number != y->number)
        return x->number < y->number ? -1 : 1;
    if (x->sub != y->sub)
        return x->sub < y->sub ? -1 : 1;
    if (x->seg != y->seg)
        return x->seg < y->seg ? -1 : 1;
    return (x->unit > y->unit) - (x->unit < y->unit);
}

/* The regulation a unit belongs to: a law's title (a document with a
 * version date, whose path holds its parts: 一、管辖), else its path's
 * first element, else the document's title. Returns its length in out
 * (cut at a character). */
static size_t reg_title(const gz_unitinfo *ui, const gz_docinfo *di, char *out, size_t cap)
{
    const char *from = di->title;
    size_t n;
    if (!di->version_date && *ui->path && strncmp(ui->path, "第", 3) != 0) {
        const char *slash = strstr(ui->path, " / ");
        from = ui->path;
        n = slash ? (size_t)(slash - ui->path) : strlen(ui->path);
    } else {
        n = strlen(di->title);
    }
    if (n >= cap) /* cut at a character's start */
        for (n = cap - 1; n && ((unsigned char)from[n] & 0xC0) == 0x80; n--)
            ;
    memcpy(out, from, n);
    out[n] = 0;
    return n;
}

/* The work of a regulation's title, added when new. */
static uint32_t title_work(sr_index *ix, const char *title, size_t len)
{
    char key[GZ_LAW_KEY_MAX], clean[GZ_LAW_KEY_MAX];
    gz_law_work_key(title, len, key, sizeof key);
    gz_law_title_clean(title, len, clean, sizeof clean);
    return sr_work_intern(ix, key, clean);
}

/* Every article unit of the snapshot by (work, number, sub), built at the
 * first lookup: a search that looks no article up does not pay for it. A
 * law's articles belong to its document's work (versions.c); the articles
 * of a regulation inside a bulletin document to the work of the
 * regulation's title (the first element of their path). */
static gz_status articles_load(sr_index *ix)
{
    char reg[GZ_LAW_KEY_MAX], last[GZ_LAW_KEY_MAX] = "";
    uint32_t last_work = SR_NO_WORK;
    for (size_t s = 0; s < ix->snap->man.n_seg; s++) {
        const sr_segtab *t = &ix->tab[s];
        uint32_t n_units = ix->snap->man.seg[s].n_units;
        for (uint32_t u = 0; u < n_units; u++) {
            gz_unitinfo ui;
            gz_docinfo di;
            if (t->kind[u] != GZ_KIND_ARTICLE || gz_segment_unit(ix->snap->seg[s], u, &ui) != GZ_OK ||
                ui.number < 0 || gz_segment_doc(ix->snap->seg[s], ui.doc, &di) != GZ_OK)
                continue;
            size_t n = reg_title(&ui, &di, reg, sizeof reg);
            uint32_t w = t->work[ui.doc];
            if (w == SR_NO_WORK) {
                if (strcmp(reg, last) != 0) { /* units of one regulation follow each other */
                    last_work = title_work(ix, reg, n);
                    memcpy(last, reg, n + 1);
                }
                w = last_work;
            }
            if (w == SR_NO_WORK ||
                gz_grow(&ix->articles, &ix->cap_articles, ix->n_articles + 1, sizeof *ix->articles, 1024) != GZ_OK)
                return GZ_NOMEM;
            ix->articles[ix->n_articles++] = (sr_article_ref){w, (uint32_t)ui.number, ui.sub, (uint32_t)s, u};
        }
    }
    if (ix->n_articles)
        qsort(ix->articles, ix->n_articles, sizeof *ix->articles, cmp_article_ref);
    ix->articles_ready = 1;
    return GZ_OK;
}

gz_status sr_articles_ready(sr_index *ix)
{
    return ix->articles_ready ? GZ_OK : articles_load(ix);
}

/* The first entry of the article table at or after (work, number, sub):
 * a binary search. */
static size_t articles_at(const sr_index *ix, uint32_t work, uint32_t number, uint32_t sub)
{
    size_t lo = 0, hi = ix->n_articles;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const sr_article_ref *m = &ix->articles[mid];
        int less = m->work != work ? m->work < work : m->number != number ? m->number < number : m->sub < sub;
        if (less)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int same_article(const sr_article_ref *a, uint32_t work, uint32_t number, uint32_t sub)
{
    return a->work == work && a->number == number && a->sub == sub;
}

/* The version of work w's article (number, sub) that answers as_of (0:
 * the current version): the entry of the table at [at, ...) whose
 * document's version date (its date for a document that is no version)
 * gz_law_version_pick picks. (size_t)-1 when none is in force yet. */
static size_t pick_version(const sr_index *ix, size_t at, uint32_t as_of, uint32_t w, uint32_t number, uint32_t sub)
{
    uint32_t dates[256];
    size_t n = 0;
    while (at + n < ix->n_articles && n < 256 && same_article(&ix->articles[at + n], w, number, sub)) {
        const sr_article_ref *a = &ix->articles[at + n];
        const sr_segtab *t = &ix->tab[a->seg];
        uint32_t doc = t->doc[a->unit];
        /* a deleted document is older than any version: never picked
         * while a live one is */
        dates[n++] = gz_bit(ix->snap->deleted[a->seg], doc) ? 0 : t->vdate[doc] ? t->vdate[doc] : t->date[doc];
    }
    size_t k = gz_law_version_pick(dates, n, as_of);
    if (k == (size_t)-1)
        return k;
    const sr_article_ref *a = &ix->articles[at + k];
    return gz_bit(ix->snap->deleted[a->seg], ix->tab[a->seg].doc[a->unit]) ? (size_t)-1 : at + k;
}

/* What a reference resolves to: the articles of the works that its name
 * names best (one for an answer, more for candidates), as indices of the
 * article table. */
typedef struct resolved {
    size_t *at;
    size_t n, cap;
    int score; /* GZ_LAW_NAME_* of the works kept */
} resolved;

static gz_status resolved_add(resolved *rv, size_t at)
{
    if (gz_grow(&rv->at, &rv->cap, rv->n + 1, sizeof *rv->at, 8) != GZ_OK)
        return GZ_NOMEM;
    rv->at[rv->n++] = at;
    return GZ_OK;
}

/* Resolves r: among the works that have its article, those whose title
 * the name names best (exact title, then the same work key, then a known
 * short name, then a title that merely contains it); in each, the version
 * r->date asks for (the current one when 0). Without a name, every work
 * with the article (a full pass over the table). */
static gz_status resolve(sr_index *ix, const gz_lawref *r, resolved *rv)
{
    memset(rv, 0, sizeof *rv);
    if (sr_articles_ready(ix) != GZ_OK)
        return GZ_NOMEM;
    if (r->article <= 0)
        return GZ_OK;
    uint32_t number = (uint32_t)r->article, sub = (uint32_t)r->sub;
    char nclean[GZ_LAW_KEY_MAX], nkey[GZ_LAW_KEY_MAX];
    size_t nlen = strlen(r->name);
    gz_law_title_clean(r->name, nlen, nclean, sizeof nclean);
    gz_law_work_key(r->name, nlen, nkey, sizeof nkey);
    /* a work scores only if its key holds the name's or is the short
     * name's: that test first, the full score for those that pass */
    const char *ab = nlen ? gz_law_abbrev(nkey) : NULL;
    for (size_t w = 0; w < ix->n_works; w++) {
        const sr_work *k = &ix->works[w];
        if (nlen && !strstr(k->key, nkey) && !(ab && strcmp(ab, k->key) == 0))
            continue;
        int sc = nlen ? gz_law_name_score_keys(nclean, nkey, k->clean, k->key) : GZ_LAW_NAME_CONTAINS;
        if (sc == GZ_LAW_NAME_NONE || sc < rv->score)
            continue;
        size_t at = articles_at(ix, (uint32_t)w, number, sub);
        if (at >= ix->n_articles || !same_article(&ix->articles[at], (uint32_t)w, number, sub))
            continue;
        size_t pick = pick_version(ix, at, r->date, (uint32_t)w, number, sub);
        if (pick == (size_t)-1)
            continue;
        if (sc > rv->score) {
            rv->n = 0;
            rv->score = sc;
        }
        if (resolved_add(rv, pick) != GZ_OK)
            return GZ_NOMEM;
    }
    return GZ_OK;
}

/* The first line of an article's text, at most about 80 characters. */
static const char *first_line(sr_arena *a, const char *text, size_t len)
{
    const char *nl = memchr(text, '\n', len);
    size_t n = nl ? (size_t)(nl - text) : len;
    if (n > 240) {
        n = 240;
        while (n && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--;
    }
    return sr_arena_strn(a, text, n);
}

/* v (1 to 99) in Chinese numerals into b: 二, 十二, 二十. */
static void zh_number(char *b, size_t cap, int32_t v)
{
    static const char *const d[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    if (v < 1 || v > 99)
        snprintf(b, cap, "%d", v);
    else if (v < 10)
        snprintf(b, cap, "%s", d[v]);
    else
        snprintf(b, cap, "%s十%s", v >= 20 ? d[v / 10] : "", d[v % 10]);
}

/* The 款/项 label: 第一款, 第一款第（二）项, 第二项. */
static const char *clause_label(sr_arena *a, int32_t clause, int32_t item)
{
    char b[96], c[32], i[32];
    zh_number(c, sizeof c, clause);
    zh_number(i, sizeof i, item);
    snprintf(b, sizeof b, "%s%s%s%s%s", clause > 0 ? "第" : "", clause > 0 ? c : "", clause > 0 ? "款" : "",
             item > 0 ? "第（" : "", item > 0 ? i : "");
    if (item > 0)
        snprintf(b + strlen(b), sizeof b - strlen(b), "）项");
    return sr_arena_str(a, b);
}

gz_status sr_article(sr_index *ix, const char *text, sr_arena *a, gazette_article *out, gz_error *err)
{
    memset(out, 0, sizeof *out);
    gz_lawref r;
    gz_error perr = {0};
    if (gz_lawref_parse(text, strlen(text), &r, &perr) != GZ_OK) {
        out->note = sr_arena_str(a, perr.msg[0] ? perr.msg : "no 第…条 in the reference");
        return a->failed ? gz_error_set(err, GZ_NOMEM, -1, "out of memory") : GZ_OK;
    }
    out->as_of = r.date;
    resolved rv;
    if (resolve(ix, &r, &rv) != GZ_OK) {
        gz_free(rv.at);
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    char reg[GZ_LAW_KEY_MAX];
    gz_buf t;
    gz_buf_init(&t);
    if (rv.n == 1) {
        const sr_article_ref *ar = &ix->articles[rv.at[0]];
        const gz_segment *seg = ix->snap->seg[ar->seg];
        gz_unitinfo ui;
        gz_docinfo di;
        gz_segment_unit(seg, ar->unit, &ui);
        gz_segment_doc(seg, ui.doc, &di);
        reg_title(&ui, &di, reg, sizeof reg);
        out->found = 1;
        out->title = sr_arena_str(a, reg);
        out->source = di.source;
        sr_doc_ref_fill(a, ix, ar->seg, ui.doc, &di, &out->doc);
        sr_unit_fill(a, ix, ar->seg, ar->unit, &ui, &out->unit);
        if (gz_segment_text_range(seg, ui.doc, ui.start, ui.end, &t, &ix->tctx) == GZ_OK) {
            out->text = sr_arena_strn(a, t.data ? t.data : "", t.len);
            out->text_len = t.len;
            gz_span sp;
            if ((r.clause || r.item) && gz_law_clause_range(out->text, t.len, r.clause, r.item, &sp)) {
                out->has_clause = 1;
                out->clause = (gazette_range){(uint32_t)sp.start, (uint32_t)sp.end};
                out->clause_label = clause_label(a, r.clause, r.item);
            } else if (r.clause || r.item) {
                out->note = "the article has no such 款 or 项: the whole article";
            }
        }
        sr_refs_article(ix, a, out);
    } else {
        size_t k = rv.n < 50 ? rv.n : 50;
        gazette_article_match *m = sr_arena_alloc(a, (k + 1) * sizeof *m);
        for (size_t i = 0; m && i < k; i++) {
            const sr_article_ref *ar = &ix->articles[rv.at[i]];
            const gz_segment *seg = ix->snap->seg[ar->seg];
            gz_unitinfo ui;
            gz_docinfo di;
            gz_segment_unit(seg, ar->unit, &ui);
            gz_segment_doc(seg, ui.doc, &di);
            reg_title(&ui, &di, reg, sizeof reg);
            m[i].title = sr_arena_str(a, reg);
            sr_doc_ref_fill(a, ix, ar->seg, ui.doc, &di, &m[i].doc);
            sr_unit_fill(a, ix, ar->seg, ar->unit, &ui, &m[i].unit);
            uint32_t end = ui.end - ui.start > 1024 ? ui.start + 1024 : ui.end;
            t.len = 0;
            m[i].first_line = gz_segment_text_range(seg, ui.doc, ui.start, end, &t, &ix->tctx) == GZ_OK
                                  ? first_line(a, t.data ? t.data : "", t.len)
                                  : "";
        }
        out->candidates = m;
        out->n_candidates = m ? k : 0;
        out->total = rv.n;
        if (!rv.n && r.date)
            out->note = "no version of a work so named is in force on that date";
        else if (!rv.n)
            out->note = "no work so named in this index holds that article";
    }
    gz_buf_fini(&t);
    gz_free(rv.at);
    return a->failed ? gz_error_set(err, GZ_NOMEM, -1, "out of memory") : GZ_OK;
}

gz_status sr_article_json(sr_index *ix, const char *text, gz_buf *out, int *ambiguous, gz_error *err)
{
    sr_arena a;
    sr_arena_init(&a);
    gazette_article art;
    gz_status st = sr_article(ix, text, &a, &art, err);
    *ambiguous = st == GZ_OK && !art.found && art.total > 1;
    if (st == GZ_OK) {
        sr_article_answer_json(&art, out);
        if (out->status != GZ_OK)
            st = gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    sr_arena_fini(&a);
    return st;
}

/* The page of a document's text from byte a: at most SR_DOC_PAGE bytes,
 * ending at the last unit end inside it when the text goes on (a unit
 * longer than a page is cut), both ends moved onto character starts. */
static gz_status show_page(const gz_segment *seg, uint32_t doc, const gz_docinfo *di, uint32_t a, gz_buf *t,
                           gz_textctx **tctx, uint32_t *pa, uint32_t *pb)
{
    uint32_t len = di->text_len, b = len - a > SR_DOC_PAGE ? a + SR_DOC_PAGE : len;
    if (b < len) {
        uint32_t cut = 0;
        for (uint32_t u = di->first_unit; u < di->first_unit + di->n_units; u++) {
            gz_unitinfo ui;
            if (gz_segment_unit(seg, u, &ui) == GZ_OK && ui.end > a && ui.end <= b && ui.end > cut)
                cut = ui.end;
        }
        if (cut)
            b = cut;
    }
    gz_status st = gz_segment_text_range(seg, doc, a, b, t, tctx);
    if (st != GZ_OK)
        return st;
    /* a starting inside a character moves to the next one; a character
     * cut at b waits for the next page */
    size_t lead = 0, n = t->len;
    while (lead < n && ((unsigned char)t->data[lead] & 0xC0) == 0x80)
        lead++;
    if (b < len && n > lead) {
        size_t last = n - 1;
        while (last > lead && ((unsigned char)t->data[last] & 0xC0) == 0x80)
            last--;
        unsigned char c = (unsigned char)t->data[last];
        size_t need = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (last + need > n)
            n = last;
    }
    if (lead)
        memmove(t->data, t->data + lead, n - lead);
    t->len = n - lead;
    gz_buf_cstr(t);
    *pa = a + (uint32_t)lead;
    *pb = a + (uint32_t)n;
    return GZ_OK;
}

gz_status sr_show(sr_index *ix, const char *id, uint64_t from, const char *unit, sr_arena *ar,
                  gazette_document *out, gz_error *err)
{
    memset(out, 0, sizeof *out);
    size_t s;
    uint32_t doc;
    gz_docinfo di;
    int found = sr_doc_find(ix, id, &s, &doc);
    if (!found || gz_segment_doc(ix->snap->seg[s], doc, &di) != GZ_OK)
        return gz_error_set(err, GZ_INVALID, -1, "[searcher][show] no document %.64s in this snapshot", id);
    const gz_segment *seg = ix->snap->seg[s];
    /* the page: from a unit of this document, else from the byte asked */
    uint32_t a = from < di.text_len ? (uint32_t)from : di.text_len, pa, pb;
    uint32_t uu;
    gz_unitinfo ui;
    if (unit && sr_unit_find(ix, unit, s, doc, &uu) && gz_segment_unit(seg, uu, &ui) == GZ_OK &&
        ui.start <= di.text_len)
        a = ui.start;
    gz_buf t;
    gz_buf_init(&t);
    gz_status st = show_page(seg, doc, &di, a, &t, &ix->tctx, &pa, &pb);
    if (st != GZ_OK) {
        gz_buf_fini(&t);
        return gz_error_set(err, st, -1, "[searcher][show] %.64s: stored text unreadable", id);
    }
    sr_doc_ref_fill(ar, ix, s, doc, &di, &out->doc);
    out->moved_from = found == 2 ? sr_arena_str(ar, id) : NULL;
    out->issue = di.issue;
    out->text = sr_arena_strn(ar, t.data ? t.data : "", t.len);
    out->text_start = pa;
    out->text_end = pb;
    out->text_len = di.text_len;
    out->next = pb < di.text_len ? (int64_t)pb : -1;
    out->prev = pa > 0 ? (int64_t)(pa > SR_DOC_PAGE ? pa - SR_DOC_PAGE : 0) : -1;
    sr_refs_text(ix, s, doc, t.data ? t.data : "", t.len, pa, 0, t.len, ar, &out->refs, &out->n_refs);
    gz_buf_fini(&t);
    /* the units the page overlaps */
    gazette_unit *u = sr_arena_alloc(ar, ((size_t)di.n_units + 1) * sizeof *u);
    for (uint32_t k = di.first_unit; u && k < di.first_unit + di.n_units; k++) {
        if (gz_segment_unit(seg, k, &ui) != GZ_OK || ui.start >= pb || (ui.end <= pa && ui.start != pa))
            continue;
        sr_unit_fill(ar, ix, s, k, &ui, &u[out->n_units++]);
    }
    out->units = u;
    sr_work_versions(ar, ix, s, doc, 1, &out->versions, &out->n_versions);
    return ar->failed ? gz_error_set(err, GZ_NOMEM, -1, "out of memory") : GZ_OK;
}

gz_status sr_show_json(sr_index *ix, const char *id, uint64_t from, const char *unit, gz_buf *out, gz_error *err)
{
    sr_arena a;
    sr_arena_init(&a);
    gazette_document d;
    gz_status st = sr_show(ix, id, from, unit, &a, &d, err);
    if (st == GZ_OK) {
        sr_document_json(&d, out);
        if (out->status != GZ_OK)
            st = gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    sr_arena_fini(&a);
    return st;
}

/* ------------------------------------------- references in the search box */

/* Does q[0, len) end with one of the (three-byte) characters of set? */
static int ends_with_any(const char *q, size_t len, const char *set)
{
    for (const char *c = set; len >= 3 && *c; c += 3)
        if (memcmp(q + len - 3, c, 3) == 0)
            return 1;
    return 0;
}

/* Past 第<numeral><unit> at p (第一款, 第2项), or p when it is not one. */
static const char *past_part(const char *p, const char *unit)
{
    int64_t v;
    if (strncmp(p, "第", 3) != 0)
        return p;
    size_t m = gz_numeral_parse(p + 3, strlen(p + 3), &v);
    return m && strncmp(p + 3 + m, unit, 3) == 0 ? p + 3 + m + 3 : p;
}

int sr_reference(sr_index *ix, const char *query, uint64_t **ids, size_t *n_ids, char *cited, size_t cap)
{
    *ids = NULL;
    *n_ids = 0;
    /* the query ends with its label (blanks and a full stop aside) and
     * begins with a short title, no sentence */
    size_t len = strlen(query);
    while (len && (query[len - 1] == ' ' || query[len - 1] == '\t'))
        len--;
    char q[256];
    if (len < 7 || len >= sizeof q)
        return 0;
    memcpy(q, query, len);
    q[len] = 0;
    /* 第三十九条规定, 第三十九条的规定: the article all the same */
    static const char *const tails[] = {"的规定", "规定"};
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        size_t tl = strlen(tails[i]);
        if (len > tl + 3 && strcmp(q + len - tl, tails[i]) == 0 &&
            (ends_with_any(q, len - tl, "条款项"))) {
            len -= tl;
            q[len] = 0;
            break;
        }
    }
    gz_lawref r;
    if (gz_lawref_parse(q, len, &r, NULL) != GZ_OK || !r.name[0])
        return 0;
    /* the last article label (the search box takes a full label: 第十
     * alone is a keyword), then at most a clause and an item of it
     * (第十七条第一款第二项: the article holds them) */
    const char *label = NULL;
    size_t nl = 0;
    int64_t v;
    for (const char *p = strstr(q, "第"); p; p = strstr(p + 3, "第")) {
        size_t m = gz_numeral_parse(p + 3, strlen(p + 3), &v);
        if (m && strncmp(p + 3 + m, "条", 3) == 0)
            label = p, nl = m;
    }
    if (!label)
        return 0;
    const char *after = label + 3 + nl + 3;
    if (strncmp(after, "之", 3) == 0) {
        size_t m = gz_numeral_parse(after + 3, strlen(after + 3), &v);
        after += m ? 3 + m : 0;
    }
    size_t label_len = (size_t)(after - label);
    after = past_part(past_part(after, "款"), "项");
    if (*after || label - q > 120)
        return 0;
    for (const char *p = q; p < label;) {
        int32_t c = gz_utf8_next(&p, label);
        /* a title: Han characters, 《》, brackets, digits, blanks */
        if (c < 0 || !(gz_is_han(c) || c == 0x300A || c == 0x300B || c == 0xFF08 || c == 0xFF09 || c == ' ' ||
                       (c >= '0' && c <= '9')))
            return 0;
    }
    resolved rv;
    if (resolve(ix, &r, &rv) != GZ_OK || !rv.n) {
        gz_free(rv.at);
        return 0;
    }
    uint64_t *v2 = gz_alloc(rv.n * sizeof *v2);
    for (size_t i = 0; v2 && i < rv.n; i++)
        v2[i] = (uint64_t)ix->articles[rv.at[i]].seg << 32 | ix->articles[rv.at[i]].unit;
    size_t k = rv.n;
    gz_free(rv.at);
    if (!v2)
        return 0;
    /* the units citing it: its work key (without 中华人民共和国, which
     * citations leave out) and its label, as keywords */
    char key[GZ_LAW_KEY_MAX];
    gz_law_work_key(r.name, strlen(r.name), key, sizeof key);
    snprintf(cited, cap, "%s %.*s", key, (int)label_len, label);
    *ids = v2;
    *n_ids = k;
    return 1;
}

gz_status sr_hits_first(sr_index *ix, run_out *r, const uint64_t *ids, size_t n, size_t want)
{
    if (!n)
        return GZ_OK;
    double top = 0;
    for (size_t i = 0; i < r->n_hits; i++)
        if (r->hits[i].score > top)
            top = r->hits[i].score;
    size_t keep = want && want < n ? want : n;
    hit *h = gz_alloc((r->n_hits + keep + 1) * sizeof *h);
    if (!h)
        return GZ_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < keep; i++) {
        uint32_t s = (uint32_t)(ids[i] >> 32), u = (uint32_t)ids[i];
        const sr_segtab *t = &ix->tab[s];
        uint32_t doc = t->doc[u];
        h[k++] = (hit){top + 1.0 + (double)(keep - i), s, u, doc, t->date[doc], {UINT32_MAX, UINT32_MAX}, 1,
                       t->kind[u]};
    }
    for (size_t i = 0; i < r->n_hits; i++) {
        int dup = 0;
        for (size_t j = 0; j < keep && !dup; j++)
            dup = r->hits[i].seg == h[j].seg && r->hits[i].unit == h[j].unit;
        if (!dup)
            h[k++] = r->hits[i];
        else
            r->total--;
    }
    r->total += keep;
    /* the page: the best `want` */
    if (want && k > want) {
        qsort(h, k, sizeof *h, sr_cmp_hit_score);
        k = want;
    }
    gz_free(r->hits);
    r->hits = h;
    r->n_hits = k;
    return GZ_OK;
}
