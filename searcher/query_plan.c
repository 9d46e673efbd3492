/* searcher/query_plan.c: planning each query word as phrases of index
 * terms (its variants), and how the query was read. */
#include "searcher/query_plan.h"
#include "searcher/answer.h"
#include "searcher/query_lex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    (void)seg; /* every segment holds field 'n' */
    if (!v->ne)
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

gz_status q_plan_leaf(an_analyzer *an, q_leaf *leaf)
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
            if (q_is_unit_label(k))
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
                inside |= (t[j].type == AN_DOCNO || (t[j].type == AN_LABEL && q_is_unit_label(&t[j]))) &&
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

void q_collect_leaves(q_plan *plan, q_node *n, int positive, gz_status *st)
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
        q_collect_leaves(plan, n->kid[i], n->type == Q_NOT ? !positive : positive, st);
}

void q_read_as(q_plan *p, const q_node *n)
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
        q_read_as(p, n->kid[0]);
        break;
    default:
        gz_buf_putc(b, '(');
        for (size_t i = 0; i < n->n_kid; i++) {
            if (i)
                gz_buf_puts(b, n->type == Q_AND ? " AND " : " OR ");
            q_read_as(p, n->kid[i]);
        }
        gz_buf_putc(b, ')');
    }
}

void q_reading_text(const q_plan *plan, const char *mode, gz_buf *zh)
{
    const char *words = plan->words_zh.data ? plan->words_zh.data : "";
    if (strcmp(mode, "question") == 0)
        gz_buf_printf(zh, "按问题理解，检索词：%s", words);
    else if (strcmp(mode, "words") == 0)
        gz_buf_printf(zh, "按词语查找：%s（完整包含原文的排在最前，其次包含全部词语的，再次包含大部分词语的）", words);
    else if (strcmp(mode, "reference") == 0)
        gz_buf_puts(zh, "按条文引用查找：先列出所引用的条文，其后为引用该条的条文");
    else if (strcmp(mode, "any-word") == 0)
        gz_buf_puts(zh, "没有同时包含全部关键词的条文，改为包含任一关键词，包含全部关键词的文件排在前面");
    else
        gz_buf_puts(zh, "按关键词查找（全部包含）");
    if (plan->expanded.len) {
        gz_buf_puts(zh, "；另加同义词：");
        sr_list_zh(zh, &plan->expanded);
    }
}
