/* server/html.h (private): the web page, rendered on the server from the
 * searcher's JSON, so it works without JavaScript. Every string echoed is
 * escaped. */
#ifndef GZ_SERVER_HTML_H
#define GZ_SERVER_HTML_H

#include "common/common.h"

#include <json-c/json.h>

typedef struct page_params {
    const char *q, *unit, *year, *issuer, *kind, *sort, *ref;
    size_t page;
} page_params;

/* Escapes s for HTML text and attribute values (invalid UTF-8 -> U+FFFD). */
void html_escape(gz_buf *b, const char *s, size_t len);
void html_search_page(gz_buf *b, const page_params *p, json_object *answer);
void html_doc_page(gz_buf *b, json_object *doc, const char *target_unit);
void html_article_page(gz_buf *b, const char *ref, json_object *answer);
void html_error_page(gz_buf *b, int status, const char *msg);

extern const char html_css[];

#endif
