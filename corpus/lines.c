/* corpus/lines.c: line classification and date parsing. Everything here
 * looks at one trimmed line at a time. */
#include "corpus/lines.h"

#include <string.h>

#define U8_DI "\xE7\xAC\xAC"   /* 第 */
#define U8_ZHI "\xE4\xB9\x8B"  /* 之 */

size_t cp_blank_len(const char *s, const char *end)
{
    if (s >= end)
        return 0;
    if (*s == ' ' || *s == '\t')
        return 1;
    if (end - s >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0) /* U+3000 */
        return 3;
    if (end - s >= 2 && memcmp(s, "\xC2\xA0", 2) == 0)
        return 2;
    return 0;
}

int32_t cp_last_cp(const char *s, size_t len)
{
    const char *p = s + len;
    do
        p--;
    while (p > s && ((unsigned char)*p & 0xC0) == 0x80);
    return gz_utf8_next(&p, s + len);
}

int cp_is_terminal(int32_t cp)
{
    switch (cp) {
    case 0x3002: case 0xFF01: case 0xFF1F: case 0xFF1B: case 0xFF1A: /* 。！？；： */
    case '!': case '?': case ';': case ':': case ')': case 0xFF09:  /* ） */
    case 0x3011: case 0x300D: case 0x201D: case 0x2026: case 0x300F: /* 】」”…』 */
    case 0xFF0E: case '.':
        return 1;
    }
    return 0;
}

/* 第<numeral><unit>[之<numeral>]: returns bytes consumed or 0. unit is the
 * UTF-8 of 编/章/节/条. */
static size_t numbered(const char *s, size_t len, const char *unit, int64_t *num, int32_t *sub)
{
    if (len < 6 || memcmp(s, U8_DI, 3) != 0)
        return 0;
    size_t n = gz_numeral_parse(s + 3, len - 3, num);
    if (!n || len - 3 - n < 3 || memcmp(s + 3 + n, unit, 3) != 0)
        return 0;
    size_t at = 3 + n + 3;
    *sub = 0;
    if (len - at >= 3 && memcmp(s + at, U8_ZHI, 3) == 0) {
        int64_t v;
        size_t m = gz_numeral_parse(s + at + 3, len - at - 3, &v);
        if (m && v > 0 && v < 100) {
            *sub = (int32_t)v;
            at += 3 + m;
        }
    }
    return at;
}

static size_t skip_blanks(const char *s, size_t len, size_t at)
{
    size_t b;
    while (at < len && (b = cp_blank_len(s + at, s + len)))
        at += b;
    return at;
}

void cp_line_classify(const char *s, size_t len, cp_line_info *li)
{
    memset(li, 0, sizeof *li);
    li->number = GZ_NONE;
    if (len == 0)
        return;
    int64_t num;
    int32_t sub;
    size_t n;
    static const struct { const char *unit; cp_line_kind kind; } heads[] = {
        {"\xE6\x9D\xA1", CP_L_ARTICLE}, /* 条 */
        {"\xE7\xAB\xA0", CP_L_CHAPTER}, /* 章 */
        {"\xE8\x8A\x82", CP_L_LSECTION},/* 节 */
        {"\xE7\xBC\x96", CP_L_PART},    /* 编 */
    };
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        if ((n = numbered(s, len, heads[i].unit, &num, &sub))) {
            /* Any line that starts 第…条 is an article. A heading (章节编) must
             * stand alone or be followed by a blank and a short title, so that
             * running text such as 第三章规定的 stays text. */
            size_t r = skip_blanks(s, len, n);
            if (heads[i].kind != CP_L_ARTICLE && r == n && n != len)
                continue;
            if (heads[i].kind != CP_L_ARTICLE && len - r > 90)
                continue;
            li->kind = heads[i].kind;
            li->number = num;
            li->sub = sub;
            li->label_len = n;
            li->rest = r;
            return;
        }
    }

    /* a tab separates table cells; 第…条 lines keep their kind whatever
     * blank follows the label (checked above) */
    if (memchr(s, '\t', len)) {
        li->kind = CP_L_TABLE;
        return;
    }
    const char *p = s, *end = s + len;
    int32_t c0 = gz_utf8_next(&p, end);
    /* （一） (一) （1） (1) */
    if (c0 == '(' || c0 == 0xFF08) {
        n = gz_numeral_parse(p, (size_t)(end - p), &num);
        if (n) {
            const char *q = p + n;
            int32_t c = gz_utf8_next(&q, end);
            if (c == ')' || c == 0xFF09) {
                li->kind = CP_L_PAREN;
                li->number = num;
                li->label_len = (size_t)(q - s);
                li->rest = skip_blanks(s, len, li->label_len);
                return;
            }
        }
    }
    /* 一、 */
    if (gz_is_han(c0) && (n = gz_numeral_parse(s, len, &num))) {
        const char *q = s + n;
        int32_t c = gz_utf8_next(&q, end);
        if (c == 0x3001) {
            li->kind = CP_L_CNENUM;
            li->number = num;
            li->label_len = (size_t)(q - s);
            li->rest = skip_blanks(s, len, li->label_len);
            return;
        }
    }
    /* 1. 1、 1． but not 1.5 */
    if ((c0 >= '0' && c0 <= '9') || (c0 >= 0xFF10 && c0 <= 0xFF19)) {
        n = gz_numeral_parse(s, len, &num);
        const char *q = s + n;
        int32_t c = gz_utf8_next(&q, end);
        if ((c == '.' || c == 0x3001 || c == 0xFF0E) && n <= 6) {
            const char *r = q;
            int32_t d = gz_utf8_next(&r, end);
            if (!(d >= '0' && d <= '9')) {
                li->kind = CP_L_NUMENUM;
                li->number = num;
                li->label_len = (size_t)(q - s);
                li->rest = skip_blanks(s, len, li->label_len);
                return;
            }
        }
    }
    if ((c0 == '-' || c0 == '*' || c0 == 0x2022) && len > 2 && cp_blank_len(p, end)) {
        li->kind = CP_L_BULLET;
        li->label_len = (size_t)(p - s);
        li->rest = skip_blanks(s, len, li->label_len);
        return;
    }
    /* 附件 / 附件1 / 附件: 名称 */
    if (len >= 6 && memcmp(s, "\xE9\x99\x84\xE4\xBB\xB6", 6) == 0) {
        const char *q = s + 6;
        int32_t c = q < end ? gz_utf8_next(&q, end) : 0;
        if (c == 0 || c == ':' || c == 0xFF1A || (c >= '0' && c <= '9') ||
            (c >= 0xFF10 && c <= 0xFF19) || cp_blank_len(s + 6, end)) {
            li->kind = CP_L_ATTACH;
            li->label_len = 6;
            n = gz_numeral_parse(s + 6, len - 6, &num);
            if (n) {
                li->number = num;
                li->label_len += n;
            }
            li->rest = li->label_len;
            return;
        }
    }
    if (len == 6 && memcmp(s, "\xE7\x9B\xAE\xE5\xBD\x95", 6) == 0) { /* 目录 */
        li->kind = CP_L_CONTENTS;
        return;
    }
    if (c0 == 0x3010 && cp_last_cp(s, len) == 0x3011 && len < 60) { /* 【…】 */
        li->kind = CP_L_CATEGORY;
        return;
    }
    char iso[11];
    if ((n = cp_date_parse(s, len, iso)) && skip_blanks(s, len, n) == len) {
        li->kind = CP_L_DATE;
        return;
    }
    gz_docno d;
    if (len < 80 && gz_docno_find(s, len, &d) && d.start == 0 && skip_blanks(s, len, d.end) == len) {
        li->kind = CP_L_DOCNO;
        return;
    }
}

size_t cp_date_parse(const char *s, size_t len, char iso[11])
{
    static const char *const unit[3] = {"\xE5\xB9\xB4", "\xE6\x9C\x88", "\xE6\x97\xA5"}; /* 年月日 */
    int64_t v[3];
    size_t at = 0;
    for (int i = 0; i < 3; i++) {
        size_t n = gz_numeral_parse(s + at, len - at, &v[i]);
        if (!n || len - at - n < 3 || memcmp(s + at + n, unit[i], 3) != 0)
            return 0;
        at += n + 3;
    }
    if (v[0] < 1900 || v[0] > 2999 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31)
        return 0;
    iso[0] = (char)('0' + v[0] / 1000);
    iso[1] = (char)('0' + v[0] / 100 % 10);
    iso[2] = (char)('0' + v[0] / 10 % 10);
    iso[3] = (char)('0' + v[0] % 10);
    iso[4] = '-';
    iso[5] = (char)('0' + v[1] / 10);
    iso[6] = (char)('0' + v[1] % 10);
    iso[7] = '-';
    iso[8] = (char)('0' + v[2] / 10);
    iso[9] = (char)('0' + v[2] % 10);
    iso[10] = 0;
    return at;
}
