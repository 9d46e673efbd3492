/* A query's cost bound (searcher/budget.c, docs/reliability.md): repeated
 * words collapse, long queries are cut, and random query shapes (repeats,
 * common characters, long ORs, nested groups, fields, NOTs, every sort and
 * unit) stay within their budget of work and memory; an answer within it
 * is the unbounded answer, one past it says partial and holds only real
 * matches. The filters given apart from the text are structure: an OR in
 * the text cannot widen them. */
#include "indexer/indexer.h"
#include "searcher/searcher.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <json-c/json.h>

TestSuite(budget);

static void build(const char *source, char *dir, sr_index **ix)
{
    cr_assert_not_null(mkdtemp(dir));
    ix_options o = {.dir = dir, .threads = 2};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {(char *)source};
    cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(sr_index_open(dir, ix, &err), GZ_OK, "%s", err.msg);
}

static json_object *answer(sr_index *ix, const sr_request *rq)
{
    gz_buf out;
    gz_buf_init(&out);
    gz_error err = {0};
    cr_assert_eq(sr_search_json(ix, rq, &out, &err), GZ_OK, "%s: %s", rq->query, err.msg);
    json_object *o = json_tokener_parse(gz_buf_cstr(&out));
    cr_assert_not_null(o, "not JSON: %.200s", gz_buf_cstr(&out));
    gz_buf_fini(&out);
    return o;
}

static json_object *get(json_object *o, const char *k)
{
    json_object *v = NULL;
    json_object_object_get_ex(o, k, &v);
    return v;
}

static char *repeat(const char *word, int times)
{
    gz_buf b;
    gz_buf_init(&b);
    for (int i = 0; i < times; i++)
        gz_buf_printf(&b, "%s%s", i ? " " : "", word);
    return gz_buf_take(&b, &(size_t){0});
}

Test(budget, repeated_words_collapse)
{
    char dir[] = "/tmp/gz-budget-XXXXXX";
    sr_index *ix;
    build(GZ_SAMPLE_DIR, dir, &ix);
    char *q = repeat("的", 256);
    sr_request one = {.query = "的", .n = 10}, many = {.query = q, .n = 10};
    sr_top a, b;
    gz_error err;
    cr_assert_eq(sr_search_top(ix, &one, &a, &err), GZ_OK);
    cr_assert_eq(sr_search_top(ix, &many, &b, &err), GZ_OK);
    /* the same answer, at the same cost, not partial */
    cr_assert_eq(a.total, b.total);
    cr_assert_eq(a.n, b.n);
    for (size_t i = 0; i < a.n; i++)
        cr_assert(a.hit[i].id == b.hit[i].id && a.hit[i].score == b.hit[i].score);
    cr_assert_not(b.partial);
    cr_assert_leq(b.work, a.work + a.work / 10 + 64, "256 repeats cost %lu, one %lu", (unsigned long)b.work,
                  (unsigned long)a.work);
    json_object *o = answer(ix, &many);
    cr_assert_str_eq(json_object_get_string(get(o, "read_as")), "\"的\"");
    json_object_put(o);
    /* (的 OR 的) 的 -的 ... collapse the same way inside groups */
    sr_request grouped = {.query = "(的 OR 的) (的 OR 的) 法 法", .n = 10};
    o = answer(ix, &grouped);
    cr_assert_str_eq(json_object_get_string(get(o, "read_as")), "(\"的\" AND \"法\")");
    json_object_put(o);
    free(q);
    sr_top_fini(&a);
    sr_top_fini(&b);
    sr_index_close(ix);
}

Test(budget, long_queries_are_cut_and_say_so)
{
    char dir[] = "/tmp/gz-budget-XXXXXX";
    sr_index *ix;
    build(GZ_SAMPLE_DIR "/seed", dir, &ix);
    /* 40 distinct words: the first SR_MAX_WORDS are searched */
    gz_buf q;
    gz_buf_init(&q);
    const char *chars = "政府人民企业管理办法规定条例会议工作发展建设国有资产监督领导干部职工代表大会公告通知";
    for (int i = 0; i < 40; i++)
        gz_buf_printf(&q, "%s%.3s", i ? " OR " : "", chars + 3 * i);
    sr_request rq = {.query = gz_buf_cstr(&q), .n = 5};
    json_object *o = answer(ix, &rq);
    cr_assert(json_object_get_boolean(get(o, "partial")));
    cr_assert_str_eq(json_object_get_string(get(o, "limit")), "query");
    size_t ors = 0;
    for (const char *p = json_object_get_string(get(o, "read_as")); (p = strstr(p, " OR ")); p++)
        ors++;
    cr_assert_eq(ors, SR_MAX_WORDS - 1, "%zu ORs read", ors);
    json_object_put(o);
    /* a short query is whole */
    sr_request s = {.query = "政府", .n = 5};
    o = answer(ix, &s);
    cr_assert_not(json_object_get_boolean(get(o, "partial")));
    json_object_put(o);
    gz_buf_fini(&q);
    sr_index_close(ix);
}

Test(budget, filters_are_structure_not_text)
{
    char dir[] = "/tmp/gz-budget-XXXXXX";
    sr_index *ix;
    build(GZ_SAMPLE_DIR, dir, &ix);
    /* an OR with nothing on its right, a stray bracket: the year still holds */
    const char *qs[] = {"企业 OR", "企业 OR (", "企业 OR year:2023", "(企业 OR 个人", "企业 | 的", "-企业"};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        sr_request rq = {.query = qs[i], .n = 100, .filters = {.year = "1999"}};
        json_object *o = answer(ix, &rq), *hits = get(o, "hits");
        size_t n = json_object_array_length(hits);
        cr_assert_gt(json_object_get_int(get(o, "total")), 0, "%s", qs[i]);
        for (size_t k = 0; k < n; k++) {
            const char *d = json_object_get_string(get(json_object_array_get_idx(hits, k), "date"));
            cr_assert(d && strncmp(d, "1999-", 5) == 0, "%s: a hit of %s", qs[i], d ? d : "no date");
        }
        json_object *years = get(get(o, "facets"), "year");
        cr_assert_eq(json_object_array_length(years), 1, "%s: facets of other years", qs[i]);
        json_object_put(o);
    }
    /* kind and date range too, by the API's filters alone (no text) */
    sr_request k = {.query = "", .n = 50, .filters = {.kind = "chapter", .date = "2000-01-01..2010-12-31"}};
    json_object *o = answer(ix, &k), *hits = get(o, "hits");
    cr_assert_gt(json_object_array_length(hits), 0);
    for (size_t i = 0; i < json_object_array_length(hits); i++) {
        json_object *h = json_object_array_get_idx(hits, i);
        const char *d = json_object_get_string(get(h, "date"));
        cr_assert(strcmp(d, "2000-01-01") >= 0 && strcmp(d, "2010-12-31") <= 0, "%s", d);
        cr_assert_str_eq(json_object_get_string(get(get(h, "unit"), "kind")), "chapter");
    }
    json_object_put(o);
    /* bad values are refused, naming the filter */
    const sr_filters bad[] = {{.year = "20x7"}, {.year = "99999"}, {.kind = "poem"}, {.date = "2023-13"},
                              {.date = "yesterday"}, {.issuer = "a\x01"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sr_request rq = {.query = "企业", .filters = bad[i]};
        gz_buf out;
        gz_buf_init(&out);
        gz_error err = {0};
        cr_assert_eq(sr_search_json(ix, &rq, &out, &err), GZ_INVALID, "bad filter %zu accepted", i);
        const char *names[] = {"year:", "year:", "kind:", "date:", "date:", "issuer:"};
        cr_assert(strstr(err.msg, names[i]), "%s", err.msg);
        gz_buf_fini(&out);
    }
    sr_index_close(ix);
}

/* ---------------------------------------------------- random query shapes */

static const char *const common_chars[] = {"的", "是", "在", "和", "法", "条", "人", "国", "中", "第",
                                           "一", "不", "有", "应", "当", "定", "规", "者", "行", "以"};
static const char *const fields[] = {"title:法", "year:2023", "kind:article", "date:2000..2023", "issuer:伊政发",
                                     "kind:chapter", "title:条例", "docno:伊政发〔2023〕110号"};

/* A random query: words drawn from the corpus text and the commonest
 * characters, repeated, ORed at length, grouped and nested, negated,
 * quoted, with fields; at most max_bytes. */
static void random_query(const char *text, size_t len, uint64_t *rng, gz_buf *q, size_t max_bytes)
{
    q->len = 0;
    int shape = (int)(th_rnd(rng) % 6), words = 1 + (int)(th_rnd(rng) % (shape == 1 ? 300 : 24));
    int depth = 0;
    for (int i = 0; i < words && q->len + 48 < max_bytes; i++) {
        if (i)
            gz_buf_puts(q, shape == 1 || th_rnd(rng) % 5 == 0 ? " OR " : " ");
        if (shape == 2 && th_rnd(rng) % 3 == 0 && depth < 40) {
            gz_buf_putc(q, '(');
            depth++;
        }
        if (th_rnd(rng) % 11 == 0)
            gz_buf_putc(q, '-');
        unsigned r = (unsigned)(th_rnd(rng) % 10);
        char w[4 * 40 + 1];
        if (shape == 0 || r < 4)
            gz_buf_puts(q, common_chars[th_rnd(rng) % (shape == 0 ? 2 : 20)]); /* repeats of the commonest */
        else if (r < 5)
            gz_buf_puts(q, fields[th_rnd(rng) % (sizeof fields / sizeof fields[0])]);
        else if (th_han_run(text, len, rng, shape == 3 ? 40 : 6, w))
            gz_buf_printf(q, th_rnd(rng) % 4 ? "%s" : "\"%s\"", w);
        if (shape == 2 && depth && th_rnd(rng) % 4 == 0) {
            gz_buf_putc(q, ')');
            depth--;
        }
    }
    if (shape == 4 && q->len + 20 < max_bytes)
        gz_buf_puts(q, "是什么？"); /* read as a question */
    gz_buf_cstr(q);
}

/* Runs n random shapes against the index at dir within lim, each also
 * unbounded; asserts the budget and what a partial answer holds. */
static void shapes(sr_index *ix, const char *source_text, size_t text_len, int n, const sr_limits *lim,
                   size_t max_bytes)
{
    uint64_t rng = 0x9E3779B97F4A7C15ull;
    gz_buf q;
    gz_buf_init(&q);
    size_t partial = 0, most_work = 0, most_bytes = 0;
    char slowest[120] = "";
    const sr_limits unbounded = {UINT64_MAX / 4, SIZE_MAX / 4, 600000};
    for (int i = 0; i < n; i++) {
        random_query(source_text, text_len, &rng, &q, max_bytes);
        sr_request rq = {.query = q.data, .n = 10, .offset = th_rnd(&rng) % 3 ? 0 : 20, .limits = *lim};
        rq.sort = th_rnd(&rng) % 3 == 0 ? SR_SORT_DATE : SR_SORT_SCORE;
        rq.exhaustive = th_rnd(&rng) % 5 == 0;
        sr_top t, ref;
        gz_error err = {0};
        cr_assert_eq(sr_search_top(ix, &rq, &t, &err), GZ_OK, "%s: %s", q.data, err.msg);
        /* work stops within one spending step (a block, a unit's positions) */
        cr_assert_leq(t.work, lim->work + lim->work / 4 + 65536, "%s: work %lu", q.data, (unsigned long)t.work);
        cr_assert_leq(t.peak_bytes, lim->memory + lim->memory / 2 + (2u << 20), "%s: %zu bytes", q.data,
                      t.peak_bytes);
        if (t.work > most_work) {
            most_work = t.work;
            snprintf(slowest, sizeof slowest, "%.100s", q.data);
        }
        if (t.peak_bytes > most_bytes)
            most_bytes = t.peak_bytes;
        sr_request big = rq;
        big.limits = unbounded;
        big.offset = 0;
        big.n = SR_MAX_RANK;
        cr_assert_eq(sr_search_top(ix, &big, &ref, &err), GZ_OK, "%s", err.msg);
        if (!t.partial) {
            /* within the budget: the unbounded answer, exactly */
            cr_assert_eq(t.total, ref.total, "%s", q.data);
            for (size_t k = 0; k < t.n; k++)
                cr_assert(k + rq.offset < ref.n && t.hit[k].id == ref.hit[k + rq.offset].id, "%s: hit %zu",
                          q.data, k);
        } else if (ref.total <= ref.n) {
            /* past it: what it shows are real matches */
            partial++;
            for (size_t k = 0; k < t.n; k++) {
                int found = 0;
                for (size_t j = 0; j < ref.n && !found; j++)
                    found = ref.hit[j].id == t.hit[k].id;
                cr_assert(found, "%s: a partial answer's hit is no match", q.data);
            }
        } else {
            partial++;
        }
        /* by document, and the JSON answer: within the memory bound too */
        rq.unit = SR_BY_DOCUMENT;
        gz_alloc_peak_reset();
        int64_t base = gz_alloc_live();
        json_object *o = answer(ix, &rq);
        cr_assert_leq(gz_alloc_peak() - base, (int64_t)(lim->memory + lim->memory / 2 + (4u << 20)), "%s", q.data);
        json_object_put(o);
        sr_top_fini(&t);
        sr_top_fini(&ref);
    }
    fprintf(stderr, "budget: %d shapes, %zu partial; most work %zu (%s), most memory %zu bytes\n", n, partial,
            most_work, slowest, most_bytes);
    gz_buf_fini(&q);
}

/* Every way a search can be cut (work, memory, each tiny) still answers:
 * JSON with its total, "partial": true and the limit it met, for each
 * reading a query can take (keywords, an article reference and what
 * cites it, a question, run-together words by their words, any word),
 * by unit and by document. The crash trials' words are among them. */
Test(budget, every_cut_still_answers_json_with_total)
{
    char dir[] = "/tmp/gz-budget-XXXXXX";
    sr_index *ix;
    build(GZ_SAMPLE_DIR, dir, &ix);
    const char *qs[] = {"规定", "电子签名", "崩溃试验", "刑法第二十条", "什么是电子签名？", "企业登记罚款标准",
                        "个体工商户 电子签名 股东会", "\"电子签名\" OR 公司", "公*", "年份:2004 电子"};
    const char *modes[] = {"keywords", "reference", "question", "words", "any-word"};
    unsigned seen = 0;
    size_t cuts = 0;
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++)
        for (int unit = 0; unit < 2; unit++)
            for (uint64_t work = 1; work <= (1u << 22); work *= 4)
                for (int mem = 0; mem < 2; mem++) {
                    sr_request rq = {.query = qs[i], .n = 3, .unit = unit ? SR_BY_DOCUMENT : SR_BY_UNIT,
                                     .limits = {.work = mem ? 0 : work, .memory = mem ? (size_t)work : 0}};
                    json_object *o = answer(ix, &rq);
                    for (unsigned m = 0; m < 5; m++)
                        if (strcmp(json_object_get_string(get(o, "mode")), modes[m]) == 0)
                            seen |= 1u << m;
                    cr_assert_not_null(get(o, "total"), "%s (work %lu, memory %d): no total", qs[i],
                                       (unsigned long)work, mem);
                    if (json_object_get_boolean(get(o, "partial"))) {
                        cr_assert_not_null(get(o, "limit"), "%s: partial without its limit", qs[i]);
                        cuts++;
                    }
                    json_object_put(o);
                }
    fprintf(stderr, "budget: %zu cut answers, every one JSON with its total\n", cuts);
    cr_assert_gt(cuts, 50, "the sweep cut only %zu answers", cuts);
    for (unsigned m = 0; m < 5; m++)
        cr_assert(seen & 1u << m, "no query was read as %s", modes[m]);
    sr_index_close(ix);
}

Test(budget, random_shapes_stay_within_a_small_budget)
{
    char dir[] = "/tmp/gz-budget-XXXXXX";
    sr_index *ix;
    build(GZ_SAMPLE_DIR, dir, &ix);
    size_t len = 0;
    char *text = th_read(TH_SEED, &len);
    cr_assert_not_null(text);
    /* small enough that the sample's broad shapes pass it */
    const sr_limits lim = {300000, 4u << 20, 60000};
    shapes(ix, text, len, 150, &lim, 1024);
    free(text);
    sr_index_close(ix);
}

Test(budget, random_shapes_on_the_laws_stay_within_the_default_budget)
{
    char laws[4200];
    TH_LAWS_OR_SKIP(laws);
    char dir[] = "/tmp/gz-budget-laws-XXXXXX";
    sr_index *ix;
    build(laws, dir, &ix);
    char law[4400];
    snprintf(law, sizeof law, "%s/lawrefbook/宪法/宪法.md", laws);
    size_t len = 0;
    char *text = th_read(law, &len);
    cr_assert_not_null(text, "%s", law);
    /* the server's limits, with time out of the way (the property is the
     * work and memory bound; time is measured by scripts/hostile-load.sh) */
    const sr_limits lim = {SR_DEFAULT_WORK, SR_DEFAULT_MEMORY, 600000};
    shapes(ix, text, len, 30, &lim, 1024);
    free(text);
    sr_index_close(ix);
}
