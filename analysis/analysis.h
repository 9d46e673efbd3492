/* analysis/analysis.h: the one public header of gz_analysis. Turns UTF-8
 * text (a unit of a document, or a query) into tokens with positions and
 * exact byte offsets into the input. The same analyzer runs on documents and
 * on queries. Knows nothing of the index; called by the indexer and the
 * searcher.
 *
 * Normalisation: NFKC + case fold (ICU nfkc_cf, which also drops Mongolian
 * FVS/MVS and other default-ignorables and turns NNBSP U+202F into a space),
 * then traditional -> simplified, one character to one character (ICU's
 * Traditional-Simplified transform, memoised per character).
 *
 * Positions: every Han character takes one position; every other word (Latin,
 * digits, Mongolian, kana: ICU word break) takes one; every punctuation mark,
 * symbol, tab or line break takes one and carries no token, so no gram or
 * phrase matches across it. In documents plain spaces take none (PDF
 * extraction leaves them inside words: 乡村 振兴); in queries they separate.
 *
 * Tokens (an_type):
 *   AN_GRAM   two adjacent Han characters, at the first one's position
 *   AN_UNI    (documents) the last Han character of a run, alone
 *   AN_PREFIX (queries) a run of one Han character: matches any gram or
 *             unigram that starts with it
 *   AN_WORD   an ICU word of Han characters (any length; span = length)
 *   AN_TERM   a non-Han word, normalised (span 1)
 *   AN_NUM    a Chinese numeral in a numeral context, as Arabic digits, at
 *             the numeral's first position, span = its length in characters
 *             (第四十六条 -> "46" span 3; 二〇二三年 -> "2023" span 4)
 *   AN_DOCNO  a 文号, canonical (伊政发〔2023〕110号), spanning it
 *   AN_LABEL  an article label 第N条 (章节款项编) with N in Arabic digits, at
 *             第's position, spanning it (第四十六条 and 第46条 -> "第46条")
 * So a Han substring of n >= 2 characters is found as the phrase of its n-1
 * grams; one character through AN_PREFIX; 第46条 and 第四十六条 meet through
 * AN_NUM (whose span tells where the next token must start), and as a whole
 * through AN_LABEL, one rare term where 第 and 条 alone begin thousands.
 */
#ifndef GZ_ANALYSIS_ANALYSIS_H
#define GZ_ANALYSIS_ANALYSIS_H

#include "common/common.h"

/* Bump when the token stream for any input changes: indexes record it. */
#define AN_VERSION 3

typedef enum an_type {
    AN_GRAM = 0,
    AN_UNI,
    AN_PREFIX,
    AN_WORD,
    AN_TERM,
    AN_NUM,
    AN_DOCNO,
    AN_LABEL,
    AN_TYPE__COUNT
} an_type;

const char *an_type_name(an_type t);

typedef struct an_token {
    const char *text; /* normalised, UTF-8, not NUL-terminated; borrowed */
    uint32_t len;     /* bytes of text */
    uint32_t pos;     /* position (see above) */
    uint32_t span;    /* positions covered: 1 for grams and terms */
    uint32_t start;   /* byte range in the analysed input */
    uint32_t end;
    an_type type;
} an_token;

typedef enum an_mode {
    AN_MODE_DOCUMENT = 0, /* grams + run-final unigrams */
    AN_MODE_QUERY,        /* grams; one-character runs as AN_PREFIX */
    AN_MODE_SNIPPET,      /* as DOCUMENT, without ICU word break: each Han
                           * character is its own word and a run of
                           * letters, digits and marks one term. Han
                           * positions are those of DOCUMENT; other words
                           * may be cut differently. For highlighting. */
} an_mode;

typedef struct an_analyzer an_analyzer;

/* Opens an analyzer (ICU normaliser, word breaker, transliterator). One per
 * thread: an analyzer is not thread-safe. GZ_IO if ICU's data is missing. */
gz_status an_analyzer_open(an_analyzer **out, gz_error *err);
void an_analyzer_close(an_analyzer *a);

/* Whether documents' dictionary runs go through our segmenter (the
 * default; see an_segmenter below) or ICU. Both give the same tokens; the
 * segmenter is faster on long texts but loads its dictionary (0.07 s, 8 MB)
 * at the first document, so a searcher, which analyses short queries, turns
 * it off. GAZETTE_SEGMENTER=icu turns it off everywhere. */
void an_analyzer_use_segmenter(an_analyzer *a, int on);

/* "gazette-zh/1 icu=72.1 nfkc_cf t2s gram2+final-uni words num docno":
 * what an index records and checks before it is queried. Borrowed; lives
 * as long as the analyzer. */
const char *an_analyzer_id(const an_analyzer *a);
/* The same id, without opening an analyzer (ICU's transliterator takes
 * half of a run that finds nothing to analyse): every analyzer of this
 * build has it. Static. */
const char *an_build_id(void);

/* Analyses text[0..len) (UTF-8; invalid bytes are treated as punctuation).
 * On GZ_OK, *toks holds *n tokens ordered by (pos, type, span), valid until
 * the next call on this analyzer or its close. Inputs over 2^31 bytes are
 * GZ_INVALID. */
gz_status an_analyze(an_analyzer *a, const char *text, size_t len, an_mode mode,
                     const an_token **toks, size_t *n);

/* The normalised form of text as one UTF-8 string (borrowed, valid until the
 * next call), with map[i] = the input byte offset where the character that
 * produced output byte i starts. For snippets and tests. */
gz_status an_normalize(an_analyzer *a, const char *text, size_t len, const char **norm,
                       size_t *norm_len, const uint32_t **map);

/* ICU's word break (locale zh), computed faster (analysis/segmenter.c):
 * dictionary runs of Han and kana by our own lowest-cost search over ICU's
 * cjdict (read from ICU's data at run time), a punctuation mark, a run of
 * spaces or a line feed where ICU's rules are certain, and ICU itself for
 * every other stretch. Its boundaries and rule statuses are ICU's: the
 * differential test holds it to that. One per thread; the dictionary is
 * built once per process (under 0.1 s) and shared. */
typedef struct an_segmenter an_segmenter;

/* icu_only: ICU for everything (for comparison). GZ_IO if ICU's data or
 * its dictionary is missing or not as expected. */
gz_status an_segmenter_open(an_segmenter **out, int icu_only, gz_error *err);
void an_segmenter_close(an_segmenter *s);

/* Word break over text[0..len) (UTF-8): segment k ends at byte ends[k] with
 * ICU's rule status status[k] (UBRK_WORD_*); the last end is len. Arrays
 * are the segmenter's, valid until its next call. */
gz_status an_segmenter_break(an_segmenter *s, const char *text, size_t len, const int32_t **ends,
                             const int32_t **status, size_t *n_seg);

#endif
