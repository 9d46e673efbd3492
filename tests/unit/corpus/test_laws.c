/* Laws in Markdown: per file, the articles found equal the lines that begin
 * with 第…条 (counted here by an independent scanner). The sample in the
 * project always runs; the whole corpus runs when it is present. */
#include "corpus/corpus.h"
#include "helpers.h"

#include <criterion/criterion.h>

/* Is cp one of the characters a 第…条 numeral is written with? */
static int numeral_char(const char *p, size_t *len)
{
    static const char *const cn[] = {"零", "〇", "一", "二", "三", "四", "五", "六", "七",
                                     "八", "九", "十", "百", "千", "两"};
    if (*p >= '0' && *p <= '9')
        return (*len = 1);
    if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBC && (unsigned char)p[2] >= 0x90 &&
        (unsigned char)p[2] <= 0x99)
        return (*len = 3); /* ０-９ */
    for (size_t i = 0; i < sizeof cn / sizeof cn[0]; i++)
        if (strncmp(p, cn[i], 3) == 0)
            return (*len = 3);
    return 0;
}

/* Counts the lines of the body (after <!-- INFO END --> where the file has
 * one: the header above it holds promulgation notes, and one of them,
 * 文物保护法's, wraps onto a line that starts 第三十一条的决定》). */
static size_t count_article_lines(const char *s, size_t len)
{
    size_t count = 0;
    const char *p = s, *end = s + len;
    const char *info = memmem(s, len, "<!-- INFO END -->", 17);
    if (info)
        p = info;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end, *q = p;
        for (;;) {
            if (q < e && (*q == ' ' || *q == '\t' || *q == '\r'))
                q++;
            else if (e - q >= 3 && memcmp(q, "\xE3\x80\x80", 3) == 0)
                q += 3;
            else
                break;
        }
        if (e - q >= 9 && memcmp(q, "第", 3) == 0) {
            size_t n = 0, k = 0;
            q += 3;
            while (q < e && numeral_char(q, &n))
                q += n, k++;
            if (k && e - q >= 3 && memcmp(q, "条", 3) == 0)
                count++;
        }
        p = e + 1;
    }
    return count;
}

/* Parses path and compares its article count; returns 0 and reports on mismatch. */
static int check_file(const char *path, size_t *n_articles)
{
    size_t len = 0;
    char *raw = th_read(path, &len);
    cr_assert_not_null(raw, "cannot read %s", path);
    gz_doc d;
    gz_doc_init(&d);
    gz_error err = {0};
    gz_status st = cp_parse_file(path, CP_FORMAT_AUTO, &d, &err);
    cr_expect_eq(st, GZ_OK, "%s", err.msg);
    int ok = st == GZ_OK;
    if (ok) {
        size_t want = count_article_lines(raw, len), got = th_count(&d, 0, GZ_KIND_ARTICLE);
        cr_expect_eq(got, want, "%s: %zu articles parsed, %zu lines start with 第…条", path, got, want);
        ok = got == want;
        *n_articles += got;
    }
    gz_doc_fini(&d);
    free(raw);
    return ok;
}

Test(laws, sample_articles_match_line_count)
{
    char **files;
    size_t n, total = 0;
    gz_error err;
    cr_assert_eq(cp_list_files(GZ_SAMPLE_DIR "/laws", &files, &n, &err), GZ_OK);
    cr_assert_geq(n, 5);
    for (size_t i = 0; i < n; i++)
        check_file(files[i], &total);
    cr_assert_gt(total, 500);
    cp_paths_free(files, n);
}

Test(laws, article_with_zhi_is_distinct)
{
    gz_doc d;
    gz_doc_init(&d);
    gz_error err;
    cr_assert_eq(cp_parse_file(GZ_SAMPLE_DIR "/laws/刑法.md", CP_FORMAT_AUTO, &d, &err), GZ_OK);
    int32_t plain = GZ_NONE, zhi = GZ_NONE;
    for (size_t i = 0; i < d.n_nodes; i++)
        if (d.nodes[i].kind == GZ_KIND_ARTICLE && d.nodes[i].number == 120 && d.nodes[i].sub < 2)
            *(d.nodes[i].sub ? &zhi : &plain) = (int32_t)i;
    cr_assert_neq(plain, GZ_NONE);
    cr_assert_neq(zhi, GZ_NONE);
    cr_assert_str_eq(gz_doc_get(&d, d.nodes[zhi].label), "第一百二十条之一");
    cr_assert_eq(d.nodes[zhi].sub, 1);
    /* 刑法 has parts (编) holding chapters holding sections (节) */
    cr_assert_geq(th_count(&d, 0, GZ_KIND_PART), 2);
    int32_t part = th_find(&d, 0, GZ_KIND_PART, 2);
    cr_assert_gt(th_count(&d, part, GZ_KIND_CHAPTER), 5);
    cr_assert_gt(th_count(&d, part, GZ_KIND_SECTION), 5);
    gz_doc_fini(&d);
}

Test(laws, title_date_and_chapters)
{
    gz_doc d;
    gz_doc_init(&d);
    gz_error err;
    cr_assert_eq(cp_parse_file(GZ_SAMPLE_DIR "/laws/个人独资企业法(1999-08-30).md", CP_FORMAT_AUTO, &d, &err),
                 GZ_OK);
    cr_assert_eq(d.nodes[0].kind, GZ_KIND_DOCUMENT);
    cr_assert_str_eq(gz_doc_get(&d, d.nodes[0].title), "中华人民共和国个人独资企业法");
    cr_assert_str_eq(gz_doc_get(&d, d.nodes[0].date), "1999-08-30");
    int32_t ch = th_find(&d, 0, GZ_KIND_CHAPTER, 1);
    cr_assert_str_eq(gz_doc_get(&d, d.nodes[ch].title), "总则");
    int32_t a8 = th_find(&d, 0, GZ_KIND_ARTICLE, 8);
    cr_assert_eq(th_children(&d, a8, GZ_KIND_ITEM), 5);
    cr_assert_null(strstr(d.text, "INFO END"), "comments are not text");
    cr_assert_null(strstr(d.text, "## "), "heading marks are not text");
    gz_doc_fini(&d);
}

/* The version date: the header's last act, or the file name's date when
 * the header has none (or an older one). */
Test(laws, version_date_from_header_and_file_name)
{
    const struct {
        const char *file;
        uint32_t date;
    } cases[] = {
        {"公司法(2023-12-29).md", 20231229},      /* 第二次修订, and the name */
        {"刑法.md", 20231229},                    /* 修正案（十二）, no date in the name */
        {"促进个体工商户发展条例(2022-10-01).md", 20221001}, /* no header: the name */
        {"个人独资企业法(1999-08-30).md", 19990830},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/laws/%s", GZ_SAMPLE_DIR, cases[i].file);
        gz_doc d;
        gz_doc_init(&d);
        gz_error err;
        cr_assert_eq(cp_parse_file(path, CP_FORMAT_AUTO, &d, &err), GZ_OK, "%s", err.msg);
        cr_expect_eq(d.nodes[0].version_date, cases[i].date, "%s: %u", cases[i].file, d.nodes[0].version_date);
        gz_doc_fini(&d);
    }
}

Test(laws, whole_corpus_parses)
{
    char laws[4200];
    TH_LAWS_OR_SKIP(laws);
    char **files;
    size_t n, total = 0, bad = 0;
    gz_error err;
    cr_assert_eq(cp_list_files(laws, &files, &n, &err), GZ_OK, "%s", err.msg);
    cr_assert_gt(n, 1000);
    for (size_t i = 0; i < n; i++)
        bad += !check_file(files[i], &total);
    fprintf(stderr, "laws corpus: %zu files, %zu articles, %zu mismatched\n", n, total, bad);
    cr_assert_eq(bad, 0);
    cr_assert_gt(total, 150000);
    cp_paths_free(files, n);
}
