/* gz_grow: the one growable-array helper. */
#include "common/common.h"

#include <criterion/criterion.h>

Test(alloc, grow_doubles_from_min_and_keeps_items)
{
    uint32_t *v = NULL;
    size_t cap = 0;
    cr_assert_eq(gz_grow(&v, &cap, 1, sizeof *v, 16), GZ_OK);
    cr_assert_eq(cap, 16);
    for (uint32_t i = 0; i < 16; i++)
        v[i] = i * 7;
    cr_assert_eq(gz_grow(&v, &cap, 17, sizeof *v, 16), GZ_OK);
    cr_assert_eq(cap, 32);
    cr_assert_eq(gz_grow(&v, &cap, 100, sizeof *v, 16), GZ_OK);
    cr_assert_eq(cap, 128);
    for (uint32_t i = 0; i < 16; i++)
        cr_assert_eq(v[i], i * 7);
    cr_assert_eq(gz_grow(&v, &cap, 128, sizeof *v, 16), GZ_OK, "room enough: no change");
    cr_assert_eq(cap, 128);
    gz_free(v);
}

Test(alloc, grow_with_no_minimum_terminates)
{
    char *v = NULL;
    size_t cap = 0;
    cr_assert_eq(gz_grow(&v, &cap, 5, 1, 0), GZ_OK);
    cr_assert_geq(cap, 5);
    gz_free(v);
}

Test(alloc, grow_failure_leaves_the_array)
{
    uint64_t *v = NULL;
    size_t cap = 0;
    cr_assert_eq(gz_grow(&v, &cap, 4, sizeof *v, 4), GZ_OK);
    v[3] = 42;
    uint64_t *before = v;
    gz_alloc_fail_after(0);
    cr_assert_eq(gz_grow(&v, &cap, 5, sizeof *v, 4), GZ_NOMEM);
    gz_alloc_fail_after(-1);
    cr_assert_eq(v, before);
    cr_assert_eq(cap, 4);
    cr_assert_eq(v[3], 42);
    size_t huge = 1;
    cr_assert_eq(gz_grow(&v, &huge, SIZE_MAX / 2, sizeof *v, 4), GZ_NOMEM, "overflowing sizes are refused");
    gz_free(v);
}
