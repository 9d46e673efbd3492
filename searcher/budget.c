/* searcher/budget.c: the per-request bound on a query's work, memory and
 * CPU time (docs/reliability.md). Work is counted exactly as the loops
 * spend it; memory (this thread's bytes through the allocation hooks) and
 * CPU time are read every SR_CHECK_EVERY units, which at a few
 * nanoseconds a unit is well under a millisecond apart. */
#include "searcher/budget.h"

#include <time.h>

#define SR_CHECK_EVERY 4096

_Thread_local sr_budget *sr_budget_now;

static uint64_t cpu_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void sr_budget_begin(sr_budget *b, const sr_limits *lim)
{
    memset(b, 0, sizeof *b);
    if (lim)
        b->max = *lim;
    if (!b->max.work)
        b->max.work = SR_DEFAULT_WORK;
    if (!b->max.memory)
        b->max.memory = SR_DEFAULT_MEMORY;
    b->limit = b->max.work;
    b->next_check = SR_CHECK_EVERY;
    b->mem_base = gz_alloc_live();
    gz_alloc_peak_reset();
    b->cpu_start = b->max.cpu_ms ? cpu_ns() : 0;
    sr_budget_now = b;
}

size_t sr_budget_end(sr_budget *b)
{
    if (sr_budget_now == b)
        sr_budget_now = NULL;
    int64_t held = gz_alloc_peak() - b->mem_base;
    return held > 0 ? (size_t)held : 0;
}

gz_status sr_budget_check(sr_budget *b)
{
    if (!b->over) {
        if (b->work >= b->limit)
            b->over = SR_OVER_WORK;
        else if (gz_alloc_live() - b->mem_base > (int64_t)b->max.memory)
            b->over = SR_OVER_MEMORY;
        else if (b->max.cpu_ms && cpu_ns() - b->cpu_start > (uint64_t)b->max.cpu_ms * 1000000u)
            b->over = SR_OVER_TIME;
    }
    b->next_check = b->work + SR_CHECK_EVERY < b->limit ? b->work + SR_CHECK_EVERY : b->limit;
    return b->over ? GZ_LIMIT : GZ_OK;
}

void sr_budget_phase(unsigned pct)
{
    sr_budget *b = sr_budget_now;
    if (!b || b->over)
        return;
    b->limit = b->work + (b->max.work > b->work ? (b->max.work - b->work) / 100 * pct : 0);
    if (b->next_check > b->limit)
        b->next_check = b->limit;
}

void sr_budget_phase_end(void)
{
    sr_budget *b = sr_budget_now;
    if (!b)
        return;
    b->limit = b->max.work;
    if (b->over == SR_OVER_WORK && b->work < b->limit)
        b->over = SR_WITHIN; /* the phase's share was spent, not the budget */
    b->next_check = b->work + SR_CHECK_EVERY < b->limit ? b->work + SR_CHECK_EVERY : b->limit;
}
