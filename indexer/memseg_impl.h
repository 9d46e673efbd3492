/* indexer/memseg_impl.h (private): the body of ix_memseg, shared by
 * memseg.c (filling) and flush.c (writing). */
#ifndef GZ_INDEXER_MEMSEG_IMPL_H
#define GZ_INDEXER_MEMSEG_IMPL_H

#include "indexer/memseg.h"

#define IX_POS_BITS 24
#define IX_POS_MAX ((1u << IX_POS_BITS) - 1)
#define IX_SPAN_MAX 256

/* One occurrence, as the flush reads a term's back. */
typedef struct ix_rec {
    uint32_t unit, pos_span; /* pos | (span - 1) << IX_POS_BITS */
} ix_rec;

/* A term and its occurrences so far, varints in a chain of slices of the
 * memseg's pool, each slice's last 4 bytes the offset of the next: per
 * occurrence, a new unit as ((unit gap) << 2 | 2 | spanned) then the
 * position, or in the same unit ((position gap) << 2 | spanned); then, if
 * spanned, span - 1. About 2 bytes an occurrence. */
typedef struct ix_term {
    uint64_t hash;
    uint32_t off;   /* in term_text */
    uint16_t len;
    uint8_t flags;  /* GZ_TERM_* */
    uint8_t level;  /* slices so far - 1: the next is 16 << min(level + 1, IX_SLICE_MAX_LEVEL) bytes */
    uint32_t count; /* occurrences */
    uint32_t head, at, end; /* in pool: first slice, where the next byte goes, end of this slice's data */
    uint32_t last_unit, last_pos;
} ix_term;

#define IX_SLICE_FIRST 16
#define IX_SLICE_MAX_LEVEL 6

struct ix_memseg {
    uint32_t id;
    gz_status status;
    gz_buf strings, docs, units, text, term_text;
    uint32_t *str_hash; /* interned strings: offsets, 0 empty */
    size_t str_cap, n_str;
    uint32_t n_docs, n_units;
    uint64_t n_positions, n_words;
    uint32_t *hash; /* term id + 1, 0 empty */
    size_t hash_cap;
    ix_term *terms;
    uint32_t n_terms;
    size_t cap_terms;
    uint8_t *pool; /* the terms' slices */
    size_t pool_len, pool_cap;
    uint64_t n_occ;
    uint32_t *unit_len, *unit_words;
    uint8_t *unit_first; /* 1: the first unit of its document */
    uint32_t doc_first;  /* the first unit of the last document */
    struct pending *pend; /* scratch of ix_memseg_unit: the unit's tokens */
    size_t cap_pend;
    gz_buf keys; /* and their keys */
    size_t cap_unit_len, cap_unit_words, cap_unit_first;
    uint64_t text_len; /* the documents' texts (held in text unless a merge's) */
    size_t doc_text;   /* where the last document's text begins in text (SIZE_MAX: not held) */
    size_t doc_text_len;
    /* a merge's: units are not held, only their fields' maxima (the
     * records are made again as they are written: ix_memseg_unit_rec) */
    int stream_units;
    uint32_t docs_base; /* the first document docs holds (a merge hands the rest to its file as it goes) */
    uint32_t units_most[GZ_UNIT_FIELDS];
};

/* Words seen this often get their exact matches kept whole (field 'p'): a
 * common word of three or more characters is otherwise a phrase checked
 * position by position in every unit holding its grams. */
#define IX_PHRASE_MIN 32

uint32_t ix_str(ix_memseg *m, const char *s);
/* The record of unit u of document doc (its strings interned). */
void ix_memseg_unit_rec(ix_memseg *m, const ix_unitmeta *u, uint32_t doc, uint32_t len, uint32_t words,
                        uint8_t r[GZ_UNIT_REC]);
/* A word term's (field 'w') grams, whose occurrences at consecutive
 * positions make its exact matches (field 'p'): their keys and lengths;
 * returns how many, 0 if the word has fewer than three characters or is
 * not one to match so. */
#define IX_GRAM_KEY 9
size_t ix_word_grams(const char *key, size_t len, char gk[][IX_GRAM_KEY], size_t *gl);
/* For every word (field 'w') seen at least min_count times, a term (field
 * 'p') of the units where its text occurs, found from its grams. Called
 * once, before the flush. */
void ix_memseg_phrases(ix_memseg *m, uint32_t min_count);
/* A term's occurrences into out (t->count of them), in order. */
size_t ix_term_read(const ix_memseg *m, const ix_term *t, ix_rec *out);
struct ix_postenc;
/* A term's occurrences to a postings encoder, in order. */
void ix_term_feed(const ix_memseg *m, const ix_term *t, struct ix_postenc *e);

/* ------------------------------------------- flush.c's pieces, for merges */

/* Where a segment's postings go: a buffer handed to the file (w) each MiB;
 * the postings' offset so far is base + buf.len. */
typedef struct ix_postout {
    gz_segw *w;
    gz_buf buf;
    uint64_t base; /* bytes already handed to w */
} ix_postout;
static inline uint64_t ix_postout_at(const ix_postout *o) { return o->base + o->buf.len; }
/* Hands buf to the file once it holds a MiB. */
void ix_postout_spill(ix_postout *o);

/* A term's postings encoded as its occurrences come, a block of GZ_BLOCK
 * units at a time: the encoded blocks are held up to IX_ENC_HOLD_MAX bytes;
 * a term whose blocks pass that is encoded twice, the first pass keeping
 * only the skip table, the second writing each block to the output as it
 * is made. What it holds, then, is one block's occurrences, the term's
 * skip entries (about 12 bytes a block) and at most IX_ENC_HOLD_MAX bytes. */
#define IX_ENC_HOLD_MAX (8u << 20)
enum { IX_ENC_HOLD, IX_ENC_SIZE, IX_ENC_WRITE }; /* the encoder's mode */
/* IX_ENC_HOLD_MAX; a test sets it lower to take the two passes. */
extern size_t ix_enc_hold_max;
typedef struct ix_postenc {
    uint8_t flags; /* GZ_TERM_*: NOPOS set by the caller; SPANS corrected at the end */
    int mode, inited, spans;
    int drop_empty; /* a term of no occurrences writes nothing (set after begin) */
    gz_status status;
    uint32_t seg_units; /* the segment's units (a rare term's bits) */
    ix_postout *out;
    /* the block being filled: its units, tfs, lengths (positions, or
     * words without positions: the block's impacts), positions (each
     * absolute) and spans - 1 */
    uint32_t units[GZ_BLOCK], tfs[GZ_BLOCK], lens[GZ_BLOCK];
    uint32_t n;
    int first; /* the block holds the first unit of a document */
    uint32_t *pos, *span;
    size_t n_pos, cap_pos;
    uint32_t df, n_blocks, prev_last;
    uint64_t blocks_len; /* of the blocks not held (mode IX_ENC_SIZE) */
    gz_buf skips, blocks;
} ix_postenc;
/* Begins a term of flags (GZ_TERM_*) in a segment of seg_units units. */
void ix_postenc_begin(ix_postenc *e, uint8_t flags, uint32_t seg_units, ix_postout *out);
/* One occurrence, in order of unit and position; len: the unit's length
 * (its words, for a term without positions); first: the unit is the
 * first of its document (its title line); span from 1. */
void ix_postenc_occ(ix_postenc *e, uint32_t unit, uint32_t len, int first, uint32_t pos, uint32_t span);
/* Ends the term: 0 when its postings are in the output (*df: its units);
 * 1 when the caller must give its occurrences again, from the first (a
 * second pass, or the first again with the spans corrected). */
int ix_postenc_end(ix_postenc *e, uint32_t *df);
void ix_postenc_fini(ix_postenc *e);

/* A spill file: bytes appended through buf to an unlinked temporary file
 * beside the segment, copied into it at the end. */
#define IX_SPILL_BUF (256u << 10)
typedef struct ix_spill {
    int fd;
    gz_buf buf;
    uint64_t len; /* bytes in the file */
} ix_spill;

/* The dictionary, built term by term in order: the front-coded blocks
 * and their offsets spilled to two temporary files, copied into the DICT
 * section at the end (its offsets come before its blocks). It holds two
 * buffers of IX_SPILL_BUF, whatever the number of terms. */
typedef struct ix_dictw {
    ix_spill offsets, blocks;
    gz_status st;
    uint32_t n_terms;
    char prev[GZ_TERM_MAX + 1];
    size_t prev_len;
} ix_dictw;
#define IX_DICTW_INIT {.offsets = {.fd = -1}, .blocks = {.fd = -1}}
/* The spill files beside the segment path (named path.dicto.tmp and
 * path.dictb.tmp, unlinked at once). */
gz_status ix_dictw_open(ix_dictw *d, const char *path, gz_error *err);
void ix_dictw_fini(ix_dictw *d);
/* A term, its df and flags, its postings' offset and length. */
void ix_dictw_add(ix_dictw *d, const char *term, size_t len, uint32_t df, uint8_t flags, uint64_t off,
                  uint64_t plen);
gz_status ix_dictw_write(ix_dictw *d, gz_segw *w);

/* The META section from m's counts and n_terms; its bytes. */
void ix_put_meta(gz_segw *w, const ix_memseg *m, uint32_t n_terms);
void ix_meta(const ix_memseg *m, uint32_t n_terms, uint8_t meta[GZ_META_LEN]);
/* Reads n bytes of a segment's stored text at off into dst. */
typedef gz_status (*ix_text_read)(void *ctx, uint64_t off, char *dst, size_t n);
/* The ZDICT and TEXT sections for a text of len bytes, read through read
 * (samples to train the dictionary, then in order, a block at a time). */
gz_status ix_write_text(gz_segw *w, uint64_t len, ix_text_read read, void *ctx);
/* Commits w and describes the segment (m's id and counts) in out. */
gz_status ix_segw_done(gz_segw *w, const ix_memseg *m, gz_man_segment *out, gz_error *err);

#endif
