/* searcher/query_parse.c: parsing a query (docs/query.md) into a tree of
 * words, operators and filters, and tidying it. Parsing never fails on
 * what a person types: an unbalanced quote or bracket, a stray operator,
 * punctuation are searched as text, and a note says how the query was
 * read. */
#include "searcher/query_lex.h"
#include "searcher/query_parse.h"
#include "searcher/query_plan.h"
#include "searcher/question.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Groups and NOTs nest at most this deep; deeper ones are read flat. */
#define Q_MAX_DEPTH 32

q_node *q_node_new(parser *p, q_type type)
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

void q_node_add(parser *p, q_node *parent, q_node *kid)
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
    q_node *n = q_node_new(p, Q_FILTER);
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
            q_note(p->plan, "unknown kind: matches nothing");
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
            q_note(p->plan, "NOT nested too deep: ignored");
            return NULL;
        }
        p->depth++;
        q_node *inner = parse_unary(p);
        p->depth--;
        if (!inner) {
            q_note(p->plan, "NOT without a word: ignored");
            return NULL;
        }
        q_node *n = q_node_new(p, Q_NOT);
        q_node_add(p, n, inner);
        return n;
    }
    if (t->kind == T_LP) {
        p->i++;
        if (p->depth >= Q_MAX_DEPTH) {
            if (!p->plan->deep_noted)
                q_note(p->plan, "brackets nested too deep: inner ones ignored");
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
        q_note(p->plan, "stray operator: ignored");
        return NULL;
    }
    p->i++;
    q_node *n;
    if (t->kind == T_FIELD) {
        n = filter(p, t);
    } else {
        n = q_node_new(p, Q_TEXT);
        if (n) {
            n->text = t->text;
            t->text = NULL;
        }
    }
    if (n && t->neg) {
        q_node *neg = q_node_new(p, Q_NOT);
        q_node_add(p, neg, n);
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
                and = q_node_new(p, Q_AND);
                q_node_add(p, and, first);
            }
            q_node_add(p, and, u);
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
            q_note(p->plan, "OR without a right side: ignored");
            continue;
        }
        if (!left) {
            left = right;
            continue;
        }
        if (!or) {
            or = q_node_new(p, Q_OR);
            q_node_add(p, or, left);
        }
        q_node_add(p, or, right);
    }
    return or ? or : left;
}

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
        q_node_free(n);
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
            q_node_free(k);
        else if ((k = tidy(plan, k, terms)))
            n->kid[w++] = k;
    }
    n->n_kid = w;
    if (w == 1 && n->type != Q_NOT) {
        q_node *only = n->kid[0];
        n->n_kid = 0;
        q_node_free(n);
        return only;
    }
    if (w == 0) {
        q_node_free(n);
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
            q_node *and = q_node_new(p, Q_AND);
            if (!and) {
                q_node_free(fn);
                return;
            }
            if (plan->root)
                q_node_add(p, and, plan->root);
            plan->root = and;
        }
        q_node_add(p, plan->root, fn);
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
        st = q_question_tree(an, text, &p);
    } else if (how == Q_READ_WORDS) {
        plan->question = 1; /* scored as one: more of the words, higher */
        st = q_words_tree(an, text, &p);
    } else {
        tok *t = NULL;
        size_t n = 0;
        st = q_lex(text, plan, &t, &n);
        if (st == GZ_OK) {
            p.t = t;
            p.n = n;
            plan->root = parse_or(&p);
            while (p.i < p.n && p.st == GZ_OK) { /* a stray ')' at the top */
                p.i++;
                q_node *more = parse_or(&p);
                if (more) {
                    q_node *and = q_node_new(&p, Q_AND);
                    q_node_add(&p, and, plan->root);
                    q_node_add(&p, and, more);
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
        q_any_word(&p);
        st = p.st;
    }
    if (plan->cut) {
        char m[96];
        snprintf(m, sizeof m, "long query: only its first %d bytes and %d words or filters are searched",
                 SR_MAX_QUERY_TEXT, SR_MAX_WORDS);
        q_note(plan, m);
    }
    if (st == GZ_OK && f) {
        restrict_to(&p, f);
        st = p.st;
    }
    if (st == GZ_OK)
        q_collect_leaves(plan, plan->root, 1, &st);
    for (size_t i = 0; st == GZ_OK && i < plan->n_leaf; i++)
        st = q_plan_leaf(an, &plan->leaf[i]);
    q_read_as(plan, plan->root);
    return st;
}

void q_node_free(q_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n_kid; i++)
        q_node_free(n->kid[i]);
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
    q_node_free(plan->root);
    gz_buf_fini(&plan->notes);
    gz_buf_fini(&plan->read_as);
    gz_buf_fini(&plan->expanded);
    gz_buf_fini(&plan->words_zh);
    memset(plan, 0, sizeof *plan);
}
