/* common/alloc.c: the allocation hooks. A countdown lets fault tests fail
 * the Nth allocation (FTS5's fault tests do the same). */
#include "common/common.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static long fail_after = -1;

void gz_alloc_fail_after(long n) { fail_after = n; }

static int should_fail(void)
{
    if (fail_after < 0)
        return 0;
    if (fail_after == 0)
        return 1;
    fail_after--;
    return 0;
}

void *gz_alloc(size_t len) { return should_fail() ? NULL : malloc(len ? len : 1); }

void *gz_calloc(size_t n, size_t len) { return should_fail() ? NULL : calloc(n ? n : 1, len ? len : 1); }

void *gz_realloc(void *p, size_t len) { return should_fail() ? NULL : realloc(p, len ? len : 1); }

void gz_free(void *p) { free(p); }

gz_status gz_grow_slow(void *arr, size_t *cap, size_t n, size_t elem, size_t min)
{
    if (elem == 0 || n > SIZE_MAX / elem / 2)
        return GZ_NOMEM; /* no size of this many items to double to */
    size_t c = *cap ? *cap : min ? min : 1;
    while (c < n)
        c *= 2;
    void *p;
    memcpy(&p, arr, sizeof p); /* any object pointer, read as void * */
    void *np = gz_realloc(p, c * elem);
    if (!np)
        return GZ_NOMEM;
    memcpy(arr, &np, sizeof np);
    *cap = c;
    return GZ_OK;
}

char *gz_strndup(const char *s, size_t len)
{
    char *r = gz_alloc(len + 1);
    if (r) {
        memcpy(r, s, len);
        r[len] = 0;
    }
    return r;
}
