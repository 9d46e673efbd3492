/* searcher/cache.c: the match lists of words that were costly to match
 * (phrases of several grams, prefixes), kept per snapshot and segment, so a
 * word that recurs across queries (人民政府, 规定) is matched once. A
 * snapshot never changes, so an entry never goes stale; the cache is
 * bounded in bytes and drops the least recently used entries past it. */
#include "common/probe.h"
#include "searcher/cache.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define SLOTS 4096 /* a power of two; at most half are used */

typedef struct entry {
    char *text; /* NULL: free */
    size_t seg;
    uint64_t hash, used;
    uint32_t *unit, *tf;
    size_t n;
} entry;

struct sr_cache {
    entry slot[SLOTS];
    size_t n, bytes, budget;
    uint64_t clock;
};

sr_cache *sr_cache_open(size_t budget)
{
    sr_cache *c = gz_calloc(1, sizeof *c);
    if (c)
        c->budget = budget;
    return c;
}

static void drop(sr_cache *c, entry *e)
{
    c->bytes -= e->n * 2 * sizeof(uint32_t) + strlen(e->text) + sizeof *e;
    gz_free(e->text);
    gz_free(e->unit);
    gz_free(e->tf);
    memset(e, 0, sizeof *e);
    c->n--;
}

void sr_cache_close(sr_cache *c)
{
    for (size_t i = 0; c && i < SLOTS; i++)
        if (c->slot[i].text)
            drop(c, &c->slot[i]);
    gz_free(c);
}

static uint64_t key_hash(size_t seg, const char *text)
{
    return XXH3_64bits_withSeed(text, strlen(text), seg);
}

/* The slot of (seg, text), or of the free slot where it would go. */
static entry *find(sr_cache *c, size_t seg, const char *text, uint64_t h)
{
    for (size_t i = gz_probe_first(h, SLOTS);; i = gz_probe_next(i, SLOTS)) {
        entry *e = &c->slot[i];
        if (!e->text || (e->hash == h && e->seg == seg && strcmp(e->text, text) == 0))
            return e;
    }
}

int sr_cache_get(sr_cache *c, size_t seg, const char *text, ulist *out)
{
    if (!c)
        return 0;
    entry *e = find(c, seg, text, key_hash(seg, text));
    if (!e->text || ul_reserve(out, e->n) != GZ_OK)
        return 0;
    if (e->n) {
        memcpy(out->unit, e->unit, e->n * sizeof *e->unit);
        memcpy(out->tf, e->tf, e->n * sizeof *e->tf);
    }
    out->n = e->n;
    e->used = ++c->clock;
    return 1;
}

/* Removes the least recently used entry; the table is then re-packed (a
 * removal in open addressing must not break the chains behind it). */
static void evict_one(sr_cache *c)
{
    entry *old = NULL;
    for (size_t i = 0; i < SLOTS; i++)
        if (c->slot[i].text && (!old || c->slot[i].used < old->used))
            old = &c->slot[i];
    if (!old)
        return;
    drop(c, old);
    /* backward-shift: pull each later entry of the run into the hole when
     * its home slot does not lie between the hole and it */
    size_t hole = (size_t)(old - c->slot);
    for (size_t i = gz_probe_next(hole, SLOTS); c->slot[i].text; i = gz_probe_next(i, SLOTS)) {
        if (gz_probe_can_fill(hole, i, gz_probe_first(c->slot[i].hash, SLOTS))) {
            c->slot[hole] = c->slot[i];
            memset(&c->slot[i], 0, sizeof c->slot[i]);
            hole = i;
        }
    }
}

void sr_cache_put(sr_cache *c, size_t seg, const char *text, const ulist *l)
{
    size_t bytes = l->n * 2 * sizeof(uint32_t) + strlen(text) + sizeof(entry);
    if (!c || bytes > c->budget / 4)
        return; /* one word may not take a quarter of it */
    uint64_t h = key_hash(seg, text);
    if (find(c, seg, text, h)->text)
        return;
    while (c->n > 0 && (c->bytes + bytes > c->budget || c->n >= SLOTS / 2))
        evict_one(c);
    entry *e = find(c, seg, text, h);
    e->text = gz_strndup(text, strlen(text));
    e->unit = gz_alloc((l->n + 1) * sizeof *e->unit);
    e->tf = gz_alloc((l->n + 1) * sizeof *e->tf);
    if (!e->text || !e->unit || !e->tf) {
        gz_free(e->text);
        gz_free(e->unit);
        gz_free(e->tf);
        memset(e, 0, sizeof *e);
        return;
    }
    if (l->n) {
        memcpy(e->unit, l->unit, l->n * sizeof *e->unit);
        memcpy(e->tf, l->tf, l->n * sizeof *e->tf);
    }
    e->n = l->n;
    e->seg = seg;
    e->hash = h;
    e->used = ++c->clock;
    c->n++;
    c->bytes += bytes;
}
