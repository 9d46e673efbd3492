/* Chinese numeral parsing: positional forms, digit-by-digit years, Arabic in
 * both widths, and the prefix length returned. */
#include "common/common.h"

#include <criterion/criterion.h>
#include <string.h>

static int64_t num(const char *s, size_t *consumed)
{
    int64_t v = -12345;
    *consumed = gz_numeral_parse(s, strlen(s), &v);
    return v;
}

Test(numeral, positional_forms)
{
    static const struct { const char *s; int64_t v; } cases[] = {
        {"一", 1}, {"十", 10}, {"十五", 15}, {"二十", 20}, {"四十六", 46}, {"一百", 100},
        {"一百零五", 105}, {"一百一十", 110}, {"两百", 200}, {"三千零二十", 3020},
        {"一千二百三十四", 1234}, {"一万", 10000}, {"十二万三千", 123000}, {"零", 0},
        {"〇", 0}, {"九十九", 99}, {"二百一十", 210},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n;
        int64_t v = num(cases[i].s, &n);
        cr_expect_eq(n, strlen(cases[i].s), "%s consumed %zu", cases[i].s, n);
        cr_expect_eq(v, cases[i].v, "%s -> %lld, want %lld", cases[i].s, (long long)v,
                     (long long)cases[i].v);
    }
}

Test(numeral, digit_by_digit_years)
{
    size_t n;
    cr_assert_eq(num("二〇二三", &n), 2023);
    cr_assert_eq(num("一九九九年", &n), 1999);
    cr_assert_eq(n, strlen("一九九九"), "stops before 年");
    cr_assert_eq(num("二零零八", &n), 2008);
}

Test(numeral, arabic_both_widths)
{
    size_t n;
    cr_assert_eq(num("46条", &n), 46);
    cr_assert_eq(n, 2);
    cr_assert_eq(num("２０２３年", &n), 2023);
    cr_assert_eq(n, 12);
    cr_assert_eq(num("0", &n), 0);
    cr_assert_eq(n, 1);
}

Test(numeral, prefix_stops_at_other_text)
{
    size_t n;
    cr_assert_eq(num("四十六条", &n), 46);
    cr_assert_eq(n, strlen("四十六"));
    /* Arabic and Chinese numerals are separate runs */
    cr_assert_eq(num("3万", &n), 3);
    cr_assert_eq(n, 1);
}

Test(numeral, refuses_non_numerals)
{
    int64_t v;
    cr_assert_eq(gz_numeral_parse("条", 3, &v), 0);
    cr_assert_eq(gz_numeral_parse("", 0, &v), 0);
    cr_assert_eq(gz_numeral_parse("abc", 3, &v), 0);
    cr_assert_eq(gz_numeral_parse("\xE4\xB8", 2, &v), 0, "truncated UTF-8");
    cr_assert_eq(gz_numeral_parse("99999999999999", 14, &v), 0, "too large");
}
