/* corpus/html.c: the text of an HTML page, through libxml2's HTML parser.
 * The bytes are decoded first (the charset the page declares, else the
 * detection cp_decode does), so the parser sees UTF-8 and ignores the
 * page's own declaration. Script, style, navigation, forms and comments are
 * dropped; headings, paragraphs, list items and table rows become lines
 * (cells separated by tabs); the title (<h1>, else <title>) comes first.
 * Called through cp_extract_text. */
#include "corpus/readers.h"

#include <libxml/HTMLparser.h>
#include <string.h>
#include <strings.h>
#include <unicode/ucnv.h>

/* The charset named in the first 4 KB (<meta charset=...> or
 * content="text/html; charset=..."), copied into cs; 0 if none. */
static int declared_charset(const char *s, size_t len, char *cs, size_t cap)
{
    size_t head = len < 4096 ? len : 4096;
    for (size_t i = 0; i + 8 < head; i++) {
        if (strncasecmp(s + i, "charset=", 8) != 0)
            continue;
        size_t j = i + 8, n = 0;
        while (j < head && (s[j] == '"' || s[j] == '\'' || s[j] == ' '))
            j++;
        while (j < head && n + 1 < cap &&
               (s[j] == '-' || s[j] == '_' || (s[j] >= '0' && s[j] <= '9') ||
                ((s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'z')))
            cs[n++] = s[j++];
        cs[n] = 0;
        return n > 0;
    }
    return 0;
}

/* Decodes with the declared charset, strictly; GB2312 and GBK are read as
 * GB18030 (their superset), as browsers do. */
static gz_status decode_declared(const char *cs, const char *data, size_t len, gz_buf *out,
                                 gz_error *err)
{
    if (strcasecmp(cs, "gb2312") == 0 || strcasecmp(cs, "gbk") == 0)
        cs = "GB18030";
    UErrorCode ec = U_ZERO_ERROR;
    UConverter *cv = ucnv_open(cs, &ec);
    if (U_FAILURE(ec))
        return gz_error_set(err, GZ_INVALID, -1, "unknown charset \"%s\" declared", cs);
    UConverter *u8 = ucnv_open("UTF-8", &ec);
    ucnv_setToUCallBack(cv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &ec);
    size_t cap = len * 3 + 16;
    char *o = gz_alloc(cap);
    if (!o || U_FAILURE(ec)) {
        gz_free(o);
        ucnv_close(cv);
        ucnv_close(u8);
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    char *t = o;
    const char *src = data;
    ucnv_convertEx(u8, cv, &t, o + cap, &src, data + len, NULL, NULL, NULL, NULL, 1, 1, &ec);
    ucnv_close(cv);
    ucnv_close(u8);
    gz_status st = GZ_OK;
    if (U_FAILURE(ec))
        st = gz_error_set(err, GZ_INVALID, (int64_t)(src - data),
                          "invalid %s at byte %zu (the charset the page declares)", cs,
                          (size_t)(src - data));
    else
        gz_buf_put(out, o, (size_t)(t - o));
    gz_free(o);
    return st;
}

typedef struct html_out {
    gz_buf *b;
    int pending;   /* 0 none, 1 a line break, 2 a paragraph break before the next text */
    int in_pre;
    int space;     /* blanks since the last character: 1, 2 if a line feed among them */
} html_out;

static int name_is(const xmlNode *n, const char *const *names)
{
    for (; *names; names++)
        if (strcasecmp((const char *)n->name, *names) == 0)
            return 1;
    return 0;
}

static const char *const dropped[] = {"script", "style", "nav", "noscript", "template", "head",
                                      "form", "button", "select", "iframe", "svg", "object",
                                      NULL};
static const char *const blocks[] = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "section",
                                     "article", "blockquote", "pre", "table", "ul", "ol", "dl",
                                     "center", "address", "figure", "hr", "main", NULL};
static const char *const lines[] = {"li", "tr", "dt", "dd", "br", "caption", NULL};

/* A run of blanks is one space, as a browser shows it, except a run with a
 * line feed between two Han characters: a line wrapped in the page's
 * source, which a browser shows as a space but which is no word break in
 * Chinese. Words and digits on both sides keep their space. */
static int wordy(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == ',' ||
           c == '.' || c == ';' || c == ':' || c == ')';
}

static void put_text(html_out *o, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!o->in_pre && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')) {
            o->space |= c == '\n' || c == '\r' ? 2 : 1;
            continue;
        }
        if (o->in_pre && c == '\n') {
            o->pending = o->pending > 1 ? o->pending : 1;
            continue;
        }
        if (o->pending && o->b->len) {
            gz_buf_puts(o->b, o->pending == 2 ? "\n\n" : "\n");
        } else if (o->space && o->b->len && o->b->data[o->b->len - 1] != '\n' &&
                   o->b->data[o->b->len - 1] != '\t' && wordy((unsigned char)o->b->data[o->b->len - 1]) &&
                   wordy(c)) {
            gz_buf_putc(o->b, ' ');
        } else if (o->space && o->b->len && o->b->data[o->b->len - 1] != '\n' &&
                   o->b->data[o->b->len - 1] != '\t' &&
                   (o->space == 1 || (c < 0x80) != ((unsigned char)o->b->data[o->b->len - 1] < 0x80))) {
            gz_buf_putc(o->b, ' ');
        }
        o->pending = 0;
        o->space = 0;
        gz_buf_putc(o->b, (char)c);
    }
}

static void brk(html_out *o, int level)
{
    if (level > o->pending)
        o->pending = level;
    o->space = 0;
}

/* Text of n and below as one string (the title). */
static void plain_text(const xmlNode *n, gz_buf *b)
{
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE && n->content)
            gz_buf_puts(b, (const char *)n->content);
        else if (n->type == XML_ELEMENT_NODE && !name_is(n, dropped))
            plain_text(n->children, b);
    }
}

static const xmlNode *find(const xmlNode *n, const char *name, int depth)
{
    for (; n && depth < 256; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (strcasecmp((const char *)n->name, name) == 0)
            return n;
        const xmlNode *f = find(n->children, name, depth + 1);
        if (f)
            return f;
    }
    return NULL;
}

/* Has n an element before it among its siblings (a cell after a cell)? */
static int after_element(const xmlNode *n)
{
    for (n = n->prev; n; n = n->prev)
        if (n->type == XML_ELEMENT_NODE)
            return 1;
    return 0;
}

static void walk(html_out *o, const xmlNode *n, int depth)
{
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                put_text(o, (const char *)n->content, strlen((const char *)n->content));
            continue;
        }
        if (n->type != XML_ELEMENT_NODE || name_is(n, dropped) || depth > 200)
            continue; /* comments, processing instructions, dropped elements */
        xmlChar *role = xmlGetProp((xmlNode *)n, (const xmlChar *)"role");
        int nav = role && strcasecmp((const char *)role, "navigation") == 0;
        xmlFree(role);
        if (nav)
            continue;
        int block = name_is(n, blocks), line = name_is(n, lines);
        int cell = strcasecmp((const char *)n->name, "td") == 0 ||
                   strcasecmp((const char *)n->name, "th") == 0;
        int pre = strcasecmp((const char *)n->name, "pre") == 0;
        if (block)
            brk(o, 2);
        else if (line)
            brk(o, 1);
        if (cell && after_element(n) && o->b->len && !o->pending) {
            gz_buf_putc(o->b, '\t');
            o->space = 0;
        }
        o->in_pre += pre;
        walk(o, n->children, depth + 1);
        o->in_pre -= pre;
        if (block)
            brk(o, 2);
        else if (line)
            brk(o, 1);
    }
}

/* The <title> goes before the body's text, less a site's name after "_",
 * " - " or "|", unless the body begins with it already (a bulletin's
 * masthead). */
static void put_title(gz_buf *out, size_t body_at, const xmlNode *title)
{
    gz_buf t;
    gz_buf_init(&t);
    plain_text(title->children, &t);
    gz_buf_cstr(&t);
    const char *s = t.data ? t.data : "";
    size_t len = t.len;
    static const char *const cut[] = {"_", " - ", "|", "\xEF\xBD\x9C"};
    for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++) {
        const char *c = strstr(s, cut[i]);
        if (c && c > s && (size_t)(c - s) < len)
            len = (size_t)(c - s);
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\n' || s[len - 1] == '\t'))
        len--;
    while (len && (*s == ' ' || *s == '\n' || *s == '\t'))
        s++, len--;
    size_t head = out->len - body_at < 512 ? out->len - body_at : 512;
    if (len && (!head || !memmem(out->data + body_at, head, s, len))) {
        gz_buf rest;
        gz_buf_init(&rest);
        if (out->len > body_at)
            gz_buf_put(&rest, out->data + body_at, out->len - body_at);
        out->len = body_at;
        for (size_t i = 0; i < len; i++) /* one line */
            gz_buf_putc(out, s[i] == '\n' || s[i] == '\t' ? ' ' : s[i]);
        gz_buf_puts(out, "\n\n");
        if (rest.len)
            gz_buf_put(out, rest.data, rest.len);
        gz_buf_fini(&rest);
    }
    gz_buf_fini(&t);
}

gz_status cp_html_text(const char *data, size_t len, gz_buf *out, gz_error *err)
{
    gz_buf u8;
    gz_buf_init(&u8);
    char cs[48];
    gz_status st;
    int bom = (len >= 2 && ((unsigned char)data[0] == 0xFF || (unsigned char)data[0] == 0xFE)) ||
              (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0);
    if (!bom && declared_charset(data, len, cs, sizeof cs))
        st = decode_declared(cs, data, len, &u8, err);
    else
        st = cp_extract_text(CP_SOURCE_TEXT, data, len, &u8, err);
    if (st != GZ_OK) {
        gz_buf_fini(&u8);
        return st;
    }
    if (u8.status != GZ_OK || u8.len > INT32_MAX) {
        gz_buf_fini(&u8);
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    htmlDocPtr doc = htmlReadMemory(u8.data ? u8.data : "", (int)u8.len, NULL, "UTF-8",
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                        HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | HTML_PARSE_NOBLANKS);
    gz_buf_fini(&u8);
    const xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root) {
        if (doc)
            xmlFreeDoc(doc);
        return gz_error_set(err, GZ_INVALID, -1, "not HTML: libxml2 found no element");
    }
    html_out o = {out, 0, 0, 0};
    /* the title first, on its own line, unless the body's <h1> gives it */
    const xmlNode *body = find(root, "body", 0), *h1 = body ? find(body->children, "h1", 0) : NULL;
    const xmlNode *title = h1 ? NULL : find(root, "title", 0);
    size_t body_at = out->len;
    walk(&o, body ? body : root, 0);
    if (title)
        put_title(out, body_at, title);
    xmlFreeDoc(doc);
    gz_buf_putc(out, '\n');
    if (out->status != GZ_OK)
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    return GZ_OK;
}
