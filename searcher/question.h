/* searcher/question.h (private): questions and keywords run together
 * (question.c), for the parser. */
#ifndef GZ_SEARCHER_QUESTION_H
#define GZ_SEARCHER_QUESTION_H

#include "searcher/query_parse.h"

/* The tree of a question: an OR of its content words (and their
 * thesaurus words), weighed by the document's title prior. */
gz_status q_question_tree(an_analyzer *an, const char *text, parser *p);
/* The tree of keywords run together (工伤赔偿标准): an OR of each as typed
 * (weighing most), its words and their thesaurus words. */
gz_status q_words_tree(an_analyzer *an, const char *text, parser *p);
/* AND(words..., filters...) -> AND(OR(words...), filters...). */
void q_any_word(parser *p);

#endif
