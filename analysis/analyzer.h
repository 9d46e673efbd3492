/* analysis/analyzer.h (private): the analyzer's state, shared by the files of
 * gz_analysis. Every buffer is reused from call to call. */
#ifndef GZ_ANALYSIS_ANALYZER_H
#define GZ_ANALYSIS_ANALYZER_H

#include "analysis/analysis.h"

#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/utrans.h>

/* The T2S memo covers CJK extension A and the URO. */
#define AN_T2S_LO 0x3400
#define AN_T2S_HI 0x9FFF

#define AN_NO_POS UINT32_MAX

struct an_analyzer {
    const UNormalizer2 *nfkc_cf;
    UTransliterator *t2s;
    UBreakIterator *words;
    UText *utext;
    int32_t *t2s_memo; /* 0: not computed yet */
    char id[160];

    /* ICU's segmentation of dictionary runs (Han and kana), memoised: a
     * run's words depend on the run alone. Entries point into seg_pool,
     * which holds (end, status) pairs in code points from the run start. */
    struct an_run_entry { uint64_t hash; uint32_t off; uint16_t n_seg, n_cp; } *runs;
    size_t runs_cap, runs_used;
    uint16_t *seg_pool;
    size_t pool_len, pool_cap;
    int no_cache;                /* GAZETTE_ANALYZER_CACHE=0: no memo */

    /* our segmenter (segmenter.c), opened at the first document, for
     * dictionary runs and stretches with letters or digits; NULL: ICU.
     * GAZETTE_SEGMENTER=icu keeps ICU alone */
    an_segmenter *seg;
    int seg_state;               /* 0 not tried, 1 open, -1 ICU alone */

    /* the normalised text: code points with their source byte ranges */
    int32_t *cp;
    uint32_t *src_start, *src_end, *pos_of, *cp_byte;
    size_t n_cp, cap_cp;
    gz_buf norm;        /* UTF-8 of cp[] */
    uint32_t *byte_map; /* an_normalize's map */
    size_t cap_map;
    UChar *u16;         /* scratch for ICU */
    size_t cap_u16;

    /* the output */
    an_token *tok;
    size_t n_tok, cap_tok;
    an_token *merge;  /* scratch for sorting: the folds merged into the rest */
    size_t cap_merge;
    gz_buf chars;       /* token texts; an_token.text holds offsets until the end */
    gz_status status;   /* sticky within one call */
};

/* normalize.c: fills cp[], src_start[], src_end[], norm and cp_byte[]. */
gz_status an_normalize_text(an_analyzer *a, const char *text, size_t len);

/* tokenize.c: appends a token whose text is the UTF-8 of cp[i0..i1). */
void an_emit_cps(an_analyzer *a, an_type type, size_t i0, size_t i1, uint32_t pos, uint32_t span);
/* Appends a token with the given text and source range. */
void an_emit_text(an_analyzer *a, an_type type, const char *s, size_t len, uint32_t pos,
                  uint32_t span, uint32_t start, uint32_t end);

/* segmenter.c, for the analyzer: ICU's words of the dictionary run
 * cp[0..n) (Han and kana, segmented alone) by our search. Returns their
 * count, with *ends at their ends (code points, ascending, the last n;
 * valid until the segmenter's next call) and *status their ICU rule
 * status; 0 if the search does not cover every character of the run
 * (then ICU must). */
size_t an_segmenter_run(an_segmenter *s, const int32_t *cp, size_t n, const uint32_t **ends, int32_t *status);

/* fold.c: numeral, article label and 文号 tokens, after positions are
 * assigned. */
void an_fold_numerals(an_analyzer *a);
void an_fold_labels(an_analyzer *a);
void an_fold_docnos(an_analyzer *a);

#endif
