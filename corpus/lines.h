/* corpus/lines.h (private): classifying one line of a source by the
 * structural marker it starts with. Shared by gazette.c, markdown.c and
 * clean.c. */
#ifndef GZ_CORPUS_LINES_H
#define GZ_CORPUS_LINES_H

#include "corpus/corpus.h"

typedef enum cp_line_kind {
    CP_L_TEXT = 0,
    CP_L_PART,      /* 第一编 */
    CP_L_CHAPTER,   /* 第一章 总则 */
    CP_L_LSECTION,  /* 第一节 (of a law) */
    CP_L_ARTICLE,   /* 第四十六条 … / 第十条之一 … */
    CP_L_PAREN,     /* （一） (一) （1） */
    CP_L_CNENUM,    /* 一、 */
    CP_L_NUMENUM,   /* 1. 1、 1． */
    CP_L_BULLET,    /* - item */
    CP_L_DOCNO,     /* the whole line is a 文号 */
    CP_L_DATE,      /* the whole line is a date */
    CP_L_ATTACH,    /* 附件 / 附件1 / 附件: … */
    CP_L_TABLE,     /* has a tab */
    CP_L_CONTENTS,  /* 目录 */
    CP_L_CATEGORY,  /* 【政府文件】 */
} cp_line_kind;

typedef struct cp_line_info {
    cp_line_kind kind;
    int64_t number;     /* numeral of the marker, GZ_NONE if none */
    int32_t sub;        /* 之一 -> 1 */
    size_t label_len;   /* bytes of the marker as printed (第四十六条, （一）, 一、) */
    size_t rest;        /* offset where the text after the marker and blanks starts */
} cp_line_info;

/* Classifies s[0..len) (already trimmed). */
void cp_line_classify(const char *s, size_t len, cp_line_info *li);

/* True if cp ends a sentence or a heading: 。！？；：!?;: ）)】」”… */
int cp_is_terminal(int32_t cp);

/* Code point ending at s + len (len > 0), or -1. */
int32_t cp_last_cp(const char *s, size_t len);

/* Blanks: ASCII space, tab, U+3000, U+00A0. Returns the byte length of the
 * blank at s, or 0. */
size_t cp_blank_len(const char *s, const char *end);

#endif

/* A cleaned text and its lines: text holds the lines separated by '\n';
 * line i is text[start[i], end[i]). gap[i] is 1 when a blank line (or a
 * page end) stood before line i in the source. When the source had form
 * feeds, n_pages counts its pages and page k + 2 begins at page_at[k] of
 * the text (a paragraph rejoined across a page end: where the rest begins). */
typedef struct cp_text {
    char *text;
    size_t len;
    size_t *start, *end;
    unsigned char *gap;
    size_t n, cap;
    size_t *page_at, n_page_at, cap_page_at;
    uint32_t n_pages;
    gz_buf buf; /* builds text */
    gz_status status;
} cp_text;

void cp_text_init(cp_text *t);
void cp_text_fini(cp_text *t);
/* Appends a line (no newline inside) and returns its index. */
void cp_text_add(cp_text *t, const char *s, size_t len, int gap);
/* Appends s to the last line (a rejoined page break). */
void cp_text_extend(cp_text *t, const char *s, size_t len);
/* Finishes building: t->text/len point into the buffer. */
void cp_text_done(cp_text *t);
/* Which breaks may have cut a paragraph: none (Markdown), any blank line
 * (text extracted from PDF without page marks: a guess), or only the form
 * feeds that mark page ends (the PDF reader, pdftotext). */
typedef enum cp_join { CP_JOIN_NONE = 0, CP_JOIN_BLANK, CP_JOIN_PAGES } cp_join;

/* Splits raw UTF-8 into trimmed lines and merges paragraphs cut by page
 * ends as join allows (gazette text). A form feed ends a page (counted in
 * t->n_pages and page_at): on a line of its own ("\n\f", pdftotext's way)
 * the paragraph before may have ended there, which the page-break rule
 * decides; inside a line ("…创新”\f的管理…", the PDF reader's way when the
 * next page's first line wraps the last) the two halves are joined. Other
 * control characters become spaces. */
void cp_text_from_raw(cp_text *t, const char *s, size_t len, cp_join join);
