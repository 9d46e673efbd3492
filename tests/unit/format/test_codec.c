/* Codecs of the on-disk format: varints, bit packing and whole postings
 * lists round-trip at block boundaries and on seeded random data; a
 * corrupted byte anywhere in a segment is reported, never a crash. */
#include "format/format.h"
#include "indexer/memseg.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <unistd.h>

Test(codec, varint_roundtrips_boundaries)
{
    const uint64_t v[] = {0, 127, 128, 16383, 16384, UINT32_MAX, UINT64_MAX};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint8_t buf[GZ_VARINT_MAX];
        const uint8_t *end = buf + gz_varint_put(buf, v[i]), *p = buf;
        uint64_t got;
        cr_assert_eq(gz_varint_get(&p, end, &got), GZ_OK);
        cr_assert(p == end && got == v[i]);
        const uint8_t *q = buf;
        cr_assert_eq(gz_varint_get(&q, end - 1, &got), GZ_CORRUPT, "a varint missing its last byte is corrupt");
    }
}

static uint64_t rng = 88172645463325252ull;
static uint32_t next32(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)rng;
}

Test(codec, pack_roundtrips_at_block_boundaries)
{
    const size_t lens[] = {0, 1, 2, 7, 8, 9, GZ_BLOCK - 1, GZ_BLOCK};
    for (unsigned width = 0; width <= 32; width++)
        for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
            uint32_t v[GZ_BLOCK], got[GZ_BLOCK];
            size_t n = lens[li];
            for (size_t i = 0; i < n; i++)
                v[i] = width == 32 ? next32() : width ? next32() & ((1u << width) - 1) : 0;
            gz_buf b;
            gz_buf_init(&b);
            gz_pack(&b, v, n);
            gz_reader r = {(const uint8_t *)b.data, (const uint8_t *)b.data + b.len, GZ_OK};
            cr_assert_eq(gz_unpack(&r, got, n), GZ_OK);
            cr_assert(r.p == r.end, "width %u n %zu: %zu bytes left", width, n, (size_t)(r.end - r.p));
            cr_assert(n == 0 || memcmp(v, got, n * sizeof *v) == 0, "width %u n %zu", width, n);
            /* followed by more bytes (as inside a block): the same values,
             * and the reader stops at the run's end */
            size_t packed = b.len;
            gz_buf_put(&b, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 12);
            gz_reader t = {(const uint8_t *)b.data, (const uint8_t *)b.data + b.len, GZ_OK};
            memset(got, 0xAB, sizeof got);
            cr_assert_eq(gz_unpack(&t, got, n), GZ_OK);
            cr_assert(t.p == (const uint8_t *)b.data + packed, "width %u n %zu: stopped elsewhere", width, n);
            cr_assert(n == 0 || memcmp(v, got, n * sizeof *v) == 0, "width %u n %zu, bytes after", width, n);
            b.len = packed;
            /* one byte short is corrupt */
            if (b.len > 1) {
                gz_reader s = {(const uint8_t *)b.data, (const uint8_t *)b.data + b.len - 1, GZ_OK};
                cr_assert_eq(gz_unpack(&s, got, n), GZ_CORRUPT);
            }
            gz_buf_fini(&b);
        }
}

/* Patched runs: lists of every base width with 0 to 9 outliers of up to 32
 * bits, at the block's lengths, come back exactly and the reader stops at
 * the run's end; a list with one outlier packs smaller than a plain run;
 * a run one byte short, an exception index past n, or high bits that
 * would pass 32 bits are corrupt. */
Test(codec, patched_runs_roundtrip_with_outliers)
{
    const size_t lens[] = {0, 1, 2, 7, 8, 9, GZ_BLOCK - 1, GZ_BLOCK};
    size_t patched = 0;
    for (unsigned width = 0; width <= 32; width += 4)
        for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++)
            for (unsigned outliers = 0; outliers < 10; outliers += 3) {
                uint32_t v[GZ_BLOCK], got[GZ_BLOCK];
                size_t n = lens[li];
                for (size_t i = 0; i < n; i++)
                    v[i] = width == 32 ? next32() : width ? next32() & ((1u << width) - 1) : 0;
                for (unsigned k = 0; k < outliers && n; k++)
                    v[next32() % n] = next32() | 1u << 31;
                gz_buf b;
                gz_buf_init(&b);
                gz_pack_patched(&b, v, n);
                patched += b.len && ((uint8_t)b.data[0] & GZ_PATCHED);
                gz_buf_put(&b, "\xff\xff\xff\xff\xff\xff\xff\xff", 8);
                gz_reader r = {(const uint8_t *)b.data, (const uint8_t *)b.data + b.len, GZ_OK};
                cr_assert_eq(gz_unpack_patched(&r, got, n), GZ_OK, "width %u n %zu outliers %u", width, n, outliers);
                cr_assert_eq((size_t)(r.end - r.p), 8, "width %u n %zu: stopped elsewhere", width, n);
                cr_assert(n == 0 || memcmp(v, got, n * sizeof *v) == 0, "width %u n %zu outliers %u", width, n,
                          outliers);
                gz_reader t = {(const uint8_t *)b.data, (const uint8_t *)b.data + b.len - 9, GZ_OK};
                if (b.len > 9)
                    cr_assert_eq(gz_unpack_patched(&t, got, n), GZ_CORRUPT, "one byte short");
                gz_buf_fini(&b);
            }
    cr_assert_gt(patched, 10, "outliers were patched, not widened");
    /* one outlier among small values: smaller than the plain run */
    uint32_t v[GZ_BLOCK];
    for (size_t i = 0; i < GZ_BLOCK; i++)
        v[i] = (uint32_t)(i % 3);
    v[77] = 1000000;
    gz_buf a, b;
    gz_buf_init(&a);
    gz_buf_init(&b);
    gz_pack(&a, v, GZ_BLOCK);
    gz_pack_patched(&b, v, GZ_BLOCK);
    cr_assert_lt(b.len, a.len / 4);
    /* corrupt exceptions: an index past n, high bits past 32 */
    uint32_t got[GZ_BLOCK];
    uint8_t *q = (uint8_t *)b.data;
    size_t at = 1 + (GZ_BLOCK * 2 + 7) / 8; /* width 2: the exception count */
    cr_assert_eq(q[0], 2 | GZ_PATCHED);
    cr_assert_eq(q[at], 1);
    q[at + 1] = GZ_BLOCK;
    gz_reader r = {q, q + b.len, GZ_OK};
    cr_assert_eq(gz_unpack_patched(&r, got, GZ_BLOCK), GZ_CORRUPT, "an index past n");
    q[at + 1] = 77;
    gz_buf c;
    gz_buf_init(&c);
    gz_buf_put(&c, q, at + 2);
    uint32_t high = 1u << 31; /* << 2 passes 32 bits */
    gz_pack(&c, &high, 1);
    gz_reader s = {(const uint8_t *)c.data, (const uint8_t *)c.data + c.len, GZ_OK};
    cr_assert_eq(gz_unpack_patched(&s, got, GZ_BLOCK), GZ_CORRUPT, "high bits past 32");
    gz_buf_fini(&a);
    gz_buf_fini(&b);
    gz_buf_fini(&c);
}

/* Rare terms as bits (gz_rare_pack): every count of units up to
 * GZ_SMALL_DF, over segments of just those units up to 2^32 - 1, tfs up
 * to 2^24, positions of every width to 32 bits, spans, and no positions;
 * each comes back exactly, using every byte; a byte short, a byte more
 * or a padding bit set is corrupt. One unit, tf 1, a position under 128
 * in 100000 units takes 4 bytes. */
Test(codec, rare_terms_as_bits_roundtrip)
{
    const uint32_t counts[] = {1, 2, 3, GZ_SMALL_DF - 1, GZ_SMALL_DF};
    const uint32_t spaces[] = {0, 1, 700, 1u << 31, UINT32_MAX}; /* n_units: count + this */
    const unsigned widths[] = {0, 1, 7, 31, 32};
    const uint8_t flags[] = {0, GZ_TERM_SPANS, GZ_TERM_NOPOS};
    size_t cases = 0, padded = 0;
    for (size_t ci = 0; ci < 5; ci++)
        for (size_t si = 0; si < 5; si++)
            for (size_t wi = 0; wi < 5; wi++)
                for (size_t fi = 0; fi < 3; fi++) {
                    uint32_t n = counts[ci];
                    uint32_t n_units = spaces[si] > UINT32_MAX - n ? UINT32_MAX : n + spaces[si];
                    uint32_t units[GZ_SMALL_DF], tfs[GZ_SMALL_DF], total = 0;
                    /* n distinct rising units below n_units */
                    uint64_t room = (uint64_t)n_units - n, at = 0;
                    for (uint32_t i = 0; i < n; i++) {
                        uint64_t skip = room ? next32() % (room / n + 1) : 0;
                        room -= skip;
                        at += skip;
                        units[i] = (uint32_t)at++;
                    }
                    if (si == 4)
                        units[n - 1] = UINT32_MAX - 1; /* the last unit there is */
                    for (uint32_t i = 0; i < n; i++) {
                        uint32_t r = next32() % 8;
                        tfs[i] = (flags[fi] & GZ_TERM_NOPOS) && i == 0 ? 1u << 24 : r < 5 ? 1 : r < 7 ? 2 : 300;
                        total += tfs[i];
                    }
                    uint32_t *pos = calloc(total + 1, sizeof *pos), *span = calloc(total + 1, sizeof *span);
                    uint32_t *got_pos = calloc(total + 1, sizeof *pos), *got_span = calloc(total + 1, sizeof *span);
                    if (!(flags[fi] & GZ_TERM_NOPOS)) {
                        uint32_t k = 0;
                        for (uint32_t i = 0; i < n; i++) {
                            uint32_t p0 = 0;
                            for (uint32_t j = 0; j < tfs[i]; j++, k++) {
                                uint32_t cap = widths[wi] == 32 ? UINT32_MAX : (1u << widths[wi]) - 1;
                                p0 += cap ? (uint32_t)(next32() % ((uint64_t)cap / tfs[i] + 1)) : 0;
                                pos[k] = j + 1 == tfs[i] && i == 0 ? cap : p0; /* the width is reached */
                                if (j + 1 == tfs[i] && i == 0)
                                    p0 = cap;
                                span[k] = flags[fi] & GZ_TERM_SPANS ? (j % 5 ? 1 + next32() % 7 : next32() | 1) : 1;
                            }
                        }
                    }
                    gz_buf b;
                    gz_buf_init(&b);
                    gz_rare_pack(&b, n_units, units, tfs, n, pos, span, flags[fi]);
                    cr_assert_gt(b.len, 0);
                    uint32_t gu[GZ_SMALL_DF], gt[GZ_SMALL_DF];
                    const uint8_t *d = (const uint8_t *)b.data;
                    gz_bitr r = {d, d + b.len, 0, 0, GZ_OK};
                    cr_assert_eq(gz_rare_unpack_units(&r, n_units, n, gu, gt), GZ_OK, "n %u units %u", n, n_units);
                    cr_assert(memcmp(units, gu, n * sizeof *gu) == 0, "n %u units %u: units", n, n_units);
                    cr_assert(memcmp(tfs, gt, n * sizeof *gt) == 0, "n %u units %u: tfs", n, n_units);
                    cr_assert_eq(gz_rare_unpack_pos(&r, total, flags[fi], got_pos, got_span), GZ_OK,
                                 "n %u width %u flags %u", n, widths[wi], flags[fi]);
                    if (!(flags[fi] & GZ_TERM_NOPOS)) {
                        cr_assert(memcmp(pos, got_pos, total * sizeof *pos) == 0, "n %u width %u: positions", n,
                                  widths[wi]);
                        cr_assert(memcmp(span, got_span, total * sizeof *span) == 0, "n %u: spans", n);
                    }
                    /* a byte short, a byte more */
                    gz_bitr s = {d, d + b.len - 1, 0, 0, GZ_OK};
                    gz_status a = gz_rare_unpack_units(&s, n_units, n, gu, gt);
                    if (a == GZ_OK)
                        a = gz_rare_unpack_pos(&s, total, flags[fi], got_pos, got_span);
                    cr_assert_eq(a, GZ_CORRUPT, "a byte short");
                    gz_buf_putc(&b, 0);
                    d = (const uint8_t *)b.data;
                    gz_bitr t = {d, d + b.len, 0, 0, GZ_OK};
                    cr_assert_eq(gz_rare_unpack_units(&t, n_units, n, gu, gt), GZ_OK);
                    cr_assert_eq(gz_rare_unpack_pos(&t, total, flags[fi], got_pos, got_span), GZ_CORRUPT,
                                 "a byte more");
                    b.len--;
                    /* the padding's top bit, when there is padding */
                    uint8_t last = (uint8_t)b.data[b.len - 1];
                    b.data[b.len - 1] = (char)(last | 0x80);
                    gz_bitr u = {d, d + b.len, 0, 0, GZ_OK};
                    a = gz_rare_unpack_units(&u, n_units, n, gu, gt);
                    if (a == GZ_OK)
                        a = gz_rare_unpack_pos(&u, total, flags[fi], got_pos, got_span);
                    if (r.n > 0) { /* bits were left in the last byte: padding */
                        cr_assert_eq(a, GZ_CORRUPT, "a padding bit set");
                        padded++;
                    }
                    gz_buf_fini(&b);
                    free(pos);
                    free(span);
                    free(got_pos);
                    free(got_span);
                    cases++;
                }
    cr_assert_eq(cases, 375);
    cr_assert_gt(padded, 50);
    /* the common rare posting */
    uint32_t unit = 61234, tf = 1, pos = 97, span = 1;
    gz_buf b;
    gz_buf_init(&b);
    gz_rare_pack(&b, 100000, &unit, &tf, 1, &pos, &span, 0);
    cr_assert_leq(b.len, 4);
    gz_buf_fini(&b);
}

/* A segment whose term "t<df>" occurs in df units (df across the small and
 * block encodings and their boundaries), with random positions and spans. */
#define N_UNITS 700
static const uint32_t dfs[] = {1, 2, GZ_SMALL_DF, GZ_SMALL_DF + 1, GZ_BLOCK - 1, GZ_BLOCK, GZ_BLOCK + 1, 300, N_UNITS};

typedef struct occur {
    uint32_t unit, pos, span;
} occur;

/* Checks the cursor's current unit's occurrences against exp[*k..],
 * moving *k past them; returns the unit's tf. */
static uint32_t check_unit(gz_post *p, const occur *exp, size_t n_exp, size_t *k, uint32_t df)
{
    const uint32_t *pos, *span;
    uint32_t n;
    cr_assert_eq(gz_post_positions(p, &pos, &span, &n), GZ_OK);
    for (uint32_t i = 0; i < n; i++, ++*k) {
        cr_assert_lt(*k, n_exp);
        cr_assert_eq(p->unit, exp[*k].unit, "df %u: unit", df);
        cr_assert_eq(pos[i], exp[*k].pos, "df %u unit %u: position", df, p->unit);
        cr_assert_eq(span[i], exp[*k].span, "df %u: span", df);
    }
    return n;
}

#define DOC_UNITS 150

Test(codec, postings_roundtrip_through_a_segment_file)
{
    char dir[] = "/tmp/gz-codec-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    ix_memseg *m = ix_memseg_open(1);
    ix_docmeta dm = {.title = "t", .source = "s"};
    ix_memseg_doc(m, &dm, "x", 1);
    /* expected occurrences per term, built unit by unit */
    size_t n_terms = sizeof dfs / sizeof dfs[0];
    occur *exp[16];
    size_t n_exp[16] = {0};
    for (size_t t = 0; t < n_terms; t++)
        exp[t] = malloc(sizeof(occur) * N_UNITS * 4);
    for (uint32_t u = 0; u < N_UNITS; u++) {
        an_token tok[64];
        size_t n = 0;
        char names[16][16];
        for (size_t t = 0; t < n_terms; t++) {
            /* the first dfs[t] units of a stride through all units */
            uint32_t stride = N_UNITS / dfs[t];
            if (u % stride || u / stride >= dfs[t])
                continue;
            snprintf(names[t], sizeof names[t], "t%u", dfs[t]);
            uint32_t tf = 1 + next32() % 3, pos = next32() % 50;
            for (uint32_t k = 0; k < tf; k++) {
                uint32_t span = t % 2 ? 1 + next32() % 4 : 1;
                tok[n++] = (an_token){names[t], (uint32_t)strlen(names[t]), pos, span, 0, 1,
                                      span > 1 ? AN_NUM : AN_GRAM};
                exp[t][n_exp[t]++] = (occur){u, pos, span};
                pos += 1 + next32() % 1000;
            }
        }
        /* tokens sorted by position, as the analyzer gives them */
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && tok[j - 1].pos > tok[j].pos; j--) {
                an_token x = tok[j];
                tok[j] = tok[j - 1];
                tok[j - 1] = x;
            }
        ix_unitmeta um = {.kind = GZ_KIND_PARAGRAPH, .number = -1, .start = 0, .end = 1};
        if (u && u % DOC_UNITS == 0) /* a document begins every DOC_UNITS units */
            ix_memseg_doc(m, &dm, "x", 1);
        ix_memseg_unit(m, &um, tok, n);
    }
    char path[4200];
    gz_path_segment(path, sizeof path, dir, 1);
    gz_man_segment g;
    gz_error err = {0};
    cr_assert_eq(ix_memseg_flush(m, path, &g, &err), GZ_OK, "%s", err.msg);
    ix_memseg_close(m);
    gz_segment *seg;
    cr_assert_eq(gz_segment_open(path, &seg, &err), GZ_OK, "%s", err.msg);
    for (size_t t = 0; t < n_terms; t++) {
        char term[16];
        int tl = snprintf(term, sizeof term, "gt%u", dfs[t]);
        term[0] = GZ_FIELD_GRAM;
        gz_terminfo ti;
        int found;
        cr_assert_eq(gz_segment_term(seg, term, (size_t)tl, &found, &ti), GZ_OK, "term %s", term + 1);
        cr_assert(found, "term %s", term + 1);
        cr_assert_eq(ti.df, dfs[t]);
        gz_post p;
        cr_assert_eq(gz_post_open(&p, seg, &ti), GZ_OK);
        size_t k = 0;
        while (p.unit != GZ_POST_END) {
            uint32_t n = check_unit(&p, exp[t], n_exp[t], &k, dfs[t]);
            /* the block's impacts bound this unit: some pair has a tf at
             * least its tf and a length at most its length */
            gz_unitinfo ui;
            cr_assert_eq(gz_segment_unit(seg, p.unit, &ui), GZ_OK);
            const uint32_t *imp;
            uint32_t n_imp = gz_post_impacts(&p, p.block, &imp), covered = 0;
            cr_assert(n_imp >= 1 && n_imp <= GZ_IMPACTS_MAX);
            for (uint32_t j = 0; j < n_imp; j++)
                covered |= imp[2 * j] >= n && imp[2 * j + 1] <= ui.len;
            cr_assert(covered, "df %u unit %u (tf %u, length %u): no impact covers it", dfs[t], p.unit, n, ui.len);
            /* and they are a front: tf falling, length falling */
            for (uint32_t j = 1; j < n_imp; j++)
                cr_assert(imp[2 * j] < imp[2 * j - 2] && imp[2 * j + 1] < imp[2 * j - 1], "df %u: not a front", dfs[t]);
            /* the block says it holds a document's first unit when one
             * of its units is one, and only then (a rare term's one block
             * says it may) */
            if (p.i == 0) {
                int firsts = 0;
                for (uint32_t j = 0; j < p.n; j++)
                    firsts |= p.units[j] % DOC_UNITS == 0;
                cr_assert_eq(gz_post_block_first(&p, p.block), p.small || firsts,
                             "df %u block %u: holds a first unit: %d", dfs[t], p.block, firsts);
            }
            gz_status st = gz_post_next(&p);
            cr_assert(st == GZ_OK || st == GZ_EOF);
        }
        cr_assert_eq(k, n_exp[t], "df %u: all occurrences read", dfs[t]);
        gz_post_fini(&p);
        /* seek lands on the first unit >= target: steps inside a block
         * short and long, and across blocks */
        static const uint32_t steps[] = {1, 3, 9, 37, 130};
        for (size_t si = 0; si < sizeof steps / sizeof steps[0]; si++) {
            cr_assert_eq(gz_post_open(&p, seg, &ti), GZ_OK);
            for (uint32_t target = 0; target < N_UNITS; target += steps[si]) {
                gz_status st = gz_post_seek(&p, target);
                uint32_t want = GZ_POST_END;
                for (size_t i = 0; i < n_exp[t]; i++)
                    if (exp[t][i].unit >= target) {
                        want = exp[t][i].unit;
                        break;
                    }
                cr_assert_eq(p.unit, want, "df %u seek %u (step %u)", dfs[t], target, steps[si]);
                cr_assert(st == GZ_OK || (st == GZ_EOF && want == GZ_POST_END));
                if (p.unit == GZ_POST_END)
                    break;
            }
            gz_post_fini(&p);
        }
        /* a cursor sharing another's tables, opened while that one is at
         * its start or moved on, reads every occurrence from the first */
        for (int moved = 0; moved < 2; moved++) {
            cr_assert_eq(gz_post_open(&p, seg, &ti), GZ_OK);
            if (moved)
                gz_post_seek(&p, N_UNITS / 2);
            gz_post q;
            cr_assert_eq(gz_post_share(&q, &p), GZ_OK);
            size_t got = 0;
            while (q.unit != GZ_POST_END) {
                check_unit(&q, exp[t], n_exp[t], &got, dfs[t]);
                gz_status st = gz_post_next(&q);
                cr_assert(st == GZ_OK || st == GZ_EOF);
            }
            cr_assert_eq(got, n_exp[t], "shared, df %u: all occurrences read", dfs[t]);
            gz_post_fini(&q);
            gz_post_fini(&p);
        }
        free(exp[t]);
    }
    /* a term the segment lacks: a lookup that succeeds and finds nothing */
    char missing[] = "gt999999";
    missing[0] = GZ_FIELD_GRAM;
    gz_terminfo none = {.df = 12345};
    int found = -1;
    cr_assert_eq(gz_segment_term(seg, missing, strlen(missing), &found, &none), GZ_OK);
    cr_assert_eq(found, 0);
    cr_assert_eq(none.df, 12345, "a term not found leaves *ti as it was");
    gz_segment_close(seg);

    /* every byte flipped in turn (a stride of them): open says corrupt */
    size_t len;
    char *img = th_read(path, &len);
    cr_assert_not_null(img);
    size_t stride = len / 400 + 1, tried = 0;
    for (size_t at = 0; at < len; at += stride, tried++) {
        img[at] ^= 0x5A;
        FILE *f = fopen(path, "wb");
        fwrite(img, 1, len, f);
        fclose(f);
        gz_segment *bad;
        gz_status st = gz_segment_open(path, &bad, &err);
        cr_assert(st == GZ_CORRUPT || st == GZ_VERSION, "flip at %zu: %s", at, gz_status_str(st));
        cr_assert(strstr(err.msg, path), "the message names the file: %s", err.msg);
        img[at] ^= 0x5A;
    }
    /* and every truncation */
    for (size_t cut = 0; cut < len; cut += stride) {
        FILE *f = fopen(path, "wb");
        fwrite(img, 1, cut, f);
        fclose(f);
        gz_segment *bad;
        cr_assert_neq(gz_segment_open(path, &bad, &err), GZ_OK, "truncated at %zu", cut);
    }
    cr_assert_gt(tried, 100);
    free(img);
}

/* Stored text through one decompression context that keeps recent blocks:
 * ranges across blocks, more blocks than it keeps, and two segments read
 * in turn (blocks of the same number in each), all equal to the text. */
Test(codec, stored_text_ranges_through_one_context)
{
    char dir[] = "/tmp/gz-codec-text-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    enum { TEXT = 600000 };
    char *text[2];
    gz_segment *seg[2];
    gz_error err = {0};
    for (int k = 0; k < 2; k++) {
        text[k] = malloc(TEXT);
        for (size_t i = 0; i < TEXT; i++) /* ASCII lines, different in each */
            text[k][i] = i % 61 == 60 ? '\n' : (char)('a' + (next32() + (uint32_t)k) % 26);
        ix_memseg *m = ix_memseg_open((uint32_t)k + 1);
        ix_docmeta dm = {.title = "t", .source = "s"};
        ix_memseg_doc(m, &dm, text[k], TEXT);
        char path[4200];
        gz_path_segment(path, sizeof path, dir, (uint32_t)k + 1);
        gz_man_segment g;
        cr_assert_eq(ix_memseg_flush(m, path, &g, &err), GZ_OK, "%s", err.msg);
        ix_memseg_close(m);
        cr_assert_eq(gz_segment_open(path, &seg[k], &err), GZ_OK, "%s", err.msg);
    }
    gz_textctx *ctx = NULL;
    gz_buf out;
    gz_buf_init(&out);
    for (int i = 0; i < 2000; i++) {
        int k = i % 2;
        uint32_t a = next32() % TEXT, len = next32() % 40000, b = a + len > TEXT ? TEXT : a + len;
        cr_assert_eq(gz_segment_text_range(seg[k], 0, a, b, &out, &ctx), GZ_OK);
        cr_assert_eq(out.len, b - a, "segment %d [%u, %u)", k, a, b);
        cr_assert(memcmp(out.data, text[k] + a, b - a) == 0, "segment %d [%u, %u): its own text", k, a, b);
    }
    cr_assert_eq(gz_segment_text(seg[1], 0, &out, &ctx), GZ_OK);
    cr_assert(out.len == TEXT && memcmp(out.data, text[1], TEXT) == 0, "the whole text");
    gz_buf_fini(&out);
    gz_textctx_close(ctx);
    for (int k = 0; k < 2; k++) {
        gz_segment_close(seg[k]);
        free(text[k]);
    }
}

/* Packed units: records of every width (a field of 0 bits, one of 32, a
 * number of -1 and the largest), packed, read back field by field exactly;
 * a length that does not fit the records is refused. */
Test(codec, packed_units_roundtrip_every_width)
{
    enum { N = 1000 };
    uint8_t *recs = calloc(N, GZ_UNIT_REC);
    for (uint32_t u = 0; u < N; u++) {
        uint8_t *r = recs + (size_t)u * GZ_UNIT_REC;
        uint32_t start = next32() % 100000;
        gz_put32(r + GZ_UNIT_DOC, u / 7);
        gz_put32(r + GZ_UNIT_KIND, 3);                                   /* one value: its width */
        gz_put32(r + GZ_UNIT_NUMBER, u % 5 == 0 ? UINT32_MAX : next32() % 300); /* -1: none */
        gz_put32(r + GZ_UNIT_SUB, 0);                                    /* 0 bits */
        gz_put32(r + GZ_UNIT_LABEL, u == 500 ? UINT32_MAX : next32() % 4096); /* 32 bits */
        gz_put32(r + GZ_UNIT_PATH, next32());
        gz_put32(r + GZ_UNIT_START, start);
        gz_put32(r + GZ_UNIT_END, start + next32() % 70000);
        gz_put32(r + GZ_UNIT_LEN, 1 + next32() % 5000);
        gz_put32(r + GZ_UNIT_WORDS, next32() % 2);
        gz_put32(r + GZ_UNIT_PAGE, 1 + u / 40);
        gz_put32(r + GZ_UNIT_PAGE_END, 1 + u / 40 + u % 2);
    }
    gz_buf b;
    gz_buf_init(&b);
    gz_units_pack(recs, N, &b);
    cr_assert_eq(b.status, GZ_OK);
    uint8_t w[GZ_UNIT_FIELDS];
    uint16_t at[GZ_UNIT_FIELDS];
    uint32_t bits;
    const uint8_t *p = (const uint8_t *)b.data;
    cr_assert_eq(gz_units_layout(p, b.len, N, w, at, &bits), GZ_OK);
    cr_assert_eq(w[3], 0, "a field always 0 takes no bits");
    cr_assert_eq(w[4], 32);
    cr_assert_lt(bits, 8 * GZ_UNIT_REC);
    static const int off[GZ_UNIT_FIELDS] = {GZ_UNIT_DOC,   GZ_UNIT_KIND,  GZ_UNIT_NUMBER, GZ_UNIT_SUB,
                                            GZ_UNIT_LABEL, GZ_UNIT_PATH,  GZ_UNIT_START,  GZ_UNIT_END,
                                            GZ_UNIT_LEN,   GZ_UNIT_WORDS, GZ_UNIT_PAGE,   GZ_UNIT_PAGE_END};
    for (uint32_t u = 0; u < N; u++) {
        const uint8_t *r = recs + (size_t)u * GZ_UNIT_REC;
        for (int f = 0; f < GZ_UNIT_FIELDS; f++) {
            uint32_t want = gz_get32(r + off[f]);
            if (off[f] == GZ_UNIT_NUMBER)
                want += 1;
            if (off[f] == GZ_UNIT_END)
                want -= gz_get32(r + GZ_UNIT_START);
            cr_assert_eq(gz_units_field(p, w, at, (uint64_t)u * bits, f), want, "unit %u field %d", u, f);
        }
    }
    cr_assert_eq(gz_units_layout(p, b.len - 1, N, w, at, &bits), GZ_CORRUPT);
    cr_assert_eq(gz_units_layout(p, b.len, N + 8, w, at, &bits), GZ_CORRUPT);
    gz_buf_fini(&b);
    free(recs);
}
