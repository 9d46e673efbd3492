/* format/format.h: the on-disk format of a Gazette index, shared by the
 * indexer (which writes it) and the searcher (which reads it), so that
 * neither includes the other. docs/format.md is the prose version of the
 * layouts below, field by field; keep both true.
 *
 * All integers are little-endian; no struct is ever written as is.
 *
 * Every file starts with a 40-byte header:
 *   magic[8] "\x89GZT\r\n\x1a\n" | u16 version | u16 kind | u32 flags (MANIFEST:
 *   GZ_FLAG_SOURCE_STAT, GZ_FLAG_MOVED; else 0)
 *   | u64 body_len | u64 body_xxh3 (XXH3-64 of the body) | u64 header_xxh3
 *   (XXH3-64 of the preceding 32 bytes)
 * A bad magic or checksum is GZ_CORRUPT; another version, an unknown kind
 * or flag is GZ_VERSION (an index of another version is built again).
 *
 * Version log:
 *   1  manifest + one file per segment (sections with a TOC) + delete sets;
 *      postings in blocks of 128 units, bit-packed; zstd stored text
 *   2  block impacts in the skip entries; meta features: field 'n', packed
 *      units, patched runs, rare terms as bits (each optional)
 *   3  one layout: every version-2 feature always, the meta without a
 *      features word; DOCS records of 72 bytes (VERSION_DATE, STATUS);
 *      packed units with PAGE and PAGE_END (12 fields); the MANIFEST's
 *      moved table (GZ_FLAG_MOVED)
 *   4  a postings block's skip entry says whether the block holds the first
 *      unit of a document (its title line): n_impacts << 1 | that bit;
 *      the HASHES section, each unit's text's hash
 *   5  field 'c': the works each document names in 《》 (GZ_FIELD_CITES)
 *
 * Files of an index directory:
 *   MANIFEST          kind MANIFEST: the committed state (replaced by rename)
 *   seg-NNNNNN.gzs    kind SEGMENT: one immutable segment
 *   del-NNNNNN-GGGGGG.gzd  kind DELETES: deleted docs of segment N as of
 *                     generation G (a bitmap)
 *   LOCK              the writer lock (flock), no content
 *
 * MANIFEST body:
 *   u64 generation | str analyzer_id | u32 next_segment_id
 *   | u32 n_segments, then per segment:
 *       u32 id | u32 n_docs | u32 n_units | u64 bytes | u32 del_generation (0: none) | u32 n_deleted
 *   | u32 n_sources, then per source:
 *       str key (absolute path) | str display (as reported) | u64 hash_lo | u64 hash_hi
 *       | u64 size | u32 segment_id | u32 first_doc | u32 n_docs
 *       [| u64 mtime_ns | u64 ctime_ns | u64 inode, with GZ_FLAG_SOURCE_STAT]
 *   [| u32 n_moved, then per range of a retired segment, with GZ_FLAG_MOVED:
 *       u32 segment | u32 first_doc | u32 n_docs | u32 first_unit
 *       | u64 source (XXH3-64 of the source as results show it) | u64 retired
 *       (Unix seconds)]
 *   str = u32 length + bytes.
 *
 * SEGMENT body: a TOC then sections.
 *   u32 n_sections, then per section: u32 id | u64 offset (from body start) | u64 length | u64 xxh3
 *   Sections (GZ_SEC_*), every one present but ZDICT (empty or absent):
 *     META     u32 n_docs | u32 n_units | u64 n_positions (all units' lengths)
 *              | u64 n_words | u32 n_terms | u32 text_block (TEXT's block size)
 *              (GZ_META_LEN bytes)
 *     DOCS     n_docs records of GZ_DOC_REC bytes (GZ_DOC_* below)
 *     UNITS    n_units packed records (gz_units_pack below)
 *     STRINGS  NUL-terminated UTF-8 strings referenced by offset; offset 0 is ""
 *     DICT     the term dictionary: front-coded blocks of GZ_DICT_BLOCK terms
 *              (layout under "dictionary" below)
 *     POSTINGS per term, its postings (layout under "postings" below)
 *     ZDICT    the zstd dictionary for TEXT (may be empty)
 *     TEXT     stored text: u32 n_blocks, then n_blocks x (u64 offset u32 clen u32 ulen),
 *              then the zstd frames; documents' cleaned texts concatenated
 *     HASHES   n_units x u32: each unit's text's hash (GZ_UNIT_HASH)
 */
#ifndef GZ_FORMAT_FORMAT_H
#define GZ_FORMAT_FORMAT_H

#include "common/common.h"

#include <stdbool.h>

#define GZ_MAGIC "\x89GZT\r\n\x1a\n"
#define GZ_FORMAT_VERSION 5
#define GZ_HEADER_LEN 40
#define GZ_META_LEN 32

enum gz_file_kind { GZ_FILE_MANIFEST = 1, GZ_FILE_SEGMENT = 2, GZ_FILE_DELETES = 3 };

enum gz_section {
    GZ_SEC_META = 1,
    GZ_SEC_DOCS,
    GZ_SEC_UNITS,
    GZ_SEC_STRINGS,
    GZ_SEC_DICT,
    GZ_SEC_POSTINGS,
    GZ_SEC_ZDICT,
    GZ_SEC_TEXT,
    GZ_SEC_HASHES,
    GZ_SEC__COUNT
};

const char *gz_section_name(int id);

/* ---------------------------------------------------------- little endian */

static inline void gz_put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void gz_put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline void gz_put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint16_t gz_get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t gz_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t gz_get64(const uint8_t *p) { return gz_get32(p) | (uint64_t)gz_get32(p + 4) << 32; }

/* ---------------------------------------------------------------- varint */

#define GZ_VARINT_MAX 10
/* Writes v as LEB128; returns the bytes written. */
size_t gz_varint_put(uint8_t *out, uint64_t v);
/* Reads a varint from [*p, end); GZ_CORRUPT when truncated or too long. */
gz_status gz_varint_get(const uint8_t **p, const uint8_t *end, uint64_t *v);
void gz_buf_varint(gz_buf *b, uint64_t v);
void gz_buf_u32(gz_buf *b, uint32_t v);
void gz_buf_u64(gz_buf *b, uint64_t v);
void gz_buf_str(gz_buf *b, const char *s, size_t len);

/* A bounds-checked reader over [p, end): every get fails with GZ_CORRUPT
 * (sticky) rather than read past end. */
typedef struct gz_reader {
    const uint8_t *p, *end;
    gz_status status;
} gz_reader;

uint32_t gz_rd_u32(gz_reader *r);
uint64_t gz_rd_u64(gz_reader *r);
uint64_t gz_rd_varint_any(gz_reader *r);
/* A varint; one or two bytes (most of a skip table's and a dictionary's)
 * inline. */
static inline uint64_t gz_rd_varint(gz_reader *r)
{
    if (r->status == GZ_OK && r->p < r->end && *r->p < 0x80)
        return *r->p++;
    if (r->status == GZ_OK && r->end - r->p >= 2 && r->p[1] < 0x80) {
        uint64_t v = (uint64_t)(r->p[0] & 0x7f) | (uint64_t)r->p[1] << 7;
        r->p += 2;
        return v;
    }
    return gz_rd_varint_any(r);
}
/* A string: u32 length + bytes; returns a pointer into the buffer (not
 * NUL-terminated) and its length. */
const char *gz_rd_str(gz_reader *r, uint32_t *len);

/* ---------------------------------------------------------------- header */

uint64_t gz_xxh3(const void *p, size_t len);
/* Header flags, by kind. MANIFEST: each source ends with its file's stat
 * as indexed (u64 mtime_ns | u64 ctime_ns | u64 inode; 0s: not trusted).
 * A reader refuses a flag it does not know for the kind (GZ_VERSION). */
#define GZ_FLAG_SOURCE_STAT 1u
/* MANIFEST: the body ends with the moved table (gz_man_moved). */
#define GZ_FLAG_MOVED 2u
/* Writes the 40-byte header for a body into out. */
void gz_header_put(uint8_t out[GZ_HEADER_LEN], uint16_t kind, uint32_t flags, const void *body, uint64_t body_len);
/* The same for a body whose XXH3-64 is known (a file written in pieces). */
void gz_header_put_hashed(uint8_t out[GZ_HEADER_LEN], uint16_t kind, uint32_t flags, uint64_t body_len,
                          uint64_t body_xxh3);
/* Checks the header of a whole file image [p, p+len) of the expected kind,
 * verifying the body checksum. On GZ_OK *body and *body_len point inside. */
gz_status gz_header_check(const uint8_t *p, size_t len, uint16_t kind, const uint8_t **body,
                          uint64_t *body_len, gz_error *err);
/* The same with the body's XXH3-64 computed by hash (a mapped segment's,
 * read in pieces given back as it goes), or not checked when hash is NULL
 * (the caller checks it). */
gz_status gz_header_check_with(const uint8_t *p, size_t len, uint16_t kind, const uint8_t **body,
                               uint64_t *body_len, uint64_t (*hash)(const void *, size_t), gz_error *err);

/* ---------------------------------------------------------- bit packing */

/* Postings blocks hold GZ_BLOCK units; positions are packed in chunks of
 * GZ_BLOCK values. */
#define GZ_BLOCK 128
/* Terms in at most this many units are stored as bits (gz_rare_pack). */
#define GZ_SMALL_DF 16

/* Bits needed for v (0 for 0). */
static inline unsigned gz_bits(uint32_t v) { return v ? 32u - (unsigned)__builtin_clz(v) : 0; }
/* Packs n values (n <= GZ_BLOCK) with a 1-byte width prefix; returns the
 * bytes appended. */
void gz_pack(gz_buf *b, const uint32_t *v, size_t n);
/* Unpacks n values; GZ_CORRUPT if the data is short or the width > 32. */
gz_status gz_unpack(gz_reader *r, uint32_t *v, size_t n);
/* A patched run (a block's unit gaps, tf - 1, positions and spans): a
 * packed run at the width that makes the whole smallest, its width byte
 * or'ed with GZ_PATCHED when some values did not fit; then u8
 * n_exceptions, their indexes (u8 each), and a packed run of their high
 * bits (value >> width), the bits the first run dropped. n <= 255. A run
 * with no exception is a plain packed run. */
#define GZ_PATCHED 0x80
void gz_pack_patched(gz_buf *b, const uint32_t *v, size_t n);
gz_status gz_unpack_patched(gz_reader *r, uint32_t *v, size_t n);
/* Where the parts of a run of n values at p lie, plain or patched, checked
 * against end, and the high bits' width keeping every value within 32
 * bits. The exception indexes are the caller's to check as it reads them
 * (below n; rising, which the writer makes them and a reader that ranks
 * them needs). For a reader that takes values one at a time (positions)
 * as gz_unpack_patched takes them all. */
typedef struct gz_patched {
    unsigned width;      /* of the low run */
    const uint8_t *low;  /* its values, after the width byte */
    unsigned n_exc;      /* 0: a plain run */
    const uint8_t *idx;  /* n_exc indexes (unchecked) */
    const uint8_t *high; /* the high bits' packed run, its width byte first */
    size_t len;          /* the whole run's bytes */
} gz_patched;
/* (inline: every block's unit gaps and tfs go through it) */
static inline gz_status gz_patched_layout(const uint8_t *p, const uint8_t *end, size_t n, gz_patched *out)
{
    if (p >= end || n > 255)
        return GZ_CORRUPT;
    unsigned w = *p & ~(unsigned)GZ_PATCHED;
    size_t low = ((size_t)n * w + 7) / 8;
    if (w > 32 || (size_t)(end - p) < 1 + low)
        return GZ_CORRUPT;
    *out = (gz_patched){.width = w, .low = p + 1, .len = 1 + low};
    if (!(*p & GZ_PATCHED))
        return GZ_OK;
    /* u8 count, the indexes, the high bits' run, whose width keeps every
     * value within 32 bits */
    const uint8_t *c = p + 1 + low;
    if (w >= 32 || c >= end || *c == 0 || *c > n || (size_t)(end - c) < 2u + *c)
        return GZ_CORRUPT;
    unsigned n_exc = *c, hw = c[1 + n_exc];
    size_t high = 1 + ((size_t)n_exc * hw + 7) / 8;
    if (hw == 0 || w + hw > 32 || (size_t)(end - c) < 1 + n_exc + high)
        return GZ_CORRUPT;
    out->n_exc = n_exc;
    out->idx = c + 1;
    out->high = c + 1 + n_exc;
    out->len += 1 + n_exc + high;
    return GZ_OK;
}


/* A rare term's postings (df <= GZ_SMALL_DF, no skip table) as bits,
 * least significant bit first: the df units by binary interpolative coding
 * over [0, n_units): the middle unit in the bits its range needs, then each
 * half in the range the middle leaves it; then every tf as an Elias gamma
 * code; unless NOPOS, a 6-bit width w and every position, absolute, at w
 * bits, unit after unit; with SPANS, every span as a gamma code; zero bits
 * to the byte. A reader over such bits: status turns GZ_CORRUPT (sticky)
 * on a read past the end or a code out of range, as gz_reader's does. */
typedef struct gz_bitr {
    const uint8_t *p, *end;
    uint64_t acc;
    unsigned n;       /* bits in acc */
    gz_status status;
} gz_bitr;
void gz_rare_pack(gz_buf *b, uint32_t n_units, const uint32_t *units, const uint32_t *tfs, uint32_t n,
                  const uint32_t *pos, const uint32_t *span, uint8_t flags);
/* The units (rising, below n_units) and tfs (1 to 2^24) of n postings;
 * then, with the sum of the tfs, gz_rare_unpack_pos. GZ_CORRUPT for bits
 * that do not decode so. */
gz_status gz_rare_unpack_units(gz_bitr *r, uint32_t n_units, uint32_t n, uint32_t *units, uint32_t *tfs);
/* total positions (and with SPANS spans, each at least 1); then the bits
 * must end, zero, at the last byte. */
gz_status gz_rare_unpack_pos(gz_bitr *r, uint32_t total, uint8_t flags, uint32_t *pos, uint32_t *span);

/* ------------------------------------------------------ record layouts */

/* DOCS record: fixed size, little-endian fields at these offsets. */
#define GZ_DOC_REC 72
/* Each field is a u32 STRINGS offset (0: none) unless said otherwise:
 * TITLE | DOCNO_RAW (as printed) | ISSUER (伊政发) | DOCNO (canonical)
 * | BODY (issuing body) | DATE (u32 yyyymmdd, 0 none) | YEAR, SERIAL (u32,
 * of the 文号) | KIND (u32 gz_kind of the document node) | TEXT_OFF (u64,
 * offset in the concatenated stored text) | TEXT_LEN (u32) | FIRST_UNIT,
 * N_UNITS (u32) | SOURCE (display path) | ISSUE (the issue's title and
 * number, for documents of a bulletin) | VERSION_DATE (u32 yyyymmdd, 0
 * none: the last amendment the text includes) | STATUS (u32 GZ_DOCSTAT_*). */
enum {
    GZ_DOC_TITLE = 0, GZ_DOC_DOCNO_RAW = 4, GZ_DOC_ISSUER = 8, GZ_DOC_DOCNO = 12,
    GZ_DOC_BODY = 16, GZ_DOC_DATE = 20, GZ_DOC_YEAR = 24, GZ_DOC_SERIAL = 28, GZ_DOC_KIND = 32,
    GZ_DOC_TEXT_OFF = 36, GZ_DOC_TEXT_LEN = 44, GZ_DOC_FIRST_UNIT = 48, GZ_DOC_N_UNITS = 52,
    GZ_DOC_SOURCE = 56, GZ_DOC_ISSUE = 60, GZ_DOC_VERSION_DATE = 64, GZ_DOC_STATUS = 68
};
/* STATUS: a document's standing. 0 (unknown) is all the indexer writes
 * yet; the other values are reserved for versions and repeals. */
enum { GZ_DOCSTAT_UNKNOWN = 0 };

/* A unit as the writer stages it for gz_units_pack: GZ_UNIT_FIELDS u32s,
 * at these offsets of a GZ_UNIT_REC-byte record (never written as is).
 * start/end are byte offsets in the document's text. */
#define GZ_UNIT_REC 52
enum {
    GZ_UNIT_DOC = 0, GZ_UNIT_KIND = 4, GZ_UNIT_NUMBER = 8, GZ_UNIT_SUB = 12, GZ_UNIT_LABEL = 16,
    GZ_UNIT_PATH = 20, GZ_UNIT_START = 24, GZ_UNIT_END = 28, GZ_UNIT_LEN = 32, GZ_UNIT_WORDS = 36,
    GZ_UNIT_PAGE = 40, GZ_UNIT_PAGE_END = 44, GZ_UNIT_HASH = 48
};
/* DOC: its document; KIND: gz_kind; NUMBER: 46 for 第四十六条, -1 none;
 * SUB: 1 for 第十条之一; LABEL: STRINGS offset of 第四十六条; PATH: STRINGS
 * offset of the unit's place, "第七章 管理监督" (chapter/section titles
 * joined by " / "); LEN: positions in the unit (BM25 length); WORDS:
 * words in the unit; PAGE, PAGE_END: the pages (1-based) of a paged source
 * the unit starts and ends on, 0 unknown; HASH: the low 32 bits of the
 * XXH3-64 of the unit's text (bytes START to END), so that units of the
 * same text (an article unchanged between two versions of a law) are
 * known without decompressing either. HASH is staged here but not packed:
 * it goes to the HASHES section (a u32 a unit), which keeps the packed
 * records that a merge reads for every posting as narrow as they were. */

/* UNITS section: u8 widths[GZ_UNIT_FIELDS], then the records, each the
 * fields above in their order, with NUMBER + 1 (0: none) and END - START,
 * at those widths (at most 32 bits each), least significant bit first;
 * record u starts at bit u x the sum of the widths; then 8 zero bytes. */
#define GZ_UNIT_FIELDS 12
/* Packs n records of GZ_UNIT_REC bytes into out. */
void gz_units_pack(const uint8_t *recs, uint32_t n, gz_buf *out);
/* The same, streamed: every record's values first through gz_units_most
 * (most[] starts at 0), then gz_unitw_begin writes the widths to out, each
 * record in order through gz_unitw_put, and gz_unitw_end the last bits and
 * the 8 zero bytes. out may be drained between calls (appended only). */
typedef struct gz_unitw {
    uint8_t width[GZ_UNIT_FIELDS];
    uint64_t acc;
    unsigned n; /* bits in acc */
    gz_buf *out;
} gz_unitw;
void gz_units_most(const uint8_t *rec, uint32_t most[GZ_UNIT_FIELDS]);
void gz_unitw_begin(gz_unitw *w, const uint32_t most[GZ_UNIT_FIELDS], gz_buf *out);
void gz_unitw_put(gz_unitw *w, const uint8_t *rec);
void gz_unitw_end(gz_unitw *w);
/* The packed section's layout: each field's width and bit offset in a
 * record, and the record's bits; GZ_CORRUPT unless len fits n records. */
gz_status gz_units_layout(const uint8_t *packed, uint64_t len, uint32_t n, uint8_t width[GZ_UNIT_FIELDS],
                          uint16_t at[GZ_UNIT_FIELDS], uint32_t *bits);
/* Field f of the record at bit `base` (u x the record's bits; layout
 * from gz_units_layout). */
static inline uint32_t gz_units_field(const uint8_t *packed, const uint8_t *width, const uint16_t *at, uint64_t base,
                                      int f)
{
    uint64_t bit = base + at[f];
    uint64_t word = gz_get64(packed + GZ_UNIT_FIELDS + (bit >> 3)) >> (bit & 7);
    return (uint32_t)(word & ((1ull << width[f]) - 1)); /* width <= 32 */
}

/* ------------------------------------------------------------ dictionary */

/* Terms are byte strings: a field byte then the token text.
 *   'g' gram, unigram, term, num, docno (the exact/phrase field)
 *   'w' words (ranking only: no positions)
 *   'p', 'n' below
 * DICT layout: u32 n_terms | u32 n_blocks | n_blocks x u32 block offset
 * (from the start of the block area) | blocks. A block holds up to
 * GZ_DICT_BLOCK terms in order. Its first term: varint len | bytes
 * | varint df << 2 | flags (GZ_TERM_*) | varint postings offset (absolute,
 * in POSTINGS) | varint postings length. Each next term: varint
 * shared-prefix length | varint suffix length | suffix | varint
 * df << 2 | flags | varint postings length; its postings begin where the
 * previous term's end. */
#define GZ_DICT_BLOCK 16
#define GZ_TERM_MAX 255
enum { GZ_TERM_SPANS = 1, GZ_TERM_NOPOS = 2 };

#define GZ_FIELD_GRAM 'g'
#define GZ_FIELD_WORD 'w'
/* A common word's exact matches: every unit where its text occurs (as a run
 * of its grams at consecutive positions), with the count, no positions.
 * What matching the word's grams as a phrase finds, computed at flush. */
#define GZ_FIELD_PHRASE 'p'
/* A number and the Han character after it: every token whose text is
 * ASCII digits (a folded numeral, or digits as written) followed, at the
 * position its span ends, by a Han character c, also gives the term
 * 'n' + digits + c at the number's position, spanning both. What the
 * number and a one-character prefix over every gram that begins with c
 * find, as one term (三年 -> "n3年"). */
#define GZ_FIELD_NUMCHAR 'n'
/* A work a document's text names in 《》 (gz_law_next_cited): 'c' + the
 * work key, one posting a document that names it, at the document's first
 * unit, no positions. Counted by the searcher for a question's prior
 * (how many other texts cite a law), never searched. */
#define GZ_FIELD_CITES 'c'

/* Whether a term of this key has no positions (GZ_TERM_NOPOS): its
 * postings' unit lengths are the units' word counts. */
static inline int gz_key_nopos(const char *key)
{
    return key[0] == GZ_FIELD_WORD || key[0] == GZ_FIELD_PHRASE || key[0] == GZ_FIELD_CITES;
}

/* ------------------------------------------------------------- postings */

/* A term's postings. A rare term (df <= GZ_SMALL_DF): gz_rare_pack's bits.
 * Other terms: varint n_blocks, then per block a skip entry: varint
 * last_unit_delta (the first block's last unit absolute, then gap - 1)
 * | varint byte_len | varint n_impacts (1..GZ_IMPACTS_MAX) << 1 | first
 * (1 if the block holds the first unit of a document, its title line: a
 * document's title words lift its other units, so a block without one
 * cannot be lifted by a document that begins in it) | per impact varint
 * tf - 1, varint unit length (the block's score bound, see
 * gz_post_impacts) | varint positions count | u32 low 32 bits of the
 * block's XXH3-64; then the blocks. A block of GZ_BLOCK units (the last
 * one fewer): a patched run of unit gaps (each unit - (the previous unit
 * + 1), across blocks; the first block's first unit absolute) | a patched
 * run of tf - 1 | unless
 * NOPOS, the block's concatenated position lists in chunks of GZ_BLOCK,
 * each a patched run of deltas (each unit's first position absolute)
 * | if SPANS, the spans - 1 in the same chunks, patched runs. */

/* ============================================================ manifest */

typedef struct gz_man_segment {
    uint32_t id, n_docs, n_units;
    uint64_t bytes;
    uint32_t del_gen, n_deleted; /* del_gen 0: no deletes file */
} gz_man_segment;

typedef struct gz_man_source {
    char *key;     /* absolute path: identity */
    char *display; /* as reported in results */
    uint64_t hash_lo, hash_hi, size;
    uint32_t segment, first_doc, n_docs;
    /* the file's stat when its content was hashed, all 0 if not to be
     * trusted (a manifest without them, or a file changed moments before
     * it was read): a file whose size, mtime, ctime and inode are still
     * these is not read again */
    uint64_t mtime_ns, ctime_ns, ino;
} gz_man_source;

/* Where the documents of a retired segment went: a source's documents
 * [first_doc, first_doc + n_docs) of segment `segment` (its units from
 * first_unit), unchanged when the segment left (a merge, optimize), are
 * now the source whose results show a path of XXH3-64 `source`, in the
 * same order: positional ids of the segment resolve through it. Kept
 * GZ_MOVED_KEEP_DAYS after `retired` (Unix seconds). */
typedef struct gz_man_moved {
    uint32_t segment, first_doc, n_docs, first_unit;
    uint64_t source, retired;
} gz_man_moved;

#define GZ_MOVED_KEEP_DAYS 30

typedef struct gz_manifest {
    uint64_t generation;
    char *analyzer_id;
    uint32_t next_segment_id;
    gz_man_segment *seg;
    size_t n_seg, cap_seg;
    gz_man_source *src;
    size_t n_src, cap_src;
    gz_man_moved *moved; /* oldest first */
    size_t n_moved, cap_moved;
} gz_manifest;

void gz_manifest_init(gz_manifest *m);
void gz_manifest_fini(gz_manifest *m);
/* Reads DIR/MANIFEST. GZ_EOF if there is none (an empty index). */
gz_status gz_manifest_read(const char *dir, gz_manifest *m, gz_error *err);
/* Writes DIR/MANIFEST.tmp, fsyncs it, renames it over DIR/MANIFEST and
 * fsyncs DIR: the commit point. *live is 1 once the rename is done: the
 * commit is then what readers open, even if the directory's fsync after it
 * failed (an error with *live set: committed, not yet durable). */
gz_status gz_manifest_commit(const char *dir, const gz_manifest *m, int *live, gz_error *err);
/* Appends (copies) a segment / source entry. */
gz_status gz_manifest_add_segment(gz_manifest *m, const gz_man_segment *s);
gz_status gz_manifest_add_source(gz_manifest *m, const gz_man_source *s);
gz_status gz_manifest_add_moved(gz_manifest *m, const gz_man_moved *v);

/* Paths of an index's files into out (at least 4096 bytes). */
void gz_path_segment(char *out, size_t cap, const char *dir, uint32_t id);
void gz_path_deletes(char *out, size_t cap, const char *dir, uint32_t id, uint32_t gen);

/* Writes buf as a whole file (header + body) to path via a temporary name,
 * fsynced; the caller fsyncs the directory (gz_fsync_dir) before relying
 * on it. */
gz_status gz_file_write(const char *path, uint16_t kind, uint32_t flags, const void *body, size_t len,
                        gz_error *err);
/* A segment file written section by section, so a writer need not hold the
 * whole body: sections in any order (the table of contents gives each its
 * offset), each in as many pieces as it likes, to NAME.tmp; commit writes
 * the table of contents and the header, fsyncs and renames. A section never
 * begun is empty. Errors are sticky; commit reports the first. */
typedef struct gz_segw gz_segw;
gz_status gz_segw_open(gz_segw **out, const char *path, gz_error *err);
void gz_segw_section(gz_segw *w, int id); /* ends the current one, begins id */
void gz_segw_put(gz_segw *w, const void *p, size_t n);
/* Rewrites n bytes at offset at of section id, already written (the table
 * of a section whose entries are known only after its body); the
 * section's checksum is then read back from the file at commit. */
void gz_segw_patch(gz_segw *w, int id, uint64_t at, const void *p, size_t n);
/* *bytes: the file's size. Frees w, whatever happens. */
gz_status gz_segw_commit(gz_segw *w, uint64_t *bytes, gz_error *err);
/* Removes the temporary file and frees w. */
void gz_segw_abort(gz_segw *w);
gz_status gz_fsync_dir(const char *dir, gz_error *err);

/* ============================================================== deletes */

/* A deleted-docs bitmap of n_docs bits; file body: u32 n_docs | bits. */
gz_status gz_deletes_read(const char *path, uint32_t n_docs, uint8_t **bits, gz_error *err);
gz_status gz_deletes_write(const char *path, uint32_t n_docs, const uint8_t *bits, gz_error *err);
static inline bool gz_bit(const uint8_t *bits, uint32_t i) { return bits && (bits[i >> 3] >> (i & 7)) & 1; }

/* ============================================================= segment */

typedef struct gz_segment gz_segment;

/* Maps and verifies a segment file: header, the body's checksum (the
 * sections' own are read only to name a damaged section), TOC and the
 * tables' bounds. GZ_CORRUPT / GZ_VERSION with err naming the file. */
gz_status gz_segment_open(const char *path, gz_segment **out, gz_error *err);
/* Another holder of s (a later snapshot naming the same file: segment
 * files never change): s stays open until each holder has closed it. */
gz_segment *gz_segment_ref(gz_segment *s);
/* Whether path names the file s maps (the same device, inode and size). */
int gz_segment_is(const gz_segment *s, const char *path);
void gz_segment_close(gz_segment *s);

typedef struct gz_seg_stats {
    uint32_t n_docs, n_units, n_terms;
    uint64_t n_positions; /* total positions (document field) */
    uint64_t section_bytes[GZ_SEC__COUNT];
    uint64_t file_bytes;
} gz_seg_stats;
void gz_segment_stats(const gz_segment *s, gz_seg_stats *st);

typedef struct gz_docinfo {
    const char *title, *docno_raw, *issuer, *docno, *body, *source, *issue; /* "" if none */
    uint32_t date, year, serial, kind;
    uint64_t text_off;
    uint32_t text_len, first_unit, n_units;
    uint32_t version_date; /* yyyymmdd, 0: none */
    uint32_t status;       /* GZ_DOCSTAT_* */
} gz_docinfo;

typedef struct gz_unitinfo {
    uint32_t doc, kind, sub, start, end, len, words;
    int32_t number; /* -1: none */
    const char *label, *path;
    uint32_t page, page_end; /* 1-based, 0: unknown */
    uint32_t hash;           /* of its text (GZ_UNIT_HASH) */
} gz_unitinfo;

/* Table access; the strings point into the mapping (valid until close).
 * GZ_INVALID for an id out of range, GZ_CORRUPT for a bad record. */
gz_status gz_segment_doc(const gz_segment *s, uint32_t doc, gz_docinfo *out);
gz_status gz_segment_unit(const gz_segment *s, uint32_t unit, gz_unitinfo *out);
/* Only a unit's length in positions and its words (0s for an id out of
 * range): what a merge reads of a unit for its postings' block impacts. */
void gz_segment_unit_len(const gz_segment *s, uint32_t unit, uint32_t *len, uint32_t *words);
/* Only a unit's text's hash (GZ_UNIT_HASH; 0 for an id out of range). */
uint32_t gz_segment_unit_hash(const gz_segment *s, uint32_t unit);
/* A decompression context for stored text: one per thread of use, created
 * by the first gz_segment_text that gets a NULL *ctx, freed by its owner. */
typedef struct gz_textctx gz_textctx;
void gz_textctx_close(gz_textctx *ctx);
/* Decompresses a document's stored text into out (replacing its content). */
gz_status gz_segment_text(const gz_segment *s, uint32_t doc, gz_buf *out, gz_textctx **ctx);
/* Only bytes [start, end) of it: decompresses just the blocks they touch. */
gz_status gz_segment_text_range(const gz_segment *s, uint32_t doc, uint32_t start, uint32_t end, gz_buf *out,
                                gz_textctx **ctx);

typedef struct gz_terminfo {
    uint32_t df;
    uint64_t off, len; /* in the POSTINGS section */
    uint8_t flags;
} gz_terminfo;

/* Exact lookup of a term (field byte + text): *found 1 and *ti if it is
 * there, *found 0 if not. GZ_CORRUPT if the dictionary is damaged. */
gz_status gz_segment_term(const gz_segment *s, const char *term, size_t len, int *found, gz_terminfo *ti);
/* Calls fn for every term that starts with prefix, in order, until fn
 * returns nonzero. GZ_CORRUPT if the dictionary is damaged, else GZ_OK. */
gz_status gz_segment_prefix(const gz_segment *s, const char *prefix, size_t len,
                            int (*fn)(void *ctx, const char *term, size_t len, const gz_terminfo *ti),
                            void *ctx);
/* Every term in order (for checks and merges). Same contract. */
gz_status gz_segment_terms(const gz_segment *s,
                           int (*fn)(void *ctx, const char *term, size_t len, const gz_terminfo *ti),
                           void *ctx);

/* The dictionary in order, as a cursor (merges walk several side by side):
 * init at the first term >= from (len 0: the first of all); next gives
 * 1 with the term in term/term_len/ti, 0 at the end, -1 on corruption. */
typedef struct gz_term_iter {
    const gz_segment *s;
    uint32_t block;
    int fresh, first, bad;
    char from[GZ_TERM_MAX + 1];
    uint32_t from_len;
    gz_reader r;
    uint32_t left; /* terms left in the block */
    uint8_t term[GZ_TERM_MAX + 1];
    uint32_t term_len;
    uint64_t off;
    gz_terminfo ti;
} gz_term_iter;
void gz_term_iter_init(gz_term_iter *it, const gz_segment *s, const char *from, size_t len);
int gz_term_iter_next(gz_term_iter *it);
/* Drops the process's mapped pages of s (they stay in the page cache): a
 * merge reading every source through calls it as it goes, so that its
 * resident size does not grow with the sources. */
void gz_segment_release(const gz_segment *s);
/* The same for one section's pages (and those it shares with its
 * neighbours). */
void gz_segment_release_section(const gz_segment *s, int id);

/* ============================================================ postings */

#define GZ_POST_END UINT32_MAX

/* A cursor over one term's postings in one segment: block skip list, the
 * current block decoded, positions decoded on demand. Embedded by value;
 * gz_post_fini frees its buffers. */
typedef struct gz_post {
    const uint8_t *base, *end; /* the term's postings */
    uint8_t flags;
    uint32_t n_blocks, block;  /* current block index */
    uint32_t n_last;           /* units in the last block */
    uint32_t *blk_last;        /* owns the skip arrays */
    uint32_t *imp, *blk_imp;   /* impacts: block b's pairs (tf, unit length) are
                                * imp[2 * blk_imp[b] .. 2 * blk_imp[b + 1]) */
    uint64_t *blk_off;         /* from base */
    uint32_t *blk_len, *blk_sum, *blk_xxh;
    uint8_t *blk_first;        /* per block: it holds a document's first unit
                                * (a rare term's one block: 1, not stored) */
    const uint8_t *pos_data;   /* the current block's positions */
    uint32_t units[GZ_BLOCK], tfs[GZ_BLOCK], n, i;
    bool pos_ready;                /* the block's position layout is read */
    uint32_t *pos, *span, pos_cap; /* a rare term's positions, decoded at open */
    uint32_t *pos_start;           /* offset of unit i's positions */
    uint32_t *chunk_at;            /* per chunk of GZ_BLOCK positions (then spans):
                                    * its byte offset from pos_data, then that of
                                    * its exception count (UINT32_MAX: none) */
    uint64_t *chunk_exc;           /* per chunk, its exception indexes as 128 bits */
    uint32_t n_chunks, chunk_cap;
    uint32_t *upos, *uspan, upos_cap; /* the current unit's, absolute */
    uint32_t unit, tf;             /* current, unit == GZ_POST_END when done */
    bool small;                    /* a rare term, decoded whole at open */
    bool shared;                   /* the skip tables (and a rare term's
                                    * decoded postings) are another cursor's */
    gz_status status;
} gz_post;

gz_status gz_post_open(gz_post *p, const gz_segment *s, const gz_terminfo *ti);
/* Verifies every block's own checksum (gazette check). A cursor does not
 * check them as it reads: opening the segment verified the postings section
 * as a whole. */
gz_status gz_post_verify(gz_post *p);
/* A second cursor over src's term, at its first unit, reading src's skip
 * tables (and a rare term's decoded postings) instead of decoding its own:
 * src must outlive it and not be moved. */
gz_status gz_post_share(gz_post *dst, const gz_post *src);
void gz_post_fini(gz_post *p);
/* Advance to the next unit / to the first unit >= target (never back). */
gz_status gz_post_next(gz_post *p);
gz_status gz_post_seek(gz_post *p, uint32_t target);
/* To the first unit of the next block: the rest of this one, units[i..n)
 * and tfs[i..n), can be taken whole before (GZ_EOF after the last). */
gz_status gz_post_next_block(gz_post *p);
/* Positions (and spans, all 1 unless the term has GZ_TERM_SPANS) of the
 * current unit; valid until the cursor moves. */
gz_status gz_post_positions(gz_post *p, const uint32_t **pos, const uint32_t **span, uint32_t *n);
/* Block b's impacts, for block-max pruning: pairs (tf, unit length) such
 * that every unit of the block has a tf no higher and a length no lower
 * than one of them (the block's Pareto front, at most GZ_IMPACTS_MAX pairs,
 * neighbours merged beyond). A score that grows with tf and falls with
 * length is bounded over the block by its maximum over the pairs. */
#define GZ_IMPACTS_MAX 4
static inline uint32_t gz_post_impacts(const gz_post *p, uint32_t b, const uint32_t **pairs)
{
    *pairs = p->imp + 2 * (size_t)p->blk_imp[b];
    return p->blk_imp[b + 1] - p->blk_imp[b];
}

/* The first block of p in [lo, hi) whose last unit is u or after (hi when
 * none is): the block that would hold u, by binary search of the skip
 * table. */
static inline uint32_t gz_post_block_at(const gz_post *p, uint32_t lo, uint32_t hi, uint32_t u)
{
    return (uint32_t)gz_lower_u32(p->blk_last, lo, hi, u);
}

/* Whether block b may hold the first unit of a document (its title line):
 * 0 only when it holds none. */
static inline int gz_post_block_first(const gz_post *p, uint32_t b) { return p->blk_first[b]; }

/* ============================================================ snapshot */

/* A committed state opened for reading: the manifest, every segment mapped
 * and verified, and the delete bitmaps. Immutable once open: a commit made
 * afterwards is seen by opening a new snapshot. */
typedef struct gz_snapshot {
    char *dir;
    gz_manifest man;
    gz_segment **seg;  /* man.n_seg entries */
    uint8_t **deleted; /* per segment, NULL when none */
    uint64_t n_units, n_positions, n_live_docs;
} gz_snapshot;

/* Opens DIR's last commit. An index that does not exist yet is GZ_EOF. A
 * segment that a concurrent commit removed between reading the manifest and
 * opening it makes the open retry with the new manifest. */
gz_status gz_snapshot_open(const char *dir, gz_snapshot **out, gz_error *err);
/* The same, taking from prev (an earlier snapshot of dir, or NULL) the
 * segments both commits name, already mapped and verified, so that a
 * commit adding a segment to a large index verifies that segment only. */
gz_status gz_snapshot_open_from(const char *dir, const gz_snapshot *prev, gz_snapshot **out, gz_error *err);
void gz_snapshot_close(gz_snapshot *s);

#endif
