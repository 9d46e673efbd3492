/* common/json.c: JSON string escaping for every module's --json output. */
#include "common/common.h"

void gz_json_str(gz_buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const char *p = s, *end = s + len;
    gz_buf_reserve(b, len + 2);
    gz_buf_putc(b, '"');
    while (p < end) {
        const char *run = p;
        /* copy plain bytes in one go */
        while (p < end && (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x80 && *p != '"' &&
               *p != '\\')
            p++;
        gz_buf_put(b, run, (size_t)(p - run));
        if (p >= end)
            break;
        unsigned char c = (unsigned char)*p;
        if (c >= 0x80) {
            const char *q = p;
            if (gz_utf8_next(&q, end) < 0) {
                gz_buf_puts(b, "\\ufffd");
                p++;
            } else {
                gz_buf_put(b, p, (size_t)(q - p));
                p = q;
            }
            continue;
        }
        p++;
        switch (c) {
        case '"': gz_buf_puts(b, "\\\""); break;
        case '\\': gz_buf_puts(b, "\\\\"); break;
        case '\n': gz_buf_puts(b, "\\n"); break;
        case '\t': gz_buf_puts(b, "\\t"); break;
        case '\r': gz_buf_puts(b, "\\r"); break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            gz_buf_put(b, u, 6);
        }
        }
    }
    gz_buf_putc(b, '"');
}
