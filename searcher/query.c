/* searcher/query.c: parsing a query (docs/query.md) and planning each query
 * word as phrases of index terms. Parsing never fails on what a person
 * types: an unbalanced quote or bracket, a stray operator, punctuation are
 * searched as text, and a note says how the query was read. */
#include "searcher/query.h"
#include "searcher/thesaurus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum t_kind { T_WORD, T_PHRASE, T_OR, T_NOT, T_LP, T_RP, T_FIELD } t_kind;

typedef struct tok {
    t_kind kind;
    char *text;     /* word, phrase, or field value */
    q_field field;
    int neg;        /* -word */
} tok;

static void note(q_plan *p, const char *msg)
{
    /* each note once */
    if (p->notes.len && memmem(p->notes.data, p->notes.len, msg, strlen(msg)))
        return;
    if (p->notes.len)
        gz_buf_putc(&p->notes, ',');
    gz_json_str(&p->notes, msg, strlen(msg));
}

/* A blank or a separator between keywords: spaces, and the marks people
 * list words with (、，；。/ , ;). */
static size_t blank_at(const char *s, const char *end)
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

static const struct { const char *name; q_field f; } fields[] = {
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
static gz_status lex(const char *q, q_plan *p, tok **out, size_t *n_out)
{
    tok *v = NULL;
    size_t n = 0, cap = 0;
    const char *s = q, *end = q + strlen(q);
    int depth = 0;
    while (s < end) {
        size_t b = blank_at(s, end);
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
                note(p, "unbalanced quote: searched as text");
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
        while (s < end && !blank_at(s, end) && !(*s == ')' && depth > 0)) {
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
            for (size_t f = 0; colon && f < sizeof fields / sizeof fields[0]; f++) {
                size_t fl = strlen(fields[f].name);
                if ((size_t)(colon - a) == fl && memcmp(a, fields[f].name, fl) == 0 && colon + 1 < a + len) {
                    t.kind = T_FIELD;
                    t.field = fields[f].f;
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
        note(p, "unbalanced parenthesis: closed at the end");
    *out = v;
    *n_out = n;
    return GZ_OK;
}

/* ------------------------------------------------------------ parser */

typedef struct parser {
    tok *t;
    size_t n, i;
    q_plan *plan;
    gz_status st;
    int depth;
} parser;

/* Groups and NOTs nest at most this deep; deeper ones are read flat. */
#define Q_MAX_DEPTH 32

static q_node *node(parser *p, q_type type)
{
    q_node *n = gz_calloc(1, sizeof *n);
    if (!n)
        p->st = GZ_NOMEM;
    else {
        n->type = type;
        n->leaf = -1;
        n->kind = -1;
        n->weight = 1;
    }
    return n;
}

static void add_kid(parser *p, q_node *parent, q_node *kid)
{
    if (!parent || !kid)
        return;
    q_node **k = gz_realloc(parent->kid, (parent->n_kid + 1) * sizeof *k);
    if (!k) {
        p->st = GZ_NOMEM;
        return;
    }
    parent->kid = k;
    parent->kid[parent->n_kid++] = kid;
}

static uint32_t parse_ymd(const char *s, int end_of_range)
{
    unsigned y = 0, m = 0, d = 0;
    int n = sscanf(s, "%4u-%2u-%2u", &y, &m, &d);
    if (n < 1 || y < 1000)
        return 0;
    if (n < 2)
        m = end_of_range ? 12 : 1;
    if (n < 3)
        d = end_of_range ? 31 : 1;
    return y * 10000 + m * 100 + d;
}

static q_node *filter(parser *p, tok *t)
{
    q_node *n = node(p, Q_FILTER);
    if (!n)
        return NULL;
    n->field = t->field;
    n->text = t->text;
    t->text = NULL;
    if (n->field == F_DATE) {
        char *dots = strstr(n->text, "..");
        if (dots) {
            *dots = 0;
            n->lo = *n->text ? parse_ymd(n->text, 0) : 0;
            n->hi = dots[2] ? parse_ymd(dots + 2, 1) : 99991231;
            *dots = '.';
        } else {
            n->lo = parse_ymd(n->text, 0);
            n->hi = parse_ymd(n->text, 1);
        }
    } else if (n->field == F_YEAR) {
        unsigned y = (unsigned)atoi(n->text);
        n->lo = y * 10000 + 101;
        n->hi = y * 10000 + 1231;
    } else if (n->field == F_KIND) {
        n->kind = gz_kind_from_name(n->text);
        if (n->kind < 0)
            note(p->plan, "unknown kind: matches nothing");
    }
    return n;
}

static q_node *parse_or(parser *p);

static q_node *parse_unary(parser *p)
{
    if (p->i >= p->n)
        return NULL;
    tok *t = &p->t[p->i];
    if (t->kind == T_NOT) {
        p->i++;
        if (p->depth >= Q_MAX_DEPTH) {
            note(p->plan, "NOT nested too deep: ignored");
            return NULL;
        }
        p->depth++;
        q_node *inner = parse_unary(p);
        p->depth--;
        if (!inner) {
            note(p->plan, "NOT without a word: ignored");
            return NULL;
        }
        q_node *n = node(p, Q_NOT);
        add_kid(p, n, inner);
        return n;
    }
    if (t->kind == T_LP) {
        p->i++;
        if (p->depth >= Q_MAX_DEPTH) {
            if (!p->plan->deep_noted)
                note(p->plan, "brackets nested too deep: inner ones ignored");
            p->plan->deep_noted = 1;
            return NULL;
        }
        p->depth++;
        q_node *inner = parse_or(p);
        p->depth--;
        if (p->i < p->n && p->t[p->i].kind == T_RP)
            p->i++;
        return inner;
    }
    if (t->kind == T_OR || t->kind == T_RP) {
        p->i++;
        note(p->plan, "stray operator: ignored");
        return NULL;
    }
    p->i++;
    q_node *n;
    if (t->kind == T_FIELD) {
        n = filter(p, t);
    } else {
        n = node(p, Q_TEXT);
        if (n) {
            n->text = t->text;
            t->text = NULL;
        }
    }
    if (n && t->neg) {
        q_node *neg = node(p, Q_NOT);
        add_kid(p, neg, n);
        n = neg;
    }
    return n;
}

static q_node *parse_and(parser *p)
{
    q_node *and = NULL, *first = NULL;
    while (p->i < p->n && p->t[p->i].kind != T_OR && p->t[p->i].kind != T_RP && p->st == GZ_OK) {
        q_node *u = parse_unary(p);
        if (!u)
            continue;
        if (!first) {
            first = u;
        } else {
            if (!and) {
                and = node(p, Q_AND);
                add_kid(p, and, first);
            }
            add_kid(p, and, u);
        }
    }
    return and ? and : first;
}

static q_node *parse_or(parser *p)
{
    q_node *left = parse_and(p), *or = NULL;
    while (p->i < p->n && p->t[p->i].kind == T_OR && p->st == GZ_OK) {
        p->i++;
        q_node *right = parse_and(p);
        if (!right) {
            note(p->plan, "OR without a right side: ignored");
            continue;
        }
        if (!left) {
            left = right;
            continue;
        }
        if (!or) {
            or = node(p, Q_OR);
            add_kid(p, or, left);
        }
        add_kid(p, or, right);
    }
    return or ? or : left;
}

/* ------------------------------------------------------------ planning */

typedef struct pos_info {
    const an_token *gram, *uni, *term;
} pos_info;

static void elem_set(q_elem *e, const char *text, size_t len, int prefix, int doc_span, uint32_t adv,
                     uint32_t qs, uint32_t qe)
{
    memset(e, 0, sizeof *e);
    e->term[0] = GZ_FIELD_GRAM;
    if (len > GZ_TERM_MAX - 1)
        len = GZ_TERM_MAX - 1;
    memcpy(e->term + 1, text, len);
    e->len = (uint32_t)len + 1;
    e->prefix = prefix;
    e->doc_span = doc_span;
    e->advance = adv;
    e->qstart = qs;
    e->qend = qe;
}

/* 第46条 (ends with its label character), not a bare 第46. */
static int is_unit_label(const an_token *t) { return (unsigned char)t->text[t->len - 1] >= 0x80; }

/* First character of a token's text. */
static size_t first_char(const an_token *t)
{
    const char *p = t->text;
    return gz_utf8_next(&p, t->text + t->len) >= 0 ? (size_t)(p - t->text) : t->len;
}

/* A number element (digits, advancing by the document token's span, no
 * punctuation after it) followed by a prefix of one character. */
static int number_then_char(const q_elem *a, const q_elem *b)
{
    return a->term[0] == GZ_FIELD_GRAM && !a->prefix && !a->affix && a->doc_span && !a->extra && b->prefix &&
           gz_all_digits(a->term + 1, a->len - 1) && a->len + b->len <= GZ_TERM_MAX;
}

/* v's number-and-character spelling (v->ne), if it has such a pair. */
static gz_status number_chars(q_variant *v)
{
    size_t pairs = 0;
    for (size_t k = 0; k + 1 < v->n; k++)
        pairs += number_then_char(&v->e[k], &v->e[k + 1]);
    if (!pairs)
        return GZ_OK;
    if (!(v->ne = gz_calloc(v->n, sizeof *v->ne)))
        return GZ_NOMEM;
    for (size_t k = 0; k < v->n; k++) {
        q_elem *e = &v->ne[v->nn++];
        *e = v->e[k];
        if (k + 1 < v->n && number_then_char(&v->e[k], &v->e[k + 1])) {
            /* 'n' + digits + the character; advancing by the term's span,
             * then over what followed the character */
            const q_elem *c = &v->e[k + 1];
            e->term[0] = GZ_FIELD_NUMCHAR;
            memcpy(e->term + e->len, c->term + 1, c->len - 1);
            e->len += c->len - 1;
            e->extra = c->extra;
            e->qend = c->qend;
            k++;
        }
    }
    return GZ_OK;
}

/* Builds a variant; folds (NUM / DOCNO tokens) given by fold[] replace the
 * positions they span. Article labels (第46条) replace theirs in every
 * variant: the index has a label wherever either spelling of it occurs, and
 * one label term is rare where 第 and 条 alone begin thousands of grams. A
 * bare 第N (bare[]) replaces 第 and a folded number in the folded variant
 * only: literally, 第二十一 also begins 第二十一万, whose label is
 * 第210000, and the plain variant finds it by its grams. */
static gz_status build_variant(const pos_info *pi, uint32_t n_pos, const an_token *const *fold,
                               const an_token *const *label, const an_token *const *bare, q_variant *v)
{
    v->e = gz_calloc(n_pos + 1, sizeof *v->e);
    v->n = 0;
#define plain(q) (!label[q] && !bare[q] && !(fold && fold[q]))
    if (!v->e)
        return GZ_NOMEM;
    for (uint32_t p = 0; p < n_pos;) {
        if (label[p]) {
            const an_token *f = label[p];
            elem_set(&v->e[v->n++], f->text, f->len, 0, 1, 0, f->start, f->end);
            p += f->span;
            continue;
        }
        /* 第 and a number: in the folded variant a folded numeral, in any
         * variant a word of digits (which matches only itself whole) */
        if (bare[p] && p + 1 < n_pos &&
            ((fold && fold[p + 1] && fold[p + 1]->type == AN_NUM && bare[p]->span == 1 + fold[p + 1]->span) ||
             (bare[p]->span == 2 && pi[p + 1].term && gz_all_digits(pi[p + 1].term->text, pi[p + 1].term->len)))) {
            const an_token *f = bare[p];
            elem_set(&v->e[v->n++], f->text, f->len, 0, 1, 0, f->start, f->end);
            p += f->span;
            continue;
        }
        if (fold && fold[p]) {
            const an_token *f = fold[p];
            elem_set(&v->e[v->n++], f->text, f->len, 0, 1, 0, f->start, f->end);
            p += f->span;
            continue;
        }
        int han = pi[p].gram || pi[p].uni;
        if (han) {
            int next_han = p + 1 < n_pos && (pi[p + 1].gram || pi[p + 1].uni) && !(fold && fold[p + 1]);
            if (next_han && pi[p].gram) {
                const an_token *g = pi[p].gram;
                int last_pair = !(p + 2 < n_pos && (pi[p + 2].gram || pi[p + 2].uni) && !(fold && fold[p + 2]));
                /* the grams at p and p + 2 imply the one at p + 1: two Han
                 * characters at adjacent positions are always one run (a
                 * run ends only where something takes a position), so
                 * the text has that gram too. Stepping over it when p + 2
                 * begins a gram of plain characters spares a cursor, its
                 * seeks and its positions. */
                int step2 = last_pair || (p + 3 < n_pos && pi[p + 1].gram && pi[p + 2].gram &&
                                          (pi[p + 3].gram || pi[p + 3].uni) && plain(p + 1) && plain(p + 2) &&
                                          plain(p + 3));
                elem_set(&v->e[v->n++], g->text, g->len, 0, 0, step2 ? 2 : 1, g->start, g->end);
                p += step2 ? 2 : 1;
            } else {
                const an_token *t = pi[p].gram ? pi[p].gram : pi[p].uni;
                elem_set(&v->e[v->n++], t->text, first_char(t), 1, 0, 1, t->start, t->start + (uint32_t)first_char(t));
                p++;
            }
            continue;
        }
        if (pi[p].term) {
            const an_token *t = pi[p].term;
            elem_set(&v->e[v->n++], t->text, t->len, 0, 1, 0, t->start, t->end);
            p++;
            continue;
        }
        /* a position without a token (punctuation): any position */
        if (v->n)
            v->e[v->n - 1].extra++;
        p++;
    }
#undef plain
    /* grams alone, each of two characters at a step of 1 or 2: a segment
     * may hold the run's exact matches whole */
    int grams = v->n >= 2;
    for (size_t k = 0; k < v->n && grams; k++) {
        const q_elem *e = &v->e[k];
        const char *q = e->term + 1, *te = e->term + e->len;
        int chars = 0;
        while (q < te && gz_utf8_next(&q, te) >= 0)
            chars++;
        grams = e->term[0] == GZ_FIELD_GRAM && !e->prefix && !e->doc_span && !e->extra && chars == 2 &&
                (e->advance == 1 || e->advance == 2);
    }
    v->grams_only = grams;
    return number_chars(v);
}

const q_variant *q_variant_spell(const q_variant *v, const gz_segment *seg, q_variant *tmp)
{
    if (!v->ne || !(gz_segment_features(seg) & GZ_SEG_NUMCHAR))
        return v;
    memset(tmp, 0, sizeof *tmp);
    tmp->e = v->ne;
    tmp->n = v->nn;
    return tmp;
}

size_t q_variant_word(const q_variant *v, char *key)
{
    if (!v->grams_only)
        return 0;
    size_t wl = 1;
    for (size_t k = 0; k < v->n; k++) {
        const q_elem *e = &v->e[k];
        const char *t = e->term + 1, *te = e->term + e->len, *second = t;
        gz_utf8_next(&second, te);
        /* the first gram whole; after a step of 1 only its second character */
        const char *from = k == 0 || v->e[k - 1].advance == 2 ? t : second;
        size_t add = (size_t)(te - from);
        if (wl + add > GZ_TERM_MAX)
            return 0;
        memcpy(key + wl, from, add);
        wl += add;
    }
    key[0] = GZ_FIELD_PHRASE;
    return wl;
}

/* A term of ASCII letters and digits (one token in the texts). */
static int ascii_word(const q_elem *e)
{
    if (e->term[0] != GZ_FIELD_GRAM || e->prefix || !e->doc_span || e->len < 2)
        return 0;
    for (uint32_t i = 1; i < e->len; i++) {
        unsigned char c = (unsigned char)e->term[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')))
            return 0;
    }
    return 1;
}

/* A run of digits or letters is one token, matched whole; grep also finds
 * it inside a longer run. So the word's first element, if such a run, may
 * end a longer one (5日 in 25日), its last may begin one (第20 in 第2023),
 * and a word that is only such a run may sit anywhere inside one: the
 * variant of v that says so into *out, or 0 if v has no such end. */
static int affix_variant(const q_variant *v, q_variant *out, gz_status *st)
{
    int first = v->n >= 1 && ascii_word(&v->e[0]), last = v->n >= 2 && ascii_word(&v->e[v->n - 1]);
    if (!first && !last)
        return 0;
    memset(out, 0, sizeof *out);
    if (!(out->e = gz_calloc(v->n, sizeof *out->e))) {
        *st = GZ_NOMEM;
        return 0;
    }
    memcpy(out->e, v->e, v->n * sizeof *out->e);
    out->n = v->n;
    if (first)
        out->e[0].affix = v->n == 1 ? Q_INFIX : Q_SUFFIX;
    if (last)
        out->e[v->n - 1].prefix = 1;
    return 1;
}

static gz_status plan_leaf(an_analyzer *an, q_leaf *leaf)
{
    const an_token *t;
    size_t n;
    /* document mode: spaces inside a phrase join like they do in texts */
    gz_status st = an_analyze(an, leaf->text, strlen(leaf->text), AN_MODE_DOCUMENT, &t, &n);
    if (st != GZ_OK)
        return st;
    uint32_t n_pos = 0;
    for (size_t i = 0; i < n; i++)
        if (t[i].pos + 1 > n_pos)
            n_pos = t[i].pos + 1;
    pos_info *pi = gz_calloc(n_pos + 1, sizeof *pi);
    const an_token **fold = gz_calloc(n_pos + 1, sizeof *fold), **label = gz_calloc(n_pos + 1, sizeof *label),
                   **bare = gz_calloc(n_pos + 1, sizeof *bare);
    if (!pi || !fold || !label || !bare) {
        gz_free(pi);
        gz_free(fold);
        gz_free(label);
        gz_free(bare);
        return GZ_NOMEM;
    }
    int have_fold = 0;
    leaf->words = gz_calloc(n + 1, sizeof *leaf->words);
    for (size_t i = 0; i < n; i++) {
        const an_token *k = &t[i];
        switch (k->type) {
        case AN_GRAM: pi[k->pos].gram = k; break;
        case AN_UNI: pi[k->pos].uni = k; break;
        case AN_TERM: pi[k->pos].term = k; break;
        case AN_LABEL:
            if (is_unit_label(k))
                label[k->pos] = k;
            else
                bare[k->pos] = k;
            break;
        case AN_DOCNO:
            fold[k->pos] = k;
            have_fold = 1;
            break;
        case AN_NUM: {
            /* a 文号 or an article label wins over the numerals inside it */
            int inside = 0;
            for (size_t j = 0; j < n; j++)
                inside |= (t[j].type == AN_DOCNO || (t[j].type == AN_LABEL && is_unit_label(&t[j]))) &&
                          t[j].pos <= k->pos && k->pos < t[j].pos + t[j].span;
            if (!inside && !fold[k->pos]) {
                fold[k->pos] = k;
                have_fold = 1;
            }
            break;
        }
        case AN_WORD:
            if (k->span >= 3 && leaf->words)
                leaf->words[leaf->n_words++] = gz_strndup(k->text, k->len);
            break;
        default:
            break;
        }
    }
    leaf->n_v = 0;
    st = build_variant(pi, n_pos, NULL, label, bare, &leaf->v[leaf->n_v++]);
    if (st == GZ_OK && have_fold)
        st = build_variant(pi, n_pos, fold, label, bare, &leaf->v[leaf->n_v++]);
    if (st == GZ_OK && affix_variant(&leaf->v[0], &leaf->v[leaf->n_v], &st)) {
        leaf->n_v++;
        if (leaf->v[0].n == 1) { /* a lone run: its term whole ranks higher */
            memcpy(leaf->whole, leaf->v[0].e[0].term, leaf->v[0].e[0].len);
            leaf->whole_len = leaf->v[0].e[0].len;
        }
    }
    /* a variant with no element (only punctuation) matches nothing */
    gz_free(pi);
    gz_free(fold);
    gz_free(label);
    gz_free(bare);
    return st;
}

static void collect_leaves(q_plan *plan, q_node *n, int positive, gz_status *st)
{
    if (!n || *st != GZ_OK)
        return;
    if (n->type == Q_TEXT) {
        if (gz_grow(&plan->leaf, &plan->cap_leaf, plan->n_leaf + 1, sizeof *plan->leaf, 8) != GZ_OK) {
            *st = GZ_NOMEM;
            return;
        }
        q_leaf *l = plan->leaf;
        memset(&l[plan->n_leaf], 0, sizeof *l);
        l[plan->n_leaf].text = n->text;
        l[plan->n_leaf].positive = positive;
        l[plan->n_leaf].weight = n->weight;
        n->leaf = (int)plan->n_leaf++;
        return;
    }
    for (size_t i = 0; i < n->n_kid; i++)
        collect_leaves(plan, n->kid[i], n->type == Q_NOT ? !positive : positive, st);
}

static void read_as(q_plan *p, const q_node *n)
{
    if (!n)
        return;
    gz_buf *b = &p->read_as;
    switch (n->type) {
    case Q_TEXT: gz_buf_printf(b, "\"%s\"", n->text); break;
    case Q_FILTER: {
        static const char *const names[] = {"", "title", "docno", "issuer", "kind", "date", "year"};
        gz_buf_printf(b, "%s:%s", names[n->field], n->text);
        break;
    }
    case Q_NOT:
        gz_buf_puts(b, "NOT ");
        read_as(p, n->kid[0]);
        break;
    default:
        gz_buf_putc(b, '(');
        for (size_t i = 0; i < n->n_kid; i++) {
            if (i)
                gz_buf_puts(b, n->type == Q_AND ? " AND " : " OR ");
            read_as(p, n->kid[i]);
        }
        gz_buf_putc(b, ')');
    }
}

/* Question frames and function words: they carry how a person asks, not
 * what about, and are left out of the words a question is searched by. */
static const char *const frame_words[] = {
    "可以", "什么", "如何", "怎么", "怎样", "怎么样", "怎么办", "哪些", "哪个", "哪里", "是否", "应该", "应当",
    "需要", "多少", "能否", "能不能", "可不可以", "是不是", "有没有", "会不会", "要不要", "算不算", "为什么",
    "请问", "一下", "的话", "这种", "这个", "那个", "这样", "那么", "情况", "问题", "现在", "已经", "如果",
    "因为", "所以", "但是", "还是", "我们", "他们", "她们", "自己", "对方", "没有", "不是", "或者", "以及",
    "还有", "一个", "之后", "之前", "以后", "以前", "时候", "我的", "他的", "她的", "吗", "呢", "吧",
    "办理", "规定", "法律", "相关", "有关", "怎么处理", "怎么算", "几天", "多久", "多长时间", "关于",
    "对于", "进行", "什么时候", "有何", "据此", "人的", "的人", "我还", "才算", "少了", "不在", "之外", "该怎么",
    "怎么样才", "这类", "这些", "那些", "属于"};
/* One-character words that neither stand alone nor join a neighbour into
 * a gram. */
static const char frame_chars[] = "的了吗呢吧啊呀是在和与或及等我你他她它要有能会被把给让对向从就还也都又而但"
                                  "该个么怎啥谁哪几多请问这那之其已将可以为于得着过很再才去来上下里中后前说想"
                                  "不无没未非";
/* Characters that end a word as its kind (保管人, 抚养费, 盗窃罪, 地役权): one
 * alone after a word makes a longer word with it. */
static const char suffix_chars[] = "人费罪权物金款户者方税证书园率额案法员院所厂店险单价息";

/* Function words that also end words (赠与, 行为, 属于, 取得): a lone
 * character right before one makes a word with it. */
static const char frame_ends[] = "与为于得";

static int in_chars(const char *set, const char *c, size_t len)
{
    for (const char *p = set; len == 3 && *p; p += 3)
        if (memcmp(c, p, 3) == 0)
            return 1;
    return 0;
}

static int is_frame(const char *text, size_t len)
{
    for (size_t k = 0; k < sizeof frame_words / sizeof frame_words[0]; k++)
        if (len == strlen(frame_words[k]) && memcmp(text, frame_words[k], len) == 0)
            return 1;
    if (len == 3) {
        for (const char *c = frame_chars; *c; c += 3)
            if (memcmp(text, c, 3) == 0)
                return 1;
    }
    return 0;
}

static const char *const question_marks[] = {"？", "?", "吗", "呢", "谁", "什么", "如何", "怎么", "怎样", "哪",
                                             "是否", "多少", "能否", "几", "可以", "可不可以", "能不能", "应该",
                                             "要不要", "算不算", "会不会", "有没有", "为什么"};

int q_is_question(const char *text)
{
    int has_mark = 0, blanks = 0, clauses = 0;
    size_t han = 0;
    for (size_t i = 0; i < sizeof question_marks / sizeof question_marks[0]; i++)
        has_mark |= strstr(text, question_marks[i]) != NULL;
    const char *p = text, *end = text + strlen(text);
    while (p < end) {
        int32_t c = gz_utf8_next(&p, end);
        if (c < 0)
            break;
        han += gz_is_han(c) != 0;
        blanks += c == ' ';
        clauses += c == 0xFF0C || c == ',' || c == 0x3002; /* ，, 。 */
    }
    /* syntax keeps its meaning: a field, an operator, a group */
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        char prefix[16];
        snprintf(prefix, sizeof prefix, "%s:", fields[f].name);
        if (strstr(text, prefix))
            return 0;
    }
    if (strstr(text, " OR ") || strstr(text, " NOT ") || strchr(text, '|') || strchr(text, '('))
        return 0;
    /* quotes: a phrase, unless in a sentence (名为“个体工商户”实为“合伙”…) */
    if ((strchr(text, '"') || strstr(text, "“")) && han < 16)
        return 0;
    /* a question word in a sentence, a long unspaced sentence, or clauses */
    return (has_mark && han >= 5) || (han >= 16 && blanks == 0) || (clauses >= 1 && han >= 12 && blanks == 0);
}

/* Adds text[start, end) to words unless it is there already, up to
 * SR_MAX_WORDS words (past them *cut is set). */
static void add_word(char **words, size_t *nw, const char *text, uint32_t start, uint32_t end, int *cut)
{
    for (size_t k = 0; k < *nw; k++)
        if (strlen(words[k]) == end - start && memcmp(words[k], text + start, end - start) == 0)
            return;
    if (*nw >= SR_MAX_WORDS) {
        *cut = 1;
        return;
    }
    if ((words[*nw] = gz_strndup(text + start, end - start)))
        ++*nw;
}

/* The content words of text into words (room for n tokens + 1): ICU words
 * of two characters or more, less question frames; a run of one-character
 * words (a word ICU does not know: 酒驾 is 酒 驾) as its grams; non-Han
 * words; an article label (第六十一条) as one word, whatever ICU cut it into. */
static size_t content_words(const char *text, const an_token *t, size_t n, char **words, int *cut)
{
    size_t nw = 0;
    for (size_t i = 0; words && i < n; i++) {
        int han_word = t[i].type == AN_WORD;
        if (!han_word && t[i].type != AN_TERM)
            continue;
        /* inside or across a label: the label instead */
        const an_token *label = NULL;
        for (size_t k = 0; k < n && !label; k++)
            if (t[k].type == AN_LABEL && is_unit_label(&t[k]) && t[k].start < t[i].end && t[i].start < t[k].end)
                label = &t[k];
        if (label) {
            add_word(words, &nw, text, label->start, label->end, cut);
            continue;
        }
        if (is_frame(t[i].text, t[i].len))
            continue;
        if (!han_word || t[i].span >= 2) {
            add_word(words, &nw, text, t[i].start, t[i].end, cut);
            continue;
        }
        /* one character: a gram with the next one-character word right
         * after it, if neither is a frame; one alone ends the word before
         * it (盗窃 罪: 盗窃罪) */
        const an_token *next = NULL, *prev = NULL;
        for (size_t k = i + 1; k < n && !next; k++)
            if (t[k].type == AN_WORD && t[k].pos >= t[i].pos + 1)
                next = &t[k];
        for (size_t k = i; k-- > 0 && !prev;)
            if (t[k].type == AN_WORD && t[k].pos < t[i].pos)
                prev = &t[k];
        int next_single = next && next->pos == t[i].pos + 1 && next->span == 1 && next->start == t[i].end &&
                          !is_frame(next->text, next->len);
        int prev_single = prev && prev->span == 1 && prev->end == t[i].start && !is_frame(prev->text, prev->len);
        int next_frame = next && next->pos == t[i].pos + 1 && next->span == 1 && next->start == t[i].end &&
                         in_chars(frame_ends, next->text, next->len);
        if (next_single)
            add_word(words, &nw, text, t[i].start, next->end, cut);
        else if (next_frame && !prev_single && !(prev && prev->span >= 2 && prev->end == t[i].start))
            add_word(words, &nw, text, t[i].start, next->end, cut);
        else if (!prev_single && prev && prev->span >= 2 && prev->end == t[i].start &&
                 prev->pos + prev->span == t[i].pos && !is_frame(prev->text, prev->len) &&
                 in_chars(suffix_chars, t[i].text, t[i].len))
            add_word(words, &nw, text, prev->start, t[i].end, cut);
    }
    return nw;
}

/* Weights of a word in a score: the person's own 1, a thesaurus word
 * less, the keywords run together as typed (工伤赔偿标准) far more, so that
 * the units holding them come first. */
#define W_EXPANSION 0.5
#define W_AS_TYPED 4.0
/* At most this many thesaurus words a query. */
#define MAX_EXPANSIONS 8

static void add_leaf(parser *p, q_node *or, char *text, double weight)
{
    q_node *w = node(p, Q_TEXT);
    if (!w) {
        gz_free(text);
        return;
    }
    w->text = text;
    w->weight = weight;
    add_kid(p, or, w);
    if (weight == 1) { /* the words searched, for read_as */
        if (p->plan->words_zh.len)
            gz_buf_puts(&p->plan->words_zh, "、");
        gz_buf_puts(&p->plan->words_zh, text);
    }
}

/* The words of text[0..len) with their thesaurus words, as leaves of or;
 * as_typed: the whole of it too (keywords run together), if it is
 * several words. */
static gz_status words_of(an_analyzer *an, const char *text, size_t len, int as_typed, parser *p, q_node *or)
{
    const an_token *t;
    size_t n;
    gz_status st = an_analyze(an, text, len, AN_MODE_QUERY, &t, &n);
    if (st != GZ_OK)
        return st;
    char *copy = gz_strndup(text, len);
    char **words = gz_calloc(n + MAX_EXPANSIONS + 1, sizeof *words);
    if (!copy || !words) {
        gz_free(copy);
        gz_free(words);
        return GZ_NOMEM;
    }
    size_t nw = content_words(copy, t, n, words, &p->plan->cut), own = nw;
    if (as_typed && nw > 1)
        add_leaf(p, or, gz_strndup(copy, len), W_AS_TYPED);
    for (size_t i = 0; i < nw; i++)
        add_leaf(p, or, words[i], i < own ? 1.0 : W_EXPANSION);
    /* the thesaurus's words for the words people use in it */
    const q_thesaurus *th = q_thesaurus_builtin();
    size_t have = nw;
    for (size_t e = 0; e < q_thesaurus_size(th); e++) {
        const char *w = q_thesaurus_word(th, e);
        if (!strstr(copy, w))
            continue;
        const char *const *to;
        size_t n_to = q_thesaurus_targets(th, e, &to);
        for (size_t k = 0; k < n_to && have < own + MAX_EXPANSIONS; k++) {
            int dup = strstr(copy, to[k]) != NULL;
            for (size_t j = 0; j < or->n_kid && !dup; j++)
                dup = or->kid[j]->text && strcmp(or->kid[j]->text, to[k]) == 0;
            if (dup)
                continue;
            add_leaf(p, or, gz_strndup(to[k], strlen(to[k])), W_EXPANSION);
            have++;
            gz_buf *x = &p->plan->expanded;
            char pair[128];
            snprintf(pair, sizeof pair, "%s→%s", w, to[k]);
            if (x->len)
                gz_buf_putc(x, ',');
            gz_json_str(x, pair, strlen(pair));
        }
    }
    gz_free(words);
    gz_free(copy);
    return p->st;
}

/* A question becomes an OR of its content words and their thesaurus
 * words, each matched as a substring. */
static gz_status question_tree(an_analyzer *an, const char *text, parser *p)
{
    q_node *or = node(p, Q_OR);
    gz_status st = or ? words_of(an, text, strlen(text), 0, p, or) : GZ_NOMEM;
    if (or && !or->n_kid) {
        gz_free(or);
        or = NULL;
    }
    p->plan->root = or;
    p->plan->prior = 1;
    return st;
}

/* The next keyword of [*s, end) (keywords are separated by blanks), or
 * NULL at the end; *s moves past it. */
static const char *next_keyword(const char **s, const char *end, size_t *len)
{
    size_t b;
    while (*s < end && (b = blank_at(*s, end)))
        *s += b;
    if (*s >= end)
        return NULL;
    const char *a = *s;
    while (*s < end && !blank_at(*s, end))
        ++*s;
    *len = (size_t)(*s - a);
    return a;
}

/* Keywords run together (工伤赔偿标准), or several such: an OR of each as
 * typed (weighing most), its words and their thesaurus words. */
static gz_status words_tree(an_analyzer *an, const char *text, parser *p)
{
    q_node *or = node(p, Q_OR);
    gz_status st = or ? GZ_OK : GZ_NOMEM;
    const char *s = text, *end = text + strlen(text), *a;
    size_t len;
    while (st == GZ_OK && (a = next_keyword(&s, end, &len)))
        st = words_of(an, a, len, 1, p, or);
    if (or && !or->n_kid) {
        gz_free(or);
        or = NULL;
    }
    p->plan->root = or;
    p->plan->words = 1;
    return st;
}

int q_has_run_together(an_analyzer *an, const char *text)
{
    /* syntax keeps its meaning: no reading by words */
    static const char *const syntax[] = {"\"", "\xE2\x80\x9C", ":", "(", ")", "|", " OR ", " NOT ", "NOT "};
    for (size_t k = 0; k < sizeof syntax / sizeof syntax[0]; k++)
        if (strstr(text, syntax[k]))
            return 0;
    const char *s = text, *end = text + strlen(text), *a;
    size_t len;
    while ((a = next_keyword(&s, end, &len))) {
        if (*a == '-')
            return 0;
        const an_token *t;
        size_t n, words = 0;
        if (an_analyze(an, a, len, AN_MODE_QUERY, &t, &n) != GZ_OK)
            return 0;
        for (size_t i = 0; i < n; i++)
            words += t[i].type == AN_WORD || t[i].type == AN_TERM;
        if (words > 1)
            return 1;
    }
    return 0;
}

/* AND(words..., filters...) -> AND(OR(words...), filters...). */
static void any_word(parser *p)
{
    q_node *r = p->plan->root;
    if (!r || r->type != Q_AND)
        return;
    q_node *or = node(p, Q_OR), *and = node(p, Q_AND);
    if (!or || !and)
        return;
    for (size_t i = 0; i < r->n_kid; i++)
        add_kid(p, r->kid[i]->type == Q_TEXT ? or : and, r->kid[i]);
    r->n_kid = 0;
    gz_free(r->kid);
    gz_free(r->text);
    gz_free(r);
    if (and->n_kid) {
        add_kid(p, and, or);
        p->plan->root = and;
    } else {
        gz_free(and);
        p->plan->root = or;
    }
    p->plan->any_word = 1;
}

static void free_node(q_node *n);

/* Do a and b say the same (same words, filters and operators, in order)? */
static int same_node(const q_node *a, const q_node *b)
{
    if (a->type != b->type || a->n_kid != b->n_kid || a->field != b->field)
        return 0;
    if ((a->text || b->text) && (!a->text || !b->text || strcmp(a->text, b->text) != 0))
        return 0;
    for (size_t i = 0; i < a->n_kid; i++)
        if (!same_node(a->kid[i], b->kid[i]))
            return 0;
    return 1;
}

/* Repeated operands of an AND or an OR collapse (的 的 的 is 的 once, at
 * the cost of one), and the query keeps its first SR_MAX_WORDS words and
 * filters: later ones are left out and the plan is marked cut. Returns what
 * is left of n (NULL: nothing), freeing the rest. */
static q_node *tidy(q_plan *plan, q_node *n, size_t *terms)
{
    if (!n)
        return NULL;
    if (n->type == Q_TEXT || n->type == Q_FILTER) {
        if (*terms < SR_MAX_WORDS) {
            ++*terms;
            return n;
        }
        plan->cut = 1;
        free_node(n);
        return NULL;
    }
    size_t w = 0;
    for (size_t i = 0; i < n->n_kid; i++) {
        q_node *k = n->kid[i];
        int dup = 0;
        for (size_t j = 0; j < w && !dup; j++)
            dup = same_node(n->kid[j], k);
        if (!dup && k->n_kid) {
            /* a group may equal a kept operand once tidied: (的 OR 的) is 的 */
            size_t before = *terms;
            k = tidy(plan, k, terms);
            for (size_t j = 0; k && j < w && !dup; j++)
                dup = same_node(n->kid[j], k);
            if (dup)
                *terms = before;
            else if (k)
                n->kid[w++] = k;
            if (!dup)
                continue;
        }
        if (dup)
            free_node(k);
        else if ((k = tidy(plan, k, terms)))
            n->kid[w++] = k;
    }
    n->n_kid = w;
    if (w == 1 && n->type != Q_NOT) {
        q_node *only = n->kid[0];
        n->n_kid = 0;
        free_node(n);
        return only;
    }
    if (w == 0) {
        free_node(n);
        return NULL;
    }
    return n;
}

/* The filters given apart from the text, ANDed to the root. */
static void restrict_to(parser *p, const sr_filters *f)
{
    const struct { const char *v; q_field field; } given[] = {
        {f->year, F_YEAR}, {f->date, F_DATE}, {f->kind, F_KIND}, {f->issuer, F_ISSUER}};
    q_plan *plan = p->plan;
    for (size_t i = 0; i < sizeof given / sizeof given[0] && p->st == GZ_OK; i++) {
        if (!given[i].v || !*given[i].v)
            continue;
        tok t = {T_FIELD, gz_strndup(given[i].v, strlen(given[i].v)), given[i].field, 0};
        q_node *fn = t.text ? filter(p, &t) : NULL;
        gz_free(t.text);
        if (!fn) {
            p->st = GZ_NOMEM;
            return;
        }
        if (!plan->root || plan->root->type != Q_AND) {
            q_node *and = node(p, Q_AND);
            if (!and) {
                free_node(fn);
                return;
            }
            if (plan->root)
                add_kid(p, and, plan->root);
            plan->root = and;
        }
        add_kid(p, plan->root, fn);
    }
}

/* yyyy, yyyy-mm or yyyy-mm-dd, nothing after */
static int check_ymd(const char *s)
{
    unsigned y, m = 1, d = 1;
    int used = 0, n = sscanf(s, "%4u%n-%2u%n-%2u%n", &y, &used, &m, &used, &d, &used);
    return n >= 1 && s[used] == 0 && y >= 1000 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

gz_status sr_filters_check(const sr_filters *f, gz_error *err)
{
    if (f->year && *f->year) {
        char *e;
        long y = strtol(f->year, &e, 10);
        if (*e || e == f->year || y < 1000 || y > 9999)
            return gz_error_set(err, GZ_INVALID, -1, "[searcher] year: '%.40s' is not a year (1000 to 9999)",
                                f->year);
    }
    if (f->date && *f->date) {
        char v[64];
        if (strlen(f->date) >= sizeof v)
            return gz_error_set(err, GZ_INVALID, -1, "[searcher] date: longer than %zu bytes", sizeof v - 1);
        strcpy(v, f->date);
        char *dots = strstr(v, "..");
        int ok;
        if (dots) {
            *dots = 0;
            ok = (!*v || check_ymd(v)) && (!dots[2] || check_ymd(dots + 2)) && (*v || dots[2]);
        } else {
            ok = check_ymd(v);
        }
        if (!ok)
            return gz_error_set(err, GZ_INVALID, -1,
                                "[searcher] date: '%.40s' is not a date or range (2023, 2023-12, "
                                "2023-01-01..2023-06-30)", f->date);
    }
    if (f->kind && *f->kind && gz_kind_from_name(f->kind) < 0)
        return gz_error_set(err, GZ_INVALID, -1, "[searcher] kind: '%.40s' is not a unit kind (article, "
                            "document, chapter ...)", f->kind);
    if (f->issuer && *f->issuer) {
        if (strlen(f->issuer) > 64)
            return gz_error_set(err, GZ_INVALID, -1, "[searcher] issuer: longer than 64 bytes");
        for (const unsigned char *c = (const unsigned char *)f->issuer; *c; c++)
            if (*c < ' ')
                return gz_error_set(err, GZ_INVALID, -1, "[searcher] issuer: holds a control character");
    }
    return GZ_OK;
}

gz_status q_parse(an_analyzer *an, const char *text, int how, const sr_filters *f, q_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    gz_buf_init(&plan->notes);
    gz_buf_init(&plan->read_as);
    parser p = {0};
    p.plan = plan;
    gz_status st = GZ_OK;
    /* a longer text is read up to SR_MAX_QUERY_TEXT bytes, cut before a
     * character that does not fit */
    char *head = NULL;
    size_t len = strlen(text);
    if (len > SR_MAX_QUERY_TEXT) {
        len = SR_MAX_QUERY_TEXT;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
        if (!(head = gz_strndup(text, len)))
            return GZ_NOMEM;
        text = head;
        plan->cut = 1;
    }
    gz_buf_init(&plan->expanded);
    gz_buf_init(&plan->words_zh);
    if (how == Q_READ_QUESTION) {
        plan->question = 1;
        st = question_tree(an, text, &p);
    } else if (how == Q_READ_WORDS) {
        plan->question = 1; /* scored as one: more of the words, higher */
        st = words_tree(an, text, &p);
    } else {
        tok *t = NULL;
        size_t n = 0;
        st = lex(text, plan, &t, &n);
        if (st == GZ_OK) {
            p.t = t;
            p.n = n;
            plan->root = parse_or(&p);
            while (p.i < p.n && p.st == GZ_OK) { /* a stray ')' at the top */
                p.i++;
                q_node *more = parse_or(&p);
                if (more) {
                    q_node *and = node(&p, Q_AND);
                    add_kid(&p, and, plan->root);
                    add_kid(&p, and, more);
                    plan->root = and;
                }
            }
            st = p.st;
        }
        for (size_t i = 0; i < n; i++)
            gz_free(t[i].text);
        gz_free(t);
    }
    gz_free(head);
    size_t terms = 0;
    if (st == GZ_OK)
        plan->root = tidy(plan, plan->root, &terms);
    if (st == GZ_OK && how == Q_READ_ANY_WORD) {
        any_word(&p);
        st = p.st;
    }
    if (plan->cut) {
        char m[96];
        snprintf(m, sizeof m, "long query: only its first %d bytes and %d words or filters are searched",
                 SR_MAX_QUERY_TEXT, SR_MAX_WORDS);
        note(plan, m);
    }
    if (st == GZ_OK && f) {
        restrict_to(&p, f);
        st = p.st;
    }
    if (st == GZ_OK)
        collect_leaves(plan, plan->root, 1, &st);
    for (size_t i = 0; st == GZ_OK && i < plan->n_leaf; i++)
        st = plan_leaf(an, &plan->leaf[i]);
    read_as(plan, plan->root);
    return st;
}

void q_json_list_zh(gz_buf *zh, const gz_buf *list)
{
    for (size_t i = 0; i < list->len; i++) {
        char c = list->data[i];
        if (c == ',')
            gz_buf_puts(zh, "、");
        else if (c != '"')
            gz_buf_putc(zh, c);
    }
}

void q_reading_json(const q_plan *plan, const char *mode, gz_buf *out)
{
    gz_buf zh;
    gz_buf_init(&zh);
    const char *words = plan->words_zh.data ? plan->words_zh.data : "";
    if (strcmp(mode, "question") == 0)
        gz_buf_printf(&zh, "按问题理解，检索词：%s", words);
    else if (strcmp(mode, "words") == 0)
        gz_buf_printf(&zh, "按词语查找：%s（完整包含原文的排在最前，其次包含全部词语的，再次包含大部分词语的）", words);
    else if (strcmp(mode, "reference") == 0)
        gz_buf_puts(&zh, "按条文引用查找：先列出所引用的条文，其后为引用该条的条文");
    else if (strcmp(mode, "any-word") == 0)
        gz_buf_puts(&zh, "没有同时包含全部关键词的条文，改为包含任一关键词，包含全部关键词的文件排在前面");
    else
        gz_buf_puts(&zh, "按关键词查找（全部包含）");
    if (plan->expanded.len) {
        gz_buf_puts(&zh, "；另加同义词：");
        q_json_list_zh(&zh, &plan->expanded);
    }
    gz_buf_printf(out, "{\"code\":\"%s\",\"text\":", mode);
    gz_json_str(out, zh.data ? zh.data : "", zh.len);
    gz_buf_printf(out, ",\"expanded\":[%s]}", plan->expanded.data ? plan->expanded.data : "");
    gz_buf_fini(&zh);
}

static void free_node(q_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n_kid; i++)
        free_node(n->kid[i]);
    gz_free(n->kid);
    gz_free(n->text);
    gz_free(n);
}

void q_plan_fini(q_plan *plan)
{
    for (size_t i = 0; i < plan->n_leaf; i++) {
        for (size_t v = 0; v < plan->leaf[i].n_v; v++) {
            gz_free(plan->leaf[i].v[v].e);
            gz_free(plan->leaf[i].v[v].ne);
        }
        for (size_t w = 0; w < plan->leaf[i].n_words; w++)
            gz_free(plan->leaf[i].words[w]);
        gz_free(plan->leaf[i].words);
    }
    gz_free(plan->leaf);
    free_node(plan->root);
    gz_buf_fini(&plan->notes);
    gz_buf_fini(&plan->read_as);
    gz_buf_fini(&plan->expanded);
    gz_buf_fini(&plan->words_zh);
    memset(plan, 0, sizeof *plan);
}
