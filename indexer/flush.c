/* indexer/flush.c: writing an in-memory segment as a segment file (layout
 * in format/format.h), streamed section by section (gz_segw): terms sorted,
 * each term's occurrences read back from its slices, postings bit-packed in
 * blocks of GZ_BLOCK units with a skip entry each, the dictionary
 * front-coded, the stored text zstd-compressed in blocks with a dictionary
 * trained on this segment's own text. */
#include "indexer/memseg_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#define ZDICT_STATIC_LINKING_ONLY /* ZDICT_trainFromBuffer_fastCover: exported by libzstd.so */
#include <zdict.h>
#include <zstd.h>

#define IX_ZBLOCK (16u << 10)
/* zstd level 6 with a dictionary of up to 384 KiB: the laws' stored text
 * and dictionaries at 0.250x raw (gazette stats), as small as level 9 with
 * a 110 KiB dictionary, in less of the build's time */
#define IX_ZLEVEL 6
#define IX_ZDICT_MIN (110u << 10)
#define IX_ZDICT_MAX (384u << 10)
/* Entries of the text's table of blocks held at a time (64 KiB). */
#define IX_TABLE_PIECE 4096

static int cmp_terms(const void *a, const void *b, void *ctx)
{
    const ix_memseg *m = ctx;
    const ix_term *x = &m->terms[*(const uint32_t *)a], *y = &m->terms[*(const uint32_t *)b];
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(m->term_text.data + x->off, m->term_text.data + y->off, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int cmp_impact(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] > y[0] ? -1 : 1; /* tf descending */
    return (x[1] > y[1]) - (x[1] < y[1]); /* then length ascending */
}

/* The block's impacts (format.h): the Pareto front of its (tf, length)
 * pairs, tf falling and length falling, merged into at most
 * GZ_IMPACTS_MAX groups, each (its first tf, its last length); their
 * count with the bit of a document's first unit held. */
static void write_impacts(const ix_postenc *e, gz_buf *skips)
{
    uint32_t pair[2 * GZ_BLOCK], front[2 * GZ_BLOCK];
    size_t k = 0;
    uint32_t max_tf = 0;
    for (uint32_t i = 0; i < e->n; i++)
        if (e->tfs[i] > max_tf)
            max_tf = e->tfs[i];
    if (max_tf <= 64) {
        /* tfs are small: the shortest unit at each tf, then the front
         * from the highest tf down, no sort */
        uint32_t shortest[65];
        for (uint32_t f = 1; f <= max_tf; f++)
            shortest[f] = UINT32_MAX;
        for (uint32_t i = 0; i < e->n; i++)
            if (e->lens[i] < shortest[e->tfs[i]])
                shortest[e->tfs[i]] = e->lens[i];
        for (uint32_t f = max_tf; f >= 1; f--)
            if (shortest[f] != UINT32_MAX && (k == 0 || shortest[f] < front[2 * (k - 1) + 1])) {
                front[2 * k] = f;
                front[2 * k + 1] = shortest[f];
                k++;
            }
    } else {
        for (uint32_t i = 0; i < e->n; i++) {
            pair[2 * i] = e->tfs[i];
            pair[2 * i + 1] = e->lens[i];
        }
        qsort(pair, e->n, 2 * sizeof *pair, cmp_impact);
        for (uint32_t i = 0; i < e->n; i++)
            if (k == 0 || pair[2 * i + 1] < front[2 * (k - 1) + 1]) {
                front[2 * k] = pair[2 * i];
                front[2 * k + 1] = pair[2 * i + 1];
                k++;
            }
    }
    size_t groups = k < GZ_IMPACTS_MAX ? k : GZ_IMPACTS_MAX;
    gz_buf_varint(skips, groups << 1 | (e->first != 0));
    for (size_t g = 0; g < groups; g++) {
        size_t a = g * k / groups, z = (g + 1) * k / groups - 1;
        gz_buf_varint(skips, front[2 * a] - 1);
        gz_buf_varint(skips, front[2 * z + 1]);
    }
}

size_t ix_enc_hold_max = IX_ENC_HOLD_MAX;

void ix_postout_spill(ix_postout *o)
{
    if (o->buf.len >= (1u << 20) && o->buf.status == GZ_OK) {
        gz_segw_put(o->w, o->buf.data, o->buf.len);
        o->base += o->buf.len;
        o->buf.len = 0;
    }
}

/* The block being filled, finished: its bits appended to the term's
 * blocks (held, or, writing, to the output), its skip entry to the
 * skips. */
static void emit_block(ix_postenc *e)
{
    gz_buf *blocks = e->mode == IX_ENC_WRITE ? &e->out->buf : &e->blocks;
    size_t start = blocks->len;
    uint32_t deltas[GZ_BLOCK], tfm1[GZ_BLOCK];
    int first = e->n_blocks == 0;
    uint32_t base = first ? 0 : e->prev_last + 1;
    for (uint32_t i = 0; i < e->n; i++) {
        deltas[i] = e->units[i] - base;
        base = e->units[i] + 1;
        tfm1[i] = e->tfs[i] - 1;
    }
    gz_pack_patched(blocks, deltas, e->n);
    gz_pack_patched(blocks, tfm1, e->n);
    if (!(e->flags & GZ_TERM_NOPOS)) {
        /* positions: each unit's first absolute, the next its gap */
        size_t at = 0;
        for (uint32_t i = 0; i < e->n; i++) {
            for (uint32_t j = e->tfs[i] - 1; j > 0; j--)
                e->pos[at + j] -= e->pos[at + j - 1];
            at += e->tfs[i];
        }
        for (at = 0; at < e->n_pos; at += GZ_BLOCK)
            gz_pack_patched(blocks, e->pos + at, e->n_pos - at < GZ_BLOCK ? e->n_pos - at : GZ_BLOCK);
        if (e->flags & GZ_TERM_SPANS)
            for (at = 0; at < e->n_pos; at += GZ_BLOCK)
                gz_pack_patched(blocks, e->span + at, e->n_pos - at < GZ_BLOCK ? e->n_pos - at : GZ_BLOCK);
    }
    uint32_t last = e->units[e->n - 1];
    if (e->mode != IX_ENC_WRITE) {
        gz_buf *skips = &e->skips;
        gz_buf_varint(skips, first ? last : last - e->prev_last - 1);
        gz_buf_varint(skips, blocks->len - start);
        write_impacts(e, skips);
        uint32_t sum = 0;
        for (uint32_t i = 0; i < e->n; i++)
            sum += e->tfs[i];
        gz_buf_varint(skips, sum);
        gz_buf_u32(skips, (uint32_t)gz_xxh3(blocks->data + start, blocks->len - start));
    }
    e->prev_last = last;
    e->n_blocks++;
    e->n = 0;
    e->first = 0;
    e->n_pos = 0;
    if (e->mode == IX_ENC_WRITE) {
        ix_postout_spill(e->out);
    } else if (e->mode == IX_ENC_SIZE || e->blocks.len > ix_enc_hold_max) {
        /* too large to hold: only their length is kept, and the blocks
         * are made again in a second pass, written as they come */
        e->mode = IX_ENC_SIZE;
        e->blocks_len += e->blocks.len;
        e->blocks.len = 0;
    }
}

static void push_pos(ix_postenc *e, uint32_t pos, uint32_t span)
{
    if (e->n_pos == e->cap_pos) {
        size_t cap = e->cap_pos ? e->cap_pos * 2 : 4096;
        uint32_t *p = gz_realloc(e->pos, cap * sizeof *p), *s;
        if (p)
            e->pos = p;
        if (!p || !(s = gz_realloc(e->span, cap * sizeof *s))) {
            e->status = GZ_NOMEM;
            return;
        }
        e->span = s;
        e->cap_pos = cap;
    }
    e->pos[e->n_pos] = pos;
    e->span[e->n_pos] = span;
    e->n_pos++;
}

/* The term's state back to its first occurrence, for another pass. */
static void enc_restart(ix_postenc *e)
{
    e->n = 0;
    e->first = 0;
    e->n_pos = 0;
    e->n_blocks = 0;
    e->prev_last = 0;
    e->df = 0;
    e->spans = 0;
    e->blocks_len = 0;
    e->blocks.len = 0;
    e->skips.len = 0;
}

void ix_postenc_begin(ix_postenc *e, uint8_t flags, uint32_t seg_units, ix_postout *out)
{
    if (!e->inited) {
        gz_buf_init(&e->skips);
        gz_buf_init(&e->blocks);
        e->inited = 1;
    }
    e->flags = flags;
    e->seg_units = seg_units;
    e->out = out;
    e->mode = IX_ENC_HOLD;
    e->drop_empty = 0;
    enc_restart(e);
}

void ix_postenc_occ(ix_postenc *e, uint32_t unit, uint32_t len, int first, uint32_t pos, uint32_t span)
{
    if (e->n == 0 || e->units[e->n - 1] != unit) {
        if (e->n == GZ_BLOCK)
            emit_block(e);
        e->first |= first;
        e->units[e->n] = unit;
        e->tfs[e->n] = 0;
        e->lens[e->n] = len;
        e->n++;
        e->df++;
    }
    e->tfs[e->n - 1]++;
    e->spans |= span > 1;
    if (!(e->flags & GZ_TERM_NOPOS))
        push_pos(e, pos, span - 1);
}

int ix_postenc_end(ix_postenc *e, uint32_t *df)
{
    gz_buf *out = &e->out->buf;
    if (!(e->flags & GZ_TERM_NOPOS) && !!(e->flags & GZ_TERM_SPANS) != e->spans) {
        /* spans, as the occurrences turned out (a merge guesses them from
         * its sources, whose spanning occurrences may all be deleted) */
        e->flags ^= GZ_TERM_SPANS;
        e->mode = IX_ENC_HOLD;
        enc_restart(e);
        return 1;
    }
    *df = e->df;
    if (e->df == 0 && e->drop_empty)
        return 0;
    if (e->mode != IX_ENC_WRITE && e->n_blocks == 0 && e->n <= GZ_SMALL_DF) {
        /* a rare term: positions absolute, spans from 1 */
        for (size_t i = 0; i < e->n_pos; i++)
            e->span[i]++;
        gz_rare_pack(out, e->seg_units, e->units, e->tfs, e->n, e->pos, e->span, e->flags);
    } else {
        if (e->n)
            emit_block(e);
        if (e->mode == IX_ENC_SIZE) {
            /* the head now, the blocks in a second pass */
            gz_buf_varint(out, e->n_blocks);
            gz_buf_put(out, e->skips.data, e->skips.len);
            ix_postout_spill(e->out);
            enc_restart(e);
            e->mode = IX_ENC_WRITE;
            return 1;
        }
        if (e->mode == IX_ENC_HOLD) {
            gz_buf_varint(out, e->n_blocks);
            gz_buf_put(out, e->skips.data, e->skips.len);
            gz_buf_put(out, e->blocks.data, e->blocks.len);
        }
    }
    if (e->skips.status != GZ_OK || e->blocks.status != GZ_OK)
        e->status = GZ_NOMEM;
    if (out->status != GZ_OK)
        e->status = GZ_NOMEM;
    ix_postout_spill(e->out);
    return 0;
}

void ix_postenc_fini(ix_postenc *e)
{
    gz_free(e->pos);
    gz_free(e->span);
    e->pos = e->span = NULL;
    e->cap_pos = e->n_pos = 0;
    if (e->inited) {
        gz_buf_fini(&e->skips);
        gz_buf_fini(&e->blocks);
        e->inited = 0;
    }
}

/* ------------------------------------------------------------ dictionary */

/* A spill file: bytes appended through a buffer to an unlinked temporary
 * file, read back in order. */
static gz_status spill_open(ix_spill *s, const char *path, const char *suffix, gz_error *err)
{
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.%s.tmp", path, suffix);
    gz_buf_init(&s->buf);
    s->len = 0;
    s->fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (s->fd < 0)
        return gz_error_set(err, GZ_IO, -1, "[indexer][write] %s: %s", tmp, strerror(errno));
    unlink(tmp);
    return GZ_OK;
}

static gz_status spill_flush(ix_spill *s)
{
    if (s->buf.status != GZ_OK)
        return GZ_NOMEM;
    for (size_t at = 0; at < s->buf.len;) {
        ssize_t n = pwrite(s->fd, s->buf.data + at, s->buf.len - at, (off_t)(s->len + at));
        if (n <= 0)
            return GZ_IO;
        at += (size_t)n;
    }
    s->len += s->buf.len;
    s->buf.len = 0;
    return GZ_OK;
}

/* Hands the spilled bytes to w, read back through buf. */
static gz_status spill_copy(ix_spill *s, gz_segw *w, gz_buf *buf)
{
    gz_status st = spill_flush(s);
    gz_buf_reserve(buf, IX_SPILL_BUF);
    if (buf->status != GZ_OK)
        return GZ_NOMEM;
    for (uint64_t at = 0; at < s->len && st == GZ_OK;) {
        size_t want = s->len - at < IX_SPILL_BUF ? (size_t)(s->len - at) : IX_SPILL_BUF;
        ssize_t n = pread(s->fd, buf->data, want, (off_t)at);
        if (n <= 0)
            return GZ_IO;
        gz_segw_put(w, buf->data, (size_t)n);
        at += (uint64_t)n;
    }
    return st;
}

static void spill_close(ix_spill *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    gz_buf_fini(&s->buf);
}

gz_status ix_dictw_open(ix_dictw *d, const char *path, gz_error *err)
{
    memset(d, 0, sizeof *d);
    d->offsets.fd = d->blocks.fd = -1;
    gz_status st = spill_open(&d->offsets, path, "dicto", err);
    if (st == GZ_OK)
        st = spill_open(&d->blocks, path, "dictb", err);
    return st;
}

void ix_dictw_fini(ix_dictw *d)
{
    spill_close(&d->offsets);
    spill_close(&d->blocks);
}

void ix_dictw_add(ix_dictw *d, const char *tx, size_t len, uint32_t df, uint8_t flags, uint64_t off, uint64_t plen)
{
    gz_buf *b = &d->blocks.buf;
    if (d->n_terms % GZ_DICT_BLOCK == 0) {
        if (b->len >= IX_SPILL_BUF && d->st == GZ_OK)
            d->st = spill_flush(&d->blocks);
        if (d->offsets.buf.len >= IX_SPILL_BUF && d->st == GZ_OK)
            d->st = spill_flush(&d->offsets);
        gz_buf_u32(&d->offsets.buf, (uint32_t)(d->blocks.len + b->len));
        gz_buf_varint(b, len);
        gz_buf_put(b, tx, len);
        gz_buf_varint(b, (uint64_t)df << 2 | flags);
        gz_buf_varint(b, off);
    } else {
        size_t shared = 0;
        while (shared < d->prev_len && shared < len && d->prev[shared] == tx[shared])
            shared++;
        gz_buf_varint(b, shared);
        gz_buf_varint(b, len - shared);
        gz_buf_put(b, tx + shared, len - shared);
        gz_buf_varint(b, (uint64_t)df << 2 | flags);
    }
    gz_buf_varint(b, plen);
    memcpy(d->prev, tx, len);
    d->prev_len = len;
    d->n_terms++;
}

gz_status ix_dictw_write(ix_dictw *d, gz_segw *w)
{
    if (d->st != GZ_OK)
        return d->st;
    if (d->offsets.buf.status != GZ_OK || d->blocks.buf.status != GZ_OK)
        return GZ_NOMEM;
    uint8_t head[8];
    gz_put32(head, d->n_terms);
    gz_put32(head + 4, (uint32_t)((d->offsets.len + d->offsets.buf.len) / 4));
    gz_segw_section(w, GZ_SEC_DICT);
    gz_segw_put(w, head, sizeof head);
    gz_buf buf;
    gz_buf_init(&buf);
    gz_status st = spill_copy(&d->offsets, w, &buf);
    if (st == GZ_OK)
        st = spill_copy(&d->blocks, w, &buf);
    gz_buf_fini(&buf);
    return st;
}

void ix_put_meta(gz_segw *w, const ix_memseg *m, uint32_t n_terms)
{
    uint8_t meta[GZ_META_LEN];
    ix_meta(m, n_terms, meta);
    gz_segw_section(w, GZ_SEC_META);
    gz_segw_put(w, meta, sizeof meta);
}

void ix_meta(const ix_memseg *m, uint32_t n_terms, uint8_t meta[GZ_META_LEN])
{
    gz_put32(meta, m->n_docs);
    gz_put32(meta + 4, m->n_units);
    gz_put64(meta + 8, m->n_positions);
    gz_put64(meta + 16, m->n_words);
    gz_put32(meta + 24, n_terms);
    gz_put32(meta + 28, IX_ZBLOCK);
}

/* ----------------------------------------------------------- stored text */

/* The zstd dictionary of a text of len bytes, trained on samples read
 * through read, into zdict; NULL (no dictionary) when the text is too
 * short to train one or training fails. */
static ZSTD_CDict *train_dict(uint64_t len, ix_text_read read, void *ctx, gz_buf *zdict, gz_status *st)
{
    if (len < 8 * IX_ZDICT_MIN)
        return NULL;
    ZSTD_CDict *cdict = NULL;
    /* the dictionary grows with the text, a 80th of it, between the two
     * bounds; samples: 2 KiB pieces spread over the text */
    size_t dict_cap = len / 80;
    dict_cap = dict_cap < IX_ZDICT_MIN ? IX_ZDICT_MIN : dict_cap > IX_ZDICT_MAX ? IX_ZDICT_MAX : dict_cap;
    size_t piece = 2048, n_samples = len / piece;
    if (n_samples > 2048)
        n_samples = 2048;
    uint64_t stride = len / n_samples;
    size_t *sizes = gz_alloc(n_samples * sizeof *sizes);
    char *samples = gz_alloc(n_samples * piece);
    void *dict = gz_alloc(dict_cap);
    if (!sizes || !samples || !dict)
        *st = GZ_NOMEM;
    for (size_t i = 0; i < n_samples && *st == GZ_OK; i++) {
        *st = read(ctx, i * stride, samples + i * piece, piece);
        sizes[i] = piece;
    }
    if (*st == GZ_OK) {
        /* fastCover at fixed parameters: ZDICT_trainFromBuffer searches k
         * over several trainings, 2.5x the time, for a dictionary that
         * compressed this corpus no better; f=18 and accel=4 train a 384
         * KiB dictionary about three times faster than f=20, accel=1, for
         * as good a one */
        ZDICT_fastCover_params_t fp;
        memset(&fp, 0, sizeof fp);
        fp.k = 200;
        fp.d = 8;
        fp.f = 18;
        fp.accel = 4;
        fp.splitPoint = 1.0;
        fp.zParams.compressionLevel = IX_ZLEVEL;
        size_t dl = ZDICT_trainFromBuffer_fastCover(dict, dict_cap, samples, sizes, (unsigned)n_samples, fp);
        if (!ZDICT_isError(dl)) {
            gz_buf_put(zdict, dict, dl);
            cdict = ZSTD_createCDict(dict, dl, IX_ZLEVEL);
        }
    }
    gz_free(sizes);
    gz_free(samples);
    gz_free(dict);
    return cdict;
}

gz_status ix_write_text(gz_segw *w, uint64_t len, ix_text_read read, void *ctx)
{
    size_t n_blocks = (size_t)((len + IX_ZBLOCK - 1) / IX_ZBLOCK);
    gz_status st = GZ_OK;
    gz_buf zdict;
    gz_buf_init(&zdict);
    ZSTD_CDict *cdict = train_dict(len, read, ctx, &zdict, &st);
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    size_t cap = ZSTD_compressBound(IX_ZBLOCK);
    /* the table of blocks, in pieces of IX_TABLE_PIECE entries */
    uint8_t *table = gz_calloc(IX_TABLE_PIECE, 16);
    char *src = gz_alloc(IX_ZBLOCK), *dst = gz_alloc(cap);
    if (st == GZ_OK && (!cctx || !table || !src || !dst || zdict.status != GZ_OK))
        st = GZ_NOMEM;
    gz_segw_section(w, GZ_SEC_ZDICT);
    gz_segw_put(w, zdict.data, zdict.len);
    /* the table of blocks, zeros until the frames are written, then
     * patched in place a piece at a time: neither the frames nor the
     * table are ever all held */
    gz_segw_section(w, GZ_SEC_TEXT);
    uint8_t nb[4];
    gz_put32(nb, (uint32_t)n_blocks);
    gz_segw_put(w, nb, 4);
    for (size_t b = 0; table && b < n_blocks; b += IX_TABLE_PIECE)
        gz_segw_put(w, table, 16 * (n_blocks - b < IX_TABLE_PIECE ? n_blocks - b : IX_TABLE_PIECE));
    uint64_t frames = 0;
    for (size_t b = 0; b < n_blocks && st == GZ_OK; b++) {
        size_t ulen = len - b * IX_ZBLOCK < IX_ZBLOCK ? (size_t)(len - b * IX_ZBLOCK) : IX_ZBLOCK;
        if ((st = read(ctx, b * IX_ZBLOCK, src, ulen)) != GZ_OK)
            break;
        size_t c = cdict ? ZSTD_compress_usingCDict(cctx, dst, cap, src, ulen, cdict)
                         : ZSTD_compressCCtx(cctx, dst, cap, src, ulen, IX_ZLEVEL);
        if (ZSTD_isError(c)) {
            st = GZ_IO;
            break;
        }
        uint8_t *e = table + 16 * (b % IX_TABLE_PIECE);
        gz_put64(e, frames);
        gz_put32(e + 8, (uint32_t)c);
        gz_put32(e + 12, (uint32_t)ulen);
        gz_segw_put(w, dst, c);
        frames += c;
        if ((b + 1) % IX_TABLE_PIECE == 0 || b + 1 == n_blocks) {
            size_t first = b / IX_TABLE_PIECE * IX_TABLE_PIECE;
            gz_segw_patch(w, GZ_SEC_TEXT, 4 + 16 * (uint64_t)first, table, 16 * (b + 1 - first));
        }
    }
    ZSTD_freeCDict(cdict);
    ZSTD_freeCCtx(cctx);
    gz_buf_fini(&zdict);
    gz_free(table);
    gz_free(src);
    gz_free(dst);
    return st;
}

static gz_status memseg_text(void *ctx, uint64_t off, char *dst, size_t n)
{
    const ix_memseg *m = ctx;
    if (off > m->text.len || n > m->text.len - off)
        return GZ_CORRUPT;
    memcpy(dst, m->text.data + off, n);
    return GZ_OK;
}

gz_status ix_memseg_flush(ix_memseg *m, const char *path, gz_man_segment *out, gz_error *err)
{
    if (m->status != GZ_OK)
        return gz_error_set(err, m->status, -1, "[indexer][flush] %s: out of memory while building", path);
    gz_status st = GZ_OK;
    ix_memseg_phrases(m, IX_PHRASE_MIN);
    if (m->status != GZ_OK)
        return gz_error_set(err, m->status, -1, "[indexer][flush] %s: out of memory", path);
    uint32_t *order = gz_alloc(((size_t)m->n_terms + 1) * sizeof *order);
    ix_postout post = {0};
    gz_buf_init(&post.buf);
    ix_dictw dict = IX_DICTW_INIT;
    ix_postenc enc = {0};
    gz_segw *w = NULL;
    if (!order) {
        st = GZ_NOMEM;
        goto done;
    }
    for (uint32_t t = 0; t < m->n_terms; t++)
        order[t] = t;
    qsort_r(order, m->n_terms, sizeof *order, cmp_terms, m);
    if ((st = gz_segw_open(&w, path, err)) != GZ_OK || (st = ix_dictw_open(&dict, path, err)) != GZ_OK)
        goto done;

    /* the tables first, then the postings streamed to the file as they are
     * encoded (the table of contents gives each section's offset), the
     * dictionary after them, then the stored text */
    ix_put_meta(w, m, m->n_terms);
    gz_segw_section(w, GZ_SEC_DOCS);
    gz_segw_put(w, m->docs.data, m->docs.len);
    gz_segw_section(w, GZ_SEC_UNITS);
    gz_buf packed;
    gz_buf_init(&packed);
    gz_units_pack((const uint8_t *)m->units.data, m->n_units, &packed);
    if (packed.status != GZ_OK) {
        gz_buf_fini(&packed);
        st = GZ_NOMEM;
        goto done;
    }
    gz_segw_put(w, packed.data, packed.len);
    gz_buf_fini(&packed);
    /* each unit's text's hash, from the staged records */
    gz_segw_section(w, GZ_SEC_HASHES);
    for (uint32_t u = 0; u < m->n_units; u++)
        gz_segw_put(w, (const uint8_t *)m->units.data + (size_t)u * GZ_UNIT_REC + GZ_UNIT_HASH, 4);
    gz_segw_section(w, GZ_SEC_STRINGS);
    gz_segw_put(w, m->strings.data, m->strings.len);
    gz_segw_section(w, GZ_SEC_POSTINGS);

    /* one term's occurrences at a time, read back from its slices (twice
     * for a term too large to hold encoded: ix_postenc) */
    post.w = w;
    for (uint32_t k = 0; k < m->n_terms && enc.status == GZ_OK; k++) {
        const ix_term *t = &m->terms[order[k]];
        uint64_t off = ix_postout_at(&post);
        uint32_t df;
        ix_postenc_begin(&enc, t->flags, m->n_units, &post);
        do
            ix_term_feed(m, t, &enc);
        while (ix_postenc_end(&enc, &df));
        ix_dictw_add(&dict, m->term_text.data + t->off, t->len, df, enc.flags, off, ix_postout_at(&post) - off);
    }
    if (enc.status != GZ_OK || post.buf.status != GZ_OK) {
        st = GZ_NOMEM;
        goto done;
    }
    gz_segw_put(w, post.buf.data, post.buf.len);
    gz_buf_fini(&post.buf);
    if ((st = ix_dictw_write(&dict, w)) != GZ_OK)
        goto done;
    ix_dictw_fini(&dict);
    if ((st = ix_write_text(w, m->text.len, memseg_text, m)) != GZ_OK)
        goto done;
    st = ix_segw_done(w, m, out, err);
    w = NULL;
done:
    if (w)
        gz_segw_abort(w);
    if (st == GZ_NOMEM)
        gz_error_set(err, st, -1, "[indexer][flush] %s: out of memory", path);
    gz_buf_fini(&post.buf);
    ix_dictw_fini(&dict);
    ix_postenc_fini(&enc);
    gz_free(order);
    return st;
}

gz_status ix_segw_done(gz_segw *w, const ix_memseg *m, gz_man_segment *out, gz_error *err)
{
    uint64_t bytes = 0;
    gz_status st = gz_segw_commit(w, &bytes, err);
    if (st == GZ_OK) {
        out->id = m->id;
        out->n_docs = m->n_docs;
        out->n_units = m->n_units;
        out->bytes = bytes;
        out->del_gen = 0;
        out->n_deleted = 0;
    }
    return st;
}
