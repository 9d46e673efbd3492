/* tests/gen/pdf_render.c: a minimal typesetter on cairo's PDF surface. Text
 * is drawn with the toy font API in Noto Sans CJK SC, one glyph run a line,
 * so cairo embeds the font with a ToUnicode map and the text can be read
 * back, as from a bulletin exported by a word processor. */
#include "gen/pdf_render.h"

#include "corpus/lines.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <stdio.h>
#include <string.h>

#define PAGE_W 595.0
#define PAGE_H 842.0
#define MARGIN_X 72.0
#define TOP 90.0
#define BOTTOM 770.0
#define BODY_PT 10.5

typedef struct page_state {
    cairo_t *cr;
    const th_pdf_opts *o;
    int page;
    double y;
} page_state;

static void page_furniture(page_state *p)
{
    cairo_save(p->cr); /* keeps the body's font size */
    cairo_set_font_size(p->cr, 9);
    if (p->o->head && p->page > 1) {
        cairo_move_to(p->cr, MARGIN_X, 55);
        cairo_show_text(p->cr, p->o->head_odd && p->page % 2 ? p->o->head_odd : p->o->head);
    }
    if (p->o->page_numbers) {
        char num[32];
        cairo_text_extents_t e;
        snprintf(num, sizeof num, p->o->number_outside ? "%d" : "— %d —", p->page);
        cairo_text_extents(p->cr, num, &e);
        double x = (PAGE_W - e.x_advance) / 2;
        if (p->o->number_outside) /* odd pages on the right, even on the left */
            x = p->page % 2 ? PAGE_W - MARGIN_X - e.x_advance : MARGIN_X;
        cairo_move_to(p->cr, x, 805);
        cairo_show_text(p->cr, num);
    }
    cairo_restore(p->cr);
}

static void new_page(page_state *p)
{
    if (p->page)
        cairo_show_page(p->cr);
    p->page++;
    p->y = TOP;
    if (!p->o->scan)
        page_furniture(p);
}

/* Room for one more line of pitch points, else a new page. */
static void need(page_state *p, double pitch)
{
    if (p->y + pitch > BOTTOM)
        new_page(p);
    p->y += pitch;
}

static size_t utf8_len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static double advance(cairo_t *cr, const char *s, size_t n)
{
    char tmp[256];
    cairo_text_extents_t e;
    if (n >= sizeof tmp)
        n = sizeof tmp - 1;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    cairo_text_extents(cr, tmp, &e);
    return e.x_advance;
}

static void show(cairo_t *cr, double x, double y, const char *s, size_t n)
{
    char tmp[4096];
    if (n >= sizeof tmp)
        n = sizeof tmp - 1;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, tmp);
}

/* A table row: cells two characters apart, the font shrunk until the row
 * fits the measure. */
static void table_row(page_state *p, const char *s, size_t len)
{
    double pt = 9, width = PAGE_W - 2 * MARGIN_X;
    for (;;) {
        cairo_set_font_size(p->cr, pt);
        double w = 0;
        for (const char *c = s, *end = s + len; c <= end;) {
            const char *t = memchr(c, '\t', (size_t)(end - c));
            if (!t)
                t = end;
            w += advance(p->cr, c, (size_t)(t - c)) + 2 * pt;
            c = t + 1;
        }
        if (w <= width || pt <= 3)
            break;
        pt -= 0.5;
    }
    need(p, pt * 1.6);
    double x = MARGIN_X;
    for (const char *c = s, *end = s + len; c <= end;) {
        const char *t = memchr(c, '\t', (size_t)(end - c));
        if (!t)
            t = end;
        show(p->cr, x, p->y, c, (size_t)(t - c));
        x += advance(p->cr, c, (size_t)(t - c)) + 2 * pt;
        c = t + 1;
    }
}

/* The end of the cell at c: the next tab, or end. */
static const char *cell_end(const char *c, const char *end)
{
    const char *t = memchr(c, '\t', (size_t)(end - c));
    return t ? t : end;
}

#define MAX_COLS 32

/* A table of rows (s[0..len), one a line) in aligned columns, as a word
 * processor sets one: each column as wide as its widest cell, columns two
 * characters apart, an empty cell left blank; the font shrunk until the
 * table fits the measure. */
static void table_columns(page_state *p, const char *s, size_t len)
{
    double pt = 9, width = PAGE_W - 2 * MARGIN_X, colw[MAX_COLS];
    const char *end = s + len;
    for (;;) {
        cairo_set_font_size(p->cr, pt);
        memset(colw, 0, sizeof colw);
        for (const char *r = s; r < end;) {
            const char *re = memchr(r, '\n', (size_t)(end - r));
            re = re ? re : end;
            int k = 0;
            for (const char *c = r; c <= re && k < MAX_COLS; k++) {
                const char *t = cell_end(c, re);
                double a = advance(p->cr, c, (size_t)(t - c));
                colw[k] = a > colw[k] ? a : colw[k];
                c = t + 1;
            }
            r = re + 1;
        }
        double w = 0;
        for (int k = 0; k < MAX_COLS; k++)
            w += colw[k] ? colw[k] + 2 * pt : 0;
        if (w <= width || pt <= 3)
            break;
        pt -= 0.5;
    }
    for (const char *r = s; r < end;) {
        const char *re = memchr(r, '\n', (size_t)(end - r));
        re = re ? re : end;
        need(p, pt * 1.6);
        double x = MARGIN_X;
        int k = 0;
        for (const char *c = r; c <= re && k < MAX_COLS; k++) {
            const char *t = cell_end(c, re);
            if (t > c)
                show(p->cr, x, p->y, c, (size_t)(t - c));
            x += colw[k] + 2 * pt;
            c = t + 1;
        }
        r = re + 1;
    }
}

/* A paragraph wrapped at the measure, ASCII words kept whole; with brk, a
 * page break before brk. */
static void paragraph(page_state *p, const char *s, size_t len, int indented, const char *brk,
                      int *break_page)
{
    double width = PAGE_W - 2 * MARGIN_X, pitch = BODY_PT * 1.5;
    cairo_set_font_size(p->cr, BODY_PT);
    const char *line = s, *end = s + len;
    /* a paragraph's first line is indented two characters; a line of a
     * block (a signature, a list) is not */
    double indent = indented ? 2 * BODY_PT : 0;
    while (line < end) {
        double x = indent;
        const char *c = line, *cut = NULL;
        while (c < end) {
            if (brk && c == brk)
                break;
            size_t n = utf8_len(c);
            double a = advance(p->cr, c, n);
            if (x + a > width)
                break;
            if ((unsigned char)*c >= 0x80 || *c == ' ')
                cut = NULL;
            else if (!cut)
                cut = c; /* start of an ASCII run */
            x += a;
            c += n;
        }
        if (c < end && cut && cut > line && !(brk && c == brk))
            c = cut;
        need(p, pitch);
        show(p->cr, MARGIN_X + indent, p->y, line, (size_t)(c - line));
        indent = 0;
        if (brk && c == brk) {
            if (break_page)
                *break_page = p->page;
            new_page(p);
            brk = NULL;
        }
        line = c;
        while (line < end && *line == ' ')
            line++;
    }
}

static void scan_page(cairo_t *cr, const char *text, size_t len)
{
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 400, 60);
    cairo_t *ic = cairo_create(img);
    cairo_set_source_rgb(ic, 1, 1, 1);
    cairo_paint(ic);
    cairo_set_source_rgb(ic, 0, 0, 0);
    cairo_select_font_face(ic, "Noto Sans CJK SC", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(ic, 14);
    show(ic, 10, 30, text, len < 60 ? len : 60);
    cairo_destroy(ic);
    cairo_set_source_surface(cr, img, MARGIN_X, TOP);
    cairo_paint(cr);
    cairo_surface_destroy(img);
}

int th_pdf_render(const char *path, const char *text, size_t len, const th_pdf_opts *o,
                  int *break_page)
{
    static const th_pdf_opts none = {0};
    if (!o)
        o = &none;
    if (break_page)
        *break_page = 0;
    cairo_surface_t *surf = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
    cairo_t *cr = cairo_create(surf);
    cairo_select_font_face(cr, "Noto Sans CJK SC", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    page_state p = {cr, o, 0, 0};
    new_page(&p);
    if (o->scan) {
        scan_page(cr, text, len);
    } else {
        int gap = 0, broke = 0;
        for (const char *s = text, *end = text + len; s < end;) {
            const char *nl = memchr(s, '\n', (size_t)(end - s));
            size_t n = (size_t)((nl ? nl : end) - s);
            if (n == 0) {
                gap = 1;
            } else {
                if (gap && p.y > TOP)
                    p.y += BODY_PT * 0.8;
                const char *brk = NULL;
                if (!broke && o->break_line && n >= strlen(o->break_line) &&
                    memcmp(s, o->break_line, strlen(o->break_line)) == 0 && o->break_after) {
                    const char *a = memmem(s, n, o->break_after, strlen(o->break_after));
                    if (a) {
                        brk = a + strlen(o->break_after);
                        broke = 1;
                    }
                }
                if (memchr(s, '\t', n) && o->columns) {
                    /* the table: this row and the rows right below */
                    const char *e = s + n;
                    while (e < end && e + 1 < end && e[1] != '\n') {
                        const char *ne = memchr(e + 1, '\n', (size_t)(end - e - 1));
                        ne = ne ? ne : end;
                        if (!memchr(e + 1, '\t', (size_t)(ne - e - 1)))
                            break;
                        e = ne;
                    }
                    table_columns(&p, s, (size_t)(e - s));
                    nl = e < end ? e : NULL;
                } else if (memchr(s, '\t', n))
                    table_row(&p, s, n);
                else
                    paragraph(&p, s, n, gap, brk, break_page);
                gap = 0;
            }
            s = nl ? nl + 1 : end;
        }
    }
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    cairo_status_t cs = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    /* cairo's and fontconfig's caches would outlive the test (LeakSanitizer) */
    cairo_debug_reset_static_data();
    FcFini();
    if (cs != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "pdf_render: %s: %s\n", path, cairo_status_to_string(cs));
        return -1;
    }
    return p.page;
}

char *th_paragraphs(const char *raw, size_t len, size_t *out_len)
{
    cp_text t;
    cp_text_init(&t);
    cp_text_from_raw(&t, raw, len, 1);
    gz_buf b;
    gz_buf_init(&b);
    for (size_t i = 0; i < t.n; i++) {
        if (i)
            gz_buf_puts(&b, t.gap[i] ? "\n\n" : "\n");
        gz_buf_put(&b, t.text + t.start[i], t.end[i] - t.start[i]);
    }
    gz_status st = t.status != GZ_OK ? t.status : b.status;
    cp_text_fini(&t);
    char *out = st == GZ_OK ? gz_buf_take(&b, out_len) : NULL;
    gz_buf_fini(&b);
    return out;
}

/* cairo keeps a few hundred bytes for the process (its PDF surface's
 * tables) even after cairo_debug_reset_static_data(): not ours to free.
 * LeakSanitizer reads this hook in the programs that link the renderer. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libcairo.so\nleak:libfontconfig.so\n";
}
