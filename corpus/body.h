/* corpus/body.h (private): the structurer shared by the gazette and Markdown
 * readers. It takes classified lines one at a time and keeps a stack of open
 * units (part > chapter > section > plan headings > article > item), so each
 * line lands in the innermost unit that can hold it. */
#ifndef GZ_CORPUS_BODY_H
#define GZ_CORPUS_BODY_H

#include "corpus/lines.h"

#define CP_BODY_DEPTH 16

typedef struct cp_body {
    gz_doc *doc;
    const cp_text *t;
    struct { int32_t node; int rank; } stack[CP_BODY_DEPTH];
    int depth;
    int32_t table; /* open table node, or GZ_NONE */
} cp_body;

/* Starts structuring under container (a document, regulation, attachment). */
void cp_body_begin(cp_body *b, gz_doc *doc, const cp_text *t, int32_t container);
/* Places line i, classified as li. */
void cp_body_line(cp_body *b, size_t i, const cp_line_info *li);
/* Opens an unnumbered heading (Markdown ## 基本案情) as a section at rank. */
void cp_body_heading(cp_body *b, size_t i, int rank);
/* Extends every open unit to the end of line i without adding a node. */
void cp_body_extend(cp_body *b, size_t i);

/* Copies s into the pool with blanks between two non-ASCII characters
 * removed (PDF extraction puts spaces inside wrapped titles), cut to at
 * most 600 bytes on a character boundary. */
uint32_t cp_title_str(gz_doc *doc, const char *s, size_t len);

#endif
