/* searcher/query.c: parsing a query (docs/query.md) and planning each query
 * word as phrases of index terms. Parsing never fails on what a person
 * types: an unbalanced quote or bracket, a stray operator, punctuation are
 * searched as text, and a note says how the query was read. */
#include "searcher/query.h"

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

static size_t blank_at(const char *s, const char *end)
{
    if (s < end && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
        return 1;
    if (end - s >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0)
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
        while (s < end && !blank_at(s, end) && !(*s == ')' && depth > 0))
            s++;
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
    if (st == GZ_OK && affix_variant(&leaf->v[0], &leaf->v[leaf->n_v], &st))
        leaf->n_v++;
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

static const char *const stop_words[] = {"谁", "可以", "什么", "如何", "怎么", "怎样", "哪些", "哪个", "是否",
                                         "吗", "呢", "的", "了", "是", "在", "和", "与", "或", "及", "等",
                                         "我", "你", "他", "要", "有", "能", "会", "应该", "需要", "多少"};

int q_is_question(const char *text)
{
    static const char *const marks[] = {"？", "?", "吗", "呢", "谁", "什么", "如何", "怎么", "怎样", "哪些", "是否", "多少", "能否"};
    int has_mark = 0, blanks = 0;
    size_t han = 0;
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        has_mark |= strstr(text, marks[i]) != NULL;
    const char *p = text, *end = text + strlen(text);
    while (p < end) {
        int32_t c = gz_utf8_next(&p, end);
        if (c < 0)
            break;
        han += gz_is_han(c) != 0;
        blanks += c == ' ';
    }
    if (strchr(text, '"') || strchr(text, ':') || strchr(text, '('))
        return 0;
    return (has_mark && han >= 5) || (han >= 16 && blanks == 0);
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

/* A question becomes an OR of its words (ICU words of two characters or
 * more, less question words), each matched as a substring. An article
 * label (第六十一条) is one word, whatever ICU cut it into (第六, 十一条). */
static gz_status question_tree(an_analyzer *an, const char *text, parser *p)
{
    const an_token *t;
    size_t n;
    gz_status st = an_analyze(an, text, strlen(text), AN_MODE_QUERY, &t, &n);
    if (st != GZ_OK)
        return st;
    char **words = gz_calloc(n + 1, sizeof *words);
    size_t nw = 0;
    for (size_t i = 0; words && i < n; i++) {
        if ((t[i].type != AN_WORD || t[i].span < 2) && t[i].type != AN_TERM)
            continue;
        /* inside or across a label: the label instead */
        const an_token *label = NULL;
        for (size_t k = 0; k < n && !label; k++)
            if (t[k].type == AN_LABEL && is_unit_label(&t[k]) && t[k].start < t[i].end && t[i].start < t[k].end)
                label = &t[k];
        if (label) {
            add_word(words, &nw, text, label->start, label->end, &p->plan->cut);
            continue;
        }
        int stop = 0;
        for (size_t k = 0; k < sizeof stop_words / sizeof stop_words[0]; k++)
            stop |= t[i].len == strlen(stop_words[k]) && memcmp(t[i].text, stop_words[k], t[i].len) == 0;
        if (!stop)
            add_word(words, &nw, text, t[i].start, t[i].end, &p->plan->cut);
    }
    q_node *or = nw ? node(p, Q_OR) : NULL;
    for (size_t i = 0; i < nw; i++) {
        q_node *w = node(p, Q_TEXT);
        if (w)
            w->text = words[i];
        add_kid(p, or, w);
    }
    gz_free(words);
    p->plan->root = or;
    return p->st;
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
    if (how == Q_READ_QUESTION) {
        plan->question = 1;
        st = question_tree(an, text, &p);
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
    memset(plan, 0, sizeof *plan);
}
