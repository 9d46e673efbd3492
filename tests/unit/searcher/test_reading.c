/* How what people type is read (issue 19): keywords run together, lists,
 * questions without a question mark, question frames, the thesaurus
 * (parsed strictly), quoted field values, and the command line's checks.
 * The index is built once for the suite from the sample's laws. */
#include "indexer/indexer.h"
#include "searcher/searcher.h"
#include "searcher/thesaurus.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <sys/wait.h>

static char dir[] = "/tmp/gz-reading-XXXXXX";
static sr_index *ix;

static void build(void)
{
    cr_assert_not_null(mkdtemp(dir));
    ix_options o = {.dir = dir, .threads = 2};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {GZ_SAMPLE_DIR "/laws"};
    cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
}

static void teardown(void) { sr_index_close(ix); }

TestSuite(reading, .init = build, .fini = teardown);

/* The JSON answer to q on index x, top 10. */
static json_object *search_in(sr_index *x, const char *q)
{
    sr_request rq = {.query = q, .n = 10};
    gz_buf out;
    gz_buf_init(&out);
    gz_error err = {0};
    cr_assert_eq(sr_search_json(x, &rq, &out, &err), GZ_OK, "%s", err.msg);
    json_object *o = json_tokener_parse(gz_buf_cstr(&out));
    cr_assert_not_null(o, "not JSON: %.200s", gz_buf_cstr(&out));
    gz_buf_fini(&out);
    return o;
}

static json_object *search(const char *q) { return search_in(ix, q); }

static json_object *get(json_object *o, const char *k)
{
    json_object *v = NULL;
    json_object_object_get_ex(o, k, &v);
    return v;
}

static const char *str(json_object *o, const char *k) { return json_object_get_string(get(o, k)); }
static int total(json_object *o) { return json_object_get_int(get(o, "total")); }

/* The text of hit i's snippet. */
static const char *snippet(json_object *o, size_t i)
{
    return str(json_object_array_get_idx(get(o, "hits"), i), "snippet");
}

Test(reading, keywords_run_together_find_units_holding_their_words)
{
    /* no unit holds 公司股东责任; 公司法's articles hold the three words */
    json_object *o = search("公司股东责任");
    cr_assert_gt(total(o), 0, "0 hits for words run together");
    cr_assert_str_eq(str(o, "mode"), "words");
    cr_assert_str_eq(str(get(o, "reading"), "code"), "words");
    cr_assert(strstr(str(get(o, "reading"), "text"), "公司、股东、责任"), "%s", str(get(o, "reading"), "text"));
    const char *s = snippet(o, 0);
    cr_assert(strstr(s, "公司") && strstr(s, "股东") && strstr(s, "责任"), "first hit lacks a word: %s", s);
    json_object_put(o);
}

Test(reading, the_string_as_typed_ranks_first)
{
    /* 个体工商户名称 is a string some units hold whole: they alone are found */
    json_object *o = search("个体工商户名称");
    cr_assert_gt(total(o), 0);
    cr_assert(strstr(snippet(o, 0), "个体工商户名称"), "%s", snippet(o, 0));
    json_object_put(o);
}

Test(reading, listed_keywords_read_as_spaced_ones)
{
    json_object *spaced = search("公司 股东 责任");
    const char *lists[] = {"公司、股东、责任", "公司，股东，责任", "公司；股东；责任", "公司/股东/责任"};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        json_object *o = search(lists[i]);
        cr_assert_gt(total(o), 0, "%s", lists[i]);
        cr_assert_eq(total(o), total(spaced), "%s", lists[i]);
        cr_assert_str_eq(str(o, "read_as"), str(spaced, "read_as"));
        json_object_put(o);
    }
    json_object_put(spaced);
}

Test(reading, a_question_without_a_question_mark_is_a_question)
{
    json_object *o = search("公司股东可以查阅几年的会计账簿");
    cr_assert_str_eq(str(o, "mode"), "question");
    cr_assert_gt(total(o), 0);
    cr_assert(strstr(str(o, "read_as"), "查阅") && strstr(str(o, "read_as"), "会计"), "%s", str(o, "read_as"));
    cr_assert_null(strstr(str(o, "read_as"), "\"可以\""), "a question frame kept: %s", str(o, "read_as"));
    json_object_put(o);
}

Test(reading, a_question_about_a_quoted_word_is_a_question)
{
    /* quotes in a sentence asking about what they quote mark the
     * person's word, not a phrase of the whole: 0 hits read so */
    json_object *o = search("“会计账簿”股东可以查阅吗？");
    cr_assert_str_eq(str(o, "mode"), "question", "%s", str(o, "read_as"));
    cr_assert_gt(total(o), 0);
    cr_assert(strstr(str(o, "read_as"), "查阅") && strstr(str(o, "read_as"), "股东"), "%s", str(o, "read_as"));
    json_object_put(o);
    /* quotes alone, or a question inside them, stay a phrase */
    const char *phrases[] = {"“会计账簿”", "\"股东可以查阅吗\"", "“股东可以查阅吗？”"};
    for (size_t i = 0; i < sizeof phrases / sizeof *phrases; i++) {
        o = search(phrases[i]);
        cr_assert_str_neq(str(o, "mode"), "question", "%s: %s", phrases[i], str(o, "read_as"));
        json_object_put(o);
    }
}

Test(reading, a_question_searches_what_it_quotes_as_one_word)
{
    /* beside its content words (会计, 账簿), the word the person marked */
    const char *qs[] = {"“会计账簿”股东可以查阅吗？", "\"会计账簿\"股东可以查阅吗？"};
    for (size_t i = 0; i < 2; i++) {
        json_object *o = search(qs[i]);
        cr_assert(strstr(str(o, "read_as"), "\"会计账簿\"") && strstr(str(o, "read_as"), "\"股东\""), "%s: %s", qs[i],
                  str(o, "read_as"));
        json_object_put(o);
    }
}

Test(reading, a_question_keeps_words_the_segmenter_does_not_know)
{
    /* ICU cuts 酒驾 into 酒 驾: kept as a gram, and joined to the law's
     * words through the thesaurus, which the answer names */
    json_object *o = search("酒驾怎么处罚");
    cr_assert(strstr(str(o, "read_as"), "\"酒驾\""), "%s", str(o, "read_as"));
    json_object *x = get(get(o, "reading"), "expanded");
    int drunk = 0;
    for (size_t i = 0; i < json_object_array_length(x); i++)
        drunk |= strstr(json_object_get_string(json_object_array_get_idx(x, i)), "醉酒") != NULL;
    cr_assert(drunk, "no 醉酒 expansion: %s", json_object_to_json_string(x));
    cr_assert(strstr(str(get(o, "reading"), "text"), "同义词"));
    cr_assert(strstr(snippet(o, 0), "醉酒"), "%s", snippet(o, 0));
    json_object_put(o);
}

Test(reading, a_question_keeps_every_content_word)
{
    json_object *o = search("邻居噪音扰民可以报警吗");
    const char *want[] = {"\"邻居\"", "\"噪音\"", "\"扰民\"", "\"报警\""};
    for (size_t i = 0; i < 4; i++)
        cr_assert(strstr(str(o, "read_as"), want[i]), "%s missing: %s", want[i], str(o, "read_as"));
    json_object_put(o);
}

Test(reading, a_question_asking_what_a_word_means_searches_the_word)
{
    /* X指的是什么 / X是指什么: 指的是 and 是指 ask, and leave no gram
     * behind (的是, 是指) to match every unit that says 的是 */
    const char *qs[] = {"工伤指的是什么？", "工伤是指什么？"};
    for (size_t i = 0; i < 2; i++) {
        json_object *o = search(qs[i]);
        const char *r = str(o, "read_as");
        cr_assert(strstr(r, "\"工伤\""), "%s: %s", qs[i], r);
        cr_assert_null(strstr(r, "\"的是\""), "%s: %s", qs[i], r);
        cr_assert_null(strstr(r, "是指"), "%s: %s", qs[i], r);
        cr_assert_null(strstr(r, "\"指\""), "%s: %s", qs[i], r);
        json_object_put(o);
    }
}

Test(reading, a_question_makes_no_gram_of_when_or_a_verbs_ending)
{
    /* 离婚时 房子: 时 says when, and 买到 假货: 到 ends the verb; neither
     * makes a gram with the word after it (时房, 到假 match nothing the
     * person asked about) */
    json_object *o = search("离婚时房子怎么分");
    cr_assert(strstr(str(o, "read_as"), "\"房子\""), "%s", str(o, "read_as"));
    cr_assert_null(strstr(str(o, "read_as"), "时房"), "%s", str(o, "read_as"));
    json_object_put(o);
    o = search("网购买到假货怎么维权");
    cr_assert(strstr(str(o, "read_as"), "\"假货\""), "%s", str(o, "read_as"));
    cr_assert_null(strstr(str(o, "read_as"), "到假"), "%s", str(o, "read_as"));
    json_object_put(o);
}

Test(reading, a_quoted_field_value_is_the_value)
{
    json_object *q = search("title:\"公司法\""), *plain = search("title:公司法");
    cr_assert_gt(total(plain), 0);
    cr_assert_eq(total(q), total(plain));
    json_object *q2 = search("title:“公司法”");
    cr_assert_eq(total(q2), total(plain));
    json_object_put(q);
    json_object_put(q2);
    json_object_put(plain);
}

/* ------------------------------------------------------------ thesaurus */

Test(reading, the_thesaurus_in_the_repository_parses)
{
    const q_thesaurus *th = q_thesaurus_builtin();
    cr_assert_not_null(th, "searcher/thesaurus.txt does not parse");
    cr_assert_gt(q_thesaurus_size(th), 50);
    int found = 0;
    for (size_t i = 0; i < q_thesaurus_size(th); i++) {
        const char *const *to;
        size_t n = q_thesaurus_targets(th, i, &to);
        cr_assert_gt(n, 0);
        found |= strcmp(q_thesaurus_word(th, i), "老婆") == 0 && strcmp(to[0], "配偶") == 0;
    }
    cr_assert(found, "老婆 => 配偶 missing");
}

Test(reading, a_malformed_thesaurus_line_is_an_error_naming_it)
{
    const char *bad[][2] = {
        {"# c\n老公 => 配偶\n老婆 配偶\n", "line 3: no '=>'"},
        {"老公 =>\n", "line 1: nothing after '=>'"},
        {"\n => 配偶\n", "line 2: nothing before '=>'"},
        {"老公 => 配偶 => 夫妻\n", "line 1: more than one '=>'"},
        {"老公//老婆 => 配偶\n", "line 1: an empty word"},
        {"老公 => 配偶\n老公 => 夫妻\n", "line 2: a word already given"},
        {"老 公 => 配偶\n", "line 1: a character that is not Han"},
        {"老公 => 配偶、夫妻\n", "line 1: a character that is not Han"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        q_thesaurus *th = NULL;
        gz_error err = {0};
        cr_assert_eq(q_thesaurus_parse(bad[i][0], strlen(bad[i][0]), &th, &err), GZ_INVALID, "%s", bad[i][0]);
        cr_assert_null(th);
        cr_assert(strstr(err.msg, bad[i][1]), "%s: got '%s'", bad[i][1], err.msg);
    }
    const char *good = "# comment\n\n老公/老婆 => 配偶 夫妻  # trailing\n欠薪 => 拖欠 劳动报酬\n";
    q_thesaurus *th;
    gz_error err = {0};
    cr_assert_eq(q_thesaurus_parse(good, strlen(good), &th, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(q_thesaurus_size(th), 3);
    const char *const *to;
    cr_assert_eq(q_thesaurus_targets(th, 1, &to), 2);
    cr_assert_str_eq(q_thesaurus_word(th, 1), "老婆");
    cr_assert_str_eq(to[1], "夫妻");
    q_thesaurus_close(th);
}

/* ------------------------------------------------------------ command line */

/* Runs gazette search ARGS on the suite's index: its exit code, and the
 * first line of its standard error into err. */
static int cli(const char *args, char *err, size_t cap)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s/gazette search --index %s %s 2>&1 >/dev/null", GZ_BUILD_DIR, dir, args);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    err[0] = 0;
    if (!fgets(err, (int)cap, p))
        err[0] = 0;
    char rest[256];
    while (fgets(rest, sizeof rest, p))
        ;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(reading, the_command_line_refuses_bad_arguments)
{
    const char *cases[][2] = {
        {"-n -1 公司", "invalid value for -n"},
        {"-n 99999999999 公司", "invalid value for -n"},
        {"--offset -5 公司", "invalid value for --offset"},
        {"--bogus 公司", "unknown option '--bogus'"},
        {"--unit page 公司", "invalid value for --unit"},
        {"公司 -n", "-n needs a value"},
        {"", "needs a QUERY"},
    };
    char err[512];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert_eq(cli(cases[i][0], err, sizeof err), 2, "%s: %s", cases[i][0], err);
        cr_assert(strstr(err, cases[i][1]), "%s: got '%s'", cases[i][0], err);
    }
    cr_assert_eq(cli("-n 3 公司 -股东", err, sizeof err), 0, "%s", err);
}

/* ------------------------------------------------------------ references */

static const char *hit_label(json_object *o, size_t i)
{
    return str(get(json_object_array_get_idx(get(o, "hits"), i), "unit"), "label");
}

static const char *hit_title(json_object *o, size_t i)
{
    return str(json_object_array_get_idx(get(o, "hits"), i), "title");
}

/* Each of refs reads as a reference whose first hit is the article
 * labelled label of a document whose title holds title. */
static void assert_references(const char *const *refs, size_t n, const char *label, const char *title)
{
    for (size_t i = 0; i < n; i++) {
        json_object *o = search(refs[i]);
        cr_assert_gt(total(o), 0, "%s: 0 hits", refs[i]);
        cr_assert_str_eq(str(o, "mode"), "reference", "%s: %s", refs[i], str(o, "read_as"));
        cr_assert_str_eq(hit_label(o, 0), label, "%s", refs[i]);
        cr_assert(strstr(hit_title(o, 0), title), "%s: %s", refs[i], hit_title(o, 0));
        json_object_put(o);
    }
}

Test(reading, an_article_reference_puts_that_article_first)
{
    const char *refs[] = {"刑法第二百三十二条", "《中华人民共和国刑法》第232条", "刑法 第232条", "刑法第232条"};
    assert_references(refs, sizeof refs / sizeof refs[0], "第二百三十二条", "刑法");
}

Test(reading, a_reference_to_a_clause_or_a_provision_puts_its_article_first)
{
    /* a clerk's 公司法第17条第一款: the article holds the clause (and an
     * item of it), so the article is first, as for 第232条 alone; and for
     * 第232条规定 */
    const char *refs[] = {"刑法第二百三十二条第一款", "刑法第232条第一款第二项", "刑法 第232条第2款",
                          "刑法第二百三十二条规定", "刑法第232条的规定"};
    assert_references(refs, sizeof refs / sizeof refs[0], "第二百三十二条", "刑法");
}

Test(reading, a_reference_with_a_long_title_is_no_question)
{
    /* sixteen Han characters or more unspaced read as a sentence; a long
     * title and a label (《伊金霍洛旗属国有企业领导人员管理办法》第四十六条) are a
     * clerk's reference all the same */
    const char *refs[] = {"《中华人民共和国个人独资企业法》第十条", "中华人民共和国个人独资企业法第10条"};
    assert_references(refs, sizeof refs / sizeof refs[0], "第十条", "个人独资企业法");
}

/* Indexes a corpus of law files {name, text} into a fresh index. */
static sr_index *small_index(char *tmpl, const char *const files[][2], size_t n)
{
    th_write_corpus(tmpl, files[0][0], files[0][1]);
    for (size_t i = 1; i < n; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", tmpl, files[i][0]);
        FILE *f = fopen(path, "w");
        cr_assert(f && fputs(files[i][1], f) >= 0 && fclose(f) == 0);
    }
    char idx[4200];
    snprintf(idx, sizeof idx, "%s/idx", tmpl);
    ix_options o = {.dir = idx, .threads = 1};
    ix_report r;
    gz_error err = {0};
    char *paths[2] = {tmpl, NULL};
    for (size_t i = 0; i < n; i++) {
        char p[4200];
        snprintf(p, sizeof p, "%s/%s", tmpl, files[i][0]);
        paths[0] = p;
        cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
    }
    sr_index *x;
    cr_assert_eq(sr_index_open(idx, &x, &err), GZ_OK, "%s", err.msg);
    return x;
}


Test(reading, a_bare_label_puts_articles_so_numbered_first)
{
    /* a short amendment item mentions 第四十六条; the article itself is
     * long: 第46条 and 第四十六条 both put the article first */
    static const char *const files[][2] = {
        {"a.md", "# 某某条例\n<!-- INFO END -->\n第四十五条 本条例所称单位，是指依法设立的机关、企业、事业单位和社会团体，"
                 "以及其他组织。\n第四十六条 单位违反本条例规定，未按照规定履行义务的，由主管部门责令改正，给予警告；"
                 "拒不改正的，处一万元以上五万元以下的罚款；情节严重的，依法追究法律责任。\n"},
        {"b.md", "# 关于修改某某条例的决定\n<!-- INFO END -->\n一、将第四十六条修改为。\n"},
    };
    char tmpl[] = "/tmp/gz-label-XXXXXX";
    sr_index *x = small_index(tmpl, files, 2);
    const char *qs[] = {"第46条", "第四十六条"};
    for (size_t i = 0; i < 2; i++) {
        json_object *o = search_in(x, qs[i]);
        cr_assert_geq(total(o), 2, "%s", qs[i]);
        cr_assert_str_eq(hit_label(o, 0), "第四十六条", "%s: first is '%s' of %s", qs[i], hit_label(o, 0),
                         hit_title(o, 0));
        json_object_put(o);
    }
    sr_index_close(x);
}

Test(reading, whole_tokens_rank_above_matches_inside_longer_ones)
{
    static const char *const files[][2] = {
        {"a.md", "# 抗震规定\n<!-- INFO END -->\n第二条 加速度≥0.05g的地区。\n"},
        {"b.md", "# 产业促进条例\n<!-- INFO END -->\n第三条 推动5G、物联网等新一代信息技术和新型基础设施建设，"
                 "支持设立基础电子元器件检测认证及实验平台，面向智能终端和重点市场，加快应用推广。\n"},
    };
    char tmpl[] = "/tmp/gz-whole-XXXXXX";
    sr_index *x = small_index(tmpl, files, 2);
    json_object *o = search_in(x, "5G");
    cr_assert_eq(total(o), 2, "5G is found in both");
    cr_assert(strstr(snippet(o, 0), "5G"), "first: %s", snippet(o, 0));
    json_object_put(o);
    sr_index_close(x);
}

/* ------------------------------------------------------------ hints */

static int array_has(json_object *a, const char *s)
{
    for (size_t i = 0; a && i < json_object_array_length(a); i++)
        if (strcmp(json_object_get_string(json_object_array_get_idx(a, i)), s) == 0)
            return 1;
    return 0;
}

Test(reading, a_typo_gets_the_closest_words_units_hold)
{
    const char *typos[][2] = {{"个体工商沪", "个体工商户"}, {"独资企叶", "独资企业"}, {"电子签明", "电子签名"}};
    for (size_t i = 0; i < sizeof typos / sizeof typos[0]; i++) {
        json_object *o = search(typos[i][0]), *h = get(o, "hint");
        cr_assert_not_null(h, "%s: no hint", typos[i][0]);
        cr_assert(array_has(get(h, "did_you_mean"), typos[i][1]), "%s: %s", typos[i][0],
                  json_object_to_json_string(h));
        cr_assert(strstr(str(h, "text"), "您是不是要找："), "%s", str(h, "text"));
        cr_assert(strstr(str(h, "text"), typos[i][1]), "%s", str(h, "text"));
        json_object_put(o);
    }
}

Test(reading, a_keyword_no_unit_holds_is_named_to_drop)
{
    json_object *o = search("公司 飞碟外星人"), *h = get(o, "hint");
    cr_assert_not_null(h, "no hint");
    cr_assert(array_has(get(h, "drop"), "飞碟外星人"), "%s", json_object_to_json_string(h));
    cr_assert_not(array_has(get(h, "drop"), "公司"));
    cr_assert(strstr(str(h, "text"), "去掉"), "%s", str(h, "text"));
    json_object_put(o);
    /* a query that matches as typed has no hint */
    o = search("公司");
    cr_assert_null(get(o, "hint"));
    json_object_put(o);
}

Test(reading, a_question_finds_the_word_a_law_defines_by_its_kinds)
{
    /* 本法所称毒品，是指鸦片、海洛因、甲基苯丙胺（冰毒）…: the thesaurus
     * grown from the laws' definitions joins 冰毒 to 毒品 */
    json_object *o = search("贩卖冰毒怎么判？");
    json_object *x = get(get(o, "reading"), "expanded");
    int drugs = 0;
    for (size_t i = 0; i < json_object_array_length(x); i++)
        drugs |= strcmp(json_object_get_string(json_object_array_get_idx(x, i)), "冰毒→毒品") == 0;
    cr_assert(drugs, "no 冰毒→毒品 expansion: %s", json_object_to_json_string(x));
    cr_assert(total(o) > 0);
    cr_assert(strstr(snippet(o, 0), "毒品"), "%s", snippet(o, 0));
    json_object_put(o);
}

Test(reading, a_question_keeps_a_word_ending_in_a_function_word)
{
    /* ICU cuts 赠与 into 赠 与, and 与 alone is a function word: the lone
     * 赠 makes a word with it, as a gram, rather than being lost */
    json_object *o = search("赠与房屋可以不签订书面合同吗？");
    cr_assert(strstr(str(o, "read_as"), "\"赠与\""), "%s", str(o, "read_as"));
    json_object_put(o);
    /* a function word that ends no word stays out: 带的 is not searched */
    o = search("乘坐飞机我带的行李有点大可以带上飞机吗？");
    cr_assert(!strstr(str(o, "read_as"), "\"带的\""), "%s", str(o, "read_as"));
    json_object_put(o);
}

Test(reading, a_question_keeps_a_lone_character_with_the_word_after_it)
{
    /* ICU cuts 转租出去 into 转 租出去 and 反担保 into 反 担保: the lone
     * character makes a gram with the next word's first character, found
     * inside the law's word (转租, 反担保) */
    json_object *o = search("我可以把房屋转租出去吗？");
    cr_assert(strstr(str(o, "read_as"), "\"转租\""), "%s", str(o, "read_as"));
    json_object_put(o);
    o = search("什么是反担保？反担保人应当承担什么责任？");
    cr_assert(strstr(str(o, "read_as"), "\"反担\""), "%s", str(o, "read_as"));
    json_object_put(o);
    /* a function word before a word stays out: 把房 is not searched */
    o = search("我可以把房屋转租出去吗？");
    cr_assert(!strstr(str(o, "read_as"), "\"把房\""), "%s", str(o, "read_as"));
    json_object_put(o);
}

Test(reading, a_question_makes_no_gram_across_a_joined_character_or_a_question_word)
{
    /* ICU cuts 侵权诉讼 into 侵 权 诉讼: 侵权 is searched, and 权, already
     * joined to 侵, makes no gram 权诉 with the word after it; 由 makes
     * none with 哪一, a word a question word begins, which is a frame */
    json_object *o = search("产品侵权诉讼中由哪一方提供证据？");
    const char *read = str(o, "read_as");
    cr_assert(strstr(read, "\"侵权\"") && strstr(read, "\"诉讼\"") && strstr(read, "\"证据\""), "%s", read);
    const char *never[] = {"\"权诉\"", "\"由哪\"", "\"哪一\"", "\"哪一方\""};
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
        cr_assert_null(strstr(read, never[i]), "%s searched: %s", never[i], read);
    json_object_put(o);
}

/* Each question cases[i][0] searches cases[i][1] and not cases[i][2]
 * (quoted, as read_as shows words). */
static void reads_with_and_without(const char *const cases[][3], size_t n)
{
    for (size_t i = 0; i < n; i++) {
        json_object *o = search(cases[i][0]);
        const char *read = str(o, "read_as");
        cr_assert(strstr(read, cases[i][1]), "%s: no %s: %s", cases[i][0], cases[i][1], read);
        cr_assert_null(strstr(read, cases[i][2]), "%s: %s searched: %s", cases[i][0], cases[i][2], read);
        json_object_put(o);
    }
}

Test(reading, a_question_leaves_out_a_frame_the_segmenter_cuts)
{
    /* ICU cuts 怎么处理 into 怎么 处理 and 多长时间 into 多长 时间: each is
     * a frame as the text holds it, and none of its words is searched */
    const char *cases[][3] = {{"押金怎么处理？", "\"押金\"", "\"处理\""},
                              {"工伤认定需要多长时间？", "\"工伤\"", "\"时间\""}};
    reads_with_and_without(cases, sizeof cases / sizeof cases[0]);
}

Test(reading, a_question_ends_a_word_with_its_kind_before_pairing_characters)
{
    /* ICU cuts 抚养费由谁 into 抚养 费 由 谁 and 手续费应从 into 手续 费 应
     * 从: 费 ends the word before it (抚养费, 手续费), rather than making a
     * gram with the lone character after it (费由, 费应) */
    const char *cases[][3] = {{"离婚后孩子的抚养费由谁承担？", "\"抚养费\"", "\"费由\""},
                              {"金融机构预扣的手续费应从本金中扣除吗？", "\"手续费\"", "\"费应\""}};
    reads_with_and_without(cases, sizeof cases / sizeof cases[0]);
}

/* Whether the answer to q says the thesaurus added pair ("房租→租金"). */
static int expanded_with(const char *q, const char *pair)
{
    json_object *o = search(q), *x = get(get(o, "reading"), "expanded");
    int found = 0;
    for (size_t i = 0; x && i < json_object_array_length(x); i++)
        found |= strcmp(json_object_get_string(json_object_array_get_idx(x, i)), pair) == 0;
    json_object_put(o);
    return found;
}

Test(reading, the_thesaurus_joins_a_laypersons_words_in_every_field)
{
    /* a word from each field, to the law's word; the longest law words
     * (机动车交通事故责任强制保险: 39 bytes) are accepted */
    const char *cases[][2] = {
        {"交强险能赔多少钱？", "交强险→机动车交通事故责任强制保险"},
        {"房东不退房租怎么办？", "房租→租金"},
        {"在医院看病被误诊了怎么办？", "医院→医疗机构"},
        {"离婚后孩子的抚养权归谁？", "抚养权→直接抚养"},
        {"公司裁员要给多少补偿？", "裁员→裁减人员"},
        {"骗子骗走了我的钱怎么办？", "骗子→诈骗"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_assert(expanded_with(cases[i][0], cases[i][1]), "%s: no %s", cases[i][0], cases[i][1]);
}

Test(reading, a_thesaurus_word_is_at_most_48_bytes)
{
    const char *ok = "交强险 => 机动车交通事故责任强制保险\n";
    const char *bad = "交强险 => 机动车交通事故责任强制保险条例规定\n"; /* 17 characters */
    q_thesaurus *th = NULL;
    gz_error err = {0};
    cr_assert_eq(q_thesaurus_parse(ok, strlen(ok), &th, &err), GZ_OK, "%s", err.msg);
    q_thesaurus_close(th);
    cr_assert_eq(q_thesaurus_parse(bad, strlen(bad), &th, &err), GZ_INVALID);
    cr_assert(strstr(err.msg, "line 1: a word over 48 bytes"), "%s", err.msg);
}
