/* tests/gen/fuzz_seeds.c: writes the first inputs of the readers' fuzz
 * targets (tests/fuzz/corpus/{pdf,html,docx}): small files of each kind
 * made from the seed's articles 44-46, with the features each reader
 * handles (running heads, a page end inside a word, a table; charset,
 * navigation, a list; Word numbering, a table). Run by hand:
 *   build/tests/gen_fuzz_seeds tests/fuzz/corpus
 * then scripts/fuzz.sh SECONDS "pdf html docx" grows and merges them. */
#include "gen/pdf_render.h"

#include <stdio.h>
#include <string.h>
#include <zip.h>

static int put(const char *dir, const char *name, const char *s, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(s, 1, n, f) != n) {
        perror(path);
        return 1;
    }
    return fclose(f) != 0;
}

static int docx(const char *path)
{
    static const char types[] = "<?xml version=\"1.0\"?><Types/>";
    static const char doc[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document "
        "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
        "<w:p><w:r><w:t>伊金霍洛旗属国有企业领导人员管理办法</w:t></w:r></w:p>"
        "<w:p><w:r><w:t xml:space=\"preserve\">第四十六条 旗属国有企业领导人员兼职应当严格管理：</w:t></w:r></w:p>"
        "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr><w:r><w:t>一般不得兼职；</w:t></w:r></w:p>"
        "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"1\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr><w:r><w:t>确需兼职的报批；</w:t>"
        "<w:tab/><w:t>另</w:t><w:br/><w:t>行</w:t></w:r><w:ins><w:r><w:t>插入</w:t></w:r></w:ins><w:del><w:r><w:delText>删除</w:delText></w:r></w:del></w:p>"
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>序号</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>姓名</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>郝永清</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        "<w:sectPr/></w:body></w:document>";
    static const char num[] =
        "<?xml version=\"1.0\"?><w:numbering xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
        "<w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/>"
        "<w:lvlText w:val=\"（%1）\"/></w:lvl><w:lvl w:ilvl=\"1\"><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.%2\"/></w:lvl>"
        "</w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>";
    int ze;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &ze);
    if (!z)
        return 1;
    const char *names[] = {"[Content_Types].xml", "word/document.xml", "word/numbering.xml"};
    const char *data[] = {types, doc, num};
    size_t lens[] = {sizeof types - 1, sizeof doc - 1, sizeof num - 1};
    for (int i = 0; i < 3; i++) {
        zip_source_t *s = zip_source_buffer(z, data[i], lens[i], 0);
        if (!s || zip_file_add(z, names[i], s, ZIP_FL_OVERWRITE) < 0)
            return 1;
    }
    return zip_close(z) != 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_fuzz_seeds DIR (writes DIR/pdf, DIR/html, DIR/docx seeds)\n");
        return 2;
    }
    char path[1024];
    th_pdf_opts o = {.head = "伊金霍洛旗人民政府公报 2023年第11-12期", .page_numbers = 1,
                     .break_line = "第四十四条", .break_after = "职工代"};
    /* few distinct characters: the embedded font subset stays small */
    static const char short_text[] = "第四十四条 职工代表大会、工会作用，职工代表大会作用，工会作用，职工代表大会。\n\n"
                                     "第四十五条 工会作用。\n\n序号\t项目\n1\t工会\n";
    snprintf(path, sizeof path, "%s/pdf/seed-articles.pdf", argv[1]);
    if (th_pdf_render(path, short_text, sizeof short_text - 1, &o, NULL) < 0)
        return 1;
    th_pdf_opts scan = {.scan = 1};
    snprintf(path, sizeof path, "%s/pdf/seed-scan.pdf", argv[1]);
    if (th_pdf_render(path, short_text, sizeof short_text - 1, &scan, NULL) < 0)
        return 1;
    static const char html[] =
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>管理办法_门户网站</title>"
        "<style>p{color:red}</style><script>var x=1;</script></head><body><nav><a>首页</a></nav>"
        "<!-- comment --><h1>伊金霍洛旗属国有企业领导人员管理办法</h1><p>第四十四条 旗属国有企业应当发挥职工代\n"
        "表大会、工会作用。</p><ol><li>（一）一般不得兼职；</li><li>（二）确需兼职的报批。</li></ol>"
        "<table><tr><th>序号</th><th>姓名</th></tr><tr><td>1</td><td>郝&nbsp;永清</td></tr></table>"
        "<pre>第四十五条\n  保留换行</pre><div role=\"navigation\">导航</div></body></html>\n";
    snprintf(path, sizeof path, "%s/docx/seed-numbered.docx", argv[1]);
    int bad = put(argv[1], "html/seed-page.html", html, sizeof html - 1) || docx(path);
    return bad;
}
