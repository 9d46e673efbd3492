/* The analyzer's rules, one behaviour per test: grams and positions,
 * boundaries, normalisation, numerals, 文号, Mongolian, offsets. */
#include "analysis/analysis.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static an_analyzer *an;

static void open_an(void)
{
    gz_error err = {0};
    cr_assert_eq(an_analyzer_open(&an, &err), GZ_OK, "%s", err.msg);
}

static void close_an(void) { an_analyzer_close(an); }

TestSuite(analyze, .init = open_an, .fini = close_an);

static const an_token *toks;
static size_t n_toks;

static void run(const char *s, an_mode mode)
{
    cr_assert_eq(an_analyze(an, s, strlen(s), mode, &toks, &n_toks), GZ_OK);
}

/* The first token of type t with text s, or NULL. */
static const an_token *find(an_type t, const char *s)
{
    for (size_t i = 0; i < n_toks; i++)
        if (toks[i].type == t && toks[i].len == strlen(s) && memcmp(toks[i].text, s, toks[i].len) == 0)
            return &toks[i];
    return NULL;
}

static int has_text(const char *s)
{
    for (int t = 0; t < AN_TYPE__COUNT; t++)
        if (find((an_type)t, s))
            return 1;
    return 0;
}

Test(analyze, grams_at_consecutive_positions)
{
    run("伊金霍洛旗人民政府", AN_MODE_DOCUMENT);
    const char *grams[] = {"伊金", "金霍", "霍洛", "洛旗", "旗人", "人民", "民政", "政府"};
    for (uint32_t k = 0; k < 8; k++) {
        const an_token *g = find(AN_GRAM, grams[k]);
        cr_assert_not_null(g, "gram %s missing", grams[k]);
        cr_assert_eq(g->pos, k);
        cr_assert_eq(g->end - g->start, 6);
        cr_assert_eq(g->start, 3 * k);
    }
    const an_token *u = find(AN_UNI, "府");
    cr_assert_not_null(u, "the run's last character stands alone");
    cr_assert_eq(u->pos, 8);
    cr_assert_null(find(AN_UNI, "人"), "only the run's last character gets a unigram");
}

Test(analyze, punctuation_breaks_grams)
{
    run("散发、展示", AN_MODE_DOCUMENT);
    cr_assert_null(find(AN_GRAM, "发展"), "发展 must not match across 、");
    cr_assert_eq(find(AN_GRAM, "展示")->pos, find(AN_GRAM, "散发")->pos + 3,
                 "the 、 takes a position");
    run("破产法》规定", AN_MODE_DOCUMENT);
    cr_assert_null(find(AN_GRAM, "法规"));
    run("第一条\n第二条", AN_MODE_DOCUMENT);
    cr_assert_null(find(AN_GRAM, "条第"), "no gram across a line break");
}

Test(analyze, document_spaces_join_query_spaces_split)
{
    run("乡村 振兴", AN_MODE_DOCUMENT);
    const an_token *g = find(AN_GRAM, "村振");
    cr_assert_not_null(g, "PDF extraction splits words with blanks");
    cr_assert_eq(g->start, 3);
    cr_assert_eq(g->end, strlen("村 振") + 3);
    run("垃圾分类 充电桩", AN_MODE_QUERY);
    cr_assert_null(find(AN_GRAM, "类充"), "a query's blank separates words");
}

Test(analyze, query_mode_single_characters_are_prefixes)
{
    run("人", AN_MODE_QUERY);
    cr_assert_not_null(find(AN_PREFIX, "人"));
    run("人民", AN_MODE_QUERY);
    cr_assert_not_null(find(AN_GRAM, "人民"));
    cr_assert_null(find(AN_UNI, "民"), "queries carry no run-final unigram");
    cr_assert_null(find(AN_PREFIX, "民"));
}

Test(analyze, nfkc_casefold_and_fullwidth)
{
    run("ＡＢＣ Hello ２０２３年", AN_MODE_DOCUMENT);
    cr_assert_not_null(find(AN_TERM, "abc"));
    cr_assert_not_null(find(AN_TERM, "hello"));
    const an_token *y = find(AN_TERM, "2023");
    cr_assert_not_null(y);
    cr_assert_eq(y->end - y->start, 12, "offsets cover the full-width digits");
}

Test(analyze, traditional_folds_to_simplified)
{
    run("職工代表大會", AN_MODE_DOCUMENT);
    cr_assert_not_null(find(AN_GRAM, "职工"));
    cr_assert_not_null(find(AN_GRAM, "大会"));
    cr_assert_not_null(find(AN_UNI, "会"));
    /* and the folding is per character, so positions are unchanged */
    cr_assert_eq(find(AN_GRAM, "大会")->pos, 4);
}

Test(analyze, numerals_in_context)
{
    run("第四十六条", AN_MODE_DOCUMENT);
    const an_token *num = find(AN_NUM, "46");
    cr_assert_not_null(num);
    cr_assert_eq(num->pos, 1);
    cr_assert_eq(num->span, 3, "四十六 covers three positions");
    cr_assert_eq(find(AN_UNI, "条")->pos, num->pos + num->span, "条 follows the numeral's span");
    run("第46条", AN_MODE_QUERY);
    const an_token *q = find(AN_TERM, "46");
    cr_assert_not_null(q, "the query's Arabic numeral has the same text as the fold");
    cr_assert_eq(q->pos, 1);
    run("二〇二三年十一月三十日", AN_MODE_DOCUMENT);
    cr_assert_not_null(find(AN_NUM, "2023"));
    cr_assert_not_null(find(AN_NUM, "11"));
    cr_assert_not_null(find(AN_NUM, "30"));
    run("一百零五人", AN_MODE_DOCUMENT);
    cr_assert_not_null(find(AN_NUM, "105"), "plain positional numbers fold");
}

Test(analyze, numerals_not_in_names)
{
    run("张三和李四", AN_MODE_DOCUMENT);
    cr_assert_null(find(AN_NUM, "3"));
    cr_assert_null(find(AN_NUM, "4"));
    run("万一千万统一", AN_MODE_DOCUMENT);
    for (size_t i = 0; i < n_toks; i++)
        cr_assert_neq(toks[i].type, AN_NUM, "%.*s folded", (int)toks[i].len, toks[i].text);
}

Test(analyze, docno_in_any_bracket_is_one_keyword)
{
    const char *forms[] = {"伊政发〔2023〕110号", "伊政发[2023]110号", "伊政发［２０２３］１１０号",
                           "伊政发（2023）110号", "伊政发【2023】110号", "根据伊政發〔2023〕110号执行"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        run(forms[i], AN_MODE_DOCUMENT);
        const an_token *d = find(AN_DOCNO, "伊政发〔2023〕110号");
        cr_assert_not_null(d, "no 文号 token in %s", forms[i]);
        cr_assert_eq(memcmp(forms[i] + d->start, "伊政", 6), 0, "%s: starts at %u", forms[i], d->start);
        cr_assert_eq(memcmp(forms[i] + d->end - 3, "号", 3), 0);
    }
}

Test(analyze, mongolian_variation_selectors_ignored)
{
    /* ᠪᠢᠴᠢᠭ with FVS1 (U+180B) and without; ᠨᠡᠷ᠎ᠡ with MVS (U+180E) */
    run("ᠪᠢᠴᠢᠭ\u180B ᠨᠡᠷ\u180Eᠡ", AN_MODE_DOCUMENT);
    cr_assert_not_null(find(AN_TERM, "ᠪᠢᠴᠢᠭ"));
    cr_assert_not_null(find(AN_TERM, "ᠨᠡᠷᠡ"));
    cr_assert_not(has_text("ᠪᠢᠴᠢᠭ\u180B"));
}

Test(analyze, mongolian_nnbsp_splits_suffix)
{
    run("ᠮᠣᠩᠭᠣᠯ\u202Fᠤᠨ", AN_MODE_DOCUMENT);
    const an_token *stem = find(AN_TERM, "ᠮᠣᠩᠭᠣᠯ"), *suffix = find(AN_TERM, "ᠤᠨ");
    cr_assert_not_null(stem);
    cr_assert_not_null(suffix);
    cr_assert_eq(suffix->pos, stem->pos + 1);
}

Test(analyze, words_from_icu)
{
    run("中华人民共和国个人独资企业法", AN_MODE_DOCUMENT);
    size_t words = 0;
    uint32_t next = 0;
    for (size_t i = 0; i < n_toks; i++)
        if (toks[i].type == AN_WORD) {
            cr_assert_eq(toks[i].pos, next, "words tile the run");
            next = toks[i].pos + toks[i].span;
            words++;
        }
    cr_assert_eq(next, 14);
    cr_assert_gt(words, 2);
}

Test(analyze, invalid_utf8_is_a_boundary)
{
    const char s[] = "人民\xFF政府";
    cr_assert_eq(an_analyze(an, s, sizeof s - 1, AN_MODE_DOCUMENT, &toks, &n_toks), GZ_OK);
    cr_assert_null(find(AN_GRAM, "民政"));
    cr_assert_not_null(find(AN_GRAM, "政府"));
    for (size_t i = 0; i < n_toks; i++)
        cr_assert_leq(toks[i].end, sizeof s - 1);
}

Test(analyze, id_names_version_and_icu)
{
    const char *id = an_analyzer_id(an);
    cr_assert(strstr(id, "gazette-zh/"));
    cr_assert(strstr(id, "icu="));
    /* the indexer checks an index against the build's id without opening
     * an analyzer: it must be the one every analyzer has */
    cr_assert_str_eq(an_build_id(), id);
    char version[16];
    snprintf(version, sizeof version, "gazette-zh/%d ", AN_VERSION);
    cr_assert(strncmp(id, version, strlen(version)) == 0, "%s", id);
}

Test(analyze, normalize_maps_back_to_input)
{
    const char *s = "Ａ職";
    const char *norm;
    size_t len;
    const uint32_t *map;
    cr_assert_eq(an_normalize(an, s, strlen(s), &norm, &len, &map), GZ_OK);
    cr_assert_eq(len, 4);
    cr_assert_eq(memcmp(norm, "a职", 4), 0);
    cr_assert_eq(map[0], 0);
    cr_assert_eq(map[1], 3);
    cr_assert_eq(map[4], strlen(s));
}
