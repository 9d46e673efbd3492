/* common/utf8.c: strict UTF-8 decoding and the script tests shared by
 * corpus/ and analysis/. */
#include "common/testing.h"

#include <string.h>

int32_t gz_utf8_next_any(const char **pp, const char *end)
{
    const unsigned char *p = (const unsigned char *)*pp, *e = (const unsigned char *)end;
    if (p >= e)
        return -1;
    unsigned c = p[0];
    if (c < 0x80) {
        *pp += 1;
        return (int32_t)c;
    }
    int n;
    uint32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 1; cp = c & 0x1F; min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2; cp = c & 0x0F; min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3; cp = c & 0x07; min = 0x10000;
    } else {
        return -1;
    }
    if (e - p <= n)
        return -1;
    for (int i = 1; i <= n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return -1;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    *pp += n + 1;
    return (int32_t)cp;
}

size_t gz_utf8_put(char *out, int32_t cp)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t gz_utf8_valid_prefix(const char *s, size_t len)
{
    const char *p = s, *end = s + len;
    while (p < end) {
        /* ASCII fast path: eight bytes at a time when none has the high bit */
        while (end - p >= 8) {
            uint64_t w;
            __builtin_memcpy(&w, p, 8);
            if (w & 0x8080808080808080ULL)
                break;
            p += 8;
        }
        if (p >= end)
            break;
        if (gz_utf8_next(&p, end) < 0)
            return (size_t)(p - s);
    }
    return len;
}

int gz_is_han(int32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x323AF) || (cp >= 0xF900 && cp <= 0xFAFF) || cp == 0x3007;
}

int gz_is_mongolian(int32_t cp) { return cp >= 0x1800 && cp <= 0x18AF; }

size_t gz_han_run_at(const char *text, size_t len, size_t at, size_t chars, char *out)
{
    if (at >= len)
        return 0;
    while (at > 0 && ((unsigned char)text[at] & 0xC0) == 0x80)
        at--;
    const char *p = text + at, *end = text + len;
    size_t got = 0;
    while (got < chars && p < end) {
        const char *q = p;
        int32_t c = gz_utf8_next(&p, end);
        if (c < 0 || !gz_is_han(c)) {
            p = q;
            break;
        }
        got++;
    }
    if (got != chars)
        return 0;
    size_t n = (size_t)(p - (text + at));
    memcpy(out, text + at, n);
    out[n] = 0;
    return n;
}
