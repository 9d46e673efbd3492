/* searcher/query_lex.h (private): the tokens of a query (query_lex.c). */
#ifndef GZ_SEARCHER_QUERY_LEX_H
#define GZ_SEARCHER_QUERY_LEX_H

#include "searcher/query.h"

typedef enum t_kind { T_WORD, T_PHRASE, T_OR, T_NOT, T_LP, T_RP, T_FIELD } t_kind;

typedef struct tok {
    t_kind kind;
    char *text;     /* word, phrase, or field value */
    q_field field;
    int neg;        /* -word */
} tok;

/* The fields a query may name (title:, 文号: ...). */
typedef struct q_field_name {
    const char *name;
    q_field f;
} q_field_name;
#define Q_N_FIELDS 8
extern const q_field_name q_fields[Q_N_FIELDS];

/* Adds msg to the plan's notes on how the query was read, once. */
void q_note(q_plan *p, const char *msg);
/* The length of a blank or a separator between keywords at s (spaces, and
 * the marks people list words with: 、，；。/ , ;), or 0. */
size_t q_blank_at(const char *s, const char *end);
/* Splits the query into tokens (*out, freed with their texts by the
 * caller). GZ_NOMEM only. */
gz_status q_lex(const char *q, q_plan *p, tok **out, size_t *n_out);

#endif
