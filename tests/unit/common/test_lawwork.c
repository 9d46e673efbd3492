/* tests/unit/common/test_lawwork.c: work keys, version dates, 废止/修改
 * decisions and name scores, on strings taken from the laws corpus. */
#include "common/law.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static const char *key(const char *title)
{
    static char out[GZ_LAW_KEY_MAX];
    gz_law_work_key(title, strlen(title), out, sizeof out);
    return out;
}

Test(lawwork, key_sets_aside_prc_notes_brackets_and_blanks)
{
    cr_assert_str_eq(key("中华人民共和国公司法"), "公司法");
    cr_assert_str_eq(key("中华人民共和国公司法（2018年修正）"), "公司法");
    cr_assert_str_eq(key("公司法(2023-12-29)"), "公司法");
    cr_assert_str_eq(key("《中华人民共和国 公司法》"), "公司法");
    cr_assert_str_eq(key("中华人民共和国民法典　"), "民法典");
    cr_assert_str_eq(key("山东省实施《中华人民共和国村民委员会组织法》办法"), "山东省实施村民委员会组织法办法");
    cr_assert_str_eq(key("山东省实施《村民委员会组织法》办法"), "山东省实施村民委员会组织法办法");
}

Test(lawwork, key_keeps_what_names_a_different_work)
{
    cr_assert_str_eq(key("刑法修正案（十一）"), "刑法修正案(十一)");
    cr_assert_str_eq(key("刑法修正案（十二）(2023-12-29)"), "刑法修正案(十二)");
    cr_assert_str_eq(key("宪法修正案（2004年）"), "宪法修正案(2004年)");
    cr_assert_str_eq(key("最高人民法院关于适用《中华人民共和国民法典》婚姻家庭编的解释（一）"),
                     "最高人民法院关于适用民法典婚姻家庭编的解释(一)");
}

Test(lawwork, key_is_cut_at_a_character_boundary)
{
    char out[8];
    size_t n = gz_law_work_key("中华人民共和国公司法", strlen("中华人民共和国公司法"), out, sizeof out);
    cr_assert_eq(n, 6);
    cr_assert_str_eq(out, "公司");
}

Test(lawwork, name_date_from_file_names)
{
    const char *a = "公司法(2023-12-29).md", *b = "刑法修正案（十二）(2023-12-29).md", *c = "刑法.md";
    cr_assert_eq(gz_law_name_date(a, strlen(a)), 20231229);
    cr_assert_eq(gz_law_name_date(b, strlen(b)), 20231229);
    cr_assert_eq(gz_law_name_date(c, strlen(c)), 0);
    cr_assert_eq(gz_law_name_date("x(2023-13-29)", 13), 0);
}

Test(lawwork, date_parse_forms)
{
    uint32_t d = 0;
    cr_assert_eq(gz_law_date_parse("2018年10月26日 第", 21, &d), 17);
    cr_assert_eq(d, 20181026);
    const char *cn = "一九九三年十二月二十九日";
    cr_assert_eq(gz_law_date_parse(cn, strlen(cn), &d), strlen(cn));
    cr_assert_eq(d, 19931229);
    cr_assert_eq(gz_law_date_parse("2018-10-26", 10, &d), 10);
    cr_assert_eq(d, 20181026);
    cr_assert_eq(gz_law_date_parse("20181026", 8, &d), 8);
    cr_assert_eq(gz_law_date_parse("2018年13月1日", 17, &d), 0);
    cr_assert_eq(gz_law_date_parse("第八届", 9, &d), 0);
}

/* 民法商法/公司法(2023-12-29).md, its header lines */
static const char gongsi_2023[] =
    "1993年12月29日 第八届全国人民代表大会常务委员会第五次会议通过\n"
    "1999年12月25日 第九届全国人民代表大会常务委员会第十三次会议《关于修改〈中华人民共和国公司法〉的决定》第一次修正\n"
    "2005年10月27日 第十届全国人民代表大会常务委员会第十八次会议第一次修订\n"
    "2018年10月26日 第十三届全国人民代表大会常务委员会第六次会议《关于修改〈中华人民共和国公司法〉的决定》第四次修正\n"
    "2023年12月29日 第十四届全国人民代表大会常务委员会第七次会议第二次修订\n";

Test(lawwork, version_date_is_the_last_act)
{
    cr_assert_eq(gz_law_version_date(gongsi_2023, strlen(gongsi_2023), 0), 20231229);
    cr_assert_eq(gz_law_version_date(gongsi_2023, strlen(gongsi_2023), 20231229), 20231229);
    /* a file name's date the header does not hold: the header wins */
    cr_assert_eq(gz_law_version_date(gongsi_2023, strlen(gongsi_2023), 20181026), 20231229);
    /* 行政法规/互联网上网服务营业场所管理条例(2019-03-24).md: the name knows a
     * later amendment than the header lists */
    const char *net = "2002年9月29日 中华人民共和国国务院令第363号公布\n"
                      "2011年1月8日 《国务院关于废止和修改部分行政法规的决定》第一次修订\n"
                      "2016年2月6日 《国务院关于修改部分行政法规的决定》第二次修订\n";
    cr_assert_eq(gz_law_version_date(net, strlen(net), 20190324), 20190324);
    cr_assert_eq(gz_law_version_date(net, strlen(net), 0), 20160206);
    /* no header: the file name's date */
    cr_assert_eq(gz_law_version_date("", 0, 20200101), 20200101);
    cr_assert_eq(gz_law_version_date("", 0, 0), 0);
}

Test(lawwork, version_date_prefers_acts_to_entry_into_force)
{
    /* 行政法规/森林防火条例(2008-12-01).md */
    const char *h = "1988年1月16日 国务院公布\n2008年11月19日 国务院第36次常务会议修订通过\n"
                    "2008年12月1日 中华人民共和国国务院令第541号公布\n2009年1月1日 施行\n";
    cr_assert_eq(gz_law_version_date(h, strlen(h), 0), 20081201);
    cr_assert_eq(gz_law_version_date(h, strlen(h), 20081201), 20081201);
    /* waystowork-regs: one bracketed note */
    const char *w = "（2012年11月16日国家安全生产监督管理总局令第57号公布，自2013年5月1日起施行；根据2015年5月27日"
                    "国家安全生产监督管理总局令第79号修正；根据2017年3月6日国家安全生产监督管理总局令第89号修正）";
    cr_assert_eq(gz_law_version_date(w, strlen(w), 0), 20170306);
    const char *only = "2009年1月1日 施行";
    cr_assert_eq(gz_law_version_date(only, strlen(only), 0), 20090101);
}

Test(lawwork, version_date_of_an_approved_local_rule)
{
    /* 青岛市禁止焚烧抛撒丧葬祭奠物品规定(2020-07-24).md */
    const char *h = "2020年6月10日 青岛市第十六届人民代表大会常务委员会第二十四次会议修订\n"
                    "2020年7月24日 山东省第十三届人民代表大会常务委员会第二十二次会议通过\n";
    cr_assert_eq(gz_law_version_date(h, strlen(h), 20200724), 20200724);
}

static size_t targets(const char *title, gz_law_act *act, char out[][128])
{
    gz_span sp[4];
    size_t n = gz_law_act_targets(title, strlen(title), act, sp, 4);
    for (size_t i = 0; i < n && i < 4; i++)
        snprintf(out[i], 128, "%.*s", (int)(sp[i].end - sp[i].start), title + sp[i].start);
    return n;
}

Test(lawwork, repeal_and_amend_decisions)
{
    gz_law_act act;
    char t[4][128];
    cr_assert_eq(targets("国务院关于废止《中华人民共和国营业税暂行条例》和修改《中华人民共和国增值税暂行条例》的决定",
                         &act, t), 2);
    cr_assert_eq(act, GZ_LAW_ACT_REPEAL);
    cr_assert_str_eq(t[0], "中华人民共和国营业税暂行条例");
    cr_assert_eq(targets("全国人民代表大会常务委员会关于修改《中华人民共和国海洋环境保护法》等七部法律的决定", &act, t),
                 1);
    cr_assert_eq(act, GZ_LAW_ACT_AMEND);
    cr_assert_str_eq(t[0], "中华人民共和国海洋环境保护法");
    cr_assert_eq(targets("关于废止〈北京市实施《中华人民共和国水法》办法〉的决定", &act, t), 1);
    cr_assert_str_eq(t[0], "北京市实施《中华人民共和国水法》办法");
    cr_assert_eq(targets("关于废止部分规章的决定", &act, t), 0);
    cr_assert_eq(act, GZ_LAW_ACT_NONE);
    cr_assert_eq(targets("中华人民共和国公司法", &act, t), 0);
}

static int score(const char *name, const char *title)
{
    return gz_law_name_score(name, strlen(name), title, strlen(title));
}

Test(lawwork, name_scores_rank_the_law_above_titles_that_contain_it)
{
    const char *law = "中华人民共和国公司法";
    const char *interp = "最高人民法院关于适用《中华人民共和国公司法》若干问题的规定（一）";
    cr_assert_eq(score("公司法", law), GZ_LAW_NAME_WORK);
    cr_assert_eq(score("公司法", interp), GZ_LAW_NAME_CONTAINS);
    cr_assert_eq(score("中华人民共和国公司法", law), GZ_LAW_NAME_EXACT);
    cr_assert_eq(score("《中华人民共和国公司法》", law), GZ_LAW_NAME_EXACT);
    cr_assert_eq(score("宪法", "中华人民共和国宪法"), GZ_LAW_NAME_WORK);
    cr_assert_eq(score("宪法", "宪法修正案（2018年）"), GZ_LAW_NAME_CONTAINS);
    cr_assert_eq(score("公司法", "中华人民共和国合伙企业法"), GZ_LAW_NAME_NONE);
    /* the end of a longer name is another work: 合同法 (repealed, not in
     * the corpus) is not 劳动合同法, nor its 实施条例 */
    cr_assert_eq(score("合同法", "中华人民共和国劳动合同法"), GZ_LAW_NAME_NONE);
    cr_assert_eq(score("合同法", "中华人民共和国劳动合同法实施条例"), GZ_LAW_NAME_NONE);
    cr_assert_eq(score("合同法", "最高人民法院关于适用《中华人民共和国合同法》若干问题的解释（二）"),
                 GZ_LAW_NAME_CONTAINS);
    cr_assert_eq(score("劳动合同法", "中华人民共和国劳动合同法实施条例"), GZ_LAW_NAME_CONTAINS);
    cr_assert_eq(score("", law), GZ_LAW_NAME_NONE);
}

Test(lawwork, short_names_come_from_the_table)
{
    const char *t = "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释";
    cr_assert_eq(score("民诉法解释", t), GZ_LAW_NAME_SHORT);
    cr_assert_eq(score("民诉法", "中华人民共和国民事诉讼法"), GZ_LAW_NAME_SHORT);
    cr_assert_eq(score("刑诉法", "中华人民共和国刑事诉讼法"), GZ_LAW_NAME_SHORT);
    cr_assert_eq(score("个税法", "中华人民共和国个人所得税法"), GZ_LAW_NAME_SHORT);
    cr_assert_eq(score("民诉法", t), GZ_LAW_NAME_NONE);
    cr_assert_null(gz_law_abbrev("公司法"));
}

Test(lawwork, titles_with_brackets_inside_match_either_way)
{
    const char *file = "山东省实施《村民委员会组织法》办法";
    cr_assert_eq(score("山东省实施《中华人民共和国村民委员会组织法》办法", file), GZ_LAW_NAME_WORK);
    cr_assert_eq(score("山东省实施《村民委员会组织法》办法", file), GZ_LAW_NAME_EXACT);
    cr_assert_eq(score("村民委员会组织法", "中华人民共和国村民委员会组织法"), GZ_LAW_NAME_WORK);
    cr_assert_eq(score("村民委员会组织法", file), GZ_LAW_NAME_CONTAINS);
}

Test(lawwork, version_pick_by_date)
{
    /* 公司法's files: 2018-10-26, 2023-12-29, and one undated */
    const uint32_t d[] = {20181026, 20231229, 0};
    cr_assert_eq(gz_law_version_pick(d, 3, 0), 1);
    cr_assert_eq(gz_law_version_pick(d, 3, 20231229), 1);
    cr_assert_eq(gz_law_version_pick(d, 3, 20231228), 0);
    cr_assert_eq(gz_law_version_pick(d, 3, 20181026), 0);
    cr_assert_eq(gz_law_version_pick(d, 3, 20180000), 0); /* 2018年修正 */
    cr_assert_eq(gz_law_version_pick(d, 3, 20200000), 0); /* in force through 2020 */
    cr_assert_eq(gz_law_version_pick(d, 3, 20100101), 2); /* only the undated one */
    const uint32_t dated[] = {20181026, 20231229};
    cr_assert_eq(gz_law_version_pick(dated, 2, 20100101), (size_t)-1);
    cr_assert_eq(gz_law_version_pick(dated, 0, 0), (size_t)-1);
}
