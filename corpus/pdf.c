/* corpus/pdf.c: the text of a PDF, through poppler-glib. Poppler gives each
 * character and its box; this file rebuilds the page as a reader sees it:
 * lines by position (poppler's own reading order reads a table column by
 * column), spaces and table cells from the gaps between boxes, running heads
 * and page numbers dropped, wrapped lines joined into paragraphs, a blank
 * line where a paragraph starts, a form feed at each page end (the cleaner
 * rejoins a paragraph across it). Called through cp_extract_text. */
#include "corpus/readers.h"

#include <math.h>
#include <poppler.h>
#include <stdlib.h>
#include <string.h>

typedef struct glyph {
    double x0, y0, x1, y1; /* y grows down the page */
    int32_t cp;
} glyph;

/* One line as printed: text[off, off + len) of the document's line text. */
typedef struct pline {
    uint32_t page;
    double x0, y0, x1, y1, h;
    double w_first; /* width of the first word (an ASCII run) or character */
    size_t off, len;
    int has_tab, dropped;
    uint64_t key; /* hash of the text with digits folded, for running heads */
} pline;

typedef struct pdf_state {
    glyph *g;
    size_t n_g, cap_g;
    pline *l;
    size_t n_l, cap_l;
    gz_buf text; /* every line's text, back to back */
    gz_status status;
} pdf_state;

static int cmp_glyph_y(const void *a, const void *b)
{
    const glyph *p = a, *q = b;
    double ya = p->y0 + p->y1, yb = q->y0 + q->y1;
    return ya < yb ? -1 : ya > yb;
}

static int cmp_glyph_x(const void *a, const void *b)
{
    const glyph *p = a, *q = b;
    return p->x0 < q->x0 ? -1 : p->x0 > q->x0;
}

static int is_blank_cp(int32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000 || cp == 0xA0;
}

/* Folds digits to '#' and drops blanks, so "— 3 —" and "— 14 —" or
 * "2023年第11期" on each page hash alike. */
static uint64_t line_key(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t')
            continue;
        if (c >= '0' && c <= '9')
            c = '#';
        h = (h ^ c) * 1099511628211ull;
    }
    return h;
}

/* A page number alone: digits with dashes, slashes, brackets or 第/页/共. */
static int is_page_number(const char *s, size_t len)
{
    static const char *const furniture[] = {"—", "–", "第", "页", "共", "－", "（", "）"};
    int digits = 0;
    for (const char *p = s, *end = s + len; p < end;) {
        if (*p >= '0' && *p <= '9') {
            digits = 1;
            p++;
            continue;
        }
        if (strchr(" -/()", *p) && *p) {
            p++;
            continue;
        }
        size_t k = 0;
        for (; k < sizeof furniture / sizeof furniture[0]; k++) {
            size_t n = strlen(furniture[k]);
            if ((size_t)(end - p) >= n && memcmp(p, furniture[k], n) == 0) {
                p += n;
                break;
            }
        }
        if (k == sizeof furniture / sizeof furniture[0])
            return 0;
    }
    return digits;
}

/* Groups the page's glyphs into lines: sorted by vertical centre, a glyph
 * whose centre lies within half a height of the line's joins it; each
 * line's glyphs then go left to right, a gap wider than a fifth of a
 * glyph's height read as a space, wider than its height as a cell break. */
static void page_lines(pdf_state *s, uint32_t page)
{
    if (!s->n_g)
        return;
    qsort(s->g, s->n_g, sizeof *s->g, cmp_glyph_y);
    size_t a = 0;
    while (a < s->n_g && s->status == GZ_OK) {
        double yc = (s->g[a].y0 + s->g[a].y1) / 2, h = s->g[a].y1 - s->g[a].y0;
        size_t b = a + 1;
        while (b < s->n_g && (s->g[b].y0 + s->g[b].y1) / 2 - yc < 0.5 * h)
            b++;
        qsort(s->g + a, b - a, sizeof *s->g, cmp_glyph_x);
        if (gz_grow(&s->l, &s->cap_l, s->n_l + 1, sizeof *s->l, 256) != GZ_OK) {
            s->status = GZ_NOMEM;
            return;
        }
        pline *l = &s->l[s->n_l++];
        memset(l, 0, sizeof *l);
        l->page = page;
        l->x0 = s->g[a].x0;
        l->y0 = s->g[a].y0;
        l->y1 = s->g[a].y1;
        l->h = h > 0 ? h : 1;
        l->off = s->text.len;
        const glyph *prev = NULL;
        int in_first = 0;
        for (size_t i = a; i < b; i++) {
            const glyph *g = &s->g[i];
            /* a glyph printed twice in place (fake bold) is read once */
            if (prev && g->cp == prev->cp && fabs(g->x0 - prev->x0) < 0.2 * l->h)
                continue;
            if (prev) {
                double gap = g->x0 - prev->x1;
                if (gap > 1.0 * l->h) {
                    gz_buf_putc(&s->text, '\t');
                    l->has_tab = 1;
                } else if (gap > 0.15 * l->h) {
                    gz_buf_putc(&s->text, ' ');
                }
            }
            /* the first word: a run of ASCII characters, or one character */
            if (!prev || (in_first && g->cp < 0x80 && g->x0 - prev->x1 <= 0.15 * l->h))
                l->w_first = g->x1 - l->x0;
            in_first = (!prev || in_first) && g->cp < 0x80 && l->w_first == g->x1 - l->x0;
            char u[4];
            gz_buf_put(&s->text, u, gz_utf8_put(u, g->cp));
            if (g->y0 < l->y0)
                l->y0 = g->y0;
            if (g->y1 > l->y1)
                l->y1 = g->y1;
            if (g->x1 > l->x1)
                l->x1 = g->x1;
            prev = g;
        }
        l->len = s->text.len - l->off;
        l->key = line_key(s->text.data + l->off, l->len);
        a = b;
    }
    if (s->text.status != GZ_OK)
        s->status = s->text.status;
}

/* Reads one page's characters and boxes. Returns the number of glyphs. */
static size_t page_glyphs(pdf_state *s, PopplerPage *page)
{
    s->n_g = 0;
    char *text = poppler_page_get_text(page);
    PopplerRectangle *r = NULL;
    guint n_r = 0;
    if (!text || !poppler_page_get_text_layout(page, &r, &n_r)) {
        g_free(text);
        return 0;
    }
    PopplerRectangle crop;
    poppler_page_get_crop_box(page, &crop);
    const char *p = text, *end = text + strlen(text);
    for (guint k = 0; p < end && k < n_r; k++) {
        int32_t cp = gz_utf8_next(&p, end);
        if (cp < 0x20 || cp == 0xFFFD || is_blank_cp(cp) || r[k].x2 <= r[k].x1)
            continue;
        if (gz_grow(&s->g, &s->cap_g, s->n_g + 1, sizeof *s->g, 1024) != GZ_OK) {
            s->status = GZ_NOMEM;
            break;
        }
        glyph *g = &s->g[s->n_g++];
        g->x0 = r[k].x1;
        g->x1 = r[k].x2;
        g->y0 = r[k].y1;
        g->y1 = r[k].y2;
        g->cp = cp;
    }
    g_free(r);
    g_free(text);
    return s->n_g;
}

/* Running heads and feet: among the two top and two bottom lines of each
 * page, a line whose folded text stands at the same height on at least half
 * the pages after the first (and three), or a lone page number set apart
 * from the body. */
static void drop_furniture(pdf_state *s, uint32_t n_pages)
{
    /* the candidates: lines within two of their page's first or last */
    size_t *cand = gz_alloc((s->n_l + 1) * sizeof *cand), n_cand = 0;
    if (!cand) {
        s->status = GZ_NOMEM;
        return;
    }
    for (size_t a = 0, b; a < s->n_l; a = b) {
        for (b = a; b < s->n_l && s->l[b].page == s->l[a].page; b++)
            ;
        for (size_t i = a; b - a >= 3 && i < b; i++)
            if (i < a + 2 || i + 2 >= b)
                cand[n_cand++] = i;
    }
    /* half the pages after the first, which has the masthead instead: an
     * issue of 18 pages has its odd pages' head on 8 (3 to 17) */
    size_t need = (n_pages - 1) / 2 > 3 ? (n_pages - 1) / 2 : 3;
    for (size_t k = 0; k < n_cand; k++) {
        pline *c = &s->l[cand[k]];
        size_t seen = 0;
        for (size_t j = 0; j < n_cand && seen + 1 < need; j++) {
            const pline *o = &s->l[cand[j]];
            if (o->page != c->page && o->key == c->key && fabs(o->y0 - c->y0) < c->h)
                seen++;
        }
        /* a lone page number: its page's first or last line, well apart
         * from the next line in */
        size_t i = cand[k];
        int alone = 0;
        if (is_page_number(s->text.data + c->off, c->len)) {
            const pline *nb = NULL;
            if (i == 0 || s->l[i - 1].page != c->page)
                nb = &s->l[i + 1];
            else if (i + 1 == s->n_l || s->l[i + 1].page != c->page)
                nb = &s->l[i - 1];
            alone = nb && fabs(nb->y0 - c->y0) > 2.5 * c->h;
        }
        if (seen + 1 >= need || alone)
            c->dropped = 1;
    }
    gz_free(cand);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The measure: the left edge of the text, the right edge most full lines
 * reach, and the usual line pitch as a multiple of the line height. */
static void measure(const pdf_state *s, double *left, double *right, double *pitch)
{
    *left = 1e9;
    *right = 0;
    *pitch = 1.5;
    double *v = gz_alloc((s->n_l + 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < s->n_l; i++) {
        const pline *l = &s->l[i];
        if (l->dropped)
            continue;
        if (l->x0 < *left)
            *left = l->x0;
        if (l->x1 > *right)
            *right = l->x1;
        if (v && !l->has_tab)
            v[n++] = l->x1;
    }
    if (!v)
        return;
    /* the right edge: where 95% of the lines end before (full lines
     * are most of a bulletin's) */
    qsort(v, n, sizeof *v, cmp_double);
    if (n >= 3)
        *right = v[n - 1 - n / 20];
    n = 0;
    for (size_t i = 1; i < s->n_l; i++) {
        const pline *a = &s->l[i - 1], *b = &s->l[i];
        if (a->page == b->page && !a->dropped && !b->dropped && b->y0 > a->y0 &&
            fabs(a->h - b->h) < 0.2 * a->h)
            v[n++] = (b->y0 - a->y0) / a->h;
    }
    if (n) {
        qsort(v, n, sizeof *v, cmp_double);
        *pitch = v[n / 2];
    }
    gz_free(v);
}

static int ascii_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Does l continue prev's paragraph, as a wrapped line does: prev is full,
 * l starts at the left, the same size, no table cells. */
static int wraps(const pline *prev, const pline *l, double left, double right)
{
    double h = prev->h;
    /* full: up to the edge, or too full for l's first word (a word or
     * number is not split, so a line before one ends short) */
    int full = prev->x1 >= right - 1.5 * h || prev->x1 + l->w_first > right - h;
    return !prev->has_tab && !l->has_tab && fabs(l->h - h) < 0.2 * h && full && l->x0 <= left + 0.5 * l->h;
}

static void join_space(const pdf_state *s, const pline *prev, const pline *l, gz_buf *out)
{
    if (ascii_alnum((unsigned char)s->text.data[prev->off + prev->len - 1]) &&
        ascii_alnum((unsigned char)s->text.data[l->off]))
        gz_buf_putc(out, ' ');
}

/* Writes the kept lines. On a page, a wrapped line joins the one before
 * (wraps, and one pitch below); a line more than a pitch below or
 * indented starts a paragraph after a blank line; other lines (a
 * signature, a list of names) stay lines. At a page end, a form feed: on
 * its own line when the paragraph may have ended there ("\n\f", left to
 * the cleaner's rule, as in pdftotext's output), inside the line when the
 * next page's first line wraps the last one (the cleaner joins them
 * whatever the punctuation: 创新”| 的管理机制). */
static void emit(const pdf_state *s, uint32_t n_pages, gz_buf *out)
{
    double left, right, pitch;
    measure(s, &left, &right, &pitch);
    const pline *prev = NULL;
    uint32_t page = 0;
    for (size_t i = 0; i < s->n_l; i++) {
        const pline *l = &s->l[i];
        if (l->dropped)
            continue;
        if (page < l->page) {
            int cont = prev && prev->page + 1 == l->page && wraps(prev, l, left, right);
            if (cont)
                join_space(s, prev, l, out);
            else if (out->len)
                gz_buf_putc(out, '\n');
            for (; page < l->page; page++)
                gz_buf_putc(out, '\f');
            gz_buf_put(out, s->text.data + l->off, l->len);
            prev = l;
            continue;
        }
        if (prev) {
            double dy = l->y0 - prev->y0;
            int near = dy > 0 && dy <= 1.25 * pitch * prev->h;
            if (near && wraps(prev, l, left, right))
                join_space(s, prev, l, out);
            else
                gz_buf_puts(out, !near || l->x0 > left + 1.0 * l->h ? "\n\n" : "\n");
        }
        gz_buf_put(out, s->text.data + l->off, l->len);
        prev = l;
    }
    gz_buf_putc(out, '\n');
    for (; page + 1 < n_pages; page++)
        gz_buf_putc(out, '\f');
}

gz_status cp_pdf_text(const char *data, size_t len, gz_buf *out, gz_error *err)
{
    if (len > INT32_MAX)
        return gz_error_set(err, GZ_INVALID, -1, "PDF too large");
    GError *ge = NULL;
    GBytes *bytes = g_bytes_new_static(data, len);
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &ge);
    g_bytes_unref(bytes);
    if (!doc) {
        gz_status st;
        if (ge && ge->domain == POPPLER_ERROR && ge->code == POPPLER_ERROR_ENCRYPTED)
            st = gz_error_set(err, GZ_INVALID, -1, "encrypted PDF (a password is needed to read it)");
        else
            st = gz_error_set(err, GZ_INVALID, -1, "damaged PDF: %s",
                              ge && ge->message ? ge->message : "poppler cannot open it");
        if (ge)
            g_error_free(ge);
        return st;
    }
    int n_pages = poppler_document_get_n_pages(doc);
    pdf_state s = {0};
    gz_buf_init(&s.text);
    size_t n_glyphs = 0;
    for (int p = 0; p < n_pages && s.status == GZ_OK; p++) {
        PopplerPage *page = poppler_document_get_page(doc, p);
        if (!page)
            continue;
        n_glyphs += page_glyphs(&s, page);
        g_object_unref(page);
        page_lines(&s, (uint32_t)p);
    }
    g_object_unref(doc);
    gz_status st = s.status;
    if (st != GZ_OK)
        gz_error_set(err, st, -1, "out of memory");
    else if (n_pages <= 0)
        st = gz_error_set(err, GZ_INVALID, -1, "damaged PDF: no pages");
    else if (n_glyphs == 0)
        st = gz_error_set(err, GZ_INVALID, -1, "no text layer (scanned): %d page%s of images only",
                          n_pages, n_pages == 1 ? "" : "s");
    if (st == GZ_OK) {
        drop_furniture(&s, (uint32_t)n_pages);
        emit(&s, (uint32_t)n_pages, out);
        if (s.status != GZ_OK || out->status != GZ_OK)
            st = gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    gz_free(s.g);
    gz_free(s.l);
    gz_buf_fini(&s.text);
    return st;
}
