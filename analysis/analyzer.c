/* analysis/analyzer.c: opening and closing an analyzer, its identity, and
 * the an_normalize view used for snippets and tests. */
#include "analysis/analyzer.h"
#include "analysis/testing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uversion.h>

static const char *const type_names[AN_TYPE__COUNT] = {"gram", "uni", "prefix", "word",
                                                       "term", "num", "docno", "label"};

const char *an_type_name(an_type t) { return (unsigned)t < AN_TYPE__COUNT ? type_names[t] : "?"; }

gz_status an_analyzer_open(an_analyzer **out, gz_error *err)
{
    *out = NULL;
    an_analyzer *a = gz_calloc(1, sizeof *a);
    if (!a)
        return gz_error_set(err, GZ_NOMEM, -1, "[analysis][open] out of memory");
    gz_buf_init(&a->norm);
    gz_buf_init(&a->chars);
    UErrorCode ec = U_ZERO_ERROR;
    a->nfkc_cf = unorm2_getNFKCCasefoldInstance(&ec);
    if (U_FAILURE(ec))
        goto icu_fail;
    a->words = ubrk_open(UBRK_WORD, "zh", NULL, 0, &ec);
    if (U_FAILURE(ec))
        goto icu_fail;
    static const UChar t2s_id[] = u"Traditional-Simplified";
    a->t2s = utrans_openU(t2s_id, -1, UTRANS_FORWARD, NULL, 0, NULL, &ec);
    if (U_FAILURE(ec))
        goto icu_fail;
    a->t2s_memo = gz_calloc(AN_T2S_HI - AN_T2S_LO + 1, sizeof *a->t2s_memo);
    if (!a->t2s_memo) {
        an_analyzer_close(a);
        return gz_error_set(err, GZ_NOMEM, -1, "[analysis][open] out of memory");
    }
    const char *cache = getenv("GAZETTE_ANALYZER_CACHE");
    a->no_cache = cache && strcmp(cache, "0") == 0;
    an_analyzer_use_segmenter(a, 1);
    snprintf(a->id, sizeof a->id, "%s", an_build_id());
    *out = a;
    return GZ_OK;
icu_fail:
    an_analyzer_close(a);
    return gz_error_set(err, GZ_IO, -1, "[analysis][open] ICU: %s", u_errorName(ec));
}

void an_analyzer_close(an_analyzer *a)
{
    if (!a)
        return;
    if (a->words)
        ubrk_close(a->words);
    gz_free(a->runs);
    gz_free(a->seg_pool);
    an_segmenter_close(a->seg);
    if (a->t2s)
        utrans_close(a->t2s);
    if (a->utext)
        utext_close(a->utext);
    gz_free(a->t2s_memo);
    gz_free(a->cp);
    gz_free(a->src_start);
    gz_free(a->src_end);
    gz_free(a->pos_of);
    gz_free(a->cp_byte);
    gz_free(a->byte_map);
    gz_free(a->u16);
    gz_free(a->tok);
    gz_free(a->merge);
    gz_buf_fini(&a->norm);
    gz_buf_fini(&a->chars);
    gz_free(a);
}

const char *an_analyzer_id(const an_analyzer *a) { return a->id; }

#define AN_STR_(x) #x
#define AN_STR(x) AN_STR_(x)
const char *an_build_id(void)
{
    return "gazette-zh/" AN_STR(AN_VERSION) " icu=" U_ICU_VERSION " nfkc_cf t2s gram2+final-uni words num docno";
}

size_t an_analyzer_segmented(const an_analyzer *a)
{
    size_t ours = 0, icu = 0;
    if (a->seg)
        an_segmenter_counts(a->seg, &ours, &icu);
    return ours;
}

void an_analyzer_use_segmenter(an_analyzer *a, int on)
{
    const char *env = getenv("GAZETTE_SEGMENTER");
    if (!on || (env && strcmp(env, "icu") == 0)) {
        an_segmenter_close(a->seg);
        a->seg = NULL;
        a->seg_state = -1;
    } else if (a->seg_state == -1) {
        a->seg_state = 0; /* opened at the next document */
    }
}

gz_status an_normalize(an_analyzer *a, const char *text, size_t len, const char **norm,
                       size_t *norm_len, const uint32_t **map)
{
    if (len > INT32_MAX)
        return GZ_INVALID;
    a->status = GZ_OK;
    if (an_normalize_text(a, text, len) != GZ_OK)
        return a->status;
    if (a->norm.len + 1 > a->cap_map) {
        uint32_t *m = gz_realloc(a->byte_map, (a->norm.len + 1) * sizeof *m);
        if (!m)
            return a->status = GZ_NOMEM;
        a->byte_map = m;
        a->cap_map = a->norm.len + 1;
    }
    for (size_t i = 0; i < a->n_cp; i++) {
        uint32_t b1 = i + 1 < a->n_cp ? a->cp_byte[i + 1] : (uint32_t)a->norm.len;
        for (uint32_t b = a->cp_byte[i]; b < b1; b++)
            a->byte_map[b] = a->src_start[i];
    }
    a->byte_map[a->norm.len] = (uint32_t)len;
    *norm = a->norm.data ? a->norm.data : "";
    *norm_len = a->norm.len;
    *map = a->byte_map;
    return GZ_OK;
}
