/* searcher/query_parse.h (private): the parser's state and its tree nodes
 * (query_parse.c), shared with question.c, which builds trees too. */
#ifndef GZ_SEARCHER_QUERY_PARSE_H
#define GZ_SEARCHER_QUERY_PARSE_H

#include "searcher/query_lex.h"

typedef struct parser {
    tok *t;
    size_t n, i;
    q_plan *plan;
    gz_status st;
    int depth;
} parser;

/* A new node of the type (NULL and p->st GZ_NOMEM if out of memory). */
q_node *q_node_new(parser *p, q_type type);
/* Adds kid to parent's kids; nothing if either is NULL. */
void q_node_add(parser *p, q_node *parent, q_node *kid);
/* Frees n and its kids. */
void q_node_free(q_node *n);

#endif
