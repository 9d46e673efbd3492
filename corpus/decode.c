/* corpus/decode.c: byte -> UTF-8 decoding with encoding detection. BOMs
 * decide first; then UTF-16 without a BOM (its NUL bytes all odd or all
 * even); then strict UTF-8; then the legacy Chinese encodings, GB18030 (a
 * superset of GBK and GB2312) and Big5 (then Big5-HKSCS), each through
 * ICU's converter with the STOP callback, so a byte that is valid in none
 * is reported, never replaced. Legacy bytes are often valid in more than
 * one, so each decoding is scored by how much of it is common Chinese
 * (Big5 read as GB18030 gives kana and rare characters: mojibake), and the
 * best is kept if it is plausible at all. */
#include "corpus/corpus.h"

#include <pthread.h>
#include <string.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
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

/* ------------------------------------------------------- plausibility */

/* Common Han characters, U+4E00..U+9FFF: GB2312's first level (the 3,755
 * most used simplified characters, bytes B0A1-D7F9) and Big5's (the 5,401
 * most used traditional ones, A440-C67E), read from ICU's tables once. */
#define HAN_LO 0x4E00
#define HAN_N (0xA000 - HAN_LO)
static unsigned char common_han[HAN_N / 8];
static pthread_once_t common_once = PTHREAD_ONCE_INIT;

static void mark_range(const char *charset, int lead_lo, int lead_hi, int lo1, int hi1, int lo2,
                       int hi2, int last)
{
    UErrorCode ec = U_ZERO_ERROR;
    UConverter *cv = ucnv_open(charset, &ec);
    if (U_FAILURE(ec))
        return;
    for (int a = lead_lo; a <= lead_hi; a++)
        for (int b = lo1; b <= hi2; b++) {
            if ((b > hi1 && b < lo2) || (a << 8 | b) > last)
                continue;
            char in[2] = {(char)a, (char)b};
            UChar u[4];
            ec = U_ZERO_ERROR;
            int32_t n = ucnv_toUChars(cv, u, 4, in, 2, &ec);
            if (U_SUCCESS(ec) && n == 1 && u[0] >= HAN_LO && u[0] < HAN_LO + HAN_N)
                common_han[(u[0] - HAN_LO) / 8] |= (unsigned char)(1u << ((u[0] - HAN_LO) % 8));
        }
    ucnv_close(cv);
}

static void load_common(void)
{
    mark_range("GB2312", 0xB0, 0xD7, 0xA1, 0xFE, 0xA1, 0xFE, 0xD7F9);
    mark_range("Big5", 0xA4, 0xC6, 0x40, 0x7E, 0xA1, 0xFE, 0xC67E);
}

/* Share (0..1) of the non-blank characters of s that are ASCII, common
 * Han, or CJK and fullwidth punctuation. */
static double plausibility(const char *s, size_t len)
{
    pthread_once(&common_once, load_common);
    size_t ok = 0, total = 0, pua = 0;
    const char *p = s, *end = s + (len < (1u << 20) ? len : (1u << 20));
    while (p < end) {
        int32_t cp = gz_utf8_next(&p, end);
        if (cp <= ' ')
            continue;
        total++;
        if (cp < 0x80 || (cp >= 0x2000 && cp < 0x2070) || (cp >= 0x3000 && cp < 0x3040) ||
            (cp >= 0xFF00 && cp < 0xFFF0))
            ok++;
        else if (cp >= HAN_LO && cp < HAN_LO + HAN_N &&
                 (common_han[(cp - HAN_LO) / 8] >> ((cp - HAN_LO) % 8) & 1))
            ok++;
        else if (cp >= 0xE000 && cp < 0xF900)
            pua++;
    }
    /* a private-use character is a code the encoding left to vendors
     * (Big5's user area holds HKSCS): it counts twice against */
    return total ? ((double)ok - (double)pua) / (double)total : 1.0;
}

/* The legacy encodings tried, in order. When none reads as plausible
 * Chinese, the refusal names ICU's detector's guess (Shift_JIS, EUC-KR...),
 * so the clerk knows what the file is. */
static const char *const legacy[] = {"GB18030", "Big5", "Big5-HKSCS"};

static gz_status decode_legacy(const char *data, size_t len, size_t valid, char **out,
                               size_t *out_len, const char **encoding, gz_error *err)
{
    double best = -1, score[3] = {-1, -1, -1};
    size_t bad[3] = {0, 0, 0};
    int pick = -1;
    for (int i = 0; i < 3; i++) {
        char *o;
        size_t n;
        gz_status st = icu_to_utf8(legacy[i], data, len, &o, &n, &bad[i]);
        if (st == GZ_NOMEM) {
            if (pick >= 0)
                gz_free(*out);
            return gz_error_set(err, st, -1, "out of memory");
        }
        if (st != GZ_OK)
            continue;
        score[i] = plausibility(o, n);
        if (score[i] > best) {
            if (pick >= 0)
                gz_free(*out);
            best = score[i];
            pick = i;
            *out = o;
            *out_len = n;
        } else {
            gz_free(o);
        }
        if (i == 1 && pick == 1 && score[1] >= 0.99)
            break; /* plain Big5, no user-area codes: HKSCS reads it the same */
    }
    if (pick < 0)
        return gz_error_set(err, GZ_INVALID, (int64_t)valid,
                            "invalid UTF-8 at byte %zu (not GB18030 either, byte %zu; nor Big5, "
                            "byte %zu; nor Big5-HKSCS, byte %zu)",
                            valid, bad[0], bad[1], bad[2]);
    if (best < 0.5) {
        /* what ICU's detector makes of it, for the message */
        const char *guess = "";
        UErrorCode ec = U_ZERO_ERROR;
        UCharsetDetector *cd = ucsdet_open(&ec);
        ucsdet_setText(cd, data, (int32_t)(len < (1u << 20) ? len : (1u << 20)), &ec);
        const UCharsetMatch *m = ucsdet_detect(cd, &ec);
        if (U_SUCCESS(ec) && m)
            guess = ucsdet_getName(m, &ec);
        gz_free(*out);
        *out = NULL;
        *out_len = 0;
        gz_error_set(err, GZ_INVALID, 0,
                     "implausible text: at best %.0f%% common Chinese characters (tried UTF-8, "
                     "GB18030 %.0f%%, Big5 %.0f%%, Big5-HKSCS %.0f%%; ICU guesses %s)",
                     best * 100, score[0] < 0 ? 0 : score[0] * 100, score[1] < 0 ? 0 : score[1] * 100,
                     score[2] < 0 ? 0 : score[2] * 100, U_SUCCESS(ec) && *guess ? guess : "nothing");
        ucsdet_close(cd);
        return GZ_INVALID;
    }
    *encoding = legacy[pick];
    return GZ_OK;
}

/* UTF-16 without a BOM: bytes of even length with NULs (ASCII line feeds
 * and digits have one) read in both byte orders; the plausible one, if
 * either is (the wrong order gives characters of unrelated scripts). */
static gz_status decode_utf16_nobom(const char *data, size_t len, char **out, size_t *out_len,
                                    const char **encoding)
{
    static const char *const order[] = {"UTF-16LE", "UTF-16BE"};
    for (int i = 0; i < 2; i++) {
        size_t bad;
        gz_status st = icu_to_utf8(order[i], data, len, out, out_len, &bad);
        if (st == GZ_NOMEM)
            return st;
        if (st != GZ_OK)
            continue;
        if (plausibility(*out, *out_len) >= 0.5) {
            *encoding = order[i];
            return GZ_OK;
        }
        gz_free(*out);
        *out = NULL;
        *out_len = 0;
    }
    return GZ_INVALID;
}

static gz_status finish(char **out, size_t *out_len, gz_error *err);

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
        if (nul && !skip && len % 2 == 0) {
            st = decode_utf16_nobom(data, len, out, out_len, encoding);
            if (st == GZ_NOMEM)
                return gz_error_set(err, st, -1, "out of memory");
            if (st == GZ_OK)
                return finish(out, out_len, err);
        }
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
            st = decode_legacy(data, len, valid, out, out_len, encoding, err);
            if (st != GZ_OK)
                return st;
        }
    }
    return finish(out, out_len, err);
}

/* The decoded text, refused when empty or binary after all. */
static gz_status finish(char **out, size_t *out_len, gz_error *err)
{
    if (*out_len == 0 || looks_binary(*out, *out_len) || memchr(*out, 0, *out_len)) {
        int empty = *out_len == 0;
        gz_free(*out);
        *out = NULL;
        *out_len = 0;
        return gz_error_set(err, GZ_INVALID, 0, empty ? "empty file" : "binary file");
    }
    return GZ_OK;
}
