/* indexer/merge.c: merging segments, streamed. The sources' tables are
 * read twice: once for the documents' records, the strings and the
 * units' field widths, then to write the units packed; their dictionaries
 * are walked side by side in term order, and each merged term's postings
 * (units renumbered, deleted ones dropped) are encoded and written as they
 * come; the stored text is read back block by block and compressed again
 * with a dictionary trained on the merged text. The bytes are those a
 * worker's flush of the same documents writes, and nothing is analysed
 * again (the index's analyzer is the one that built every segment: a
 * manifest of another is refused before any merge). What a merge holds:
 * the strings (the documents' records go to the file as they are made),
 * the units' lengths (4 bytes a unit, at most IX_LENS_MAX), the common
 * words (field 'p' below) and a constant: the encoder's block
 * and at most IX_ENC_HOLD_MAX bytes of one term's, the dictionary
 * writer's buffers, and the mapped source pages it gives back as it goes
 * (docs/architecture.md). */
#include "indexer/merge.h"
#include "indexer/memseg_impl.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The sources' mapped pages are given back when the process maps more
 * than IX_MAPPED_MAX bytes of files beyond what it mapped when the merge
 * began (statm's shared pages), looked at every IX_CHECK_BYTES read. A
 * read counts the bytes it reads, a document IX_TOUCH_DOC, a dictionary
 * term or a unit's strings IX_TOUCH_TERM, and a piece of stored text or a
 * window of a units table first read at least IX_TOUCH_FAULT: a fault maps
 * more than the page read (fault-around, 64 KiB; or a whole large folio of
 * the page cache, up to 2 MiB on ext4 since Linux 6.16), so counting
 * bytes read let 2,048 samples of the text of a 1 GB merge map 200 MB of
 * it, and the common words' lookups map 70% of the laws' sources. The
 * units tables, read at random (a unit's length for each posting), are
 * given back only when they alone pass IX_MAPPED_UNITS: given back with
 * the rest, every term faulted its units in again and a 16-copy optimize
 * took three times as long. */
#define IX_MAPPED_MAX (96u << 20)
#define IX_MAPPED_UNITS (64u << 20)
/* A source's units' lengths and words are copied out of its table into
 * two arrays of 16 bits (4 bytes a unit) when every one fits and the
 * sources' arrays stay within this many bytes: a posting's unit length is
 * then read from 4 bytes a unit, not from a record of the units table
 * (a cache miss for most postings: a 16-copy optimize took 55-63 s
 * reading the table, 45-47 s reading the arrays, 35 s asking for each
 * length IX_LENS_AHEAD postings ahead). */
#define IX_LENS_MAX (64u << 20)
/* How many postings ahead a length is asked for (prefetched). */
#define IX_LENS_AHEAD 8
#define IX_CHECK_BYTES (1u << 20)
#define IX_TOUCH_DOC 128
#define IX_TOUCH_TERM 16
#define IX_TOUCH_FAULT (64u << 10)
/* The documents' records are handed to the file in pieces of this many
 * bytes as the tables' pass makes them. */
#define IX_DOCS_PIECE (256u << 10)

/* The bytes of files the process has mapped (statm's shared pages); 0
 * if it cannot tell. */
static uint64_t mapped_bytes(void)
{
    char b[128];
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, b, sizeof b - 1);
    if (fd >= 0)
        close(fd);
    unsigned long size, resident, shared;
    if (n <= 0)
        return 0;
    b[n] = 0;
    if (sscanf(b, "%lu %lu %lu", &size, &resident, &shared) != 3)
        return 0;
    return (uint64_t)shared * (uint64_t)sysconf(_SC_PAGESIZE);
}

typedef struct msrc {
    gz_segment *seg;
    const uint8_t *del;
    uint32_t *unit_map; /* old unit: new unit or UINT32_MAX; NULL: base + old */
    uint32_t base;
    gz_term_iter it;
    int has; /* it holds this source's next term */
    uint8_t *windows; /* of its units table read since its pages were given back: a bit each */
    size_t windows_len;
    uint8_t *first; /* a bit a unit: the first of a live document (its title line) */
    uint16_t *len16, *words16; /* its units' lengths and words (IX_LENS_MAX); NULL: read from its table */
} msrc;

static inline uint32_t new_unit(const msrc *s, uint32_t u)
{
    return s->unit_map ? s->unit_map[u] : s->base + u;
}

typedef struct merge {
    msrc *src;
    size_t n;
    ix_memseg *ms;
    ix_postenc enc; /* the term being written */
    uint64_t touched;     /* source bytes read since the mapped size was last looked at */
    uint64_t mapped_base; /* files mapped when the merge began */
    unsigned checks;      /* looks since the last release, without statm */
    /* stored text: the live documents in order, as (source, doc) */
    uint32_t (*docs)[2];
    size_t n_docs, cur;
    uint64_t cur_start;
    gz_buf text;
    gz_textctx *tctx;
    gz_segw *w; /* the merged segment's file, open from the tables' pass on */
} merge;

/* Every mapped page of the sources given back, or all but those of
 * their units tables. */
static void release(merge *g, int units)
{
    for (size_t k = 0; k < g->n; k++) {
        for (int id = 1; id < GZ_SEC__COUNT; id++)
            if (id != GZ_SEC_UNITS || units)
                gz_segment_release_section(g->src[k].seg, id);
        if (units && g->src[k].windows)
            memset(g->src[k].windows, 0, g->src[k].windows_len);
    }
}

static void release_all(merge *g) { release(g, 1); }

static void touch(merge *g, uint64_t bytes)
{
    if ((g->touched += bytes) < IX_CHECK_BYTES)
        return;
    g->touched = 0;
    uint64_t now = g->mapped_base ? mapped_bytes() : 0;
    if (!now) {
        /* no statm: every 16 looks */
        if (++g->checks % 16 == 0)
            release(g, 0);
        return;
    }
    if (now <= g->mapped_base + IX_MAPPED_MAX)
        return;
    release(g, 0);
    if (mapped_bytes() > g->mapped_base + IX_MAPPED_UNITS)
        release(g, 1);
}

/* Unit u of source s is to be read: a window of 2^IX_UNIT_WINDOW_BITS
 * units (about 64 KiB of records) counts as IX_TOUCH_FAULT the first time
 * it is read after the units tables were given back. */
#define IX_UNIT_WINDOW_BITS 12
static void touch_unit(merge *g, msrc *s, uint32_t u)
{
    size_t w = u >> IX_UNIT_WINDOW_BITS;
    if (!s->windows || w / 8 >= s->windows_len || s->windows[w / 8] >> (w % 8) & 1)
        return;
    s->windows[w / 8] |= (uint8_t)(1u << (w % 8));
    touch(g, IX_TOUCH_FAULT);
}

/* Unit u of source s: its length, or its words (for a term without
 * positions), from its arrays (only the one asked: each read is a cache
 * miss for most postings) or read from its table. */
static uint32_t unit_len(merge *g, msrc *s, uint32_t u, int words)
{
    if (s->len16)
        return words ? s->words16[u] : s->len16[u];
    uint32_t len, w;
    touch_unit(g, s, u);
    gz_segment_unit_len(s->seg, u, &len, &w);
    return words ? w : len;
}

/* Source s's units' lengths and words into its arrays, if they fit 16 bits
 * and *budget bytes (taken from it); else it keeps reading its table. */
static gz_status lens_copy(msrc *s, uint32_t n_units, size_t *budget)
{
    size_t need = 4 * (size_t)n_units;
    if (need > *budget)
        return GZ_OK;
    s->len16 = gz_alloc(need / 2 + 2);
    s->words16 = gz_alloc(need / 2 + 2);
    if (!s->len16 || !s->words16)
        return GZ_NOMEM;
    for (uint32_t u = 0; u < n_units; u++) {
        uint32_t len, words;
        gz_segment_unit_len(s->seg, u, &len, &words);
        if (len > UINT16_MAX || words > UINT16_MAX) {
            gz_free(s->len16);
            gz_free(s->words16);
            s->len16 = s->words16 = NULL;
            return GZ_OK;
        }
        s->len16[u] = (uint16_t)len;
        s->words16[u] = (uint16_t)words;
    }
    *budget -= need;
    return GZ_OK;
}

/* Feeds source s's live occurrences of the term ti (renumbered) to the
 * encoder, with their units' lengths (words, for a term without
 * positions) read from the source. */
static gz_status carry(merge *g, msrc *s, const gz_terminfo *ti, int nopos)
{
    gz_post p;
    gz_status st = gz_post_open(&p, s->seg, ti);
    touch(g, ti->len);
    const uint16_t *lens = nopos ? s->words16 : s->len16;
    while (st == GZ_OK && p.unit != GZ_POST_END) {
        uint32_t nu = new_unit(s, p.unit);
        if (lens && p.i + IX_LENS_AHEAD < p.n) /* the block's units are decoded: ask for a later one's length */
            __builtin_prefetch(&lens[p.units[p.i + IX_LENS_AHEAD]]);
        if (nu != UINT32_MAX) {
            const uint32_t *pos = NULL, *span = NULL;
            uint32_t n = p.tf, len = unit_len(g, s, p.unit, nopos);
            if (!nopos && (st = gz_post_positions(&p, &pos, &span, &n)) != GZ_OK)
                break;
            for (uint32_t i = 0; i < n; i++)
                ix_postenc_occ(&g->enc, nu, len, gz_bit(s->first, p.unit), pos ? pos[i] : 0, span ? span[i] : 1);
        }
        if (st == GZ_OK)
            st = gz_post_next(&p);
    }
    gz_post_fini(&p);
    if (st == GZ_EOF)
        st = GZ_OK;
    return st == GZ_OK ? g->enc.status : st;
}

/* Live occurrences of term ti in source s, up to want: *n. */
static gz_status live_tf(const msrc *s, const gz_terminfo *ti, uint64_t want, uint64_t *n)
{
    gz_post p;
    gz_status st = gz_post_open(&p, s->seg, ti);
    while (st == GZ_OK && p.unit != GZ_POST_END && *n < want) {
        if (new_unit(s, p.unit) != UINT32_MAX)
            *n += p.tf;
        st = gz_post_next(&p);
    }
    gz_post_fini(&p);
    return st == GZ_EOF ? GZ_OK : st;
}

static int cmp_key(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    size_t n = al < bl ? al : bl;
    int c = memcmp(a, b, n);
    return c ? c : (al > bl) - (al < bl);
}

/* Moves source s to its next term, past the phrase terms (field 'p': found
 * again from the merged grams). */
static gz_status advance(merge *g, msrc *s)
{
    int rc;
    while ((rc = gz_term_iter_next(&s->it)) == 1 && s->it.term[0] == GZ_FIELD_PHRASE)
        touch(g, IX_TOUCH_TERM);
    touch(g, IX_TOUCH_TERM);
    s->has = rc == 1;
    return rc < 0 ? GZ_CORRUPT : GZ_OK;
}

/* The smallest current term of the sources, or -1 when all are done. */
static ssize_t least(const merge *g)
{
    ssize_t at = -1;
    for (size_t k = 0; k < g->n; k++)
        if (g->src[k].has &&
            (at < 0 || cmp_key(g->src[k].it.term, g->src[k].it.term_len, g->src[at].it.term,
                               g->src[at].it.term_len) < 0))
            at = (ssize_t)k;
    return at;
}

/* The common words: every word (field 'w') with at least IX_PHRASE_MIN
 * live occurrences and grams to match it by, as its 'p' key, each a byte
 * of length then the key, in term order. */
static gz_status common_words(merge *g, gz_buf *out)
{
    gz_status st = GZ_OK;
    char w[1] = {GZ_FIELD_WORD};
    for (size_t k = 0; k < g->n; k++) {
        gz_term_iter_init(&g->src[k].it, g->src[k].seg, w, 1);
        if ((st = advance(g, &g->src[k])) != GZ_OK)
            return st;
    }
    ssize_t at;
    while (st == GZ_OK && (at = least(g)) >= 0 && g->src[at].it.term[0] == GZ_FIELD_WORD) {
        uint8_t key[GZ_TERM_MAX + 1];
        size_t len = g->src[at].it.term_len;
        memcpy(key, g->src[at].it.term, len);
        uint64_t count = 0;
        for (size_t k = 0; k < g->n && st == GZ_OK; k++) {
            msrc *s = &g->src[k];
            if (!s->has || cmp_key(s->it.term, s->it.term_len, key, len) != 0)
                continue;
            st = live_tf(s, &s->it.ti, IX_PHRASE_MIN, &count);
            if (st == GZ_OK)
                st = advance(g, s);
        }
        char gk[GZ_TERM_MAX][IX_GRAM_KEY];
        size_t gl[GZ_TERM_MAX];
        if (st == GZ_OK && count >= IX_PHRASE_MIN && ix_word_grams((const char *)key, len, gk, gl)) {
            key[0] = GZ_FIELD_PHRASE;
            gz_buf_putc(out, (char)len);
            gz_buf_put(out, key, len);
        }
    }
    if (st == GZ_OK && out->status != GZ_OK)
        st = GZ_NOMEM;
    return st;
}

/* Whether term ti of source s has an occurrence in a live unit. */
static gz_status any_live(const msrc *s, const gz_terminfo *ti, int *yes)
{
    uint64_t n = 0;
    gz_status st = s->unit_map ? live_tf(s, ti, 1, &n) : GZ_OK;
    *yes = s->unit_map ? n > 0 : 1;
    return st;
}

static int has_pos(const uint32_t *pos, uint32_t n, uint32_t want)
{
    size_t lo = gz_lower_u32(pos, 0, n, want);
    return lo < n && pos[lo] == want;
}

/* The exact matches of a common word (its 'p' key) in source s: each live
 * unit where its grams gk[0..ng) occur at consecutive positions, once per
 * match, to the encoder. */
static gz_status source_matches(merge *g, msrc *s, const gz_terminfo *ti, size_t ng)
{
    gz_post c[GZ_TERM_MAX];
    size_t open = 0;
    gz_status st = GZ_OK;
    for (; open < ng && st == GZ_OK; open++) {
        st = gz_post_open(&c[open], s->seg, &ti[open]);
        touch(g, ti[open].len);
    }
    /* positions of grams 1.. of the current unit: copied, as each cursor's
     * are valid only until it moves */
    uint32_t *pos[GZ_TERM_MAX] = {0}, npos[GZ_TERM_MAX];
    size_t cap[GZ_TERM_MAX] = {0};
    while (st == GZ_OK && c[0].unit != GZ_POST_END) {
        uint32_t u = c[0].unit, nu = new_unit(s, u);
        size_t j = 1;
        for (; nu != UINT32_MAX && j < ng && st == GZ_OK; j++) {
            if (c[j].unit < u && (st = gz_post_seek(&c[j], u)) == GZ_EOF)
                st = GZ_OK;
            if (st != GZ_OK || c[j].unit != u)
                break;
            const uint32_t *p, *sp;
            uint32_t n;
            if ((st = gz_post_positions(&c[j], &p, &sp, &n)) != GZ_OK)
                break;
            size_t want = n + 1;
            if (gz_grow(&pos[j], &cap[j], want, sizeof *pos[j], 64) != GZ_OK) {
                st = GZ_NOMEM;
                break;
            }
            memcpy(pos[j], p, n * sizeof *p);
            npos[j] = n;
        }
        if (st == GZ_OK && nu != UINT32_MAX && j == ng) {
            const uint32_t *p0, *sp;
            uint32_t n0;
            st = gz_post_positions(&c[0], &p0, &sp, &n0);
            for (uint32_t i = 0; i < n0 && st == GZ_OK; i++) {
                size_t k = 1;
                while (k < ng && has_pos(pos[k], npos[k], p0[i] + (uint32_t)k))
                    k++;
                if (k == ng) {
                    ix_postenc_occ(&g->enc, nu, unit_len(g, s, u, 1), gz_bit(s->first, u), 0, 1);
                    st = g->enc.status;
                }
            }
        }
        if (st == GZ_OK && (st = gz_post_next(&c[0])) == GZ_EOF)
            st = GZ_OK;
    }
    for (size_t j = 0; j < open; j++)
        gz_post_fini(&c[j]);
    for (size_t j = 0; j < ng; j++)
        gz_free(pos[j]);
    return st;
}

/* A common word's 'p' term, as a flush makes it: there if every one of its
 * grams is (has a live occurrence), with the units of its exact matches.
 * *there: whether to write it; with feed, its matches to the encoder. */
static gz_status phrase(merge *g, const uint8_t *key, size_t len, int feed, int *there)
{
    char w[GZ_TERM_MAX + 1];
    memcpy(w, key, len);
    w[0] = GZ_FIELD_WORD;
    char gk[GZ_TERM_MAX][IX_GRAM_KEY];
    size_t gl[GZ_TERM_MAX];
    size_t ng = ix_word_grams(w, len, gk, gl);
    gz_status st = GZ_OK;
    unsigned char seen[GZ_TERM_MAX] = {0};
    gz_terminfo *ti = gz_alloc((ng + 1) * sizeof *ti);
    if (!ti)
        return GZ_NOMEM;
    for (size_t k = 0; k < g->n && st == GZ_OK; k++) {
        msrc *s = &g->src[k];
        size_t found = 0;
        for (size_t j = 0; j < ng && st == GZ_OK; j++) {
            int hit = 0;
            st = gz_segment_term(s->seg, gk[j], gl[j], &hit, &ti[j]);
            touch(g, IX_TOUCH_TERM);
            if (st != GZ_OK || !hit)
                continue;
            found++;
            int live = 1;
            if (!feed && !seen[j] && (st = any_live(s, &ti[j], &live)) == GZ_OK && live)
                seen[j] = 1;
        }
        if (st == GZ_OK && found == ng && feed)
            st = source_matches(g, s, ti, ng);
    }
    *there = 1;
    for (size_t j = 0; j < ng; j++)
        *there &= seen[j];
    gz_free(ti);
    return st;
}

/* Reads the merged text's bytes [off, off + n): the live documents' texts
 * in order, decompressed from their sources. */
static gz_status merged_text(void *ctx, uint64_t off, char *dst, size_t n)
{
    merge *g = ctx;
    if (off < g->cur_start) {
        g->cur = 0;
        g->cur_start = 0;
    }
    gz_status st = GZ_OK;
    while (n && st == GZ_OK) {
        if (g->cur >= g->n_docs)
            return GZ_CORRUPT;
        const msrc *s = &g->src[g->docs[g->cur][0]];
        gz_docinfo di;
        if ((st = gz_segment_doc(s->seg, g->docs[g->cur][1], &di)) != GZ_OK)
            break;
        touch(g, IX_TOUCH_DOC);
        if (off >= g->cur_start + di.text_len) {
            g->cur_start += di.text_len;
            g->cur++;
            continue;
        }
        uint32_t a = (uint32_t)(off - g->cur_start);
        uint32_t z = di.text_len - a < n ? di.text_len : a + (uint32_t)n;
        st = gz_segment_text_range(s->seg, g->docs[g->cur][1], a, z, &g->text, &g->tctx);
        if (st == GZ_OK && g->text.len != z - a)
            st = GZ_CORRUPT;
        if (st == GZ_OK) {
            memcpy(dst, g->text.data, z - a);
            dst += z - a;
            off += z - a;
            n -= z - a;
            touch(g, z - a > IX_TOUCH_FAULT ? z - a : IX_TOUCH_FAULT);
        }
    }
    return st;
}

/* The hashes of source k's live documents' units, to w in order. */
static gz_status hashes_pass(merge *g, size_t k, const gz_man_segment *gs, gz_segw *w)
{
    msrc *s = &g->src[k];
    for (uint32_t d = 0; d < gs->n_docs; d++) {
        if (gz_bit(s->del, d))
            continue;
        gz_docinfo di;
        gz_status st = gz_segment_doc(s->seg, d, &di);
        if (st != GZ_OK)
            return st;
        touch(g, IX_TOUCH_DOC);
        for (uint32_t u = di.first_unit; u < di.first_unit + di.n_units; u++) {
            uint8_t h[4];
            gz_put32(h, gz_segment_unit_hash(s->seg, u));
            gz_segw_put(w, h, 4);
        }
    }
    return GZ_OK;
}

/* The units of source s's live documents (the tables pass: walk 0; the
 * writing pass: walk 1, each record packed into u). */
static gz_status units_pass(merge *g, size_t k, const gz_man_segment *gs, uint32_t *new_doc, int walk,
                            gz_unitw *uw)
{
    msrc *s = &g->src[k];
    gz_status st = GZ_OK;
    for (uint32_t d = 0; d < gs->n_docs && st == GZ_OK; d++) {
        if (gz_bit(s->del, d))
            continue;
        gz_docinfo di;
        if ((st = gz_segment_doc(s->seg, d, &di)) != GZ_OK)
            break;
        touch(g, IX_TOUCH_DOC);
        if (walk == 0) {
            if (di.n_units)
                s->first[di.first_unit / 8] |= (uint8_t)(1u << (di.first_unit % 8));
            ix_docmeta dm = {di.title, di.docno_raw, di.issuer, di.docno, di.body, di.source, di.issue,
                             di.date, di.year, di.serial, di.kind, di.version_date, di.status};
            ix_memseg_doc(g->ms, &dm, NULL, di.text_len);
            g->docs[g->n_docs][0] = (uint32_t)k;
            g->docs[g->n_docs][1] = d;
            g->n_docs++;
        }
        for (uint32_t u = di.first_unit; u < di.first_unit + di.n_units && st == GZ_OK; u++) {
            gz_unitinfo ui;
            touch_unit(g, s, u);
            touch(g, IX_TOUCH_TERM); /* its label and path */
            if ((st = gz_segment_unit(s->seg, u, &ui)) != GZ_OK)
                break;
            if (ui.end > di.text_len) {
                st = GZ_CORRUPT;
                break;
            }
            ix_unitmeta um = {ui.kind, ui.sub, ui.number, ui.label, ui.path, ui.start, ui.end,
                              ui.page, ui.page_end, ui.hash};
            if (walk == 0) {
                if (s->unit_map)
                    s->unit_map[u] = ix_memseg_n_units(g->ms);
                else if (ix_memseg_n_units(g->ms) != s->base + u)
                    st = GZ_CORRUPT; /* units out of order: not one the flush wrote */
                ix_memseg_unit_as(g->ms, &um, ui.len, ui.words);
            } else {
                uint8_t rec[GZ_UNIT_REC];
                ix_memseg_unit_rec(g->ms, &um, *new_doc, ui.len, ui.words, rec);
                gz_unitw_put(uw, rec);
            }
        }
        *new_doc += 1;
        if (walk == 0 && g->ms->docs.len >= IX_DOCS_PIECE) {
            /* the documents' records so far (their units counted) to the file */
            gz_segw_put(g->w, g->ms->docs.data, g->ms->docs.len);
            g->ms->docs.len = 0;
            g->ms->docs_base = g->ms->n_docs;
        }
        if (st == GZ_OK)
            st = ix_memseg_status(g->ms);
    }
    return st;
}

/* Writes the merged segment to path: every section in a flush's order. */
static gz_status write_merged(merge *g, const gz_manifest *m, const size_t *pos, const char *path,
                              gz_man_segment *out, gz_error *err)
{
    gz_status st = GZ_OK;
    gz_buf buf, common;
    gz_buf_init(&buf);
    gz_buf_init(&common);
    ix_postout post = {0};
    gz_buf_init(&post.buf);
    ix_dictw dict = IX_DICTW_INIT;
    gz_segw *w = g->w; /* META and most of DOCS written by the tables' pass */
    g->w = NULL;
    if ((st = common_words(g, &common)) != GZ_OK || (st = ix_dictw_open(&dict, path, err)) != GZ_OK)
        goto done;
    gz_segw_put(w, g->ms->docs.data, g->ms->docs.len);
    gz_segw_section(w, GZ_SEC_UNITS);
    gz_unitw uw;
    gz_unitw_begin(&uw, g->ms->units_most, &buf);
    uint32_t new_doc = 0;
    for (size_t k = 0; k < g->n && st == GZ_OK; k++) {
        st = units_pass(g, k, &m->seg[pos[k]], &new_doc, 1, &uw);
        gz_segw_put(w, buf.data, buf.len);
        buf.len = 0;
    }
    gz_unitw_end(&uw);
    gz_segw_put(w, buf.data, buf.len);
    buf.len = 0;
    /* the live units' hashes, read from the sources in the same order */
    gz_segw_section(w, GZ_SEC_HASHES);
    for (size_t k = 0; k < g->n && st == GZ_OK; k++)
        st = hashes_pass(g, k, &m->seg[pos[k]], w);
    gz_segw_section(w, GZ_SEC_STRINGS);
    gz_segw_put(w, g->ms->strings.data, g->ms->strings.len);

    /* the postings: the sources' terms in order, merged, and the common
     * words' exact matches among them; each term fed to the encoder as it
     * is read from the sources (twice for a term too large to hold
     * encoded: ix_postenc) */
    gz_segw_section(w, GZ_SEC_POSTINGS);
    for (size_t k = 0; k < g->n && st == GZ_OK; k++) {
        gz_term_iter_init(&g->src[k].it, g->src[k].seg, "", 0);
        st = advance(g, &g->src[k]);
    }
    post.w = w;
    size_t next_common = 0;
    while (st == GZ_OK) {
        ssize_t at = least(g);
        const uint8_t *ck = next_common < common.len ? (const uint8_t *)common.data + next_common + 1 : NULL;
        size_t cl = ck ? (uint8_t)common.data[next_common] : 0;
        if (at < 0 && !ck)
            break;
        uint8_t key[GZ_TERM_MAX + 1];
        size_t len;
        int there = 1;
        int is_phrase = ck && (at < 0 || cmp_key(ck, cl, g->src[at].it.term, g->src[at].it.term_len) < 0);
        if (is_phrase) {
            memcpy(key, ck, cl);
            len = cl;
            next_common += 1 + cl;
            if ((st = phrase(g, key, len, 0, &there)) != GZ_OK || !there)
                continue;
        } else {
            len = g->src[at].it.term_len;
            memcpy(key, g->src[at].it.term, len);
        }
        int nopos = gz_key_nopos((const char *)key);
        uint8_t flags = nopos ? GZ_TERM_NOPOS : 0;
        for (size_t k = is_phrase ? g->n : (size_t)at; k < g->n; k++)
            if (g->src[k].has && cmp_key(g->src[k].it.term, g->src[k].it.term_len, key, len) == 0)
                flags |= nopos ? 0 : g->src[k].it.ti.flags & GZ_TERM_SPANS; /* checked by the encoder */
        uint64_t off = ix_postout_at(&post);
        uint32_t df = 0;
        ix_postenc_begin(&g->enc, flags, g->ms->n_units, &post);
        /* a term only deleted documents held is left behind */
        g->enc.drop_empty = !is_phrase;
        do {
            if (is_phrase)
                st = phrase(g, key, len, 1, &there);
            for (size_t k = is_phrase ? g->n : (size_t)at; k < g->n && st == GZ_OK; k++) {
                msrc *s = &g->src[k];
                if (s->has && cmp_key(s->it.term, s->it.term_len, key, len) == 0)
                    st = carry(g, s, &s->it.ti, nopos);
            }
        } while (st == GZ_OK && ix_postenc_end(&g->enc, &df));
        for (size_t k = is_phrase ? g->n : (size_t)at; k < g->n && st == GZ_OK; k++)
            if (g->src[k].has && cmp_key(g->src[k].it.term, g->src[k].it.term_len, key, len) == 0)
                st = advance(g, &g->src[k]);
        if (st == GZ_OK)
            st = g->enc.status;
        if (st == GZ_OK && (df || is_phrase))
            ix_dictw_add(&dict, (const char *)key, len, df, g->enc.flags, off, ix_postout_at(&post) - off);
    }
    if (st == GZ_OK && post.buf.status != GZ_OK)
        st = GZ_NOMEM;
    gz_segw_put(w, post.buf.data, post.buf.len);
    gz_buf_fini(&post.buf);
    if (st == GZ_OK)
        st = ix_dictw_write(&dict, w);
    uint32_t n_terms = dict.n_terms;
    ix_dictw_fini(&dict);
    if (st == GZ_OK)
        release_all(g); /* the postings' pages and the units tables: the text reads neither */
    if (st == GZ_OK)
        st = ix_write_text(w, g->ms->text_len, merged_text, g);
    if (st == GZ_OK) {
        uint8_t meta[GZ_META_LEN];
        ix_meta(g->ms, n_terms, meta);
        gz_segw_patch(w, GZ_SEC_META, 0, meta, sizeof meta);
        st = ix_segw_done(w, g->ms, out, err);
        w = NULL;
    }
done:
    if (w)
        gz_segw_abort(w);
    gz_buf_fini(&buf);
    gz_buf_fini(&common);
    gz_buf_fini(&post.buf);
    ix_dictw_fini(&dict);
    return st;
}

/* A merge written and not yet applied to the state: the new segment, the
 * ids of the segments it replaces and their documents' new numbers. */
typedef struct merge_done {
    gz_man_segment out;
    uint32_t new_id;
    size_t n;
    uint32_t *ids;    /* the merged segments' ids */
    uint32_t **remap; /* per merged segment: old document -> new, UINT32_MAX: deleted */
} merge_done;

static void merge_done_fini(merge_done *d)
{
    for (size_t k = 0; d->remap && k < d->n; k++)
        gz_free(d->remap[k]);
    gz_free(d->remap);
    gz_free(d->ids);
    memset(d, 0, sizeof *d);
}

/* Writes the merge of the segments at pos[0..n) of s as segment new_id,
 * reading s only (two merges of disjoint segments may write at once). */
static gz_status merge_write(const char *dir, const ix_state *s, const size_t *pos, size_t n, uint32_t new_id,
                             merge_done *done, gz_error *err)
{
    const gz_manifest *m = s->man;
    memset(done, 0, sizeof *done);
    merge g = {0};
    g.n = n;
    g.ms = ix_memseg_open(new_id);
    g.src = gz_calloc(n + 1, sizeof *g.src);
    uint32_t **remap = gz_calloc(n + 1, sizeof *remap);
    g.mapped_base = mapped_bytes();
    gz_buf_init(&g.text);
    gz_status st = g.ms && g.src && remap ? GZ_OK : GZ_NOMEM;
    size_t docs = 0;
    for (size_t k = 0; k < n; k++)
        docs += m->seg[pos[k]].n_docs;
    if (st == GZ_OK && !(g.docs = gz_alloc((docs + 1) * sizeof *g.docs)))
        st = GZ_NOMEM;
    if (st == GZ_OK)
        g.ms->stream_units = 1;
    /* the sources, all open first: one that does not open stops the merge
     * before any work */
    char path[4200] = "";
    for (size_t k = 0; k < n && st == GZ_OK; k++) {
        gz_path_segment(path, sizeof path, dir, m->seg[pos[k]].id);
        st = gz_segment_open(path, &g.src[k].seg, err);
    }
    /* the merged segment's file: META now, its counts patched at the end,
     * and DOCS as the tables' pass makes the records */
    char out_path[4200];
    gz_path_segment(out_path, sizeof out_path, dir, new_id);
    if (st == GZ_OK && (st = gz_segw_open(&g.w, out_path, err)) == GZ_OK) {
        ix_put_meta(g.w, g.ms, 0);
        gz_segw_section(g.w, GZ_SEC_DOCS);
    }
    size_t lens_budget = IX_LENS_MAX;
    /* the tables: documents, strings, units' widths; the old documents'
     * and units' new numbers */
    for (size_t k = 0; k < n && st == GZ_OK; k++) {
        const gz_man_segment *gs = &m->seg[pos[k]];
        msrc *src = &g.src[k];
        gz_path_segment(path, sizeof path, dir, gs->id);
        src->del = s->deleted[pos[k]];
        src->windows_len = ((size_t)(gs->n_units >> IX_UNIT_WINDOW_BITS) + 8) / 8;
        if (!(src->windows = gz_calloc(src->windows_len, 1)) ||
            !(src->first = gz_calloc(((size_t)gs->n_units + 8) / 8, 1))) {
            st = GZ_NOMEM;
            break;
        }
        src->base = ix_memseg_n_units(g.ms);
        remap[k] = gz_alloc(((size_t)gs->n_docs + 1) * sizeof **remap);
        if (src->del && (src->unit_map = gz_alloc(((size_t)gs->n_units + 1) * sizeof *src->unit_map)))
            for (uint32_t u = 0; u < gs->n_units; u++)
                src->unit_map[u] = UINT32_MAX;
        if (!remap[k] || (src->del && !src->unit_map)) {
            st = GZ_NOMEM;
            break;
        }
        uint32_t first = (uint32_t)g.n_docs;
        for (uint32_t d = 0; d < gs->n_docs; d++)
            remap[k][d] = gz_bit(src->del, d) ? UINT32_MAX : first++;
        uint32_t new_doc = 0;
        st = units_pass(&g, k, gs, &new_doc, 0, NULL);
        if (st == GZ_OK && !src->unit_map && ix_memseg_n_units(g.ms) != src->base + gs->n_units)
            st = GZ_CORRUPT;
        if (st == GZ_OK)
            st = lens_copy(src, gs->n_units, &lens_budget);
    }
    if (st == GZ_OK)
        st = ix_memseg_status(g.ms);
    gz_man_segment out = {0};
    if (st == GZ_OK) {
        snprintf(path, sizeof path, "%s", out_path);
        st = write_merged(&g, m, pos, path, &out, err);
    }
    if (g.w)
        gz_segw_abort(g.w);
    if (st != GZ_OK && st != GZ_NOMEM && err && !err->msg[0])
        gz_error_set(err, st, -1, "[indexer][merge] %s: %s", path, gz_status_str(st));
    done->n = n;
    done->new_id = new_id;
    done->out = out;
    done->remap = remap;
    if (st == GZ_OK && !(done->ids = gz_alloc((n + 1) * sizeof *done->ids)))
        st = GZ_NOMEM;
    for (size_t k = 0; st == GZ_OK && k < n; k++)
        done->ids[k] = m->seg[pos[k]].id;
    for (size_t k = 0; g.src && k < n; k++) {
        gz_segment_close(g.src[k].seg);
        gz_free(g.src[k].unit_map);
        gz_free(g.src[k].windows);
        gz_free(g.src[k].first);
        gz_free(g.src[k].len16);
        gz_free(g.src[k].words16);
    }
    gz_free(g.src);
    gz_free(g.docs);
    ix_postenc_fini(&g.enc);
    gz_buf_fini(&g.text);
    gz_textctx_close(g.tctx);
    ix_memseg_close(g.ms);
    if (st == GZ_NOMEM)
        gz_error_set(err, st, -1, "[indexer][merge] out of memory");
    return st;
}

/* Applies a merge written by merge_write to s: the new segment joins at
 * the end, the merged ones leave (found by id: another merge applied
 * first moves their places). */
static gz_status merge_apply(ix_state *s, const merge_done *d)
{
    gz_manifest *m = s->man;
    unsigned char *gone = gz_calloc(m->n_seg + 1, 1);
    if (!gone || ix_state_add(s, &d->out) != GZ_OK) {
        gz_free(gone);
        return GZ_NOMEM;
    }
    /* the sources of the merged segments now point into the new one (a
     * source of no documents too: it must not name a segment that is gone) */
    for (size_t i = 0; i < m->n_src; i++)
        for (size_t k = 0; k < d->n; k++)
            if (m->src[i].segment == d->ids[k]) {
                m->src[i].segment = d->new_id;
                m->src[i].first_doc = m->src[i].n_docs ? d->remap[k][m->src[i].first_doc] : 0;
                break;
            }
    for (size_t i = 0; i < m->n_seg; i++)
        for (size_t k = 0; k < d->n; k++)
            if (m->seg[i].id == d->ids[k])
                gone[i] = 1;
    ix_state_drop(s, gone);
    gz_free(gone);
    return GZ_OK;
}

gz_status ix_merge(const char *dir, ix_state *s, const size_t *pos, size_t n, uint32_t new_id, gz_error *err)
{
    merge_done d;
    gz_status st = merge_write(dir, s, pos, n, new_id, &d, err);
    if (st == GZ_OK && (st = merge_apply(s, &d)) == GZ_NOMEM)
        gz_error_set(err, st, -1, "[indexer][merge] out of memory");
    merge_done_fini(&d);
    return st;
}

/* A second merge written on another thread while the first is written on
 * this one. */
typedef struct merge_job {
    const char *dir;
    const ix_state *s;
    const size_t *pos;
    size_t n;
    uint32_t new_id;
    merge_done done;
    gz_error err;
    gz_status st;
} merge_job;

static void *merge_job_run(void *arg)
{
    merge_job *j = arg;
    j->st = merge_write(j->dir, j->s, j->pos, j->n, j->new_id, &j->done, &j->err);
    return NULL;
}

/* Two merges of disjoint segments at once (one a core), applied in
 * order: the same segments, ids and bytes as one after the other. */
static gz_status merge_two(const char *dir, ix_state *s, const size_t *a, size_t na, const size_t *b, size_t nb,
                           gz_error *err)
{
    gz_manifest *m = s->man;
    merge_job j = {.dir = dir, .s = s, .pos = b, .n = nb};
    ix_merges_at_once++;
    uint32_t id_a = m->next_segment_id++;
    j.new_id = m->next_segment_id++;
    pthread_t t;
    int threaded = pthread_create(&t, NULL, merge_job_run, &j) == 0;
    merge_done da;
    gz_status st = merge_write(dir, s, a, na, id_a, &da, err);
    if (threaded)
        pthread_join(t, NULL);
    else
        merge_job_run(&j);
    if (st == GZ_OK)
        st = merge_apply(s, &da);
    if (st == GZ_OK && (st = j.st) != GZ_OK && err)
        *err = j.err;
    if (st == GZ_OK)
        st = merge_apply(s, &j.done);
    if (st == GZ_NOMEM && err && !err->msg[0])
        gz_error_set(err, st, -1, "[indexer][merge] out of memory");
    merge_done_fini(&da);
    merge_done_fini(&j.done);
    return st;
}

/* A tier with this many segments is merged; more than IX_MAX_SEGMENTS in
 * all merges the smallest. One bulk run writes a segment per memory budget
 * and worker, so these leave a first build alone. */
#define IX_TIER_MERGE 8
#define IX_MAX_SEGMENTS 24

size_t ix_tier_merge = IX_TIER_MERGE;
int ix_merge_parallel = 1;
size_t ix_merges_at_once;

static unsigned tier(uint64_t bytes)
{
    unsigned t = 0;
    for (uint64_t b = bytes >> 20; b >= 4; b >>= 2)
        t++;
    return t;
}

gz_status ix_merge_policy(const char *dir, ix_state *s, size_t *merged, gz_error *err)
{
    for (int round = 0; round < 8;) { /* at most 8 merges a run */
        gz_manifest *m = s->man;
        size_t pick[16], n = 0;
        for (unsigned t = 0; t < 32 && n < ix_tier_merge; t++) {
            n = 0;
            for (size_t i = 0; i < m->n_seg && n < ix_tier_merge + 2; i++)
                if (tier(m->seg[i].bytes) == t)
                    pick[n++] = i;
        }
        if (n < ix_tier_merge && m->n_seg > IX_MAX_SEGMENTS) {
            /* too many segments across tiers: merge the smallest ones */
            n = 0;
            for (size_t i = 0; i < m->n_seg && n < 4; i++)
                if (tier(m->seg[i].bytes) <= 1)
                    pick[n++] = i;
        }
        if (n < 2 || (n < ix_tier_merge && m->n_seg <= IX_MAX_SEGMENTS))
            return GZ_OK;
        /* the next segments of the same tier, when they make a whole merge
         * too: written at the same time (the round after would pick them,
         * and only them: the first merge's segment joins after them) */
        size_t pick2[16], n2 = 0;
        if (n >= ix_tier_merge && ix_merge_parallel && round < 7)
            for (size_t i = pick[n - 1] + 1; i < m->n_seg && n2 < ix_tier_merge + 2; i++)
                if (tier(m->seg[i].bytes) == tier(m->seg[pick[0]].bytes))
                    pick2[n2++] = i;
        if (n2 < ix_tier_merge + 2)
            n2 = 0;
        gz_status st = n2 ? merge_two(dir, s, pick, n, pick2, n2, err)
                          : ix_merge(dir, s, pick, n, m->next_segment_id++, err);
        if (st != GZ_OK)
            return st;
        *merged += n + n2;
        round += n2 ? 2 : 1;
    }
    return GZ_OK;
}
