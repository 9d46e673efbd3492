/* common/numeral.c: Chinese and Arabic numerals -> integers. Used by the
 * parser (第四十六条 -> 46) and the analyzer (numeral tokens). */
#include "common/common.h"

/* Digit value 0-9, a unit (10, 100, 1000, 10^4, 10^8) or -1. */
static int64_t numeral_value(int32_t cp, int *is_unit, int *is_arabic)
{
    *is_unit = 0;
    *is_arabic = 0;
    if (cp >= '0' && cp <= '9') {
        *is_arabic = 1;
        return cp - '0';
    }
    if (cp >= 0xFF10 && cp <= 0xFF19) {
        *is_arabic = 1;
        return cp - 0xFF10;
    }
    switch (cp) {
    case 0x3007: case 0x96F6: return 0;          /* 〇 零 */
    case 0x4E00: return 1;                        /* 一 */
    case 0x4E8C: case 0x4E24: return 2;           /* 二 两 */
    case 0x4E09: return 3;                        /* 三 */
    case 0x56DB: return 4;                        /* 四 */
    case 0x4E94: return 5;                        /* 五 */
    case 0x516D: return 6;                        /* 六 */
    case 0x4E03: return 7;                        /* 七 */
    case 0x516B: return 8;                        /* 八 */
    case 0x4E5D: return 9;                        /* 九 */
    }
    *is_unit = 1;
    switch (cp) {
    case 0x5341: return 10;                       /* 十 */
    case 0x767E: return 100;                      /* 百 */
    case 0x5343: return 1000;                     /* 千 */
    case 0x4E07: return 10000;                    /* 万 */
    case 0x4EBF: return 100000000;                /* 亿 */
    }
    *is_unit = 0;
    return -1;
}

#define NUMERAL_MAX 1000000000000LL

size_t gz_numeral_parse(const char *s, size_t len, int64_t *out)
{
    const char *p = s, *end = s + len;
    int is_unit, is_arabic;

    /* Arabic: a plain run of digits, half or full width. */
    const char *q = p;
    int32_t cp = gz_utf8_next(&q, end);
    if (cp < 0)
        return 0;
    int64_t v = numeral_value(cp, &is_unit, &is_arabic);
    if (v < 0)
        return 0;
    if (is_arabic) {
        int64_t n = 0;
        while (p < end) {
            q = p;
            cp = gz_utf8_next(&q, end);
            if (cp < 0 || numeral_value(cp, &is_unit, &is_arabic) < 0 || !is_arabic)
                break;
            n = n * 10 + numeral_value(cp, &is_unit, &is_arabic);
            if (n > NUMERAL_MAX)
                return 0;
            p = q;
        }
        *out = n;
        return (size_t)(p - s);
    }

    /* Chinese: find the run first, then decide between positional (十/百/千
     * units: 一百零五) and digit-by-digit (二〇二三) reading. */
    const char *run_end = p;
    int n_digits = 0, n_units = 0;
    while (run_end < end) {
        q = run_end;
        cp = gz_utf8_next(&q, end);
        if (cp < 0)
            break;
        v = numeral_value(cp, &is_unit, &is_arabic);
        if (v < 0 || is_arabic)
            break;
        n_units += is_unit;
        n_digits += !is_unit;
        run_end = q;
    }
    if (run_end == p)
        return 0;

    int64_t total = 0, section = 0, cur = 0;
    if (n_units == 0) {
        for (p = s; p < run_end;) {
            cp = gz_utf8_next(&p, run_end);
            total = total * 10 + numeral_value(cp, &is_unit, &is_arabic);
            if (total > NUMERAL_MAX)
                return 0;
        }
        *out = total;
        return (size_t)(run_end - s);
    }
    for (p = s; p < run_end;) {
        cp = gz_utf8_next(&p, run_end);
        v = numeral_value(cp, &is_unit, &is_arabic);
        if (!is_unit) {
            cur = v;
        } else if (v >= 10000) {
            section += cur;
            if (section == 0)
                section = 1;
            total += section * v;
            section = cur = 0;
        } else {
            if (cur == 0)
                cur = 1; /* 十五 = 15: a bare unit counts once */
            section += cur * v;
            cur = 0;
        }
        if (total > NUMERAL_MAX || section > NUMERAL_MAX)
            return 0;
    }
    *out = total + section + cur;
    (void)n_digits;
    return (size_t)(run_end - s);
}
