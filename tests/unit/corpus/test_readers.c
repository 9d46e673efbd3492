/* The readers of published formats, end to end: the seed bulletin written
 * as a PDF (cairo, Noto CJK), an HTML page and a Word file, each parsed into
 * the tree of the seed as text; scans, encrypted PDFs, .doc files and
 * damaged zips refused by name; the budget; the legacy encodings. */
#include "corpus/corpus.h"
#include "gen/pdf_render.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <iconv.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>

static char dir[] = "/tmp/gz-readers-XXXXXX";

static void mkdir_tmp(void) { cr_assert_not_null(mkdtemp(dir)); }

TestSuite(readers, .init = mkdir_tmp);

static const char *tmp_path(const char *name)
{
    static char path[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", dir, name);
    return path[k];
}

static const char *write_tmp(const char *name, const void *data, size_t len)
{
    const char *path = tmp_path(name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
    return path;
}

static gz_status parse(const char *path, gz_doc *doc, gz_error *err)
{
    gz_doc_init(doc);
    memset(err, 0, sizeof *err);
    return cp_parse_file(path, CP_FORMAT_AUTO, doc, err);
}

static void expect_refused(const char *path, const char *reason)
{
    gz_doc d;
    gz_error err;
    cr_assert_eq(parse(path, &d, &err), GZ_INVALID, "%s was not refused", path);
    cr_assert(strstr(err.msg, path), "message does not name the file: %s", err.msg);
    cr_assert(strstr(err.msg, reason), "message does not give the reason '%s': %s", reason, err.msg);
    gz_doc_fini(&d);
}

/* The seed's paragraphs, as a printer gets them (page breaks rejoined). */
static char *seed_paragraphs(size_t *len)
{
    size_t raw_len;
    char *raw = th_read(TH_SEED, &raw_len);
    cr_assert_not_null(raw);
    char *p = th_paragraphs(raw, raw_len, len);
    cr_assert_not_null(p);
    free(raw);
    return p;
}

/* The same tree: node for node the same kind, number, item count, title
 * and 文号 (offsets differ where a reader writes a space differently). */
static void expect_seed_tree(const gz_doc *b, const char *what)
{
    gz_doc a;
    gz_error err;
    cr_assert_eq(parse(TH_SEED, &a, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(b->n_nodes, a.n_nodes, "%s: %zu nodes, the text has %zu", what, b->n_nodes, a.n_nodes);
    for (size_t i = 0; i < a.n_nodes; i++) {
        const gz_node *x = &a.nodes[i], *y = &b->nodes[i];
        cr_assert_eq(y->kind, x->kind, "%s: node %zu is %s, the text's %s", what, i,
                     gz_kind_name(y->kind), gz_kind_name(x->kind));
        cr_assert_eq(y->number, x->number, "%s: node %zu", what, i);
        cr_assert_str_eq(gz_doc_get(b, y->title), gz_doc_get(&a, x->title), "%s: node %zu", what, i);
        cr_assert_str_eq(gz_doc_get(b, y->docno_raw), gz_doc_get(&a, x->docno_raw), "%s", what);
    }
    cr_assert_eq(th_count(b, 0, GZ_KIND_DOCUMENT), 5, "%s", what);
    cr_assert_eq(th_count(b, 0, GZ_KIND_ARTICLE), 76, "%s", what);
    int32_t a46 = th_find(b, 0, GZ_KIND_ARTICLE, 46);
    cr_assert_neq(a46, GZ_NONE);
    cr_assert_eq(th_children(b, a46, GZ_KIND_ITEM), 3, "%s", what);
    gz_doc_fini(&a);
}

/* ------------------------------------------------------------ PDF */

static const th_pdf_opts seed_opts = {
    .head = "伊金霍洛旗人民政府公报 2023年第11-12期",
    .page_numbers = 1,
    .break_line = "第四十四条",
    .break_after = "职工代",
};

static const char *render_seed(const char *name, const th_pdf_opts *o, int *break_page)
{
    size_t len;
    char *text = seed_paragraphs(&len);
    const char *path = tmp_path(name);
    int pages = th_pdf_render(path, text, len, o, break_page);
    cr_assert_gt(pages, 20, "the seed takes %d pages", pages);
    gz_free(text);
    return path;
}

Test(readers, pdf_seed_parses_into_the_text_tree)
{
    int brk;
    const char *path = render_seed("seed.pdf", &seed_opts, &brk);
    gz_doc d;
    gz_error err;
    cr_assert_eq(parse(path, &d, &err), GZ_OK, "%s", err.msg);
    expect_seed_tree(&d, "seed.pdf");
    gz_doc_fini(&d);
}

/* 职工代表大会 is cut by a page end (职工代 | 表大会): rejoined, found in
 * article 44, on the page where it begins; the article runs onto the next. */
Test(readers, pdf_keeps_the_page_of_every_unit)
{
    int brk;
    const char *path = render_seed("pages.pdf", &seed_opts, &brk);
    cr_assert_gt(brk, 1);
    gz_doc d;
    gz_error err;
    cr_assert_eq(parse(path, &d, &err), GZ_OK, "%s", err.msg);
    cr_assert_gt(d.n_pages, (uint32_t)brk);
    int32_t a44 = th_find(&d, 0, GZ_KIND_ARTICLE, 44);
    cr_assert_neq(a44, GZ_NONE);
    const gz_node *n = &d.nodes[a44];
    const char *hit = memmem(d.text + n->start, n->end - n->start, "职工代表大会", strlen("职工代表大会"));
    cr_assert_not_null(hit, "职工代表大会 not rejoined in article 44");
    cr_assert_eq(gz_doc_page(&d, (size_t)(hit - d.text)), (uint32_t)brk);
    cr_assert_eq(gz_doc_page(&d, n->start), (uint32_t)brk);
    cr_assert_eq(gz_doc_page(&d, n->end - 1), (uint32_t)brk + 1);
    /* the first article is on an early page, the last on a late one */
    cr_assert_lt(gz_doc_page(&d, d.nodes[th_find(&d, 0, GZ_KIND_ARTICLE, 1)].start), (uint32_t)brk);
    gz_buf json;
    gz_buf_init(&json);
    gz_doc_json(&d, &json);
    char want[64];
    snprintf(want, sizeof want, "\"page\":%d,\"page_end\":%d", brk, brk + 1);
    cr_assert_not_null(memmem(json.data, json.len, want, strlen(want)), "JSON lacks %s", want);
    gz_buf_fini(&json);
    gz_doc_fini(&d);
}

/* Parses path into d and the seed as text into t. */
static void parse_beside_seed(const char *path, gz_doc *d, gz_doc *t)
{
    gz_error err;
    cr_assert_eq(parse(path, d, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(parse(TH_SEED, t, &err), GZ_OK, "%s", err.msg);
}

/* How often s occurs in d's text. */
static size_t count_in(const gz_doc *d, const char *s)
{
    size_t n = 0;
    for (const char *p = d->text; (p = memmem(p, d->text_len - (size_t)(p - d->text), s, strlen(s))); p++)
        n++;
    return n;
}

/* The lines of s[0..len) that hold a tab, each with its own line. */
static void table_rows(const char *s, size_t len, gz_buf *out)
{
    for (const char *p = s, *end = s + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        nl = nl ? nl : end;
        if (memchr(p, '\t', (size_t)(nl - p))) {
            gz_buf_put(out, p, (size_t)(nl - p));
            gz_buf_putc(out, '\n');
        }
        p = nl + 1;
    }
    gz_buf_cstr(out);
}

/* A table set in columns keeps its empty cells: a cell's column is where
 * it starts, so each row of the seed's tables (an empty first cell, a
 * header cell over two columns) reads from the PDF as in the text, tab
 * for tab. */
Test(readers, pdf_table_in_columns_keeps_empty_cells)
{
    th_pdf_opts o = seed_opts;
    o.columns = 1;
    int brk;
    const char *path = render_seed("columns.pdf", &o, &brk);
    gz_doc d, t;
    parse_beside_seed(path, &d, &t);
    gz_buf a, b;
    gz_buf_init(&a);
    gz_buf_init(&b);
    table_rows(d.text, d.text_len, &a);
    table_rows(t.text, t.text_len, &b);
    cr_assert_not_null(strstr(b.data, "\n\tII\t525\t"), "the seed has no row with an empty first cell");
    size_t i = 0, row = 0; /* the first row that differs */
    for (; i < a.len && i < b.len && a.data[i] == b.data[i]; i++)
        row = a.data[i] == '\n' ? i + 1 : row;
    cr_assert(a.len == b.len && i == a.len, "the tables differ at:\n%.200s\nin the text:\n%.200s", a.data + row,
              b.data + row);
    expect_seed_tree(&d, "columns.pdf");
    gz_buf_fini(&a);
    gz_buf_fini(&b);
    gz_doc_fini(&d);
    gz_doc_fini(&t);
}

/* As a book is set: the bulletin's name heads even pages, its issue odd
 * ones, and the page numbers stand alone at the outer corners. */
static const th_pdf_opts book_opts = {
    .head = "伊金霍洛旗人民政府公报",
    .head_odd = "2023年第11-12期（总第45期）",
    .page_numbers = 1,
    .number_outside = 1,
};

/* Heads that alternate, the bulletin's name on even pages and its issue
 * on odd ones, and bare page numbers at the outer corners, as a printed
 * book sets them: none of it is text, and the tree is the text's. */
Test(readers, pdf_alternating_heads_and_corner_numbers_dropped)
{
    int brk;
    const char *path = render_seed("alternating.pdf", &book_opts, &brk);
    gz_doc d, t;
    parse_beside_seed(path, &d, &t);
    static const char *const heads[] = {"伊金霍洛旗人民政府公报", "第11-12期（总第45期）", "（总第45期）"};
    for (size_t i = 0; i < 3; i++)
        cr_assert_eq(count_in(&d, heads[i]), count_in(&t, heads[i]), "%s: %zu times in the PDF's text, %zu in the text's",
                     heads[i], count_in(&d, heads[i]), count_in(&t, heads[i]));
    /* a page number left in would stand as a line of its own */
    for (size_t i = 1; i < d.text_len; i++)
        if (d.text[i - 1] == '\n' && d.text[i] >= '1' && d.text[i] <= '9') {
            size_t k = i;
            while (k < d.text_len && d.text[k] >= '0' && d.text[k] <= '9')
                k++;
            cr_assert(k < d.text_len && d.text[k] != '\n', "a page number left: \"%.*s\"", (int)(k - i), d.text + i);
        }
    expect_seed_tree(&d, "alternating.pdf");
    gz_doc_fini(&d);
    gz_doc_fini(&t);
}

/* The same heads on issues of an odd and an even number of pages (the
 * seed cut short): with an even number, the odd pages' head stands on one
 * page fewer than half (page 1 has none) and is still dropped. */
Test(readers, pdf_alternating_heads_dropped_at_either_page_count)
{
    size_t len;
    char *text = seed_paragraphs(&len);
    int seen[2] = {0, 0};
    size_t cut = len / 2;
    for (int k = 0; k < 8 && !(seen[0] && seen[1]); k++) {
        while (cut < len && text[cut] != '\n')
            cut++;
        const char *path = tmp_path("cut.pdf");
        int pages = th_pdf_render(path, text, cut, &book_opts, NULL);
        cr_assert_gt(pages, 8);
        gz_doc d;
        gz_error err;
        cr_assert_eq(parse(path, &d, &err), GZ_OK, "%s", err.msg);
        cr_assert_eq(count_in(&d, "（总第45期）"), 0, "the odd pages' head left in %d pages", pages);
        gz_doc_fini(&d);
        seen[pages % 2] = 1;
        cut += len / (size_t)pages / 2; /* half a page more */
    }
    cr_assert(seen[0] && seen[1], "no %s number of pages tried", seen[0] ? "odd" : "even");
    gz_free(text);
}

/* The running head and the page numbers of 30-odd pages are not text. */
Test(readers, pdf_running_heads_and_page_numbers_dropped)
{
    int brk;
    const char *path = render_seed("heads.pdf", &seed_opts, &brk);
    gz_doc d, t;
    parse_beside_seed(path, &d, &t);
    cr_assert_null(memmem(d.text, d.text_len, "— 3 —", strlen("— 3 —")));
    cr_assert_null(memmem(d.text, d.text_len, "— 12 —", strlen("— 12 —")));
    const char *name = "伊金霍洛旗人民政府公报";
    size_t in_pdf = count_in(&d, name), in_text = count_in(&t, name);
    cr_assert_eq(in_pdf, in_text, "the bulletin's name: %zu times in the PDF's text, %zu in the text's",
                 in_pdf, in_text);
    gz_doc_fini(&d);
    gz_doc_fini(&t);
}

Test(readers, pdf_scan_refused)
{
    th_pdf_opts o = {.scan = 1};
    size_t len;
    char *text = seed_paragraphs(&len);
    const char *path = tmp_path("scan.pdf");
    cr_assert_eq(th_pdf_render(path, text, len, &o, NULL), 1);
    gz_free(text);
    expect_refused(path, "no text layer (scanned)");
}

/* A one-page PDF is paged too: page 1, no form feed needed to say so. */
Test(readers, pdf_of_one_page_has_page_one)
{
    static const char text[] = "第一条 为了规范电子签名行为，制定本法。\n\n第二条 本法所称电子签名。\n";
    const char *path = tmp_path("one.pdf");
    cr_assert_eq(th_pdf_render(path, text, sizeof text - 1, NULL, NULL), 1);
    gz_doc d;
    gz_error err;
    cr_assert_eq(parse(path, &d, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(d.n_pages, 1);
    cr_assert_eq(gz_doc_page(&d, d.text_len - 1), 1);
    gz_doc_fini(&d);
}

Test(readers, pdf_encrypted_refused)
{
    int brk;
    const char *path = render_seed("plain.pdf", &seed_opts, &brk);
    const char *locked = tmp_path("locked.pdf");
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "qpdf --encrypt secret owner 256 -- '%s' '%s'", path, locked);
    cr_assert_eq(system(cmd), 0, "qpdf failed (scripts/install-deps.sh --test installs it)");
    expect_refused(locked, "encrypted");
}

Test(readers, pdf_damaged_refused_with_the_library_reason)
{
    const char junk[] = "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer\n";
    expect_refused(write_tmp("damaged.pdf", junk, sizeof junk - 1), "damaged PDF: ");
    expect_refused(write_tmp("empty.pdf", "%PDF-", 5), "damaged PDF");
}

Test(readers, pdf_over_its_time_budget_refused)
{
    int brk;
    const char *path = render_seed("slow.pdf", &seed_opts, &brk);
    cp_budget_set(0.001, 0);
    expect_refused(path, "took longer than 0.001 s");
    cp_budget_set(0, 0);
    gz_doc d;
    gz_error err;
    cr_assert_eq(parse(path, &d, &err), GZ_OK, "%s", err.msg);
    gz_doc_fini(&d);
}

/* Form feeds are the page ends, and only they rejoin a paragraph (a blank
 * line inside a page is a paragraph break): one inside a line always
 * (the PDF reader's sure continuation), one after a line feed by the
 * page-break rule (pdftotext's output). */
Test(readers, form_feeds_are_the_only_page_ends)
{
    const char text[] = "第一条 为了规范\n\n个人独资企业的行为，\f保护投资人的合法权益。\n\f第二条 本法所称个人独资企业。\n";
    gz_doc d;
    gz_doc_init(&d);
    gz_error err;
    cr_assert_eq(cp_parse_text("a.txt", text, sizeof text - 1, CP_FORMAT_GAZETTE, &d, &err), GZ_OK);
    cr_assert_not_null(memmem(d.text, d.text_len, "行为，保护", strlen("行为，保护")));
    cr_assert_null(memmem(d.text, d.text_len, "规范个人", strlen("规范个人")));
    cr_assert_eq(d.n_pages, 3);
    static const struct { const char *at; uint32_t page; } want[] = {
        {"第一条", 1}, {"个人独资企业的行为", 1}, {"保护投资人", 2}, {"第二条", 3}};
    for (size_t i = 0; i < 4; i++) {
        const char *p = memmem(d.text, d.text_len, want[i].at, strlen(want[i].at));
        cr_assert_not_null(p, "%s", want[i].at);
        cr_assert_eq(gz_doc_page(&d, (size_t)(p - d.text)), want[i].page, "%s", want[i].at);
    }
    gz_doc_fini(&d);
}

/* ------------------------------------------------------------ HTML */

/* The seed as a web page: each paragraph a <p>, lines of a block split by
 * <br>, table rows as <tr>, with a menu, a script, a style and comments
 * around. */
static char *seed_html(const char *charset_meta, size_t *out_len)
{
    size_t len;
    char *text = seed_paragraphs(&len);
    gz_buf b;
    gz_buf_init(&b);
    gz_buf_printf(&b, "<!DOCTYPE html>\n<html><head>%s<title>伊金霍洛旗人民政府公报_门户网站</title>\n"
                      "<style>p { color:red }</style><script>var script_only = 1;</script></head>\n"
                      "<body><nav><a href=\"/\">首页</a><a>政务公开</a></nav>\n"
                      "<div role=\"navigation\">网站导航</div><!-- 注释：不是正文 -->\n",
                  charset_meta);
    int in_p = 0, in_table = 0;
    for (const char *s = text, *end = text + len; s < end;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = (size_t)((nl ? nl : end) - s);
        int blank = n == 0, row = n && memchr(s, '\t', n) != NULL;
        if (blank || row || in_table) {
            if (in_p)
                gz_buf_puts(&b, "</p>\n");
            in_p = 0;
        }
        if (in_table && !row) {
            gz_buf_puts(&b, "</table>\n");
            in_table = 0;
        }
        if (row) {
            if (!in_table)
                gz_buf_puts(&b, "<table>");
            in_table = 1;
            gz_buf_puts(&b, "<tr><td>");
            for (const char *c = s; c < s + n; c++) {
                if (*c == '\t')
                    gz_buf_puts(&b, "</td><td>");
                else
                    gz_buf_putc(&b, *c);
            }
            gz_buf_puts(&b, "</td></tr>\n");
        } else if (!blank) {
            gz_buf_puts(&b, in_p ? "<br>\n" : "<p>");
            in_p = 1;
            for (const char *c = s; c < s + n; c++) {
                if (*c == '<')
                    gz_buf_puts(&b, "&lt;");
                else if (*c == '&')
                    gz_buf_puts(&b, "&amp;");
                else
                    gz_buf_putc(&b, *c);
            }
        }
        s = nl ? nl + 1 : end;
    }
    gz_buf_puts(&b, in_p ? "</p>" : "");
    gz_buf_puts(&b, in_table ? "</table>" : "");
    gz_buf_puts(&b, "\n<script>document.write('尾部脚本')</script></body></html>\n");
    gz_free(text);
    return gz_buf_take(&b, out_len);
}

Test(readers, html_seed_parses_into_the_text_tree)
{
    size_t len;
    char *html = seed_html("<meta charset=\"utf-8\">", &len);
    const char *path = write_tmp("seed.html", html, len);
    gz_doc d;
    gz_error err;
    cr_assert_eq(parse(path, &d, &err), GZ_OK, "%s", err.msg);
    expect_seed_tree(&d, "seed.html");
    static const char *const absent[] = {"color", "script_only", "首页", "网站导航", "注释", "尾部脚本", "<p>"};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        cr_assert_null(memmem(d.text, d.text_len, absent[i], strlen(absent[i])), "%s is text", absent[i]);
    gz_doc_fini(&d);
    gz_free(html);
}

/* Converts with glibc's iconv, independent of the ICU path under test. */
static char *convert(const char *to, const char *from, const char *s, size_t len, size_t *out_len)
{
    iconv_t cd = iconv_open(to, from);
    cr_assert_neq(cd, (iconv_t)-1);
    size_t cap = len * 4 + 16, left = cap;
    char *out = malloc(cap), *o = out, *in = (char *)s;
    size_t in_left = len;
    cr_assert_neq(iconv(cd, &in, &in_left, &o, &left), (size_t)-1, "iconv %s -> %s failed", from, to);
    iconv_close(cd);
    *out_len = cap - left;
    return out;
}

/* A page in GBK saying so (the seed less its Mongolian line, which GBK
 * lacks), and one in Big5 saying so. */
Test(readers, html_declared_charset_decoded)
{
    static const char page[] = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=%s\">"
                               "<title>%s</title></head><body><p>%s</p></body></html>";
    static const struct { const char *cs, *title, *body; } c[] = {
        {"gbk", "关于印发管理办法的通知", "第一条 为坚持和加强党对国有企业的全面领导，制定本办法。"},
        {"big5", "關於印發管理辦法的通知", "第一條 為堅持和加強黨對國有企業的全面領導，制定本辦法。"},
    };
    for (size_t i = 0; i < 2; i++) {
        char utf8[1024];
        int n = snprintf(utf8, sizeof utf8, page, c[i].cs, c[i].title, c[i].body);
        size_t len;
        char *bytes = convert(c[i].cs, "UTF-8", utf8, (size_t)n, &len);
        char name[32];
        snprintf(name, sizeof name, "page-%s.html", c[i].cs);
        const char *path = write_tmp(name, bytes, len);
        gz_doc d;
        gz_error err;
        cr_assert_eq(parse(path, &d, &err), GZ_OK, "%s: %s", c[i].cs, err.msg);
        cr_assert_str_eq(gz_doc_get(&d, d.nodes[0].title), c[i].title, "%s: the title from <title>", c[i].cs);
        cr_assert_not_null(memmem(d.text, d.text_len, c[i].body, strlen(c[i].body)), "%s", c[i].cs);
        gz_doc_fini(&d);
        free(bytes);
    }
}

/* ------------------------------------------------------------ DOCX */

static void add_part(zip_t *z, const char *name, const char *data, size_t len)
{
    zip_source_t *s = zip_source_buffer(z, data, len, 0);
    cr_assert_not_null(s);
    cr_assert_geq(zip_file_add(z, name, s, ZIP_FL_OVERWRITE), 0, "%s", zip_strerror(z));
}

static void xml_text(gz_buf *b, const char *s, size_t n)
{
    for (const char *c = s; c < s + n; c++) {
        if (*c == '<')
            gz_buf_puts(b, "&lt;");
        else if (*c == '&')
            gz_buf_puts(b, "&amp;");
        else
            gz_buf_putc(b, *c);
    }
}

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""

/* Writes a .docx whose body is body (WordprocessingML paragraphs). */
static const char *write_docx(const char *name, const char *body, const char *numbering)
{
    const char *path = tmp_path(name);
    unlink(path);
    int ze;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &ze);
    cr_assert_not_null(z);
    static const char types[] = "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>";
    add_part(z, "[Content_Types].xml", types, sizeof types - 1);
    gz_buf doc;
    gz_buf_init(&doc);
    gz_buf_printf(&doc, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document " W_NS "><w:body>%s<w:sectPr/></w:body></w:document>", body);
    add_part(z, "word/document.xml", doc.data, doc.len);
    gz_buf num;
    gz_buf_init(&num);
    if (numbering) {
        gz_buf_printf(&num, "<?xml version=\"1.0\"?><w:numbering " W_NS ">%s</w:numbering>", numbering);
        add_part(z, "word/numbering.xml", num.data, num.len);
    }
    cr_assert_eq(zip_close(z), 0);
    gz_buf_fini(&doc);
    gz_buf_fini(&num);
    return path;
}

/* The seed as a Word file: paragraphs, the lines of a block as line
 * breaks in one paragraph, table rows as a table. */
static const char *seed_docx(const char *name)
{
    size_t len;
    char *text = seed_paragraphs(&len);
    gz_buf b;
    gz_buf_init(&b);
    int in_p = 0, in_table = 0;
    for (const char *s = text, *end = text + len; s < end;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = (size_t)((nl ? nl : end) - s);
        int blank = n == 0, row = n && memchr(s, '\t', n) != NULL;
        if ((blank || row || in_table) && in_p) {
            gz_buf_puts(&b, "</w:t></w:r></w:p>");
            in_p = 0;
        }
        if (in_table && !row) {
            gz_buf_puts(&b, "</w:tbl>");
            in_table = 0;
        }
        if (row) {
            gz_buf_puts(&b, in_table ? "<w:tr><w:tc><w:p><w:r><w:t>" : "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>");
            in_table = 1;
            for (const char *c = s, *e = s + n; c <= e; c++) {
                const char *t = memchr(c, '\t', (size_t)(e - c));
                if (!t)
                    t = e;
                xml_text(&b, c, (size_t)(t - c));
                gz_buf_puts(&b, t < e ? "</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>" : "</w:t></w:r></w:p></w:tc></w:tr>");
                c = t;
            }
        } else if (!blank) {
            /* lines of one block: one paragraph with line breaks, as Word
             * keeps a signature or a list of names */
            gz_buf_puts(&b, in_p ? "</w:t><w:br/><w:t xml:space=\"preserve\">" : "<w:p><w:r><w:t xml:space=\"preserve\">");
            in_p = 1;
            xml_text(&b, s, n);
        }
        s = nl ? nl + 1 : end;
    }
    gz_buf_puts(&b, in_p ? "</w:t></w:r></w:p>" : "");
    gz_buf_puts(&b, in_table ? "</w:tbl>" : "");
    gz_buf_cstr(&b);
    const char *path = write_docx(name, b.data, NULL);
    gz_buf_fini(&b);
    gz_free(text);
    return path;
}

Test(readers, docx_seed_parses_into_the_text_tree)
{
    const char *path = seed_docx("seed.docx");
    gz_doc d;
    gz_error err;
    cr_assert_eq(parse(path, &d, &err), GZ_OK, "%s", err.msg);
    expect_seed_tree(&d, "seed.docx");
    gz_doc_fini(&d);
}

/* Word's automatic numbers are text: 一、 （一） （二） 二、 as printed. */
Test(readers, docx_numbering_written_out)
{
    static const char num[] =
        "<w:abstractNum w:abstractNumId=\"3\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/>"
        "<w:lvlText w:val=\"%1、\"/></w:lvl><w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/>"
        "<w:lvlText w:val=\"（%2）\"/></w:lvl><w:lvl w:ilvl=\"2\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/>"
        "<w:lvlText w:val=\"%3.\"/></w:lvl></w:abstractNum><w:num w:numId=\"7\"><w:abstractNumId w:val=\"3\"/></w:num>";
#define NP(l, t) "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"" #l "\"/><w:numId w:val=\"7\"/></w:numPr></w:pPr><w:r><w:t>" t "</w:t></w:r></w:p>"
    static const char body[] = "<w:p><w:r><w:t>伊金霍洛旗文化产业赋能乡村振兴试点实施方案</w:t></w:r></w:p>"
        NP(0, "总体要求") NP(1, "指导思想") NP(2, "坚持党的领导。") NP(2, "坚持群众主体。") NP(1, "工作目标")
        NP(0, "重点任务") NP(1, "培育文化产业。");
    const char *path = write_docx("numbered.docx", body, num);
    gz_doc d;
    gz_error err;
    cr_assert_eq(parse(path, &d, &err), GZ_OK, "%s", err.msg);
    static const char *const want[] = {"一、总体要求", "（一）指导思想", "1.坚持党的领导。", "2.坚持群众主体。",
                                       "（二）工作目标", "二、重点任务", "（一）培育文化产业。"};
    const char *p = d.text;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *at = memmem(p, d.text_len - (size_t)(p - d.text), want[i], strlen(want[i]));
        cr_assert_not_null(at, "%s not found in order in:\n%s", want[i], d.text);
        p = at + strlen(want[i]);
    }
    gz_doc_fini(&d);
}

Test(readers, docx_damaged_zip_and_doc_refused_by_name)
{
    const char *path = write_docx("whole.docx", "<w:p><w:r><w:t>第一条 正文。</w:t></w:r></w:p>", NULL);
    size_t len;
    char *bytes = th_read(path, &len);
    cr_assert_not_null(bytes);
    expect_refused(write_tmp("cut.docx", bytes, len / 2), "damaged zip");
    free(bytes);
    expect_refused(write_tmp("notzip.docx", "PK\x03\x04 not really", 16), "damaged zip");
    static const char ole[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0";
    expect_refused(write_tmp("old.doc", ole, sizeof ole - 1), "Word 97-2003 not supported; save as .docx");
    expect_refused(write_tmp("renamed.txt", ole, sizeof ole - 1), "Word 97-2003 not supported");
}

/* A Word file whose text inflates to 64 MB, read with 16 MB to spare: the
 * reader's child runs out and the file is refused, the caller unharmed. */
Test(readers, docx_over_its_memory_budget_refused)
{
#if defined(__SANITIZE_ADDRESS__)
    cr_skip_test("the address-space limit is not set under AddressSanitizer");
#endif
    static const char para[] = "<w:p><w:r><w:t>第四十四条 职工代表大会</w:t></w:r></w:p>";
    gz_buf body;
    gz_buf_init(&body);
    while (body.len < (64u << 20))
        gz_buf_put(&body, para, sizeof para - 1);
    gz_buf_cstr(&body);
    const char *path = write_docx("big.docx", body.data, NULL);
    gz_buf_fini(&body);
    cp_budget_set(60, 16);
    expect_refused(path, "needed more than 16 MB");
    cp_budget_set(0, 0);
}

/* ------------------------------------------------------------ encodings */

static void expect_same_text(const char *name, const char *bytes, size_t len, const char *utf8,
                             size_t utf8_len, const char *encoding)
{
    char *out;
    size_t out_len;
    const char *enc = NULL;
    gz_error err = {0};
    cr_assert_eq(cp_decode(bytes, len, &out, &out_len, &enc, &err), GZ_OK, "%s: %s", name, err.msg);
    cr_assert_str_eq(enc, encoding, "%s read as %s", name, enc);
    cr_assert_eq(out_len, utf8_len, "%s: %zu bytes decoded, want %zu", name, out_len, utf8_len);
    cr_assert_eq(memcmp(out, utf8, utf8_len), 0, "%s: decoded text differs", name);
    gz_free(out);
    /* and the file parses like the UTF-8 text */
    gz_doc a, b;
    gz_doc_init(&a);
    gz_error e2;
    cr_assert_eq(cp_parse_text(name, utf8, utf8_len, CP_FORMAT_AUTO, &a, &e2), GZ_OK);
    cr_assert_eq(parse(write_tmp(name, bytes, len), &b, &err), GZ_OK, "%s: %s", name, err.msg);
    cr_assert_eq(a.n_nodes, b.n_nodes, "%s", name);
    cr_assert_eq(a.text_len, b.text_len, "%s", name);
    gz_doc_fini(&a);
    gz_doc_fini(&b);
}

static void expect_encoding(const char *name, const char *iconv_name, const char *utf8, size_t len,
                            const char *encoding)
{
    size_t n;
    char *bytes = convert(iconv_name, "UTF-8", utf8, len, &n);
    expect_same_text(name, bytes, n, utf8, len, encoding);
    free(bytes);
}

#define LAW GZ_SAMPLE_DIR "/laws/电子签名法(2019-04-23).md"

Test(readers, utf8_read_as_utf8)
{
    size_t len;
    char *law = th_read(LAW, &len);
    expect_same_text("law-utf8.md", law, len, law, len, "UTF-8");
    free(law);
}

Test(readers, utf16_without_bom_read_in_its_byte_order)
{
    size_t len;
    char *seed = th_read(TH_SEED, &len);
    expect_encoding("seed-le.txt", "UTF-16LE", seed, len, "UTF-16LE");
    expect_encoding("seed-be.txt", "UTF-16BE", seed, len, "UTF-16BE");
    free(seed);
}

Test(readers, gbk_and_gb18030_read_as_gb18030)
{
    size_t len;
    char *law = th_read(LAW, &len);
    expect_encoding("law-gbk.md", "GBK", law, len, "GB18030");
    expect_encoding("law-gb18030.md", "GB18030", law, len, "GB18030");
    free(law);
}

/* Traditional text (a law's articles in traditional characters), as Taiwan
 * and Hong Kong publish it: Big5 read as Big5, never as GB18030 mojibake;
 * Cantonese characters only HKSCS has read as Big5-HKSCS. */
static const char trad[] =
    "第一條 為了規範電子簽名行為，確立電子簽名的法律效力，維護有關各方的合法權益，制定本法。\n\n"
    "第二條 本法所稱電子簽名，是指數據電文中以電子形式所含、所附用於識別簽名人身份並表明簽名人認可其中內容的數據。\n\n"
    "第三條 民事活動中的合同或者其他文件、單證等文書，當事人可以約定使用或者不使用電子簽名、數據電文。\n";

Test(readers, big5_read_as_big5)
{
    expect_encoding("trad-big5.txt", "BIG5", trad, sizeof trad - 1, "Big5");
}

Test(readers, big5_hkscs_read_as_hkscs)
{
    gz_buf b;
    gz_buf_init(&b);
    gz_buf_puts(&b, trad);
    gz_buf_puts(&b, "\n第四條 佢哋喺度講嘅嘢，唔使理。\n");
    expect_encoding("hk.txt", "BIG5-HKSCS", b.data, b.len, "Big5-HKSCS");
    gz_buf_fini(&b);
}

/* Japanese in Shift_JIS is valid GB18030 bytes, but not Chinese: refused,
 * naming the encodings tried. */
Test(readers, implausible_text_refused_naming_the_encodings_tried)
{
    static const char jp[] = "これは日本語の文書です。ひらがなとカタカナで書かれています。\n"
                             "ソースコードはありません。テキストファイルのテストです。\n";
    size_t n;
    char *bytes = convert("SHIFT_JIS", "UTF-8", jp, sizeof jp - 1, &n);
    const char *path = write_tmp("jp.txt", bytes, n);
    expect_refused(path, "implausible text");
    expect_refused(path, "GB18030");
    expect_refused(path, "Big5");
    free(bytes);
}

/* ------------------------------------------------------------ end to end */

static void copy_file(const char *from, const char *to)
{
    size_t len;
    char *data = th_read(from, &len);
    cr_assert_not_null(data, "%s", from);
    FILE *f = fopen(to, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
    free(data);
}

static char *run_gazette(const char *args, int *status)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s/gazette %s 2>&1", GZ_BUILD_DIR, args);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    gz_buf out;
    gz_buf_init(&out);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        gz_buf_put(&out, chunk, n);
    int st = pclose(p);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    gz_buf_cstr(&out);
    size_t len;
    return gz_buf_take(&out, &len);
}

/* The "done when": gazette index on a folder of .txt, .md, .pdf,
 * .html, .docx and a Big5 file indexes them all and refuses a scan, an
 * encrypted PDF, a .doc and a damaged zip by name, exit 1; the seed is
 * found in each of its four forms. */
Test(readers, gazette_index_reads_a_mixed_folder)
{
    char src[600], ix[600], args[1400];
    snprintf(src, sizeof src, "%s/mixed", dir);
    snprintf(ix, sizeof ix, "%s/ix", dir);
    cr_assert_eq(mkdir(src, 0755), 0);
    char p[700];
    snprintf(p, sizeof p, "%s/seed.txt", src);
    copy_file(TH_SEED, p);
    snprintf(p, sizeof p, "%s/law.md", src);
    copy_file(LAW, p);
    int brk;
    snprintf(p, sizeof p, "%s/seed.pdf", src);
    copy_file(render_seed("mixed-seed.pdf", &seed_opts, &brk), p);
    size_t len;
    char *html = seed_html("<meta charset=\"utf-8\">", &len);
    snprintf(p, sizeof p, "%s/seed.html", src);
    FILE *f = fopen(p, "wb");
    cr_assert_eq(fwrite(html, 1, len, f), len);
    fclose(f);
    gz_free(html);
    snprintf(p, sizeof p, "%s/seed.docx", src);
    copy_file(seed_docx("mixed-seed.docx"), p);
    char *big5 = convert("BIG5", "UTF-8", trad, sizeof trad - 1, &len);
    snprintf(p, sizeof p, "%s/traditional.txt", src);
    f = fopen(p, "wb");
    cr_assert_eq(fwrite(big5, 1, len, f), len);
    fclose(f);
    free(big5);
    /* the four to refuse */
    th_pdf_opts scan = {.scan = 1};
    snprintf(p, sizeof p, "%s/scan.pdf", src);
    cr_assert_eq(th_pdf_render(p, "第一条 扫描件。", strlen("第一条 扫描件。"), &scan, NULL), 1);
    char cmd[2000];
    snprintf(cmd, sizeof cmd, "qpdf --encrypt secret owner 256 -- '%s/seed.pdf' '%s/locked.pdf'", src, src);
    cr_assert_eq(system(cmd), 0);
    static const char ole[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0";
    snprintf(p, sizeof p, "%s/old.doc", src);
    copy_file(write_tmp("mixed-old.doc", ole, sizeof ole - 1), p);
    char *docx = th_read(seed_docx("mixed-cut.docx"), &len);
    snprintf(p, sizeof p, "%s/cut.docx", src);
    f = fopen(p, "wb");
    cr_assert_eq(fwrite(docx, 1, len / 3, f), len / 3);
    fclose(f);
    free(docx);

    int status;
    snprintf(args, sizeof args, "index --index '%s' '%s'", ix, src);
    char *out = run_gazette(args, &status);
    cr_assert_eq(status, 1, "exit %d:\n%s", status, out);
    cr_assert(strstr(out, "10 files: 6 indexed, 0 unchanged, 4 refused"), "%s", out);
    static const char *const refused[][2] = {{"scan.pdf", "no text layer (scanned)"},
                                            {"locked.pdf", "encrypted"},
                                            {"old.doc", "Word 97-2003 not supported; save as .docx"},
                                            {"cut.docx", "damaged zip"}};
    for (size_t i = 0; i < 4; i++) {
        char want[1200];
        snprintf(want, sizeof want, "%s/%s: %s", src, refused[i][0], refused[i][1]);
        cr_assert(strstr(out, want), "no \"%s\" in:\n%s", want, out);
    }
    gz_free(out);
    snprintf(args, sizeof args, "search --index '%s' --json -n 20 职工代表大会", ix);
    out = run_gazette(args, &status);
    cr_assert_eq(status, 0, "%s", out);
    static const char *const found[] = {"\"seed.txt\"", "\"seed.pdf\"", "\"seed.html\"", "\"seed.docx\""};
    for (size_t i = 0; i < 4; i++)
        cr_assert(strstr(out, found[i]), "职工代表大会 not found in %s:\n%.2000s", found[i], out);
    gz_free(out);
    snprintf(args, sizeof args, "search --index '%s' --json 電子簽名", ix);
    out = run_gazette(args, &status);
    cr_assert(strstr(out, "\"traditional.txt\""), "the Big5 file not found:\n%.2000s", out);
    gz_free(out);
}

/* The page of a unit goes from the PDF through the index to the answer:
 * a hit in seed.pdf's article 44 (cut by the render's page break after
 * 职工代) carries "page" and "page_end" as the render paginated, the CLI
 * shows 第N-M页; a hit in the text has no page. */
Test(readers, search_answers_the_page_of_a_pdf_unit)
{
    char src[600], ix[600], args[1400], p[700];
    snprintf(src, sizeof src, "%s/paged", dir);
    snprintf(ix, sizeof ix, "%s/paged-ix", dir);
    cr_assert_eq(mkdir(src, 0755), 0);
    snprintf(p, sizeof p, "%s/seed.txt", src);
    copy_file(TH_SEED, p);
    int brk;
    snprintf(p, sizeof p, "%s/seed.pdf", src);
    copy_file(render_seed("paged-seed.pdf", &seed_opts, &brk), p);
    cr_assert_gt(brk, 1);
    int status;
    snprintf(args, sizeof args, "index --index '%s' '%s'", ix, src);
    char *out = run_gazette(args, &status);
    cr_assert_eq(status, 0, "exit %d:\n%s", status, out);
    gz_free(out);

    snprintf(args, sizeof args, "search --index '%s' --json -n 50 职工代表大会", ix);
    out = run_gazette(args, &status);
    cr_assert_eq(status, 0, "%s", out);
    json_object *root = json_tokener_parse(out), *hits;
    cr_assert(root && json_object_object_get_ex(root, "hits", &hits), "not an answer:\n%.2000s", out);
    size_t in_pdf = 0, in_text = 0, a44 = 0;
    for (size_t i = 0; i < json_object_array_length(hits); i++) {
        json_object *h = json_object_array_get_idx(hits, i), *src_o, *unit, *page, *page_end;
        cr_assert(json_object_object_get_ex(h, "source", &src_o) && json_object_object_get_ex(h, "unit", &unit));
        const char *source = json_object_get_string(src_o);
        int paged = json_object_object_get_ex(unit, "page", &page);
        cr_assert_eq(paged, json_object_object_get_ex(unit, "page_end", &page_end));
        if (strcmp(source, "seed.txt") == 0) {
            cr_assert(!paged, "a unit of the text has a page: %s", json_object_to_json_string(unit));
            in_text++;
            continue;
        }
        cr_assert_str_eq(source, "seed.pdf");
        cr_assert(paged, "a unit of the PDF has no page: %s", json_object_to_json_string(unit));
        int a = json_object_get_int(page), b = json_object_get_int(page_end);
        cr_assert(a >= 1 && a <= b, "pages %d-%d", a, b);
        in_pdf++;
        json_object *label;
        cr_assert(json_object_object_get_ex(unit, "label", &label));
        if (strcmp(json_object_get_string(label), "第四十四条") == 0) {
            cr_assert_eq(a, brk, "article 44 starts on page %d, the render broke it on %d", a, brk);
            cr_assert_eq(b, brk + 1, "article 44 ends on page %d, not %d", b, brk + 1);
            a44++;
        }
    }
    cr_assert(in_text > 0 && in_pdf == in_text, "%zu hits in the PDF, %zu in the text", in_pdf, in_text);
    cr_assert_eq(a44, 1, "职工代表大会 not found in the PDF's article 44:\n%.3000s", out);
    json_object_put(root);
    gz_free(out);

    snprintf(args, sizeof args, "search --index '%s' -n 50 职工代表大会", ix);
    out = run_gazette(args, &status);
    cr_assert_eq(status, 0, "%s", out);
    char want[64];
    snprintf(want, sizeof want, "seed.pdf  第%d-%d页  ", brk, brk + 1);
    cr_assert(strstr(out, want), "no \"%s\" in:\n%.3000s", want, out);
    gz_free(out);
}
