/* analysis/normalize.c: NFKC + case fold + traditional->simplified, keeping
 * for every output code point the byte range of the input that produced it.
 * ASCII and unified ideographs take a fast path (both are NFKC_CF-stable but
 * for ASCII capitals); anything else is normalised by ICU one normalisation
 * chunk at a time (a chunk ends before a character with a boundary before
 * it), so a combining sequence is composed whole and all its output maps to
 * its whole input range. */
#include "analysis/analyzer.h"

#include <string.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

static int grow_cp(an_analyzer *a, size_t need)
{
    if (need <= a->cap_cp)
        return 1;
    size_t cap = a->cap_cp ? a->cap_cp : 1024;
    while (cap < need)
        cap *= 2;
    int32_t *cp = gz_realloc(a->cp, cap * sizeof *cp);
    if (cp)
        a->cp = cp;
    uint32_t **arrs[] = {&a->src_start, &a->src_end, &a->pos_of, &a->cp_byte};
    int ok = cp != NULL;
    for (size_t k = 0; ok && k < sizeof arrs / sizeof arrs[0]; k++) {
        uint32_t *p = gz_realloc(*arrs[k], cap * sizeof *p);
        if (p)
            *arrs[k] = p;
        ok = p != NULL;
    }
    if (!ok) {
        a->status = GZ_NOMEM;
        return 0;
    }
    a->cap_cp = cap;
    return 1;
}

/* The simplified form of Han character c (c itself when the transform gives
 * more or other than one character). */
static int32_t t2s(an_analyzer *a, int32_t c)
{
    if (c < AN_T2S_LO || c > AN_T2S_HI || !a->t2s)
        return c;
    int32_t *m = &a->t2s_memo[c - AN_T2S_LO];
    if (*m)
        return *m;
    UChar buf[8];
    int32_t n = 0, limit;
    U16_APPEND_UNSAFE(buf, n, c);
    limit = n;
    UErrorCode ec = U_ZERO_ERROR;
    utrans_transUChars(a->t2s, buf, &n, 8, 0, &limit, &ec);
    int32_t r = c;
    if (U_SUCCESS(ec) && n >= 1) {
        int32_t i = 0, out;
        U16_NEXT(buf, i, n, out);
        if (i == n)
            r = out;
    }
    *m = r;
    return r;
}

static void push(an_analyzer *a, int32_t c, uint32_t s, uint32_t e)
{
    if (!grow_cp(a, a->n_cp + 1))
        return;
    size_t i = a->n_cp++;
    if (c >= AN_T2S_LO && c <= AN_T2S_HI)
        c = t2s(a, c);
    a->cp[i] = c;
    a->src_start[i] = s;
    a->src_end[i] = e;
    a->pos_of[i] = AN_NO_POS;
    a->cp_byte[i] = (uint32_t)a->norm.len;
    char u8[4];
    gz_buf_put(&a->norm, u8, gz_utf8_put(u8, c));
}

static int fast(int32_t c)
{
    return c < 0x80 || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF);
}

/* Normalises one chunk text[s..e) through ICU. */
static void slow_chunk(an_analyzer *a, const char *text, uint32_t s, uint32_t e)
{
    UErrorCode ec = U_ZERO_ERROR;
    int32_t n16 = 0;
    u_strFromUTF8(NULL, 0, &n16, text + s, (int32_t)(e - s), &ec);
    /* the source, then room for NFKC's largest expansion (18 units for 1) */
    size_t need = (size_t)n16 * 19 + 32;
    if (need > a->cap_u16) {
        UChar *u = gz_realloc(a->u16, need * sizeof *u);
        if (!u) {
            a->status = GZ_NOMEM;
            return;
        }
        a->u16 = u;
        a->cap_u16 = need;
    }
    UChar *src = a->u16, *dst = a->u16 + n16 + 1;
    int32_t dst_cap = (int32_t)(a->cap_u16 - (size_t)n16 - 1);
    ec = U_ZERO_ERROR;
    u_strFromUTF8(src, n16 + 1, &n16, text + s, (int32_t)(e - s), &ec);
    ec = U_ZERO_ERROR;
    int32_t n_out = unorm2_normalize(a->nfkc_cf, src, n16, dst, dst_cap, &ec);
    if (U_FAILURE(ec)) { /* cannot happen within the bound above; keep the input */
        dst = src;
        n_out = n16;
    }
    for (int32_t i = 0; i < n_out;) {
        UChar32 c;
        U16_NEXT(dst, i, n_out, c);
        push(a, c, s, e);
    }
}

gz_status an_normalize_text(an_analyzer *a, const char *text, size_t len)
{
    a->n_cp = 0;
    a->norm.len = 0;
    a->norm.status = GZ_OK;
    const char *p = text, *end = text + len;
    while (p < end && a->status == GZ_OK) {
        const char *q = p;
        int32_t c = gz_utf8_next(&q, end);
        if (c < 0) { /* an invalid byte stands for itself as U+FFFD */
            push(a, 0xFFFD, (uint32_t)(p - text), (uint32_t)(p - text + 1));
            p++;
            continue;
        }
        const char *r = q;
        int32_t next = q < end ? gz_utf8_next(&r, end) : 0;
        if (fast(c) && (next < 0 || fast(next))) {
            if (c >= 'A' && c <= 'Z')
                c += 'a' - 'A';
            push(a, c, (uint32_t)(p - text), (uint32_t)(q - text));
            p = q;
            continue;
        }
        /* inert: untouched by normalisation whatever surrounds it (most
         * punctuation, Mongolian letters, kana) */
        if (c >= 0x80 && unorm2_isInert(a->nfkc_cf, c)) {
            push(a, c, (uint32_t)(p - text), (uint32_t)(q - text));
            p = q;
            continue;
        }
        /* a chunk: c and what follows up to the next boundary */
        const char *ce = q;
        while (ce < end) {
            r = ce;
            int32_t d = gz_utf8_next(&r, end);
            if (d < 0 || unorm2_hasBoundaryBefore(a->nfkc_cf, d))
                break;
            ce = r;
        }
        slow_chunk(a, text, (uint32_t)(p - text), (uint32_t)(ce - text));
        p = ce;
    }
    if (a->norm.status != GZ_OK)
        a->status = GZ_NOMEM;
    gz_buf_cstr(&a->norm);
    return a->status;
}
