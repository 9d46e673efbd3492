/* tests/gen/pdf_render.h: writes a PDF of a text with cairo and Noto CJK,
 * laid out as a bulletin is printed (wrapped paragraphs, running heads and
 * page numbers, tables in columns), so the PDF reader is tested and
 * benchmarked on files made from the seed and the laws. Used by the corpus
 * tests and bench_index. */
#ifndef GZ_TESTS_GEN_PDF_RENDER_H
#define GZ_TESTS_GEN_PDF_RENDER_H

#include <stddef.h>

typedef struct th_pdf_opts {
    const char *head;        /* running head on every page after the first, or NULL */
    const char *head_odd;    /* with head: the head of odd pages (head on even ones) */
    int number_outside;      /* page numbers "N" at the outer corner, not "— N —" centred */
    int page_numbers;        /* "— N —" at the foot of every page */
    int scan;                /* pages as images only: no text layer */
    int columns;             /* table cells in aligned columns, not two characters apart */
    /* a page break right after the first break_after in the first line that
     * begins with break_line (both NULL: pages break where they fill) */
    const char *break_line, *break_after;
} th_pdf_opts;

/* Renders text: one paragraph a line, a blank line before a line puts space
 * above it, a tab separates table cells. Returns the number of pages, or -1
 * (cairo's reason on stderr). *break_page (may be NULL) gets the page of the
 * forced break, 0 if none happened. */
int th_pdf_render(const char *path, const char *text, size_t len, const th_pdf_opts *o,
                  int *break_page);

/* The seed's text as printed: paragraphs split by its page breaks rejoined
 * (the text cleaner's rule), a blank line where the source had one. Returns
 * a gz_alloc'd string (free with gz_free), or NULL. */
char *th_paragraphs(const char *raw, size_t len, size_t *out_len);

#endif
