/* corpus/gazette.c: the structure of a bulletin issue. An issue is a
 * masthead, contents, front matter, then documents; a document starts where
 * a title line is followed by a 文号 line, and carries recipients, body,
 * signature and date, then the regulation it 印发s and its 附件. */
#include "corpus/body.h"

#include <string.h>

#define LINE(t, i) ((t)->text + (t)->start[i])
#define LLEN(t, i) ((t)->end[i] - (t)->start[i])

typedef struct gz_parse {
    gz_doc *doc;
    cp_text *t;
    cp_line_info *li;
} gz_parse;

/* Every date in s, the last one wins (the masthead line ends with the
 * publication date). */
static int last_date(const char *s, size_t len, char iso[11])
{
    int found = 0;
    for (size_t i = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) == 0x80)
            continue;
        char tmp[11];
        size_t n = cp_date_parse(s + i, len - i, tmp);
        if (n) {
            memcpy(iso, tmp, 11);
            found = 1;
            i += n - 1;
        }
    }
    return found;
}

/* 2023年第11-12期 and 总第45期 in a masthead line. */
static void masthead_numbers(gz_doc *doc, gz_node *issue, const char *s, size_t len)
{
    const char *nian_di = memmem(s, len, "\xE5\xB9\xB4\xE7\xAC\xAC", 6); /* 年第 */
    if (nian_di && !issue->issue_no) {
        const char *a = nian_di;
        while (a > s && ((a[-1] >= '0' && a[-1] <= '9')))
            a--;
        const char *qi = memmem(nian_di, len - (size_t)(nian_di - s), "\xE6\x9C\x9F", 3); /* 期 */
        if (qi && a < nian_di && qi - nian_di < 24)
            issue->issue_no = gz_doc_str(doc, a, (size_t)(qi + 3 - a));
    }
    const char *zong = memmem(s, len, "\xE6\x80\xBB\xE7\xAC\xAC", 6); /* 总第 */
    if (zong) {
        int64_t v;
        if (gz_numeral_parse(zong + 6, len - (size_t)(zong + 6 - s), &v))
            issue->total_no = (int32_t)v;
    }
}

/* Title lines run on over lines that follow without a blank and carry no
 * clause punctuation (伊金霍洛旗国家文化产业赋能乡村振兴 / 试点创建工作领导小组). */
static size_t title_span(gz_parse *g, size_t i, size_t end)
{
    size_t j = i + 1;
    while (j < end && !g->t->gap[j] && g->li[j].kind == CP_L_TEXT && LLEN(g->t, j) <= 90 &&
           !memmem(LINE(g->t, j), LLEN(g->t, j), "\xEF\xBC\x8C", 3) &&
           !memchr(LINE(g->t, j), ',', LLEN(g->t, j)) && !memchr(LINE(g->t, j), ':', LLEN(g->t, j)) &&
           !memmem(LINE(g->t, j), LLEN(g->t, j), "\xEF\xBC\x9A", 3) &&
           !memmem(LINE(g->t, j), LLEN(g->t, j), "\xE3\x80\x82", 3))
        j++;
    return j;
}

static uint32_t span_title(gz_parse *g, size_t i, size_t j)
{
    size_t s = g->t->start[i], e = g->t->end[j - 1];
    /* the lines are joined by '\n', which cp_title_str treats as a control
     * char: replace it by a blank through a copy */
    char *tmp = gz_strndup(g->t->text + s, e - s);
    if (!tmp) {
        g->doc->status = GZ_NOMEM;
        return 0;
    }
    for (size_t k = 0; k < e - s; k++)
        if (tmp[k] == '\n')
            tmp[k] = ' ';
    uint32_t off = cp_title_str(g->doc, tmp, e - s);
    gz_free(tmp);
    return off;
}

static int is_heading_text(gz_parse *g, size_t i)
{
    const char *s = LINE(g->t, i);
    size_t n = LLEN(g->t, i);
    int32_t last = cp_last_cp(s, n);
    return g->li[i].kind == CP_L_TEXT && n <= 180 && !memmem(s, n, "\xEF\xBC\x8C", 3) &&
           !memchr(s, ',', n) && last != 0x3002 && last != ':' && last != 0xFF1A;
}

/* One document: lines [s, e). */
static void parse_document(gz_parse *g, int32_t root, size_t s, size_t e)
{
    gz_doc *doc = g->doc;
    cp_text *t = g->t;
    int32_t id = gz_doc_add(doc, root, GZ_KIND_DOCUMENT, t->start[s], t->end[e - 1]);
    if (id == GZ_NONE)
        return;
    doc->nodes[id].title = cp_title_str(doc, LINE(t, s), LLEN(t, s));
    gz_docno dn;
    if (gz_docno_find(LINE(t, s + 1), LLEN(t, s + 1), &dn)) {
        gz_node *n = &doc->nodes[id];
        n->docno_raw = gz_doc_str(doc, LINE(t, s + 1) + dn.start, dn.end - dn.start);
        n = &doc->nodes[id];
        n->issuer_code = gz_doc_str(doc, dn.issuer, strlen(dn.issuer));
        n = &doc->nodes[id];
        n->docno_year = dn.year;
        n->docno_serial = dn.serial;
    }
    size_t i = s + 2;
    cp_body b;
    cp_body_begin(&b, doc, t, id);
    if (i < e) {
        int32_t last = cp_last_cp(LINE(t, i), LLEN(t, i));
        if ((last == ':' || last == 0xFF1A) && g->li[i].kind == CP_L_TEXT) {
            doc->nodes[id].recipients = cp_title_str(doc, LINE(t, i), LLEN(t, i) - (last == ':' ? 1 : 3));
            cp_body_line(&b, i, &g->li[i]);
            i++;
        }
    }
    /* signature: a short heading-like line directly followed by a date line */
    size_t sig = e;
    for (size_t j = i; j + 1 < e; j++)
        if (g->li[j + 1].kind == CP_L_DATE && is_heading_text(g, j) && LLEN(t, j) <= 90) {
            sig = j;
            break;
        }
    for (; i < sig; i++)
        cp_body_line(&b, i, &g->li[i]);
    if (sig < e) {
        char iso[11];
        gz_node *n = &doc->nodes[id];
        n->body = cp_title_str(doc, LINE(t, sig), LLEN(t, sig));
        if (cp_date_parse(LINE(t, sig + 1), LLEN(t, sig + 1), iso))
            doc->nodes[id].date = gz_doc_str(doc, iso, 10);
        cp_body_line(&b, sig, &g->li[sig]);
        cp_body_line(&b, sig + 1, &g->li[sig + 1]);
        i = sig + 2;
    }
    /* after the signature: the regulation the notice 印发s, and 附件 */
    int32_t container = GZ_NONE;
    while (i < e && doc->status == GZ_OK) {
        const cp_line_info *li = &g->li[i];
        int bare_attach = li->kind == CP_L_ATTACH && li->rest >= LLEN(t, i);
        if (bare_attach || (container == GZ_NONE && is_heading_text(g, i))) {
            gz_kind k = bare_attach ? GZ_KIND_ATTACHMENT : GZ_KIND_REGULATION;
            container = gz_doc_add(doc, id, k, t->start[i], t->end[i]);
            if (container == GZ_NONE)
                return;
            if (bare_attach) {
                doc->nodes[container].label = gz_doc_str(doc, LINE(t, i), LLEN(t, i));
                doc->nodes[container].number = li->number;
                i++;
            }
            cp_body_begin(&b, doc, t, container);
            if (i < e && is_heading_text(g, i)) {
                size_t j = title_span(g, i, e);
                doc->nodes[container].title = span_title(g, i, j);
                for (; i < j; i++)
                    cp_body_extend(&b, i);
            }
            continue;
        }
        cp_body_line(&b, i, li);
        i++;
    }
}

static int is_toc_line(gz_parse *g, size_t i)
{
    const char *s = LINE(g->t, i);
    size_t n = LLEN(g->t, i);
    if (g->li[i].kind == CP_L_CATEGORY)
        return 1;
    int32_t last = cp_last_cp(s, n);
    if (last != ')' && last != 0xFF09)
        return 0;
    /* ends with (page) */
    const char *p = s + n - (last == ')' ? 1 : 3);
    const char *d = p;
    while (d > s && d[-1] >= '0' && d[-1] <= '9')
        d--;
    return d < p && d > s && (d[-1] == '(' || (d - s >= 3 && memcmp(d - 3, "\xEF\xBC\x88", 3) == 0));
}

gz_status cp_parse_gazette(gz_doc *doc, cp_text *t, gz_error *err)
{
    if (t->n == 0)
        return gz_error_set(err, GZ_INVALID, 0, "no text");
    gz_parse g = {doc, t, gz_calloc(t->n, sizeof(cp_line_info))};
    if (!g.li)
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    for (size_t i = 0; i < t->n; i++)
        cp_line_classify(LINE(t, i), LLEN(t, i), &g.li[i]);

    int32_t root = gz_doc_add(doc, GZ_NONE, GZ_KIND_ISSUE, 0, t->len);
    if (root == GZ_NONE)
        goto done;
    doc->nodes[root].title = cp_title_str(doc, LINE(t, 0), LLEN(t, 0));

    /* document starts: a title line followed by a 文号 line */
    size_t first_doc = t->n, last_doc = t->n;
    for (size_t i = 0; i + 1 < t->n; i++)
        if (g.li[i + 1].kind == CP_L_DOCNO && g.li[i].kind == CP_L_TEXT) {
            if (first_doc == t->n)
                first_doc = i;
            last_doc = i;
        }

    /* masthead: up to 目录 or the first document */
    size_t m = 0;
    while (m < first_doc && g.li[m].kind != CP_L_CONTENTS)
        m++;
    size_t mast_end = m ? m : (first_doc < t->n ? first_doc : 1);
    if (mast_end == 0)
        mast_end = 1;
    int32_t mast = gz_doc_add(doc, root, GZ_KIND_MASTHEAD, t->start[0], t->end[mast_end - 1]);
    for (size_t i = 0; i < mast_end && mast != GZ_NONE; i++) {
        char iso[11];
        masthead_numbers(doc, &doc->nodes[root], LINE(t, i), LLEN(t, i));
        if (last_date(LINE(t, i), LLEN(t, i), iso))
            doc->nodes[root].date = gz_doc_str(doc, iso, 10);
    }
    size_t i = mast_end;
    if (i < first_doc && g.li[i].kind == CP_L_CONTENTS) {
        size_t c = i + 1, last_toc = i;
        for (; c < first_doc; c++)
            if (is_toc_line(&g, c))
                last_toc = c;
        gz_doc_add(doc, root, GZ_KIND_CONTENTS, t->start[i], t->end[last_toc]);
        i = last_toc + 1;
    }
    if (i < first_doc) {
        int32_t fm = gz_doc_add(doc, root, GZ_KIND_FRONTMATTER, t->start[i], t->end[first_doc - 1]);
        cp_body b;
        cp_body_begin(&b, doc, t, fm);
        for (; i < first_doc && fm != GZ_NONE; i++)
            cp_body_line(&b, i, &g.li[i]);
    }

    /* back matter: the issue title standing again after the last document */
    size_t back = t->n;
    if (last_doc < t->n)
        for (size_t j = last_doc + 2; j < t->n; j++)
            if (LLEN(t, j) == LLEN(t, 0) && memcmp(LINE(t, j), LINE(t, 0), LLEN(t, 0)) == 0) {
                back = j;
                break;
            }

    for (size_t s = first_doc; s < t->n && s < back && doc->status == GZ_OK;) {
        size_t e = s + 2;
        while (e < back && !(e + 1 < t->n && g.li[e + 1].kind == CP_L_DOCNO && g.li[e].kind == CP_L_TEXT))
            e++;
        parse_document(&g, root, s, e);
        s = e;
    }
    if (back < t->n) {
        int32_t bm = gz_doc_add(doc, root, GZ_KIND_BACKMATTER, t->start[back], t->end[t->n - 1]);
        cp_body b;
        cp_body_begin(&b, doc, t, bm);
        for (size_t j = back; j < t->n && bm != GZ_NONE; j++)
            cp_body_line(&b, j, &g.li[j]);
    }
done:
    gz_free(g.li);
    if (doc->status != GZ_OK)
        return gz_error_set(err, doc->status, -1, "out of memory");
    return GZ_OK;
}
