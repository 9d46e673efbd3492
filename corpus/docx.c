/* corpus/docx.c: the text of a Word .docx file: the zip read with libzip,
 * word/document.xml (and word/numbering.xml for list numbers) with
 * libxml2. Paragraphs become lines after a blank line, a numbered
 * paragraph gets its number as Word prints it (一、 （一） 1.), a table row
 * becomes a line of tab-separated cells. Called through cp_extract_text. */
#include "corpus/readers.h"

#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

/* An XML part inflated larger than this is refused (a zip bomb). */
#define DOCX_MAX_PART (CP_MAX_FILE_BYTES)
#define MAX_LVL 9

typedef struct num_level {
    char fmt[32];   /* decimal, chineseCounting, bullet, ... */
    char text[48];  /* %1、 */
    int start;
} num_level;

typedef struct abstract_num {
    long id;
    num_level lvl[MAX_LVL];
} abstract_num;

typedef struct num_inst {
    long id, abstract;
    int count[MAX_LVL];
} num_inst;

typedef struct docx_state {
    abstract_num *abs;
    size_t n_abs, cap_abs;
    num_inst *num;
    size_t n_num, cap_num;
    gz_buf *out;
    int in_cell, depth;
} docx_state;

static int is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* w:val (or any attribute named val) of n, as a string owned by libxml2. */
static xmlChar *val(const xmlNode *n)
{
    for (xmlAttr *a = n->properties; a; a = a->next)
        if (strcmp((const char *)a->name, "val") == 0)
            return xmlNodeGetContent((xmlNode *)a);
    return NULL;
}

static long val_long(const xmlNode *n, const char *attr)
{
    for (xmlAttr *a = n->properties; a; a = a->next)
        if (strcmp((const char *)a->name, attr) == 0) {
            xmlChar *v = xmlNodeGetContent((xmlNode *)a);
            long x = v ? strtol((const char *)v, NULL, 10) : -1;
            xmlFree(v);
            return x;
        }
    return -1;
}

static void copy_val(const xmlNode *n, char *dst, size_t cap)
{
    xmlChar *v = val(n);
    snprintf(dst, cap, "%s", v ? (const char *)v : "");
    xmlFree(v);
}

/* ------------------------------------------------------------ numbering */

static void read_numbering(docx_state *s, const xmlNode *root)
{
    for (const xmlNode *n = root ? root->children : NULL; n; n = n->next) {
        if (is(n, "abstractNum") &&
            gz_grow(&s->abs, &s->cap_abs, s->n_abs + 1, sizeof *s->abs, 16) == GZ_OK) {
            abstract_num *a = &s->abs[s->n_abs++];
            memset(a, 0, sizeof *a);
            a->id = val_long(n, "abstractNumId");
            for (const xmlNode *l = n->children; l; l = l->next) {
                long k = is(l, "lvl") ? val_long(l, "ilvl") : -1;
                if (k < 0 || k >= MAX_LVL)
                    continue;
                a->lvl[k].start = 1;
                for (const xmlNode *p = l->children; p; p = p->next) {
                    if (is(p, "numFmt"))
                        copy_val(p, a->lvl[k].fmt, sizeof a->lvl[k].fmt);
                    else if (is(p, "lvlText"))
                        copy_val(p, a->lvl[k].text, sizeof a->lvl[k].text);
                    else if (is(p, "start"))
                        a->lvl[k].start = (int)val_long(p, "val");
                }
            }
        } else if (is(n, "num") &&
                   gz_grow(&s->num, &s->cap_num, s->n_num + 1, sizeof *s->num, 16) == GZ_OK) {
            num_inst *m = &s->num[s->n_num++];
            memset(m, 0, sizeof *m);
            m->id = val_long(n, "numId");
            m->abstract = -1;
            for (const xmlNode *c = n->children; c; c = c->next)
                if (is(c, "abstractNumId"))
                    m->abstract = val_long(c, "val");
        }
    }
}

/* 1 -> 一, 10 -> 十, 12 -> 十二, 21 -> 二十一, 105 -> 一百零五 (to 9999). */
static void chinese_number(int v, gz_buf *b)
{
    static const char *const d[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    static const char *const unit[] = {"千", "百", "十", ""};
    if (v <= 0 || v > 9999) {
        gz_buf_printf(b, "%d", v);
        return;
    }
    int div[] = {1000, 100, 10, 1}, zero = 0, started = 0;
    for (int i = 0; i < 4; i++) {
        int digit = v / div[i] % 10;
        if (!digit) {
            zero = started;
            continue;
        }
        if (zero)
            gz_buf_puts(b, "零");
        zero = 0;
        if (!(digit == 1 && i == 2 && !started)) /* 十二, not 一十二 */
            gz_buf_puts(b, d[digit]);
        gz_buf_puts(b, unit[i]);
        started = 1;
    }
}

static void format_number(const num_level *l, int v, gz_buf *b)
{
    if (strncmp(l->fmt, "chinese", 7) == 0 || strncmp(l->fmt, "ideograph", 9) == 0 ||
        strcmp(l->fmt, "taiwaneseCounting") == 0)
        chinese_number(v, b);
    else if (strcmp(l->fmt, "upperLetter") == 0 && v >= 1 && v <= 26)
        gz_buf_putc(b, (char)('A' + v - 1));
    else if (strcmp(l->fmt, "lowerLetter") == 0 && v >= 1 && v <= 26)
        gz_buf_putc(b, (char)('a' + v - 1));
    else
        gz_buf_printf(b, "%d", v);
}

/* The number of a paragraph with numId/ilvl: its level's counter advanced,
 * the deeper levels reset, the level text with %1..%9 filled in. */
static void put_number(docx_state *s, long num_id, long ilvl)
{
    if (ilvl < 0 || ilvl >= MAX_LVL)
        ilvl = 0;
    num_inst *m = NULL;
    for (size_t i = 0; i < s->n_num; i++)
        if (s->num[i].id == num_id)
            m = &s->num[i];
    const abstract_num *a = NULL;
    for (size_t i = 0; m && i < s->n_abs; i++)
        if (s->abs[i].id == m->abstract)
            a = &s->abs[i];
    if (!a)
        return;
    const num_level *l = &a->lvl[ilvl];
    if (strcmp(l->fmt, "bullet") == 0 || strcmp(l->fmt, "none") == 0)
        return;
    m->count[ilvl] = m->count[ilvl] ? m->count[ilvl] + 1 : (l->start ? l->start : 1);
    for (int k = (int)ilvl + 1; k < MAX_LVL; k++)
        m->count[k] = 0;
    for (const char *t = l->text; *t; t++) {
        if (t[0] == '%' && t[1] >= '1' && t[1] <= '9') {
            int k = t[1] - '1';
            const num_level *lk = &a->lvl[k];
            format_number(lk, m->count[k] ? m->count[k] : (lk->start ? lk->start : 1), s->out);
            t++;
        } else {
            gz_buf_putc(s->out, *t);
        }
    }
}

/* ------------------------------------------------------------ body */

static void body(docx_state *s, const xmlNode *n);

/* Text of runs under n (inside a paragraph). */
static void runs(docx_state *s, const xmlNode *n)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (is(n, "t")) {
            xmlChar *c = xmlNodeGetContent((xmlNode *)n);
            if (c)
                gz_buf_puts(s->out, (const char *)c);
            xmlFree(c);
        } else if (is(n, "tab")) {
            gz_buf_putc(s->out, s->in_cell ? ' ' : '\t');
        } else if (is(n, "br") || is(n, "cr")) {
            gz_buf_putc(s->out, s->in_cell ? ' ' : '\n');
        } else if (is(n, "del") || is(n, "delText") || is(n, "instrText") || is(n, "rPr") ||
                   is(n, "pPr") || is(n, "Fallback") || is(n, "footnoteReference")) {
            continue; /* deleted text, field codes, properties, duplicates */
        } else if (is(n, "txbxContent") && s->depth < 64) {
            s->depth++;
            body(s, n->children); /* a text box: its own paragraphs */
            s->depth--;
        } else if (s->depth < 64) {
            s->depth++;
            runs(s, n->children); /* r, ins, hyperlink, smartTag, sdt ... */
            s->depth--;
        }
    }
}

static void paragraph(docx_state *s, const xmlNode *p)
{
    if (s->in_cell) {
        if (s->out->len && s->out->data[s->out->len - 1] != '\t' && s->out->data[s->out->len - 1] != '\n')
            gz_buf_putc(s->out, ' ');
    } else {
        gz_buf_puts(s->out, "\n\n");
    }
    for (const xmlNode *c = p->children; c; c = c->next) {
        if (!is(c, "pPr"))
            continue;
        for (const xmlNode *q = c->children; q; q = q->next) {
            if (!is(q, "numPr"))
                continue;
            long id = -1, lvl = 0;
            for (const xmlNode *r = q->children; r; r = r->next) {
                if (is(r, "numId"))
                    id = val_long(r, "val");
                else if (is(r, "ilvl"))
                    lvl = val_long(r, "val");
            }
            if (id > 0)
                put_number(s, id, lvl);
        }
    }
    runs(s, p->children);
}

static void table(docx_state *s, const xmlNode *t)
{
    gz_buf_puts(s->out, "\n\n");
    int first_row = 1;
    for (const xmlNode *r = t->children; r; r = r->next) {
        if (!is(r, "tr"))
            continue;
        if (!first_row)
            gz_buf_putc(s->out, '\n');
        first_row = 0;
        int first_cell = 1;
        for (const xmlNode *c = r->children; c; c = c->next) {
            if (!is(c, "tc"))
                continue;
            if (!first_cell)
                gz_buf_putc(s->out, '\t');
            first_cell = 0;
            s->in_cell++;
            body(s, c->children);
            s->in_cell--;
        }
    }
}

static void body(docx_state *s, const xmlNode *n)
{
    for (; n; n = n->next) {
        if (is(n, "p")) {
            paragraph(s, n);
        } else if (is(n, "tbl") && s->depth < 64) {
            s->depth++;
            if (s->in_cell) { /* a table in a cell: its text, flattened */
                body(s, n->children);
            } else {
                table(s, n);
            }
            s->depth--;
        } else if (n->type == XML_ELEMENT_NODE && !is(n, "sectPr") && s->depth < 64) {
            s->depth++;
            body(s, n->children); /* sdt, sdtContent, tr/tc under a nested table */
            s->depth--;
        }
    }
}

/* Inflates one part of the zip; GZ_EOF when it is absent. */
static gz_status read_part(zip_t *z, const char *name, char **out, size_t *len, gz_error *err)
{
    zip_stat_t sb;
    zip_stat_init(&sb);
    if (zip_stat(z, name, 0, &sb) != 0)
        return GZ_EOF;
    if (!(sb.valid & ZIP_STAT_SIZE) || sb.size > DOCX_MAX_PART)
        return gz_error_set(err, GZ_INVALID, -1, "%s inflates to more than %u bytes", name,
                            DOCX_MAX_PART);
    zip_file_t *f = zip_fopen(z, name, 0);
    if (!f)
        return gz_error_set(err, GZ_INVALID, -1, "damaged zip: %s: %s", name, zip_strerror(z));
    char *buf = gz_alloc(sb.size + 1);
    if (!buf) {
        zip_fclose(f);
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    zip_int64_t got = zip_fread(f, buf, sb.size);
    gz_status st = GZ_OK;
    if (got < 0 || (zip_uint64_t)got != sb.size)
        st = gz_error_set(err, GZ_INVALID, -1, "damaged zip: %s: %s", name,
                          got < 0 ? zip_file_strerror(f) : "shorter than its directory says");
    zip_fclose(f);
    if (st != GZ_OK) {
        gz_free(buf);
        return st;
    }
    buf[sb.size] = 0;
    *out = buf;
    *len = sb.size;
    return GZ_OK;
}

static xmlDoc *parse_xml(const char *s, size_t len)
{
    if (len > INT32_MAX)
        return NULL;
    return xmlReadMemory(s, (int)len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

gz_status cp_docx_text(const char *data, size_t len, gz_buf *out, gz_error *err)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze) : NULL;
    if (!z) {
        gz_status st = gz_error_set(err, GZ_INVALID, -1, "damaged zip: %s", zip_error_strerror(&ze));
        if (src)
            zip_source_free(src);
        zip_error_fini(&ze);
        return st;
    }
    zip_error_fini(&ze);
    char *xml = NULL, *numbering = NULL;
    size_t xml_len = 0, num_len = 0;
    gz_status st = read_part(z, "word/document.xml", &xml, &xml_len, err);
    if (st == GZ_EOF)
        st = gz_error_set(err, GZ_INVALID, -1, "a zip without word/document.xml: not a Word file");
    gz_status nst = st == GZ_OK ? read_part(z, "word/numbering.xml", &numbering, &num_len, err) : GZ_EOF;
    zip_discard(z); /* frees the source too */
    if (st != GZ_OK || (nst != GZ_OK && nst != GZ_EOF)) {
        gz_free(xml);
        gz_free(numbering);
        return st != GZ_OK ? st : nst;
    }
    docx_state s = {0};
    s.out = out;
    if (numbering) {
        xmlDoc *nd = parse_xml(numbering, num_len);
        if (nd) {
            read_numbering(&s, xmlDocGetRootElement(nd));
            xmlFreeDoc(nd);
        }
        gz_free(numbering);
    }
    xmlDoc *doc = parse_xml(xml, xml_len);
    gz_free(xml);
    const xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root) {
        st = gz_error_set(err, GZ_INVALID, -1, "damaged Word file: word/document.xml is not XML");
    } else {
        const xmlNode *b = NULL;
        for (const xmlNode *c = root->children; c && !b; c = c->next)
            if (is(c, "body"))
                b = c;
        body(&s, b ? b->children : NULL);
        gz_buf_putc(out, '\n');
        if (out->status != GZ_OK)
            st = gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    if (doc)
        xmlFreeDoc(doc);
    gz_free(s.abs);
    gz_free(s.num);
    return st;
}
