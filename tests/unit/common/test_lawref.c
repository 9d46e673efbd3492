/* tests/unit/common/test_lawref.c: typed references, 款/项 ranges and the
 * cross-reference scanner, on strings from the laws corpus. */
#include "common/law.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gz_lawref parse_ok(const char *s)
{
    gz_lawref r;
    gz_error err = {0};
    gz_status st = gz_lawref_parse(s, strlen(s), &r, &err);
    cr_assert_eq(st, GZ_OK, "%s: %s", s, err.msg);
    return r;
}

#define EXPECT_REF(s, nm, art, sb, cl, it, dt)                                                     \
    do {                                                                                       \
        gz_lawref r_ = parse_ok(s);                                                            \
        cr_expect_str_eq(r_.name, nm, "%s: name", s);                                          \
        cr_expect_eq(r_.article, art, "%s: article %d", s, r_.article);                        \
        cr_expect_eq(r_.sub, sb, "%s: sub", s);                                                \
        cr_expect_eq(r_.clause, cl, "%s: clause %d", s, r_.clause);                            \
        cr_expect_eq(r_.item, it, "%s: item %d", s, r_.item);                                  \
        cr_expect_eq(r_.date, dt, "%s: date %u", s, r_.date);                                  \
    } while (0)

Test(lawref, the_forms_of_the_issue)
{
    EXPECT_REF("公司法第十七条", "公司法", 17, 0, 0, 0, 0);
    EXPECT_REF("《中华人民共和国公司法》第十七条", "中华人民共和国公司法", 17, 0, 0, 0, 0);
    EXPECT_REF("公司法(2023-12-29)第十七条", "公司法", 17, 0, 0, 0, 20231229);
    EXPECT_REF("公司法第十七条@2018-10-26", "公司法", 17, 0, 0, 0, 20181026);
    EXPECT_REF("刑法 第 232 条", "刑法", 232, 0, 0, 0, 0);
    EXPECT_REF("刑法232条", "刑法", 232, 0, 0, 0, 0);
    EXPECT_REF("刑法第232", "刑法", 232, 0, 0, 0, 0);
    EXPECT_REF("刑法第二百三十二条之一", "刑法", 232, 1, 0, 0, 0);
    EXPECT_REF("劳动合同法第三十九条第一款", "劳动合同法", 39, 0, 1, 0, 0);
    EXPECT_REF("第四十四条第二项", "", 44, 0, 0, 2, 0);
    EXPECT_REF("第三十九条第一款第（二）项", "", 39, 0, 1, 2, 0);
    EXPECT_REF("山东省实施《中华人民共和国村民委员会组织法》办法 第一条",
               "山东省实施《中华人民共和国村民委员会组织法》办法", 1, 0, 0, 0, 0);
    EXPECT_REF("山东省实施《村民委员会组织法》办法第一条", "山东省实施《村民委员会组织法》办法", 1, 0, 0, 0, 0);
}

Test(lawref, blanks_widths_and_notes)
{
    EXPECT_REF("　刑法　第２３２条　", "刑法", 232, 0, 0, 0, 0);
    EXPECT_REF("中华人民共和国公司法（2018年修正）第十七条", "中华人民共和国公司法", 17, 0, 0, 0, 20180000);
    EXPECT_REF("公司法 第十七条 @ 2018年10月26日", "公司法", 17, 0, 0, 0, 20181026);
    EXPECT_REF("公司法（2023-12-29）第十七条", "公司法", 17, 0, 0, 0, 20231229);
    EXPECT_REF("公司法(2023-12-29)第十七条＠2018-10-26", "公司法", 17, 0, 0, 0, 20181026); /* @ wins */
    EXPECT_REF("刑法修正案（十一）第一条", "刑法修正案（十一）", 1, 0, 0, 0, 0);
    EXPECT_REF("劳动合同法第39条第1款第(2)项", "劳动合同法", 39, 0, 1, 2, 0);
    /* 第 inside a title: the article part is what parses to the end */
    EXPECT_REF("全国人民代表大会常务委员会关于《中华人民共和国刑法》第九十三条第二款的解释第一条",
               "全国人民代表大会常务委员会关于《中华人民共和国刑法》第九十三条第二款的解释", 1, 0, 0, 0, 0);
}

Test(lawref, bad_references_say_why)
{
    gz_lawref r;
    gz_error err = {0};
    cr_assert_eq(gz_lawref_parse("公司法", 9, &r, &err), GZ_INVALID);
    cr_assert(strstr(err.msg, "no article number"), "%s", err.msg);
    cr_assert_eq(gz_lawref_parse("公司法第十七条@2018", 24, &r, &err), GZ_INVALID);
    cr_assert(strstr(err.msg, "YYYY-MM-DD"), "%s", err.msg);
    cr_assert_eq(gz_lawref_parse("公司法第十七条了", strlen("公司法第十七条了"), &r, &err), GZ_INVALID);
    cr_assert_eq(gz_lawref_parse("\xff第一条", 10, &r, &err), GZ_INVALID);
    cr_assert(strstr(err.msg, "UTF-8"), "%s", err.msg);
}

/* 劳动合同法 第三十九条, as the laws store it */
static const char art39[] =
    "第三十九条　劳动者有下列情形之一的，用人单位可以解除劳动合同：\n"
    "（一）在试用期间被证明不符合录用条件的；\n"
    "（二）严重违反用人单位的规章制度的；\n"
    "（三）严重失职，营私舞弊，给用人单位造成重大损害的；\n"
    "第二款　虚构的第二段。\n"
    "（一）第二款的第一项。";

static const char *range_text(int32_t clause, int32_t item, char *out)
{
    gz_span sp;
    if (!gz_law_clause_range(art39, strlen(art39), clause, item, &sp))
        return NULL;
    sprintf(out, "%.*s", (int)(sp.end - sp.start), art39 + sp.start);
    return out;
}

Test(lawref, clause_is_a_paragraph_with_its_items)
{
    char buf[1024];
    const char *c1 = range_text(1, 0, buf);
    cr_assert_not_null(c1);
    cr_assert(strncmp(c1, "第三十九条", 15) == 0);
    cr_assert(strstr(c1, "（三）严重失职"));
    cr_assert_null(strstr(c1, "第二段"));
    cr_assert_str_eq(range_text(2, 0, buf), "第二款　虚构的第二段。\n（一）第二款的第一项。");
    cr_assert_null(range_text(3, 0, buf));
}

Test(lawref, item_within_a_clause_or_the_article)
{
    char buf[1024];
    cr_assert_str_eq(range_text(1, 2, buf), "（二）严重违反用人单位的规章制度的；");
    cr_assert_str_eq(range_text(2, 1, buf), "（一）第二款的第一项。");
    cr_assert_str_eq(range_text(0, 3, buf), "（三）严重失职，营私舞弊，给用人单位造成重大损害的；");
    cr_assert_null(range_text(2, 2, buf));
    cr_assert_str_eq(range_text(0, 0, buf), art39);
}

static size_t scan_all(const char *text, gz_xref *out, size_t cap)
{
    gz_xref_scan s;
    gz_xref_scan_init(&s, text, strlen(text));
    size_t n = 0;
    gz_xref x;
    while (gz_xref_scan_next(&s, &x))
        if (n < cap)
            out[n++] = x;
    return n;
}

static const char *span_of(const char *text, size_t a, size_t b)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "%.*s", (int)(b - a), text + a);
    return buf;
}

Test(xref, same_work_and_clauses)
{
    /* 公司法 第五十四条, shortened */
    const char *t = "第五十四条　依照本法第五十三条规定，前款规定的期限届满，适用本条第二款、第三款的规定，"
                    "或者依照前两款第一项处理。";
    gz_xref x[8];
    size_t n = scan_all(t, x, 8);
    cr_assert_eq(n, 5);
    cr_assert_str_eq(span_of(t, x[0].start, x[0].end), "本法第五十三条");
    cr_assert_eq(x[0].scope, GZ_XREF_SAME_WORK);
    cr_assert_eq(x[0].article, 53);
    cr_assert_str_eq(span_of(t, x[1].start, x[1].end), "前款");
    cr_assert_eq(x[1].scope, GZ_XREF_PREV_CLAUSE);
    cr_assert_eq(x[1].back, 1);
    cr_assert_str_eq(span_of(t, x[2].start, x[2].end), "本条第二款");
    cr_assert_eq(x[2].scope, GZ_XREF_SAME_ARTICLE);
    cr_assert_eq(x[2].clause, 2);
    cr_assert_str_eq(span_of(t, x[3].start, x[3].end), "第三款");
    cr_assert_eq(x[3].clause, 3);
    cr_assert_eq(x[3].scope, GZ_XREF_SAME_ARTICLE);
    cr_assert_str_eq(span_of(t, x[4].start, x[4].end), "前两款第一项");
    cr_assert_eq(x[4].back, 2);
    cr_assert_eq(x[4].item, 1);
}

Test(xref, named_work_ranges_and_lists)
{
    const char *t = "依照《中华人民共和国刑法》第二百三十二条、第二百三十四条之一的规定；"
                    "违反本条例第十条至第十五条，或者第二十条第一款第（三）项规定的。";
    gz_xref x[8];
    size_t n = scan_all(t, x, 8);
    cr_assert_eq(n, 4);
    cr_assert_eq(x[0].scope, GZ_XREF_NAMED_WORK);
    cr_assert_str_eq(span_of(t, x[0].name.start, x[0].name.end), "中华人民共和国刑法");
    cr_assert_str_eq(span_of(t, x[0].start, x[0].end), "《中华人民共和国刑法》第二百三十二条");
    cr_assert_eq(x[0].article, 232);
    cr_assert_eq(x[1].scope, GZ_XREF_NAMED_WORK);
    cr_assert_eq(x[1].inherited, 1);
    cr_assert_eq(x[1].article, 234);
    cr_assert_eq(x[1].sub, 1);
    cr_assert_str_eq(span_of(t, x[2].start, x[2].end), "本条例第十条至第十五条");
    cr_assert_eq(x[2].article, 10);
    cr_assert_eq(x[2].article_to, 15);
    cr_assert_eq(x[3].scope, GZ_XREF_SAME_WORK);
    cr_assert_eq(x[3].article, 20);
    cr_assert_eq(x[3].clause, 1);
    cr_assert_eq(x[3].item, 3);
}

Test(xref, laws_cited_without_brackets)
{
    /* from 司法解释: names without 《》 after a verb */
    const char *t = "币犯罪，依照刑法第一百七十条至第一百七十三条，侵权人根据民法典第一千一百七十二条、第一千一百七十三条，"
                    "数超过本实施细则第三十一条，公司法第十条。";
    gz_xref x[8];
    size_t n = scan_all(t, x, 8);
    cr_assert_eq(n, 5);
    cr_assert_eq(x[0].scope, GZ_XREF_NAMED_WORK);
    cr_assert_str_eq(span_of(t, x[0].name.start, x[0].name.end), "刑法");
    cr_assert_eq(x[0].guessed_name, 1);
    cr_assert_eq(x[0].article_to, 173);
    cr_assert_str_eq(span_of(t, x[1].name.start, x[1].name.end), "民法典");
    cr_assert_str_eq(span_of(t, x[1].start, x[1].end), "民法典第一千一百七十二条");
    cr_assert_eq(x[2].scope, GZ_XREF_NAMED_WORK);
    cr_assert_eq(x[2].inherited, 1);
    cr_assert_eq(x[2].article, 1173);
    cr_assert_eq(x[3].scope, GZ_XREF_SAME_WORK);
    cr_assert_str_eq(span_of(t, x[3].start, x[3].end), "本实施细则第三十一条");
    cr_assert_str_eq(span_of(t, x[4].name.start, x[4].name.end), "公司法");
}

Test(xref, bare_clause_or_item_follows_the_article_of_its_sentence)
{
    /* 第二十三条, shortened: 第六项 is 第十七条's, 第二款 the citing article's */
    const char *t = "违反本条例第十七条第一项规定的，处罚款；违反第六项规定的，处警告。有第二款情形的，从轻。";
    gz_xref x[4];
    cr_assert_eq(scan_all(t, x, 4), 3);
    cr_assert_eq(x[1].scope, GZ_XREF_SAME_WORK);
    cr_assert_eq(x[1].article, 17);
    cr_assert_eq(x[1].item, 6);
    cr_assert_eq(x[1].inherited, 1);
    cr_assert_eq(x[2].scope, GZ_XREF_SAME_ARTICLE);
    cr_assert_eq(x[2].article, 0);
    cr_assert_eq(x[2].clause, 2);
}

Test(xref, a_name_never_reaches_into_the_reference_before)
{
    /* from fuzz_lawref: the Han run before 第十条 began inside 第十五条 */
    const char *t = "本条例第十五条条例第十条";
    gz_xref x[4];
    cr_assert_eq(scan_all(t, x, 4), 2);
    cr_assert_str_eq(span_of(t, x[0].start, x[0].end), "本条例第十五条");
    cr_assert_geq(x[1].start, x[0].end);
    cr_assert_str_eq(span_of(t, x[1].name.start, x[1].name.end), "条例");
}

Test(xref, labels_and_lookalikes_are_no_references)
{
    const char *t = "第一条　为了规范公司的组织和行为，第八届全国人民代表大会第五次会议，前款项已付，第一章总则。\n"
                    "第二条　本法所称公司。";
    gz_xref x[4];
    cr_assert_eq(scan_all(t, x, 4), 0);
    cr_assert_eq(scan_all("", x, 4), 0);
    cr_assert_eq(scan_all("第", x, 4), 0);
    cr_assert_eq(scan_all("前", x, 4), 0);
}

/* Every prefix of a text holding each shape: the scanner stays inside the
 * text, its references are ordered and do not overlap, and the parser
 * answers each prefix (OK or INVALID) without reading past it. */
Test(xref, every_prefix_stays_in_bounds)
{
    const char *t = "依照《中华人民共和国刑法》第二百三十二条、第二百三十四条之一，本法第十条至第十五条，"
                    "前两款第（一）项，前条，本条第二款第三项。";
    size_t len = strlen(t), total = 0;
    for (size_t n = 0; n <= len; n++) {
        char *cut = malloc(n ? n : 1); /* exact size: ASan sees any read past it */
        memcpy(cut, t, n);
        gz_xref_scan s;
        gz_xref x;
        size_t last_end = 0;
        gz_xref_scan_init(&s, cut, n);
        while (gz_xref_scan_next(&s, &x)) {
            cr_assert(x.start < x.end && x.end <= n && x.start >= last_end, "prefix %zu: [%zu, %zu)", n, x.start,
                      x.end);
            last_end = x.end;
            total++;
        }
        gz_lawref r;
        gz_status st = gz_lawref_parse(cut, n, &r, NULL);
        cr_assert(st == GZ_OK || st == GZ_INVALID);
        gz_span sp;
        if (gz_law_clause_range(cut, n, 1, 1, &sp))
            cr_assert(sp.start <= sp.end && sp.end <= n);
        free(cut);
    }
    cr_assert_gt(total, len / 4, "only %zu references over all prefixes", total);
}

Test(xref, aliases_a_text_defines)
{
    /* 道路交通安全法实施条例 style, and a bare alias */
    const char *t = "根据《中华人民共和国道路交通安全法实施条例》（以下简称《条例》），制定本规定。"
                    "适用《中华人民共和国民事诉讼法》（以下简称民事诉讼法）。某机关（以下简称机关）。";
    gz_law_alias al[4];
    cr_assert_eq(gz_law_aliases(t, strlen(t), al, 4), 2);
    cr_assert_str_eq(span_of(t, al[0].alias.start, al[0].alias.end), "条例");
    cr_assert_str_eq(span_of(t, al[0].name.start, al[0].name.end), "中华人民共和国道路交通安全法实施条例");
    cr_assert_str_eq(span_of(t, al[1].alias.start, al[1].alias.end), "民事诉讼法");
    cr_assert_str_eq(span_of(t, al[1].name.start, al[1].name.end), "中华人民共和国民事诉讼法");
    cr_assert_eq(gz_law_aliases("", 0, al, 4), 0);
}
