/* searcher/query_lex.c: splitting a query (docs/query.md) into tokens:
 * words, phrases, operators, brackets and fields. */
#include "searcher/query_lex.h"
#include "searcher/answer.h"

#include <stdlib.h>
#include <string.h>

void q_note(q_plan *p, const char *msg)
{
    sr_list_add(&p->notes, msg, strlen(msg)); /* each note once */
}

/* A blank or a separator between keywords: spaces, and the marks people
 * list words with (、，；。/ , ;). */
size_t q_blank_at(const char *s, const char *end)
{
    if (s < end && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == ',' || *s == ';' || *s == '/'))
        return 1;
    static const char *const seps[] = {"\xE3\x80\x80", "、", "，", "；", "。", "／"};
    for (size_t k = 0; k < sizeof seps / sizeof seps[0]; k++)
        if (end - s >= 3 && memcmp(s, seps[k], 3) == 0)
            return 3;
    return 0;
}

static int is_quote(const char *s, const char *end, size_t *n, int *closing)
{
    if (*s == '"') {
        *n = 1;
        *closing = -1; /* either */
        return 1;
    }
    if (end - s >= 3 && (memcmp(s, "\xE2\x80\x9C", 3) == 0 || memcmp(s, "\xE2\x80\x9D", 3) == 0)) {
        *n = 3;
        *closing = s[2] == '\x9D';
        return 1;
    }
    return 0;
}

const q_field_name q_fields[] = {
    {"title", F_TITLE}, {"docno", F_DOCNO}, {"issuer", F_ISSUER}, {"kind", F_KIND},
    {"date", F_DATE},   {"year", F_YEAR},   {"标题", F_TITLE},    {"文号", F_DOCNO},
};

static gz_status push_tok(tok **v, size_t *n, size_t *cap, tok t)
{
    if (gz_grow(v, cap, *n + 1, sizeof **v, 16) != GZ_OK)
        return GZ_NOMEM;
    (*v)[(*n)++] = t;
    return GZ_OK;
}

/* Splits the query into tokens. */
gz_status q_lex(const char *q, q_plan *p, tok **out, size_t *n_out)
{
    tok *v = NULL;
    size_t n = 0, cap = 0;
    const char *s = q, *end = q + strlen(q);
    int depth = 0;
    while (s < end) {
        size_t b = q_blank_at(s, end);
        if (b) {
            s += b;
            continue;
        }
        size_t ql;
        int closing;
        if (is_quote(s, end, &ql, &closing) && closing != 1) {
            /* a phrase up to the closing quote */
            const char *a = s + ql, *e = a;
            size_t el = 0;
            int cl2;
            while (e < end && !(is_quote(e, end, &el, &cl2) && cl2 != 0))
                e++;
            if (e >= end) {
                q_note(p, "unbalanced quote: searched as text");
                s = a;
                continue;
            }
            tok t = {T_PHRASE, gz_strndup(a, (size_t)(e - a)), F_NONE, 0};
            if (!t.text || push_tok(&v, &n, &cap, t) != GZ_OK)
                return GZ_NOMEM;
            s = e + el;
            continue;
        }
        if (*s == '(') {
            tok t = {T_LP, NULL, F_NONE, 0};
            if (push_tok(&v, &n, &cap, t) != GZ_OK)
                return GZ_NOMEM;
            depth++;
            s++;
            continue;
        }
        if (*s == ')' && depth > 0) {
            tok t = {T_RP, NULL, F_NONE, 0};
            if (push_tok(&v, &n, &cap, t) != GZ_OK)
                return GZ_NOMEM;
            depth--;
            s++;
            continue;
        }
        /* a word: up to a blank; a ')' ends it only when a group is open */
        const char *a = s;
        while (s < end && !q_blank_at(s, end) && !(*s == ')' && depth > 0)) {
            /* field:"a quoted value", blanks and all */
            size_t fq, fe = 0;
            int fc, fc2;
            if (s > a && s[-1] == ':' && is_quote(s, end, &fq, &fc) && fc != 1) {
                const char *e = s + fq;
                while (e < end && !(is_quote(e, end, &fe, &fc2) && fc2 != 0))
                    e++;
                if (e < end) {
                    s = e + fe;
                    continue;
                }
            }
            s++;
        }
        size_t len = (size_t)(s - a);
        tok t = {T_WORD, NULL, F_NONE, 0};
        if ((len == 2 && memcmp(a, "OR", 2) == 0) || (len == 1 && *a == '|') ||
            (len == 2 && memcmp(a, "||", 2) == 0)) {
            t.kind = T_OR;
        } else if (len == 3 && memcmp(a, "AND", 3) == 0) {
            continue;
        } else if (len == 3 && memcmp(a, "NOT", 3) == 0) {
            t.kind = T_NOT;
        } else {
            if (*a == '-' && len > 1) {
                t.neg = 1;
                a++;
                len--;
            }
            const char *colon = memchr(a, ':', len);
            for (size_t f = 0; colon && f < Q_N_FIELDS; f++) {
                size_t fl = strlen(q_fields[f].name);
                if ((size_t)(colon - a) == fl && memcmp(a, q_fields[f].name, fl) == 0 && colon + 1 < a + len) {
                    t.kind = T_FIELD;
                    t.field = q_fields[f].f;
                    len -= fl + 1;
                    a = colon + 1;
                }
            }
            size_t oq, cq;
            int oc, cc;
            if (t.kind == T_FIELD && is_quote(a, a + len, &oq, &oc) && len > oq) {
                /* the quotes around a field's value are not part of it */
                const char *e = a + len;
                while (e > a + oq && ((unsigned char)e[-1] & 0xC0) == 0x80)
                    e--;
                e = e > a + oq ? e - 1 : e;
                if (is_quote(e, a + len, &cq, &cc) && cc != 0 && e > a) {
                    len = (size_t)(e - a) - oq;
                    a += oq;
                }
            }
            t.text = gz_strndup(a, len);
            if (!t.text)
                return GZ_NOMEM;
        }
        if (push_tok(&v, &n, &cap, t) != GZ_OK)
            return GZ_NOMEM;
    }
    if (depth > 0)
        q_note(p, "unbalanced parenthesis: closed at the end");
    *out = v;
    *n_out = n;
    return GZ_OK;
}
