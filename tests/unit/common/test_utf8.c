/* Strict UTF-8 decoding and JSON escaping. */
#include "common/common.h"

#include <criterion/criterion.h>
#include <string.h>

Test(utf8, rejects_malformed_sequences)
{
    const char *bad[] = {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE4\xB8", "\x80", "\xFF"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *p = bad[i];
        cr_expect_eq(gz_utf8_next(&p, bad[i] + strlen(bad[i])), -1, "case %zu", i);
        cr_expect_eq(p, bad[i], "pointer must not move on error");
    }
}

Test(utf8, valid_prefix_finds_first_bad_byte)
{
    const char s[] = "abcdefghij人民\xFFxyz";
    cr_assert_eq(gz_utf8_valid_prefix(s, sizeof s - 1), 16);
    cr_assert_eq(gz_utf8_valid_prefix("人民政府", 12), 12);
}

Test(utf8, roundtrips_code_points)
{
    const int32_t cps[] = {0, 0x7F, 0x80, 0x7FF, 0x800, 0x4EBA, 0xFFFF, 0x10000, 0x20000, 0x10FFFF};
    for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
        char b[4];
        size_t n = gz_utf8_put(b, cps[i]);
        const char *p = b;
        cr_assert_eq(gz_utf8_next(&p, b + n), cps[i]);
        cr_assert_eq(p, b + n);
    }
}

Test(json, escapes_and_replaces_invalid_bytes)
{
    gz_buf b;
    gz_buf_init(&b);
    const char in[] = "a\"b\\c\n\x01人\xFF";
    gz_json_str(&b, in, sizeof in - 1);
    cr_assert_str_eq(gz_buf_cstr(&b), "\"a\\\"b\\\\c\\n\\u0001人\\ufffd\"");
    gz_buf_fini(&b);
}

Test(alloc, fail_after_counts_down)
{
    gz_alloc_fail_after(1);
    void *a = gz_alloc(8);
    void *b = gz_alloc(8);
    gz_alloc_fail_after(-1);
    cr_assert_not_null(a);
    cr_assert_null(b);
    gz_free(a);
}
