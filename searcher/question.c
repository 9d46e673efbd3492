/* searcher/question.c: reading a query as a question or as keywords run
 * together: telling them apart, picking their content words, and the OR
 * trees that search them. */
#include "searcher/query_parse.h"
#include "searcher/question.h"
#include "searcher/answer.h"
#include "searcher/thesaurus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    "怎么样才", "这类", "这些", "那些", "属于", "指的是", "是指"};
/* One-character words that neither stand alone nor join a neighbour into
 * a gram. */
static const char frame_chars[] = "的了吗呢吧啊呀是在和与或及等我你他她它要有能会被把给让对向从就还也都又而但"
                                  "该个么怎啥谁哪几多请问这那之其已将可以为于得着过很再才去来上下里中后前说想"
                                  "不无没未非时到";
/* Question words of one character: a word they begin asks, and says
 * nothing of what about. */
static const char question_chars[] = "哪怎啥谁";
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

static size_t first_char_len(const an_token *t)
{
    const char *c = t->text;
    gz_utf8_next(&c, t->text + t->len);
    return (size_t)(c - t->text);
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
    /* a word a question word begins (哪一, 怎么着, 谁家): how it asks */
    return len > 3 && in_chars(question_chars, text, 3);
}

static const char *const question_marks[] = {"？", "?", "吗", "呢", "谁", "什么", "如何", "怎么", "怎样", "哪",
                                             "是否", "多少", "能否", "几", "可以", "可不可以", "能不能", "应该",
                                             "要不要", "算不算", "会不会", "有没有", "为什么"};

/* Whether c is a quote mark (" “ ”), *inside set to whether the text
 * after it is quoted: " opens or closes, “ opens, ” closes. */
static int quote_mark(int32_t c, int *inside)
{
    if (c != '"' && c != 0x201C && c != 0x201D)
        return 0;
    *inside = c == '"' ? !*inside : c == 0x201C;
    return 1;
}

/* Does text ask outside its quotes ("…" or “…”): a question mark or word
 * there, and two Han characters or more? */
static int asks_outside_quotes(const char *text)
{
    const char *p = text, *end = text + strlen(text);
    int inside = 0, mark = 0;
    size_t han = 0;
    while (p < end) {
        const char *at = p;
        int32_t c = gz_utf8_next(&p, end);
        if (c < 0)
            break;
        if (quote_mark(c, &inside) || inside)
            continue;
        han += gz_is_han(c) != 0;
        for (size_t i = 0; !mark && i < sizeof question_marks / sizeof question_marks[0]; i++)
            mark = strncmp(at, question_marks[i], strlen(question_marks[i])) == 0;
    }
    return mark && han >= 2;
}

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
    for (size_t f = 0; f < Q_N_FIELDS; f++) {
        char prefix[16];
        snprintf(prefix, sizeof prefix, "%s:", q_fields[f].name);
        if (strstr(text, prefix))
            return 0;
    }
    if (strstr(text, " OR ") || strstr(text, " NOT ") || strchr(text, '|') || strchr(text, '('))
        return 0;
    /* quotes: a phrase, unless in a sentence: a long one (名为“个体工商户”
     * 实为“合伙”…), or one asking about what it quotes (“一房多租”有效吗？) */
    if ((strchr(text, '"') || strstr(text, "“")) && han < 16 && !asks_outside_quotes(text))
        return 0;
    /* a question word in a sentence, a long unspaced sentence, or clauses */
    return (has_mark && han >= 5) || (han >= 16 && blanks == 0) || (clauses >= 1 && han >= 12 && blanks == 0);
}

/* Is token t inside a frame of several words as text holds it (怎么 处理
 * is the frame 怎么处理: 处理 says how it asks, not what about)? */
static int in_frame(const char *text, const an_token *t)
{
    size_t len = strlen(text);
    for (size_t k = 0; k < sizeof frame_words / sizeof frame_words[0]; k++) {
        size_t fl = strlen(frame_words[k]);
        if (fl <= t->end - t->start)
            continue;
        /* an occurrence of the frame covering the token */
        for (size_t a = t->end >= fl ? t->end - fl : 0; a <= t->start && a + fl <= len; a++)
            if (memcmp(text + a, frame_words[k], fl) == 0)
                return 1;
    }
    return 0;
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
 * words (a word ICU does not know: 酒驾 is 酒 驾) as its grams; a lone
 * character before a longer word as its gram with that word's first
 * character (转 租出去: 转租; 反 担保: 反担, found inside 反担保); non-Han
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
            if (t[k].type == AN_LABEL && q_is_unit_label(&t[k]) && t[k].start < t[i].end && t[i].start < t[k].end)
                label = &t[k];
        if (label) {
            add_word(words, &nw, text, label->start, label->end, cut);
            continue;
        }
        if (is_frame(t[i].text, t[i].len) || in_frame(text, &t[i]))
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
        int ends_word = prev && prev->span >= 2 && prev->end == t[i].start && prev->pos + prev->span == t[i].pos &&
                        !is_frame(prev->text, prev->len) && in_chars(suffix_chars, t[i].text, t[i].len);
        if (ends_word) /* before a lone character after it: 手续 费 应: 手续费 */
            add_word(words, &nw, text, prev->start, t[i].end, cut);
        else if (next_single)
            add_word(words, &nw, text, t[i].start, next->end, cut);
        else if (next_frame && !prev_single && !(prev && prev->span >= 2 && prev->end == t[i].start))
            add_word(words, &nw, text, t[i].start, next->end, cut);
        else if (!prev_single && next && next->span >= 2 && next->start == t[i].end &&
                 !is_frame(next->text, next->len) && !is_frame(next->text, first_char_len(next))) {
            const char *c = next->text;
            gz_utf8_next(&c, next->text + next->len);
            add_word(words, &nw, text, t[i].start, next->start + (uint32_t)(c - next->text), cut);
        }
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
    q_node *w = q_node_new(p, Q_TEXT);
    if (!w) {
        gz_free(text);
        return;
    }
    w->text = text;
    w->weight = weight;
    q_node_add(p, or, w);
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
            sr_list_add(x, pair, strlen(pair));
        }
    }
    gz_free(words);
    gz_free(copy);
    return p->st;
}

/* Each span text quotes ("…", “…”) of two to twelve characters as a leaf
 * of or, the person's word as they marked it (“一房多租”有效吗？: 一房多租,
 * beside the content words 一房, 有效), unless a leaf already. */
static void quoted_words(const char *text, parser *p, q_node *or)
{
    const char *s = text, *end = text + strlen(text), *open = NULL;
    size_t chars = 0;
    int inside = 0;
    while (s < end) {
        const char *at = s;
        int32_t c = gz_utf8_next(&s, end);
        if (c < 0)
            break;
        if (!quote_mark(c, &inside)) {
            chars++;
            continue;
        }
        if (!inside && open && chars >= 2 && chars <= 12 && or->n_kid < SR_MAX_WORDS) {
            size_t len = (size_t)(at - open);
            int dup = 0;
            for (size_t j = 0; j < or->n_kid && !dup; j++)
                dup = or->kid[j]->text && strlen(or->kid[j]->text) == len && memcmp(or->kid[j]->text, open, len) == 0;
            if (!dup)
                add_leaf(p, or, gz_strndup(open, len), 1.0);
        }
        open = inside ? s : NULL;
        chars = 0;
    }
}

/* A question becomes an OR of its content words and their thesaurus
 * words, each matched as a substring, and the spans it quotes. */
gz_status q_question_tree(an_analyzer *an, const char *text, parser *p)
{
    q_node *or = q_node_new(p, Q_OR);
    gz_status st = or ? words_of(an, text, strlen(text), 0, p, or) : GZ_NOMEM;
    if (st == GZ_OK)
        quoted_words(text, p, or);
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
    while (*s < end && (b = q_blank_at(*s, end)))
        *s += b;
    if (*s >= end)
        return NULL;
    const char *a = *s;
    while (*s < end && !q_blank_at(*s, end))
        ++*s;
    *len = (size_t)(*s - a);
    return a;
}

/* Keywords run together (工伤赔偿标准), or several such: an OR of each as
 * typed (weighing most), its words and their thesaurus words. */
gz_status q_words_tree(an_analyzer *an, const char *text, parser *p)
{
    q_node *or = q_node_new(p, Q_OR);
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
void q_any_word(parser *p)
{
    q_node *r = p->plan->root;
    if (!r || r->type != Q_AND)
        return;
    q_node *or = q_node_new(p, Q_OR), *and = q_node_new(p, Q_AND);
    if (!or || !and)
        return;
    for (size_t i = 0; i < r->n_kid; i++)
        q_node_add(p, r->kid[i]->type == Q_TEXT ? or : and, r->kid[i]);
    r->n_kid = 0;
    gz_free(r->kid);
    gz_free(r->text);
    gz_free(r);
    if (and->n_kid) {
        q_node_add(p, and, or);
        p->plan->root = and;
    } else {
        gz_free(and);
        p->plan->root = or;
    }
    p->plan->any_word = 1;
}
