/* format/format.c: the primitives of the on-disk format (format.h): file
 * headers with XXH3 checksums, varints, a bounds-checked reader and the
 * block bit-packer used by postings. Shared by indexer/ and searcher/. */
#include "format/format.h"

#include <stdio.h>
#include <string.h>
#include <xxhash.h>

const char *gz_section_name(int id)
{
    static const char *const names[GZ_SEC__COUNT] = {
        [GZ_SEC_META] = "meta",     [GZ_SEC_DOCS] = "docs",       [GZ_SEC_UNITS] = "units",
        [GZ_SEC_STRINGS] = "strings", [GZ_SEC_DICT] = "dictionary", [GZ_SEC_POSTINGS] = "postings",
        [GZ_SEC_ZDICT] = "zstd-dictionary", [GZ_SEC_TEXT] = "stored-text", [GZ_SEC_HASHES] = "unit-hashes",
    };
    return id > 0 && id < GZ_SEC__COUNT ? names[id] : "unknown";
}

uint64_t gz_xxh3(const void *p, size_t len) { return XXH3_64bits(p, len); }

size_t gz_varint_put(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

gz_status gz_varint_get(const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
    const uint8_t *p = *pp;
    uint64_t r = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (p >= end)
            return GZ_CORRUPT;
        uint8_t b = *p++;
        r |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *pp = p;
            *v = r;
            return GZ_OK;
        }
    }
    return GZ_CORRUPT;
}

void gz_buf_varint(gz_buf *b, uint64_t v)
{
    if (b->status == GZ_OK && b->cap - b->len > GZ_VARINT_MAX) { /* in place */
        b->len += gz_varint_put((uint8_t *)b->data + b->len, v);
        b->data[b->len] = 0;
        return;
    }
    uint8_t tmp[GZ_VARINT_MAX];
    gz_buf_put(b, tmp, gz_varint_put(tmp, v));
}

void gz_buf_u32(gz_buf *b, uint32_t v)
{
    uint8_t tmp[4];
    gz_put32(tmp, v);
    gz_buf_put(b, tmp, 4);
}

void gz_buf_u64(gz_buf *b, uint64_t v)
{
    uint8_t tmp[8];
    gz_put64(tmp, v);
    gz_buf_put(b, tmp, 8);
}

void gz_buf_str(gz_buf *b, const char *s, size_t len)
{
    gz_buf_u32(b, (uint32_t)len);
    gz_buf_put(b, s, len);
}

uint32_t gz_rd_u32(gz_reader *r)
{
    if (r->status != GZ_OK || r->end - r->p < 4) {
        r->status = GZ_CORRUPT;
        return 0;
    }
    uint32_t v = gz_get32(r->p);
    r->p += 4;
    return v;
}

uint64_t gz_rd_u64(gz_reader *r)
{
    if (r->status != GZ_OK || r->end - r->p < 8) {
        r->status = GZ_CORRUPT;
        return 0;
    }
    uint64_t v = gz_get64(r->p);
    r->p += 8;
    return v;
}

uint64_t gz_rd_varint_any(gz_reader *r)
{
    uint64_t v = 0;
    if (r->status == GZ_OK && gz_varint_get(&r->p, r->end, &v) != GZ_OK)
        r->status = GZ_CORRUPT;
    return r->status == GZ_OK ? v : 0;
}

const char *gz_rd_str(gz_reader *r, uint32_t *len)
{
    uint32_t n = gz_rd_u32(r);
    if (r->status != GZ_OK || (size_t)(r->end - r->p) < n) {
        r->status = GZ_CORRUPT;
        *len = 0;
        return "";
    }
    const char *s = (const char *)r->p;
    r->p += n;
    *len = n;
    return s;
}

void gz_header_put(uint8_t out[GZ_HEADER_LEN], uint16_t kind, uint32_t flags, const void *body, uint64_t body_len)
{
    gz_header_put_hashed(out, kind, flags, body_len, gz_xxh3(body, body_len));
}

void gz_header_put_hashed(uint8_t out[GZ_HEADER_LEN], uint16_t kind, uint32_t flags, uint64_t body_len,
                          uint64_t body_xxh3)
{
    memcpy(out, GZ_MAGIC, 8);
    gz_put16(out + 8, GZ_FORMAT_VERSION);
    gz_put16(out + 10, kind);
    gz_put32(out + 12, flags);
    gz_put64(out + 16, body_len);
    gz_put64(out + 24, body_xxh3);
    gz_put64(out + 32, gz_xxh3(out, 32));
}

gz_status gz_header_check(const uint8_t *p, size_t len, uint16_t kind, const uint8_t **body,
                          uint64_t *body_len, gz_error *err)
{
    return gz_header_check_with(p, len, kind, body, body_len, gz_xxh3, err);
}

gz_status gz_header_check_with(const uint8_t *p, size_t len, uint16_t kind, const uint8_t **body,
                               uint64_t *body_len, uint64_t (*hash)(const void *, size_t), gz_error *err)
{
    if (len < GZ_HEADER_LEN || memcmp(p, GZ_MAGIC, 8) != 0)
        return gz_error_set(err, GZ_CORRUPT, 0, "bad magic (not a Gazette file, or truncated)");
    if (gz_get64(p + 32) != gz_xxh3(p, 32))
        return gz_error_set(err, GZ_CORRUPT, 32, "header checksum mismatch");
    if (gz_get16(p + 8) != GZ_FORMAT_VERSION)
        return gz_error_set(err, GZ_VERSION, 8, "format version %u, this build reads %d: index the sources again "
                            "into a new index directory", gz_get16(p + 8), GZ_FORMAT_VERSION);
    if (gz_get16(p + 10) != kind)
        return gz_error_set(err, GZ_VERSION, 10, "file kind %u, expected %u", gz_get16(p + 10), kind);
    uint32_t known = kind == GZ_FILE_MANIFEST ? GZ_FLAG_SOURCE_STAT | GZ_FLAG_MOVED : 0;
    if (gz_get32(p + 12) & ~known)
        return gz_error_set(err, GZ_VERSION, 12, "unknown flags 0x%x (written by a newer gazette)",
                            gz_get32(p + 12) & ~known);
    uint64_t bl = gz_get64(p + 16);
    if (bl != len - GZ_HEADER_LEN)
        return gz_error_set(err, GZ_CORRUPT, 16, "body length %llu, file holds %zu (truncated?)",
                            (unsigned long long)bl, len - GZ_HEADER_LEN);
    if (hash && gz_get64(p + 24) != hash(p + GZ_HEADER_LEN, bl))
        return gz_error_set(err, GZ_CORRUPT, 24, "body checksum mismatch");
    *body = p + GZ_HEADER_LEN;
    *body_len = bl;
    return GZ_OK;
}

/* Bit packing: one width byte, then n values of `width` bits, LSB first,
 * in 64-bit little-endian words (the tail is padded to whole bytes). */
/* A packed run at width w (the values' bits above w are dropped), its
 * width byte or'ed with flag. */
static void pack_at(gz_buf *b, const uint32_t *v, size_t n, unsigned w, uint8_t flag)
{
    uint64_t keep = w == 32 ? 0xFFFFFFFFu : ((1ull << w) - 1);
    size_t bytes = (n * w + 7) / 8;
    gz_buf_reserve(b, bytes + 1 + 8);
    if (b->status != GZ_OK)
        return;
    uint8_t *out = (uint8_t *)b->data + b->len;
    out[0] = (uint8_t)(w | flag);
    out++;
    uint64_t acc = 0;
    unsigned filled = 0;
    size_t o = 0;
    for (size_t i = 0; i < n && w; i++) {
        acc |= ((uint64_t)v[i] & keep) << filled;
        filled += w;
        if (filled >= 32) {
            gz_put32(out + o, (uint32_t)acc);
            o += 4;
            acc >>= 32;
            filled -= 32;
        }
    }
    while (filled > 0) {
        out[o++] = (uint8_t)acc;
        acc >>= 8;
        filled = filled > 8 ? filled - 8 : 0;
    }
    b->len += 1 + bytes;
    b->data[b->len] = 0;
}

void gz_pack(gz_buf *b, const uint32_t *v, size_t n)
{
    uint32_t all = 0;
    for (size_t i = 0; i < n; i++)
        all |= v[i];
    pack_at(b, v, n, gz_bits(all), 0);
}

void gz_pack_patched(gz_buf *b, const uint32_t *v, size_t n)
{
    uint32_t all = 0;
    for (size_t i = 0; i < n; i++)
        all |= v[i];
    unsigned w = gz_bits(all), best = w;
    size_t best_cost = (n * w + 7) / 8;
    /* how many values need each number of bits: a value needs more than
     * x bits if its length is over x, and the high parts' run is as wide
     * as the longest value less x */
    size_t len[33] = {0};
    for (size_t i = 0; i < n; i++)
        len[gz_bits(v[i])]++;
    size_t over = n - len[0];
    for (unsigned x = 0; x < w && n <= 255; x++) {
        /* the low run, the count, the indexes, the high parts' run */
        size_t cost = (n * x + 7) / 8 + 1 + over + 1 + (over * (w - x) + 7) / 8;
        if (cost < best_cost)
            best = x, best_cost = cost;
        over -= len[x + 1];
    }
    if (best == w) {
        pack_at(b, v, n, w, 0);
        return;
    }
    pack_at(b, v, n, best, GZ_PATCHED);
    uint32_t high[255];
    size_t n_exc = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] >> best)
            high[n_exc++] = v[i] >> best;
    gz_buf_putc(b, (char)n_exc);
    for (size_t i = 0; i < n; i++)
        if (v[i] >> best)
            gz_buf_putc(b, (char)i);
    gz_pack(b, high, n_exc);
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define GZ_LE64(x) __builtin_bswap64(x)
#else
#define GZ_LE64(x) (x)
#endif

/* Eight values of width W from in (W bytes): with W a constant, each is a
 * load, a shift and a mask at offsets the compiler knows. Reads up to 7
 * bytes past the W. */
#define UNPACK8(W)                                                                                     \
    static void unpack8_##W(const uint8_t *in, uint32_t *v, size_t groups)                             \
    {                                                                                                  \
        const uint64_t mask = (W) == 32 ? 0xFFFFFFFFu : ((1ull << (W)) - 1);                           \
        for (size_t g = 0; g < groups; g++, in += (W), v += 8)                                         \
            _Pragma("GCC unroll 8") for (unsigned k = 0; k < 8; k++) {                                 \
                uint64_t word;                                                                         \
                memcpy(&word, in + (k * (W)) / 8, 8);                                                  \
                v[k] = (uint32_t)((GZ_LE64(word) >> ((k * (W)) % 8)) & mask);                          \
            }                                                                                          \
    }
UNPACK8(1) UNPACK8(2) UNPACK8(3) UNPACK8(4) UNPACK8(5) UNPACK8(6) UNPACK8(7) UNPACK8(8)
UNPACK8(9) UNPACK8(10) UNPACK8(11) UNPACK8(12) UNPACK8(13) UNPACK8(14) UNPACK8(15) UNPACK8(16)
UNPACK8(17) UNPACK8(18) UNPACK8(19) UNPACK8(20) UNPACK8(21) UNPACK8(22) UNPACK8(23) UNPACK8(24)
UNPACK8(25) UNPACK8(26) UNPACK8(27) UNPACK8(28) UNPACK8(29) UNPACK8(30) UNPACK8(31) UNPACK8(32)
#undef UNPACK8

static void (*const unpack8[33])(const uint8_t *, uint32_t *, size_t) = {
    NULL,         unpack8_1,  unpack8_2,  unpack8_3,  unpack8_4,  unpack8_5,  unpack8_6,
    unpack8_7,    unpack8_8,  unpack8_9,  unpack8_10, unpack8_11, unpack8_12, unpack8_13,
    unpack8_14,   unpack8_15, unpack8_16, unpack8_17, unpack8_18, unpack8_19, unpack8_20,
    unpack8_21,   unpack8_22, unpack8_23, unpack8_24, unpack8_25, unpack8_26, unpack8_27,
    unpack8_28,   unpack8_29, unpack8_30, unpack8_31, unpack8_32,
};

/* The values of a run whose width byte (w) was read. */
static gz_status unpack_at(gz_reader *r, uint32_t *v, size_t n, unsigned w)
{
    size_t bytes = (n * w + 7) / 8;
    if ((size_t)(r->end - r->p) < bytes)
        return r->status = GZ_CORRUPT;
    if (w == 0) {
        memset(v, 0, n * sizeof *v);
        return GZ_OK;
    }
    const uint8_t *in = r->p;
    uint64_t mask = w == 32 ? 0xFFFFFFFFu : ((1u << w) - 1);
    /* whole groups of eight whose loads stay inside the reader (the packed
     * run is usually followed by more of the same block) at their width's
     * own code; the rest one by one */
    size_t avail = (size_t)(r->end - in), groups = n / 8;
    if (groups && (groups * w + 8 > avail))
        groups = avail >= 8 ? (avail - 8) / w : 0;
    if (groups > n / 8)
        groups = n / 8;
    if (groups)
        unpack8[w](in, v, groups);
    size_t i = groups * 8, bit = i * w;
    for (; i < n; i++, bit += w) {
        size_t byte = bit >> 3;
        /* read up to 8 bytes without passing the end of the packed data */
        uint64_t word = 0;
        if (byte + 8 <= avail) {
            memcpy(&word, in + byte, 8);
            word = GZ_LE64(word);
        } else {
            for (size_t k = 0; k < 8 && byte + k < bytes; k++)
                word |= (uint64_t)in[byte + k] << (8 * k);
        }
        v[i] = (uint32_t)((word >> (bit & 7)) & mask);
    }
    r->p += bytes;
    return GZ_OK;
}

gz_status gz_unpack(gz_reader *r, uint32_t *v, size_t n)
{
    if (r->status != GZ_OK || r->p >= r->end)
        return r->status = GZ_CORRUPT;
    unsigned w = *r->p++;
    if (w > 32)
        return r->status = GZ_CORRUPT;
    return unpack_at(r, v, n, w);
}

gz_status gz_unpack_patched(gz_reader *r, uint32_t *v, size_t n)
{
    gz_patched l;
    if (r->status != GZ_OK || gz_patched_layout(r->p, r->end, n, &l) != GZ_OK)
        return r->status = GZ_CORRUPT;
    const uint8_t *start = r->p;
    r->p = l.low;
    if (unpack_at(r, v, n, l.width) != GZ_OK)
        return GZ_CORRUPT;
    if (l.n_exc) {
        uint32_t high[255];
        r->p = l.high;
        if (gz_unpack(r, high, l.n_exc) != GZ_OK)
            return GZ_CORRUPT;
        for (size_t k = 0; k < l.n_exc; k++) {
            if (l.idx[k] >= n || high[k] == 0)
                return r->status = GZ_CORRUPT;
            v[l.idx[k]] |= high[k] << l.width;
        }
    }
    r->p = start + l.len;
    return GZ_OK;
}

/* ------------------------------------------------------ packed units */

static const int unit_field[GZ_UNIT_FIELDS] = {GZ_UNIT_DOC,   GZ_UNIT_KIND,  GZ_UNIT_NUMBER, GZ_UNIT_SUB,
                                               GZ_UNIT_LABEL, GZ_UNIT_PATH,  GZ_UNIT_START,  GZ_UNIT_END,
                                               GZ_UNIT_LEN,   GZ_UNIT_WORDS, GZ_UNIT_PAGE,   GZ_UNIT_PAGE_END};

static uint32_t unit_value(const uint8_t *r, int f)
{
    uint32_t v = gz_get32(r + unit_field[f]);
    if (unit_field[f] == GZ_UNIT_NUMBER)
        return v + 1; /* -1 (none) packs as 0 */
    if (unit_field[f] == GZ_UNIT_END)
        return v - gz_get32(r + GZ_UNIT_START);
    return v;
}

void gz_units_most(const uint8_t *rec, uint32_t most[GZ_UNIT_FIELDS])
{
    for (int f = 0; f < GZ_UNIT_FIELDS; f++) {
        uint32_t v = unit_value(rec, f);
        most[f] = v > most[f] ? v : most[f];
    }
}

void gz_unitw_begin(gz_unitw *w, const uint32_t most[GZ_UNIT_FIELDS], gz_buf *out)
{
    for (int f = 0; f < GZ_UNIT_FIELDS; f++) {
        w->width[f] = 0;
        while (w->width[f] < 32 && (most[f] >> w->width[f]))
            w->width[f]++;
    }
    w->acc = 0;
    w->n = 0;
    w->out = out;
    gz_buf_put(out, w->width, GZ_UNIT_FIELDS);
}

void gz_unitw_put(gz_unitw *w, const uint8_t *rec)
{
    for (int f = 0; f < GZ_UNIT_FIELDS; f++) {
        w->acc |= (uint64_t)unit_value(rec, f) << w->n; /* n < 8, width <= 32 */
        w->n += w->width[f];
        for (; w->n >= 8; w->n -= 8, w->acc >>= 8)
            gz_buf_putc(w->out, (char)(w->acc & 0xFF));
    }
}

void gz_unitw_end(gz_unitw *w)
{
    if (w->n)
        gz_buf_putc(w->out, (char)(w->acc & 0xFF));
    gz_buf_put(w->out, "\0\0\0\0\0\0\0\0", 8);
    w->acc = 0;
    w->n = 0;
}

void gz_units_pack(const uint8_t *recs, uint32_t n, gz_buf *out)
{
    uint32_t most[GZ_UNIT_FIELDS] = {0};
    for (uint32_t u = 0; u < n; u++)
        gz_units_most(recs + (size_t)u * GZ_UNIT_REC, most);
    gz_unitw w;
    gz_unitw_begin(&w, most, out);
    for (uint32_t u = 0; u < n && out->status == GZ_OK; u++)
        gz_unitw_put(&w, recs + (size_t)u * GZ_UNIT_REC);
    gz_unitw_end(&w);
}

gz_status gz_units_layout(const uint8_t *packed, uint64_t len, uint32_t n, uint8_t width[GZ_UNIT_FIELDS],
                          uint16_t at[GZ_UNIT_FIELDS], uint32_t *bits)
{
    if (len < GZ_UNIT_FIELDS + 8)
        return GZ_CORRUPT;
    *bits = 0;
    for (int f = 0; f < GZ_UNIT_FIELDS; f++) {
        width[f] = packed[f];
        if (width[f] > 32)
            return GZ_CORRUPT;
        at[f] = (uint16_t)*bits;
        *bits += width[f];
    }
    return len == GZ_UNIT_FIELDS + ((uint64_t)n * *bits + 7) / 8 + 8 ? GZ_OK : GZ_CORRUPT;
}

/* ------------------------------------------------- rare terms as bits */

typedef struct bitw {
    gz_buf *b;
    uint64_t acc;
    unsigned n;
} bitw;

static void bits_put(bitw *w, uint32_t v, unsigned k)
{
    w->acc |= (uint64_t)v << w->n;
    w->n += k;
    while (w->n >= 8) {
        gz_buf_putc(w->b, (char)(w->acc & 0xFF));
        w->acc >>= 8;
        w->n -= 8;
    }
}

/* Elias gamma, v >= 1: bits(v) - 1 zeros, a one, then v's low bits */
static void gamma_put(bitw *w, uint32_t v)
{
    unsigned k = gz_bits(v);
    bits_put(w, 1u << (k - 1), k);
    bits_put(w, v & ((1u << (k - 1)) - 1), k - 1);
}

static uint32_t bits_get(gz_bitr *r, unsigned k)
{
    while (r->n < k) {
        if (r->p == r->end) {
            r->status = GZ_CORRUPT;
            return 0;
        }
        r->acc |= (uint64_t)*r->p++ << r->n;
        r->n += 8;
    }
    uint32_t v = (uint32_t)(r->acc & ((1ull << k) - 1));
    r->acc >>= k;
    r->n -= k;
    return v;
}

static uint32_t gamma_get(gz_bitr *r, unsigned max_bits)
{
    unsigned z = 0;
    while (r->status == GZ_OK && bits_get(r, 1) == 0)
        if (++z >= max_bits) {
            r->status = GZ_CORRUPT;
            return 1;
        }
    return (1u << z) | bits_get(r, z);
}

/* v[0..n) rising inside [lo, hi] */
static void bic_put(bitw *w, const uint32_t *v, uint32_t n, uint32_t lo, uint32_t hi)
{
    if (n == 0)
        return;
    uint32_t m = n / 2, a = lo + m, z = hi - (n - 1 - m);
    bits_put(w, v[m] - a, gz_bits(z - a));
    if (m)
        bic_put(w, v, m, lo, v[m] - 1);
    bic_put(w, v + m + 1, n - m - 1, v[m] + 1, hi);
}

static void bic_get(gz_bitr *r, uint32_t *v, uint32_t n, uint32_t lo, uint32_t hi)
{
    if (n == 0 || r->status != GZ_OK)
        return;
    if (hi < lo || hi - lo < n - 1) { /* no room for n rising values */
        r->status = GZ_CORRUPT;
        return;
    }
    uint32_t m = n / 2, a = lo + m, z = hi - (n - 1 - m);
    uint32_t x = bits_get(r, gz_bits(z - a));
    if (x > z - a) {
        r->status = GZ_CORRUPT;
        return;
    }
    v[m] = a + x;
    if (m)
        bic_get(r, v, m, lo, v[m] - 1);
    bic_get(r, v + m + 1, n - m - 1, v[m] + 1, hi);
}

void gz_rare_pack(gz_buf *b, uint32_t n_units, const uint32_t *units, const uint32_t *tfs, uint32_t n,
                  const uint32_t *pos, const uint32_t *span, uint8_t flags)
{
    bitw w = {b, 0, 0};
    bic_put(&w, units, n, 0, n_units - 1);
    uint32_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        gamma_put(&w, tfs[i]);
        total += tfs[i];
    }
    if (!(flags & GZ_TERM_NOPOS)) {
        uint32_t all = 0;
        for (uint32_t k = 0; k < total; k++)
            all |= pos[k];
        unsigned width = gz_bits(all);
        bits_put(&w, width, 6);
        for (uint32_t k = 0; k < total; k++)
            bits_put(&w, pos[k], width);
        if (flags & GZ_TERM_SPANS)
            for (uint32_t k = 0; k < total; k++)
                gamma_put(&w, span[k]);
    }
    if (w.n)
        gz_buf_putc(b, (char)w.acc);
}

gz_status gz_rare_unpack_units(gz_bitr *r, uint32_t n_units, uint32_t n, uint32_t *units, uint32_t *tfs)
{
    if (n == 0 || n_units == 0)
        return GZ_CORRUPT;
    bic_get(r, units, n, 0, n_units - 1);
    for (uint32_t i = 0; i < n && r->status == GZ_OK; i++)
        tfs[i] = gamma_get(r, 25);
    return r->status;
}

gz_status gz_rare_unpack_pos(gz_bitr *r, uint32_t total, uint8_t flags, uint32_t *pos, uint32_t *span)
{
    if (!(flags & GZ_TERM_NOPOS)) {
        unsigned width = bits_get(r, 6);
        if (width > 32)
            return GZ_CORRUPT;
        for (uint32_t k = 0; k < total && r->status == GZ_OK; k++)
            pos[k] = bits_get(r, width);
        for (uint32_t k = 0; k < total && r->status == GZ_OK; k++)
            span[k] = (flags & GZ_TERM_SPANS) ? gamma_get(r, 32) : 1;
    }
    /* the rest of the last byte is zero, and nothing follows it */
    if (r->status != GZ_OK || r->p != r->end || r->n >= 8 || r->acc)
        return GZ_CORRUPT;
    return GZ_OK;
}
