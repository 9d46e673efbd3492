/* Ranking: the proximity bonus, dynamic pruning, and the words' cache. The pruned top-k must
 * be exactly the exhaustive top-k (same units, same order, same scores, same
 * total) for random multi-word queries of every form the parser reads:
 * keywords, OR, NOT, phrases, questions, and keywords no unit holds together
 * (the any-word reading). On the sample always; on the laws corpus when it
 * is present. */
#include "format/format.h"
#include "indexer/indexer.h"
#include "searcher/cache.h" /* the words' cache, private to the searcher */
#include "searcher/searcher.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <json-c/json.h>
#include <unistd.h>

static void build_index_threads(char *dir, const char *source, int threads)
{
    cr_assert_not_null(mkdtemp(dir));
    ix_options o = {.dir = dir, .threads = threads};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {(char *)source};
    cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
}

static void build_index(char *dir, const char *source) { build_index_threads(dir, source, 2); }

static sr_top top(sr_index *ix, const char *q, size_t n, size_t offset, int exhaustive)
{
    sr_request rq = {.query = q, .n = n, .offset = offset, .exhaustive = exhaustive};
    sr_top t;
    gz_error err = {0};
    cr_assert_eq(sr_search_top(ix, &rq, &t, &err), GZ_OK, "%s: %s", q, err.msg);
    return t;
}

/* ------------------------------------------------------------ headings */

/* The rank (from 0) of the article labelled label in q's top 10 (every
 * hit of a document), or -1. */
static int rank_of(sr_index *ix, const char *q, const char *label)
{
    sr_request rq = {.query = q, .n = 10, .all_in_document = 1};
    gz_buf out;
    gz_buf_init(&out);
    gz_error err = {0};
    cr_assert_eq(sr_search_json(ix, &rq, &out, &err), GZ_OK, "%s", err.msg);
    json_object *o = json_tokener_parse(gz_buf_cstr(&out)), *hits, *unit, *l;
    gz_buf_fini(&out);
    int rank = -1;
    cr_assert(json_object_object_get_ex(o, "hits", &hits));
    for (size_t i = 0; rank < 0 && i < json_object_array_length(hits); i++)
        if (json_object_object_get_ex(json_object_array_get_idx(hits, i), "unit", &unit) &&
            json_object_object_get_ex(unit, "label", &l) && strcmp(json_object_get_string(l), label) == 0)
            rank = (int)i;
    json_object_put(o);
    return rank;
}

Test(ranking, a_question_counts_the_heading_above_an_article)
{
    char src[] = "/tmp/gz-head-src-XXXXXX", dir[] = "/tmp/gz-head-XXXXXX";
    /* 第一条 and 第三条 hold 转租 once; 第一条 is shorter, but 第三条 is
     * below the heading 租赁合同, which holds the question's other words */
    th_write_corpus(src, "法.md",
                    "# 中华人民共和国测试法\n\n## 第一章 一般规定\n\n第一条 承租人可以转租。\n\n"
                    "第二条 合同当事人应当遵循诚信原则。\n\n## 第二章 租赁合同\n\n"
                    "第三条 承租人经出租人同意的，可以将房屋转租给第三人。\n\n"
                    "第四条 出租人应当按照约定将租赁物交付承租人。\n");
    build_index(dir, src);
    sr_index *ix;
    gz_error err = {0};
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
    const char *q = "租赁合同可以转租吗？";
    int first = rank_of(ix, q, "第一条"), third = rank_of(ix, q, "第三条");
    cr_assert(first >= 0 && third >= 0, "%s: 第一条 at %d, 第三条 at %d", q, first, third);
    cr_assert_lt(third, first, "%s: 第三条 at %d, 第一条 at %d", q, third, first);
    /* keywords are not questions: no heading counts */
    cr_assert_lt(rank_of(ix, "转租", "第一条"), rank_of(ix, "转租", "第三条"));
    sr_index_close(ix);
}

Test(ranking, a_question_counts_a_heading_most_in_the_first_article_below_it)
{
    char src[] = "/tmp/gz-headfirst-src-XXXXXX", dir[] = "/tmp/gz-headfirst-XXXXXX";
    /* under 第二章 仓储合同, 第三条 and 第四条 hold 保管人 once, 第三条 in a
     * longer text: by its words alone 第四条 ranks first, but 第三条, the
     * first article below the heading, says what the chapter is about */
    th_write_corpus(src, "法.md",
                    "# 中华人民共和国测试法\n\n## 第一章 一般规定\n\n第一条 为了规范交易，制定本法。\n\n"
                    "第二条 当事人应当遵循诚信原则。\n\n## 第二章 仓储合同\n\n"
                    "第三条 保管人储存存货人交付的货物，存货人支付费用，适用本章的规定。\n\n"
                    "第四条 保管人应当按照约定储存存货人交付的货物。\n");
    build_index(dir, src);
    sr_index *ix;
    gz_error err = {0};
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
    const char *q = "仓储合同的保管人有什么义务？";
    int third = rank_of(ix, q, "第三条"), fourth = rank_of(ix, q, "第四条");
    cr_assert(third >= 0 && fourth >= 0, "%s: 第三条 at %d, 第四条 at %d", q, third, fourth);
    cr_assert_lt(third, fourth, "%s: 第三条 at %d, 第四条 at %d", q, third, fourth);
    sr_index_close(ix);
}

/* The rank (from 0) of the article labelled label of the law titled title
 * in q's top n (every hit of a document), or -1. */
static int rank_in_top(sr_index *ix, const char *q, const char *title, const char *label, size_t n)
{
    sr_request rq = {.query = q, .n = n, .all_in_document = 1};
    gz_buf out;
    gz_buf_init(&out);
    gz_error err = {0};
    cr_assert_eq(sr_search_json(ix, &rq, &out, &err), GZ_OK, "%s", err.msg);
    json_object *o = json_tokener_parse(gz_buf_cstr(&out)), *hits, *unit, *l, *t;
    gz_buf_fini(&out);
    int rank = -1;
    cr_assert(json_object_object_get_ex(o, "hits", &hits));
    for (size_t i = 0; rank < 0 && i < json_object_array_length(hits); i++) {
        json_object *h = json_object_array_get_idx(hits, i);
        if (json_object_object_get_ex(h, "title", &t) && strcmp(json_object_get_string(t), title) == 0 &&
            json_object_object_get_ex(h, "unit", &unit) && json_object_object_get_ex(unit, "label", &l) &&
            strcmp(json_object_get_string(l), label) == 0)
            rank = (int)i;
    }
    json_object_put(o);
    return rank;
}

/* The rank of a law's article in a question's top 10 (-1: not there). */
static int rank_in(sr_index *ix, const char *q, const char *title, const char *label)
{
    return rank_in_top(ix, q, title, label, 10);
}

Test(ranking, a_question_lifts_the_articles_of_the_law_that_answers_it_best)
{
    char src[] = "/tmp/gz-law-src-XXXXXX", dir[] = "/tmp/gz-law-XXXXXX";
    /* both laws hold every word of the question, so their document
     * factors are the same; 甲法's 第一条 holds them all, 乙法's articles
     * one each. 甲法's 第二条 holds 承租人 in a longer article than 乙法's
     * 第一条: alone it ranks below it, but its law's best article lifts it */
    const char *a = "# 中华人民共和国甲法\n\n第一条 承租人经出租人同意，可以将房屋转租给第三人。\n\n"
                    "第二条 承租人应当按照约定的方法使用房屋，并且按照房屋的性质合理使用，不得擅自改变用途。\n";
    th_write_corpus(src, "甲法.md", a);
    char path[4200];
    snprintf(path, sizeof path, "%s/乙法.md", src);
    FILE *f = fopen(path, "w");
    cr_assert(f && fputs("# 中华人民共和国乙法\n\n第一条 承租人应当妥善保管房屋。\n\n第二条 转租的，应当告知。\n\n"
                         "第三条 第三人可以参加。\n\n第四条 当事人同意的除外。\n\n第五条 出租人可以参加。\n",
                         f) >= 0 && fclose(f) == 0);
    build_index(dir, src);
    sr_index *ix;
    gz_error err = {0};
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
    const char *q = "承租人转租给第三人要出租人同意吗？";
    int a2 = rank_in(ix, q, "中华人民共和国甲法", "第二条"), b1 = rank_in(ix, q, "中华人民共和国乙法", "第一条");
    cr_assert_eq(rank_in(ix, q, "中华人民共和国甲法", "第一条"), 0);
    cr_assert(a2 >= 0 && b1 >= 0, "%s: 甲法 第二条 at %d, 乙法 第一条 at %d", q, a2, b1);
    cr_assert_lt(a2, b1, "%s: 甲法 第二条 at %d, 乙法 第一条 at %d", q, a2, b1);
    /* keywords are not questions: the shorter article first */
    cr_assert_lt(rank_in(ix, "承租人", "中华人民共和国乙法", "第一条"),
                 rank_in(ix, "承租人", "中华人民共和国甲法", "第二条"));
    sr_index_close(ix);
}

/* Writes text to src/name (src exists). */
static void write_file(const char *src, const char *name, const char *text)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", src, name);
    FILE *f = fopen(path, "w");
    cr_assert(f && fputs(text, f) >= 0 && fclose(f) == 0, "%s", path);
}

/* Writes b (freed here) to src/name, then indexes src into dir and
 * opens it. */
static sr_index *open_with(const char *src, char *dir, const char *name, gz_buf *b)
{
    write_file(src, name, gz_buf_cstr(b));
    gz_buf_fini(b);
    build_index(dir, src);
    sr_index *ix;
    gz_error err = {0};
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
    return ix;
}

/* Indexes 甲法.md and 乙法.md of the texts a and b (freed here) into
 * dir, from src, and opens it. */
static sr_index *open_two_laws(char *src, char *dir, gz_buf *a, gz_buf *b)
{
    th_write_corpus(src, "甲法.md", gz_buf_cstr(a));
    gz_buf_fini(a);
    return open_with(src, dir, "乙法.md", b);
}

/* 甲法 and 乙法 hold the same article; three other texts name the one
 * called cited in 《》. The rank in a question's top 10 of 甲法's article
 * and of 乙法's. */
static void ranks_when_cited(const char *cited, int *a, int *b)
{
    char src[] = "/tmp/gz-cite-src-XXXXXX", dir[] = "/tmp/gz-cite-XXXXXX";
    const char *article = "第一条 承租人经出租人同意，可以将房屋转租给第三人。\n";
    char text[512];
    snprintf(text, sizeof text, "# 中华人民共和国甲法\n\n%s", article);
    th_write_corpus(src, "甲法(2020-01-01).md", text);
    snprintf(text, sizeof text, "# 中华人民共和国乙法\n\n%s", article);
    write_file(src, "乙法(2020-01-01).md", text);
    for (int i = 0; i < 3; i++) {
        char name[64];
        snprintf(name, sizeof name, "丙%d办法.md", i);
        snprintf(text, sizeof text, "# 丙%d办法\n\n第一条 根据《中华人民共和国%s》，制定本办法。\n", i, cited);
        write_file(src, name, text);
    }
    build_index(dir, src);
    sr_index *ix;
    gz_error err = {0};
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
    const char *q = "承租人转租给第三人要出租人同意吗？";
    *a = rank_in(ix, q, "中华人民共和国甲法", "第一条");
    *b = rank_in(ix, q, "中华人民共和国乙法", "第一条");
    sr_index_close(ix);
}

Test(ranking, a_question_ranks_the_law_other_texts_cite_first)
{
    /* the same article in two laws: the one the other texts cite first,
     * whichever it is */
    int a, b;
    ranks_when_cited("乙法", &a, &b);
    cr_assert(a >= 0 && b >= 0, "乙法 cited: 甲法 at %d, 乙法 at %d", a, b);
    cr_assert_lt(b, a, "乙法 cited: 甲法 at %d, 乙法 at %d", a, b);
    ranks_when_cited("甲法", &a, &b);
    cr_assert(a >= 0 && b >= 0, "甲法 cited: 甲法 at %d, 乙法 at %d", a, b);
    cr_assert_lt(a, b, "甲法 cited: 甲法 at %d, 乙法 at %d", a, b);
}

Test(ranking, a_questions_citations_are_counted_outside_its_budget)
{
    /* the first question of a snapshot counts the works' citations from
     * every stored text: not within the question's budget, which a
     * command line's 100 ms the laws' texts alone would spend. So the
     * first answer holds what the second does, at the same peak memory */
    char dir[] = "/tmp/gz-citebudget-XXXXXX";
    build_index(dir, GZ_SAMPLE_DIR);
    sr_index *ix;
    gz_error err = {0};
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
    const char *q = "国有企业领导人员如何管理？";
    /* what a first query by words builds (the thesaurus among them) */
    sr_top words = top(ix, "领导人员国有企业", 10, 0, 0);
    sr_top_fini(&words);
    sr_top first = top(ix, q, 10, 0, 0), second = top(ix, q, 10, 0, 0);
    cr_assert_gt(second.n, 0);
    cr_assert(!first.partial && first.n == second.n, "%s: %zu hits, then %zu", q, first.n, second.n);
    cr_assert_leq(first.peak_bytes, second.peak_bytes + 4096, "%s: first at %zu bytes, then %zu", q,
                  first.peak_bytes, second.peak_bytes);
    sr_top_fini(&first);
    sr_top_fini(&second);
    sr_index_close(ix);
}

/* 甲法: eight articles hold 承租人, one 押金, as long; 乙法: eight longer
 * ones hold 押金 (a and b, initialised here). */
static void deposit_laws(gz_buf *a, gz_buf *b)
{
    gz_buf_init(a);
    gz_buf_init(b);
    gz_buf_puts(a, "# 中华人民共和国甲法\n\n");
    for (int i = 1; i <= 8; i++)
        gz_buf_printf(a, "第%d条 承租人应当按时交纳租金。\n\n", i);
    gz_buf_puts(a, "第9条 押金应当按时交纳租金。\n");
    gz_buf_puts(b, "# 中华人民共和国乙法\n\n");
    for (int i = 1; i <= 8; i++)
        gz_buf_printf(b, "第%d条 押金由银行按照国家有关规定统一保管并且定期公布保管情况。\n\n", i);
}

/* Asserts that in q's top n (every hit of a document) the article
 * labelled la of the law titled ta ranks above the one labelled lb of the
 * law titled tb, both at rank from or lower. */
static void assert_above(sr_index *ix, const char *q, const char *ta, const char *la, const char *tb, const char *lb,
                         size_t n, int from)
{
    int x = rank_in_top(ix, q, ta, la, n), y = rank_in_top(ix, q, tb, lb, n);
    cr_assert(x >= from && y >= from, "%s: %s %s at %d, %s %s at %d", q, ta, la, x, tb, lb, y);
    cr_assert_lt(x, y, "%s: %s %s at %d, %s %s at %d", q, ta, la, x, tb, lb, y);
}

Test(ranking, a_question_weighs_words_by_how_rare_they_are_in_the_law)
{
    char src[] = "/tmp/gz-inlaw-src-XXXXXX", dir[] = "/tmp/gz-inlaw-XXXXXX";
    /* 甲法: eight articles hold 承租人, one 押金, as long; 乙法: eight
     * longer ones hold 押金. Across the laws 承租人 is the rarer word, and
     * its articles rank above 第9条 by it; within 甲法 押金 is the rare
     * one, and tells 第9条 apart */
    gz_buf a, b;
    deposit_laws(&a, &b);
    sr_index *ix = open_two_laws(src, dir, &a, &b);
    const char *jia = "中华人民共和国甲法";
    assert_above(ix, "承租人的押金怎么处理？", jia, "第9条", jia, "第1条", 10, 0);
    /* keywords are not questions: by the words' rarity across the laws */
    cr_assert_lt(rank_in(ix, "承租人 OR 押金", "中华人民共和国甲法", "第1条"),
                 rank_in(ix, "承租人 OR 押金", "中华人民共和国甲法", "第9条"));
    sr_index_close(ix);
}

Test(ranking, a_question_weighs_words_by_their_rarity_in_a_lesser_law_too)
{
    char src[] = "/tmp/gz-inlaw12-src-XXXXXX", dir[] = "/tmp/gz-inlaw12-XXXXXX";
    /* as above, but eleven laws hold an article with both words, above
     * 甲法's: 甲法 is the twelfth document of the question's best units,
     * and within it 押金 still tells 第9条 apart */
    gz_buf a, b;
    deposit_laws(&a, &b);
    th_write_corpus(src, "甲法.md", gz_buf_cstr(&a));
    gz_buf_fini(&a);
    for (int k = 1; k <= 11; k++) {
        char name[64], text[256];
        snprintf(name, sizeof name, "丙法%d.md", k);
        snprintf(text, sizeof text, "# 中华人民共和国丙法%d\n\n第1条 承租人的押金应当退还。\n", k);
        write_file(src, name, text);
    }
    sr_index *ix = open_with(src, dir, "乙法.md", &b);
    const char *jia = "中华人民共和国甲法";
    assert_above(ix, "承租人的押金怎么处理？", jia, "第9条", jia, "第1条", 40, 11);
    sr_index_close(ix);
}

Test(ranking, a_question_weighs_words_by_their_rarity_in_the_whole_code)
{
    char src[] = "/tmp/gz-inwork-src-XXXXXX", dir[] = "/tmp/gz-inwork-XXXXXX";
    /* 甲典 in two parts (one title, one version date, a file each, as
     * 民法典's books): its first part's articles hold 承租人 or 押金, four
     * each, and its second part twenty more 押金; 乙法 holds 承租人 in
     * twenty-one. Across the laws 押金 is the rarer word, and within the
     * first part alone neither is; within the code 承租人 is, and tells
     * the first part's 第1条 apart */
    const char *date = "2020年5月28日 第十三届全国人民代表大会第三次会议通过\n\n";
    gz_buf a, b, c;
    gz_buf_init(&a);
    gz_buf_init(&b);
    gz_buf_init(&c);
    gz_buf_printf(&a, "# 中华人民共和国甲典\n\n# 甲编\n\n%s", date);
    for (int i = 1; i <= 8; i++)
        gz_buf_printf(&a, "第%d条 %s应当按时交纳租金。\n\n", i, i <= 4 ? "承租人" : "押金人");
    gz_buf_printf(&b, "# 中华人民共和国甲典\n\n# 乙编\n\n%s", date);
    for (int i = 9; i <= 28; i++)
        gz_buf_printf(&b, "第%d条 押金由银行统一保管。\n\n", i);
    gz_buf_puts(&c, "# 中华人民共和国乙法\n\n");
    for (int i = 1; i <= 21; i++)
        gz_buf_printf(&c, "第%d条 承租人由银行统一登记。\n\n", i);
    th_write_corpus(src, "甲典第一编.md", gz_buf_cstr(&a));
    gz_buf_fini(&a);
    write_file(src, "甲典第二编.md", gz_buf_cstr(&b));
    gz_buf_fini(&b);
    sr_index *ix = open_with(src, dir, "乙法.md", &c);
    const char *jia = "中华人民共和国甲典";
    assert_above(ix, "承租人的押金怎么处理？", jia, "第1条", jia, "第5条", 60, 0);
    sr_index_close(ix);
}

Test(ranking, a_question_lifts_the_law_whose_title_says_what_it_asks)
{
    char src[] = "/tmp/gz-lawhead-src-XXXXXX", dir[] = "/tmp/gz-lawhead-XXXXXX";
    /* two laws of the same articles, but for where 押金 is: in 甲法's
     * title, in 乙法's 第3条 (titles of one length). Their best articles
     * score the same, but 甲法 is about deposits: its other articles rank
     * above 乙法's (乙法 is indexed first, and wins a tie) */
    const char *body = "第1条 承租人的押金应当退还。\n\n第2条 承租人应当按时交纳租金。\n\n";
    char a[512], b[512];
    snprintf(a, sizeof a, "# 中华人民共和国押金法\n\n%s第3条 出租人应当按时维修房屋。\n", body);
    snprintf(b, sizeof b, "# 中华人民共和国乙丙法\n\n%s第3条 押金人应当按时维修房屋。\n", body);
    th_write_corpus(src, "甲法.md", a);
    gz_buf c;
    gz_buf_init(&c);
    gz_buf_puts(&c, b);
    sr_index *ix = open_with(src, dir, "乙法.md", &c);
    assert_above(ix, "承租人的押金怎么处理？", "中华人民共和国押金法", "第2条", "中华人民共和国乙丙法", "第2条", 10, 0);
    sr_index_close(ix);
}

Test(ranking, a_question_ranks_an_article_above_a_line_too_short_to_answer)
{
    char src[] = "/tmp/gz-short-src-XXXXXX", dir[] = "/tmp/gz-short-XXXXXX";
    /* 第1条 holds both words in 9 positions, 第2条 in 24: BM25's length
     * norm puts the short one first, which says too little to answer */
    gz_buf a;
    gz_buf_init(&a);
    gz_buf_puts(&a, "# 中华人民共和国甲法\n\n第1条 押金应当退还。\n\n"
                    "第2条 承租人交付的押金，出租人应当在租赁期限届满后退还。\n\n第3条 出租人应当维修房屋。\n");
    th_write_corpus(src, "乙法.md", "# 中华人民共和国乙法\n\n第1条 出租人应当维修房屋。\n");
    sr_index *ix = open_with(src, dir, "甲法.md", &a);
    const char *jia = "中华人民共和国甲法";
    assert_above(ix, "押金应该怎么退还？", jia, "第2条", jia, "第1条", 10, 0);
    /* keywords are not questions: the shorter first */
    cr_assert_lt(rank_in(ix, "押金 退还", "中华人民共和国甲法", "第1条"),
                 rank_in(ix, "押金 退还", "中华人民共和国甲法", "第2条"));
    sr_index_close(ix);
}

Test(ranking, a_questions_order_is_the_same_on_every_page_and_depth)
{
    char src[] = "/tmp/gz-lawpage-src-XXXXXX", dir[] = "/tmp/gz-lawpage-XXXXXX";
    /* 甲法: one article holding every word, then 60 long ones holding
     * 承租人; 乙法: 60 short ones holding 承租人 (each above 甲法's alone),
     * and the other words one an article. 甲法's law evidence lifts its
     * long articles above 乙法's: whether the top 10 or the top 100 is
     * asked, and page by page, the order is the same */
    gz_buf a, b;
    gz_buf_init(&a);
    gz_buf_init(&b);
    gz_buf_puts(&a, "# 中华人民共和国甲法\n\n第1条 承租人经出租人同意，可以将房屋转租给第三人。\n\n");
    gz_buf_puts(&b, "# 中华人民共和国乙法\n\n");
    for (int i = 2; i <= 61; i++)
        gz_buf_printf(&a, "第%d条 承租人应当按照约定的方法使用房屋，并且按照房屋的性质合理使用，不得擅自改变用途。\n\n", i);
    for (int i = 1; i <= 60; i++)
        gz_buf_printf(&b, "第%d条 承租人应当妥善保管房屋。\n\n", i);
    gz_buf_puts(&b, "第61条 转租的，应当告知。\n\n第62条 第三人可以参加。\n\n第63条 当事人同意的除外。\n\n"
                    "第64条 出租人可以参加。\n");
    sr_index *ix = open_two_laws(src, dir, &a, &b);
    const char *q = "承租人转租给第三人要出租人同意吗？";
    sr_top deep = top(ix, q, 100, 0, 0), p1 = top(ix, q, 10, 0, 0), p2 = top(ix, q, 10, 10, 0);
    cr_assert_eq(deep.n, 100);
    cr_assert(p1.n == 10 && p2.n == 10);
    for (size_t i = 0; i < 10; i++) {
        cr_assert_eq(p1.hit[i].id, deep.hit[i].id, "%s: rank %zu of the top 10 is not the top 100's", q, i + 1);
        cr_assert_eq(p2.hit[i].id, deep.hit[10 + i].id, "%s: rank %zu on page 2 is not the top 100's", q, 11 + i);
    }
    sr_top_fini(&deep);
    sr_top_fini(&p1);
    sr_top_fini(&p2);
    sr_index_close(ix);
}

/* ------------------------------------------------------------ proximity */

Test(ranking, words_close_together_rank_first)
{
    char src[] = "/tmp/gz-prox-src-XXXXXX", dir[] = "/tmp/gz-prox-XXXXXX";
    /* the same words, the same number of times, in units of the same
     * length: only the distance between the two words differs */
    th_write_corpus(src, "法.md",
                    "# 测试条例\n\n"
                    "第一条 职工应当遵守本单位各项规章制度并且认真履行岗位职责接受代表监督。\n\n"
                    "第二条 本单位各项规章制度并且认真履行岗位职责接受监督职工代表应当遵守。\n\n"
                    "第三条 职工应当遵守本单位各项规章制度并且认真履行岗位代表职责接受监督。\n");
    build_index(dir, src);
    sr_index *ix;
    gz_error err = {0};
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
    sr_top t = top(ix, "职工 代表", 10, 0, 1);
    cr_assert_eq(t.total, 3);
    cr_assert_eq(t.n, 3);
    /* 第二条 (adjacent) first, then 第三条 (closer than 第一条), then 第一条 */
    uint32_t unit[3];
    for (int i = 0; i < 3; i++)
        unit[i] = (uint32_t)t.hit[i].id;
    cr_assert(t.hit[0].score > t.hit[1].score && t.hit[1].score > t.hit[2].score, "%f %f %f", t.hit[0].score,
              t.hit[1].score, t.hit[2].score);
    gz_snapshot *snap;
    cr_assert_eq(gz_snapshot_open(dir, &snap, &err), GZ_OK);
    const int want[3] = {2, 3, 1};
    for (int i = 0; i < 3; i++) {
        gz_unitinfo ui;
        cr_assert_eq(gz_segment_unit(snap->seg[0], unit[i], &ui), GZ_OK);
        cr_assert_eq(ui.number, want[i], "rank %d is article %d, not %d", i + 1, ui.number, want[i]);
    }
    /* one word alone: no proximity, all three within rounding of each other */
    sr_top_fini(&t);
    t = top(ix, "职工", 10, 0, 1);
    cr_assert_eq(t.n, 3);
    cr_assert_lt(t.hit[0].score - t.hit[2].score, 1e-9 + 0.05 * t.hit[0].score);
    sr_top_fini(&t);
    gz_snapshot_close(snap);
    sr_index_close(ix);
}

/* -------------------------------------------------------------- pruning */

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) { return th_rnd(&rng); }

/* A run of exactly `chars` Han characters of text (retried), or 0. */
static size_t han_exact(const char *text, size_t len, int chars, char *out)
{
    for (int tries = 0; tries < 200; tries++) {
        size_t n = th_han_run(text, len, &rng, chars, out);
        if (n == 3 * (size_t)chars)
            return n;
    }
    return 0;
}

/* Random queries of every form on the index in dir: pruned equals
 * exhaustive (units, order, scores, total). */
static void pruning_equals_exhaustive_on(const char *dir, const char *what, int n_queries)
{
    /* text to draw words from: the stored text of some documents */
    gz_snapshot *snap;
    gz_error err = {0};
    cr_assert_eq(gz_snapshot_open(dir, &snap, &err), GZ_OK, "%s", err.msg);
    gz_buf text, doc, titles;
    gz_buf_init(&text);
    gz_buf_init(&doc);
    gz_buf_init(&titles);
    gz_textctx *tc = NULL;
    for (size_t s = 0; s < snap->man.n_seg; s++) {
        gz_seg_stats ss;
        gz_segment_stats(snap->seg[s], &ss);
        for (uint32_t d = 0; d < ss.n_docs && text.len < (4u << 20); d += 1 + ss.n_docs / 200)
            if (gz_segment_text(snap->seg[s], d, &doc, &tc) == GZ_OK)
                gz_buf_put(&text, doc.data, doc.len);
        /* titles: words a title holds get the title boost in every unit of
         * their document, held there or not */
        for (uint32_t d = 0; d < ss.n_docs; d++) {
            gz_docinfo di;
            if (gz_segment_doc(snap->seg[s], d, &di) == GZ_OK) {
                gz_buf_puts(&titles, di.title);
                gz_buf_putc(&titles, '\n');
            }
        }
    }
    gz_textctx_close(tc);
    gz_buf_fini(&doc);
    gz_snapshot_close(snap);
    cr_assert_gt(text.len, 0);
    sr_index *ix;
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
    static const char *const qw[] = {"什么", "如何", "是否", "哪些"};
    size_t scored = 0, scored_exh = 0, nonempty = 0;
    for (int i = 0; i < n_queries; i++) {
        char w[4][128], q[600];
        int n_words = 2 + (int)(rnd() % 3);
        for (int k = 0; k < n_words; k++)
            cr_assert_gt(th_han_run(text.data, text.len, &rng, k == 0 ? 6 : 4, w[k]), 0);
        switch (i % 9) {
        case 8: /* a word of a title OR another: the title boost of a word the unit does not hold */
            cr_assert_gt(th_han_run(titles.data, titles.len, &rng, 4, w[0]), 0);
            snprintf(q, sizeof q, i % 2 ? "%s OR %s" : "%s%s什么？", w[0], w[1]);
            break;
        case 6: /* one word of two characters: one term, block-max */
            cr_assert_gt(han_exact(text.data, text.len, 2, w[0]), 0);
            snprintf(q, sizeof q, "%s", w[0]);
            break;
        case 7: /* an AND of words of two characters: cursors, no lists */
            for (int k = 0; k < (n_words == 4 ? 3 : 2); k++)
                cr_assert_gt(han_exact(text.data, text.len, 2, w[k]), 0);
            if (n_words == 4)
                snprintf(q, sizeof q, "%s %s %s", w[0], w[1], w[2]);
            else
                snprintf(q, sizeof q, "%s %s", w[0], w[1]);
            break;
        case 0: snprintf(q, sizeof q, "%s %s", w[0], w[1]); break;
        case 1: snprintf(q, sizeof q, "%s %s %s", w[0], w[1], w[2]); break;
        case 2: snprintf(q, sizeof q, "%s OR %s OR %s", w[0], w[1], w[2]); break;
        case 3: snprintf(q, sizeof q, "\"%s%s\" %s -%s", w[0], w[1], w[2], w[3]); break;
        case 4: snprintf(q, sizeof q, "%s%s%s%s？", w[0], w[1], w[2], qw[rnd() % 4]); break;
        default: snprintf(q, sizeof q, "%s %s (%s OR %s)", w[0], w[1], w[2], w[3]); break;
        }
        size_t n = 1 + rnd() % 20, offset = i % 5 == 0 ? rnd() % 15 : 0;
        sr_top p = top(ix, q, n, offset, 0), e = top(ix, q, n, offset, 1);
        cr_assert_not(e.total_estimated, "'%s': an exhaustive search counts every match", q);
        if (p.total_estimated) /* past SR_COUNT_EXACT: a sample's estimate */
            cr_assert(p.total > e.total * 0.7 && p.total < e.total * 1.3, "'%s': total about %zu pruned, %zu exhaustive",
                      q, p.total, e.total);
        else
            cr_assert_eq(p.total, e.total, "'%s': total %zu pruned, %zu exhaustive", q, p.total, e.total);
        cr_assert_eq(p.n, e.n, "'%s': %zu hits pruned, %zu exhaustive", q, p.n, e.n);
        for (size_t k = 0; k < p.n; k++) {
            cr_assert_eq(p.hit[k].id, e.hit[k].id, "'%s' n=%zu offset=%zu: rank %zu differs", q, n, offset, k + 1);
            cr_assert_eq(p.hit[k].score, e.hit[k].score, "'%s': rank %zu scores %.17g vs %.17g", q, k + 1,
                         p.hit[k].score, e.hit[k].score);
        }
        cr_assert_leq(p.scored, e.scored);
        if (i % 2 == 0) {
            /* the whole JSON answer too: hits, snippets, total, facets */
            gz_buf jp, je;
            gz_buf_init(&jp);
            gz_buf_init(&je);
            sr_request rq = {.query = q, .n = n, .offset = offset};
            cr_assert_eq(sr_search_json(ix, &rq, &jp, &err), GZ_OK, "%s", err.msg);
            rq.exhaustive = 1;
            cr_assert_eq(sr_search_json(ix, &rq, &je, &err), GZ_OK, "%s", err.msg);
            /* (an estimated total and facets differ from the exact ones) */
            cr_assert(strstr(gz_buf_cstr(&jp), "\"facets_estimated\":true") ||
                          (jp.len == je.len && memcmp(jp.data, je.data, jp.len) == 0),
                      "'%s': the JSON answers differ:\npruned:     %.400s\nexhaustive: %.400s", q, gz_buf_cstr(&jp),
                      gz_buf_cstr(&je));
            gz_buf_fini(&jp);
            gz_buf_fini(&je);
        }
        scored += p.scored;
        scored_exh += e.scored;
        nonempty += p.n > 0;
        sr_top_fini(&p);
        sr_top_fini(&e);
    }
    fprintf(stderr, "pruning: %s: %d queries (%zu with hits), top-k equal to exhaustive; scored in full %zu of %zu\n",
            what, n_queries, nonempty, scored, scored_exh);
    /* the property is only worth something if queries found things, and
     * pruning is only pruning if it skipped work */
    cr_assert_gt(nonempty, (size_t)n_queries / 2);
    cr_assert_lt(scored, scored_exh);
    sr_index_close(ix);
    gz_buf_fini(&text);
    gz_buf_fini(&titles);
}

static void pruning_equals_exhaustive(const char *source, int n_queries)
{
    char dir[] = "/tmp/gz-prune-XXXXXX";
    build_index(dir, source);
    pruning_equals_exhaustive_on(dir, source, n_queries);
}

TestSuite(ranking, .timeout = 1200);

Test(ranking, sample_pruned_top_k_equals_exhaustive) { pruning_equals_exhaustive(GZ_SAMPLE_DIR, 500); }

/* With deleted documents: the page skips them and the total does not count
 * them, however the units were reached (lists, cursors, skipped blocks). */
Test(ranking, pruned_equals_exhaustive_with_deletions)
{
    char src[] = "/tmp/gz-prune-del-src-XXXXXX", dir[] = "/tmp/gz-prune-del-XXXXXX", cmd[600];
    cr_assert_not_null(mkdtemp(src));
    snprintf(cmd, sizeof cmd, "cp -r '%s/laws' '%s/seed' '%s/'", GZ_SAMPLE_DIR, GZ_SAMPLE_DIR, src);
    cr_assert_eq(system(cmd), 0);
    /* one worker: one segment holds every document, so the two that go
     * stay there as tombstones (with two, a segment of only those two
     * would go whole) */
    build_index_threads(dir, src, 1);
    /* two laws go: their documents become tombstones */
    snprintf(cmd, sizeof cmd, "rm '%s/laws/刑法.md' '%s/laws/个人独资企业法(1999-08-30).md'", src, src);
    cr_assert_eq(system(cmd), 0);
    ix_options o = {.dir = dir, .threads = 2, .prune = 1};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {src};
    cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(r.removed, 2);
    gz_snapshot *snap;
    cr_assert_eq(gz_snapshot_open(dir, &snap, &err), GZ_OK);
    int deletions = 0;
    for (size_t s = 0; s < snap->man.n_seg; s++)
        deletions |= snap->deleted[s] != NULL;
    gz_snapshot_close(snap);
    cr_assert(deletions, "the removed files left no tombstones: the test would test nothing");
    pruning_equals_exhaustive_on(dir, "sample with two laws deleted", 300);
}

/* Exact copies of the sample's laws, in several segments: every score
 * ties four ways, and the page must hold the earliest of the equal units
 * (sr_cmp_hit_score: the earlier segment, then the earlier unit), as the
 * exhaustive ranking does, whatever order the pruned paths visit them in
 * (block-max visits its best blocks first). Fails if a tie with the page's
 * worst is let in or kept out by the order of the visit rather than by
 * place. */
Test(ranking, pruned_equals_exhaustive_when_copies_tie)
{
    char src[] = "/tmp/gz-prune-tie-src-XXXXXX", dir[] = "/tmp/gz-prune-tie-XXXXXX", cmd[600];
    cr_assert_not_null(mkdtemp(src));
    for (int k = 0; k < 4; k++) {
        snprintf(cmd, sizeof cmd, "mkdir '%s/%d' && cp -r '%s/laws' '%s/%d/'", src, k, GZ_SAMPLE_DIR, src, k);
        cr_assert_eq(system(cmd), 0);
    }
    build_index_threads(dir, src, 3);
    gz_snapshot *snap;
    gz_error err = {0};
    cr_assert_eq(gz_snapshot_open(dir, &snap, &err), GZ_OK, "%s", err.msg);
    cr_assert_gt(snap->man.n_seg, 1, "one segment: the ties would not cross segments");
    gz_snapshot_close(snap);
    /* the ties are there: a word's best four are one unit's copies */
    sr_index *ix;
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
    sr_top e = top(ix, "个体工商户", 4, 0, 1);
    cr_assert_eq(e.n, 4);
    cr_assert(e.hit[0].score == e.hit[3].score, "no four-way tie at the top: %g, %g", e.hit[0].score, e.hit[3].score);
    sr_top_fini(&e);
    sr_index_close(ix);
    pruning_equals_exhaustive_on(dir, "four copies of the sample's laws", 400);
}

/* A question's bound of a unit takes its document's prior: 60 articles of
 * a national law (prior 1) fill the first scoring's page of 50, and the
 * same article in 40 local regulations (prior 0.3), visited after them, can
 * never enter it. Their units are passed over on their words' bounds, not
 * bounded one by one; fails if the prior is left out of those bounds. */
Test(ranking, a_questions_prior_keeps_units_that_cannot_enter_unbounded)
{
    char src[] = "/tmp/gz-prior-src-XXXXXX", dir[] = "/tmp/gz-prior-XXXXXX";
    const char *article = "承租人经出租人同意，可以将房屋转租给第三人。";
    gz_buf law;
    gz_buf_init(&law);
    gz_buf_puts(&law, "# 中华人民共和国甲法\n\n");
    for (int i = 1; i <= 60; i++)
        gz_buf_printf(&law, "第%d条 %s\n\n", i, article);
    th_write_corpus(src, "a.md", gz_buf_cstr(&law));
    gz_buf_fini(&law);
    for (int k = 0; k < 40; k++) {
        char name[32], text[512];
        snprintf(name, sizeof name, "b%02d.md", k);
        snprintf(text, sizeof text, "# 长宁市房屋规定\n\n第一条 %s\n\n第二条 %s\n\n第三条 %s\n", article, article,
                 article);
        write_file(src, name, text);
    }
    build_index_threads(dir, src, 1);
    sr_index *ix;
    gz_error err = {0};
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
    const char *q = "承租人转租给第三人要出租人同意吗？";
    sr_top p = top(ix, q, 10, 0, 0), e = top(ix, q, 10, 0, 1);
    cr_assert_eq(p.n, 10);
    for (size_t k = 0; k < p.n; k++)
        cr_assert(p.hit[k].id == e.hit[k].id && p.hit[k].score == e.hit[k].score, "%s: rank %zu differs", q, k + 1);
    /* the law's 61 units (its title line too), and of the 160 others at
     * most the few met before the page was full */
    cr_assert_gt(e.bounded, (size_t)61 + 120, "%s: exhaustive bounded %zu", q, e.bounded);
    cr_assert_leq(p.bounded, (size_t)61 + 10, "%s: pruned bounded %zu units", q, p.bounded);
    sr_top_fini(&p);
    sr_top_fini(&e);
    sr_index_close(ix);
}

Test(ranking, laws_pruned_top_k_equals_exhaustive)
{
    char laws[4200];
    TH_LAWS_OR_SKIP(laws);
    pruning_equals_exhaustive(laws, 500);
}

/* ---------------------------------------------------------------- totals */

/* Past SR_COUNT_EXACT postings of the driving word, a pruned search
 * counts a sample of the matches: the total of an AND of two common words
 * of the laws is then an estimate, flagged, within a few percent of the
 * exact count an exhaustive search gives, and the JSON and the facets say
 * so; a word's total stays exact (its postings' count). Fails if every
 * match is counted (no estimate) or the estimate strays. */
Test(ranking, totals_past_the_exact_count_are_estimates)
{
    char laws[4200], dir[] = "/tmp/gz-total-XXXXXX";
    TH_LAWS_OR_SKIP(laws);
    build_index(dir, laws);
    sr_index *ix;
    gz_error err = {0};
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
    sr_top p = top(ix, "规定 应当", 10, 0, 0), e = top(ix, "规定 应当", 10, 0, 1);
    cr_assert_gt(e.total, (size_t)SR_COUNT_EXACT, "too few matches (%zu) to test a bound", e.total);
    cr_assert(p.total_estimated, "every one of %zu matches counted", e.total);
    cr_assert_not(e.total_estimated);
    double err_rel = ((double)p.total - (double)e.total) / (double)e.total;
    cr_assert(err_rel > -0.1 && err_rel < 0.1, "estimate %zu, exact %zu", p.total, e.total);
    for (size_t k = 0; k < p.n; k++)
        cr_assert_eq(p.hit[k].id, e.hit[k].id, "rank %zu differs", k + 1);
    sr_top_fini(&p);
    sr_top_fini(&e);
    /* the answer says it */
    gz_buf out;
    gz_buf_init(&out);
    sr_request rq = {.query = "规定 应当", .n = 10};
    cr_assert_eq(sr_search_json(ix, &rq, &out, &err), GZ_OK, "%s", err.msg);
    cr_assert(strstr(gz_buf_cstr(&out), "\"total_estimated\":true,\"facets_estimated\":true"), "%.300s",
              gz_buf_cstr(&out));
    /* one word: its total is its postings' count, exact */
    p = top(ix, "规定", 10, 0, 0);
    e = top(ix, "规定", 10, 0, 1);
    cr_assert_not(p.total_estimated);
    cr_assert_eq(p.total, e.total);
    sr_top_fini(&p);
    sr_top_fini(&e);
    gz_buf_fini(&out);
    sr_index_close(ix);
}

/* ---------------------------------------------------------------- facets */

/* Seventy laws of seventy years, the oldest with the most matching
 * articles: the year facet lists the 50 years with the most matches,
 * counted over every match, so 1950 comes first with its five. Fails if
 * the facet keeps only some of the years (the 64 latest, as it once did)
 * before ranking them. */
Test(ranking, the_year_facet_ranks_every_year)
{
    char src[] = "/tmp/gz-facet-src-XXXXXX", dir[] = "/tmp/gz-facet-XXXXXX", path[200];
    cr_assert_not_null(mkdtemp(src));
    for (int y = 1950; y < 2020; y++) {
        snprintf(path, sizeof path, "%s/测试法%d(%d-01-01).md", src, y, y);
        FILE *f = fopen(path, "w");
        cr_assert_not_null(f);
        fprintf(f, "# 测试法%d\n\n%d年1月1日 测试会议通过\n\n<!-- INFO END -->\n\n", y, y);
        for (int a = 0; a < (y == 1950 ? 5 : 1); a++)
            fprintf(f, "第%d条 本法规定测试事项。\n\n", a + 1);
        fclose(f);
    }
    build_index(dir, src);
    sr_index *ix;
    gz_error err = {0};
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK, "%s", err.msg);
    sr_request rq = {.query = "测试事项", .n = 1};
    gz_buf out;
    gz_buf_init(&out);
    cr_assert_eq(sr_search_json(ix, &rq, &out, &err), GZ_OK, "%s", err.msg);
    json_object *o = json_tokener_parse(gz_buf_cstr(&out)), *facets, *years, *total;
    cr_assert_not_null(o);
    cr_assert(json_object_object_get_ex(o, "total", &total) && json_object_get_int(total) == 74);
    cr_assert(json_object_object_get_ex(o, "facets", &facets) && json_object_object_get_ex(facets, "year", &years));
    cr_assert_eq(json_object_array_length(years), 50, "the 50 years with the most matches");
    json_object *first = json_object_array_get_idx(years, 0), *v, *c;
    cr_assert(json_object_object_get_ex(first, "value", &v) && json_object_object_get_ex(first, "count", &c));
    cr_assert_str_eq(json_object_get_string(v), "1950");
    cr_assert_eq(json_object_get_int(c), 5);
    json_object_put(o);
    gz_buf_fini(&out);
    sr_index_close(ix);
}

/* ---------------------------------------------------------- words' cache */

/* A cache of 4,000 entries' worth of bytes given 20,000 distinct words:
 * whatever it kept comes back exactly, the most recent are kept, the total
 * stays within the budget, and it never answers for a word it dropped. */
Test(ranking, the_word_cache_keeps_the_recent_within_its_budget)
{
    size_t per = 64 * 2 * sizeof(uint32_t) + 16 + 64; /* a list of 64, its key, its entry */
    sr_cache *c = sr_cache_open(4000 * per);
    cr_assert_not_null(c);
    char key[32];
    for (uint32_t w = 0; w < 20000; w++) {
        ulist l = {0};
        for (uint32_t i = 0; i < 64; i++)
            cr_assert_eq(ul_push(&l, w * 7 + i, 1 + (w + i) % 5), GZ_OK);
        snprintf(key, sizeof key, "word-%u", w);
        sr_cache_put(c, w % 3, key, &l);
        ul_fini(&l);
    }
    size_t kept = 0, recent_kept = 0;
    for (uint32_t w = 0; w < 20000; w++) {
        ulist got = {0};
        snprintf(key, sizeof key, "word-%u", w);
        if (sr_cache_get(c, w % 3, key, &got)) {
            kept++;
            recent_kept += w >= 20000 - 500;
            cr_assert_eq(got.n, 64);
            for (uint32_t i = 0; i < 64; i++) {
                cr_assert_eq(got.unit[i], w * 7 + i, "word %u item %u", w, i);
                cr_assert_eq(got.tf[i], 1 + (w + i) % 5);
            }
        }
        /* another segment's entry of the same word is not this one */
        ulist other = {0};
        cr_assert_eq(sr_cache_get(c, (w + 1) % 3, key, &other), 0);
        ul_fini(&other);
        ul_fini(&got);
    }
    cr_assert_gt(kept, 500, "kept %zu", kept);
    cr_assert_leq(kept, 4000, "kept %zu, over its budget", kept);
    cr_assert_eq(recent_kept, 500, "the 500 most recent words: %zu kept", recent_kept);
    sr_cache_close(c);
}
