/* common/lawtext.h: character tests lawwork.c and lawref.c share. Private
 * to common/. */
#ifndef GZ_COMMON_LAWTEXT_H
#define GZ_COMMON_LAWTEXT_H

#include "common/common.h"

/* Blanks set aside in keys and typed references: ASCII blanks, NBSP, the
 * ideographic space, the zero-width ones and the BOM. */
static inline int law_is_blank(int32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0xA0 || cp == 0x3000 ||
           (cp >= 0x2000 && cp <= 0x200D) || cp == 0x202F || cp == 0xFEFF;
}

/* An Arabic digit, half or full width. */
static inline int law_is_digit(int32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
}

/* The length of the string lit when p starts with it, else 0. */
static inline size_t at_lit(const char *p, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0 ? n : 0;
}

#endif
