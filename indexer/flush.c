/* indexer/flush.c: writing an in-memory segment as a segment file (layout
 * in format/format.h), streamed section by section (gz_segw): terms sorted,
 * each term's occurrences read back from its slices, postings bit-packed in
 * blocks of GZ_BLOCK units with a skip entry each, the dictionary
 * front-coded, the stored text zstd-compressed in blocks with a dictionary
 * trained on this segment's own text. */
#include "indexer/memseg_impl.h"

#include <stdlib.h>
#include <string.h>
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

static int cmp_terms(const void *a, const void *b, void *ctx)
{
    const ix_memseg *m = ctx;
    const ix_term *x = &m->terms[*(const uint32_t *)a], *y = &m->terms[*(const uint32_t *)b];
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(m->term_text.data + x->off, m->term_text.data + y->off, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

typedef ix_postenc block_enc;

static int cmp_impact(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] > y[0] ? -1 : 1; /* tf descending */
    return (x[1] > y[1]) - (x[1] < y[1]); /* then length ascending */
}

/* The block's impacts (format.h): the Pareto front of its (tf, length)
 * pairs, tf falling and length falling, merged into at most
 * GZ_IMPACTS_MAX groups, each (its first tf, its last length). */
static void write_impacts(const block_enc *e, const uint32_t *lens, gz_buf *skips)
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
            if (lens[e->units[i]] < shortest[e->tfs[i]])
                shortest[e->tfs[i]] = lens[e->units[i]];
        for (uint32_t f = max_tf; f >= 1; f--)
            if (shortest[f] != UINT32_MAX && (k == 0 || shortest[f] < front[2 * (k - 1) + 1])) {
                front[2 * k] = f;
                front[2 * k + 1] = shortest[f];
                k++;
            }
    } else {
        for (uint32_t i = 0; i < e->n; i++) {
            pair[2 * i] = e->tfs[i];
            pair[2 * i + 1] = lens[e->units[i]];
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
    gz_buf_varint(skips, groups);
    for (size_t g = 0; g < groups; g++) {
        size_t a = g * k / groups, z = (g + 1) * k / groups - 1;
        gz_buf_varint(skips, front[2 * a] - 1);
        gz_buf_varint(skips, front[2 * z + 1]);
    }
}

/* Appends one finished block to blocks and its skip entry to skips. */
static void emit_block(block_enc *e, uint32_t prev_last, int first, uint8_t flags, const uint32_t *lens,
                       gz_buf *skips, gz_buf *blocks)
{
    size_t start = blocks->len;
    uint32_t deltas[GZ_BLOCK], tfm1[GZ_BLOCK];
    uint32_t base = first ? 0 : prev_last + 1;
    for (uint32_t i = 0; i < e->n; i++) {
        deltas[i] = e->units[i] - base;
        base = e->units[i] + 1;
        tfm1[i] = e->tfs[i] - 1;
    }
    gz_pack_patched(blocks, deltas, e->n);
    gz_pack_patched(blocks, tfm1, e->n);
    if (!(flags & GZ_TERM_NOPOS)) {
        for (size_t at = 0; at < e->n_pos; at += GZ_BLOCK)
            gz_pack_patched(blocks, e->pos + at, e->n_pos - at < GZ_BLOCK ? e->n_pos - at : GZ_BLOCK);
        if (flags & GZ_TERM_SPANS)
            for (size_t at = 0; at < e->n_pos; at += GZ_BLOCK)
                gz_pack_patched(blocks, e->span + at, e->n_pos - at < GZ_BLOCK ? e->n_pos - at : GZ_BLOCK);
    }
    uint32_t last = e->units[e->n - 1];
    gz_buf_varint(skips, first ? last : last - prev_last - 1);
    gz_buf_varint(skips, blocks->len - start);
    write_impacts(e, lens, skips);
    uint32_t sum = 0;
    for (uint32_t i = 0; i < e->n; i++)
        sum += e->tfs[i];
    gz_buf_varint(skips, sum);
    gz_buf_u32(skips, (uint32_t)gz_xxh3(blocks->data + start, blocks->len - start));
    e->n = 0;
    e->n_pos = 0;
}

static int push_pos(block_enc *e, uint32_t pos, uint32_t span)
{
    if (e->n_pos == e->cap_pos) {
        size_t cap = e->cap_pos ? e->cap_pos * 2 : 4096;
        uint32_t *p = gz_realloc(e->pos, cap * sizeof *p), *s;
        if (!p)
            return 0;
        e->pos = p;
        if (!(s = gz_realloc(e->span, cap * sizeof *s)))
            return 0;
        e->span = s;
        e->cap_pos = cap;
    }
    e->pos[e->n_pos] = pos;
    e->span[e->n_pos] = span;
    e->n_pos++;
    return 1;
}

/* A rare term (df <= GZ_SMALL_DF), no skip table (most terms are rare):
 * as bits (gz_rare_pack: positions absolute, spans from 1). Returns its
 * df. */
static uint32_t encode_rare(uint32_t n_units, const ix_rec *r, size_t n, uint8_t flags, block_enc *e,
                            gz_buf *out)
{
    uint32_t unit_of[GZ_SMALL_DF], tf[GZ_SMALL_DF], units = 0;
    e->n_pos = 0;
    for (size_t i = 0; i < n; units++) {
        unit_of[units] = r[i].unit;
        tf[units] = 0;
        for (; i < n && r[i].unit == unit_of[units]; i++, tf[units]++) {
            uint32_t pos = r[i].pos_span & IX_POS_MAX, span = (r[i].pos_span >> IX_POS_BITS) + 1;
            if (!(flags & GZ_TERM_NOPOS) && !push_pos(e, pos, span))
                out->status = GZ_NOMEM;
        }
    }
    if (out->status == GZ_OK)
        gz_rare_pack(out, n_units, unit_of, tf, units, e->pos, e->span, flags);
    e->n_pos = 0;
    return units;
}

void ix_encode_term(const ix_units_len *u, const ix_rec *r, size_t n, uint8_t flags, ix_postenc *e, gz_buf *out,
                    uint32_t *df)
{
    size_t n_units_est = 0;
    for (size_t i = 0; i < n && n_units_est <= GZ_SMALL_DF; i++)
        n_units_est += i == 0 || r[i].unit != r[i - 1].unit;
    if (n_units_est <= GZ_SMALL_DF) {
        *df = encode_rare(u->n_units, r, n, flags, e, out);
        return;
    }
    gz_buf skips, blocks;
    gz_buf_init(&skips);
    gz_buf_init(&blocks);
    uint32_t n_blocks = 0, prev_last = 0, units = 0;
    const uint32_t *lens = (flags & GZ_TERM_NOPOS) ? u->words : u->len;
    e->n = 0;
    e->n_pos = 0;
    for (size_t i = 0; i < n;) {
        uint32_t unit = r[i].unit, tf = 0, prev_pos = 0;
        for (; i < n && r[i].unit == unit; i++, tf++) {
            uint32_t pos = r[i].pos_span & IX_POS_MAX, span = r[i].pos_span >> IX_POS_BITS;
            if (!(flags & GZ_TERM_NOPOS) && !push_pos(e, tf ? pos - prev_pos : pos, span))
                out->status = GZ_NOMEM;
            prev_pos = pos;
        }
        e->units[e->n] = unit;
        e->tfs[e->n] = tf;
        e->n++;
        units++;
        if (e->n == GZ_BLOCK) {
            emit_block(e, prev_last, n_blocks == 0, flags, lens, &skips, &blocks);
            prev_last = unit;
            n_blocks++;
        }
    }
    if (e->n) {
        uint32_t last = e->units[e->n - 1];
        emit_block(e, prev_last, n_blocks == 0, flags, lens, &skips, &blocks);
        prev_last = last;
        n_blocks++;
    }
    gz_buf_varint(out, n_blocks);
    gz_buf_put(out, skips.data, skips.len);
    gz_buf_put(out, blocks.data, blocks.len);
    if (skips.status != GZ_OK || blocks.status != GZ_OK)
        out->status = GZ_NOMEM;
    gz_buf_fini(&skips);
    gz_buf_fini(&blocks);
    *df = units;
}

void ix_postenc_fini(ix_postenc *e)
{
    gz_free(e->pos);
    gz_free(e->span);
    e->pos = e->span = NULL;
    e->cap_pos = e->n_pos = 0;
}

/* ------------------------------------------------------------ dictionary */

void ix_dictw_init(ix_dictw *d)
{
    memset(d, 0, sizeof *d);
    gz_buf_init(&d->offsets);
    gz_buf_init(&d->blocks);
}

void ix_dictw_fini(ix_dictw *d)
{
    gz_buf_fini(&d->offsets);
    gz_buf_fini(&d->blocks);
}

void ix_dictw_add(ix_dictw *d, const char *tx, size_t len, uint32_t df, uint8_t flags, uint64_t off, uint64_t plen)
{
    gz_buf *b = &d->blocks;
    if (d->n_terms % GZ_DICT_BLOCK == 0) {
        gz_buf_u32(&d->offsets, (uint32_t)b->len);
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
    if (d->offsets.status != GZ_OK || d->blocks.status != GZ_OK)
        return GZ_NOMEM;
    uint8_t head[8];
    gz_put32(head, d->n_terms);
    gz_put32(head + 4, (uint32_t)(d->offsets.len / 4));
    gz_segw_section(w, GZ_SEC_DICT);
    gz_segw_put(w, head, sizeof head);
    gz_segw_put(w, d->offsets.data, d->offsets.len);
    gz_segw_put(w, d->blocks.data, d->blocks.len);
    return GZ_OK;
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
    uint8_t *table = gz_calloc(n_blocks + 1, 16);
    char *src = gz_alloc(IX_ZBLOCK), *dst = gz_alloc(cap);
    if (st == GZ_OK && (!cctx || !table || !src || !dst || zdict.status != GZ_OK))
        st = GZ_NOMEM;
    gz_segw_section(w, GZ_SEC_ZDICT);
    gz_segw_put(w, zdict.data, zdict.len);
    /* the table of blocks, zeros until the frames are written, then
     * patched in place: the frames are never all held */
    gz_segw_section(w, GZ_SEC_TEXT);
    uint8_t nb[4];
    gz_put32(nb, (uint32_t)n_blocks);
    gz_segw_put(w, nb, 4);
    gz_segw_put(w, table, 16 * n_blocks);
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
        gz_put64(table + 16 * b, frames);
        gz_put32(table + 16 * b + 8, (uint32_t)c);
        gz_put32(table + 16 * b + 12, (uint32_t)ulen);
        gz_segw_put(w, dst, c);
        frames += c;
    }
    if (st == GZ_OK && n_blocks)
        gz_segw_patch(w, GZ_SEC_TEXT, 4, table, 16 * n_blocks);
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
    uint32_t max_count = 0;
    for (uint32_t t = 0; t < m->n_terms; t++)
        if (m->terms[t].count > max_count)
            max_count = m->terms[t].count;
    /* one term's occurrences at a time, read back from its slices */
    ix_rec *recs = gz_alloc(((size_t)max_count + 1) * sizeof *recs);
    gz_buf post;
    gz_buf_init(&post);
    ix_dictw dict;
    ix_dictw_init(&dict);
    ix_postenc enc = {0};
    gz_segw *w = NULL;
    if (!order || !recs) {
        st = GZ_NOMEM;
        goto done;
    }
    for (uint32_t t = 0; t < m->n_terms; t++)
        order[t] = t;
    qsort_r(order, m->n_terms, sizeof *order, cmp_terms, m);
    if ((st = gz_segw_open(&w, path, err)) != GZ_OK)
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
    gz_segw_section(w, GZ_SEC_STRINGS);
    gz_segw_put(w, m->strings.data, m->strings.len);
    gz_segw_section(w, GZ_SEC_POSTINGS);

    ix_units_len lens = {m->unit_len, m->unit_words, m->n_units};
    uint64_t post_base = 0; /* postings bytes already handed to the file */
    for (uint32_t k = 0; k < m->n_terms && post.status == GZ_OK; k++) {
        const ix_term *t = &m->terms[order[k]];
        uint64_t off = post_base + post.len;
        uint32_t df;
        ix_term_read(m, t, recs);
        ix_encode_term(&lens, recs, t->count, t->flags, &enc, &post, &df);
        ix_dictw_add(&dict, m->term_text.data + t->off, t->len, df, t->flags, off, post_base + post.len - off);
        if (post.len >= (1u << 20)) {
            gz_segw_put(w, post.data, post.len);
            post_base += post.len;
            post.len = 0;
        }
    }
    if (post.status != GZ_OK) {
        st = GZ_NOMEM;
        goto done;
    }
    gz_segw_put(w, post.data, post.len);
    gz_buf_fini(&post);
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
    gz_buf_fini(&post);
    ix_dictw_fini(&dict);
    ix_postenc_fini(&enc);
    gz_free(order);
    gz_free(recs);
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
