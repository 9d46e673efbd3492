/* tests/helpers.h: shared by the Criterion suites: reading files, finding
 * the corpora, walking a gz_doc. */
#ifndef GZ_TESTS_HELPERS_H
#define GZ_TESTS_HELPERS_H

#include "common/testing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static inline char *th_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    if (b) {
        b[n] = 0;
        *len = (size_t)n;
    }
    return b;
}

/* A corpus of one file: makes the directory from its mkdtemp template
 * dir and writes text to dir/name (test code: aborts on failure). */
static inline void th_write_corpus(char *dir, const char *name, const char *text)
{
    char path[4200];
    if (!mkdtemp(dir))
        abort();
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        abort();
}

/* The shared corpora, or NULL (the caller skips and says why). */
static inline const char *th_corpus_dir(void)
{
    static char path[4096];
    const char *env = getenv("GAZETTE_CORPUS");
    snprintf(path, sizeof path, "%s", env && *env ? env : GZ_DEFAULT_CORPUS);
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? path : NULL;
}

/* Fills dir (a char array) with <corpus>/laws, or skips the calling test
 * and says so on stderr: when there is no corpus, or when
 * GAZETTE_TEST_SCOPE=sample (the sanitizer run of `make test`, which leaves
 * the corpus-wide tests to the optimised run). For Criterion tests only. */
#define TH_LAWS_OR_SKIP(dir)                                                                     \
    do {                                                                                         \
        const char *corpus_ = th_corpus_dir();                                                   \
        const char *scope_ = getenv("GAZETTE_TEST_SCOPE");                                       \
        if (scope_ && strcmp(scope_, "sample") == 0) {                                           \
            fprintf(stderr, "SKIP %s here: corpus-wide tests run in the optimised build\n",      \
                    __func__);                                                                   \
            cr_skip_test("corpus-wide: run by the optimised build (GAZETTE_TEST_SCOPE=sample)");  \
        }                                                                                        \
        if (!corpus_) {                                                                          \
            fprintf(stderr, "SKIP %s: no corpus at GAZETTE_CORPUS or %s\n", __func__,            \
                    GZ_DEFAULT_CORPUS);                                                          \
            cr_skip_test("corpus not found (set GAZETTE_CORPUS)");                              \
        }                                                                                        \
        snprintf(dir, sizeof dir, "%s/laws", corpus_);                                           \
    } while (0)

#define TH_SEED GZ_SAMPLE_DIR "/seed/yijinhuoluo-2023-11-12.txt"

/* A seeded xorshift64 step. */
static inline uint64_t th_rnd(uint64_t *s)
{
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return *s;
}

/* A random run of 1..max Han characters of text (NUL-ended into out, which
 * holds 4 * max + 1 bytes); its byte length, or 0 if none was found. */
static inline size_t th_han_run(const char *text, size_t len, uint64_t *rng, int max, char *out)
{
    for (int tries = 0; tries < 10000; tries++) {
        size_t at = th_rnd(rng) % len;
        size_t want = 1 + (size_t)((th_rnd(rng) >> 40) % (uint64_t)max);
        size_t n = gz_han_run_at(text, len, at, want, out);
        if (n)
            return n;
    }
    return 0;
}

/* First node of kind k under (and including) id whose number is num
 * (GZ_NONE: any), in document order; GZ_NONE if none. */
static inline int32_t th_find(const gz_doc *d, int32_t id, gz_kind k, int64_t num)
{
    const gz_node *n = &d->nodes[id];
    if (n->kind == k && (num == GZ_NONE || n->number == num))
        return id;
    for (int32_t c = n->first_child; c != GZ_NONE; c = d->nodes[c].next_sibling) {
        int32_t r = th_find(d, c, k, num);
        if (r != GZ_NONE)
            return r;
    }
    return GZ_NONE;
}

static inline size_t th_count(const gz_doc *d, int32_t id, gz_kind k)
{
    const gz_node *n = &d->nodes[id];
    size_t c = n->kind == k;
    for (int32_t ch = n->first_child; ch != GZ_NONE; ch = d->nodes[ch].next_sibling)
        c += th_count(d, ch, k);
    return c;
}

static inline size_t th_children(const gz_doc *d, int32_t id, gz_kind k)
{
    size_t c = 0;
    for (int32_t ch = d->nodes[id].first_child; ch != GZ_NONE; ch = d->nodes[ch].next_sibling)
        c += d->nodes[ch].kind == k;
    return c;
}

#endif
