/* common/docno.c: finding and parsing 文号 (伊政发〔2023〕110号) in any bracket
 * and digit width. Shared by the parser and the analyzer. */
#include "common/common.h"

#include <stdio.h>
#include <string.h>

static int is_open(int32_t cp)
{
    return cp == '[' || cp == '(' || cp == 0x3014 || cp == 0xFF08 || cp == 0x3010 ||
           cp == 0xFF3B || cp == 0x3008 || cp == 0x3016;
}

static int is_close(int32_t cp)
{
    return cp == ']' || cp == ')' || cp == 0x3015 || cp == 0xFF09 || cp == 0x3011 ||
           cp == 0xFF3D || cp == 0x3009 || cp == 0x3017;
}

static int digit_of(int32_t cp)
{
    if (cp >= '0' && cp <= '9')
        return cp - '0';
    if (cp >= 0xFF10 && cp <= 0xFF19)
        return cp - 0xFF10;
    return -1;
}

/* Characters that end a backward scan for the issuer: function words that
 * precede a 文号 in running text (根据伊政发… must give 伊政发). */
static int stops_issuer(int32_t cp)
{
    static const int32_t stop[] = {0x7684, 0x636E, 0x7167, 0x5C06, 0x548C, 0x53CA, 0x4E0E,
                                   0x5728, 0x7ECF, 0x4E8E, 0x662F, 0x5BF9, 0x628A, 0x88AB,
                                   0x6309, 0x4F9D, 0x4ECE, 0x4E3A, 0x89C1, 0x5E76};
    for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++)
        if (cp == stop[i])
            return 1;
    return 0;
}

/* Start of the code point that ends right before p (p > s). */
static const char *utf8_prev(const char *s, const char *p)
{
    do
        p--;
    while (p > s && ((unsigned char)*p & 0xC0) == 0x80);
    return p;
}

/* Tries a 文号 whose opening bracket is at b. */
static int docno_at(const char *s, const char *b, const char *end, gz_docno *d)
{
    const char *p = b;
    int32_t cp = gz_utf8_next(&p, end);
    if (!is_open(cp))
        return 0;
    int year = 0, n = 0, dg;
    while (p < end) {
        const char *q = p;
        cp = gz_utf8_next(&q, end);
        if ((dg = digit_of(cp)) < 0)
            break;
        if (++n > 4)
            return 0;
        year = year * 10 + dg;
        p = q;
    }
    if (n != 4 || p >= end || !is_close(gz_utf8_next(&p, end)))
        return 0;
    int serial = 0;
    n = 0;
    while (p < end) {
        const char *q = p;
        cp = gz_utf8_next(&q, end);
        if ((dg = digit_of(cp)) < 0)
            break;
        if (++n > 6)
            return 0;
        serial = serial * 10 + dg;
        p = q;
    }
    if (n == 0 || p >= end || gz_utf8_next(&p, end) != 0x53F7) /* 号 */
        return 0;
    /* issuer: up to 8 Han characters directly before the bracket */
    const char *is = b;
    int n_han = 0;
    while (is > s && n_han < 8) {
        const char *q = utf8_prev(s, is), *r = q;
        cp = gz_utf8_next(&r, end);
        if (cp < 0 || !gz_is_han(cp) || stops_issuer(cp))
            break;
        is = q;
        n_han++;
    }
    if (n_han < 1 || (size_t)(b - is) >= sizeof d->issuer)
        return 0;
    memcpy(d->issuer, is, (size_t)(b - is));
    d->issuer[b - is] = 0;
    d->year = year;
    d->serial = serial;
    d->start = (size_t)(is - s);
    d->end = (size_t)(p - s);
    return 1;
}

int gz_docno_find(const char *s, size_t len, gz_docno *d)
{
    const char *p = s, *end = s + len;
    while (p < end) {
        const char *at = p;
        int32_t cp = gz_utf8_next(&p, end);
        if (cp < 0) {
            p = at + 1;
            continue;
        }
        if (is_open(cp) && docno_at(s, at, end, d))
            return 1;
    }
    return 0;
}

void gz_docno_canon(const gz_docno *d, char *out, size_t cap)
{
    snprintf(out, cap, "%s\xE3\x80\x94%d\xE3\x80\x95%d\xE5\x8F\xB7", d->issuer, d->year, d->serial);
}
