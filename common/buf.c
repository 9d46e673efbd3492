/* common/buf.c: the growable byte buffer with a sticky status. */
#include "common/common.h"

#include <stdio.h>
#include <string.h>

void gz_buf_init(gz_buf *b) { memset(b, 0, sizeof *b); }

void gz_buf_fini(gz_buf *b)
{
    gz_free(b->data);
    memset(b, 0, sizeof *b);
}

void gz_buf_reserve(gz_buf *b, size_t extra)
{
    if (b->status != GZ_OK)
        return;
    if (extra > SIZE_MAX / 2 - b->len) {
        b->status = GZ_NOMEM;
        return;
    }
    size_t need = b->len + extra + 1; /* +1 keeps room for the terminator */
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = gz_realloc(b->data, cap);
    if (!p) {
        b->status = GZ_NOMEM;
        return;
    }
    b->data = p;
    b->cap = cap;
}

void gz_buf_put_any(gz_buf *b, const void *p, size_t len)
{
    gz_buf_reserve(b, len);
    if (b->status != GZ_OK)
        return;
    if (len)
        memcpy(b->data + b->len, p, len);
    b->len += len;
    b->data[b->len] = 0;
}

void gz_buf_puts(gz_buf *b, const char *s) { gz_buf_put(b, s, strlen(s)); }

void gz_buf_printf(gz_buf *b, const char *fmt, ...)
{
    if (b->status != GZ_OK)
        return;
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    /* straight into the spare room (the common case: a number or a short
     * field); measured and written again only if it did not fit */
    size_t room = b->cap > b->len ? b->cap - b->len : 0;
    int n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < room) {
        b->len += (size_t)n;
    } else if (n > 0) {
        gz_buf_reserve(b, (size_t)n);
        if (b->status == GZ_OK) {
            vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
            b->len += (size_t)n;
        } else if (room) {
            b->data[b->len] = 0; /* the cut-off attempt undone */
        }
    } else if (room) {
        b->data[b->len] = 0; /* nothing written: keep the terminator */
    }
    va_end(ap2);
}

const char *gz_buf_cstr(gz_buf *b)
{
    gz_buf_reserve(b, 0);
    if (b->status != GZ_OK || !b->data)
        return "";
    b->data[b->len] = 0;
    return b->data;
}

char *gz_buf_take(gz_buf *b, size_t *len)
{
    gz_buf_cstr(b);
    char *p = b->status == GZ_OK ? b->data : NULL;
    if (len)
        *len = p ? b->len : 0;
    if (!p)
        gz_free(b->data);
    memset(b, 0, sizeof *b);
    return p;
}
