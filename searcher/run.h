/* searcher/run.h (private): running a query plan over every segment (run.c). */
#ifndef GZ_SEARCHER_RUN_H
#define GZ_SEARCHER_RUN_H

#include "searcher/index.h"
#include "searcher/query.h"
#include "searcher/topk.h"

typedef struct run_opts {
    size_t want;    /* keep only the best `want` (0: keep every hit) */
    int (*cmp)(const void *, const void *);
    int prune;      /* with want: skip units whose bound cannot enter the best */
    size_t *year_n, *iss_n, *kind_n; /* facet counters over every match, or NULL */
    size_t *vstat_n; /* with them: matches by SR_VS_* of their document (versions.h), or NULL */
    /* with prune: past this many postings of the driving word, the direct
     * path counts a sample of the matches (direct.c, sr_count); 0: all */
    size_t count_exact;
    /* a question's law evidence (score.h): by_law asks sr_run for it,
     * which scores with it (law; NULL: none) */
    int by_law;
    const struct run_law *law;
} run_opts;

/* A question's law evidence from a first scoring (score.h): per segment,
 * per document, what is added to each of its units' scores; the units it
 * ranked (segment << 32 | unit, in order); and the least score it ranked,
 * which no unit it did not rank exceeds (-HUGE_VAL: it ranked them all). */
typedef struct run_law {
    double **add;
    /* per segment, per document: 1 + its entry in ext, 0: none */
    uint8_t **ext_of;
    struct law_ext *ext;
    size_t n_ext;
    uint64_t *ranked;
    size_t n_ranked;
    double floor;
} run_law;

typedef struct run_out {
    hit *hits;      /* every hit, or the best `want` in no order */
    size_t n_hits;
    size_t total;   /* live matching units */
    int total_estimated; /* total is an estimate from a sample (run_opts.count_exact) */
    double facet_scale;  /* the facets counted a sample: their counts times this; 0: every match */
    size_t bounded; /* units whose own bound was taken (their cheap parts) */
    size_t scored;  /* units scored in full */
    size_t blocks, skipped; /* direct path: postings blocks met, skipped undecoded */
    int partial;    /* the budget ran out: hits and total are what was found */
} run_out;

/* Runs plan over every segment: matches (exhaustively where totals and
 * facets need every match), scores the live matching units and keeps the
 * best o->want (or all), counting the total and the facets. Past the
 * thread's budget (budget.h) it stops and sets r->partial: a segment whose
 * matching was cut is left out whole, so every hit is a real match. */
gz_status sr_run(sr_index *ix, const q_plan *plan, const run_opts *o, run_out *r);

#endif
