/* corpus/readers.h (private): the readers of published formats. Each turns
 * a file's bytes into UTF-8 text for the bulletin parser: one paragraph a
 * line, a blank line before a paragraph that starts a block, a tab between
 * table cells, and (PDF) a form feed at each page end. Shared by pdf.c,
 * html.c, docx.c and readers.c. */
#ifndef GZ_CORPUS_READERS_H
#define GZ_CORPUS_READERS_H

#include "corpus/corpus.h"

/* Each appends the text to out and returns GZ_OK, GZ_NOMEM, or GZ_INVALID
 * with err naming the reason (no file name: the caller adds it). */
gz_status cp_pdf_text(const char *data, size_t len, gz_buf *out, gz_error *err);
gz_status cp_html_text(const char *data, size_t len, gz_buf *out, gz_error *err);
gz_status cp_docx_text(const char *data, size_t len, gz_buf *out, gz_error *err);

#endif
