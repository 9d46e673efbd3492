/* searcher/budget.h (private): a query's budget of work, memory and CPU
 * time, spent as it runs. The budget of the query this thread is running
 * is reached through sr_budget_now, so the matching and scoring loops
 * (match.c, run.c, prune_or.c, direct.c) spend from it without carrying
 * it in every call. */
#ifndef GZ_SEARCHER_BUDGET_H
#define GZ_SEARCHER_BUDGET_H

#include "searcher/searcher.h"

typedef enum sr_over { SR_WITHIN = 0, SR_OVER_WORK, SR_OVER_MEMORY, SR_OVER_TIME, SR_OVER_WORDS } sr_over;

typedef struct sr_budget {
    uint64_t work;       /* postings, positions and units read so far */
    uint64_t limit;      /* spending stops here (a phase may hold some back) */
    uint64_t next_check; /* memory and time are read again here */
    sr_limits max;       /* the request's limits, defaults filled in */
    int64_t mem_base;    /* gz_alloc_live() at the start */
    uint64_t cpu_start;  /* thread CPU time at the start, ns */
    sr_over over;        /* the first limit passed, or SR_WITHIN */
} sr_budget;

/* What opening a postings cursor is charged, in units of work: a
 * dictionary lookup and a block decoded. */
#define SR_CURSOR_COST 64

/* The budget of the query the calling thread runs, or NULL (no bound). */
extern _Thread_local sr_budget *sr_budget_now;

/* Starts b with lim (zero work and memory take the SR_DEFAULT_* values,
 * zero cpu_ms is no time limit) and makes
 * it this thread's; sr_budget_end() stops bounding and returns how much
 * memory the request held at most, in bytes. */
void sr_budget_begin(sr_budget *b, const sr_limits *lim);
size_t sr_budget_end(sr_budget *b);

/* Holds back work for a later phase: until sr_budget_phase_end(), only
 * pct percent of what is left may be spent (matching keeps some for
 * scoring what it matched). No-ops without a budget. */
void sr_budget_phase(unsigned pct);
void sr_budget_phase_end(void);

/* Reads memory and time; GZ_LIMIT once any limit is passed (it stays so). */
gz_status sr_budget_check(sr_budget *b);

/* Spends n units of work: GZ_OK, or GZ_LIMIT when the budget is spent.
 * Memory and CPU time are read every few thousand units. */
static inline gz_status sr_spend(uint64_t n)
{
    sr_budget *b = sr_budget_now;
    if (!b)
        return GZ_OK;
    b->work += n;
    return b->work < b->next_check && !b->over ? GZ_OK : sr_budget_check(b);
}

/* Is the budget spent? (without spending) */
static inline int sr_budget_spent(void) { return sr_budget_now && sr_budget_now->over; }

#endif
