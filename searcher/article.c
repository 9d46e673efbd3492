/* searcher/article.c: looking up an article by reference (《title》第四十六条,
 * title 第46条, 第十条之一), and showing a whole document by id. */
#include "common/probe.h"
#include "searcher/answer.h"
#include "searcher/article.h"
#include "searcher/docid.h"
#include "searcher/match.h"
#include "searcher/refs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ref {
    char title[512]; /* normalised; may be empty */
    int64_t number;
    int32_t sub;
} ref;

/* Parses the last 第…条[之…] of s and the title before it. */
static int parse_ref(an_analyzer *an, const char *s, ref *r)
{
    memset(r, 0, sizeof *r);
    const char *di = NULL;
    for (const char *p = strstr(s, "第"); p; p = strstr(p + 3, "第")) {
        int64_t v;
        size_t n = gz_numeral_parse(p + 3, strlen(p + 3), &v);
        if (n && strncmp(p + 3 + n, "条", 3) == 0) {
            di = p;
            r->number = v;
            r->sub = 0;
            const char *after = p + 3 + n + 3;
            if (strncmp(after, "之", 3) == 0) {
                int64_t sub;
                size_t m = gz_numeral_parse(after + 3, strlen(after + 3), &sub);
                if (m)
                    r->sub = (int32_t)sub;
            }
        }
    }
    if (!di)
        return 0;
    /* the title: what precedes, without 《》 and blanks */
    char raw[512];
    size_t k = 0;
    for (const char *p = s; p < di && k + 4 < sizeof raw;) {
        const char *q = p;
        int32_t c = gz_utf8_next(&q, di);
        if (c < 0)
            break;
        if (c != 0x300A && c != 0x300B && c != ' ' && c != 0x3000) {
            memcpy(raw + k, p, (size_t)(q - p));
            k += (size_t)(q - p);
        }
        p = q;
    }
    raw[k] = 0;
    const char *norm;
    size_t nl;
    const uint32_t *map;
    if (k && an_normalize(an, raw, k, &norm, &nl, &map) == GZ_OK && nl < sizeof r->title) {
        memcpy(r->title, norm, nl);
        r->title[nl] = 0;
    }
    return 1;
}

/* The normalised form of a string of the mapping, remembered by address:
 * an article number such as 第一条 has thousands of candidates, whose
 * titles and chapter paths each normalise once per snapshot. NULL when out
 * of memory. */
static const char *normalised(sr_index *ix, const char *s)
{
    if (ix->norm_n * 2 >= ix->norm_cap) {
        size_t cap = ix->norm_cap ? ix->norm_cap * 2 : 1024;
        const char **k = gz_calloc(cap, sizeof *k);
        char **v = gz_calloc(cap, sizeof *v);
        if (!k || !v) {
            gz_free(k);
            gz_free(v);
            return NULL;
        }
        for (size_t i = 0; i < ix->norm_cap; i++) {
            if (!ix->norm_key[i])
                continue;
            size_t h = gz_probe_first(((uintptr_t)ix->norm_key[i] >> 3) * 0x9E3779B97F4A7C15ull, cap);
            while (k[h])
                h = gz_probe_next(h, cap);
            k[h] = ix->norm_key[i];
            v[h] = ix->norm_val[i];
        }
        gz_free(ix->norm_key);
        gz_free(ix->norm_val);
        ix->norm_key = k;
        ix->norm_val = v;
        ix->norm_cap = cap;
    }
    size_t h = gz_probe_first(((uintptr_t)s >> 3) * 0x9E3779B97F4A7C15ull, ix->norm_cap);
    while (ix->norm_key[h] && ix->norm_key[h] != s)
        h = gz_probe_next(h, ix->norm_cap);
    if (!ix->norm_key[h]) {
        const char *norm;
        size_t nl;
        const uint32_t *map;
        if (an_normalize(ix->an, s, strlen(s), &norm, &nl, &map) != GZ_OK)
            return NULL;
        if (!(ix->norm_val[h] = gz_strndup(norm, nl)))
            return NULL;
        ix->norm_key[h] = s;
        ix->norm_n++;
    }
    return ix->norm_val[h];
}

typedef struct cand {
    uint32_t seg, unit;
    int exact; /* its regulation's title equals the reference's */
} cand;

static int cmp_article_ref(const void *a, const void *b)
{
    const sr_article_ref *x = a, *y = b;
    if (x->number != y->number)
        return x->number < y->number ? -1 : 1;
    if (x->sub != y->sub)
        return x->sub < y->sub ? -1 : 1;
    if (x->seg != y->seg)
        return x->seg < y->seg ? -1 : 1;
    return (x->unit > y->unit) - (x->unit < y->unit);
}

/* Every article unit of the snapshot by (number, sub), built at the first
 * lookup: a search that looks no article up does not pay for it. */
static gz_status articles_load(sr_index *ix)
{
    for (size_t s = 0; s < ix->snap->man.n_seg; s++) {
        const sr_segtab *t = &ix->tab[s];
        uint32_t n_units = ix->snap->man.seg[s].n_units;
        for (uint32_t u = 0; u < n_units; u++) {
            gz_unitinfo ui;
            if (t->kind[u] != GZ_KIND_ARTICLE || gz_segment_unit(ix->snap->seg[s], u, &ui) != GZ_OK ||
                ui.number < 0)
                continue;
            if (gz_grow(&ix->articles, &ix->cap_articles, ix->n_articles + 1, sizeof *ix->articles, 1024) !=
                GZ_OK)
                return GZ_NOMEM;
            ix->articles[ix->n_articles++] = (sr_article_ref){(uint32_t)ui.number, ui.sub, (uint32_t)s, u};
        }
    }
    qsort(ix->articles, ix->n_articles, sizeof *ix->articles, cmp_article_ref);
    ix->articles_ready = 1;
    return GZ_OK;
}

/* The regulation a unit belongs to: its path's first element, else the
 * document's title. */
static void reg_title(const gz_unitinfo *ui, const gz_docinfo *di, char *out, size_t cap)
{
    const char *from = di->title;
    size_t n;
    if (*ui->path && strncmp(ui->path, "第", 3) != 0) {
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
}

/* The live articles r names: numbered so and, when r has a title, whose
 * document title or chapter path holds it (exact: the regulation's title
 * is it). *c is freed with gz_free. */
static gz_status find_cands(sr_index *ix, const ref *r, cand **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    if (!ix->articles_ready && articles_load(ix) != GZ_OK)
        return GZ_NOMEM;
    cand *c = NULL;
    size_t n = 0, cap = 0;
    char reg[512];
    /* the articles numbered so: a binary search in the table */
    size_t lo = 0, hi = ix->n_articles;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const sr_article_ref *m = &ix->articles[mid];
        if (m->number < r->number || (m->number == r->number && (int32_t)m->sub < r->sub))
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = lo; k < ix->n_articles && ix->articles[k].number == r->number &&
                        (int32_t)ix->articles[k].sub == r->sub; k++) {
        size_t s = ix->articles[k].seg;
        uint32_t u = ix->articles[k].unit;
        const gz_segment *seg = ix->snap->seg[s];
        gz_unitinfo ui;
        gz_docinfo di;
        if (gz_segment_unit(seg, u, &ui) != GZ_OK || gz_bit(ix->snap->deleted[s], ui.doc) ||
            gz_segment_doc(seg, ui.doc, &di) != GZ_OK)
            continue;
        int exact = 0;
        if (r->title[0]) {
            /* the reference's title (no blanks) within the document's
             * title or the unit's chapter path */
            const char *nt = normalised(ix, di.title), *np = normalised(ix, ui.path);
            if (!nt || !np) {
                gz_free(c);
                return GZ_NOMEM;
            }
            if (!strstr(nt, r->title) && !strstr(np, r->title))
                continue;
            const char *norm;
            size_t nl;
            const uint32_t *map;
            reg_title(&ui, &di, reg, sizeof reg);
            if (an_normalize(ix->an, reg, strlen(reg), &norm, &nl, &map) == GZ_OK)
                exact = nl == strlen(r->title) && memcmp(norm, r->title, nl) == 0;
        }
        if (gz_grow(&c, &cap, n + 1, sizeof *c, 16) != GZ_OK) {
            gz_free(c);
            return GZ_NOMEM;
        }
        c[n++] = (cand){(uint32_t)s, u, exact};
    }
    *out = c;
    *n_out = n;
    return GZ_OK;
}

gz_status sr_article(sr_index *ix, const char *text, sr_arena *a, gazette_article *out, gz_error *err)
{
    memset(out, 0, sizeof *out);
    ref r;
    if (!parse_ref(ix->an, text, &r)) {
        out->note = "no 第…条 in the reference";
        return GZ_OK;
    }
    cand *c;
    size_t n;
    char reg[512];
    if (find_cands(ix, &r, &c, &n) != GZ_OK)
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    /* an exact title among partial ones decides */
    size_t n_exact = 0, pick = 0;
    for (size_t i = 0; i < n; i++)
        if (c[i].exact) {
            n_exact++;
            pick = i;
        }
    if (n == 1 || n_exact == 1) {
        if (n == 1)
            pick = 0;
        const gz_segment *seg = ix->snap->seg[c[pick].seg];
        gz_unitinfo ui;
        gz_docinfo di;
        gz_buf t;
        gz_buf_init(&t);
        gz_segment_unit(seg, c[pick].unit, &ui);
        gz_segment_doc(seg, ui.doc, &di);
        reg_title(&ui, &di, reg, sizeof reg);
        out->found = 1;
        out->title = sr_arena_str(a, reg);
        out->source = di.source;
        sr_doc_ref_fill(a, ix, c[pick].seg, ui.doc, &di, &out->doc);
        sr_unit_fill(a, ix, c[pick].seg, c[pick].unit, &ui, &out->unit);
        if (gz_segment_text_range(seg, ui.doc, ui.start, ui.end, &t, &ix->tctx) == GZ_OK) {
            out->text = sr_arena_strn(a, t.data ? t.data : "", t.len);
            out->text_len = t.len;
        }
        gz_buf_fini(&t);
        sr_refs_article(ix, a, out);
    } else {
        size_t k = n < 50 ? n : 50;
        gazette_article_match *m = sr_arena_alloc(a, (k + 1) * sizeof *m);
        for (size_t i = 0; m && i < k; i++) {
            const gz_segment *seg = ix->snap->seg[c[i].seg];
            gz_unitinfo ui;
            gz_docinfo di;
            gz_segment_unit(seg, c[i].unit, &ui);
            gz_segment_doc(seg, ui.doc, &di);
            reg_title(&ui, &di, reg, sizeof reg);
            m[i].title = sr_arena_str(a, reg);
            sr_doc_ref_fill(a, ix, c[i].seg, ui.doc, &di, &m[i].doc);
            sr_unit_fill(a, ix, c[i].seg, c[i].unit, &ui, &m[i].unit);
        }
        out->candidates = m;
        out->n_candidates = m ? k : 0;
        out->total = n;
    }
    gz_free(c);
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
    ref r;
    if (!parse_ref(ix->an, q, &r) || !r.title[0])
        return 0;
    const char *label = NULL;
    for (const char *p = strstr(q, "第"); p; p = strstr(p + 3, "第"))
        label = p;
    int64_t v;
    size_t nl = label ? gz_numeral_parse(label + 3, strlen(label + 3), &v) : 0;
    const char *after = label ? label + 3 + nl + 3 : q;
    if (label && strncmp(after, "之", 3) == 0) {
        size_t m = gz_numeral_parse(after + 3, strlen(after + 3), &v);
        after += m ? 3 + m : 0;
    }
    if (!label || *after || label - q > 120)
        return 0;
    for (const char *p = q; p < label;) {
        int32_t c = gz_utf8_next(&p, label);
        /* a title: Han characters, 《》, brackets, digits, blanks */
        if (c < 0 || !(gz_is_han(c) || c == 0x300A || c == 0x300B || c == 0xFF08 || c == 0xFF09 || c == ' ' ||
                       (c >= '0' && c <= '9')))
            return 0;
    }
    cand *c;
    size_t n;
    if (find_cands(ix, &r, &c, &n) != GZ_OK || !n) {
        gz_free(c);
        return 0;
    }
    /* exact titles first, in the table's order */
    uint64_t *v2 = gz_alloc(n * sizeof *v2);
    size_t k = 0;
    for (int pass = 1; v2 && pass >= 0; pass--)
        for (size_t i = 0; i < n; i++)
            if (c[i].exact == pass)
                v2[k++] = (uint64_t)c[i].seg << 32 | c[i].unit;
    gz_free(c);
    if (!v2)
        return 0;
    /* the units citing it: its title (without 中华人民共和国, which
     * citations leave out) and its label, as keywords */
    static const char prc[] = "中华人民共和国";
    const char *t = r.title;
    if (strncmp(t, prc, sizeof prc - 1) == 0 && strlen(t) > sizeof prc - 1)
        t += sizeof prc - 1;
    snprintf(cited, cap, "%s %s", t, label);
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
