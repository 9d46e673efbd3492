/* corpus/body.c: the unit stack. Ranks order the units that may contain one
 * another; a new unit closes every open unit of equal or lower rank. */
#include "corpus/body.h"

#include <string.h>

enum {
    RANK_CONTAINER = 0,
    RANK_PART = 10,
    RANK_CHAPTER = 20,
    RANK_LSECTION = 30,
    RANK_PLAN1 = 40,
    RANK_PLAN2 = 50,
    RANK_PLAN3 = 60,
    RANK_ARTICLE = 70,
    RANK_ITEM = 80,
    RANK_SUBITEM = 90,
};

/* A title is at most this many bytes (a 10 MB line is not a title). */
#define CP_TITLE_MAX 600

/* Scripts that do not space their words: Han, kana, the CJK and
 * full-width punctuation. A blank between two of these is a PDF's letter
 * spacing; between words of other scripts (Mongolian, Latin) it is a
 * word space. */
static int unspaced(int32_t cp)
{
    return gz_is_han(cp) || (cp >= 0x3000 && cp <= 0x30FF) || (cp >= 0xFF00 && cp <= 0xFFEF);
}

uint32_t cp_title_str(gz_doc *doc, const char *s, size_t len)
{
    if (len > CP_TITLE_MAX) {
        len = CP_TITLE_MAX;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    gz_buf o;
    gz_buf_init(&o);
    const char *p = s, *end = s + len;
    int32_t prev = 0;
    while (p < end) {
        size_t bl = cp_blank_len(p, end);
        if (bl) {
            const char *q = p;
            while (q < end && (bl = cp_blank_len(q, end)))
                q += bl;
            const char *r = q;
            int32_t next = q < end ? gz_utf8_next(&r, end) : 0;
            if (unspaced(prev) && unspaced(next))
                p = q; /* drop the blank between two CJK characters */
            else {
                if (prev && next)
                    gz_buf_putc(&o, ' ');
                p = q;
            }
            continue;
        }
        const char *q = p;
        int32_t cp = gz_utf8_next(&q, end);
        if (cp < 0)
            q = p + 1;
        gz_buf_put(&o, p, (size_t)(q - p));
        prev = cp;
        p = q;
    }
    uint32_t off = gz_doc_str(doc, o.data ? o.data : "", o.len);
    if (o.status != GZ_OK)
        doc->status = GZ_NOMEM;
    gz_buf_fini(&o);
    return off;
}

void cp_body_begin(cp_body *b, gz_doc *doc, const cp_text *t, int32_t container)
{
    b->doc = doc;
    b->t = t;
    b->depth = 1;
    b->stack[0].node = container;
    b->stack[0].rank = RANK_CONTAINER;
    b->table = GZ_NONE;
}

void cp_body_extend(cp_body *b, size_t i)
{
    if (b->doc->status != GZ_OK)
        return;
    size_t e = b->t->end[i];
    for (int d = 0; d < b->depth; d++)
        if (b->doc->nodes[b->stack[d].node].end < e)
            b->doc->nodes[b->stack[d].node].end = e;
}

static int in_article(const cp_body *b)
{
    for (int d = 0; d < b->depth; d++)
        if (b->doc->nodes[b->stack[d].node].kind == GZ_KIND_ARTICLE)
            return 1;
    return 0;
}

static int32_t top(const cp_body *b) { return b->stack[b->depth - 1].node; }

/* Closes units of rank >= rank, adds a node under what remains and, when
 * push, opens it. */
static int32_t open_unit(cp_body *b, size_t i, gz_kind kind, int rank, int push)
{
    while (b->depth > 1 && b->stack[b->depth - 1].rank >= rank)
        b->depth--;
    int32_t id = gz_doc_add(b->doc, top(b), kind, b->t->start[i], b->t->end[i]);
    if (id == GZ_NONE)
        return id;
    if (push && b->depth < CP_BODY_DEPTH) {
        b->stack[b->depth].node = id;
        b->stack[b->depth].rank = rank;
        b->depth++;
    }
    return id;
}

/* A heading's title: the text after the marker up to the first 。 (plan
 * headings often run on into their first sentence). */
static uint32_t heading_title(cp_body *b, const char *s, size_t len)
{
    const char *stop = memmem(s, len, "\xE3\x80\x82", 3);
    if (stop)
        len = (size_t)(stop - s);
    return cp_title_str(b->doc, s, len);
}

static void add_table_row(cp_body *b, size_t i)
{
    const char *line = b->t->text + b->t->start[i];
    size_t len = b->t->end[i] - b->t->start[i];
    if (b->table == GZ_NONE)
        b->table = gz_doc_add(b->doc, top(b), GZ_KIND_TABLE, b->t->start[i], b->t->end[i]);
    if (b->table == GZ_NONE)
        return;
    b->doc->nodes[b->table].end = b->t->end[i];
    int32_t row = gz_doc_add(b->doc, b->table, GZ_KIND_ROW, b->t->start[i], b->t->end[i]);
    if (row == GZ_NONE)
        return;
    size_t c = 0;
    while (c <= len) {
        const char *tab = memchr(line + c, '\t', len - c);
        size_t ce = tab ? (size_t)(tab - line) : len;
        if (ce > c)
            gz_doc_add(b->doc, row, GZ_KIND_CELL, b->t->start[i] + c, b->t->start[i] + ce);
        c = ce + 1;
    }
}

void cp_body_heading(cp_body *b, size_t i, int rank)
{
    b->table = GZ_NONE;
    int32_t id = open_unit(b, i, GZ_KIND_SECTION, rank ? rank : RANK_PLAN1, 1);
    if (id != GZ_NONE) {
        const char *s = b->t->text + b->t->start[i];
        b->doc->nodes[id].title = cp_title_str(b->doc, s, b->t->end[i] - b->t->start[i]);
    }
    cp_body_extend(b, i);
}

void cp_body_line(cp_body *b, size_t i, const cp_line_info *li)
{
    gz_doc *doc = b->doc;
    if (doc->status != GZ_OK)
        return;
    const char *s = b->t->text + b->t->start[i];
    size_t len = b->t->end[i] - b->t->start[i];
    if (li->kind == CP_L_TABLE) {
        add_table_row(b, i);
        cp_body_extend(b, i);
        return;
    }
    b->table = GZ_NONE;

    gz_kind kind = GZ_KIND_PARAGRAPH;
    int rank = 0, level = 0, titled = 0;
    int art = in_article(b);
    switch (li->kind) {
    case CP_L_PART: kind = GZ_KIND_PART; rank = RANK_PART; titled = 1; break;
    case CP_L_CHAPTER: kind = GZ_KIND_CHAPTER; rank = RANK_CHAPTER; titled = 1; break;
    case CP_L_LSECTION: kind = GZ_KIND_SECTION; rank = RANK_LSECTION; titled = 1; break;
    case CP_L_ARTICLE: kind = GZ_KIND_ARTICLE; rank = RANK_ARTICLE; break;
    case CP_L_PAREN:
    case CP_L_CNENUM:
        if (art) {
            kind = GZ_KIND_ITEM;
            rank = RANK_ITEM;
        } else {
            kind = GZ_KIND_SECTION;
            level = li->kind == CP_L_CNENUM ? 1 : 2;
            rank = li->kind == CP_L_CNENUM ? RANK_PLAN1 : RANK_PLAN2;
            titled = 1;
        }
        break;
    case CP_L_NUMENUM:
        if (art) {
            kind = GZ_KIND_ITEM;
            rank = RANK_SUBITEM;
        } else {
            kind = GZ_KIND_SECTION;
            level = 3;
            rank = RANK_PLAN3;
            titled = 1;
        }
        break;
    case CP_L_BULLET:
        kind = GZ_KIND_ITEM;
        rank = art ? RANK_ITEM : 0;
        break;
    default:
        break;
    }

    int32_t id;
    if (rank) {
        id = open_unit(b, i, kind, rank, 1);
    } else {
        /* running text: closes open items of an article (the closing
         * paragraph of 第四十六条 belongs to the article, not to item (三)) */
        while (b->depth > 1 && b->stack[b->depth - 1].rank >= RANK_ITEM)
            b->depth--;
        id = gz_doc_add(doc, top(b), kind, b->t->start[i], b->t->end[i]);
    }
    if (id == GZ_NONE)
        return;
    gz_node *n = &doc->nodes[id];
    n->level = level;
    if (li->label_len)
        n->label = gz_doc_str(doc, s, li->label_len);
    n = &doc->nodes[id]; /* the pool never moves nodes, but keep it obvious */
    n->number = li->number;
    n->sub = li->sub;
    if (titled && li->rest < len)
        doc->nodes[id].title = heading_title(b, s + li->rest, len - li->rest);
    cp_body_extend(b, i);
}
