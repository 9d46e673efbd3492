/* corpus/markdown.c: one law a file, LawRefBook style: `# title`, optional
 * promulgation lines, `<!-- INFO END -->`, `## 第一章 …` headings, then one
 * paragraph a line. The cleaned text drops front matter, comments and the
 * `#` marks; everything else is kept line for line. */
#include "common/law.h"
#include "corpus/body.h"

#include <string.h>

#define INFO_END "<!-- INFO END -->"

/* Copies s without <!-- … --> comments into o. Returns 1 if the line held
 * the INFO END marker. */
static int strip_comments(const char *s, size_t len, gz_buf *o)
{
    int info_end = memmem(s, len, INFO_END, sizeof INFO_END - 1) != NULL;
    const char *p = s, *end = s + len;
    while (p < end) {
        const char *c = memmem(p, (size_t)(end - p), "<!--", 4);
        if (!c) {
            gz_buf_put(o, p, (size_t)(end - p));
            break;
        }
        gz_buf_put(o, p, (size_t)(c - p));
        const char *ce = memmem(c + 4, (size_t)(end - c - 4), "-->", 3);
        p = ce ? ce + 3 : end;
    }
    return info_end;
}

gz_status cp_parse_markdown(gz_doc *doc, const char *s, size_t len, cp_text *t, gz_error *err)
{
    /* pass 1: cleaned lines; remember heading depth and the INFO END line */
    cp_text raw;
    cp_text_init(&raw);
    cp_text_from_raw(&raw, s, len, CP_JOIN_NONE);
    if (raw.status != GZ_OK) {
        cp_text_fini(&raw);
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    unsigned char *depth = gz_calloc(raw.n + 1, 1);
    size_t info_end = (size_t)-1;
    gz_buf line;
    gz_buf_init(&line);
    size_t i = 0;
    if (raw.n && raw.end[0] - raw.start[0] == 3 && memcmp(raw.text + raw.start[0], "---", 3) == 0) {
        for (i = 1; i < raw.n; i++)
            if (raw.end[i] - raw.start[i] == 3 && memcmp(raw.text + raw.start[i], "---", 3) == 0) {
                i++;
                break;
            }
        if (i >= raw.n)
            i = 0; /* no closing ---: not front matter */
    }
    for (; depth && i < raw.n; i++) {
        line.len = 0;
        int ie = strip_comments(raw.text + raw.start[i], raw.end[i] - raw.start[i], &line);
        const char *a = line.data ? line.data : "", *b = a + line.len;
        int h = 0;
        while (a < b && *a == '#' && h < 6) {
            a++;
            h++;
        }
        if (h && a < b && !cp_blank_len(a, b))
            h = 0; /* "#tag" is text; keep the marks */
        if (!h)
            a = line.data ? line.data : "";
        size_t bl;
        while (a < b && (bl = cp_blank_len(a, b)))
            a += bl;
        while (a < b && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if (ie && info_end == (size_t)-1)
            info_end = t->n;
        if (a == b)
            continue;
        depth[t->n] = (unsigned char)h;
        cp_text_add(t, a, (size_t)(b - a), raw.gap[i]);
    }
    gz_buf_fini(&line);
    cp_text_fini(&raw);
    cp_text_done(t);
    if (!depth || t->status != GZ_OK) {
        gz_free(depth);
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    if (t->n == 0) {
        gz_free(depth);
        return gz_error_set(err, GZ_INVALID, 0, "no text");
    }

    /* pass 2: structure */
    int32_t root = gz_doc_add(doc, GZ_NONE, GZ_KIND_DOCUMENT, 0, t->len);
    cp_body b;
    cp_body_begin(&b, doc, t, root);
    int have_title = 0, have_date = 0;
    size_t body_from = info_end == (size_t)-1 ? 0 : info_end;
    /* the header lines (the law's history: 通过, 修正, 修订 ...): after the
     * title, up to INFO END, else up to the first chapter or article */
    size_t hdr_a = 0, hdr_b = info_end == (size_t)-1 ? (size_t)-1 : info_end < t->n ? t->start[info_end] : t->len;
    for (i = 0; i < t->n && root != GZ_NONE && doc->status == GZ_OK; i++) {
        const char *s1 = t->text + t->start[i];
        size_t n1 = t->end[i] - t->start[i];
        cp_line_info li;
        cp_line_classify(s1, n1, &li);
        if (depth[i] == 1 && !have_title) {
            doc->nodes[root].title = cp_title_str(doc, s1, n1);
            have_title = 1;
            hdr_a = t->end[i];
            continue;
        }
        if (hdr_b == (size_t)-1 && (li.kind == CP_L_PART || li.kind == CP_L_CHAPTER || li.kind == CP_L_LSECTION ||
                                    li.kind == CP_L_ARTICLE))
            hdr_b = t->start[i];
        if (i < body_from) {
            char iso[11];
            if (!have_date && cp_date_parse(s1, n1, iso)) {
                doc->nodes[root].date = gz_doc_str(doc, iso, 10);
                have_date = 1;
            }
            cp_body_line(&b, i, &(cp_line_info){.kind = CP_L_TEXT, .number = GZ_NONE});
            continue;
        }
        if (depth[i] && li.kind != CP_L_PART && li.kind != CP_L_CHAPTER && li.kind != CP_L_LSECTION &&
            li.kind != CP_L_ARTICLE) {
            cp_body_heading(&b, i, 0);
            continue;
        }
        cp_body_line(&b, i, &li);
    }
    gz_free(depth);
    if (doc->status != GZ_OK)
        return gz_error_set(err, doc->status, -1, "out of memory");
    /* the version date: the header's last act, or the date the file name
     * carries (公司法(2023-12-29).md) */
    if (hdr_b == (size_t)-1 || hdr_b > t->len)
        hdr_b = t->len;
    const char *base = doc->path ? strrchr(doc->path, '/') : NULL;
    base = base ? base + 1 : doc->path ? doc->path : "";
    uint32_t name_date = gz_law_name_date(base, strlen(base));
    doc->nodes[root].version_date =
        gz_law_version_date(t->text + hdr_a, hdr_b > hdr_a ? hdr_b - hdr_a : 0, name_date);
    return GZ_OK;
}
