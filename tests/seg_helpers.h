/* tests/seg_helpers.h: rewriting a segment file's checksums after its bytes
 * were changed on purpose (fuzzing, or making a segment of an older
 * writer), so that opening it reaches what lies behind them. */
#ifndef GZ_TESTS_SEG_HELPERS_H
#define GZ_TESTS_SEG_HELPERS_H

#include "format/format.h"

#include <string.h>

/* The sections', the body's and the header's checksums of the segment
 * file in p[0..size), recomputed in place; anything not a segment file
 * is left alone. */
static inline void th_fix_checksums(uint8_t *p, size_t size)
{
    if (size < GZ_HEADER_LEN + 4 || memcmp(p, GZ_MAGIC, 8) != 0)
        return;
    uint8_t *body = p + GZ_HEADER_LEN;
    size_t body_len = size - GZ_HEADER_LEN;
    uint32_t n = gz_get32(body);
    for (uint32_t i = 0; i < n && 4 + (size_t)(i + 1) * 28 <= body_len; i++) {
        uint8_t *e = body + 4 + (size_t)i * 28;
        uint64_t off = gz_get64(e + 4), len = gz_get64(e + 12);
        if (off <= body_len && len <= body_len - off)
            gz_put64(e + 20, gz_xxh3(body + off, len));
    }
    gz_put64(p + 16, body_len);
    gz_put64(p + 24, gz_xxh3(body, body_len));
    gz_put64(p + 32, gz_xxh3(p, 32));
}

/* The byte offset of section id's body in the segment file, or 0. */
static inline size_t th_section_offset(const uint8_t *p, size_t size, uint32_t id, uint64_t *len)
{
    if (size < GZ_HEADER_LEN + 4)
        return 0;
    const uint8_t *body = p + GZ_HEADER_LEN;
    size_t body_len = size - GZ_HEADER_LEN;
    uint32_t n = gz_get32(body);
    for (uint32_t i = 0; i < n && 4 + (size_t)(i + 1) * 28 <= body_len; i++) {
        const uint8_t *e = body + 4 + (size_t)i * 28;
        if (gz_get32(e) == id) {
            *len = gz_get64(e + 12);
            return GZ_HEADER_LEN + (size_t)gz_get64(e + 4);
        }
    }
    return 0;
}

#endif
