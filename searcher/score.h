/* searcher/score.h (private): scoring a unit (score.c), shared by the
 * paths that find the units to score (run.c, prune_or.c, direct.c). */
#ifndef GZ_SEARCHER_SCORE_H
#define GZ_SEARCHER_SCORE_H

#include "searcher/eval.h"
#include "searcher/index.h"
#include "searcher/match.h"
#include "searcher/run.h"

#define BM25_K1 1.2
#define BM25_B 0.75
#define W_TITLE 0.6
#define W_TITLE_Q 0.0 /* for a question, whose words are many and common */
#define W_WORD 0.5
#define W_LABEL 3.0
#define W_PROX 0.5
#define W_WHOLE 1.0 /* a token matched whole, over one found inside a longer */

static inline double bm25(double idf, double tf, double len, double avg)
{
    return idf * tf * (BM25_K1 + 1) / (tf + BM25_K1 * (1 - BM25_B + BM25_B * len / avg));
}

/* The final score from its parts; the bound uses the same expression with
 * the bounds of the costly parts, so bound >= score in floating point too. */
static inline double combine(double cheap, double costly, double qf, double am, double add)
{
    return (cheap + costly) * qf * am + add;
}

/* A question's document factor: 1 + W_COVER x the share of the question's
 * words the document holds anywhere (a law that answers a question
 * speaks of most of it, if not in one article). */
#define W_COVER 8.0

static inline double cover(size_t held, size_t n) { return 1.0 + W_COVER * (double)held / (double)(n ? n : 1); }

/* A question's unit shorter than SHORT_LEN positions (a heading, 本法自
 * 公布之日起施行) answers no question, however BM25's length norm
 * favours it: its score is W_SHORT times less. */
#define SHORT_LEN 20
#define W_SHORT 0.5

/* A question's word held by a heading (第二章 合同的订立, 第四节 房屋租赁, a
 * plan's 一、…) counts for the articles below it, at W_HEAD x its IDF, in
 * the articles that hold some word of the question themselves: the
 * heading says what they are about (转租 under 租赁合同). */
#define W_HEAD 1.0
/* The first article below such a heading states what the heading is
 * about (仓储合同是保管人储存存货人交付的仓储物…的合同: the definition, or
 * the scope, that the articles after it take as read): the heading's word
 * counts W_HEAD_FIRST x its IDF more there. */
#define W_HEAD_FIRST 1.0

/* Word-field cursors of one segment, per leaf and word, opened lazily. */
typedef struct word_cursors {
    gz_post *p;
    signed char *state; /* 0 unopened, 1 open, -1 absent */
    size_t *base;       /* per leaf: index of its first word */
    size_t n;
} word_cursors;

/* Scoring state of one run: the query's constants, the per-segment cursors
 * of the costly parts, and the page being kept. */
typedef struct scorer {
    sr_index *ix;
    const q_plan *plan;
    const run_opts *o;
    run_out *r;
    size_t n_leaf;
    double *idf, *pidf;
    int64_t *label_num;
    int any_label;
    double w_title; /* W_TITLE, or W_TITLE_Q for a question */
    /* per unit, filled by the caller: each positive leaf's tf there (0:
     * absent), and whether the unit's document title holds it */
    uint32_t *tf;
    uint8_t *title;
    uint8_t *head; /* a heading above the unit holds the word: 1, and the
                    * unit is the first article below it: 2 */
    /* per segment being scored, for a question: per leaf, the bitset
     * (n_bits 64-bit words) of the articles below a heading holding it */
    uint64_t *head_bits;
    size_t n_bits;
    /* and per leaf the first article below each such heading, in order,
     * at firsts[first_at[l], first_at[l + 1]); head_bits' plane n_leaf
     * marks them all */
    uint32_t *firsts;
    size_t *first_at;
    int head_kept; /* head_bits, firsts and first_at belong to a kept OR
                    * setup (prune_or.h), not freed here */
    /* costly parts, per segment */
    word_cursors wc;
    size_t *pl, *n_at;
    const uint32_t **at;
    sr_matcher **mt;
    /* the page */
    hit *hits;
    size_t n_hits, cap;
    int keep_all;
} scorer;

/* The page is full and x cannot enter it. Pruning orders by score (by
 * date nothing is pruned), ties broken by place (sr_cmp_hit_score: the
 * earlier segment, then the earlier unit, wins), so a tie with the page's
 * worst enters only from an earlier place: x may be a bound, at the first
 * place of the units it bounds, and the units may be visited in any order.
 * The comparison is strict on the score and the place alike, so that many
 * equal scores (copies of a text) are skipped once the page holds the
 * earliest of them. */
static inline int cannot_enter(const scorer *sc, const hit *x)
{
    if (sc->keep_all || !sc->o->prune || sc->n_hits != sc->o->want)
        return 0;
    const hit *w = &sc->hits[0];
    if (x->score != w->score)
        return x->score < w->score;
    return x->seg != w->seg ? x->seg > w->seg : x->unit >= w->unit;
}

gz_status sr_scorer_init(scorer *sc, sr_index *ix, const q_plan *plan, const run_opts *o, run_out *r,
                          const double *df);
/* For a question, sc->head_bits and sc->firsts of segment s from its
 * leaves' match lists (sr_scorer_segment_end frees them). */
gz_status sr_scorer_headings(scorer *sc, size_t s, const seg_eval *se);
/* The leaves of the headings unit u is the first article below (0: none). */
uint64_t sr_scorer_first(const scorer *sc, uint32_t u);
/* Sets sc->head for unit u of the segment being scored. */
void sr_scorer_head(scorer *sc, uint32_t u);
/* Hands the page to the run's output if st is GZ_OK; frees the rest. */
gz_status sr_scorer_finish(scorer *sc, gz_status st);
void sr_scorer_segment_begin(scorer *sc);
void sr_scorer_segment_end(scorer *sc);
/* Scores live unit u of segment s (document doc) from sc->tf and
 * sc->title, with the any-word factor am and bonus add, and offers it to
 * the page: the cheap parts first, the costly ones only if the bound lets
 * the unit in. */
gz_status sr_score_unit(scorer *sc, size_t s, uint32_t u, uint32_t doc, double am, double add);
/* Counts unit u of document doc in the run's facets, if asked. */
static inline void sr_count_facets(const run_opts *o, const sr_segtab *t, uint32_t u, uint32_t doc)
{
    if (!o->year_n)
        return;
    if (t->year[doc])
        o->year_n[t->year[doc] % 10000]++;
    o->iss_n[t->issuer[doc]]++;
    o->kind_n[t->kind[u]]++;
    if (o->vstat_n)
        o->vstat_n[t->vstat[doc]]++;
}

/* A question's law evidence: each document holding one of the best
 * SR_LAW_UNITS units by score adds W_LAW x the best of their scores to
 * every one of its units. The articles of a law whose best article
 * answers the question well rise above a lone match in a law that answers
 * it weakly. The order is a function of the question alone, the same for
 * every page and depth (sr_run: a first scoring ranks the best K =
 * max(SR_LAW_UNITS, want) units; the second offers them again with what
 * their documents add, and scores only the other units of the documents
 * lifted, each at most the first's least score plus that). */
#define SR_LAW_UNITS 50
#define W_LAW 0.4
/* A law whose title and headings hold the question's words is about what
 * it asks (第六章 房屋租赁 for a tenant's question), wherever its articles
 * rank: its evidence is 1 + W_LAW_HEADS x their share of the question's
 * words (by weight: a thesaurus word counts less) times more. */
#define W_LAW_HEADS 0.1

/* Within a law: the first SR_LAW_DOCS_IN documents of those units (in
 * their order) rank their units again among themselves, by BM25 over
 * the question's words with each word's IDF within the document's work
 * (the units of its parts, 民法典's books, as N, those holding the word
 * as df): a word that most of a law's
 * articles hold (劳动合同 in the 劳动合同法) tells them apart less than a
 * word few of them hold, however rare each is across the laws. The unit
 * scoring most there gets W_IN x the document's best score more, the
 * others their share of it. */
#define SR_LAW_DOCS_IN 15
#define W_IN 0.2

/* The law evidence of a first scoring that ranked hits[0..n) (any order;
 * sorted here) of at most k: the documents of the best SR_LAW_UNITS, the
 * units ranked and the least score (none past it if n < k), and the
 * units of the best SR_LAW_DOCS_IN documents within them, from the
 * question plan's match lists se (per segment). Free with sr_law_fini. */
gz_status sr_law_init(run_law *law, const sr_index *ix, hit *hits, size_t n, size_t k, const q_plan *plan,
                      const seg_eval *se);
void sr_law_fini(run_law *law, const sr_index *ix);

/* A document's units ranked again among themselves (W_IN): the first
 * unit, how many, what each adds, and the most it adds to one. */
typedef struct law_ext {
    uint32_t first, n;
    double most;
    double *add;
} law_ext;

/* The most run_opts.law adds to a unit of document doc of segment s. */
static inline double sr_doc_add(const run_opts *o, size_t s, uint32_t doc)
{
    if (!o->law)
        return 0;
    uint8_t e = o->law->ext_of[s][doc];
    return o->law->add[s][doc] + (e ? o->law->ext[e - 1].most : 0);
}

/* What run_opts.law adds to unit u of document doc of segment s. */
static inline double sr_unit_add(const run_opts *o, size_t s, uint32_t doc, uint32_t u)
{
    if (!o->law)
        return 0;
    uint8_t e = o->law->ext_of[s][doc];
    return o->law->add[s][doc] + (e ? o->law->ext[e - 1].add[u - o->law->ext[e - 1].first] : 0);
}

/* Did the first scoring rank unit u of segment s? */
int sr_law_ranked(const run_law *law, size_t s, uint32_t u);

/* A document's weight for questions, from its title: 1 for a national law
 * (中华人民共和国…) or a judicial interpretation (最高人民法院…), which a
 * question from the public asks about first; less for a local regulation
 * (the title begins with a place: 广东省, 深圳经济特区), and for the rest.
 * In (0, 1]. */
float sr_title_prior(const char *title);

#endif
