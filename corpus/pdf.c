/* corpus/pdf.c: the text of a PDF, through poppler-glib. Poppler gives each
 * character and its box; this file rebuilds the page as a reader sees it:
 * lines by position (poppler's own reading order reads a table column by
 * column), spaces and table cells from the gaps between boxes (empty cells
 * from the columns a table is set in), running heads and page numbers
 * dropped, wrapped lines joined into paragraphs, a blank
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
    size_t cell_at; /* its cells start at x[cell_at ...] of the state */
    uint32_t n_cells;
} pline;

typedef struct pdf_state {
    glyph *g;
    size_t n_g, cap_g;
    pline *l;
    size_t n_l, cap_l;
    gz_buf text; /* every line's text, back to back */
    double *cell_x; /* where each line's cells start, line after line */
    int32_t *cell_col; /* a cell's column in its table, -1 unknown */
    size_t n_cell, cap_cell;
    gz_status status;
} pdf_state;

/* Records that a cell of the line being built starts at x. */
static void cell_starts(pdf_state *s, double x)
{
    if (gz_grow(&s->cell_x, &s->cap_cell, s->n_cell + 1, sizeof *s->cell_x, 256) != GZ_OK) {
        s->status = GZ_NOMEM;
        return;
    }
    s->cell_x[s->n_cell++] = x;
}

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
        l->cell_at = s->n_cell;
        cell_starts(s, l->x0);
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
                    cell_starts(s, g->x0);
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
        l->n_cells = (uint32_t)(s->n_cell - l->cell_at);
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

/* Where a table's rows end: from row a, the lines of its page with cells,
 * each a row's pitch below the one before (a wider gap starts another). */
static size_t table_end(const pdf_state *s, size_t a)
{
    const pline *first = &s->l[a];
    double pitch = 2.5 * first->h; /* no more than 2.5 heights a row */
    size_t b = a + 1;
    if (!first->has_tab || first->dropped)
        return b;
    for (; b < s->n_l && s->l[b].has_tab && !s->l[b].dropped && s->l[b].page == first->page; b++) {
        double dy = s->l[b].y0 - s->l[b - 1].y0;
        if (dy <= 0 || dy > pitch)
            break;
        pitch = 1.3 * dy < pitch ? 1.3 * dy : pitch;
    }
    return b;
}

/* Does every x in xs[0, n) stand at a column of grid[0, n_grid)? */
static int on_grid(const double *xs, size_t n, const double *grid, size_t n_grid, double tol)
{
    for (size_t i = 0, c = 0; i < n; i++) {
        while (c < n_grid && grid[c] < xs[i] - tol)
            c++;
        if (c == n_grid || grid[c] > xs[i] + tol)
            return 0;
    }
    return 1;
}

#define GRID_MAX 64

/* Cells by column. A table's rows are consecutive lines of a page with
 * cells, a row's pitch apart; a cell's column is where it starts. The
 * starts of all the rows' cells, merged within half a line's height, are
 * the table's columns when there are as many as the fullest row has
 * cells: the rows are set in left-aligned columns, and a row's empty cells
 * are the columns it skips. Rows at the top of a page that stand on the
 * columns of the table the page before ended with continue it. Otherwise
 * (cells that flow, or centred) the columns stay unknown. */
static void table_columns(pdf_state *s)
{
    double *xs = gz_alloc((s->n_cell + 1) * sizeof *xs), grid[GRID_MAX];
    s->cell_col = gz_alloc((s->n_cell + 1) * sizeof *s->cell_col);
    if (!xs || !s->cell_col) {
        gz_free(xs);
        s->status = GZ_NOMEM;
        return;
    }
    for (size_t k = 0; k < s->n_cell; k++)
        s->cell_col[k] = -1;
    size_t n_grid = 0, grid_end = 0; /* the last table's columns, its end */
    for (size_t a = 0, b; a < s->n_l; a = b) {
        b = table_end(s, a);
        if (!s->l[a].has_tab || s->l[a].dropped)
            continue;
        size_t n = 0, n_col = 0;
        uint32_t most = 0;
        for (size_t i = a; i < b; i++) {
            memcpy(xs + n, s->cell_x + s->l[i].cell_at, s->l[i].n_cells * sizeof *xs);
            n += s->l[i].n_cells;
            most = s->l[i].n_cells > most ? s->l[i].n_cells : most;
        }
        qsort(xs, n, sizeof *xs, cmp_double);
        double tol = 0.5 * s->l[a].h;
        for (size_t j = 0; j < n; j++) /* xs[0, n_col): each column's start */
            if (!n_col || xs[j] > xs[n_col - 1] + tol)
                xs[n_col++] = xs[j];
        /* the last table goes on: nothing but page furniture between */
        int goes_on = n_grid && grid_end <= a && s->l[grid_end - 1].page + 1 == s->l[a].page;
        for (size_t i = grid_end; goes_on && i < a; i++)
            goes_on = s->l[i].dropped;
        if (goes_on && on_grid(xs, n_col, grid, n_grid, tol)) {
            memcpy(xs, grid, n_grid * sizeof *xs);
            n_col = n_grid;
        } else if (n_col != most || b - a < 2 || n_col > GRID_MAX) {
            n_grid = 0;
            continue;
        }
        for (size_t i = a; i < b; i++) {
            int32_t *col = s->cell_col + s->l[i].cell_at;
            const double *x = s->cell_x + s->l[i].cell_at;
            for (uint32_t k = 0; k < s->l[i].n_cells; k++) {
                size_t c = 0;
                while (c + 1 < n_col && xs[c + 1] <= x[k] + tol)
                    c++;
                col[k] = (int32_t)c;
            }
        }
        memcpy(grid, xs, n_col * sizeof *xs);
        n_grid = n_col;
        grid_end = b;
    }
    gz_free(xs);
}

/* Writes line l; a table row with known columns gets a tab for each
 * column it skips (an empty cell). */
static void put_line(const pdf_state *s, const pline *l, gz_buf *out)
{
    const char *p = s->text.data + l->off, *end = p + l->len;
    const int32_t *col = s->cell_col ? s->cell_col + l->cell_at : NULL;
    if (!l->has_tab || !col || col[0] < 0) {
        gz_buf_put(out, p, l->len);
        return;
    }
    int32_t at = 0; /* tabs written: the column of the next text */
    for (uint32_t k = 0; k < l->n_cells && p <= end; k++) {
        const char *t = memchr(p, '\t', (size_t)(end - p));
        t = t ? t : end;
        int32_t want = col[k] > at ? col[k] : at + (k > 0); /* a tab between cells at least */
        for (; at < want; at++)
            gz_buf_putc(out, '\t');
        gz_buf_put(out, p, (size_t)(t - p));
        p = t + 1;
    }
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
            put_line(s, l, out);
            prev = l;
            continue;
        }
        if (prev) {
            double dy = l->y0 - prev->y0;
            int near = dy > 0 && dy <= 1.25 * pitch * prev->h;
            /* a row of a table: a line, wherever its first cell starts */
            int row = near && prev->has_tab && l->has_tab;
            if (near && wraps(prev, l, left, right))
                join_space(s, prev, l, out);
            else
                gz_buf_puts(out, !row && (!near || l->x0 > left + 1.0 * l->h) ? "\n\n" : "\n");
        }
        put_line(s, l, out);
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
        table_columns(&s);
        if (s.status == GZ_OK)
            emit(&s, (uint32_t)n_pages, out);
        if (s.status != GZ_OK || out->status != GZ_OK)
            st = gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    gz_free(s.g);
    gz_free(s.l);
    gz_free(s.cell_x);
    gz_free(s.cell_col);
    gz_buf_fini(&s.text);
    return st;
}
