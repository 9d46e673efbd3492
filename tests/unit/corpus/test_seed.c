/* The seed bulletin parsed into issue -> documents -> regulation -> chapters
 * -> articles -> items, checked against what a reader sees in the issue. */
#include "corpus/corpus.h"
#include "helpers.h"

#include <criterion/criterion.h>

static gz_doc seed;

static void load_seed(void)
{
    gz_doc_init(&seed);
    gz_error err = {0};
    cr_assert_eq(cp_parse_file(TH_SEED, CP_FORMAT_AUTO, &seed, &err), GZ_OK, "%s", err.msg);
}

static void free_seed(void) { gz_doc_fini(&seed); }

static const char *str(uint32_t off) { return gz_doc_get(&seed, off); }

TestSuite(seed, .init = load_seed, .fini = free_seed);

Test(seed, one_issue_with_its_masthead)
{
    const gz_node *root = &seed.nodes[0];
    cr_assert_eq(root->kind, GZ_KIND_ISSUE);
    cr_assert_str_eq(str(root->title), "伊金霍洛旗人民政府公报");
    cr_assert_str_eq(str(root->issue_no), "2023年第11-12期");
    cr_assert_eq(root->total_no, 45);
    cr_assert_str_eq(str(root->date), "2024-01-10");
    cr_assert_eq(th_count(&seed, 0, GZ_KIND_ISSUE), 1);
    cr_assert_eq(th_children(&seed, 0, GZ_KIND_CONTENTS), 1);
    cr_assert_eq(th_children(&seed, 0, GZ_KIND_BACKMATTER), 1);
}

Test(seed, five_documents_with_parsed_docnos_and_dates)
{
    static const struct { const char *issuer; int serial; const char *date; const char *raw; } want[] = {
        {"伊政发", 110, "2023-11-30", "伊政发[2023]110号"},
        {"伊政发", 105, "2023-12-01", "伊政发〔2023〕105号"},
        {"伊政发", 111, "2023-12-26", "伊政发〔2023〕111号"},
        {"伊政办发", 73, "2023-11-06", "伊政办发[2023]73号"},
        {"伊政办发", 75, NULL, "伊政办发〔2023〕75号"},
    };
    size_t k = 0;
    for (int32_t c = seed.nodes[0].first_child; c != GZ_NONE; c = seed.nodes[c].next_sibling) {
        const gz_node *n = &seed.nodes[c];
        if (n->kind != GZ_KIND_DOCUMENT)
            continue;
        cr_assert_lt(k, 5, "more than five documents");
        cr_expect_str_eq(str(n->issuer_code), want[k].issuer);
        cr_expect_eq(n->docno_year, 2023);
        cr_expect_eq(n->docno_serial, want[k].serial);
        cr_expect_str_eq(str(n->docno_raw), want[k].raw);
        cr_expect_neq(n->date, 0, "document %zu has no date", k);
        if (want[k].date)
            cr_expect_str_eq(str(n->date), want[k].date);
        cr_expect_neq(n->body, 0, "document %zu has no issuing body", k);
        k++;
    }
    cr_assert_eq(k, 5);
}

Test(seed, titles_recipients_and_bodies)
{
    int32_t d = th_find(&seed, 0, GZ_KIND_DOCUMENT, GZ_NONE);
    cr_assert_str_eq(str(seed.nodes[d].title),
                     "伊金霍洛旗人民政府关于印发《伊金霍洛旗属国有企业领导人员管理办法》的通知");
    cr_assert_str_eq(str(seed.nodes[d].body), "伊金霍洛旗人民政府");
    cr_assert(strstr(str(seed.nodes[d].recipients), "各镇人民政府"));
}

Test(seed, regulation_has_10_chapters_and_76_articles)
{
    int32_t reg = th_find(&seed, 0, GZ_KIND_REGULATION, GZ_NONE);
    cr_assert_neq(reg, GZ_NONE);
    cr_assert_str_eq(str(seed.nodes[reg].title), "伊金霍洛旗属国有企业领导人员管理办法");
    cr_assert_eq(th_children(&seed, reg, GZ_KIND_CHAPTER), 10);
    cr_assert_eq(th_count(&seed, reg, GZ_KIND_ARTICLE), 76);
    /* articles are numbered 1..76 in order, each inside a chapter */
    int64_t expect = 1;
    for (int32_t ch = seed.nodes[reg].first_child; ch != GZ_NONE; ch = seed.nodes[ch].next_sibling)
        for (int32_t a = seed.nodes[ch].first_child; a != GZ_NONE; a = seed.nodes[a].next_sibling)
            if (seed.nodes[a].kind == GZ_KIND_ARTICLE)
                cr_assert_eq(seed.nodes[a].number, expect++, "article out of order");
    cr_assert_eq(expect, 77);
    int32_t ch10 = th_find(&seed, reg, GZ_KIND_CHAPTER, 10);
    cr_assert_str_eq(str(seed.nodes[ch10].label), "第十章");
}

Test(seed, article_46_items_and_closing_paragraph)
{
    int32_t a = th_find(&seed, 0, GZ_KIND_ARTICLE, 46);
    cr_assert_neq(a, GZ_NONE);
    const gz_node *n = &seed.nodes[a];
    cr_assert_str_eq(str(n->label), "第四十六条");
    int64_t items[3];
    size_t k = 0;
    int32_t last = GZ_NONE;
    for (int32_t c = n->first_child; c != GZ_NONE; c = seed.nodes[c].next_sibling) {
        if (seed.nodes[c].kind == GZ_KIND_ITEM && k < 3)
            items[k++] = seed.nodes[c].number;
        last = c;
    }
    cr_assert_eq(k, 3);
    cr_assert(items[0] == 1 && items[1] == 2 && items[2] == 3);
    cr_assert_eq(seed.nodes[last].kind, GZ_KIND_PARAGRAPH);
    const char *closing = "纪委书记不得兼任其他职务或者分管其他工作。";
    cr_assert_eq(seed.nodes[last].end - seed.nodes[last].start, strlen(closing));
    cr_assert_eq(memcmp(seed.text + seed.nodes[last].start, closing, strlen(closing)), 0);
    /* the article's bytes start with its label and contain its items */
    cr_assert_eq(memcmp(seed.text + n->start, "第四十六条", strlen("第四十六条")), 0);
    cr_assert_eq(n->end, seed.nodes[last].end);
}

Test(seed, page_breaks_rejoined)
{
    cr_assert(strstr(seed.text, "职工代表大会"), "职工代 / 表大会 not rejoined");
    cr_assert(strstr(seed.text, "可以连任(续聘)"), "可以连 / 任(续聘) not rejoined");
    cr_assert(strstr(seed.text, "主要负责人的企业,其市场化选聘"));
    /* …but a signature is not glued to its date, nor a heading to its body */
    cr_assert(strstr(seed.text, "伊金霍洛旗人民政府\n2023年11月30日"));
    cr_assert(strstr(seed.text, "一、指导思想\n"));
}

Test(seed, offsets_nest_and_stay_in_bounds)
{
    for (size_t i = 0; i < seed.n_nodes; i++) {
        const gz_node *n = &seed.nodes[i];
        cr_assert_leq(n->start, n->end);
        cr_assert_leq(n->end, seed.text_len);
        if (n->parent != GZ_NONE) {
            const gz_node *p = &seed.nodes[n->parent];
            cr_assert(p->start <= n->start && n->end <= p->end, "node %zu (%s) outside its parent", i,
                      gz_kind_name(n->kind));
        }
        /* offsets fall on character boundaries */
        cr_assert_neq((unsigned char)seed.text[n->start] & 0xC0, 0x80);
    }
}

Test(seed, plans_tables_and_attachments)
{
    /* the 73号 plan has 一、…五、 headings with (一) and 1. below */
    int32_t docs[5], k = 0;
    for (int32_t c = seed.nodes[0].first_child; c != GZ_NONE; c = seed.nodes[c].next_sibling)
        if (seed.nodes[c].kind == GZ_KIND_DOCUMENT)
            docs[k++] = c;
    int32_t plan = th_find(&seed, docs[3], GZ_KIND_REGULATION, GZ_NONE);
    cr_assert_neq(plan, GZ_NONE);
    size_t l1 = 0;
    for (int32_t c = seed.nodes[plan].first_child; c != GZ_NONE; c = seed.nodes[c].next_sibling)
        l1 += seed.nodes[c].kind == GZ_KIND_SECTION && seed.nodes[c].level == 1;
    cr_assert_eq(l1, 5);
    /* the heritage list: an attachment whose tables name 郝永清 */
    int32_t att = th_find(&seed, docs[1], GZ_KIND_ATTACHMENT, GZ_NONE);
    cr_assert_neq(att, GZ_NONE);
    cr_assert_geq(th_count(&seed, att, GZ_KIND_TABLE), 3);
    int32_t cell = th_find(&seed, att, GZ_KIND_CELL, GZ_NONE);
    cr_assert_neq(cell, GZ_NONE);
    const gz_node *c = &seed.nodes[cell];
    cr_assert_eq(memcmp(seed.text + c->start, "序号", c->end - c->start), 0);
    /* the land-price table: rows with 住宅用地 in the header */
    int32_t land = th_find(&seed, docs[2], GZ_KIND_TABLE, GZ_NONE);
    cr_assert_neq(land, GZ_NONE);
    const gz_node *t = &seed.nodes[land];
    cr_assert(memmem(seed.text + t->start, t->end - t->start, "住宅用地", strlen("住宅用地")));
}
