/* format/segment.c: reading a segment file: mapping and verifying it, the
 * docs/units/strings tables, the front-coded term dictionary and the stored
 * text. Postings cursors are in postings.c. */
#include "format/format.h"
#include "format/segment.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

static gz_status seg_fail(gz_error *err, gz_status st, const char *path, const char *what)
{
    return gz_error_set(err, st, -1, "[segment][open] %s: %s", path, what);
}

/* XXH3-64 of [p, p + len) of a mapping, read 16 MiB at a time, each
 * piece's pages given back once hashed (a damaged body's sections, hashed
 * to name the damaged one, do not stay resident). */
static uint64_t hash_released(const void *base, size_t len)
{
    const uint8_t *p = base;
    enum { PIECE = 16 << 20 };
    if (len <= PIECE)
        return gz_xxh3(p, len);
    XXH3_state_t *h = XXH3_createState();
    if (!h)
        return gz_xxh3(p, len);
    XXH3_64bits_reset(h);
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    for (uint64_t at = 0; at < len; at += PIECE) {
        uint64_t n = len - at < PIECE ? len - at : PIECE;
        XXH3_64bits_update(h, p + at, (size_t)n);
        /* the whole pages of the piece just read */
        uintptr_t a = ((uintptr_t)(p + at) + page - 1) & ~(page - 1), z = (uintptr_t)(p + at + n) & ~(page - 1);
        if (z > a)
            madvise((void *)a, z - a, MADV_DONTNEED);
    }
    uint64_t v = XXH3_64bits_digest(h);
    XXH3_freeState(h);
    return v;
}

/* XXH3-64 of the file's bytes [from, from + len), read with pread in
 * 1 MiB pieces: no page of the map is touched (nor faulted in, nor left
 * resident) to verify it. */
static gz_status hash_read(int fd, uint64_t from, uint64_t len, uint64_t *out)
{
    enum { PIECE = 1 << 20 };
    uint8_t *buf = gz_alloc(PIECE);
    XXH3_state_t *h = XXH3_createState();
    gz_status st = buf && h ? GZ_OK : GZ_NOMEM;
    if (st == GZ_OK)
        XXH3_64bits_reset(h);
    while (st == GZ_OK && len) {
        ssize_t got = pread(fd, buf, len < PIECE ? (size_t)len : PIECE, (off_t)from);
        if (got <= 0) {
            st = GZ_IO;
            break;
        }
        XXH3_64bits_update(h, buf, (size_t)got);
        from += (uint64_t)got;
        len -= (uint64_t)got;
    }
    if (st == GZ_OK)
        *out = XXH3_64bits_digest(h);
    XXH3_freeState(h);
    gz_free(buf);
    return st;
}

gz_status gz_segment_open(const char *path, gz_segment **out, gz_error *err)
{
    *out = NULL;
    gz_segment *s = gz_calloc(1, sizeof *s);
    if (!s)
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    s->fd = -1;
    atomic_init(&s->refs, 1);
    s->path = gz_strndup(path, strlen(path));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        gz_segment_close(s);
        gz_error_set(err, GZ_IO, -1, "[segment][open] %s: %s", path, strerror(e));
        if (err)
            err->sys_errno = e;
        return GZ_IO;
    }
    s->map_len = (size_t)st.st_size;
    s->dev = st.st_dev;
    s->ino = st.st_ino;
    if (s->map_len > 0) {
        void *m = mmap(NULL, s->map_len, PROT_READ, MAP_SHARED, fd, 0);
        s->map = m == MAP_FAILED ? NULL : m;
    }
    gz_status rc;
    if (!s->map) {
        close(fd);
        rc = seg_fail(err, GZ_CORRUPT, path, "empty or unmappable file");
        goto fail;
    }
    const uint8_t *body;
    uint64_t body_len;
    gz_error e2 = {0};
    if ((rc = gz_header_check_with(s->map, s->map_len, GZ_FILE_SEGMENT, &body, &body_len, NULL, &e2)) != GZ_OK) {
        close(fd);
        gz_error_set(err, rc, e2.offset, "[segment][open] %s: %s", path, e2.msg);
        goto fail;
    }
    /* the body's checksum covers every section: theirs are read only to
     * name the damaged one */
    uint64_t bh;
    rc = hash_read(fd, GZ_HEADER_LEN, body_len, &bh);
    close(fd);
    if (rc != GZ_OK) {
        rc = seg_fail(err, rc, path, rc == GZ_NOMEM ? "out of memory" : "cannot read the body");
        goto fail;
    }
    int body_ok = bh == gz_get64(s->map + 24);
    gz_reader r = {body, body + body_len, GZ_OK};
    uint32_t n_sec = gz_rd_u32(&r);
    if (n_sec > 64) {
        rc = seg_fail(err, GZ_CORRUPT, path, "bad section table");
        goto fail;
    }
    for (uint32_t i = 0; i < n_sec && r.status == GZ_OK; i++) {
        uint32_t id = gz_rd_u32(&r);
        uint64_t off = gz_rd_u64(&r), len = gz_rd_u64(&r), h = gz_rd_u64(&r);
        if (r.status != GZ_OK || id == 0 || id >= GZ_SEC__COUNT || off > body_len || len > body_len - off) {
            rc = seg_fail(err, GZ_CORRUPT, path, "bad section table");
            goto fail;
        }
        if (!body_ok && hash_released(body + off, len) != h) {
            char m[96];
            snprintf(m, sizeof m, "section %s: checksum mismatch", gz_section_name((int)id));
            rc = seg_fail(err, GZ_CORRUPT, path, m);
            goto fail;
        }
        s->sec[id] = body + off;
        s->sec_len[id] = len;
    }
    if (!body_ok) {
        rc = seg_fail(err, GZ_CORRUPT, path, "body checksum mismatch");
        goto fail;
    }
    for (int id = 1; id < GZ_SEC__COUNT; id++)
        if (!s->sec[id] && id != GZ_SEC_ZDICT) {
            char m[96];
            snprintf(m, sizeof m, "section %s missing", gz_section_name(id));
            rc = seg_fail(err, GZ_CORRUPT, path, m);
            goto fail;
        }
    gz_reader mr = {s->sec[GZ_SEC_META], s->sec[GZ_SEC_META] + s->sec_len[GZ_SEC_META], GZ_OK};
    s->n_docs = gz_rd_u32(&mr);
    s->n_units = gz_rd_u32(&mr);
    s->n_positions = gz_rd_u64(&mr);
    s->n_words = gz_rd_u64(&mr);
    s->n_terms = gz_rd_u32(&mr);
    s->zblock = gz_rd_u32(&mr);
    int units_ok = gz_units_layout(s->sec[GZ_SEC_UNITS], s->sec_len[GZ_SEC_UNITS], s->n_units, s->unit_w,
                                   s->unit_at, &s->unit_bits) == GZ_OK;
    if (mr.status != GZ_OK || s->sec_len[GZ_SEC_META] != GZ_META_LEN ||
        s->sec_len[GZ_SEC_DOCS] != (uint64_t)s->n_docs * GZ_DOC_REC || !units_ok || s->zblock == 0 ||
        s->sec_len[GZ_SEC_HASHES] != 4 * (uint64_t)s->n_units ||
        s->sec_len[GZ_SEC_STRINGS] == 0 || s->sec[GZ_SEC_STRINGS][s->sec_len[GZ_SEC_STRINGS] - 1] != 0) {
        rc = seg_fail(err, GZ_CORRUPT, path, "bad meta, docs, units or strings section");
        goto fail;
    }
    gz_reader dr = {s->sec[GZ_SEC_DICT], s->sec[GZ_SEC_DICT] + s->sec_len[GZ_SEC_DICT], GZ_OK};
    s->dict_n_terms = gz_rd_u32(&dr);
    s->dict_n_blocks = gz_rd_u32(&dr);
    if (dr.status != GZ_OK || s->dict_n_terms != s->n_terms ||
        (uint64_t)s->dict_n_blocks * 4 > (uint64_t)(dr.end - dr.p) ||
        s->dict_n_blocks != (s->n_terms + GZ_DICT_BLOCK - 1) / GZ_DICT_BLOCK) {
        rc = seg_fail(err, GZ_CORRUPT, path, "bad dictionary header");
        goto fail;
    }
    s->dict_offsets = dr.p;
    s->dict_blocks = dr.p + 4 * (size_t)s->dict_n_blocks;
    s->dict_blocks_len = (uint64_t)(dr.end - s->dict_blocks);
    gz_reader tr = {s->sec[GZ_SEC_TEXT], s->sec[GZ_SEC_TEXT] + s->sec_len[GZ_SEC_TEXT], GZ_OK};
    s->n_tblocks = gz_rd_u32(&tr);
    if (tr.status != GZ_OK || (uint64_t)s->n_tblocks * 16 > (uint64_t)(tr.end - tr.p)) {
        rc = seg_fail(err, GZ_CORRUPT, path, "bad stored-text table");
        goto fail;
    }
    s->tblocks = tr.p;
    s->tframes = tr.p + 16 * (size_t)s->n_tblocks;
    s->tframes_len = (uint64_t)(tr.end - s->tframes);
    if (s->sec[GZ_SEC_ZDICT] && s->sec_len[GZ_SEC_ZDICT]) {
        s->ddict = ZSTD_createDDict(s->sec[GZ_SEC_ZDICT], s->sec_len[GZ_SEC_ZDICT]);
        if (!s->ddict) {
            rc = seg_fail(err, GZ_CORRUPT, path, "bad zstd dictionary");
            goto fail;
        }
    }
    *out = s;
    return GZ_OK;
fail:
    gz_segment_close(s);
    return rc;
}

int gz_segment_is(const gz_segment *s, const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino && (size_t)st.st_size == s->map_len;
}

gz_segment *gz_segment_ref(gz_segment *s)
{
    atomic_fetch_add(&s->refs, 1);
    return s;
}

void gz_segment_close(gz_segment *s)
{
    if (!s || atomic_fetch_sub(&s->refs, 1) > 1)
        return;
    if (s->map)
        munmap((void *)s->map, s->map_len);
    if (s->ddict)
        ZSTD_freeDDict(s->ddict);
    gz_free(s->path);
    gz_free(s);
}

void gz_segment_stats(const gz_segment *s, gz_seg_stats *st)
{
    memset(st, 0, sizeof *st);
    st->n_docs = s->n_docs;
    st->n_units = s->n_units;
    st->n_terms = s->n_terms;
    st->n_positions = s->n_positions;
    for (int i = 1; i < GZ_SEC__COUNT; i++)
        st->section_bytes[i] = s->sec_len[i];
    st->file_bytes = s->map_len;
}

static const char *str_at(const gz_segment *s, uint32_t off, gz_status *st)
{
    if (off >= s->sec_len[GZ_SEC_STRINGS]) {
        *st = GZ_CORRUPT;
        return "";
    }
    return (const char *)s->sec[GZ_SEC_STRINGS] + off;
}

gz_status gz_segment_doc(const gz_segment *s, uint32_t doc, gz_docinfo *o)
{
    if (doc >= s->n_docs)
        return GZ_INVALID;
    const uint8_t *r = s->sec[GZ_SEC_DOCS] + (size_t)doc * GZ_DOC_REC;
    gz_status st = GZ_OK;
    o->title = str_at(s, gz_get32(r + GZ_DOC_TITLE), &st);
    o->docno_raw = str_at(s, gz_get32(r + GZ_DOC_DOCNO_RAW), &st);
    o->issuer = str_at(s, gz_get32(r + GZ_DOC_ISSUER), &st);
    o->docno = str_at(s, gz_get32(r + GZ_DOC_DOCNO), &st);
    o->body = str_at(s, gz_get32(r + GZ_DOC_BODY), &st);
    o->source = str_at(s, gz_get32(r + GZ_DOC_SOURCE), &st);
    o->issue = str_at(s, gz_get32(r + GZ_DOC_ISSUE), &st);
    o->date = gz_get32(r + GZ_DOC_DATE);
    o->year = gz_get32(r + GZ_DOC_YEAR);
    o->serial = gz_get32(r + GZ_DOC_SERIAL);
    o->kind = gz_get32(r + GZ_DOC_KIND);
    o->text_off = gz_get64(r + GZ_DOC_TEXT_OFF);
    o->text_len = gz_get32(r + GZ_DOC_TEXT_LEN);
    o->first_unit = gz_get32(r + GZ_DOC_FIRST_UNIT);
    o->n_units = gz_get32(r + GZ_DOC_N_UNITS);
    o->version_date = gz_get32(r + GZ_DOC_VERSION_DATE);
    o->status = gz_get32(r + GZ_DOC_STATUS);
    if ((uint64_t)o->first_unit + o->n_units > s->n_units)
        st = GZ_CORRUPT;
    return st;
}

gz_status gz_segment_unit(const gz_segment *s, uint32_t unit, gz_unitinfo *o)
{
    if (unit >= s->n_units)
        return GZ_INVALID;
    gz_status st = GZ_OK;
    const uint8_t *p = s->sec[GZ_SEC_UNITS];
    uint64_t base = (uint64_t)unit * s->unit_bits;
#define F(f) gz_units_field(p, s->unit_w, s->unit_at, base, f)
    o->doc = F(0);
    o->kind = F(1);
    o->number = (int32_t)(F(2) - 1);
    o->sub = F(3);
    o->label = str_at(s, F(4), &st);
    o->path = str_at(s, F(5), &st);
    o->start = F(6);
    o->end = o->start + F(7);
    o->len = F(8);
    o->words = F(9);
    o->page = F(10);
    o->page_end = F(11);
    o->hash = gz_get32(s->sec[GZ_SEC_HASHES] + 4 * (size_t)unit);
#undef F
    if (o->doc >= s->n_docs || o->end < o->start || o->page_end < o->page)
        st = GZ_CORRUPT;
    return st;
}

void gz_segment_unit_len(const gz_segment *s, uint32_t unit, uint32_t *len, uint32_t *words)
{
    *len = *words = 0;
    if (unit >= s->n_units)
        return;
    const uint8_t *p = s->sec[GZ_SEC_UNITS];
    uint64_t base = (uint64_t)unit * s->unit_bits;
    *len = gz_units_field(p, s->unit_w, s->unit_at, base, 8);
    *words = gz_units_field(p, s->unit_w, s->unit_at, base, 9);
}

uint32_t gz_segment_unit_hash(const gz_segment *s, uint32_t unit)
{
    return unit < s->n_units ? gz_get32(s->sec[GZ_SEC_HASHES] + 4 * (size_t)unit) : 0;
}

/* A decompression context and the last blocks it decompressed: a snippet
 * of a unit near one seen lately (the next page, a popular law, the unit
 * and its document) does not decompress its block again. A block is known
 * by its segment's body checksum, so a segment closed and another mapped
 * at the same address cannot be confused with it. */
#define TC_SLOTS 32

typedef struct tc_slot {
    uint64_t seg_hash, block, used;
    uint32_t len;
    char *data; /* zblock bytes; NULL until first used */
} tc_slot;

struct gz_textctx {
    ZSTD_DCtx *d;
    tc_slot slot[TC_SLOTS];
    uint64_t tick;
    uint32_t zblock;
};

void gz_textctx_close(gz_textctx *ctx)
{
    if (!ctx)
        return;
    ZSTD_freeDCtx(ctx->d);
    for (size_t i = 0; i < TC_SLOTS; i++)
        gz_free(ctx->slot[i].data);
    gz_free(ctx);
}

/* Block b of s's stored text, decompressed: from the cache or into the
 * least recently used slot. NULL on corruption or no memory (*st says). */
static const char *text_block(const gz_segment *s, gz_textctx *c, uint64_t b, uint32_t *ulen_out, gz_status *st)
{
    uint64_t seg_hash = gz_get64(s->map + 24);
    tc_slot *victim = &c->slot[0];
    for (size_t i = 0; i < TC_SLOTS; i++) {
        tc_slot *t = &c->slot[i];
        if (t->data && t->used && t->seg_hash == seg_hash && t->block == b && t->len <= s->zblock) {
            t->used = ++c->tick;
            *ulen_out = t->len;
            return t->data;
        }
        if (t->used < victim->used)
            victim = t;
    }
    const uint8_t *e = s->tblocks + 16 * b;
    uint64_t off = gz_get64(e);
    uint32_t clen = gz_get32(e + 8), ulen = gz_get32(e + 12);
    if (off > s->tframes_len || clen > s->tframes_len - off || ulen > s->zblock) {
        *st = GZ_CORRUPT;
        return NULL;
    }
    /* slots hold the largest block size seen */
    if (s->zblock > c->zblock) {
        for (size_t i = 0; i < TC_SLOTS; i++) {
            gz_free(c->slot[i].data);
            memset(&c->slot[i], 0, sizeof c->slot[i]);
        }
        c->zblock = s->zblock;
        victim = &c->slot[0];
    }
    if (!victim->data && !(victim->data = gz_alloc(c->zblock))) {
        *st = GZ_NOMEM;
        return NULL;
    }
    victim->used = 0; /* invalid until filled */
    victim->seg_hash = seg_hash;
    victim->block = b;
    size_t got = s->ddict ? ZSTD_decompress_usingDDict(c->d, victim->data, ulen, s->tframes + off, clen, s->ddict)
                          : ZSTD_decompressDCtx(c->d, victim->data, ulen, s->tframes + off, clen);
    if (ZSTD_isError(got) || got != ulen) {
        victim->seg_hash = 0;
        *st = GZ_CORRUPT;
        return NULL;
    }
    victim->len = ulen;
    victim->used = ++c->tick;
    *ulen_out = ulen;
    return victim->data;
}

gz_status gz_segment_text(const gz_segment *s, uint32_t doc, gz_buf *out, gz_textctx **ctx)
{
    return gz_segment_text_range(s, doc, 0, UINT32_MAX, out, ctx);
}

gz_status gz_segment_text_range(const gz_segment *s, uint32_t doc, uint32_t start, uint32_t end, gz_buf *out,
                                gz_textctx **ctx)
{
    gz_docinfo d;
    gz_status st = gz_segment_doc(s, doc, &d);
    out->len = 0;
    if (st != GZ_OK)
        return st;
    if (end > d.text_len)
        end = d.text_len;
    if (start > end)
        return GZ_INVALID;
    d.text_off += start;
    d.text_len = end - start;
    if (!*ctx) {
        gz_textctx *c = gz_calloc(1, sizeof *c);
        if (!c || !(c->d = ZSTD_createDCtx())) {
            gz_free(c);
            return GZ_NOMEM;
        }
        *ctx = c;
    }
    uint64_t from = d.text_off, to = d.text_off + d.text_len;
    gz_buf_reserve(out, d.text_len);
    for (uint64_t b = from / s->zblock; from < to; b++) {
        if (b >= s->n_tblocks) {
            st = GZ_CORRUPT;
            break;
        }
        uint32_t ulen;
        const char *block = text_block(s, *ctx, b, &ulen, &st);
        if (!block)
            break;
        uint64_t bstart = b * s->zblock, bend = bstart + ulen;
        uint64_t a = from > bstart ? from : bstart, z = to < bend ? to : bend;
        if (a >= z) {
            st = GZ_CORRUPT;
            break;
        }
        gz_buf_put(out, block + (a - bstart), (size_t)(z - a));
        from = z;
    }
    if (st == GZ_OK && out->status != GZ_OK)
        st = GZ_NOMEM;
    return st;
}

/* ---------------------------------------------------------- dictionary */

typedef gz_term_iter dict_iter;

static int dict_block(const gz_segment *s, uint32_t b, dict_iter *it)
{
    uint32_t boff = gz_get32(s->dict_offsets + 4 * (size_t)b);
    uint32_t bend = b + 1 < s->dict_n_blocks ? gz_get32(s->dict_offsets + 4 * (size_t)(b + 1))
                                             : (uint32_t)s->dict_blocks_len;
    if (boff > bend || bend > s->dict_blocks_len)
        return -1;
    it->r = (gz_reader){s->dict_blocks + boff, s->dict_blocks + bend, GZ_OK};
    it->left = b + 1 < s->dict_n_blocks ? GZ_DICT_BLOCK : s->n_terms - b * GZ_DICT_BLOCK;
    it->term_len = 0;
    it->off = 0;
    it->ti.len = 0;
    return 0;
}

/* Reads the next term of the block; 1 ok, 0 block done, -1 corrupt. */
static int dict_next(const gz_segment *s, dict_iter *it, int first)
{
    if (!it->left)
        return 0;
    uint64_t shared = first ? 0 : gz_rd_varint(&it->r);
    uint64_t n = gz_rd_varint(&it->r);
    if (it->r.status != GZ_OK || shared > it->term_len || shared + n > GZ_TERM_MAX ||
        (uint64_t)(it->r.end - it->r.p) < n)
        return -1;
    memcpy(it->term + shared, it->r.p, n);
    it->r.p += n;
    it->term_len = (uint32_t)(shared + n);
    uint64_t df_flags = gz_rd_varint(&it->r);
    it->ti.df = (uint32_t)(df_flags >> 2);
    it->ti.flags = (uint8_t)(df_flags & 3);
    /* postings are laid out in dictionary order: each term's start where
     * the previous one's ends; a block's first term gives it whole */
    it->off = first ? gz_rd_varint(&it->r) : it->off + it->ti.len;
    it->ti.off = it->off;
    it->ti.len = gz_rd_varint(&it->r);
    if (it->r.status != GZ_OK)
        return -1;
    if (it->ti.off > s->sec_len[GZ_SEC_POSTINGS] || it->ti.len > s->sec_len[GZ_SEC_POSTINGS] - it->ti.off)
        return -1;
    it->left--;
    return 1;
}

static int cmp_term(const uint8_t *a, size_t al, const char *b, size_t bl)
{
    size_t n = al < bl ? al : bl;
    int c = memcmp(a, b, n);
    return c ? c : (al < bl ? -1 : al > bl);
}

/* The last block whose first term is <= key (0 if key is before all). */
static int64_t dict_find_block(const gz_segment *s, const char *key, size_t len)
{
    int64_t lo = 0, hi = (int64_t)s->dict_n_blocks - 1, best = 0;
    while (lo <= hi) {
        int64_t mid = (lo + hi) / 2;
        dict_iter it;
        if (dict_block(s, (uint32_t)mid, &it) != 0 || dict_next(s, &it, 1) != 1)
            return -1;
        if (cmp_term(it.term, it.term_len, key, len) <= 0) {
            best = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return best;
}

gz_status gz_segment_term(const gz_segment *s, const char *term, size_t len, int *found, gz_terminfo *ti)
{
    *found = 0;
    if (!s->n_terms)
        return GZ_OK;
    int64_t b = dict_find_block(s, term, len);
    if (b < 0)
        return GZ_CORRUPT;
    dict_iter it;
    if (dict_block(s, (uint32_t)b, &it) != 0)
        return GZ_CORRUPT;
    for (int first = 1;; first = 0) {
        int rc = dict_next(s, &it, first);
        if (rc <= 0)
            return rc < 0 ? GZ_CORRUPT : GZ_OK;
        int c = cmp_term(it.term, it.term_len, term, len);
        if (c == 0) {
            *ti = it.ti;
            *found = 1;
            return GZ_OK;
        }
        if (c > 0)
            return GZ_OK;
    }
}

static gz_status walk_from(const gz_segment *s, uint32_t b, const char *prefix, size_t plen,
                           int (*fn)(void *, const char *, size_t, const gz_terminfo *), void *ctx)
{
    for (; b < s->dict_n_blocks; b++) {
        dict_iter it;
        if (dict_block(s, b, &it) != 0)
            return GZ_CORRUPT;
        for (int first = 1;; first = 0) {
            int rc = dict_next(s, &it, first);
            if (rc < 0)
                return GZ_CORRUPT;
            if (rc == 0)
                break;
            int c = plen ? memcmp(it.term, prefix, it.term_len < plen ? it.term_len : plen) : 0;
            if (c < 0 || (c == 0 && it.term_len < plen && plen))
                continue;
            if (c > 0)
                return GZ_OK;
            if (fn(ctx, (const char *)it.term, it.term_len, &it.ti))
                return GZ_OK;
        }
    }
    return GZ_OK;
}

gz_status gz_segment_prefix(const gz_segment *s, const char *prefix, size_t len,
                            int (*fn)(void *ctx, const char *term, size_t len, const gz_terminfo *ti), void *ctx)
{
    if (!s->n_terms)
        return GZ_OK;
    int64_t b = dict_find_block(s, prefix, len);
    return b < 0 ? GZ_CORRUPT : walk_from(s, (uint32_t)b, prefix, len, fn, ctx);
}


gz_status gz_segment_terms(const gz_segment *s,
                           int (*fn)(void *ctx, const char *term, size_t len, const gz_terminfo *ti), void *ctx)
{
    return s->n_terms ? walk_from(s, 0, "", 0, fn, ctx) : GZ_OK;
}

void gz_term_iter_init(gz_term_iter *it, const gz_segment *s, const char *from, size_t len)
{
    memset(it, 0, sizeof *it);
    it->s = s;
    it->fresh = 1;
    if (len > GZ_TERM_MAX)
        len = GZ_TERM_MAX;
    memcpy(it->from, from, len);
    it->from_len = (uint32_t)len;
    int64_t b = s->n_terms && len ? dict_find_block(s, from, len) : 0;
    if (b < 0)
        it->bad = 1;
    it->block = b < 0 ? 0 : (uint32_t)b;
}

int gz_term_iter_next(gz_term_iter *it)
{
    const gz_segment *s = it->s;
    while (!it->bad) {
        if (it->block >= s->dict_n_blocks)
            return 0;
        if (it->fresh) {
            if (dict_block(s, it->block, it) != 0)
                break;
            it->first = 1;
            it->fresh = 0;
        }
        int rc = dict_next(s, it, it->first);
        if (rc < 0)
            break;
        if (rc == 0) {
            it->block++;
            it->fresh = 1;
            continue;
        }
        it->first = 0;
        if (it->from_len && cmp_term(it->term, it->term_len, it->from, it->from_len) < 0)
            continue;
        it->from_len = 0;
        return 1;
    }
    it->bad = 1;
    return -1;
}

void gz_segment_release(const gz_segment *s)
{
    /* the pages stay in the page cache; a later read maps them again */
    if (s->map)
        madvise((void *)s->map, s->map_len, MADV_DONTNEED);
}

void gz_segment_release_section(const gz_segment *s, int id)
{
    if (!s->map || id <= 0 || id >= GZ_SEC__COUNT || !s->sec[id] || !s->sec_len[id])
        return;
    /* whole pages, those it shares with its neighbours too */
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t a = (uintptr_t)s->sec[id] & ~(page - 1);
    uintptr_t z = ((uintptr_t)s->sec[id] + s->sec_len[id] + page - 1) & ~(page - 1);
    uintptr_t end = ((uintptr_t)s->map + s->map_len + page - 1) & ~(page - 1);
    madvise((void *)a, (z < end ? z : end) - a, MADV_DONTNEED);
}
