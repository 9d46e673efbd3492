/* analysis/fold.c: tokens that fold several spellings into one. Chinese
 * numerals in numeral contexts get their Arabic form (第四十六条 -> 46,
 * 二〇二三年 -> 2023), never a lone numeral character outside one (张三 stays
 * 张三); a 文号 gets one canonical keyword token whatever its brackets. */
#include "analysis/analyzer.h"

#include <stdio.h>
#include <string.h>

static int numeral_kind(int32_t c)
{
    switch (c) {
    case 0x3007: case 0x96F6: case 0x4E00: case 0x4E8C: case 0x4E24: case 0x4E09: case 0x56DB:
    case 0x4E94: case 0x516D: case 0x4E03: case 0x516B: case 0x4E5D:
        return 1; /* digit */
    case 0x5341: case 0x767E: case 0x5343: case 0x4E07: case 0x4EBF:
        return 2; /* unit: 十百千万亿 */
    }
    return 0;
}

static int unit_after(int32_t c) /* 条章节款项编 */
{
    return c == 0x6761 || c == 0x7AE0 || c == 0x8282 || c == 0x6B3E || c == 0x9879 || c == 0x7F16;
}

static int date_after(int32_t c) /* 年月日号 */
{
    return c == 0x5E74 || c == 0x6708 || c == 0x65E5 || c == 0x53F7;
}

/* Plain numbers: a positional numeral (四十六, 一百零五) that starts with a
 * digit or 十, or a digit-by-digit one with a zero (二〇二三): cp[i..e). */
static int numeral_plain(const an_analyzer *a, size_t i, size_t e)
{
    int units = 0, zeros = 0;
    for (size_t k = i; k < e; k++) {
        units += numeral_kind(a->cp[k]) == 2;
        zeros += a->cp[k] == 0x3007 || a->cp[k] == 0x96F6;
    }
    int32_t first = a->cp[i];
    return e - i >= 2 && ((units && (numeral_kind(first) == 1 || first == 0x5341)) || (!units && zeros));
}

void an_fold_numerals(an_analyzer *a)
{
    size_t n = a->n_cp;
    for (size_t i = 0; i < n;) {
        if (!numeral_kind(a->cp[i]) || a->pos_of[i] == AN_NO_POS) {
            i++;
            continue;
        }
        /* a run of numeral characters at consecutive positions */
        size_t e = i + 1;
        while (e < n && numeral_kind(a->cp[e]) && a->pos_of[e] == a->pos_of[e - 1] + 1)
            e++;
        int32_t before = i > 0 && a->pos_of[i - 1] == a->pos_of[i] - 1 ? a->cp[i - 1] : 0;
        int32_t after = e < n && a->pos_of[e] == a->pos_of[e - 1] + 1 ? a->cp[e] : 0;
        int context = (before == 0x7B2C && unit_after(after)) || date_after(after);
        if (context || numeral_plain(a, i, e)) {
            uint32_t b0 = a->cp_byte[i], b1 = e < n ? a->cp_byte[e] : (uint32_t)a->norm.len;
            int64_t v;
            if (gz_numeral_parse(a->norm.data + b0, b1 - b0, &v) == b1 - b0) {
                char digits[24];
                int dn = snprintf(digits, sizeof digits, "%lld", (long long)v);
                an_emit_text(a, AN_NUM, digits, (size_t)dn, a->pos_of[i], (uint32_t)(e - i),
                             a->src_start[i], a->src_end[e - 1]);
            }
        }
        i = e;
    }
}

/* The next code point after i that has a position (documents give plain
 * spaces none), or n. */
static size_t next_placed(const an_analyzer *a, size_t i)
{
    while (++i < a->n_cp && a->pos_of[i] == AN_NO_POS)
        ;
    return i;
}

void an_fold_labels(an_analyzer *a)
{
    size_t n = a->n_cp;
    for (size_t i = 0; i < n; i++) {
        if (a->cp[i] != 0x7B2C || a->pos_of[i] == AN_NO_POS) /* 第 */
            continue;
        size_t j = next_placed(a, i);
        if (j >= n || a->pos_of[j] != a->pos_of[i] + 1)
            continue;
        /* the number: Chinese numeral characters at consecutive positions,
         * or ASCII digits (one term, one position) */
        size_t e = j;
        int64_t v = -1, han = 0;
        if (numeral_kind(a->cp[j])) {
            while (e < n && numeral_kind(a->cp[e]) && (e == j || a->pos_of[e] == a->pos_of[e - 1] + 1))
                e++;
            uint32_t b0 = a->cp_byte[j], b1 = e < n ? a->cp_byte[e] : (uint32_t)a->norm.len;
            if (gz_numeral_parse(a->norm.data + b0, b1 - b0, &v) != b1 - b0)
                v = -1;
            han = 1;
        } else if (a->cp[j] >= '0' && a->cp[j] <= '9') {
            v = 0;
            while (e < n && a->cp[e] >= '0' && a->cp[e] <= '9' && a->pos_of[e] == a->pos_of[j] && v < 100000000)
                v = v * 10 + (a->cp[e++] - '0');
        }
        if (v < 0 || e == j)
            continue;
        size_t k = e < n && a->pos_of[e] == AN_NO_POS ? next_placed(a, e - 1) : e;
        int labelled = k < n && a->pos_of[k] == a->pos_of[e - 1] + 1 && unit_after(a->cp[k]);
        /* 第N alone, for queries that fold a number after 第: where a word
         * of digits follows 第, or a numeral that folds (a plain number, or
         * any before a label character), as an_fold_numerals decides */
        char label[40];
        int ln = snprintf(label, sizeof label, "第%lld", (long long)v);
        if (!han || labelled || numeral_plain(a, j, e))
            an_emit_text(a, AN_LABEL, label, (size_t)ln, a->pos_of[i], a->pos_of[e - 1] - a->pos_of[i] + 1,
                         a->src_start[i], a->src_end[e - 1]);
        if (!labelled)
            continue;
        char unit[4];
        size_t ul = 0;
        int32_t c = a->cp[k];
        unit[ul++] = (char)(0xE0 | (c >> 12));
        unit[ul++] = (char)(0x80 | ((c >> 6) & 0x3F));
        unit[ul++] = (char)(0x80 | (c & 0x3F));
        unit[ul] = 0;
        ln = snprintf(label, sizeof label, "第%lld%s", (long long)v, unit);
        an_emit_text(a, AN_LABEL, label, (size_t)ln, a->pos_of[i], a->pos_of[k] - a->pos_of[i] + 1, a->src_start[i],
                     a->src_end[k]);
    }
}

/* Index of the code point that starts at norm byte b (b is a boundary). */
static size_t cp_at(const an_analyzer *a, uint32_t b)
{
    size_t lo = 0, hi = a->n_cp;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (a->cp_byte[mid] < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void an_fold_docnos(an_analyzer *a)
{
    const char *s = a->norm.data;
    size_t len = a->norm.len, off = 0;
    gz_docno d;
    /* a 文号 needs a bracketed 4-digit year: skip texts without digits fast */
    while (off < len && gz_docno_find(s + off, len - off, &d)) {
        uint32_t bs = (uint32_t)(off + d.start), be = (uint32_t)(off + d.end);
        size_t i0 = cp_at(a, bs), i1 = cp_at(a, be);
        uint32_t p0 = AN_NO_POS, p1 = 0;
        for (size_t k = i0; k < i1; k++)
            if (a->pos_of[k] != AN_NO_POS) {
                if (p0 == AN_NO_POS)
                    p0 = a->pos_of[k];
                p1 = a->pos_of[k];
            }
        if (p0 != AN_NO_POS && i1 > i0) {
            char canon[96];
            gz_docno_canon(&d, canon, sizeof canon);
            an_emit_text(a, AN_DOCNO, canon, strlen(canon), p0, p1 - p0 + 1, a->src_start[i0],
                         a->src_end[i1 - 1]);
        }
        off = be;
    }
}
