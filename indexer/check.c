/* indexer/check.c: `gazette check` and `gazette stats`: read the last
 * commit through format/ and verify or measure it. */
#include "indexer/indexer.h"
#include "format/format.h"

#include <math.h>
#include <string.h>

typedef struct check_ctx {
    const gz_segment *seg;
    uint32_t n_units;
    uint64_t postings, positions, problems;
    /* where the postings' bytes go: skip entries, the blocks' units and
     * tfs, their positions and spans, and rare terms (decoded whole) */
    uint64_t b_skips, b_units, b_pos, b_rare;
    /* per field byte: terms, postings, bytes */
    uint64_t f_terms[256], f_post[256], f_bytes[256];
    /* what the postings would take, in bits, if each term's units were
     * any df of the segment's and each unit's positions any tf of its
     * length, all equally likely: log2 C(n, k) each */
    double bound_units, bound_pos;
    FILE *out;
    const char *path;
} check_ctx;

/* log2 of n choose k */
static double log2_choose(double n, double k)
{
    if (k <= 0 || k >= n)
        return 0;
    return (lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1)) / M_LN2;
}

static int check_term(void *arg, const char *term, size_t len, const gz_terminfo *ti)
{
    check_ctx *c = arg;
    gz_post p;
    gz_status st = gz_post_open(&p, c->seg, ti);
    if (st == GZ_OK)
        st = gz_post_verify(&p);
    uint32_t prev = 0, n = 0, block = UINT32_MAX;
    int first = 1;
    c->f_terms[(unsigned char)term[0]]++;
    c->f_post[(unsigned char)term[0]] += ti->df;
    c->f_bytes[(unsigned char)term[0]] += ti->len;
    c->bound_units += log2_choose(c->n_units, ti->df);
    if (st == GZ_OK && p.small)
        c->b_rare += ti->len;
    else if (st == GZ_OK)
        c->b_skips += p.blk_off[0];
    while (st == GZ_OK && p.unit != GZ_POST_END) {
        if (!p.small && p.block != block) { /* a block entered: its two parts */
            block = p.block;
            uint64_t head = (uint64_t)(p.pos_data - (p.base + p.blk_off[block]));
            c->b_units += head;
            c->b_pos += p.blk_len[block] - head;
        }
        if ((!first && p.unit <= prev) || p.unit >= c->n_units) {
            st = GZ_CORRUPT;
            break;
        }
        if (!(ti->flags & GZ_TERM_NOPOS)) {
            const uint32_t *pos, *span;
            uint32_t k;
            if ((st = gz_post_positions(&p, &pos, &span, &k)) != GZ_OK)
                break;
            for (uint32_t i = 1; i < k; i++)
                if (pos[i] < pos[i - 1])
                    st = GZ_CORRUPT;
            c->positions += k;
            gz_unitinfo ui;
            if (gz_segment_unit(c->seg, p.unit, &ui) == GZ_OK)
                c->bound_pos += log2_choose(ui.len > k ? ui.len : k, k);
        }
        prev = p.unit;
        first = 0;
        n++;
        st = gz_post_next(&p);
        if (st == GZ_EOF)
            st = GZ_OK;
    }
    if (st == GZ_OK && n != ti->df)
        st = GZ_CORRUPT;
    if (st != GZ_OK) {
        c->problems++;
        fprintf(c->out, "BAD  %s: postings of term '%.*s': %s\n", c->path, (int)(len - 1), term + 1,
                gz_status_str(st));
    }
    c->postings += n;
    gz_post_fini(&p);
    return c->problems > 20; /* stop listing after 20 */
}

/* Names the sources whose documents the segment at i holds: those a
 * repair indexes again. */
static void repair_sources(FILE *out, const gz_manifest *m, size_t i)
{
    size_t n = 0;
    for (size_t k = 0; k < m->n_src; k++)
        if (m->src[k].segment == m->seg[i].id && m->src[k].n_docs) {
            fprintf(out, "       a repair indexes again: %s\n", m->src[k].display);
            n++;
        }
    if (!n)
        fprintf(out, "       it holds no source's documents\n");
}

gz_status ix_check(const char *dir, FILE *out, gz_error *err)
{
    gz_manifest man;
    gz_manifest_init(&man);
    gz_status st = gz_manifest_read(dir, &man, err);
    if (st == GZ_EOF)
        return gz_error_set(err, GZ_IO, -1, "[check] %s: no index here (no MANIFEST)", dir);
    if (st != GZ_OK) {
        fprintf(out, "BAD  %s\n", err ? err->msg : gz_status_str(st));
        if (st != GZ_VERSION) /* another format is indexed again, not repaired */
            fprintf(out, "       a repair (the next `gazette index PATH...`, or with --repair) rebuilds the index "
                         "from the paths given\n");
        gz_manifest_fini(&man);
        return st;
    }
    fprintf(out, "ok   %s/MANIFEST: generation %llu, %zu segments, %zu sources, analyzer %s\n", dir,
            (unsigned long long)man.generation, man.n_seg, man.n_src, man.analyzer_id);
    /* each segment on its own, so that one damaged file hides no other */
    gz_snapshot one = {.man = man};
    gz_snapshot *snap = &one;
    snap->seg = gz_calloc(man.n_seg + 1, sizeof *snap->seg);
    snap->deleted = gz_calloc(man.n_seg + 1, sizeof *snap->deleted);
    if (!snap->seg || !snap->deleted) {
        gz_free(snap->seg);
        gz_free(snap->deleted);
        gz_manifest_fini(&man);
        return gz_error_set(err, GZ_NOMEM, -1, "[check] out of memory");
    }
    uint64_t problems = 0;
    gz_buf text;
    gz_buf_init(&text);
    gz_textctx *tctx = NULL;
    uint64_t damaged = 0;
    for (size_t i = 0; i < snap->man.n_seg; i++) {
        char path[4200];
        gz_error e = {0};
        gz_path_segment(path, sizeof path, dir, snap->man.seg[i].id);
        st = gz_segment_open(path, &snap->seg[i], &e);
        if (st == GZ_OK && snap->man.seg[i].del_gen) {
            char dp[4200];
            gz_path_deletes(dp, sizeof dp, dir, snap->man.seg[i].id, snap->man.seg[i].del_gen);
            st = gz_deletes_read(dp, snap->man.seg[i].n_docs, &snap->deleted[i], &e);
        }
        if (st != GZ_OK) {
            fprintf(out, "BAD  %s\n", e.msg[0] ? e.msg : gz_status_str(st));
            repair_sources(out, &snap->man, i);
            problems++;
            damaged++;
            continue;
        }
        const gz_segment *seg = snap->seg[i];
        gz_seg_stats ss;
        gz_segment_stats(seg, &ss);
        uint64_t before = problems;
        for (uint32_t d = 0; d < ss.n_docs; d++) {
            gz_docinfo di;
            if (gz_segment_doc(seg, d, &di) != GZ_OK || gz_segment_text(seg, d, &text, &tctx) != GZ_OK ||
                text.len != di.text_len) {
                fprintf(out, "BAD  %s: document %u: bad record or stored text\n", path, d);
                problems++;
                continue;
            }
            for (uint32_t u = di.first_unit; u < di.first_unit + di.n_units; u++) {
                gz_unitinfo ui;
                if (gz_segment_unit(seg, u, &ui) != GZ_OK || ui.doc != d || ui.end > di.text_len) {
                    fprintf(out, "BAD  %s: unit %u of document %u out of place\n", path, u, d);
                    problems++;
                } else if (ui.hash != (uint32_t)gz_xxh3(text.data + ui.start, ui.end - ui.start)) {
                    fprintf(out, "BAD  %s: unit %u of document %u: its text's hash differs\n", path, u, d);
                    problems++;
                }
            }
        }
        check_ctx c = {.seg = seg, .n_units = ss.n_units, .out = out, .path = path};
        if (gz_segment_terms(seg, check_term, &c) != GZ_OK) {
            fprintf(out, "BAD  %s: dictionary does not decode\n", path);
            problems++;
        }
        problems += c.problems;
        if (problems != before)
            continue;
        fprintf(out,
                "ok   %s: %u docs, %u units, %u terms, %llu postings, every block verified; postings bytes: "
                "skip entries %llu, units and tf %llu, positions and spans %llu, rare terms %llu\n",
                path, ss.n_docs, ss.n_units, ss.n_terms, (unsigned long long)c.postings, (unsigned long long)c.b_skips,
                (unsigned long long)c.b_units, (unsigned long long)c.b_pos, (unsigned long long)c.b_rare);
        fprintf(out, "ok   %s: postings bound if spread at random: units %.0f bytes, positions %.0f bytes\n", path,
                c.bound_units / 8, c.bound_pos / 8);
        for (int f = 0; f < 256; f++)
            if (c.f_terms[f])
                fprintf(out, "ok   %s: field '%c': %llu terms, %llu postings, %llu bytes\n", path, f,
                        (unsigned long long)c.f_terms[f], (unsigned long long)c.f_post[f],
                        (unsigned long long)c.f_bytes[f]);
    }
    for (size_t k = 0; k < snap->man.n_src; k++) {
        const gz_man_source *s = &snap->man.src[k];
        size_t i = 0;
        while (i < snap->man.n_seg && snap->man.seg[i].id != s->segment)
            i++;
        if (!s->n_docs || (i < snap->man.n_seg && !snap->seg[i]))
            continue; /* no documents; or in a damaged segment, named above */
        int ok = i < snap->man.n_seg && (uint64_t)s->first_doc + s->n_docs <= snap->man.seg[i].n_docs;
        for (uint32_t d = s->first_doc; ok && d < s->first_doc + s->n_docs; d++)
            ok = !gz_bit(snap->deleted[i], d);
        if (!ok) {
            fprintf(out, "BAD  source %s: points at missing or deleted documents\n", s->display);
            problems++;
        }
    }
    gz_buf_fini(&text);
    gz_textctx_close(tctx);
    for (size_t i = 0; i < snap->man.n_seg; i++) {
        gz_segment_close(snap->seg[i]);
        gz_free(snap->deleted[i]);
    }
    gz_free(snap->seg);
    gz_free(snap->deleted);
    gz_manifest_fini(&snap->man);
    fprintf(out, "%s: %llu problem%s\n", problems ? "FAILED" : "ok", (unsigned long long)problems,
            problems == 1 ? "" : "s");
    if (damaged)
        fprintf(out, "%llu damaged segment%s: the next `gazette index PATH...` (or one with --repair) drops %s "
                     "and indexes the sources named above again\n",
                (unsigned long long)damaged, damaged == 1 ? "" : "s", damaged == 1 ? "it" : "them");
    return problems ? gz_error_set(err, GZ_CORRUPT, -1, "[check] %s: %llu problems", dir,
                                   (unsigned long long)problems)
                    : GZ_OK;
}

gz_status ix_stats(const char *dir, FILE *out, gz_error *err)
{
    gz_snapshot *snap;
    gz_status st = gz_snapshot_open(dir, &snap, err);
    if (st == GZ_EOF)
        return gz_error_set(err, GZ_IO, -1, "[stats] %s: no index here (no MANIFEST)", dir);
    if (st != GZ_OK)
        return st;
    uint64_t sec[GZ_SEC__COUNT] = {0}, files = 0, terms = 0, docs = 0, deleted = 0, raw = 0;
    for (size_t i = 0; i < snap->man.n_seg; i++) {
        gz_seg_stats ss;
        gz_segment_stats(snap->seg[i], &ss);
        for (int k = 1; k < GZ_SEC__COUNT; k++)
            sec[k] += ss.section_bytes[k];
        files += ss.file_bytes;
        terms += ss.n_terms;
        docs += ss.n_docs;
        deleted += snap->man.seg[i].n_deleted;
    }
    for (size_t k = 0; k < snap->man.n_src; k++)
        raw += snap->man.src[k].size;
    fprintf(out, "index        %s (generation %llu)\n", dir, (unsigned long long)snap->man.generation);
    fprintf(out, "sources      %zu files, %.1f MB\n", snap->man.n_src, raw / 1e6);
    fprintf(out, "documents    %llu live, %llu deleted\n", (unsigned long long)(docs - deleted),
            (unsigned long long)deleted);
    fprintf(out, "units        %llu\n", (unsigned long long)snap->n_units);
    fprintf(out, "terms        %llu (summed over %zu segments)\n", (unsigned long long)terms, snap->man.n_seg);
    fprintf(out, "positions    %llu\n", (unsigned long long)snap->n_positions);
    for (int k = 1; k < GZ_SEC__COUNT; k++)
        fprintf(out, "bytes %-16s %12llu  %5.3f x raw\n", gz_section_name(k), (unsigned long long)sec[k],
                raw ? (double)sec[k] / raw : 0);
    fprintf(out, "bytes total            %12llu  %5.3f x raw\n", (unsigned long long)files,
            raw ? (double)files / raw : 0);
    fprintf(out, "postings     %.2f bytes per position\n",
            snap->n_positions ? (double)sec[GZ_SEC_POSTINGS] / snap->n_positions : 0);
    gz_snapshot_close(snap);
    return GZ_OK;
}
