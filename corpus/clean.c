/* corpus/clean.c: from raw text to cleaned lines. PDF extraction breaks a
 * paragraph at every page end, leaving `…职工代` / blank line / `表大会…`;
 * phrase search needs them rejoined, and every offset the index stores refers
 * to the cleaned text built here. */
#include "corpus/lines.h"

#include <string.h>

void cp_text_init(cp_text *t)
{
    memset(t, 0, sizeof *t);
    gz_buf_init(&t->buf);
}

void cp_text_fini(cp_text *t)
{
    gz_free(t->start);
    gz_free(t->end);
    gz_free(t->gap);
    gz_free(t->page_at);
    gz_buf_fini(&t->buf);
    memset(t, 0, sizeof *t);
}

void cp_text_add(cp_text *t, const char *s, size_t len, int gap)
{
    if (t->status != GZ_OK)
        return;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        size_t *a = gz_realloc(t->start, cap * sizeof *a);
        if (a)
            t->start = a;
        size_t *b = a ? gz_realloc(t->end, cap * sizeof *b) : NULL;
        if (b)
            t->end = b;
        unsigned char *g = b ? gz_realloc(t->gap, cap) : NULL;
        if (!g) {
            t->status = GZ_NOMEM;
            return;
        }
        t->gap = g;
        t->cap = cap;
    }
    if (t->n)
        gz_buf_putc(&t->buf, '\n');
    t->start[t->n] = t->buf.len;
    gz_buf_put(&t->buf, s, len);
    t->end[t->n] = t->buf.len;
    t->gap[t->n] = (unsigned char)gap;
    t->n++;
    if (t->buf.status != GZ_OK)
        t->status = t->buf.status;
}

void cp_text_extend(cp_text *t, const char *s, size_t len)
{
    if (t->status != GZ_OK || !t->n)
        return;
    gz_buf_put(&t->buf, s, len);
    t->end[t->n - 1] = t->buf.len;
    if (t->buf.status != GZ_OK)
        t->status = t->buf.status;
}

void cp_text_done(cp_text *t)
{
    gz_buf_cstr(&t->buf);
    if (t->buf.status != GZ_OK)
        t->status = t->buf.status;
    t->text = t->buf.data ? t->buf.data : "";
    t->len = t->buf.len;
}

static int has_mongolian(const char *s, size_t len)
{
    /* U+1800-U+18AF is E1 A0 80 .. E1 A2 AF in UTF-8 */
    for (size_t i = 0; i + 1 < len; i++)
        if ((unsigned char)s[i] == 0xE1 && ((unsigned char)s[i + 1] & 0xFC) == 0xA0)
            return 1;
    return 0;
}

static int has_clause_punct(const char *s, size_t len)
{
    /* ， 、 。 ； or ASCII , ; */
    return memchr(s, ',', len) || memchr(s, ';', len) ||
           memmem(s, len, "\xEF\xBC\x8C", 3) || memmem(s, len, "\xE3\x80\x81", 3) ||
           memmem(s, len, "\xE3\x80\x82", 3) || memmem(s, len, "\xEF\xBC\x9B", 3);
}

/* Title lines end with one of these words; a title followed by its first
 * paragraph is not a broken sentence. */
static int ends_like_title(const char *s, size_t len)
{
    static const char *const suffix[] = {"方案", "办法", "通知", "规定", "意见", "名单", "细则",
                                         "条例", "决定", "制度", "计划", "规划", "要点", "报告",
                                         "公告", "通告", "一览表", "小组", "委员会", "目录", "简介"};
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        size_t n = strlen(suffix[i]);
        if (len >= n && memcmp(s + len - n, suffix[i], n) == 0)
            return 1;
    }
    return 0;
}

typedef struct raw_line {
    const char *s;
    size_t len;
    int gap;
    uint32_t page; /* form feeds before the line */
    int cont;      /* a form feed inside a line put it here: it continues the last */
    cp_line_info li;
} raw_line;

/* Records that a page begins at offset at of the text being built. */
static void page_begins(cp_text *t, size_t at)
{
    if (t->status != GZ_OK)
        return;
    if (gz_grow(&t->page_at, &t->cap_page_at, t->n_page_at + 1, sizeof *t->page_at, 16) != GZ_OK) {
        t->status = GZ_NOMEM;
        return;
    }
    t->page_at[t->n_page_at++] = at;
}

/* Is line i (after a blank line) the rest of the paragraph that line i-1
 * ends? The break was a page end when the paragraph stops mid-sentence and
 * neither line is a marker, a title or a table row. */
static int page_break_join(const raw_line *l, size_t n, size_t head, size_t i)
{
    /* h: the paragraph's first line (its kind decides), a: the text right
     * before the break, b: the candidate continuation */
    const raw_line *h = &l[head], *a = &l[i - 1], *b = &l[i];
    if (b->li.kind != CP_L_TEXT)
        return 0;
    size_t rest = head == i - 1 ? h->li.rest : 0;
    int punct = head != i - 1 || has_clause_punct(a->s + rest, a->len - rest);
    switch (h->li.kind) {
    case CP_L_TEXT: case CP_L_ARTICLE: case CP_L_BULLET:
        break;
    case CP_L_PAREN: case CP_L_CNENUM: case CP_L_NUMENUM:
        /* a bare heading (一、指导思想) is followed by its body, not continued */
        if (!punct)
            return 0;
        break;
    default:
        return 0;
    }
    int32_t last = cp_last_cp(a->s, a->len);
    if (last < 0 || cp_is_terminal(last))
        return 0;
    const char *q = b->s;
    int32_t first = gz_utf8_next(&q, b->s + b->len);
    if (first == 0x300A || first == 0x3010) /* 《 【 open a title or a category */
        return 0;
    if (has_mongolian(a->s, a->len) || has_mongolian(b->s, b->len))
        return 0;
    /* a document title: the line after next is its 文号 */
    if (i + 1 < n && l[i + 1].li.kind == CP_L_DOCNO)
        return 0;
    if (!punct) {
        /* title-like: the last line of a block of lines (titles wrap without
         * blank lines; paragraphs do not), a title word at the end, or the
         * line right after a signing date */
        if (!h->gap && head >= 1)
            return 0;
        if (ends_like_title(a->s, a->len))
            return 0;
        if (head >= 1 && l[head - 1].li.kind == CP_L_DATE)
            return 0;
    }
    return 1;
}

/* Trims blanks on both sides of s[0..len); keeps leading tabs (an empty
 * first table cell). */
static const char *trim(const char *s, size_t *len)
{
    const char *a = s, *b = s + *len;
    size_t bl;
    while (a < b && *a != '\t' && (bl = cp_blank_len(a, b)))
        a += bl;
    while (a < b) {
        const char *c = b - 1;
        while (c > a && ((unsigned char)*c & 0xC0) == 0x80)
            c--;
        if (!cp_blank_len(c, b))
            break;
        b = c;
    }
    *len = (size_t)(b - a);
    return a;
}

void cp_text_from_raw(cp_text *t, const char *s, size_t len, cp_join join)
{
    /* scrub control characters (CR, stray C0) into blanks on a copy; a form
     * feed ends a page and its line */
    char *copy = gz_strndup(s, len);
    size_t n_lines = 1;
    for (size_t i = 0; i < len; i++)
        n_lines += s[i] == '\n' || s[i] == '\f';
    raw_line *l = copy ? gz_calloc(n_lines, sizeof *l) : NULL;
    if (!l) {
        gz_free(copy);
        t->status = GZ_NOMEM;
        cp_text_done(t);
        return;
    }
    int paged = memchr(s, '\f', len) != NULL;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)copy[i] < 0x20 && copy[i] != '\t' && copy[i] != '\n' && copy[i] != '\f')
            copy[i] = ' ';
    size_t n = 0;
    int gap = 0, cont = 0;
    uint32_t page = 0;
    for (const char *p = copy, *end = copy + len; p < end;) {
        const char *nl = p;
        while (nl < end && *nl != '\n' && *nl != '\f')
            nl++;
        size_t ll = (size_t)(nl - p);
        const char *a = trim(p, &ll);
        if (ll == 0) {
            gap = 1;
            cont = 0;
        } else {
            l[n].s = a;
            l[n].len = ll;
            l[n].gap = gap || (n && l[n - 1].page != page);
            l[n].page = page;
            l[n].cont = cont;
            if (join != CP_JOIN_NONE)
                cp_line_classify(a, ll, &l[n].li);
            n++;
            gap = 0;
        }
        /* "text\ftext": the page ended inside the paragraph */
        cont = nl < end && *nl == '\f' && ll > 0;
        if (nl < end && *nl == '\f')
            page++;
        p = nl < end ? nl + 1 : end;
    }
    if (paged)
        t->n_pages = page + 1;
    /* head: the first source line of the output line being built; pages:
     * the page of the last line placed */
    size_t head = 0;
    uint32_t placed = 0;
    for (size_t i = 0; i < n && t->status == GZ_OK; i++) {
        int join_it = 0;
        if (i && l[i].cont && join != CP_JOIN_NONE)
            join_it = 1;
        else if (i && l[i].gap && (join == CP_JOIN_BLANK || (join == CP_JOIN_PAGES && l[i].page != l[i - 1].page)))
            join_it = page_break_join(l, n, head, i);
        size_t at = join_it ? t->buf.len : t->buf.len + (t->n > 0);
        for (; paged && placed < l[i].page; placed++)
            page_begins(t, at);
        if (join_it) {
            cp_text_extend(t, l[i].s, l[i].len);
        } else {
            cp_text_add(t, l[i].s, l[i].len, l[i].gap);
            head = i;
        }
    }
    for (; paged && placed < page; placed++)
        page_begins(t, t->buf.len);
    gz_free(l);
    gz_free(copy);
    cp_text_done(t);
}

gz_status cp_clean_gazette(const char *utf8, size_t len, char **out, size_t *out_len)
{
    cp_text t;
    cp_text_init(&t);
    cp_text_from_raw(&t, utf8, len, memchr(utf8, '\f', len) ? CP_JOIN_PAGES : CP_JOIN_BLANK);
    gz_status st = t.status;
    if (st == GZ_OK) {
        *out = gz_buf_take(&t.buf, out_len);
        if (!*out)
            st = GZ_NOMEM;
    }
    cp_text_fini(&t);
    return st;
}
