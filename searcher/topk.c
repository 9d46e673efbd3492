/* searcher/topk.c: the order of hits and the heap keeping the best of them. */
#include "searcher/topk.h"

int sr_cmp_hit_score(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    if (x->seg != y->seg)
        return x->seg < y->seg ? -1 : 1;
    return (x->unit > y->unit) - (x->unit < y->unit);
}

int sr_cmp_hit_date(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? 1 : -1;
    return sr_cmp_hit_score(a, b);
}

/* Keeps the `want` best hits in a max-heap, the worst on top (h[0]). */
void sr_heap_offer(hit *h, size_t *k, size_t want, const hit *x, int (*cmp)(const void *, const void *))
{
    if (*k < want) {
        size_t c = (*k)++;
        while (c && cmp(&h[(c - 1) / 2], x) < 0) {
            h[c] = h[(c - 1) / 2];
            c = (c - 1) / 2;
        }
        h[c] = *x;
        return;
    }
    if (!want || cmp(x, &h[0]) >= 0)
        return;
    size_t c = 0;
    for (;;) {
        size_t l = 2 * c + 1, r = l + 1, m = c;
        const hit *mv = x;
        if (l < *k && cmp(mv, &h[l]) < 0)
            m = l, mv = &h[l];
        if (r < *k && cmp(mv, &h[r]) < 0)
            m = r, mv = &h[r];
        if (m == c)
            break;
        h[c] = h[m];
        c = m;
    }
    h[c] = *x;
}
