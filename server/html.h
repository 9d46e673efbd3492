/* server/html.h (private): the web page, rendered on the server from the
 * searcher's answer structs (include/gazette.h), so it works without
 * JavaScript. Every string echoed is escaped. Each page function takes the
 * buffer written, what is shown, then the request's context. */
#ifndef GZ_SERVER_HTML_H
#define GZ_SERVER_HTML_H

#include "common/common.h"
#include "include/gazette.h"

typedef struct page_params {
    const char *q, *unit, *year, *issuer, *kind, *sort, *ref;
    size_t page;
    const char *expand; /* a document whose every match is shown (its id) */
    const char *all_versions; /* "1": historical versions' hits too */
} page_params;

/* Escapes s for HTML text and attribute values (invalid UTF-8 -> U+FFFD). */
void html_escape(gz_buf *b, const char *s, size_t len);
/* answer NULL: the empty search page */
void html_search_page(gz_buf *b, const gazette_page *answer, const page_params *p);
/* pages: the document's pages from its first (its table of contents is
 * drawn from them), or none: from doc alone */
void html_doc_page(gz_buf *b, const gazette_document *doc, const char *target_unit,
                   const gazette_document *const *pages, size_t n_pages);
void html_article_page(gz_buf *b, const gazette_article *answer, const char *ref);
void html_error_page(gz_buf *b, int status, const char *msg);

extern const char html_css[];

#endif
