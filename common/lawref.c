/* common/lawref.c: references to law articles. What a clerk types
 * (公司法第十七条第一款), the byte range of a 款 or 项 inside an article, and
 * the references a law's text makes (本法第X条, 前款, 《X》第Y条), found in
 * one scan without allocation. */
#include "common/law.h"
#include "common/lawtext.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define DI "第"
#define U8_LEN 3 /* every marker here (第 条 款 项 之 前 《 》) is 3 bytes */


/* A numeral at p (Chinese or digits) with a value in 1..99999; its length. */
static size_t number_at(const char *p, const char *end, int32_t *v)
{
    int64_t x;
    size_t n = p < end ? gz_numeral_parse(p, (size_t)(end - p), &x) : 0;
    if (!n || x < 1 || x > 99999)
        return 0;
    *v = (int32_t)x;
    return n;
}

/* 第N<unit> at p, where unit is 条, 款 or 项 (项 also as 第（N）项 or
 * 第(N)项). The length, or 0. With need_di == 0 the 第 may be missing. */
static size_t ordinal_at(const char *p, const char *end, const char *unit, int need_di, int32_t *v)
{
    const char *q = p;
    if (at_lit(q, end, DI))
        q += U8_LEN;
    else if (need_di)
        return 0;
    int paren = 0;
    if (strcmp(unit, "项") == 0) {
        if (at_lit(q, end, "（"))
            q += 3, paren = 3;
        else if (q < end && *q == '(')
            q += 1, paren = 1;
    }
    size_t n = number_at(q, end, v);
    if (!n)
        return 0;
    q += n;
    if (paren == 3 && !at_lit(q, end, "）"))
        return 0;
    if (paren == 1 && (q >= end || *q != ')'))
        return 0;
    q += paren;
    if (!at_lit(q, end, unit))
        return 0;
    return (size_t)(q + U8_LEN - p);
}

/* What may follow 第N条: [之M][第N款][第N项]. Stores 0 for what is
 * missing and returns the length read. */
static size_t after_article(const char *p, const char *end, int32_t *sub, int32_t *clause, int32_t *item)
{
    const char *q = p;
    size_t n;
    int32_t v;
    *sub = *clause = *item = 0;
    if (at_lit(q, end, "之") && (n = number_at(q + U8_LEN, end, &v)))
        q += U8_LEN + n, *sub = v;
    if ((n = ordinal_at(q, end, "款", 1, &v)))
        q += n, *clause = v;
    if ((n = ordinal_at(q, end, "项", 1, &v)))
        q += n, *item = v;
    return (size_t)(q - p);
}

/* ------------------------------------------------- typed references */

/* The article part of a typed reference at p, which must run to end:
 * [第]N[条][之M][第N款][第N项]. 第N without 条 only at the end. */
static int tail_parse(const char *p, const char *end, int had_di, gz_lawref *r)
{
    const char *q = p;
    int32_t v;
    size_t n = number_at(q, end, &v);
    if (!n)
        return 0;
    q += n;
    r->article = v;
    if (at_lit(q, end, "条"))
        q += U8_LEN;
    else if (!had_di || q != end)
        return 0;
    q += after_article(q, end, &r->sub, &r->clause, &r->item);
    return q == end;
}

/* Removes a version note in brackets from the name (in place): a date
 * (2023-12-29) sets *date, a year note （2018年修正） sets yyyy0000. */
static size_t name_take_note(char *name, size_t len, uint32_t *date)
{
    char *p = name, *end = name + len;
    while (p < end) {
        char *q = p;
        int32_t cp = gz_utf8_next((const char **)&q, end);
        if (cp < 0)
            return len;
        if (cp != '(' && cp != 0xFF08) {
            p = q;
            continue;
        }
        char *c = q;
        while (c < end && !at_lit(c, end, "）") && *c != ')')
            c++;
        if (c >= end)
            return len;
        size_t clen = *c == ')' ? 1 : 3;
        uint32_t d = 0;
        size_t n = gz_law_date_parse(q, (size_t)(c - q), &d);
        if (n && n == (size_t)(c - q)) {
            /* an ISO date */
        } else {
            int64_t y;
            n = gz_numeral_parse(q, (size_t)(c - q), &y);
            if (!n || y < 1900 || y > 2200 || !at_lit(q + n, c, "年") || c - q - n <= 3)
                d = 0;
            else
                d = (uint32_t)y * 10000;
        }
        if (!d) {
            p = c + clen;
            continue;
        }
        if (!*date)
            *date = d;
        memmove(p, c + clen, (size_t)(end - c - clen));
        len -= (size_t)(c + clen - p);
        end = name + len;
    }
    return len;
}

gz_status gz_lawref_parse(const char *s, size_t len, gz_lawref *r, gz_error *err)
{
    memset(r, 0, sizeof *r);
    char buf[GZ_LAW_KEY_MAX + 64];
    size_t k = 0;
    for (const char *p = s, *end = s + len; p < end;) {
        const char *q = p;
        int32_t cp = gz_utf8_next(&q, end);
        if (cp < 0)
            return gz_error_set(err, GZ_INVALID, p - s, "[lawref][parse] invalid UTF-8 at byte %zu",
                                (size_t)(p - s));
        if (!law_is_blank(cp)) {
            if (k + (size_t)(q - p) >= sizeof buf)
                return gz_error_set(err, GZ_INVALID, -1, "[lawref][parse] reference longer than %zu bytes",
                                    sizeof buf - 1);
            if (cp == 0xFF20) /* ＠ */
                buf[k++] = '@';
            else {
                memcpy(buf + k, p, (size_t)(q - p));
                k += (size_t)(q - p);
            }
        }
        p = q;
    }
    buf[k] = 0;
    char *end = buf + k;
    char *at = memchr(buf, '@', k);
    if (at) {
        uint32_t d;
        size_t n = gz_law_date_parse(at + 1, (size_t)(end - at - 1), &d);
        if (!n || at + 1 + n != end)
            return gz_error_set(err, GZ_INVALID, -1,
                                "[lawref][parse] \"%s\": a date after @ is YYYY-MM-DD", at + 1);
        r->date = d;
        end = at;
        *end = 0;
    }
    /* The article part starts at the first 第 or digit run after which
     * everything parses; what comes before is the work's name. */
    char *tail = NULL;
    int32_t prev = 0;
    for (char *p = buf; p < end;) {
        char *q = p;
        int32_t cp = gz_utf8_next((const char **)&q, end);
        if (cp < 0)
            break;
        if (cp == 0x7B2C && tail_parse(q, end, 1, r)) { /* 第 */
            tail = p;
            break;
        }
        if (law_is_digit(cp) && !law_is_digit(prev) && tail_parse(p, end, 0, r)) {
            tail = p;
            break;
        }
        prev = cp;
        p = q;
    }
    if (!tail) {
        memset(r, 0, sizeof *r);
        return gz_error_set(err, GZ_INVALID, -1,
                            "[lawref][parse] \"%.*s\": no article number (第…条) at its end",
                            (int)(len > 200 ? 200 : len), s);
    }
    size_t nl = (size_t)(tail - buf);
    if (nl >= sizeof r->name)
        return gz_error_set(err, GZ_INVALID, -1, "[lawref][parse] name longer than %zu bytes",
                            sizeof r->name - 1);
    nl = name_take_note(buf, nl, &r->date);
    char *name = buf;
    /* 《the whole name》: drop the outer pair */
    if (nl >= 6 && at_lit(name, name + nl, "《") && at_lit(name + nl - 3, name + nl, "》") &&
        !memmem(name + 3, nl - 6, "《", 3)) {
        name += 3;
        nl -= 6;
    }
    memcpy(r->name, name, nl);
    r->name[nl] = 0;
    return GZ_OK;
}

/* ------------------------------------------------ clauses and items */

/* An item line: （N） or (N) at its start; N, or 0. */
static int32_t item_number(const char *p, const char *end)
{
    int32_t v;
    size_t n;
    if (at_lit(p, end, "（") && (n = number_at(p + 3, end, &v)) && at_lit(p + 3 + n, end, "）"))
        return v;
    if (p < end && *p == '(' && (n = number_at(p + 1, end, &v)) && p + 1 + n < end && p[1 + n] == ')')
        return v;
    return 0;
}

int gz_law_clause_range(const char *text, size_t len, int32_t clause, int32_t item, gz_span *out)
{
    const char *end = text + len;
    int32_t cur = 0;
    int in_clause = clause == 0, found_clause = 0;
    gz_span span = {0, 0};
    for (const char *line = text; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *le = nl ? nl : end;
        const char *a = line;
        while (a < le) { /* skip leading blanks */
            const char *q = a;
            int32_t cp = gz_utf8_next(&q, le);
            if (cp < 0 || !law_is_blank(cp))
                break;
            a = q;
        }
        const char *b = le;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r'))
            b--;
        if (a < b) {
            int32_t in = item_number(a, b);
            if (!in)
                cur++;
            if (clause) {
                if (!in && cur == clause) {
                    in_clause = found_clause = 1;
                    span.start = (size_t)(a - text);
                } else if (!in && cur > clause) {
                    in_clause = 0;
                }
                if (in_clause)
                    span.end = (size_t)(b - text);
            } else if (!found_clause) {
                span.start = (size_t)(a - text);
                found_clause = 1;
            }
            if (!clause)
                span.end = (size_t)(b - text);
            if (item && in_clause && in == item) {
                *out = (gz_span){(size_t)(a - text), (size_t)(b - text)};
                return 1;
            }
        }
        line = nl ? nl + 1 : end;
    }
    if (item || !found_clause)
        return 0;
    *out = span;
    return 1;
}

/* ------------------------------------------------ cross-references */

static const char *const scope_names[GZ_XREF__COUNT] = {"same_work", "named_work", "same_article",
                                                        "prev_clause", "prev_article"};

const char *gz_xref_scope_name(gz_xref_scope s)
{
    return (unsigned)s < GZ_XREF__COUNT ? scope_names[s] : "?";
}

/* The first 第 (E7 AC AC) or 前 (E5 89 8D) at or after from, or len: one
 * pass over the bytes, 16 at a time where SSE2 is there. */
static size_t find_marker(const char *text, size_t len, size_t from)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t i = from;
#ifdef __SSE2__
    const __m128i e7 = _mm_set1_epi8((char)0xE7), ac = _mm_set1_epi8((char)0xAC);
    const __m128i e5 = _mm_set1_epi8((char)0xE5), x89 = _mm_set1_epi8((char)0x89),
                  x8d = _mm_set1_epi8((char)0x8D);
    for (; i + 18 <= len; i += 16) {
        __m128i b0 = _mm_loadu_si128((const __m128i *)(t + i));
        __m128i b1 = _mm_loadu_si128((const __m128i *)(t + i + 1));
        __m128i b2 = _mm_loadu_si128((const __m128i *)(t + i + 2));
        __m128i di = _mm_and_si128(_mm_cmpeq_epi8(b0, e7),
                                   _mm_and_si128(_mm_cmpeq_epi8(b1, ac), _mm_cmpeq_epi8(b2, ac)));
        __m128i qian = _mm_and_si128(_mm_cmpeq_epi8(b0, e5),
                                     _mm_and_si128(_mm_cmpeq_epi8(b1, x89), _mm_cmpeq_epi8(b2, x8d)));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(di, qian));
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
#endif
    for (; i + 3 <= len; i++)
        if ((t[i] == 0xE7 && t[i + 1] == 0xAC && t[i + 2] == 0xAC) ||
            (t[i] == 0xE5 && t[i + 1] == 0x89 && t[i + 2] == 0x8D))
            return i;
    return len;
}

void gz_xref_scan_init(gz_xref_scan *s, const char *text, size_t len)
{
    memset(s, 0, sizeof *s);
    s->text = text;
    s->len = len;
}

/* What a work calls itself after 本: 本法第十条, 本条例, 本实施细则. */
static const char *const type_words[] = {"法", "条例", "办法", "规定", "细则", "解释", "决定", "规则",
                                         "规程", "准则", "章程", "意见", "通知", "纲要", "法典"};

/* Words after which a law's name begins when it is cited without 《》:
 * 依照刑法第十条, 侵权人根据民法典第…, 应当认定为刑法第…. */
static const char *const name_stops[] = {"依照", "依据", "根据", "按照", "违反", "适用", "参照", "属于",
                                         "符合", "认定为", "将", "即", "和", "与", "及", "或者", "的",
                                         "对", "在", "为", "是", "由", "以", "照", "同", "经", "了",
                                         "有", "犯", "除", "构成", "执行", "结合", "修正后", "修改后",
                                         "修正前", "修改前", "不受", "不影响", "时", "又", "但", "指"};

/* Joiners of a list of references: 第十条、第十一条和第十三条. */
static const char *const list_words[] = {"、", "和", "及", "以及", "或者", "或", "至"};

static int ends_with(const char *text, size_t at, const char *w)
{
    size_t n = strlen(w);
    return at >= n && memcmp(text + at - n, w, n) == 0;
}

/* The start of the 《 that opens the 》 ending at `close` (exclusive), or
 * (size_t)-1; looks back at most 300 bytes, and never before floor (the
 * end of the reference before). */
static size_t open_of(const char *text, size_t close, size_t floor)
{
    size_t lo = close > 300 ? close - 300 : 0;
    lo = lo < floor ? floor : lo;
    int depth = 1;
    for (size_t i = close; i > lo;) {
        i--;
        if (i + U8_LEN > close || (unsigned char)text[i] != 0xE3 || (unsigned char)text[i + 1] != 0x80)
            continue;
        unsigned char c = (unsigned char)text[i + 2];
        if (c == 0x8B) /* 》 */
            depth++;
        else if (c == 0x8A && --depth == 0) /* 《 */
            return i;
        else if (c == 0x82) /* 。 ends the sentence */
            return (size_t)-1;
    }
    return (size_t)-1;
}

/* True when the 第 at p opens a line (the article's own label, 第一条　…). */
static int is_label(const char *text, size_t at)
{
    while (at > 0 && (text[at - 1] == ' ' || text[at - 1] == '\t' || text[at - 1] == '#'))
        at--;
    return at == 0 || text[at - 1] == '\n';
}

/* The start of the Han character ending at `at`, or (size_t)-1 when the
 * bytes before `at` are not one (three-byte sequences cover every Han
 * character the laws use). */
static size_t han_before(const char *text, size_t at, size_t floor)
{
    if (at < floor + 3)
        return (size_t)-1;
    const char *p = text + at - 3;
    int32_t cp = gz_utf8_next(&p, text + at);
    return cp > 0 && p == text + at && gz_is_han(cp) ? at - 3 : (size_t)-1;
}

/* 本<type word>, 本实施细则 … ending at di and starting at or after floor:
 * the start of 本, or -1. */
static size_t self_start(const char *text, size_t di, size_t floor)
{
    size_t at = di;
    for (int k = 0; k < 8; k++) {
        size_t c = han_before(text, at, floor);
        if (c == (size_t)-1)
            return (size_t)-1;
        if (memcmp(text + c, "本", 3) == 0) {
            if (c + 3 == di)
                return (size_t)-1;
            for (size_t i = 0; i < sizeof type_words / sizeof type_words[0]; i++)
                if (ends_with(text, di, type_words[i]))
                    return c;
            return (size_t)-1;
        }
        at = c;
    }
    return (size_t)-1;
}

/* A law cited by name without 《》 before di (刑法, 民事诉讼法, 民法典,
 * 治安管理处罚条例): the Han run ending in 法, 法典 or 条例, back to a word
 * in name_stops, a non-Han character or floor, at most 20 characters; its
 * start, or -1. */
static size_t bare_name_start(const char *text, size_t di, size_t floor)
{
    if (!ends_with(text, di, "法") && !ends_with(text, di, "法典") && !ends_with(text, di, "条例"))
        return (size_t)-1;
    size_t at = di;
    int n = 0;
    for (; n < 20; n++) {
        int stop = 0;
        for (size_t i = 0; i < sizeof name_stops / sizeof name_stops[0] && !stop; i++)
            stop = ends_with(text, at, name_stops[i]);
        size_t c = stop ? (size_t)-1 : han_before(text, at, floor);
        if (c == (size_t)-1)
            break;
        at = c;
    }
    if (n < 2 || n == 20 || (di - at >= 3 && memcmp(text + at, "本", 3) == 0))
        return (size_t)-1;
    return at;
}

/* A reference whose 第 is at di; 0 if none starts there. */
static int xref_di(gz_xref_scan *s, size_t di, gz_xref *x)
{
    const char *text = s->text, *end = text + s->len, *p = text + di;
    int32_t v;
    size_t n;
    memset(x, 0, sizeof *x);
    x->start = di;
    if ((n = ordinal_at(p, end, "条", 1, &v))) {
        if (is_label(text, di))
            return 0;
        x->article = v;
        p += n;
        p += after_article(p, end, &x->sub, &x->clause, &x->item);
        if (!x->clause && !x->item && at_lit(p, end, "至") && (n = ordinal_at(p + U8_LEN, end, "条", 0, &v)) &&
            v > x->article) {
            x->article_to = v;
            p += U8_LEN + n;
        }
        x->scope = GZ_XREF_SAME_WORK;
    } else if ((n = ordinal_at(p, end, "款", 1, &v))) {
        x->clause = v;
        p += n;
        if ((n = ordinal_at(p, end, "项", 1, &v))) {
            x->item = v;
            p += n;
        }
        x->scope = GZ_XREF_SAME_ARTICLE;
    } else if ((n = ordinal_at(p, end, "项", 1, &v))) {
        x->item = v;
        p += n;
        x->scope = GZ_XREF_SAME_ARTICLE;
    } else {
        return 0;
    }
    x->end = (size_t)(p - text);

    /* what it points into: the words before it */
    if (!x->article && di >= s->pos + 6 && ends_with(text, di, "本条")) {
        x->start = di - 6;
        return 1;
    }
    size_t from;
    if (x->article && (from = self_start(text, di, s->pos)) != (size_t)-1) {
        x->start = from;
        return 1;
    }
    if (x->article && di >= s->pos + U8_LEN && ends_with(text, di, "》")) {
        size_t open = open_of(text, di - U8_LEN, s->pos);
        if (open != (size_t)-1 && di - U8_LEN > open + U8_LEN) {
            x->scope = GZ_XREF_NAMED_WORK;
            x->name = (gz_span){open + U8_LEN, di - U8_LEN};
            x->start = open;
            return 1;
        }
    }
    if (x->article && (from = bare_name_start(text, di, s->pos)) != (size_t)-1) {
        x->scope = GZ_XREF_NAMED_WORK;
        x->name = (gz_span){from, di};
        x->guessed_name = 1;
        x->start = from;
        return 1;
    }
    if (s->have_prev) {
        const gz_xref *pr = &s->prev;
        for (size_t i = 0; i < sizeof list_words / sizeof list_words[0]; i++) {
            size_t w = strlen(list_words[i]);
            if (pr->end + w != di || memcmp(text + pr->end, list_words[i], w) != 0)
                continue;
            if (x->article) { /* 《刑法》第十条、第十一条: the same work */
                if (pr->scope == GZ_XREF_SAME_WORK || pr->scope == GZ_XREF_NAMED_WORK) {
                    x->scope = pr->scope;
                    x->name = pr->name;
                    x->guessed_name = pr->guessed_name;
                    x->inherited = 1;
                }
            } else if (pr->article || pr->clause || pr->scope == GZ_XREF_PREV_CLAUSE) {
                /* 第十条第一款、第二款: 款 of the same article */
                x->scope = pr->scope;
                x->name = pr->name;
                x->guessed_name = pr->guessed_name;
                x->article = pr->article;
                x->sub = pr->sub;
                x->back = pr->back;
                if (!x->clause)
                    x->clause = pr->clause;
                x->inherited = 1;
            }
            break;
        }
    }
    /* 违反本条例第十七条第一项规定的……；违反第六项: a bare 款 or 项 in the
     * sentence of an article reference is that article's */
    if (!x->article && !x->inherited && s->have_art) {
        const char *stop = memmem(text + s->art.end, di - s->art.end, "。", 3);
        if (!stop) {
            x->scope = s->art.scope;
            x->name = s->art.name;
            x->guessed_name = s->art.guessed_name;
            x->article = s->art.article;
            x->sub = s->art.sub;
            x->inherited = 1;
        }
    }
    return 1;
}

/* 前款, 前两款, 前三款, 前条 at q (the 前), each with an optional 第N项. */
static int xref_qian(gz_xref_scan *s, size_t qi, gz_xref *x)
{
    const char *text = s->text, *end = text + s->len, *p = text + qi + U8_LEN;
    int32_t back = 1, v;
    size_t n;
    memset(x, 0, sizeof *x);
    if (!at_lit(p, end, "款") && !at_lit(p, end, "条")) {
        if (!(n = number_at(p, end, &back)) || back > 9)
            return 0;
        p += n;
    }
    if (at_lit(p, end, "款")) {
        x->scope = GZ_XREF_PREV_CLAUSE;
        x->back = back;
    } else if (at_lit(p, end, "条") && back == 1) {
        x->scope = GZ_XREF_PREV_ARTICLE;
    } else {
        return 0;
    }
    p += U8_LEN;
    if (at_lit(p, end, "项")) /* 款项: money, not a reference */
        return 0;
    if ((n = ordinal_at(p, end, "项", 1, &v))) {
        x->item = v;
        p += n;
    }
    x->start = qi;
    x->end = (size_t)(p - text);
    return 1;
}

int gz_xref_scan_next(gz_xref_scan *s, gz_xref *x)
{
    for (;;) {
        size_t at = find_marker(s->text, s->len, s->pos);
        if (at >= s->len)
            return 0;
        int ok = (unsigned char)s->text[at] == 0xE7 ? xref_di(s, at, x) : xref_qian(s, at, x);
        if (ok) {
            s->pos = x->end;
            s->prev = *x;
            s->have_prev = 1;
            if (x->article) {
                s->art = *x;
                s->have_art = 1;
            }
            return 1;
        }
        s->pos = at + U8_LEN;
    }
}

/* ------------------------------------------------------------ aliases */

size_t gz_law_aliases(const char *text, size_t len, gz_law_alias *out, size_t cap)
{
    static const char kw[] = "以下简称";
    const size_t kl = sizeof kw - 1;
    size_t n = 0;
    for (size_t at = 0; at + kl <= len;) {
        const char *hit = memmem(text + at, len - at, kw, kl);
        if (!hit)
            break;
        size_t k = (size_t)(hit - text);
        at = k + kl;
        /* （ or ( right before, 》 before it */
        size_t open = k >= 3 && at_lit(text + k - 3, text + k, "（") ? k - 3 : k >= 1 && text[k - 1] == '(' ? k - 1 : k;
        if (open == k || !ends_with(text, open, "》"))
            continue;
        size_t title_open = open_of(text, open - U8_LEN, 0);
        if (title_open == (size_t)-1)
            continue;
        /* the alias: up to the closing bracket, less 《》 and quotes */
        const char *a = text + at, *end = text + len, *b = a;
        while (b < end && !at_lit(b, end, "）") && *b != ')' && !at_lit(b, end, "，") && b - a < 60)
            b++;
        if (b >= end || (!at_lit(b, end, "）") && *b != ')'))
            continue;
        static const char *const marks[] = {"《", "“", "\"", "「"};
        for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++)
            if (at_lit(a, b, marks[m])) {
                a += strlen(marks[m]);
                break;
            }
        static const char *const closes[] = {"》", "”", "\"", "」"};
        for (size_t m = 0; m < sizeof closes / sizeof closes[0]; m++)
            if (b - a > (ptrdiff_t)strlen(closes[m]) && ends_with(text, (size_t)(b - text), closes[m])) {
                b -= strlen(closes[m]);
                break;
            }
        if (b <= a)
            continue;
        if (n < cap)
            out[n] = (gz_law_alias){{(size_t)(a - text), (size_t)(b - text)},
                                    {title_open + U8_LEN, open - U8_LEN}};
        n++;
    }
    return n;
}
