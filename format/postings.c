/* format/postings.c: the postings cursor (layout in format.h). A rare
 * term's bits are decoded whole at open. Other terms have a skip table (one
 * entry per block of GZ_BLOCK units: last unit, byte length, impacts,
 * positions count, 32 bits of XXH3) followed by the blocks; a block is
 * decoded when the cursor enters it, its positions only when asked for;
 * gz_post_verify checks the blocks' own checksums. */
#include "format/format.h"
#include "format/segment.h"

#include <string.h>

_Static_assert(GZ_BLOCK <= 128, "a chunk's exceptions are kept as 128 bits");

void gz_post_fini(gz_post *p)
{
    if (!p->shared) {
        gz_free(p->blk_last);
        gz_free(p->imp);
        gz_free(p->blk_imp);
        gz_free(p->pos);
    }
    if (!p->shared || !p->small)
        gz_free(p->pos_start);
    gz_free(p->chunk_at);
    gz_free(p->chunk_exc);
    gz_free(p->upos);
    memset(p, 0, sizeof *p);
}

static gz_status corrupt(gz_post *p)
{
    p->status = GZ_CORRUPT;
    p->unit = GZ_POST_END;
    return GZ_CORRUPT;
}

static gz_status load_block(gz_post *p, uint32_t b)
{
    p->block = b;
    p->i = 0;
    p->pos_ready = false;
    const uint8_t *data = p->base + p->blk_off[b];
    if (p->blk_off[b] > (uint64_t)(p->end - p->base) || p->blk_len[b] > (uint64_t)(p->end - data))
        return corrupt(p);
    /* no checksum here: opening the segment verified the postings section
     * as a whole (gz_post_verify checks the blocks' own, for check); the
     * units add up in 64 bits, so a gap that would wrap cannot reach the
     * block's last unit */
    gz_reader r = {data, data + p->blk_len[b], GZ_OK};
    uint64_t prev = b ? (uint64_t)p->blk_last[b - 1] + 1 : 0;
    p->n = b + 1 < p->n_blocks ? GZ_BLOCK : p->n_last;
    if (gz_unpack_patched(&r, p->units, p->n) != GZ_OK || gz_unpack_patched(&r, p->tfs, p->n) != GZ_OK)
        return corrupt(p);
    for (uint32_t i = 0; i < p->n; i++) {
        prev += p->units[i];
        p->units[i] = (uint32_t)prev++;
        p->tfs[i] += 1;
    }
    if (prev - 1 != p->blk_last[b])
        return corrupt(p);
    p->pos_data = r.p;
    p->unit = p->units[0];
    p->tf = p->tfs[0];
    return GZ_OK;
}

/* A rare term (df <= GZ_SMALL_DF), decoded at once into the cursor's
 * single block from its bits (gz_rare_pack). */
static gz_status open_small(gz_post *p, const gz_terminfo *ti, uint32_t n_units)
{
    if (ti->df == 0)
        return corrupt(p);
    p->n_blocks = 1;
    p->n_last = p->n = ti->df;
    uint32_t *mem = gz_alloc(4 * sizeof(uint32_t) + sizeof(uint64_t) + 1);
    p->imp = gz_alloc(2 * sizeof *p->imp);
    p->blk_imp = gz_alloc(2 * sizeof *p->blk_imp);
    if (!mem || !p->imp || !p->blk_imp) {
        gz_free(mem);
        return p->status = GZ_NOMEM;
    }
    p->blk_last = mem;
    p->blk_len = mem + 1;
    p->blk_sum = mem + 2;
    p->blk_xxh = mem + 3;
    p->blk_off = (uint64_t *)(void *)(mem + 4);
    p->blk_first = (uint8_t *)(p->blk_off + 1);
    p->blk_first[0] = 1; /* not stored: it may */
    gz_bitr br = {p->base, p->end, 0, 0, GZ_OK};
    if (gz_rare_unpack_units(&br, n_units, p->n, p->units, p->tfs) != GZ_OK)
        return corrupt(p);
    uint64_t sum = 0, max_tf = 0;
    for (uint32_t i = 0; i < p->n; i++) {
        sum += p->tfs[i];
        if (p->tfs[i] > max_tf)
            max_tf = p->tfs[i];
    }
    if (sum > (1u << 26))
        return corrupt(p);
    p->blk_last[0] = p->units[p->n - 1];
    /* one impact: the highest tf at any length (lengths are not stored) */
    p->imp[0] = (uint32_t)max_tf;
    p->imp[1] = 0;
    p->blk_imp[0] = 0;
    p->blk_imp[1] = 1;
    p->blk_sum[0] = (uint32_t)sum;
    if (!(p->flags & GZ_TERM_NOPOS)) {
        size_t need = (size_t)sum + 1;
        p->pos = gz_alloc(2 * need * sizeof *p->pos);
        p->pos_start = gz_alloc((GZ_BLOCK + 1) * sizeof *p->pos_start);
        if (!p->pos || !p->pos_start)
            return p->status = GZ_NOMEM;
        p->pos_cap = (uint32_t)need;
        p->span = p->pos + need;
        uint32_t k = 0;
        for (uint32_t i = 0; i < p->n; i++) {
            p->pos_start[i] = k;
            k += p->tfs[i];
        }
        p->pos_start[p->n] = k;
        if (gz_rare_unpack_pos(&br, k, p->flags, p->pos, p->span) != GZ_OK)
            return corrupt(p);
        for (uint32_t i = 0; i < p->n; i++) /* rising inside each unit */
            for (uint32_t q = p->pos_start[i] + 1; q < p->pos_start[i + 1]; q++)
                if (p->pos[q] < p->pos[q - 1])
                    return corrupt(p);
        p->pos_ready = true;
    } else if (gz_rare_unpack_pos(&br, 0, p->flags, NULL, NULL) != GZ_OK) {
        return corrupt(p);
    }
    p->small = true;
    p->block = 0;
    p->i = 0;
    p->unit = p->units[0];
    p->tf = p->tfs[0];
    return GZ_OK;
}

gz_status gz_post_open(gz_post *p, const gz_segment *s, const gz_terminfo *ti)
{
    memset(p, 0, sizeof *p);
    p->unit = GZ_POST_END;
    p->base = s->sec[GZ_SEC_POSTINGS] + ti->off;
    p->end = p->base + ti->len;
    p->flags = ti->flags;
    if (ti->df <= GZ_SMALL_DF) { /* a rare term: known by its df */
        gz_status st = open_small(p, ti, s->n_units);
        /* every unit a cursor gives is one of the segment's: callers index
         * their tables with it */
        if (st == GZ_OK && p->blk_last[0] >= s->n_units)
            return corrupt(p);
        return st;
    }
    gz_reader r = {p->base, p->end, GZ_OK};
    uint64_t nb = gz_rd_varint(&r);
    if (r.status != GZ_OK || nb != (ti->df + GZ_BLOCK - 1) / GZ_BLOCK)
        return corrupt(p);
    p->n_blocks = (uint32_t)nb;
    p->n_last = ti->df - (p->n_blocks - 1) * GZ_BLOCK;
    /* one allocation for the skip arrays, one for the impacts */
    size_t n = p->n_blocks;
    uint32_t *mem = gz_alloc(n * (4 * sizeof(uint32_t) + sizeof(uint64_t) + 1));
    p->imp = gz_alloc(2 * GZ_IMPACTS_MAX * n * sizeof *p->imp);
    p->blk_imp = gz_alloc((n + 1) * sizeof *p->blk_imp);
    if (!mem || !p->imp || !p->blk_imp) {
        gz_free(mem);
        return p->status = GZ_NOMEM;
    }
    p->blk_last = mem;
    p->blk_len = mem + n;
    p->blk_sum = mem + 2 * n;
    p->blk_xxh = mem + 3 * n;
    p->blk_off = (uint64_t *)(void *)(mem + 4 * n);
    p->blk_first = (uint8_t *)(p->blk_off + n);
    uint64_t last = 0, off = 0;
    uint32_t k = 0;
    for (size_t b = 0; b < n; b++) {
        uint64_t d = gz_rd_varint(&r);
        last = b ? last + d + 1 : d;
        p->blk_last[b] = (uint32_t)last;
        p->blk_len[b] = (uint32_t)gz_rd_varint(&r);
        uint64_t n_imp = gz_rd_varint(&r);
        p->blk_first[b] = (uint8_t)(n_imp & 1);
        n_imp >>= 1;
        if (n_imp == 0 || n_imp > GZ_IMPACTS_MAX)
            return corrupt(p);
        p->blk_imp[b] = k;
        for (uint64_t i = 0; i < n_imp; i++, k++) {
            p->imp[2 * k] = (uint32_t)gz_rd_varint(&r) + 1;
            p->imp[2 * k + 1] = (uint32_t)gz_rd_varint(&r);
        }
        p->blk_sum[b] = (uint32_t)gz_rd_varint(&r);
        p->blk_xxh[b] = gz_rd_u32(&r);
        if (last >= GZ_POST_END)
            return corrupt(p);
    }
    p->blk_imp[n] = k;
    if (p->blk_last[n - 1] >= s->n_units) /* units in blocks rise to their block's last */
        return corrupt(p);
    if (r.status != GZ_OK)
        return corrupt(p);
    off = (uint64_t)(r.p - p->base);
    for (size_t b = 0; b < n; b++) {
        p->blk_off[b] = off;
        off += p->blk_len[b];
    }
    if (off != ti->len)
        return corrupt(p);
    return load_block(p, 0);
}

gz_status gz_post_verify(gz_post *p)
{
    if (p->status != GZ_OK || p->small)
        return p->status;
    for (uint32_t b = 0; b < p->n_blocks; b++)
        if ((uint32_t)gz_xxh3(p->base + p->blk_off[b], p->blk_len[b]) != p->blk_xxh[b])
            return corrupt(p);
    return GZ_OK;
}

gz_status gz_post_share(gz_post *dst, const gz_post *src)
{
    *dst = *src;
    dst->shared = true;
    dst->chunk_at = NULL;
    dst->chunk_exc = NULL;
    dst->chunk_cap = 0;
    dst->upos = dst->uspan = NULL;
    dst->upos_cap = 0;
    if (src->status != GZ_OK || src->n_blocks == 0) {
        dst->unit = GZ_POST_END;
        return src->status;
    }
    if (src->small) { /* every unit is in the one block, decoded */
        dst->i = 0;
        dst->unit = dst->units[0];
        dst->tf = dst->tfs[0];
        return GZ_OK;
    }
    dst->pos_start = NULL;
    dst->pos_ready = false;
    return src->block == 0 ? (dst->i = 0, dst->unit = dst->units[0], dst->tf = dst->tfs[0], GZ_OK)
                           : load_block(dst, 0);
}

gz_status gz_post_next(gz_post *p)
{
    if (p->unit == GZ_POST_END)
        return GZ_EOF;
    if (++p->i < p->n) {
        p->unit = p->units[p->i];
        p->tf = p->tfs[p->i];
        return GZ_OK;
    }
    if (p->block + 1 >= p->n_blocks) {
        p->unit = GZ_POST_END;
        return GZ_EOF;
    }
    return load_block(p, p->block + 1);
}

gz_status gz_post_next_block(gz_post *p)
{
    if (p->unit == GZ_POST_END)
        return GZ_EOF;
    if (p->block + 1 >= p->n_blocks) {
        p->unit = GZ_POST_END;
        return GZ_EOF;
    }
    return load_block(p, p->block + 1);
}

gz_status gz_post_seek(gz_post *p, uint32_t target)
{
    if (p->unit == GZ_POST_END || p->unit >= target)
        return p->unit == GZ_POST_END ? GZ_EOF : GZ_OK;
    if (p->blk_last[p->block] < target) {
        /* gallop over the skip table, then binary search */
        uint32_t lo = p->block + 1, step = 1, hi = lo;
        while (hi < p->n_blocks && p->blk_last[hi] < target) {
            lo = hi + 1;
            hi += step;
            step *= 2;
        }
        if (hi >= p->n_blocks)
            hi = p->n_blocks - 1;
        lo = lo <= hi ? gz_post_block_at(p, lo, hi + 1, target) : p->n_blocks;
        if (lo >= p->n_blocks || p->blk_last[lo] < target) {
            p->unit = GZ_POST_END;
            return GZ_EOF;
        }
        gz_status st = load_block(p, lo);
        if (st != GZ_OK)
            return st;
    }
    /* inside the block (whose last unit is >= target): a few steps, then
     * galloping and a binary search, so a long jump costs a log */
    uint32_t i = p->i;
    for (int k = 0; k < 4 && p->units[i] < target; k++)
        i++;
    if (p->units[i] < target) {
        uint32_t lo = i, step = 1; /* units[lo] < target <= units[n - 1] */
        while (lo + step < p->n - 1 && p->units[lo + step] < target) {
            lo += step;
            step *= 2;
        }
        uint32_t hi = lo + step < p->n - 1 ? lo + step : p->n - 1;
        while (lo + 1 < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (p->units[mid] < target)
                lo = mid;
            else
                hi = mid;
        }
        i = hi;
    }
    p->i = i;
    p->unit = p->units[i];
    p->tf = p->tfs[i];
    return GZ_OK;
}

/* A block's positions are read lazily: entering them reads the layout (each
 * unit's offset, each packed chunk's place, and checks they fill the block
 * exactly); a unit's positions are then read alone, each where its chunk's
 * fixed width puts it, so a phrase that seeks a few units of a common
 * term's block reads a few values, not the block. */
static gz_status prepare_positions(gz_post *p)
{
    uint32_t total = p->blk_sum[p->block];
    uint32_t sum = 0;
    for (uint32_t i = 0; i < p->n; i++)
        sum += p->tfs[i];
    if (sum != total)
        return corrupt(p);
    if (!p->pos_start && !(p->pos_start = gz_alloc((GZ_BLOCK + 1) * sizeof *p->pos_start)))
        return p->status = GZ_NOMEM;
    uint32_t k = 0;
    for (uint32_t i = 0; i < p->n; i++) {
        p->pos_start[i] = k;
        k += p->tfs[i];
    }
    p->pos_start[p->n] = k;
    /* the chunks: positions, then (with spans) spans, each a width byte
     * and its packed values; a patched one then its
     * exception count, their indexes and the packed run of their high bits */
    uint32_t per = (total + GZ_BLOCK - 1) / GZ_BLOCK, n_chunks = per * ((p->flags & GZ_TERM_SPANS) ? 2 : 1);
    if (n_chunks > p->chunk_cap) {
        uint32_t *at = gz_realloc(p->chunk_at, 2 * (size_t)n_chunks * sizeof *at);
        if (at)
            p->chunk_at = at;
        uint64_t *exc = at ? gz_realloc(p->chunk_exc, 2 * (size_t)n_chunks * sizeof *exc) : NULL;
        if (!exc)
            return p->status = GZ_NOMEM;
        p->chunk_exc = exc;
        p->chunk_cap = n_chunks;
    }
    const uint8_t *bend = p->base + p->blk_off[p->block] + p->blk_len[p->block], *c = p->pos_data;
    for (uint32_t ch = 0; ch < n_chunks; ch++) {
        uint32_t at = (ch % per) * GZ_BLOCK, n = total - at < GZ_BLOCK ? total - at : GZ_BLOCK;
        gz_patched l;
        if (gz_patched_layout(c, bend, n, &l) != GZ_OK)
            return corrupt(p);
        p->chunk_at[2 * ch] = (uint32_t)(c - p->pos_data);
        p->chunk_at[2 * ch + 1] = l.n_exc ? (uint32_t)(l.idx - 1 - p->pos_data) : UINT32_MAX;
        if (l.n_exc) {
            uint64_t *bits = p->chunk_exc + 2 * ch;
            bits[0] = bits[1] = 0;
            for (unsigned e = 0; e < l.n_exc; e++) { /* below n, rising: a rank is a popcount */
                if (l.idx[e] >= n || (e && l.idx[e] <= l.idx[e - 1]))
                    return corrupt(p);
                bits[l.idx[e] >> 6] |= 1ull << (l.idx[e] & 63);
            }
        }
        c += l.len;
    }
    if (c != bend)
        return corrupt(p);
    p->n_chunks = per;
    p->pos_ready = true;
    return GZ_OK;
}

/* Value k of the packed chunk at c (its width byte first): a fixed width
 * puts it at bit k * width, so one value reads without the others. */
static inline uint32_t packed_at(const uint8_t *c, const uint8_t *end, uint32_t k)
{
    unsigned w = c[0] & ~(unsigned)GZ_PATCHED; /* checked: a patched width only where patches are read */
    if (!w)
        return 0;
    size_t bit = (size_t)k * w;
    const uint8_t *at = c + 1 + (bit >> 3);
    uint64_t word = 0;
    if (end - at >= 8) {
        word = gz_get64(at);
    } else {
        for (ptrdiff_t i = 0; i < end - at; i++)
            word |= (uint64_t)at[i] << (8 * i);
    }
    return (uint32_t)((word >> (bit & 7)) & (w == 32 ? 0xFFFFFFFFu : ((1u << w) - 1)));
}

/* Value k of chunk ch: its low bits where the width puts them, and if
 * the chunk is patched and k is one of its exceptions, the high bits. */
static inline __attribute__((always_inline)) uint32_t chunk_value(const gz_post *p, uint32_t ch, uint32_t k, const uint8_t *bend)
{
    const uint8_t *c = p->pos_data + p->chunk_at[2 * ch];
    uint32_t v = packed_at(c, bend, k);
    uint32_t exc = p->chunk_at[2 * ch + 1];
    if (exc != UINT32_MAX) {
        /* k an exception: its rank among them is the set bits below it */
        const uint64_t *bits = p->chunk_exc + 2 * ch;
        uint64_t word = bits[k >> 6], below = word & ((1ull << (k & 63)) - 1);
        if (word >> (k & 63) & 1) {
            uint32_t rank = (uint32_t)__builtin_popcountll(below) + (k >> 6 ? (uint32_t)__builtin_popcountll(bits[0]) : 0);
            const uint8_t *x = p->pos_data + exc;
            v |= packed_at(x + 1 + x[0], bend, rank) << (c[0] & ~(unsigned)GZ_PATCHED);
        }
    }
    return v;
}

gz_status gz_post_positions(gz_post *p, const uint32_t **pos, const uint32_t **span, uint32_t *n)
{
    if (p->unit == GZ_POST_END || (p->flags & GZ_TERM_NOPOS))
        return GZ_INVALID;
    if (p->small) { /* decoded whole, absolute, at open */
        *pos = p->pos + p->pos_start[p->i];
        *span = p->span + p->pos_start[p->i];
        *n = p->tfs[p->i];
        return GZ_OK;
    }
    gz_status st;
    if (!p->pos_ready && (st = prepare_positions(p)) != GZ_OK)
        return st;
    uint32_t s = p->pos_start[p->i], tf = p->tfs[p->i];
    if (tf > p->upos_cap) {
        uint32_t *u = gz_realloc(p->upos, 2 * (size_t)tf * sizeof *u);
        if (!u)
            return p->status = GZ_NOMEM;
        p->upos = u;
        p->upos_cap = tf;
    }
    p->uspan = p->upos + p->upos_cap;
    /* only this unit's values: each read where its chunk's width puts it */
    const uint8_t *bend = p->base + p->blk_off[p->block] + p->blk_len[p->block];
    uint32_t prev = 0;
    for (uint32_t j = 0; j < tf; j++) {
        uint32_t at = s + j, ch = at / GZ_BLOCK;
        prev += chunk_value(p, ch, at % GZ_BLOCK, bend);
        p->upos[j] = prev;
        p->uspan[j] = (p->flags & GZ_TERM_SPANS) ? chunk_value(p, p->n_chunks + ch, at % GZ_BLOCK, bend) + 1 : 1;
    }
    *pos = p->upos;
    *span = p->uspan;
    *n = tf;
    return GZ_OK;
}
