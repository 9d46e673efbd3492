/* common/law.h: the law desk's parsing core, pure functions shared by the
 * corpus reader, the indexer and the searcher. A law's identity (work key),
 * its version date, 废止/修改 decisions, what a clerk types to look an
 * article up (公司法第十七条第一款), the byte range of a 款 or 项 inside an
 * article, and the cross-references inside a text (本法第X条, 前款,
 * 《X》第Y条). Nothing here allocates; every string is UTF-8 with a length,
 * and every offset is a byte offset into the string it came from.
 * Dates are u32 yyyymmdd (20231229), 0 for none. */
#ifndef GZ_COMMON_LAW_H
#define GZ_COMMON_LAW_H

#include "common/common.h"

/* ------------------------------------------------------ work identity */

/* Longest work key, in bytes with its NUL; longer titles are cut at a
 * character boundary. */
#define GZ_LAW_KEY_MAX 512

/* The work key of a title: what stays the same across the versions of a
 * law. Sets aside blanks (ASCII, U+3000, NBSP, zero-width), the brackets
 * 《》〈〉, every 中华人民共和国, and version notes: a bracketed ISO date
 * (2023-12-29) or a bracketed note that names a year and an act
 * （2018年修正）. Full-width （） become (). 刑法修正案（十一） keeps its
 * （十一）, 宪法修正案（2004年） its year. Writes the key (NUL-ended) into
 * out[0..cap) and returns its byte length. Borrowed strings only. */
size_t gz_law_work_key(const char *title, size_t len, char *out, size_t cap);

/* The next name text[*at, len) cites in 《》 (on one line, at most
 * GZ_LAW_CITED_MAX bytes): its work key (gz_law_work_key) into out[0..cap),
 * *at moved past it; its length, or 0 when no name is left. */
#define GZ_LAW_CITED_MAX 240
size_t gz_law_next_cited(const char *text, size_t len, size_t *at, char *out, size_t cap);

/* The same, but keeping 中华人民共和国: the title as a person would type it
 * in full, for "exact title" matches. */
size_t gz_law_title_clean(const char *title, size_t len, char *out, size_t cap);

/* The ISO date a file name carries in brackets, 公司法(2023-12-29).md, as
 * yyyymmdd; 0 when there is none or it is not a valid date. */
uint32_t gz_law_name_date(const char *name, size_t len);

/* The version date of a law from its header lines (the text before
 * `<!-- INFO END -->`, or the first bracketed note of a 规章) and the date
 * in its file name (name_date, 0 if none): the last date the header ties to
 * an act (通过, 修正, 修订, 修改, 公布, 发布, 批准; 施行 only when nothing
 * else is dated). The file name's date wins unless the header ties a later
 * date to an act: names often carry the 公布 date the header leaves out
 * (批准 2016-11-26, file 2016-11-28), or an amendment it does not list yet;
 * a name older than the header's last act is stale. 0 when neither has a
 * date. */
uint32_t gz_law_version_date(const char *header, size_t len, uint32_t name_date);

/* Parses one date at s: 2018年10月26日 (Arabic or Chinese digits,
 * 二〇一八年), 2018-10-26, 2018.10.26, 2018/10/26 or 20181026. Returns its
 * byte length and stores yyyymmdd in *out; 0 if s does not start with a
 * valid date. */
size_t gz_law_date_parse(const char *s, size_t len, uint32_t *out);

/* What a 决定/通知 does to other works. */
typedef enum gz_law_act {
    GZ_LAW_ACT_NONE = 0,
    GZ_LAW_ACT_REPEAL, /* 关于废止《X》的决定 / 通知: X is 已废止 */
    GZ_LAW_ACT_AMEND,  /* 关于修改《X》的决定: X has a newer version */
} gz_law_act;

/* A byte range [start, end) in the string it was found in. */
typedef struct gz_span {
    size_t start, end;
} gz_span;

/* Reads a decision's title: 关于废止《A》和《B》的决定 gives REPEAL and the
 * spans of A and B inside title (without the brackets; 〈〉 count as 《》);
 * 关于修改《X》等七部法律的决定 gives AMEND and X. Stores at most cap
 * targets and returns the number found (may exceed cap); *act is NONE and
 * 0 is returned for any other title. */
size_t gz_law_act_targets(const char *title, size_t len, gz_law_act *act, gz_span *targets, size_t cap);

/* Which of a work's n versions (their version dates, 0 for undated,
 * which counts as older than any date) answers a reference dated as_of:
 * 0 gives the newest (the current version); yyyymmdd the one in force on
 * that day (the newest dated on or before it); yyyy0000 (a year only:
 * 2018年修正) the newest dated in that year, else the one in force at its
 * end. Returns its index, or (size_t)-1 when n is 0 or no version is in
 * force yet on as_of. Ties go to the first. */
size_t gz_law_version_pick(const uint32_t *dates, size_t n, uint32_t as_of);

/* --------------------------------------------------- name resolution */

/* How well a typed name names a title; higher is better, 0 is no match.
 * Compare scores over every candidate title and keep the highest: */
enum {
    GZ_LAW_NAME_NONE = 0,
    GZ_LAW_NAME_CONTAINS = 1, /* the title's key contains the name's key; a short law name
                               * (合同法) only at its start or after 适用, 实施 …, not as
                               * the end of a longer name (劳动合同法) */
    GZ_LAW_NAME_SHORT = 2,    /* a known short name of the title (民诉法解释) */
    GZ_LAW_NAME_WORK = 3,     /* same work key: 公司法 for 中华人民共和国公司法 */
    GZ_LAW_NAME_EXACT = 4,    /* the title itself, blanks, 《》 and version notes aside */
};
/* Scores title for the typed name (both raw; keys are computed here, a
 * few hundred ns each). An empty name scores NONE. */
int gz_law_name_score(const char *name, size_t name_len, const char *title, size_t title_len);
/* The same over precomputed keys and cleaned titles (gz_law_work_key,
 * gz_law_title_clean), for a loop over many titles: compute the name's
 * once and each title's once. */
int gz_law_name_score_keys(const char *name_clean, const char *name_key, const char *title_clean,
                           const char *title_key);
/* The work key a short name stands for (民诉法 -> 民事诉讼法), from the
 * table in common/lawabbrev.def, or NULL. key is a work key. */
const char *gz_law_abbrev(const char *key);

/* ------------------------------------------------ reference parsing */

/* A reference as a clerk types it:
 *   公司法第十七条 · 《中华人民共和国公司法》第十七条 · 公司法(2023-12-29)第十七条
 *   公司法第十七条@2018-10-26 · 刑法 第 232 条 · 刑法232条 · 刑法第232
 *   刑法第二百三十二条之一 · 劳动合同法第三十九条第一款 · 第四十四条第二项
 *   第三十九条第一款第（二）项 · 山东省实施《中华人民共和国村民委员会组织法》办法 第一条
 * Blanks anywhere; Chinese numerals or digits, half or full width. */
typedef struct gz_lawref {
    char name[GZ_LAW_KEY_MAX]; /* the work as typed: blanks and the version note
                                * removed, 《》 kept; "" when none was typed */
    uint32_t date;             /* @date or the title's version note; yyyymmdd,
                                * yyyy0000 when only a year is given (2018年修正) */
    int32_t article;           /* 17 */
    int32_t sub;               /* 1 for 之一, else 0 */
    int32_t clause;            /* 款, 0 for none */
    int32_t item;              /* 项, 0 for none */
} gz_lawref;

/* Parses s[0..len) into r. GZ_OK, or GZ_INVALID with err saying why (no
 * article number, a bad date, trailing text). */
gz_status gz_lawref_parse(const char *s, size_t len, gz_lawref *r, gz_error *err);

/* ------------------------------------------- clauses and items */

/* In an article's text (one paragraph a line, the first beginning 第X条;
 * items begin （一） or (一) and belong to the paragraph they follow), the
 * byte range of 款 clause (1-based; 0 for the whole article) and, when
 * item > 0, of 项 item within it. The range covers the line(s) without
 * their final newline. Returns 1 and fills *out, or 0 when there is no such
 * 款 or 项. */
int gz_law_clause_range(const char *text, size_t len, int32_t clause, int32_t item, gz_span *out);

/* ------------------------------------------------ cross-references */

/* A short name a text gives a work: 《中华人民共和国道路交通安全法实施条例》
 * （以下简称《条例》） makes 条例 stand for the title in 《》. */
typedef struct gz_law_alias {
    gz_span alias; /* 条例: without 《》 or quotes */
    gz_span name;  /* the title inside the 《》 right before （以下简称 */
} gz_law_alias;

/* The aliases text defines, in order: stores at most cap and returns the
 * number found (may exceed cap). A cross-reference whose name equals an
 * alias names the alias's work (《条例》第十八条). */
size_t gz_law_aliases(const char *text, size_t len, gz_law_alias *out, size_t cap);

typedef enum gz_xref_scope {
    GZ_XREF_SAME_WORK = 0,  /* 本法第X条, or a bare 第X条 */
    GZ_XREF_NAMED_WORK,     /* 《X》第Y条, or 依照刑法第Y条: name is the span of X */
    GZ_XREF_SAME_ARTICLE,   /* 本条第X款, 第X款, 第X项: the citing article (a bare
                             * 第X款/第X项 after an article reference in the same
                             * sentence is that article's: inherited) */
    GZ_XREF_PREV_CLAUSE,    /* 前款, 前两款, 前三款: back = 1, 2, 3 */
    GZ_XREF_PREV_ARTICLE,   /* 前条 */
    GZ_XREF__COUNT
} gz_xref_scope;

typedef struct gz_xref {
    size_t start, end;      /* the reference in the text */
    gz_xref_scope scope;
    gz_span name;           /* NAMED_WORK: the work's name in the text */
    int32_t article;        /* 0 when the scope is an article or a clause */
    int32_t article_to;     /* 第X条至第Y条: Y, else 0 */
    int32_t sub;            /* 之一 */
    int32_t clause;         /* 款, 0 for none */
    int32_t item;           /* 项, 0 for none */
    int32_t back;           /* PREV_CLAUSE: how many 款 back it spans */
    int guessed_name;       /* NAMED_WORK without 《》: name is the Han run
                             * ending in 法/法典/条例 after a verb such as 依照;
                             * its start is a guess (实施刑法): resolve its
                             * suffixes, longest first, and keep the first
                             * that names a work (score >= GZ_LAW_NAME_SHORT) */
    int inherited;          /* 1 when the scope came from the reference before
                             * it in a list: 《刑法》第十条、第十一条 */
} gz_xref;

/* Scanner state: a value on the caller's stack, no allocation. text is
 * borrowed for the scanner's life. */
typedef struct gz_xref_scan {
    const char *text;
    size_t len, pos;
    gz_xref prev;      /* the reference before, for lists */
    gz_xref art;       /* the last one naming an article, for a bare 款/项 */
    int have_prev, have_art;
} gz_xref_scan;

void gz_xref_scan_init(gz_xref_scan *s, const char *text, size_t len);
/* The next reference, in text order: 1 and *x filled, or 0 at the end. */
int gz_xref_scan_next(gz_xref_scan *s, gz_xref *x);
/* A short name for the scope ("same_work", "named_work", ...). */
const char *gz_xref_scope_name(gz_xref_scope s);

#endif
