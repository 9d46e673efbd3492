/* Our segmenter (analysis/segmenter.c) against ICU's word break: every
 * boundary and rule status equal, on the sample, the laws corpus, the seed
 * and the Mongolian samples, and on seeded random mixes of Han, kana, Latin,
 * digits, punctuation and the characters ICU's rules treat specially. ICU is
 * the oracle; any difference fails and prints the text around it. */
#include "analysis/analysis.h"
#include "analysis/testing.h"
#include "corpus/corpus.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

static an_segmenter *seg;
static UBreakIterator *icu;
static UText *ut;

static void open_seg(void)
{
    gz_error err = {0};
    cr_assert_eq(an_segmenter_open(&seg, 0, &err), GZ_OK, "%s", err.msg);
    UErrorCode ec = U_ZERO_ERROR;
    icu = ubrk_open(UBRK_WORD, "zh", NULL, 0, &ec);
    cr_assert(U_SUCCESS(ec));
}

static void close_seg(void)
{
    an_segmenter_close(seg);
    ubrk_close(icu);
    utext_close(ut);
    ut = NULL;
}

TestSuite(segmenter, .init = open_seg, .fini = close_seg, .timeout = 900);

/* Compares our boundaries with ICU's on text; 0 if equal, else 1 after
 * logging the first difference with the text around it. */
static int differs(const char *what, const char *text, size_t len)
{
    const int32_t *ends, *status;
    size_t n;
    cr_assert_eq(an_segmenter_break(seg, text, len, &ends, &status, &n), GZ_OK);
    UErrorCode ec = U_ZERO_ERROR;
    ut = utext_openUTF8(ut, text, (int64_t)len, &ec);
    ubrk_setUText(icu, ut, &ec);
    cr_assert(U_SUCCESS(ec));
    ubrk_first(icu);
    size_t k = 0;
    int32_t e, icu_status = -1;
    for (;; k++) {
        e = ubrk_next(icu);
        if (e == UBRK_DONE) {
            if (k == n)
                return 0;
            e = -1; /* ICU has no more */
            break;
        }
        icu_status = ubrk_getRuleStatus(icu);
        if (k >= n || ends[k] != e || status[k] != icu_status)
            break;
    }
    int32_t ours = k < n ? ends[k] : -1, at = e >= 0 && (e < ours || ours < 0) ? e : ours;
    int32_t lo = at > 40 ? at - 40 : 0, hi = at + 40 < (int32_t)len ? at + 40 : (int32_t)len;
    while (lo > 0 && U8_IS_TRAIL(text[lo]))
        lo--;
    while (hi < (int32_t)len && U8_IS_TRAIL(text[hi]))
        hi++;
    cr_log_error("%s: segment %zu: ICU ends it at byte %d (status %d), we at %d (status %d): \"%.*s\" | \"%.*s\"",
                 what, k, e, e < 0 ? -1 : icu_status, ours, k < n ? status[k] : -1,
                 at - lo, text + lo, hi - at, text + at);
    return 1;
}

/* Every file under dir, whole and raw, then as the parser's cleaned lines
 * (what the indexer analyses). Returns the number of files checked. */
static size_t check_dir(const char *dir, size_t *bad)
{
    char **files;
    size_t n;
    gz_error err;
    cr_assert_eq(cp_list_files(dir, &files, &n, &err), GZ_OK, "%s", err.msg);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        char *text = th_read(files[i], &len);
        cr_assert_not_null(text, "%s", files[i]);
        *bad += (size_t)differs(files[i], text, len);
        free(text);
        gz_doc d;
        gz_doc_init(&d);
        if (cp_parse_file(files[i], CP_FORMAT_AUTO, &d, &err) == GZ_OK)
            *bad += (size_t)differs(files[i], d.text, d.text_len);
        gz_doc_fini(&d);
    }
    cp_paths_free(files, n);
    return n;
}

/* Plain text files (the Mongolian samples are not Markdown or bulletins). */
static size_t check_plain_dir(const char *dir, size_t *bad)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "%s", dir);
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[4600];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        size_t len;
        char *text = th_read(path, &len);
        if (!text)
            continue;
        *bad += (size_t)differs(path, text, len);
        free(text);
        n++;
    }
    closedir(d);
    return n;
}

Test(segmenter, dictionary_read_from_icu)
{
    /* the same boundaries as ICU on a phrase whose cut needs the dictionary
     * (a character-by-character cut would differ) */
    static const char s[] = "中华人民共和国职工代表大会";
    cr_assert_eq(differs("phrase", s, sizeof s - 1), 0);
    const int32_t *ends, *status;
    size_t n;
    cr_assert_eq(an_segmenter_break(seg, s, sizeof s - 1, &ends, &status, &n), GZ_OK);
    cr_assert_lt(n, 13, "words, not characters: %zu segments", n);
    size_t fast, slow;
    an_segmenter_counts(seg, &fast, &slow);
    cr_assert_gt(fast, 0, "the phrase took our own path");
}

Test(segmenter, sample_equals_icu)
{
    size_t bad = 0, n = check_dir(GZ_SAMPLE_DIR, &bad);
    cr_assert_geq(n, 7);
    cr_assert_eq(bad, 0, "%zu texts differ from ICU", bad);
}

Test(segmenter, laws_seed_and_mongolian_equal_icu)
{
    char dir[4200];
    TH_LAWS_OR_SKIP(dir);
    size_t bad = 0, n = check_dir(dir, &bad);
    char other[4300];
    snprintf(other, sizeof other, "%s/../seed", dir);
    n += check_dir(other, &bad);
    snprintf(other, sizeof other, "%s/../mongolian", dir);
    size_t mong = check_plain_dir(other, &bad);
    size_t fast, slow;
    an_segmenter_counts(seg, &fast, &slow);
    fprintf(stderr, "segmenter: %zu corpus files and %zu Mongolian samples, %zu differ from ICU; %.1f%% of "
                    "code points on our own paths\n",
            n, mong, bad, 100.0 * (double)fast / (double)(fast + slow));
    cr_assert_geq(n, 4000);
    cr_assert_geq(mong, 1);
    cr_assert_eq(bad, 0, "%zu texts differ from ICU", bad);
}

static uint64_t rnd(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return *s = x;
}

/* The palette of the random mixes: common ideographs (so dictionary words
 * occur), kana with the marks ICU treats apart, Latin, digits, punctuation
 * of both widths, and what ICU's rules join or attach. */
static const int32_t palette[] = {
    /* Han: words of the seed and the laws, and rarer forms */
    0x4E2D, 0x534E, 0x4EBA, 0x6C11, 0x5171, 0x548C, 0x56FD, 0x804C, 0x5DE5, 0x4EE3, 0x8868, 0x5927, 0x4F1A,
    0x653F, 0x5E9C, 0x529E, 0x516C, 0x5BA4, 0x5173, 0x4E8E, 0x5370, 0x53D1, 0x901A, 0x77E5, 0x7B2C, 0x6761,
    0x6CD5, 0x5F8B, 0x89C4, 0x5B9A, 0x7BA1, 0x7406, 0x4F01, 0x4E1A, 0x9886, 0x5BFC, 0x5E72, 0x90E8, 0x4E00,
    0x4E8C, 0x4E09, 0x5341, 0x767E, 0x5E74, 0x6708, 0x65E5, 0x7684, 0x662F, 0x4E0D, 0x5728, 0x6709, 0x5E94,
    0x5F53, 0x3005, 0x3007, 0x20000, 0x2A6D6, 0xF900, 0xFA0E, 0x2F00,
    /* kana */
    0x3042, 0x3044, 0x3046, 0x304C, 0x3057, 0x3066, 0x306E, 0x3092, 0x3093, 0x3099, 0x309B, 0x309D, 0x309F,
    0x30A2, 0x30AB, 0x30BF, 0x30CA, 0x30FC, 0x30FB, 0x30FD, 0x30FF, 0x31F0, 0xFF76, 0xFF9E, 0xFF70, 0x3031,
    /* Latin, digits, Hangul, Thai, Mongolian, Hebrew */
    'a', 'b', 'Z', 'e', '0', '1', '9', 0xFF11, 0xFF41, 0xAC00, 0xAC01, 0x0E01, 0x0E32, 0x1820, 0x1821, 0x180B,
    0x202F, 0x05D0,
    /* punctuation and spaces */
    ' ', ' ', '\n', '\r', '\t', ',', '.', ':', ';', '\'', '"', '@', '_', '-', '/', '(', ')', 0x3001, 0x3002,
    0xFF0C, 0xFF1A, 0xFF1B, 0xFF08, 0xFF09, 0x300A, 0x300B, 0x201C, 0x201D, 0x3000, 0x00B7, 0x2027, 0xFF0E,
    /* attached, joined, emoji */
    0x0301, 0x200D, 0x200B, 0xFE0F, 0x00AD, 0x1F600, 0x2764, 0x1F1E8, 0x1F1F3, 0x1F3FB, 0x00A9, '#',
};

static size_t random_text(uint64_t *state, const char *corpus, size_t corpus_len, char *out, size_t cap)
{
    size_t len = 0, pieces = 1 + rnd(state) % 12;
    for (size_t p = 0; p < pieces; p++) {
        if (corpus && rnd(state) % 3 == 0) {
            /* a stretch of real text */
            size_t at = rnd(state) % corpus_len, n = 3 + rnd(state) % 40;
            while (at > 0 && U8_IS_TRAIL(corpus[at]))
                at--;
            size_t end = at + n < corpus_len ? at + n : corpus_len;
            while (end < corpus_len && U8_IS_TRAIL(corpus[end]))
                end++;
            if (len + (end - at) < cap) {
                memcpy(out + len, corpus + at, end - at);
                len += end - at;
            }
            continue;
        }
        size_t n = 1 + rnd(state) % 6;
        for (size_t k = 0; k < n; k++) {
            int32_t c = palette[rnd(state) % (sizeof palette / sizeof palette[0])];
            if (len + 4 < cap)
                U8_APPEND_UNSAFE(out, len, c);
        }
    }
    return len;
}

static void random_mixes(size_t count, uint64_t seed)
{
    size_t corpus_len = 0;
    char *corpus = th_read(TH_SEED, &corpus_len);
    cr_assert_not_null(corpus);
    uint64_t state = seed;
    char buf[1024];
    size_t bad = 0;
    for (size_t i = 0; i < count; i++) {
        size_t len = random_text(&state, corpus, corpus_len, buf, sizeof buf);
        char what[64];
        snprintf(what, sizeof what, "random mix %zu (seed %llu)", i, (unsigned long long)seed);
        bad += (size_t)differs(what, buf, len);
    }
    free(corpus);
    cr_assert_eq(bad, 0, "%zu of %zu random mixes differ from ICU", bad, count);
}

Test(segmenter, random_mixes_equal_icu) { random_mixes(20000, 0x5EED5EEDull); }

Test(segmenter, icu_only_switch_gives_the_same)
{
    /* the comparison switch: ICU alone, through the same interface */
    an_segmenter *alone;
    gz_error err = {0};
    cr_assert_eq(an_segmenter_open(&alone, 1, &err), GZ_OK, "%s", err.msg);
    static const char s[] = "伊金霍洛旗属国有企业领导人员管理办法第四十六条。";
    const int32_t *e1, *s1, *e2, *s2;
    size_t n1, n2;
    cr_assert_eq(an_segmenter_break(seg, s, sizeof s - 1, &e1, &s1, &n1), GZ_OK);
    cr_assert_eq(an_segmenter_break(alone, s, sizeof s - 1, &e2, &s2, &n2), GZ_OK);
    cr_assert_eq(n1, n2);
    for (size_t k = 0; k < n1; k++) {
        cr_assert_eq(e1[k], e2[k]);
        cr_assert_eq(s1[k], s2[k]);
    }
    size_t fast, slow;
    an_segmenter_counts(alone, &fast, &slow);
    cr_assert_eq(fast, 0, "ICU alone takes no path of ours");
    an_segmenter_close(alone);
}

/* The analyzer with our segmenter and with ICU alone (by GAZETTE_SEGMENTER=icu
 * if by_env, else an_analyzer_use_segmenter): the same tokens on every line
 * of the files under dir. */
static void same_tokens(const char *dir, size_t min_lines, int by_env)
{
    an_analyzer *ours, *theirs;
    gz_error err = {0};
    unsetenv("GAZETTE_SEGMENTER");
    cr_assert_eq(an_analyzer_open(&ours, &err), GZ_OK, "%s", err.msg);
    if (by_env) {
        setenv("GAZETTE_SEGMENTER", "icu", 1);
        cr_assert_eq(an_analyzer_open(&theirs, &err), GZ_OK, "%s", err.msg);
        unsetenv("GAZETTE_SEGMENTER");
    } else {
        cr_assert_eq(an_analyzer_open(&theirs, &err), GZ_OK, "%s", err.msg);
        an_analyzer_use_segmenter(theirs, 0);
    }
    char **files;
    size_t n, lines = 0;
    cr_assert_eq(cp_list_files(dir, &files, &n, &err), GZ_OK, "%s", err.msg);
    for (size_t i = 0; i < n; i++) {
        gz_doc d;
        gz_doc_init(&d);
        if (cp_parse_file(files[i], CP_FORMAT_AUTO, &d, &err) != GZ_OK) {
            gz_doc_fini(&d);
            continue;
        }
        for (const char *p = d.text, *end = d.text + d.text_len; p < end; lines++) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t len = (size_t)((nl ? nl : end) - p);
            const an_token *a, *b;
            size_t na, nb;
            cr_assert_eq(an_analyze(ours, p, len, AN_MODE_DOCUMENT, &a, &na), GZ_OK);
            /* a's tokens live until ours is called again: compare now */
            an_token *copy = malloc((na + 1) * sizeof *copy);
            memcpy(copy, a, na * sizeof *copy);
            cr_assert_eq(an_analyze(theirs, p, len, AN_MODE_DOCUMENT, &b, &nb), GZ_OK);
            cr_assert_eq(na, nb, "%s: %zu tokens against %zu in: %.*s", files[i], na, nb, (int)len, p);
            for (size_t k = 0; k < na; k++)
                cr_assert(copy[k].type == b[k].type && copy[k].pos == b[k].pos && copy[k].span == b[k].span &&
                              copy[k].start == b[k].start && copy[k].end == b[k].end,
                          "%s: token %zu differs in: %.*s", files[i], k, (int)len, p);
            free(copy);
            p = nl ? nl + 1 : end;
        }
        gz_doc_fini(&d);
    }
    cp_paths_free(files, n);
    cr_assert_gt(lines, min_lines);
    /* the comparison meant something: one side ours, the other ICU alone */
    cr_assert_gt(an_analyzer_segmented(ours), 0);
    cr_assert_eq(an_analyzer_segmented(theirs), 0);
    an_analyzer_close(ours);
    an_analyzer_close(theirs);
}

Test(segmenter, analyzer_same_tokens_with_icu_alone) { same_tokens(GZ_SAMPLE_DIR, 1000, 1); }

Test(segmenter, analyzer_switched_off_same_tokens) { same_tokens(GZ_SAMPLE_DIR, 1000, 0); }

Test(segmenter, laws_analyzer_same_tokens_with_icu_alone)
{
    char dir[4200];
    TH_LAWS_OR_SKIP(dir);
    same_tokens(dir, 400000, 1);
}
