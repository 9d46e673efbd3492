/* 文号 recognition across bracket styles and digit widths. */
#include "common/common.h"

#include <criterion/criterion.h>
#include <string.h>

static void expect_docno(const char *s, const char *issuer, int year, int serial)
{
    gz_docno d;
    cr_assert(gz_docno_find(s, strlen(s), &d), "no 文号 found in %s", s);
    cr_expect_str_eq(d.issuer, issuer, "%s: issuer %s", s, d.issuer);
    cr_expect_eq(d.year, year, "%s: year %d", s, d.year);
    cr_expect_eq(d.serial, serial, "%s: serial %d", s, d.serial);
}

Test(docno, every_bracket_style)
{
    expect_docno("伊政发〔2023〕110号", "伊政发", 2023, 110);
    expect_docno("伊政发[2023]105号", "伊政发", 2023, 105);
    expect_docno("伊政办发(2023)73号", "伊政办发", 2023, 73);
    expect_docno("伊政办发（2023）75号", "伊政办发", 2023, 75);
    expect_docno("伊政发【2023】111号", "伊政发", 2023, 111);
    expect_docno("伊政发［2023］1号", "伊政发", 2023, 1);
    expect_docno("伊政发〔２０２３〕１１０号", "伊政发", 2023, 110);
}

Test(docno, inside_running_text)
{
    const char *s = "根据《通知》（内自然资字〔2022〕266号）相关要求";
    gz_docno d;
    cr_assert(gz_docno_find(s, strlen(s), &d));
    cr_assert_str_eq(d.issuer, "内自然资字");
    cr_assert_eq(d.serial, 266);
    cr_assert_eq(memcmp(s + d.start, "内自然资字", strlen("内自然资字")), 0);
    cr_assert_eq(memcmp(s + d.end - 3, "号", 3), 0);
    const char *t = "根据伊政发〔2023〕110号执行";
    cr_assert(gz_docno_find(t, strlen(t), &d));
    cr_assert_str_eq(d.issuer, "伊政发", "function words before the issuer are not part of it");
}

Test(docno, rejects_near_misses)
{
    gz_docno d;
    const char *bad[] = {"伊政发〔23〕110号", "伊政发〔2023〕号", "(2023)110", "〔2023〕110号",
                         "伊政发〔2023〕1234567号", "伊政发〔2023"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_expect_not(gz_docno_find(bad[i], strlen(bad[i]), &d), "%s taken as a 文号", bad[i]);
}

Test(docno, canonical_form)
{
    gz_docno d;
    const char *s = "伊政办发[2023]75号";
    cr_assert(gz_docno_find(s, strlen(s), &d));
    char out[96];
    gz_docno_canon(&d, out, sizeof out);
    cr_assert_str_eq(out, "伊政办发〔2023〕75号");
}

Test(docno, long_digit_runs_do_not_overflow)
{
    /* found by fuzz_parse: a bracket followed by many digits */
    gz_docno d;
    const char *s = "伊政发〔77777755555555〕1号 伊政发〔2023〕99999999999号";
    cr_assert_not(gz_docno_find(s, strlen(s), &d));
}
