/* common/lawwork.c: a law's identity across its versions (the work key), its
 * version date from the header lines and the file name, what a 废止/修改
 * decision targets, and how well a typed name names a title. */
#include "common/law.h"
#include "common/lawtext.h"

#include <string.h>

#define PRC "中华人民共和国"
#define PRC_LEN (sizeof PRC - 1)

static int is_title_bracket(int32_t cp)
{
    return cp == 0x300A || cp == 0x300B || cp == 0x3008 || cp == 0x3009; /* 《》〈〉 */
}

/* ------------------------------------------------------------- dates */

static int valid_ymd(int64_t y, int64_t m, int64_t d)
{
    return y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}


size_t gz_law_date_parse(const char *s, size_t len, uint32_t *out)
{
    const char *p = s, *end = s + len;
    int64_t y, m, d;
    size_t n = gz_numeral_parse(p, len, &y);
    if (!n)
        return 0;
    p += n;
    if (n == 8 && gz_all_digits(s, 8)) { /* 20181026 */
        if (!valid_ymd(y / 10000, y / 100 % 100, y % 100))
            return 0;
        *out = (uint32_t)y;
        return 8;
    }
    size_t k;
    if ((k = at_lit(p, end, "年"))) {
        p += k;
        if (!(n = gz_numeral_parse(p, (size_t)(end - p), &m)) || !(k = at_lit(p + n, end, "月")))
            return 0;
        p += n + k;
        if (!(n = gz_numeral_parse(p, (size_t)(end - p), &d)))
            return 0;
        p += n;
        p += at_lit(p, end, "日");
    } else if (p < end && (*p == '-' || *p == '.' || *p == '/')) {
        char sep = *p++;
        if (!(n = gz_numeral_parse(p, (size_t)(end - p), &m)) || p + n >= end || p[n] != sep)
            return 0;
        p += n + 1;
        if (!(n = gz_numeral_parse(p, (size_t)(end - p), &d)))
            return 0;
        p += n;
    } else {
        return 0;
    }
    if (!valid_ymd(y, m, d))
        return 0;
    *out = (uint32_t)(y * 10000 + m * 100 + d);
    return (size_t)(p - s);
}

uint32_t gz_law_name_date(const char *name, size_t len)
{
    const char *p = name, *end = name + len;
    while (p < end) {
        const char *q = p;
        int32_t cp = gz_utf8_next(&q, end);
        if (cp < 0) {
            p++;
            continue;
        }
        if (cp == '(' || cp == 0xFF08) {
            uint32_t d;
            size_t n = gz_law_date_parse(q, (size_t)(end - q), &d);
            const char *r = q + n;
            int32_t close = n && r < end ? gz_utf8_next(&r, end) : 0;
            if (close == ')' || close == 0xFF09)
                return d;
        }
        p = q;
    }
    return 0;
}

/* The act a header ties a date to: the first act word in [p, end) before a
 * line or sentence ends. 2 for 施行, 1 for any other act, 0 for none. */
static int act_after(const char *p, const char *end)
{
    static const char *const acts[] = {"通过", "修正", "修订", "修改", "公布", "发布", "批准", "施行"};
    const char *stop = end;
    for (const char *q = p; q < end; q++)
        if (*q == '\n' || at_lit(q, end, "；") || at_lit(q, end, "。") || at_lit(q, end, "）")) {
            stop = q;
            break;
        }
    const char *best = NULL;
    int kind = 0;
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
        const char *at = memmem(p, (size_t)(stop - p), acts[i], strlen(acts[i]));
        if (at && (!best || at < best)) {
            best = at;
            kind = i == 7 ? 2 : 1;
        }
    }
    return kind;
}

/* A character that may begin a date: a digit or a Chinese digit. */
static int date_lead(int32_t cp)
{
    return law_is_digit(cp) || cp == 0x3007 || cp == 0x4E00 || cp == 0x4E8C || cp == 0x4E09 ||
           cp == 0x56DB || cp == 0x4E94 || cp == 0x516D || cp == 0x4E03 || cp == 0x516B || cp == 0x4E5D;
}

uint32_t gz_law_version_date(const char *header, size_t len, uint32_t name_date)
{
    const char *p = header, *end = header + len;
    uint32_t act_max = 0, start_max = 0;
    int32_t prev = 0;
    while (p < end) {
        const char *q = p;
        int32_t cp = gz_utf8_next(&q, end);
        if (cp < 0) {
            p++;
            prev = 0;
            continue;
        }
        uint32_t d;
        size_t n;
        if (date_lead(cp) && !date_lead(prev) && (n = gz_law_date_parse(p, (size_t)(end - p), &d))) {
            int act = act_after(p + n, end);
            if (act == 1 && d > act_max)
                act_max = d;
            if (act == 2 && d > start_max)
                start_max = d;
            p += n;
            prev = 0;
            continue;
        }
        prev = cp;
        p = q;
    }
    if (name_date && name_date >= act_max)
        return name_date;
    if (act_max)
        return act_max;
    return start_max ? start_max : name_date;
}

size_t gz_law_version_pick(const uint32_t *dates, size_t n, uint32_t as_of)
{
    uint32_t limit = as_of == 0 ? UINT32_MAX : as_of % 10000 == 0 ? as_of + 1231 : as_of;
    size_t best = (size_t)-1;
    for (size_t i = 0; i < n; i++)
        if (dates[i] <= limit && (best == (size_t)-1 || dates[i] > dates[best]))
            best = i;
    return best;
}

/* -------------------------------------------------------- work keys */

/* Whether the bracketed text s[0..len) is a version note: an ISO date, or
 * a year with an act (2018年修正, 2019年修订本). */
static int is_version_note(const char *s, size_t len)
{
    uint32_t d;
    if (len && gz_law_date_parse(s, len, &d) == len)
        return 1;
    int has_digit = 0;
    for (const char *p = s, *end = s + len; p < end;) {
        int32_t cp = gz_utf8_next(&p, end);
        if (cp < 0)
            return 0;
        has_digit |= law_is_digit(cp);
    }
    if (!has_digit || !memmem(s, len, "年", 3))
        return 0;
    static const char *const acts[] = {"修正", "修订", "修改", "公布", "施行", "通过", "版"};
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++)
        if (memmem(s, len, acts[i], strlen(acts[i])))
            return 1;
    return 0;
}

/* The closing bracket matching the opening one that ends at p: the byte
 * after it, the start of the close in *close_at, or NULL. */
static const char *bracket_close(const char *p, const char *end, const char **close_at)
{
    int depth = 1;
    while (p < end) {
        const char *at = p;
        int32_t cp = gz_utf8_next(&p, end);
        if (cp < 0)
            return NULL;
        if (cp == '(' || cp == 0xFF08)
            depth++;
        else if ((cp == ')' || cp == 0xFF09) && --depth == 0) {
            *close_at = at;
            return p;
        }
    }
    return NULL;
}

static size_t key_write(const char *title, size_t len, char *out, size_t cap, int drop_prc)
{
    const char *p = title, *end = title + len;
    size_t k = 0;
    if (!cap)
        return 0;
    while (p < end) {
        if (drop_prc && at_lit(p, end, PRC)) {
            p += PRC_LEN;
            continue;
        }
        const char *q = p;
        int32_t cp = gz_utf8_next(&q, end);
        if (cp < 0) {
            p++;
            continue;
        }
        if (law_is_blank(cp) || is_title_bracket(cp)) {
            p = q;
            continue;
        }
        if (cp == '(' || cp == 0xFF08) {
            const char *close_at, *after = bracket_close(q, end, &close_at);
            if (after && is_version_note(q, (size_t)(close_at - q))) {
                p = after;
                continue;
            }
        }
        char u[4];
        size_t n = (size_t)(q - p);
        const char *from = p;
        if (cp == 0xFF08 || cp == 0xFF09) {
            u[0] = cp == 0xFF08 ? '(' : ')';
            from = u;
            n = 1;
        }
        if (k + n + 1 > cap)
            break;
        memcpy(out + k, from, n);
        k += n;
        p = q;
    }
    out[k] = 0;
    return k;
}

size_t gz_law_work_key(const char *title, size_t len, char *out, size_t cap)
{
    return key_write(title, len, out, cap, 1);
}

#define OPEN_QUOTE "\xE3\x80\x8A"  /* 《 */
#define CLOSE_QUOTE "\xE3\x80\x8B" /* 》 */

size_t gz_law_next_cited(const char *text, size_t len, size_t *at, char *out, size_t cap)
{
    const char *end = text + len, *p = text + *at;
    while (p < end && (p = memmem(p, (size_t)(end - p), OPEN_QUOTE, 3))) {
        p += 3;
        const char *q = memmem(p, (size_t)(end - p), CLOSE_QUOTE, 3);
        if (!q)
            break;
        const char *nl = memchr(p, '\n', (size_t)(q - p));
        if (nl || q - p > GZ_LAW_CITED_MAX) { /* no name: a 《 left open */
            p = nl ? nl : q;
            continue;
        }
        *at = (size_t)(q + 3 - text);
        size_t n = gz_law_work_key(p, (size_t)(q - p), out, cap);
        if (n)
            return n;
        p = q + 3;
    }
    *at = len;
    return 0;
}

size_t gz_law_title_clean(const char *title, size_t len, char *out, size_t cap)
{
    return key_write(title, len, out, cap, 0);
}

/* --------------------------------------------------------- decisions */

size_t gz_law_act_targets(const char *title, size_t len, gz_law_act *act, gz_span *targets, size_t cap)
{
    const char *end = title + len;
    const char *kw = memmem(title, len, "关于废止", 12);
    gz_law_act a = GZ_LAW_ACT_REPEAL;
    if (!kw) {
        kw = memmem(title, len, "关于修改", 12);
        a = GZ_LAW_ACT_AMEND;
    }
    *act = GZ_LAW_ACT_NONE;
    if (!kw || (!memmem(kw, (size_t)(end - kw), "决定", 6) && !memmem(kw, (size_t)(end - kw), "通知", 6)))
        return 0;
    size_t n = 0;
    for (const char *p = kw + 12; p < end;) {
        const char *q = p;
        int32_t cp = gz_utf8_next(&q, end);
        if (cp < 0) {
            p++;
            continue;
        }
        if (cp != 0x300A && cp != 0x3008) {
            p = q;
            continue;
        }
        int32_t open = cp, close = cp + 1; /* 《 -> 》, 〈 -> 〉 */
        int depth = 1;
        const char *r = q, *at = NULL;
        while (r < end) {
            at = r;
            int32_t c = gz_utf8_next(&r, end);
            if (c < 0)
                break;
            if (c == open)
                depth++;
            else if (c == close && --depth == 0)
                break;
        }
        if (depth != 0)
            break;
        if (n < cap)
            targets[n] = (gz_span){(size_t)(q - title), (size_t)(at - title)};
        n++;
        p = r;
    }
    if (n)
        *act = a;
    return n;
}

/* --------------------------------------------------- name resolution */

typedef struct abbrev {
    const char *name, *key;
} abbrev;

static const abbrev abbrevs[] = {
#define GZ_LAW_ABBREV(name, key) {name, key},
#include "common/lawabbrev.def"
#undef GZ_LAW_ABBREV
};

const char *gz_law_abbrev(const char *key)
{
    for (size_t i = 0; i < sizeof abbrevs / sizeof abbrevs[0]; i++)
        if (strcmp(abbrevs[i].name, key) == 0)
            return abbrevs[i].key;
    return NULL;
}

/* Words after which a work's name begins inside a title's key (《》 and
 * 中华人民共和国 gone): 关于适用公司法…, 山东省实施村民委员会组织法办法. */
static const char *const name_leads[] = {"适用", "实施", "关于", "执行", "贯彻", "修改", "修订", "废止", "施行"};

/* Does title_key hold name_key? A short law name (three or four
 * characters ending in 法: 合同法, 民法总则 is not one) only as a whole
 * name: at the key's start or after one of name_leads, not as the end of
 * a longer name (合同法 in 劳动合同法, 劳动合同法实施条例: another work). A
 * longer name anywhere (国有企业领导人员管理办法 in 伊金霍洛旗属国有企业领导人员管理办法),
 * and a kind alone (办法) too. */
static int holds_name(const char *title_key, const char *name_key)
{
    /* three or four Han characters: 9 to 12 bytes */
    size_t n = strlen(name_key);
    int short_law = n >= 9 && n <= 12 && strcmp(name_key + n - 3, "法") == 0;
    for (const char *at = strstr(title_key, name_key); at; at = strstr(at + 1, name_key)) {
        if (at == title_key || !short_law)
            return 1;
        for (size_t i = 0; i < sizeof name_leads / sizeof name_leads[0]; i++) {
            size_t lead = strlen(name_leads[i]);
            if ((size_t)(at - title_key) >= lead && memcmp(at - lead, name_leads[i], lead) == 0)
                return 1;
        }
    }
    return 0;
}

int gz_law_name_score_keys(const char *name_clean, const char *name_key, const char *title_clean,
                           const char *title_key)
{
    if (!*name_key)
        return GZ_LAW_NAME_NONE;
    if (strcmp(name_clean, title_clean) == 0)
        return GZ_LAW_NAME_EXACT;
    if (strcmp(name_key, title_key) == 0)
        return GZ_LAW_NAME_WORK;
    const char *ab = gz_law_abbrev(name_key);
    if (ab && strcmp(ab, title_key) == 0)
        return GZ_LAW_NAME_SHORT;
    return holds_name(title_key, name_key) ? GZ_LAW_NAME_CONTAINS : GZ_LAW_NAME_NONE;
}

int gz_law_name_score(const char *name, size_t name_len, const char *title, size_t title_len)
{
    char nc[GZ_LAW_KEY_MAX], nk[GZ_LAW_KEY_MAX], tc[GZ_LAW_KEY_MAX], tk[GZ_LAW_KEY_MAX];
    gz_law_title_clean(name, name_len, nc, sizeof nc);
    gz_law_work_key(name, name_len, nk, sizeof nk);
    gz_law_title_clean(title, title_len, tc, sizeof tc);
    gz_law_work_key(title, title_len, tk, sizeof tk);
    return gz_law_name_score_keys(nc, nk, tc, tk);
}
