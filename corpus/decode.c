/* corpus/decode.c: byte -> UTF-8 decoding with encoding detection. BOMs
 * decide first; then strict UTF-8; then strict GB18030 (a superset of GBK
 * and GB2312) through ICU's converter with the STOP callback, so a byte that
 * is valid in neither is reported, never replaced. */
#include "corpus/corpus.h"

#include <string.h>
#include <unicode/ucnv.h>
#include <unicode/ustring.h>

/* Converts with ICU from charset to UTF-8, failing on any illegal sequence.
 * On failure *bad_at is the input offset ICU stopped at (best effort). */
static gz_status icu_to_utf8(const char *charset, const char *data, size_t len, char **out,
                             size_t *out_len, size_t *bad_at)
{
    UErrorCode ec = U_ZERO_ERROR;
    UConverter *cv = ucnv_open(charset, &ec);
    if (U_FAILURE(ec))
        return GZ_INVALID;
    ucnv_setToUCallBack(cv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &ec);
    /* Each input byte yields at most one UTF-16 unit (GB18030's four-byte
     * forms give two units for four bytes), so len + 1 units suffice. */
    UChar *u = gz_alloc((len + 1) * sizeof *u);
    if (!u) {
        ucnv_close(cv);
        return GZ_NOMEM;
    }
    UChar *ut = u;
    const char *src = data;
    ucnv_toUnicode(cv, &ut, u + len + 1, &src, data + len, NULL, 1, &ec);
    ucnv_close(cv);
    if (U_FAILURE(ec)) {
        *bad_at = (size_t)(src - data);
        gz_free(u);
        return GZ_INVALID;
    }
    int32_t n_units = (int32_t)(ut - u), n8 = 0;
    ec = U_ZERO_ERROR;
    u_strToUTF8(NULL, 0, &n8, u, n_units, &ec); /* preflight */
    ec = U_ZERO_ERROR;
    char *o = gz_alloc((size_t)n8 + 1);
    if (!o) {
        gz_free(u);
        return GZ_NOMEM;
    }
    u_strToUTF8(o, n8 + 1, &n8, u, n_units, &ec);
    gz_free(u);
    if (U_FAILURE(ec)) { /* unpaired surrogates in UTF-16 input */
        gz_free(o);
        *bad_at = 0;
        return GZ_INVALID;
    }
    o[n8] = 0;
    *out = o;
    *out_len = (size_t)n8;
    return GZ_OK;
}

/* Control bytes other than tab, newline, CR, FF and VT: a few in a text file
 * are noise the cleaner blanks out; many mean a binary file. */
static int looks_binary(const char *s, size_t len)
{
    /* the control characters a text does not hold: below 0x20, less tab,
     * line feed, vertical tab, form feed and carriage return (9 to 13);
     * two comparisons a byte, no branch, which the compiler vectorises */
    size_t ctl = 0, n = len < 65536 ? len : 65536, i = 0;
    const unsigned char *u = (const unsigned char *)s;
    for (; i + 16 <= n; i += 16) { /* sixteen at a time: one vector */
        unsigned char k16 = 0;
        for (size_t k = 0; k < 16; k++)
            k16 += (u[i + k] < '\t') + ((unsigned char)(u[i + k] - '\r' - 1) < 0x20 - '\r' - 1);
        ctl += k16;
    }
    for (; i < n; i++)
        ctl += (u[i] < '\t') + ((unsigned char)(u[i] - '\r' - 1) < 0x20 - '\r' - 1);
    return ctl * 100 > n; /* more than 1 % */
}

gz_status cp_decode(const char *data, size_t len, char **out, size_t *out_len,
                    const char **encoding, gz_error *err)
{
    const unsigned char *b = (const unsigned char *)data;
    *out = NULL;
    *out_len = 0;
    if (len == 0)
        return gz_error_set(err, GZ_INVALID, 0, "empty file");

    size_t bad = 0;
    gz_status st;
    if (len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
        const char *cs = b[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
        if ((len - 2) % 2)
            return gz_error_set(err, GZ_INVALID, (int64_t)len - 1, "%s with an odd byte count", cs);
        st = icu_to_utf8(cs, data + 2, len - 2, out, out_len, &bad);
        if (st == GZ_INVALID)
            return gz_error_set(err, st, (int64_t)bad + 2, "invalid %s at byte %zu", cs, bad + 2);
        if (st != GZ_OK)
            return gz_error_set(err, st, -1, "out of memory");
        *encoding = cs;
    } else {
        size_t skip = (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) ? 3 : 0;
        const char *nul = memchr(data, 0, len);
        if (nul)
            return gz_error_set(err, GZ_INVALID, nul - data,
                                "NUL byte at offset %zu: binary file or unsupported encoding",
                                (size_t)(nul - data));
        if (looks_binary(data, len))
            return gz_error_set(err, GZ_INVALID, 0, "binary file (control bytes in the text)");
        size_t valid = gz_utf8_valid_prefix(data + skip, len - skip) + skip;
        if (valid == len) {
            *out = gz_strndup(data + skip, len - skip);
            if (!*out)
                return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
            *out_len = len - skip;
            *encoding = skip ? "UTF-8 (BOM)" : "UTF-8";
        } else if (skip) {
            return gz_error_set(err, GZ_INVALID, (int64_t)valid, "invalid UTF-8 at byte %zu", valid);
        } else {
            st = icu_to_utf8("GB18030", data, len, out, out_len, &bad);
            if (st == GZ_NOMEM)
                return gz_error_set(err, st, -1, "out of memory");
            if (st != GZ_OK)
                return gz_error_set(err, GZ_INVALID, (int64_t)valid,
                                    "invalid UTF-8 at byte %zu (not GB18030 either, byte %zu)",
                                    valid, bad);
            *encoding = "GB18030";
        }
    }
    if (*out_len == 0 || looks_binary(*out, *out_len) || memchr(*out, 0, *out_len)) {
        int empty = *out_len == 0;
        gz_free(*out);
        *out = NULL;
        *out_len = 0;
        return gz_error_set(err, GZ_INVALID, 0, empty ? "empty file" : "binary file");
    }
    return GZ_OK;
}
