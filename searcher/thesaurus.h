/* searcher/thesaurus.h (private): the thesaurus of words people use and
 * the words the laws use (searcher/thesaurus.txt, built into the binary),
 * parsed strictly. Used by question.c to add a question's law words. */
#ifndef GZ_SEARCHER_THESAURUS_H
#define GZ_SEARCHER_THESAURUS_H

#include "common/common.h"

typedef struct q_thesaurus q_thesaurus;

/* Parses text[0..len) in the format of thesaurus.txt: per line
 * "WORD[/WORD...] => WORD [WORD...]", # comments, blank lines. A line that
 * does not read so is GZ_INVALID with err naming its number and the reason
 * ("thesaurus line 12: no '=>'"). */
gz_status q_thesaurus_parse(const char *text, size_t len, q_thesaurus **out, gz_error *err);
void q_thesaurus_close(q_thesaurus *th);

/* The thesaurus built into this binary, parsed at the first call (thread
 * safe); NULL if it does not parse (a test checks it does). Static. */
const q_thesaurus *q_thesaurus_builtin(void);

/* Entries: n_entries, each a word people use and its law words. Borrowed,
 * valid while th lives. */
size_t q_thesaurus_size(const q_thesaurus *th);
const char *q_thesaurus_word(const q_thesaurus *th, size_t i);
size_t q_thesaurus_targets(const q_thesaurus *th, size_t i, const char *const **to);

#endif
