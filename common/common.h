/* common/common.h: the one public header of gz_common, the layer every other
 * module stands on: status codes, allocation hooks, byte buffers, UTF-8 and
 * Chinese-numeral helpers, 文号 parsing, a JSON writer and the structured
 * document tree (gz_doc) that corpus/ produces and indexer/ consumes.
 * Nothing here knows about files on disk, ICU or the index. */
#ifndef GZ_COMMON_COMMON_H
#define GZ_COMMON_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---------------------------------------------------------------- status */

typedef enum gz_status {
    GZ_OK = 0,
    GZ_EOF,     /* stream or iterator exhausted: not a failure */
    GZ_NOMEM,
    GZ_IO,
    GZ_CORRUPT, /* bad magic, checksum or structure */
    GZ_VERSION, /* good magic, but a version or flag bits we don't know */
    GZ_INVALID, /* bad argument, malformed input or query */
    GZ_LIMIT,   /* a request's budget (work, memory, time) is spent: the
                 * answer so far is partial, not wrong */
} gz_status;

const char *gz_status_str(gz_status s);

/* Human-facing error detail. Never allocates; msg is always NUL-terminated.
 * Messages are tagged "[module][op] reason", e.g. "[corpus][read] empty file". */
typedef struct gz_error {
    gz_status code;
    int sys_errno;   /* errno at the failure, 0 if none */
    int64_t offset;  /* byte offset in the input the error refers to, -1 if none */
    char msg[256];
} gz_error;

/* Fills err (if not NULL) and returns code, so callers can `return gz_error_set(...)`. */
gz_status gz_error_set(gz_error *err, gz_status code, int64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ------------------------------------------------------------ allocation */

/* Every allocation in the project goes through these, so tests can fail the
 * Nth allocation. gz_alloc_fail_after(n): the allocation after n more
 * succeed returns NULL; -1 disables (the default). */
void *gz_alloc(size_t len);
void *gz_calloc(size_t n, size_t len);
void *gz_realloc(void *p, size_t len);
void gz_free(void *p);
char *gz_strndup(const char *s, size_t len);
void gz_alloc_fail_after(long n);
/* What the calling thread holds through these hooks: bytes it allocated
 * less bytes it freed (negative when it frees what another thread
 * allocated), and the most it has held since gz_alloc_peak_reset(). A
 * request compares them with their values at its start (its memory bound). */
int64_t gz_alloc_live(void);
int64_t gz_alloc_peak(void);
void gz_alloc_peak_reset(void);

/* Makes room for at least n items of elem bytes in the array whose address
 * is at arr (a pointer to the array pointer), with *cap items now: the
 * capacity doubles from min. GZ_OK, or GZ_NOMEM with the array and *cap
 * unchanged. Usage: gz_grow(&v, &cap, n + 1, sizeof *v, 16). */
gz_status gz_grow_slow(void *arr, size_t *cap, size_t n, size_t elem, size_t min);
static inline gz_status gz_grow(void *arr, size_t *cap, size_t n, size_t elem, size_t min)
{
    return n <= *cap ? GZ_OK : gz_grow_slow(arr, cap, n, elem, min); /* inline: hot callers */
}

/* ---------------------------------------------------------------- buffer */

/* A growable byte buffer. Sticky: after an allocation failure `status` is
 * GZ_NOMEM and every append is a no-op; check once at the end. data is
 * always NUL-terminated when len > 0 or after gz_buf_cstr(). */
typedef struct gz_buf {
    char *data;
    size_t len, cap;
    gz_status status;
} gz_buf;

void gz_buf_init(gz_buf *b);
void gz_buf_fini(gz_buf *b);
void gz_buf_reserve(gz_buf *b, size_t extra);
void gz_buf_put_any(gz_buf *b, const void *p, size_t len);
/* Appends len bytes (keeping a terminator after them). Inline while they
 * fit, which is nearly always: the analyser and the postings writer append
 * a few bytes at a time. */
static inline void gz_buf_put(gz_buf *b, const void *p, size_t len)
{
    if (b->status == GZ_OK && b->cap - b->len > len) {
        memcpy(b->data + b->len, p, len);
        b->len += len;
        b->data[b->len] = 0;
        return;
    }
    gz_buf_put_any(b, p, len);
}
static inline void gz_buf_putc(gz_buf *b, char c)
{
    if (b->status == GZ_OK && b->cap - b->len > 1) {
        b->data[b->len++] = c;
        b->data[b->len] = 0;
        return;
    }
    gz_buf_put_any(b, &c, 1);
}
void gz_buf_puts(gz_buf *b, const char *s);
void gz_buf_printf(gz_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *gz_buf_cstr(gz_buf *b);
/* Hands the bytes to the caller (free with gz_free) and resets b. */
char *gz_buf_take(gz_buf *b, size_t *len);

/* ------------------------------------------------------------------ UTF-8 */

/* Decodes one code point at *p (p < end). On success advances *p and returns
 * the code point; on an invalid or truncated sequence returns -1 and leaves
 * *p unchanged. Overlongs, surrogates and values above U+10FFFF are invalid. */
int32_t gz_utf8_next_any(const char **p, const char *end);
/* Inline for ASCII and the three-byte sequences led by E1..EC (U+1000 to
 * U+CFFF: every Han character of the URO, never overlong nor a surrogate);
 * every other sequence goes to gz_utf8_next_any. Called per character by
 * the parser and the normaliser. */
static inline int32_t gz_utf8_next(const char **pp, const char *end)
{
    const unsigned char *p = (const unsigned char *)*pp;
    if (p < (const unsigned char *)end) {
        unsigned c = p[0];
        if (c < 0x80) {
            *pp += 1;
            return (int32_t)c;
        }
        if (c >= 0xE1 && c <= 0xEC && end - *pp >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
            *pp += 3;
            return (int32_t)((c & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu));
        }
    }
    return gz_utf8_next_any(pp, end);
}
/* Writes cp as UTF-8 into out (at least 4 bytes); returns the byte count. */
size_t gz_utf8_put(char *out, int32_t cp);
/* Offset of the first invalid byte, or len if s is valid UTF-8. */
size_t gz_utf8_valid_prefix(const char *s, size_t len);
/* True for CJK ideographs (URO, extensions A-G, compatibility). */
int gz_is_han(int32_t cp);
/* The first index in [lo, hi) of the ascending a whose value is v or more
 * (hi if none): a binary search. */
static inline size_t gz_lower_u32(const uint32_t *a, size_t lo, size_t hi, uint32_t v)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* True if s[0..len) is one or more ASCII digits. */
static inline int gz_all_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return len > 0;
}
/* True for traditional Mongolian letters and marks (U+1800-U+18AF). */
int gz_is_mongolian(int32_t cp);

/* ---------------------------------------------------- Chinese numerals */

/* Parses a number written in Chinese numerals (〇零一二两三四五六七八九十百千万),
 * Arabic digits (half or full width), or a digit-by-digit year (二〇二三).
 * Reads the longest numeral prefix of s[0..len); returns its byte length,
 * 0 if s does not start with a numeral, and stores the value in *out.
 * Values above 10^12 are refused (returns 0). */
size_t gz_numeral_parse(const char *s, size_t len, int64_t *out);

/* ------------------------------------------------------------- 文号 docno */

/* A document number such as 伊政发〔2023〕110号. Any of the brackets
 * [] 〔〕 () （） 【】 ［］ 〈〉 may enclose the year; digits may be full width. */
typedef struct gz_docno {
    char issuer[64]; /* UTF-8, e.g. 伊政办发 */
    int year;
    int serial;
    size_t start, end; /* byte range of the whole 文号 in the scanned text */
} gz_docno;

/* Finds the first 文号 in s[0..len). Returns 1 and fills d, or 0. The issuer is
 * the run of Han characters (at most 12) directly before the opening bracket. */
int gz_docno_find(const char *s, size_t len, gz_docno *d);
/* Canonical form "伊政发〔2023〕110号" into out (at least 96 bytes). */
void gz_docno_canon(const gz_docno *d, char *out, size_t cap);

/* ------------------------------------------------------------------ JSON */

/* Appends s as a JSON string literal (quoted, escaped). Invalid UTF-8 bytes
 * become U+FFFD so the output is always valid JSON. */
void gz_json_str(gz_buf *b, const char *s, size_t len);

/* -------------------------------------------------------- document tree */

typedef enum gz_kind {
    GZ_KIND_ISSUE = 0,  /* one gazette issue: the root of a bulletin file */
    GZ_KIND_MASTHEAD,   /* title lines, 期号, date */
    GZ_KIND_CONTENTS,   /* 目录 */
    GZ_KIND_FRONTMATTER,/* editorial board and other matter before the documents */
    GZ_KIND_DOCUMENT,   /* one official document (a notice, a law) */
    GZ_KIND_REGULATION, /* the text a notice 印发s: 《…办法》, 《…方案》 */
    GZ_KIND_ATTACHMENT, /* 附件 */
    GZ_KIND_PART,       /* 第X编 */
    GZ_KIND_CHAPTER,    /* 第X章 */
    GZ_KIND_SECTION,    /* 第X节, or a plan heading 一、 (一) 1. (see level) */
    GZ_KIND_ARTICLE,    /* 第X条 */
    GZ_KIND_ITEM,       /* （一） inside an article, or - bullet */
    GZ_KIND_PARAGRAPH,  /* any other block of running text */
    GZ_KIND_TABLE,
    GZ_KIND_ROW,
    GZ_KIND_CELL,
    GZ_KIND_BACKMATTER, /* the closing pages of an issue (简介 …) */
    GZ_KIND__COUNT
} gz_kind;

const char *gz_kind_name(gz_kind k);
/* Returns the kind named s, or -1. */
int gz_kind_from_name(const char *s);

#define GZ_NONE (-1)

/* One structural unit. Offsets are bytes into gz_doc.text, [start, end).
 * Strings (label, title, ...) are offsets into gz_doc.pool, NUL-terminated,
 * or 0 for "none" (pool[0] is always the empty string). */
typedef struct gz_node {
    gz_kind kind;
    int32_t parent, first_child, last_child, next_sibling; /* node indices or GZ_NONE */
    int64_t number;    /* 46 for 第四十六条; GZ_NONE if the label has no number */
    int32_t sub;       /* 1 for 第十条之一, else 0 */
    int32_t level;     /* plan sections: 1 一、, 2 (一), 3 1.; 0 otherwise */
    size_t start, end;
    uint32_t label;    /* as printed: 第四十六条 */
    uint32_t title;    /* documents, regulations, chapters, attachments */
    /* documents only */
    uint32_t date;     /* ISO 8601 signing / publication date */
    uint32_t docno_raw;/* 文号 as printed */
    uint32_t issuer_code;
    int32_t docno_year, docno_serial;
    uint32_t body;     /* issuing body (signature) */
    uint32_t recipients;
    uint32_t version_date; /* yyyymmdd of the last amendment the text includes, 0 none */
    uint32_t status;   /* its standing (format.h GZ_DOCSTAT_*), 0 unknown */
    /* issues only */
    uint32_t issue_no; /* 2023年第11-12期 */
    int32_t total_no;  /* 总第45期 -> 45 */
} gz_node;

/* A parsed source file. Owns text, nodes and pool. */
typedef struct gz_doc {
    char *path;      /* as given */
    char *text;      /* cleaned UTF-8 text every offset refers to */
    size_t text_len;
    gz_node *nodes;  /* nodes[0] is the root */
    size_t n_nodes, cap_nodes;
    gz_buf pool;     /* strings */
    gz_status status;/* sticky: GZ_NOMEM after a failed allocation */
    /* pages of a paged source (a PDF): n_pages, 0 for text without pages;
     * page k + 2 begins at text offset page_at[k] */
    uint32_t n_pages;
    size_t *page_at, n_page_at;
} gz_doc;

void gz_doc_init(gz_doc *d);
void gz_doc_fini(gz_doc *d);
/* Appends a node as the last child of parent (GZ_NONE for the root) and
 * returns its index, or GZ_NONE on allocation failure (d->status is set). */
int32_t gz_doc_add(gz_doc *d, int32_t parent, gz_kind kind, size_t start, size_t end);
/* Copies s[0..len) into the pool and returns its offset. */
uint32_t gz_doc_str(gz_doc *d, const char *s, size_t len);
static inline const char *gz_doc_get(const gz_doc *d, uint32_t off) { return d->pool.data + off; }
/* The page (1-based) holding text offset off, or 0 when d has no pages. A
 * node's pages are gz_doc_page(d, start) to gz_doc_page(d, end - 1). */
uint32_t gz_doc_page(const gz_doc *d, size_t off);
/* Writes the tree as JSON (see docs/corpus.md); with pages, every node
 * carries "page" and "page_end". */
void gz_doc_json(const gz_doc *d, gz_buf *out);

#endif
