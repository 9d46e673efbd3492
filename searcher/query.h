/* searcher/query.h (private): the parsed query and the match plan of a
 * query word. Shared by the lexer, parser and planner (query_lex.c,
 * query_parse.c, query_plan.c, question.c), match.c (matching), the
 * evaluation and scoring (eval.c, score.c ...) and search.c (snippets). */
#ifndef GZ_SEARCHER_QUERY_H
#define GZ_SEARCHER_QUERY_H

#include "analysis/analysis.h"
#include "format/format.h"
#include "searcher/searcher.h"

typedef enum q_type { Q_TEXT = 0, Q_AND, Q_OR, Q_NOT, Q_FILTER } q_type;

typedef enum q_field {
    F_NONE = 0, F_TITLE, F_DOCNO, F_ISSUER, F_KIND, F_DATE, F_YEAR
} q_field;

typedef struct q_node {
    q_type type;
    char *text;          /* Q_TEXT: the words to find as a substring; Q_FILTER: the value */
    q_field field;       /* Q_FILTER */
    uint32_t lo, hi;     /* F_DATE / F_YEAR: yyyymmdd range */
    int kind;            /* F_KIND: gz_kind, or -1 */
    struct q_node **kid;
    size_t n_kid;
    int leaf;            /* Q_TEXT: index into the plan's leaves */
    double weight;       /* Q_TEXT: its share of a score (1; less for an
                          * expansion, more for the string as typed) */
} q_node;

/* One element of a phrase: a token that must start at a position. */
enum { Q_WHOLE = 0, Q_SUFFIX, Q_INFIX };

typedef struct q_elem {
    char term[GZ_TERM_MAX + 1]; /* field byte + text */
    uint32_t len;
    int prefix;                 /* any term starting with it */
    int affix;                  /* Q_SUFFIX: any term ending with it; Q_INFIX:
                                 * any containing it (digits and letters) */
    int doc_span;               /* advance by the matched token's span in the document */
    uint32_t advance;           /* else advance by this; plus `extra` either way */
    uint32_t extra;
    uint32_t qstart, qend;      /* bytes of the query word it stands for */
} q_elem;

/* A way to spell a word as elements (the plain grams, or with numerals and
 * 文号 folded). A word matches where any of its variants does. */
typedef struct q_variant {
    q_elem *e;
    size_t n;
    /* a run of three or more characters spelt by grams alone (each of two
     * characters at a step of 1 or 2), whose exact matches a segment may
     * hold whole (format.h, field 'p'): q_variant_word() spells it */
    int grams_only;
    /* the same with each number followed by a one-character prefix (三年:
     * 3 then 年*) as one number-and-character term (format.h, field 'n'),
     * which every segment holds; NULL if there is no such pair.
     * q_variant_spell() picks it */
    q_elem *ne;
    size_t nn;
} q_variant;

/* The spelling of v that segment seg answers: its number-and-character
 * spelling (into *tmp) when it has one, else v itself. */
const q_variant *q_variant_spell(const q_variant *v, const gz_segment *seg, q_variant *tmp);

typedef struct q_leaf {
    char *text;
    q_variant v[3];
    size_t n_v;
    char **words;  /* WORD tokens of 3+ characters, for ranking */
    size_t n_words;
    int positive;  /* not under a NOT */
    /* a word of digits or letters also found inside longer tokens (5g in
     * 0.05g): its term matched whole (field byte first), which ranks
     * above a match inside; whole_len 0 if none */
    char whole[GZ_TERM_MAX + 1];
    uint32_t whole_len;
    double weight; /* the node's weight: multiplies its IDF */
} q_leaf;

typedef struct q_plan {
    q_node *root;        /* NULL: nothing to search */
    q_leaf *leaf;
    size_t n_leaf, cap_leaf;
    gz_buf notes;        /* notes on how the query was read (sr_list_add) */
    gz_buf read_as;      /* the query as understood */
    int question;        /* read as a question: an OR of its words */
    int deep_noted;
    int any_word;        /* keywords no unit holds together: any of them,
                          * documents holding more of them first */
    int cut;             /* the query was longer than SR_MAX_QUERY_TEXT or
                          * SR_MAX_WORDS: only its beginning is searched */
    int prior;           /* weigh documents by sr_title_prior (questions) */
    int words;           /* keywords run together, read by their words:
                          * the string as typed, then units holding more
                          * of its words (scored as a question) */
    int reference;       /* an article reference: that article, then the
                          * units citing it (set by search.c) */
    gz_buf expanded;     /* thesaurus words added, "老公→配偶" (sr_list_add) */
    gz_buf words_zh;     /* the words searched, 、-separated, for read_as */
} q_plan;

/* Parses text into plan; never fails on odd input (it becomes text and a
 * note). Repeated words collapse; words past SR_MAX_WORDS are left out
 * (plan->cut). The filters f (NULL: none) join the root as conjunctive
 * filters; they must have passed sr_filters_check. GZ_NOMEM only. */
enum { Q_READ_KEYWORDS = 0, Q_READ_QUESTION, Q_READ_ANY_WORD, Q_READ_WORDS };
gz_status q_parse(an_analyzer *an, const char *text, int how, const sr_filters *f, q_plan *plan);
/* A grams_only variant's text, field byte GZ_FIELD_PHRASE first, into key
 * (GZ_TERM_MAX + 1 bytes); its length, or 0 if it is not grams_only or too
 * long. */
size_t q_variant_word(const q_variant *v, char *key);
void q_plan_fini(q_plan *plan);
/* How the query was read in mode, in Chinese, appended to zh. */
void q_reading_text(const q_plan *plan, const char *mode, gz_buf *zh);
/* A label token like 第46条 (ends with its label character), not a bare
 * 第46. */
static inline int q_is_unit_label(const an_token *t) { return (unsigned char)t->text[t->len - 1] >= 0x80; }

/* Does text look like a question (a sentence rather than keywords)? */
int q_is_question(const char *text);
/* Is text plain keywords (no operator, quote, bracket or field) of which
 * one is a run of Han characters made of several words (工伤赔偿标准)?
 * Such input is read again by its words when no unit holds the string as
 * typed (Q_READ_WORDS). */
int q_has_run_together(an_analyzer *an, const char *text);

#endif
