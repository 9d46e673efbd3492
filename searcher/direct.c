/* searcher/direct.c: the direct path (dynamic pruning) for a word or an
 * AND of words that are each one exact term: block-max over impacts for
 * one word, seeking cursors for an AND. */
#include "searcher/direct.h"
#include "searcher/score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A leaf that is one exact term: its postings are its matches, its
 * dictionary df the number of units holding it. */
static int direct_leaf(const q_leaf *lf)
{
    return lf->positive && lf->n_v == 1 && lf->v[0].n == 1 && !lf->v[0].e[0].prefix;
}

/* The page by relevance of a word or an AND of words that are each one
 * exact term: then no match list is needed (totals and facets are counted
 * from the cursors). */
int sr_direct_plan(const q_plan *plan, const run_opts *o)
{
    if (!o->prune || !o->want || !plan->root || plan->question || plan->any_word || !plan->n_leaf)
        return 0;
    const q_node *n = plan->root;
    if (n->type == Q_TEXT)
        return plan->n_leaf == 1 && direct_leaf(&plan->leaf[0]);
    if (n->type != Q_AND || n->n_kid != plan->n_leaf)
        return 0;
    for (size_t k = 0; k < n->n_kid; k++)
        if (n->kid[k]->type != Q_TEXT || !direct_leaf(&plan->leaf[n->kid[k]->leaf]))
            return 0;
    return 1;
}

/* Whether a document's title unit holds a term: a cursor that only moves
 * forward, asked for documents in order, remembering the last answer. */
typedef struct title_cursor {
    gz_post p;
    uint32_t doc;
    uint8_t holds;
} title_cursor;

static int title_holds(title_cursor *tc, const sr_segtab *t, uint32_t doc)
{
    if (doc != tc->doc) {
        uint32_t f = t->first_unit[doc];
        gz_post_seek(&tc->p, f);
        tc->doc = doc;
        tc->holds = tc->p.unit == f;
    }
    return tc->holds;
}

/* Units of deleted documents that hold the term (to take from its df). */
static size_t in_deleted(const gz_segment *seg, const gz_terminfo *ti, const sr_segtab *t, const uint8_t *deleted,
                         uint32_t n_docs)
{
    gz_post p;
    size_t n = 0;
    if (gz_post_open(&p, seg, ti) == GZ_OK)
        for (uint32_t d = 0; d < n_docs && p.unit != GZ_POST_END; d++) {
            if (!gz_bit(deleted, d))
                continue;
            uint32_t end = t->first_unit[d] + t->n_units[d];
            for (gz_post_seek(&p, t->first_unit[d]); p.unit < end; gz_post_next(&p))
                n++;
        }
    gz_post_fini(&p);
    return n;
}

/* How the direct path counts matches (total and facets): those of every
 * block of the driving word (stride 1), or, past run_opts.count_exact
 * postings, of one block in stride, spread over the whole index, the
 * total then estimated from the share of the driver's postings those
 * blocks hold (as Elasticsearch's track_total_hits bounds counting; the
 * page says 约N条). counted: the matches counted; seen: the driver's
 * postings in the counted blocks. */
typedef struct sr_count {
    uint32_t stride;
    size_t counted, seen;
    size_t found; /* matches met outside the sample (the total is at least counted + found) */
} sr_count;

/* A word's live units, counted and (when asked) their facets, from its
 * postings' units alone: those of every block, or of one block in
 * `stride` (a sample, sr_count): *counted the units counted, *seen the
 * postings of the blocks read. */
static gz_status count_one(const gz_segment *seg, const gz_terminfo *ti, const sr_segtab *t, const uint8_t *deleted,
                           const run_opts *o, uint32_t stride, size_t *counted, size_t *seen)
{
    gz_post p;
    gz_status st = gz_post_open(&p, seg, ti);
    for (uint32_t b = 0; st == GZ_OK && b < p.n_blocks; b += stride) {
        if ((st = gz_post_seek(&p, b ? p.blk_last[b - 1] + 1 : 0)) != GZ_OK)
            break;
        *seen += p.n - p.i;
        for (uint32_t i = p.i; i < p.n; i++) {
            uint32_t u = p.units[i], doc = t->doc[u];
            if (gz_bit(deleted, doc))
                continue;
            ++*counted;
            sr_count_facets(o, t, u, doc);
        }
        st = sr_spend(p.n - p.i);
    }
    gz_post_fini(&p);
    return st == GZ_EOF ? GZ_OK : st;
}

/* One word: block-max, best blocks first. Every block of its postings
 * over every segment has a bound (BM25 at the block's highest tf and
 * shortest unit, plus the label and whole-word maxima and the title boost):
 * the blocks are visited from the highest bound down, and the walk ends at
 * the first block whose bound cannot enter the page, since none after it
 * can. The page thus fills from the best blocks, its worst is the final
 * one after the few blocks that hold the best units, and the cost grows
 * with the blocks that can enter, not with the postings: an archive of
 * sixteen copies decodes a few more blocks than one copy does, not sixteen
 * times as many. In a block visited, the title boost is counted only if a
 * document it spans has the word in its title, and each unit is scored
 * only if its own bound can enter. Copies of a text tie: the page keeps
 * the earliest of the equal scores, blocks of equal bounds are visited in
 * place order, and a block whose bound only equals the page's worst is
 * not entered when it begins after the worst's place (cannot_enter). */
/* With the page full: the largest tf (up to 16) at which a unit of length
 * len (the shortest of its block), with the label and title boosts added
 * to its BM25 and `other` on top, at place (s, u) or later, still cannot
 * enter it; 0 if none. The same expression, summed in the same order, as
 * a unit's own bound. */
static uint32_t tf_cannot_enter(const scorer *sc, double idf, double label, double title, double other, size_t s,
                                uint32_t u, uint32_t len)
{
    uint32_t tf = 0;
    while (tf < 16) {
        hit h = {0};
        h.seg = (uint32_t)s;
        h.unit = u;
        h.score = combine(bm25(idf, tf + 1, len, sc->ix->avg_len) + label + title, other, 1, 1, 0);
        if (!cannot_enter(sc, &h))
            break;
        tf++;
    }
    return tf;
}

/* The constant parts of one word's bounds. */
typedef struct word_bounds {
    double idf, label_max, other_max;
} word_bounds;

/* The shortest unit of block b, as its impacts say. */
static uint32_t block_shortest(const gz_post *p, uint32_t b)
{
    const uint32_t *imp;
    uint32_t n_imp = gz_post_impacts(p, b, &imp), len = UINT32_MAX;
    for (uint32_t k = 0; k < n_imp; k++)
        if (imp[2 * k + 1] < len)
            len = imp[2 * k + 1];
    return len;
}

/* Block b's BM25 at its highest tf and shortest length: above block_best,
 * for one division instead of one an impact. */
static double block_loose(const scorer *sc, const gz_post *p, uint32_t b, double idf)
{
    const uint32_t *imp;
    uint32_t n_imp = gz_post_impacts(p, b, &imp), tf = 0, len = UINT32_MAX;
    for (uint32_t k = 0; k < n_imp; k++) {
        tf = imp[2 * k] > tf ? imp[2 * k] : tf;
        len = imp[2 * k + 1] < len ? imp[2 * k + 1] : len;
    }
    return n_imp ? bm25(idf, tf, len, sc->ix->avg_len) : 0;
}

/* Block b's BM25 at its most, over its impacts. */
static double block_best(const scorer *sc, const gz_post *p, uint32_t b, double idf)
{
    const uint32_t *imp;
    uint32_t n_imp = gz_post_impacts(p, b, &imp);
    double best = 0;
    for (uint32_t k = 0; k < n_imp; k++) {
        double v = bm25(idf, imp[2 * k], imp[2 * k + 1], sc->ix->avg_len);
        if (v > best)
            best = v;
    }
    return best;
}

/* The block of p that would hold unit u (n_blocks when none would). */
static uint32_t block_of(const gz_post *p, uint32_t u) { return gz_post_block_at(p, 0, p->n_blocks, u); }

/* Whether a document with units in block b of p may have the word in its
 * title, as the skip entries say: one that begins in the block has its
 * title unit there, and the block's first document's may lie before it. */
static int title_may(const sr_segtab *t, const gz_post *p, uint32_t b)
{
    uint32_t lo = b ? p->blk_last[b - 1] + 1 : 0, f0 = t->first_unit[t->doc[lo]];
    return gz_post_block_first(p, b) || (f0 < lo && gz_post_block_first(p, block_of(p, f0)));
}

/* Whether a block of p over units [lo, hi] holds a document's first unit. */
static int firsts_in(const gz_post *p, uint32_t lo, uint32_t hi)
{
    for (uint32_t b = block_of(p, lo); b < p->n_blocks; b++) {
        if (gz_post_block_first(p, b))
            return 1;
        if (p->blk_last[b] >= hi)
            break;
    }
    return 0;
}

/* A block's bound from its BM25 at its most, with the title boost given. */
static double block_bound(double best, const word_bounds *wb, double title)
{
    return combine(best + wb->label_max + title, wb->other_max, 1, 1, 0);
}

/* Visits block b of the word's postings in segment s through p (which
 * must not be past the block's first unit): skipped whole if its bound
 * cannot enter the page (the title boost counted only when a document
 * it spans has the word in its title, asked through probe when it spans a
 * few), else each of its units scored whose own bound can enter. */
static gz_status word_block(scorer *sc, size_t s, gz_post *p, title_cursor *probe, title_cursor *tc, uint32_t b,
                            const word_bounds *wb)
{
    const sr_segtab *t = &sc->ix->tab[s];
    const uint8_t *deleted = sc->ix->snap->deleted[s];
    double idf = wb->idf, w_title = W_TITLE * idf;
    uint32_t lo = b ? p->blk_last[b - 1] + 1 : 0, hi = p->blk_last[b];
    int full = !sc->keep_all && sc->n_hits == sc->o->want;
    if (full) {
        sc->r->blocks++;
        /* first with the title boost: most blocks end here, before the
         * documents' tables are read; then without it: when only the
         * title boost could lift the block in, whether a document it
         * spans has the word in its title decides. The first one's title
         * unit may lie before the block (probe asks); the others' lie in
         * it, among its units if they hold the word. */
        double best = block_best(sc, p, b, idf);
        hit h = {block_bound(best, wb, w_title), (uint32_t)s, lo, 0, 0, {0, 0}, 0, 0};
        int skip = cannot_enter(sc, &h);
        if (!skip) {
            h.score = block_bound(best, wb, 0);
            if (cannot_enter(sc, &h)) {
                /* a document that begins in the block has its title
                 * unit there: none unless the block holds a document's
                 * first unit; the first unit's document may begin before
                 * it, in a block that must hold one too */
                uint32_t d0 = t->doc[lo], d1 = t->doc[hi], f0 = t->first_unit[d0];
                int firsts = gz_post_block_first(p, b);
                int title = (f0 >= lo ? firsts : gz_post_block_first(p, block_of(p, f0))) && title_holds(probe, t, d0);
                if (!title && d1 > d0 && firsts) {
                    gz_status st = gz_post_seek(p, lo);
                    if (st != GZ_OK)
                        return st == GZ_EOF ? GZ_OK : st;
                    /* the title units in the block's units: both ascend */
                    for (uint32_t d = d0 + 1, j = p->i; d <= d1 && !title; d++) {
                        uint32_t f = t->first_unit[d];
                        while (j < p->n && p->units[j] < f)
                            j++;
                        if (j == p->n)
                            break;
                        title = p->units[j] == f;
                    }
                }
                skip = !title;
            }
        }
        if (skip) {
            sc->r->skipped++;
            return GZ_OK;
        }
    }
    gz_status st = gz_post_seek(p, lo);
    if (st != GZ_OK)
        return st == GZ_EOF ? GZ_OK : st;
    /* the block's units, read off its decoded arrays (the next block may
     * be skipped: it is not decoded until entered). No unit of it has a
     * title boost unless its skip entries say a title may hold the word.
     * With the page full, a unit whose tf cannot lift it in at the
     * block's shortest length and with every boost is passed over on its
     * tf alone, before its length is read. */
    int may = title_may(t, p, b);
    double w_may = may ? w_title : 0;
    uint32_t shortest = block_shortest(p, b);
    uint32_t skip_tf = full ? tf_cannot_enter(sc, idf, wb->label_max, w_may, wb->other_max, s, lo, shortest) : 0;
    if ((st = sr_spend(p->n - p->i)) != GZ_OK)
        return st;
    for (uint32_t i = p->i; i < p->n; i++) {
        if (p->tfs[i] <= skip_tf)
            continue;
        /* the unit's own bound first, without the scorer's call: with the
         * title boost from its length alone, then without it when its
         * document's title does not hold the word */
        uint32_t u = p->units[i];
        hit h = {0, (uint32_t)s, u, 0, 0, {0, 0}, 0, 0};
        double cheap = 0;
        if (full) {
            cheap = bm25(idf, p->tfs[i], t->len[u], sc->ix->avg_len) + wb->label_max;
            h.score = combine(cheap + w_may, wb->other_max, 1, 1, 0);
            if (cannot_enter(sc, &h))
                continue;
        }
        uint32_t doc = t->doc[u];
        if (gz_bit(deleted, doc))
            continue;
        sc->tf[0] = p->tfs[i];
        sc->title[0] = (uint8_t)(may && title_holds(tc, t, doc));
        if (full && !sc->title[0]) {
            h.score = combine(cheap, wb->other_max, 1, 1, 0);
            if (cannot_enter(sc, &h))
                continue;
        }
        if ((st = sr_score_unit(sc, s, u, doc, 1, 0)) != GZ_OK)
            return st;
        if (!sc->keep_all && sc->n_hits == sc->o->want) {
            full = 1;
            skip_tf = tf_cannot_enter(sc, idf, wb->label_max, w_may, wb->other_max, s, lo, shortest);
        }
    }
    return GZ_OK;
}

/* A block among a word's blocks: its bound (from its highest tf at its
 * shortest length until `exact`: then from its impacts, block_best), its
 * place, and whether a title may hold the word there. */
typedef struct wblock {
    double bound;
    uint32_t s, b;
    uint8_t may, exact;
} wblock;

/* a before b: the higher bound, then the earlier place */
static int wblock_before(const wblock *a, const wblock *b)
{
    if (a->bound != b->bound)
        return a->bound > b->bound;
    return a->s != b->s ? a->s < b->s : a->b < b->b;
}

/* Restores the heap (the best block at the root) below node c. */
static void wblock_sift(wblock *h, size_t n, size_t c)
{
    wblock x = h[c];
    for (;;) {
        size_t l = 2 * c + 1, r = l + 1, m = c;
        const wblock *mv = &x;
        if (l < n && wblock_before(&h[l], mv))
            m = l, mv = &h[l];
        if (r < n && wblock_before(&h[r], mv))
            m = r, mv = &h[r];
        if (m == c)
            break;
        h[c] = h[m];
        c = m;
    }
    h[c] = x;
}

/* Where the blocks of one word are visited from: per segment, cursors
 * shared from the segment's own (which stays at its first block, so that
 * sharing decodes nothing), moved forward while the blocks visited in a
 * segment ascend and shared again when one lies before the last; and the
 * segment the scorer's own cursors are in. */
typedef struct visit_cursors {
    gz_post q;
    title_cursor probe, tc;
    uint32_t last; /* the last block visited + 1; 0: not shared */
} visit_cursors;

typedef struct visitor {
    visit_cursors *v; /* per segment */
    size_t scorer_seg; /* SIZE_MAX: none */
    uint32_t scorer_last;
} visitor;

static void visit_drop(visit_cursors *v)
{
    if (!v->last)
        return;
    gz_post_fini(&v->probe.p);
    gz_post_fini(&v->tc.p);
    gz_post_fini(&v->q);
    v->last = 0;
}

/* Block b of segment s, through the visitor's cursors of s (p: the
 * segment's own). */
static gz_status block_visit(scorer *sc, visitor *vi, size_t s, const gz_post *p, uint32_t b, const word_bounds *wb)
{
    visit_cursors *v = &vi->v[s];
    gz_status st = GZ_OK;
    if (v->last > b) /* behind the cursors: shared again */
        visit_drop(v);
    if (!v->last) {
        v->probe.doc = v->tc.doc = UINT32_MAX;
        st = gz_post_share(&v->q, p);
        if (st == GZ_OK && (st = gz_post_share(&v->probe.p, p)) != GZ_OK)
            gz_post_fini(&v->q);
        if (st == GZ_OK && (st = gz_post_share(&v->tc.p, p)) != GZ_OK) {
            gz_post_fini(&v->probe.p);
            gz_post_fini(&v->q);
        }
        if (st != GZ_OK)
            return st;
    }
    v->last = b + 1;
    /* the scorer's cursors only move forward in one segment too */
    if (vi->scorer_seg != s || vi->scorer_last > b) {
        if (vi->scorer_seg != SIZE_MAX)
            sr_scorer_segment_end(sc);
        sr_scorer_segment_begin(sc);
        vi->scorer_seg = s;
    }
    vi->scorer_last = b + 1;
    return word_block(sc, s, &v->q, &v->probe, &v->tc, b, wb);
}

/* One word over every segment holding it (found[s]; its terms ti[s]):
 * its blocks from the best bound down, until one cannot enter (the
 * direct path always prunes: sr_direct_plan). */
static gz_status direct_one(scorer *sc, const gz_terminfo *ti, const uint8_t *found)
{
    size_t n_seg = sc->ix->snap->man.n_seg;
    const q_leaf *lf = &sc->plan->leaf[0];
    word_bounds wb = {sc->idf[0], sc->label_num[0] >= 0 ? W_LABEL * sc->idf[0] : 0,
                      W_WORD * sc->idf[0] * (BM25_K1 + 1) * (double)lf->n_words};
    gz_post *p = gz_calloc(n_seg + 1, sizeof *p);
    wblock *heap = NULL;
    size_t n_blocks = 0;
    gz_status st = p ? GZ_OK : GZ_NOMEM;
    for (size_t s = 0; st == GZ_OK && s < n_seg; s++)
        if (found[s] && (st = gz_post_open(&p[s], sc->ix->snap->seg[s], &ti[s])) == GZ_OK)
            n_blocks += p[s].n_blocks;
    if (st == GZ_OK) {
        size_t n = 0;
        if (!(heap = gz_alloc((n_blocks + 1) * sizeof *heap)))
            st = GZ_NOMEM;
        for (size_t s = 0; st == GZ_OK && s < n_seg; s++) {
            /* whether a title may hold the word, as title_may says, or a
             * little more, with a table read a flagged block: a block not
             * flagged may take the title of the last flagged one's last
             * document only while that document goes on */
            const sr_segtab *t = &sc->ix->tab[s];
            uint32_t carry_doc = UINT32_MAX;
            for (uint32_t b = 0; found[s] && b < p[s].n_blocks; b++) {
                int may = gz_post_block_first(&p[s], b);
                if (!may && carry_doc != UINT32_MAX) {
                    if (t->doc[b ? p[s].blk_last[b - 1] + 1 : 0] == carry_doc)
                        may = 1;
                    else
                        carry_doc = UINT32_MAX;
                }
                if (gz_post_block_first(&p[s], b))
                    carry_doc = t->doc[p[s].blk_last[b]];
                heap[n++] = (wblock){block_bound(block_loose(sc, &p[s], b, wb.idf), &wb, may ? W_TITLE * wb.idf : 0),
                                     (uint32_t)s, b, (uint8_t)may, 0};
            }
        }
        for (size_t c = n / 2; st == GZ_OK && c-- > 0;)
            wblock_sift(heap, n, c);
        visitor vi = {gz_calloc(n_seg + 1, sizeof *vi.v), SIZE_MAX, 0};
        if (!vi.v)
            st = GZ_NOMEM;
        while (st == GZ_OK && n) {
            wblock x = heap[0];
            hit h = {x.bound, x.s, x.b ? p[x.s].blk_last[x.b - 1] + 1 : 0, 0, 0, {0, 0}, 0, 0};
            if (cannot_enter(sc, &h)) { /* nor can any block after it */
                sc->r->blocks += n;
                sc->r->skipped += n;
                break;
            }
            if (!x.exact) { /* its bound from its impacts, and its place again */
                heap[0].bound = block_bound(block_best(sc, &p[x.s], x.b, wb.idf), &wb, x.may ? W_TITLE * wb.idf : 0);
                heap[0].exact = 1;
                wblock_sift(heap, n, 0);
                continue;
            }
            heap[0] = heap[--n];
            wblock_sift(heap, n, 0);
            st = block_visit(sc, &vi, x.s, &p[x.s], x.b, &wb);
        }
        if (vi.scorer_seg != SIZE_MAX)
            sr_scorer_segment_end(sc);
        for (size_t s = 0; vi.v && s < n_seg; s++)
            visit_drop(&vi.v[s]);
        gz_free(vi.v);
    }
    for (size_t s = 0; p && s < n_seg; s++)
        if (found[s])
            gz_post_fini(&p[s]);
    gz_free(heap);
    gz_free(p);
    return st;
}

/* The most BM25 gives a term over units [lo, hi]: its highest over the
 * impacts of the blocks of p that overlap them (0 when none does). */
static double range_bm25(const scorer *sc, const gz_post *p, double idf, uint32_t lo, uint32_t hi)
{
    uint32_t a = block_of(p, lo);
    double best = 0;
    for (uint32_t b = a; b < p->n_blocks && (b == 0 || p->blk_last[b - 1] < hi); b++) {
        const uint32_t *imp;
        uint32_t n_imp = gz_post_impacts(p, b, &imp);
        for (uint32_t k = 0; k < n_imp; k++) {
            double v = bm25(idf, imp[2 * k], imp[2 * k + 1], sc->ix->avg_len);
            if (v > best)
                best = v;
        }
    }
    return best;
}

/* An upper bound of the score of a unit in [lo, hi] holding every word:
 * each word's BM25 at its most over its blocks there, with every boost
 * (label, whole words, proximity) at its most and the title boost of the
 * words title[] says a title there may hold (NULL: every word); as
 * sr_score_unit sums them, with a margin for the order of the sums. */
static double and_bound(const scorer *sc, const gz_post *c, uint32_t lo, uint32_t hi, const uint8_t *title)
{
    const q_plan *plan = sc->plan;
    double cheap = 0, costly = 0;
    for (size_t l = 0; l < sc->n_leaf; l++) {
        double idf = sc->idf[l];
        cheap += range_bm25(sc, &c[l], idf, lo, hi) + (sc->label_num[l] >= 0 ? W_LABEL * idf : 0) +
                 (!title || title[l] ? sc->w_title * idf : 0);
        costly += W_WORD * idf * (BM25_K1 + 1) * (double)plan->leaf[l].n_words +
                  (plan->leaf[l].whole_len ? W_WHOLE * idf * (BM25_K1 + 1) : 0);
        if (l + 1 < sc->n_leaf)
            costly += W_PROX * (idf < sc->idf[l + 1] ? idf : sc->idf[l + 1]);
    }
    return combine(cheap, costly, 1, 1, 0) * (1 + 1e-9);
}

/* The bound of and_bound for one unit u of the driver: the driver's BM25
 * at its block's most (drive_best), each other word's at the impacts of
 * its block that would hold u, found in its skip table without decoding
 * (at[l]: that block, moving forward; best[l]: its BM25, or -1 until
 * computed); no table of units is read. -1 when a word has no unit from
 * u on. */
static double and_unit_bound(const scorer *sc, const gz_post *c, size_t drive, uint32_t u, double drive_best,
                             uint32_t *at, double *best)
{
    const q_plan *plan = sc->plan;
    double cheap = 0, costly = 0;
    for (size_t l = 0; l < sc->n_leaf; l++) {
        double idf = sc->idf[l], v;
        if (l == drive) {
            v = drive_best;
        } else {
            while (at[l] < c[l].n_blocks && c[l].blk_last[at[l]] < u) {
                at[l]++;
                best[l] = -1;
            }
            if (at[l] == c[l].n_blocks)
                return -1;
            if (best[l] < 0) {
                const uint32_t *imp;
                uint32_t n_imp = gz_post_impacts(&c[l], at[l], &imp);
                best[l] = 0;
                for (uint32_t k = 0; k < n_imp; k++) {
                    double b = bm25(idf, imp[2 * k], imp[2 * k + 1], sc->ix->avg_len);
                    if (b > best[l])
                        best[l] = b;
                }
            }
            v = best[l];
        }
        cheap += v + (sc->label_num[l] >= 0 ? W_LABEL * idf : 0) + sc->w_title * idf;
        costly += W_WORD * idf * (BM25_K1 + 1) * (double)plan->leaf[l].n_words +
                  (plan->leaf[l].whole_len ? W_WHOLE * idf * (BM25_K1 + 1) : 0);
        if (l + 1 < sc->n_leaf)
            costly += W_PROX * (idf < sc->idf[l + 1] ? idf : sc->idf[l + 1]);
    }
    return combine(cheap, costly, 1, 1, 0) * (1 + 1e-9);
}

/* An AND of words: the rarest drives, the others seek to it; no list is
 * built. The driver's blocks are walked in order; every unit of a counted
 * block (all of them, or one block in cnt->stride: sr_count) that holds
 * every word is counted; a block not counted whose bound cannot enter the
 * page is passed over undecoded, and the units of the others are scored
 * only. */
static gz_status direct_and(scorer *sc, size_t s, const gz_terminfo *ti, sr_count *cnt)
{
    size_t n = sc->n_leaf, drive = 0;
    const sr_segtab *t = &sc->ix->tab[s];
    const gz_segment *seg = sc->ix->snap->seg[s];
    const uint8_t *deleted = sc->ix->snap->deleted[s];
    gz_post *c = gz_calloc(n, sizeof *c);
    title_cursor *tc = gz_calloc(2 * n, sizeof *tc), *probe = tc ? tc + n : NULL;
    uint8_t *held = gz_calloc(n, 1);
    uint32_t *at = gz_calloc(n, sizeof *at);
    double *best = gz_calloc(n, sizeof *best);
    gz_status st = c && tc && held && at && best ? GZ_OK : GZ_NOMEM;
    for (size_t l = 0; st == GZ_OK && l < n; l++)
        best[l] = -1;
    for (size_t l = 0; st == GZ_OK && l < n; l++) {
        tc[l].doc = probe[l].doc = UINT32_MAX;
        if ((st = gz_post_open(&c[l], seg, &ti[l])) == GZ_OK)
            st = gz_post_share(&tc[l].p, &c[l]);
        if (st == GZ_OK)
            st = gz_post_share(&probe[l].p, &c[l]);
        if (ti[l].df < ti[drive].df)
            drive = l;
    }
    gz_post *d = c ? &c[drive] : NULL;
    /* the driver's postings in the counted blocks, however far the walk
     * goes (it stops where a word has no more units) */
    for (uint32_t b = 0; st == GZ_OK && b < d->n_blocks; b += cnt->stride)
        cnt->seen += b + 1 < d->n_blocks ? GZ_BLOCK : d->n_last;
    for (uint32_t b = 0; st == GZ_OK && b < d->n_blocks; b++) {
        uint32_t lo = b ? d->blk_last[b - 1] + 1 : 0, hi = d->blk_last[b];
        int counted = b % cnt->stride == 0;
        if (!counted && !sc->keep_all && sc->n_hits == sc->o->want) {
            /* with every title boost; else with those of the words a
             * title of a document of the range holds (asked through the
             * probes) */
            hit h = {and_bound(sc, c, lo, hi, NULL), (uint32_t)s, lo, 0, 0, {0, 0}, 0, 0};
            sc->r->blocks++;
            int skip = cannot_enter(sc, &h);
            if (!skip && (memset(held, 0, n), h.score = and_bound(sc, c, lo, hi, held), cannot_enter(sc, &h))) {
                uint32_t d0 = t->doc[lo], d1 = t->doc[hi];
                for (size_t l = 0; l < n; l++) {
                    held[l] = 0;
                    if (!firsts_in(&c[l], t->first_unit[d0], hi))
                        continue; /* no title unit of the range holds it */
                    for (uint32_t doc = d0; doc <= d1 && !held[l]; doc++)
                        held[l] = (uint8_t)title_holds(&probe[l], t, doc);
                }
                h.score = and_bound(sc, c, lo, hi, held);
                skip = cannot_enter(sc, &h);
            }
            if (skip) {
                sc->r->skipped++;
                continue;
            }
        }
        if ((st = gz_post_seek(d, lo)) != GZ_OK)
            break;
        double drive_best = range_bm25(sc, d, sc->idf[drive], lo, hi);
        while (st == GZ_OK && d->unit <= hi) {
            uint32_t u = d->unit;
            int all = 1, score = 1;
            if ((st = sr_spend(n)) != GZ_OK)
                break;
            if (!sc->keep_all && sc->n_hits == sc->o->want) {
                /* the unit's bound from the others' skip tables: when it
                 * cannot enter, the others are not sought (not counted)
                 * or sought only to count it (no table of units read,
                 * no title asked, nothing scored) */
                hit h = {and_unit_bound(sc, c, drive, u, drive_best, at, best), (uint32_t)s, u, 0, 0, {0, 0}, 0, 0};
                if (h.score < 0)
                    break;
                if (cannot_enter(sc, &h)) {
                    if (!counted) {
                        st = gz_post_next(d);
                        continue;
                    }
                    score = 0;
                }
            }
            for (size_t l = 0; l < n && all; l++) {
                if (l == drive)
                    continue;
                if ((st = gz_post_seek(&c[l], u)) != GZ_OK)
                    break;
                if (c[l].unit != u) {
                    all = 0;
                    st = gz_post_seek(d, c[l].unit); /* jump the driver */
                }
            }
            if (st != GZ_OK || !all)
                continue;
            uint32_t doc = score || deleted || sc->o->year_n ? t->doc[u] : 0;
            if (!gz_bit(deleted, doc)) {
                if (counted) {
                    cnt->counted++;
                    sr_count_facets(sc->o, t, u, doc);
                } else {
                    cnt->found++;
                }
                for (size_t l = 0; score && l < n; l++) {
                    sc->tf[l] = c[l].tf;
                    sc->title[l] = (uint8_t)title_holds(&tc[l], t, doc);
                }
                if (score)
                    st = sr_score_unit(sc, s, u, doc, 1, 0);
            }
            if (st == GZ_OK)
                st = gz_post_next(d);
        }
    }
    if (st == GZ_EOF)
        st = GZ_OK;
    for (size_t l = 0; tc && l < 2 * n; l++)
        gz_post_fini(&tc[l].p); /* they read c's tables */
    for (size_t l = 0; c && l < n; l++)
        gz_post_fini(&c[l]);
    gz_free(c);
    gz_free(tc);
    gz_free(held);
    gz_free(at);
    gz_free(best);
    return st;
}

/* The direct path of sr_run(): terms looked up in every segment (their df
 * summed for the IDF), then each segment scored from its cursors. */
gz_status sr_run_direct(sr_index *ix, const q_plan *plan, const run_opts *o, run_out *r)
{
    gz_snapshot *snap = ix->snap;
    size_t n_seg = snap->man.n_seg, n_leaf = plan->n_leaf;
    gz_terminfo *ti = gz_calloc(n_seg * n_leaf + 1, sizeof *ti);
    uint8_t *found = gz_calloc(n_seg + 1, 1);
    double *df = gz_calloc(n_leaf + 1, sizeof *df);
    gz_status st = ti && found && df ? GZ_OK : GZ_NOMEM;
    for (size_t s = 0; st == GZ_OK && s < n_seg; s++) {
        found[s] = 1;
        for (size_t l = 0; l < n_leaf; l++) {
            const q_elem *e = &plan->leaf[l].v[0].e[0];
            int in_seg;
            gz_status ts = gz_segment_term(snap->seg[s], e->term, e->len, &in_seg, &ti[s * n_leaf + l]);
            if (ts != GZ_OK)
                st = ts;
            if (ts == GZ_OK && in_seg)
                df[l] += ti[s * n_leaf + l].df;
            else
                found[s] = 0;
        }
    }
    scorer sc;
    gz_status st2 = sr_scorer_init(&sc, ix, plan, o, r, df);
    if (st == GZ_OK)
        st = st2;
    /* how matches are counted: every one, or, when the driving word's
     * postings are more than o->count_exact, the units of one block in
     * `stride` of its (sr_count) */
    sr_count cnt = {1, 0, 0, 0};
    uint64_t drive_df = 0;
    for (size_t s = 0; s < n_seg; s++) {
        uint64_t least = UINT64_MAX;
        for (size_t l = 0; found[s] && l < n_leaf; l++)
            if (ti[s * n_leaf + l].df < least)
                least = ti[s * n_leaf + l].df;
        drive_df += found[s] ? least : 0;
    }
    if (o->prune && o->want && o->count_exact && !plan->prior && drive_df > o->count_exact)
        cnt.stride = (uint32_t)((drive_df + o->count_exact - 1) / o->count_exact);
    /* one word: its total (exact: its df less its deleted units) and
     * facets per segment, then the page over every segment at once; an
     * AND: segment by segment */
    for (size_t s = 0; st == GZ_OK && s < n_seg; s++) {
        if (!found[s])
            continue;
        if (n_leaf == 1) {
            if (o->year_n) /* facets need units: their ids only, no tf, no score */
                st = count_one(snap->seg[s], &ti[s], &ix->tab[s], snap->deleted[s], o, cnt.stride, &cnt.counted,
                               &cnt.seen);
            if (cnt.stride == 1 && o->year_n)
                continue;
            r->total += ti[s].df;
            if (snap->deleted[s]) {
                gz_seg_stats ss;
                gz_segment_stats(snap->seg[s], &ss);
                r->total -= in_deleted(snap->seg[s], &ti[s], &ix->tab[s], snap->deleted[s], ss.n_docs);
            }
        } else {
            sr_scorer_segment_begin(&sc);
            st = direct_and(&sc, s, &ti[s * n_leaf], &cnt);
            sr_scorer_segment_end(&sc);
        }
    }
    if (n_leaf == 1 && cnt.stride == 1 && o->year_n)
        r->total = cnt.counted;
    else if (n_leaf > 1 && cnt.stride == 1)
        r->total = cnt.counted;
    else if (n_leaf > 1 && cnt.seen) { /* the sample's share of the driver's postings, to two digits */
        double est = (double)cnt.counted * (double)drive_df / (double)cnt.seen, unit = 1;
        while (est >= 100 * unit)
            unit *= 10;
        r->total = (size_t)(floor(est / unit + 0.5) * unit);
        if (r->total < cnt.counted + cnt.found) /* a small sample may miss what the page found */
            r->total = cnt.counted + cnt.found;
        r->total_estimated = 1;
    }
    if (cnt.stride > 1 && o->year_n)
        r->facet_scale = cnt.counted ? (double)r->total / (double)cnt.counted : 1;
    if (st == GZ_OK && n_leaf == 1)
        st = direct_one(&sc, ti, found);
    if (st == GZ_LIMIT) { /* every hit kept so far is a real match */
        r->partial = 1;
        st = GZ_OK;
    }
    gz_free(ti);
    gz_free(found);
    gz_free(df);
    return sr_scorer_finish(&sc, st);
}
