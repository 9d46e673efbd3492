/* common/alloc.c: the allocation hooks. A countdown lets fault tests fail
 * the Nth allocation (FTS5's fault tests do the same); each thread counts
 * the bytes it holds, so a request can be bounded in memory. */
#include "common/common.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Bytes this thread allocated less those it freed (malloc's usable sizes:
 * what the block really takes), and the most since the last reset. */
static _Thread_local int64_t live, peak;

static void *counted(void *p)
{
    if (p) {
        live += (int64_t)malloc_usable_size(p);
        if (live > peak)
            peak = live;
    }
    return p;
}

int64_t gz_alloc_live(void) { return live; }
int64_t gz_alloc_peak(void) { return peak; }
void gz_alloc_peak_reset(void) { peak = live; }

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

void *gz_alloc(size_t len) { return should_fail() ? NULL : counted(malloc(len ? len : 1)); }

void *gz_calloc(size_t n, size_t len) { return should_fail() ? NULL : counted(calloc(n ? n : 1, len ? len : 1)); }

void *gz_realloc(void *p, size_t len)
{
    if (should_fail())
        return NULL;
    size_t was = p ? malloc_usable_size(p) : 0;
    void *np = realloc(p, len ? len : 1);
    if (np)
        live -= (int64_t)was;
    return counted(np);
}

void gz_free(void *p)
{
    if (p)
        live -= (int64_t)malloc_usable_size(p);
    free(p);
}

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
