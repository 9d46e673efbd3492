/* analysis/segmenter.c: ICU's word break for Chinese and Japanese, computed
 * by our own engine.
 *
 * ICU cuts a run of Han and kana (its CjkBreakEngine) by the lowest-cost
 * path through its dictionary cjdict: each dictionary word costs its value,
 * a character that begins no one-character word costs 255 alone, and a run
 * of katakana (not begun right after katakana) costs a fixed amount by its
 * length. Ties keep the path found first. That is all the output depends on,
 * so we read cjdict from ICU's data at run time (udata_open; nothing of it is
 * copied into the repository), walk ICU's UCharsTrie once to list its words,
 * rebuild them as a trie whose transitions live in one hash table (a
 * double array over this 16 K-character alphabet takes seconds to build),
 * and run the same search. docs/analysis.md tells
 * the rules; tests/unit/analysis/test_segmenter.c holds us to ICU's output.
 *
 * Outside dictionary runs, an_segmenter_break() takes fast paths where ICU's
 * rules are certain (a punctuation mark or symbol alone, a run of spaces, a
 * line feed) and hands every other stretch to ICU itself. */
#include "analysis/analyzer.h"
#include "analysis/testing.h"
#include "common/probe.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/udata.h>
#include <unicode/uscript.h>
#include <unicode/uset.h>
#include <unicode/ustring.h>

/* ICU's constants (dictbe.cpp, ucharstrie.h, dictionarydata.h) */
#define CJ_MAX_WORD_UNITS 20      /* matches stop once 20 UTF-16 units are read */
#define CJ_UNKNOWN_COST 255       /* a character with no one-character word */
#define CJ_MAX_KATAKANA_GROUP 20  /* longer katakana runs get no run candidate */

static const uint32_t katakana_cost[9] = {8192, 984, 408, 240, 204, 252, 300, 372, 480};

static uint32_t katakana_run_cost(size_t len) { return len > 8 ? 8192 : katakana_cost[len]; }

static int is_katakana(int32_t c)
{
    return (c >= 0x30A1 && c <= 0x30FE && c != 0x30FB) || (c >= 0xFF66 && c <= 0xFF9F);
}

/* ---- the dictionary, built once per process ------------------------------ */

/* The trie's transitions live in one open-addressing table: a node is the
 * index of the slot that holds the transition into it, and the slot holds
 * (parent << 16 | character code) << 9 | the cost of the word ending there
 * (CJ_NO_VALUE if none). The root's transitions are also a direct table. */
#define CJ_VALUE_BITS 9
#define CJ_NO_VALUE ((1u << CJ_VALUE_BITS) - 1)
#define CJ_ROOT 0xFFFFFFu
#define CJ_NONE CJ_ROOT /* no such child: the root is nobody's child */

typedef struct an_cjdict {
    uint64_t *slot;
    uint32_t mask, shift;
    uint32_t *root;       /* root[code]: slot index + 1 of the one-character node, 0 if none */
    uint16_t *root_value; /* root_value[code]: the one-character word's cost */
    uint16_t *bmp_code;   /* code of a BMP character, 0 if in no word */
    int32_t *sup_cp;      /* supplementary characters, sorted, with their codes */
    uint16_t *sup_code;
    size_t n_sup;
    size_t n_codes;       /* characters numbered 1..n_codes */
    uint8_t *dict_set;    /* bitmap: ICU's CJ set (Han, Hiragana, Katakana, ...) */
    uint8_t *fast_set;    /* bitmap: the CJ characters we segment ourselves */
    uint8_t *sticky_set;  /* bitmap: characters ICU's rules may join to a CJ run */
    gz_status status;
    char why[160];
} an_cjdict;

static inline uint32_t slot_of(const an_cjdict *d, uint64_t key)
{
    return (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> d->shift);
}

/* The child of node by code, or CJ_NONE; its cost in *value. */
static inline uint32_t child(const an_cjdict *d, uint32_t node, uint32_t code, uint32_t *value)
{
    if (node == CJ_ROOT) {
        uint32_t at = d->root[code];
        if (!at)
            return CJ_NONE;
        *value = d->root_value[code];
        return at - 1;
    }
    uint64_t key = (uint64_t)node << 16 | code;
    for (uint32_t i = slot_of(d, key);; i = (uint32_t)gz_probe_next(i, d->mask + 1)) {
        uint64_t sl = d->slot[i];
        if (!sl)
            return CJ_NONE;
        if (sl >> CJ_VALUE_BITS == key) {
            *value = (uint32_t)(sl & CJ_NO_VALUE);
            return i;
        }
    }
}

static int bit(const uint8_t *set, int32_t c) { return (set[c >> 3] >> (c & 7)) & 1; }
static void set_bit(uint8_t *set, int32_t c) { set[c >> 3] |= (uint8_t)(1u << (c & 7)); }

static uint32_t code_of(const an_cjdict *d, int32_t c)
{
    if (c < 0x10000)
        return d->bmp_code[c];
    size_t lo = 0, hi = d->n_sup;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (d->sup_cp[mid] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->n_sup && d->sup_cp[lo] == c ? d->sup_code[lo] : 0;
}

/* The words of ICU's UCharsTrie (format of ucharstrie.h), in depth-first
 * order, as code points. */
typedef struct word_list {
    int32_t *cp;     /* all words' code points */
    uint32_t *off;   /* word k is cp[off[k] .. off[k+1]) */
    uint16_t *val;
    size_t n, cap_off, cap_val, n_cp, cap_cp;
    uint16_t unit[64]; /* the UTF-16 word being walked */
    int bad;
} word_list;

static int32_t read_value(const UChar *p, int32_t lead)
{
    if (lead < 0x4000)
        return lead;
    if (lead < 0x7fff)
        return ((lead - 0x4000) << 16) | p[0];
    return (p[0] << 16) | p[1];
}
static const UChar *skip_value(const UChar *p, int32_t lead)
{
    return lead < 0x4000 ? p : lead < 0x7fff ? p + 1 : p + 2;
}
static int32_t read_node_value(const UChar *p, int32_t lead)
{
    if (lead < 0x4040)
        return (lead >> 6) - 1;
    if (lead < 0x7fc0)
        return (((lead & 0x7fc0) - 0x4040) << 10) | p[0];
    return (p[0] << 16) | p[1];
}
static const UChar *skip_node_value(const UChar *p, int32_t lead)
{
    return lead < 0x4040 ? p : lead < 0x7fc0 ? p + 1 : p + 2;
}
static const UChar *jump_by_delta(const UChar *p)
{
    int32_t d = *p++;
    if (d >= 0xfc00) {
        if (d == 0xffff) {
            d = (p[0] << 16) | p[1];
            p += 2;
        } else {
            d = ((d - 0xfc00) << 16) | *p++;
        }
    }
    return p + d;
}
static const UChar *skip_delta(const UChar *p)
{
    int32_t d = *p++;
    return d < 0xfc00 ? p : d == 0xffff ? p + 2 : p + 1;
}

static void add_word(word_list *w, size_t len, int32_t value)
{
    if (w->bad)
        return;
    if (value < 0 || value >= (int32_t)CJ_NO_VALUE) {
        w->bad = 1;
        return;
    }
    if (gz_grow(&w->off, &w->cap_off, w->n + 2, sizeof *w->off, 1 << 16) != GZ_OK ||
        gz_grow(&w->val, &w->cap_val, w->n + 1, sizeof *w->val, 1 << 16) != GZ_OK ||
        gz_grow(&w->cp, &w->cap_cp, w->n_cp + len, sizeof *w->cp, 1 << 18) != GZ_OK) {
        w->bad = 1;
        return;
    }
    if (w->n == 0)
        w->off[0] = 0;
    size_t at = w->n_cp;
    for (size_t i = 0; i < len; i++) {
        int32_t c = w->unit[i];
        if (U16_IS_LEAD(c) && i + 1 < len && U16_IS_TRAIL(w->unit[i + 1])) {
            c = U16_GET_SUPPLEMENTARY(c, w->unit[i + 1]);
            i++;
        } else if (U16_IS_SURROGATE(c)) {
            return; /* not a whole character: no text can reach it */
        }
        w->cp[at++] = c;
    }
    w->n_cp = at;
    w->val[w->n] = (uint16_t)value;
    w->off[++w->n] = (uint32_t)at;
}

static void walk_node(word_list *w, const UChar *p, size_t len);

static void walk_branch(word_list *w, const UChar *p, int32_t length, size_t len)
{
    while (length > 5) { /* a binary-search node: less-than edge, then the rest */
        p++;
        walk_branch(w, jump_by_delta(p), length >> 1, len);
        length -= length >> 1;
        p = skip_delta(p);
    }
    do {
        UChar u = *p++;
        int32_t node = *p++;
        int final = node >> 15;
        node &= 0x7fff;
        int32_t v = read_value(p, node);
        p = skip_value(p, node);
        w->unit[len] = u;
        if (final)
            add_word(w, len + 1, v);
        else
            walk_node(w, p + v, len + 1);
    } while (--length > 1);
    w->unit[len] = *p++;
    walk_node(w, p, len + 1);
}

static void walk_node(word_list *w, const UChar *p, size_t len)
{
    int32_t node = *p++;
    for (;;) {
        if (len >= sizeof w->unit / sizeof w->unit[0] - 17) {
            w->bad = 1;
            return;
        }
        if (node >= 0x40) { /* a value on this node */
            if (node & 0x8000) {
                add_word(w, len, read_value(p, node & 0x7fff));
                return;
            }
            add_word(w, len, read_node_value(p, node));
            p = skip_node_value(p, node);
            node &= 0x3f;
        }
        if (node < 0x30) {
            int32_t length = node ? node : *p++;
            walk_branch(w, p, length + 1, len);
            return;
        }
        int n = node - 0x30 + 1; /* a linear match of n units */
        for (int i = 0; i < n; i++)
            w->unit[len++] = *p++;
        node = *p++;
    }
}

/* Adds word k's transitions (those its predecessor, in depth-first order,
 * did not share) and its cost. */
static void insert_word(an_cjdict *d, const word_list *w, size_t k)
{
    uint32_t node = CJ_ROOT, value;
    for (uint32_t j = w->off[k]; j < w->off[k + 1]; j++) {
        uint32_t code = code_of(d, w->cp[j]);
        uint32_t next = child(d, node, code, &value);
        if (next == CJ_NONE) {
            uint64_t key = (uint64_t)node << 16 | code;
            uint32_t i = slot_of(d, key);
            while (d->slot[i])
                i = (uint32_t)gz_probe_next(i, d->mask + 1);
            d->slot[i] = key << CJ_VALUE_BITS | CJ_NO_VALUE;
            if (node == CJ_ROOT)
                d->root[code] = i + 1;
            next = i;
        }
        node = next;
    }
    d->slot[node] = (d->slot[node] & ~(uint64_t)CJ_NO_VALUE) | w->val[k];
    if (w->off[k + 1] - w->off[k] == 1)
        d->root_value[code_of(d, w->cp[w->off[k]])] = w->val[k];
}

typedef struct freq { int32_t cp; uint32_t n; } freq;

static int cmp_freq(const void *x, const void *y)
{
    const freq *a = x, *b = y;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    return a->cp < b->cp ? -1 : a->cp > b->cp;
}

static int cmp_sup(const void *x, const void *y)
{
    const freq *a = x, *b = y;
    return a->cp < b->cp ? -1 : a->cp > b->cp;
}

/* Numbers the characters of the words by frequency: 1 the most frequent. */
static int number_chars(an_cjdict *d, const word_list *w)
{
    uint32_t *count = gz_calloc(0x110000, sizeof *count);
    if (!count)
        return 0;
    size_t n_distinct = 0;
    for (size_t i = 0; i < w->n_cp; i++)
        n_distinct += count[w->cp[i]]++ == 0;
    freq *f = gz_alloc((n_distinct + 1) * sizeof *f);
    d->bmp_code = gz_calloc(0x10000, sizeof *d->bmp_code);
    if (!f || !d->bmp_code || n_distinct >= 0xFFFF) {
        gz_free(count);
        gz_free(f);
        return 0;
    }
    size_t k = 0;
    for (int32_t c = 0; c < 0x110000; c++)
        if (count[c])
            f[k++] = (freq){c, count[c]};
    gz_free(count);
    qsort(f, k, sizeof *f, cmp_freq);
    d->n_codes = k;
    size_t n_sup = 0;
    for (size_t i = 0; i < k; i++) {
        if (f[i].cp < 0x10000)
            d->bmp_code[f[i].cp] = (uint16_t)(i + 1);
        else
            f[n_sup++] = (freq){f[i].cp, (uint32_t)(i + 1)};
    }
    qsort(f, n_sup, sizeof *f, cmp_sup);
    d->sup_cp = gz_alloc((n_sup + 1) * sizeof *d->sup_cp);
    d->sup_code = gz_alloc((n_sup + 1) * sizeof *d->sup_code);
    if (!d->sup_cp || !d->sup_code) {
        gz_free(f);
        return 0;
    }
    for (size_t i = 0; i < n_sup; i++) {
        d->sup_cp[i] = f[i].cp;
        d->sup_code[i] = (uint16_t)f[i].n;
    }
    d->n_sup = n_sup;
    gz_free(f);
    return 1;
}

/* ICU's CJ engine set, and the part of it we segment ourselves: characters
 * NFKC leaves alone whatever surrounds them, whose word-break class joins
 * nothing before or after (no Extend, Format, ZWJ, ExtendNumLet, ...). */
static int build_sets(an_cjdict *d)
{
    UErrorCode ec = U_ZERO_ERROR;
    static const UChar pattern[] = u"[[:Han:][:Hiragana:][:Katakana:]\\u30fc\\uff70\\uff9e\\uff9f]";
    USet *cj = uset_openPattern(pattern, -1, &ec);
    const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&ec);
    static const UChar sticky_pattern[] =
        u"[[:Han:][:Hiragana:][:Katakana:][:Word_Break=Katakana:][:Word_Break=ExtendNumLet:]"
        u"[:Word_Break=Extend:][:Word_Break=Format:][:Word_Break=ZWJ:][:LineBreak=Complex_Context:]"
        u"[\\uac00-\\ud7a3]\\u30fc\\uff70\\uff9e\\uff9f]";
    USet *sticky = uset_openPattern(sticky_pattern, -1, &ec);
    d->dict_set = gz_calloc(0x110000 / 8, 1);
    d->fast_set = gz_calloc(0x110000 / 8, 1);
    d->sticky_set = gz_calloc(0x110000 / 8, 1);
    if (U_FAILURE(ec) || !d->dict_set || !d->fast_set || !d->sticky_set) {
        if (cj)
            uset_close(cj);
        if (sticky)
            uset_close(sticky);
        return 0;
    }
    for (int32_t i = 0, n = uset_getItemCount(sticky); i < n; i++) {
        UChar32 lo, hi;
        UErrorCode e2 = U_ZERO_ERROR;
        if (uset_getItem(sticky, i, &lo, &hi, NULL, 0, &e2) == 0)
            for (UChar32 c = lo; c <= hi; c++)
                set_bit(d->sticky_set, c);
    }
    uset_close(sticky);
    int32_t n = uset_getItemCount(cj);
    for (int32_t i = 0; i < n; i++) {
        UChar32 lo, hi;
        UErrorCode e2 = U_ZERO_ERROR;
        if (uset_getItem(cj, i, &lo, &hi, NULL, 0, &e2) != 0)
            continue; /* a string item: none in this pattern */
        for (UChar32 c = lo; c <= hi; c++) {
            set_bit(d->dict_set, c);
            int32_t wb = u_getIntPropertyValue(c, UCHAR_WORD_BREAK);
            if (unorm2_isInert(nfkc, c) && (wb == U_WB_OTHER || wb == U_WB_KATAKANA || wb == U_WB_ALETTER) &&
                !u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC))
                set_bit(d->fast_set, c);
        }
    }
    uset_close(cj);
    return 1;
}

static an_cjdict the_dict;
static pthread_once_t the_dict_once = PTHREAD_ONCE_INIT;

static void load_dict(void)
{
    an_cjdict *d = &the_dict;
    d->status = GZ_IO;
    UErrorCode ec = U_ZERO_ERROR;
    UDataMemory *mem = udata_open(U_ICUDATA_NAME U_TREE_SEPARATOR_STRING "brkitr", "dict", "cjdict", &ec);
    if (U_FAILURE(ec)) {
        snprintf(d->why, sizeof d->why, "ICU's cjdict not found: %s", u_errorName(ec));
        return;
    }
    const int32_t *ix = udata_getMemory(mem);
    /* dictionarydata.h: indexes[0] the trie's offset, [4] its type: UChars (1)
     * with values (8) */
    if (!ix || (ix[4] & 7) != 1 || !(ix[4] & 8) || ix[5] != 0 || ix[0] < 32 || ix[0] >= ix[3]) {
        snprintf(d->why, sizeof d->why, "ICU's cjdict is not a UChars trie with values");
        udata_close(mem);
        return;
    }
    word_list w = {0};
    walk_node(&w, (const UChar *)((const char *)ix + ix[0]), 0);
    udata_close(mem);
    d->status = GZ_NOMEM;
    if (w.bad || w.n == 0) {
        snprintf(d->why, sizeof d->why, "ICU's cjdict could not be read");
        goto done;
    }
    if (!number_chars(d, &w) || !build_sets(d))
        goto done;
    /* the nodes, counted: each word adds what it does not share with the
     * word before it */
    size_t nodes = 0;
    for (size_t k = 0; k < w.n; k++) {
        size_t len = w.off[k + 1] - w.off[k], l = 0;
        if (k) {
            size_t plen = w.off[k] - w.off[k - 1];
            while (l < len && l < plen && w.cp[w.off[k] + l] == w.cp[w.off[k - 1] + l])
                l++;
        }
        nodes += len - l;
    }
    uint32_t bits = 10;
    while (((size_t)1 << bits) < nodes + nodes / 2)
        bits++;
    if (bits > 24 || w.n > CJ_ROOT) {
        snprintf(d->why, sizeof d->why, "ICU's cjdict is larger than expected");
        goto done;
    }
    d->mask = (1u << bits) - 1;
    d->shift = 64 - bits;
    d->slot = gz_calloc((size_t)1 << bits, sizeof *d->slot);
    d->root = gz_calloc(d->n_codes + 1, sizeof *d->root);
    d->root_value = gz_alloc((d->n_codes + 1) * sizeof *d->root_value);
    if (!d->slot || !d->root || !d->root_value)
        goto done;
    for (size_t c = 0; c <= d->n_codes; c++)
        d->root_value[c] = CJ_NO_VALUE;
    for (size_t k = 0; k < w.n; k++)
        insert_word(d, &w, k); /* add_word refused costs over CJ_NO_VALUE - 1 */
    d->status = GZ_OK;
done:
    gz_free(w.cp);
    gz_free(w.off);
    gz_free(w.val);
}

static const an_cjdict *cjdict_get(gz_error *err)
{
    pthread_once(&the_dict_once, load_dict);
    if (the_dict.status != GZ_OK) {
        gz_error_set(err, the_dict.status, -1, "%s", the_dict.why[0] ? the_dict.why : "out of memory");
        return NULL;
    }
    return &the_dict;
}

/* ICU's rule status for the words of the run cp[0..n): two or more: ICU's rule "$KanaKanji $KanaKanji {400}"; one alone is
     * 400 only as an ideograph, hiragana or katakana (々 alone is 0) */
static int32_t run_status(const int32_t *cp, size_t n)
{
    if (n != 1 || u_hasBinaryProperty(cp[0], UCHAR_IDEOGRAPHIC) ||
        uscript_getScript(cp[0], &(UErrorCode){U_ZERO_ERROR}) == USCRIPT_HIRAGANA ||
        u_getIntPropertyValue(cp[0], UCHAR_WORD_BREAK) == U_WB_KATAKANA)
        return UBRK_WORD_IDEO;
    return UBRK_WORD_NONE;
}

static int all_fast(const an_cjdict *d, const int32_t *cp, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (cp[i] < 0 || cp[i] >= 0x110000 || !bit(d->fast_set, cp[i]))
            return 0;
    return 1;
}

/* ---- the segmenter --------------------------------------------------------- */

struct an_segmenter {
    const an_cjdict *dict; /* NULL: ICU alone */
    UBreakIterator *icu;
    UText *utext;
    int32_t *cp;
    uint32_t *cp_byte; /* byte offset of each code point; [n] = the length */
    uint32_t *mem;     /* cp and cp_byte */
    size_t cap;
    uint32_t *search_mem; /* the search's cost, back pointer and word end arrays */
    size_t search_cap;
    int32_t *out_end, *out_status;
    size_t n_out, cap_end, cap_status;
    size_t fast_cp, icu_cp; /* code points by path, for the benchmark */
    uint8_t *alone;         /* per code point: 0 not asked, 1 alone, 2 not */
};

/* ICU's lowest-cost segmentation of cp[0..n), every character fast: points
 * *words at the word ends (code point offsets, ascending, the last n; valid
 * until the next call) and returns their count; 0 if n is 0 or memory
 * runs out. */
static size_t search(an_segmenter *s, const int32_t *cp, size_t n, const uint32_t **words)
{
    const an_cjdict *d = s->dict;
    /* one block: cost, back pointer and word ends, n + 1 entries each */
    size_t stride = n + 1;
    if (gz_grow(&s->search_mem, &s->search_cap, 3 * stride, sizeof *s->search_mem, 768) != GZ_OK)
        return 0;
    uint32_t *best = s->search_mem, *prev = best + stride, *ends = prev + stride;
    *words = ends;
    if (n == 0)
        return 0;
    best[0] = 0;
    uint32_t *code = ends; /* the characters' codes, until the path is read back */
    for (size_t i = 0; i < n; i++) {
        best[i + 1] = UINT32_MAX;
        code[i] = code_of(d, cp[i]);
    }
    int prev_katakana = 0;
    /* every position is reached (the one before steps on by a word or the
     * unknown cost), so ICU's test for an unreached one is left out */
    for (size_t i = 0; i < n; i++) {
        uint32_t here = best[i];
        int single = 0;
        uint32_t node = CJ_ROOT, units = 0, v;
        if (i + 3 < n && code[i + 2] && code[i + 3] && d->root[code[i + 2]])
            /* the next-but-one start's second step: its slot, ahead of time */
            __builtin_prefetch(&d->slot[slot_of(d, (uint64_t)(d->root[code[i + 2]] - 1) << 16 | code[i + 3])]);
        for (size_t k = i; k < n; k++) {
            if (!code[k] || (node = child(d, node, code[k], &v)) == CJ_NONE)
                break;
            units += cp[k] > 0xFFFF ? 2 : 1;
            if (v != CJ_NO_VALUE) {
                size_t to = k + 1;
                single |= to == i + 1;
                if (here + v < best[to]) {
                    best[to] = here + v;
                    prev[to] = (uint32_t)i;
                }
            }
            if (units >= CJ_MAX_WORD_UNITS)
                break;
        }
        if (!single && here + CJ_UNKNOWN_COST < best[i + 1]) {
            best[i + 1] = here + CJ_UNKNOWN_COST;
            prev[i + 1] = (uint32_t)i;
        }
        int kata = is_katakana(cp[i]);
        if (kata && !prev_katakana) {
            size_t run = 1;
            while (i + run < n && run < CJ_MAX_KATAKANA_GROUP && is_katakana(cp[i + run]))
                run++;
            if (run < CJ_MAX_KATAKANA_GROUP && here + katakana_run_cost(run) < best[i + run]) {
                best[i + run] = here + katakana_run_cost(run);
                prev[i + run] = (uint32_t)i;
            }
        }
        prev_katakana = kata;
    }
    /* back from the end; then in order */
    size_t m = 0;
    for (size_t i = n; i > 0; i = prev[i])
        ends[m++] = (uint32_t)i;
    for (size_t a = 0, z = m - 1; a < z; a++, z--) {
        uint32_t t = ends[a];
        ends[a] = ends[z];
        ends[z] = t;
    }
    return m;
}

size_t an_segmenter_run(an_segmenter *s, const int32_t *cp, size_t n, const uint32_t **ends, int32_t *status)
{
    if (!s->dict || !all_fast(s->dict, cp, n))
        return 0;
    *status = run_status(cp, n);
    s->fast_cp += n;
    return search(s, cp, n, ends);
}

/* ---- word break over any text: ours where certain, ICU for the rest ------ */


gz_status an_segmenter_open(an_segmenter **out, int icu_only, gz_error *err)
{
    *out = NULL;
    an_segmenter *s = gz_calloc(1, sizeof *s);
    if (!s)
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    UErrorCode ec = U_ZERO_ERROR;
    s->icu = ubrk_open(UBRK_WORD, "zh", NULL, 0, &ec);
    if (U_FAILURE(ec)) {
        gz_free(s);
        return gz_error_set(err, GZ_IO, -1, "ICU word break: %s", u_errorName(ec));
    }
    if (!icu_only && !(s->dict = cjdict_get(err))) {
        an_segmenter_close(s);
        return err ? err->code : GZ_IO;
    }
    *out = s;
    return GZ_OK;
}

void an_segmenter_close(an_segmenter *s)
{
    if (!s)
        return;
    if (s->icu)
        ubrk_close(s->icu);
    if (s->utext)
        utext_close(s->utext);
    gz_free(s->mem);
    gz_free(s->search_mem);
    gz_free(s->out_end);
    gz_free(s->out_status);
    gz_free(s->alone);
    gz_free(s);
}

static int push(an_segmenter *s, uint32_t end, int32_t status)
{
    if (gz_grow(&s->out_end, &s->cap_end, s->n_out + 1, sizeof *s->out_end, 256) != GZ_OK ||
        gz_grow(&s->out_status, &s->cap_status, s->n_out + 1, sizeof *s->out_status, 256) != GZ_OK)
        return 0;
    s->out_end[s->n_out] = (int32_t)end;
    s->out_status[s->n_out++] = status;
    return 1;
}

static int wb(int32_t c) { return u_getIntPropertyValue(c, UCHAR_WORD_BREAK); }

/* Classes that attach to the character before them (WB4). */
static int attaches(int32_t c)
{
    int w = wb(c);
    return w == U_WB_EXTEND || w == U_WB_FORMAT || w == U_WB_ZWJ;
}

/* Whether ICU's word break cuts c off on both sides between any two
 * characters of the classes its rules name (letters, digits, Hebrew, kana,
 * ideographs, Hangul, Thai, connectors, middle punctuation, quotes, spaces,
 * c itself): asked of ICU once per character, then remembered. Emoji,
 * regional indicators and characters that attach are never alone. */
static int alone(an_segmenter *s, int32_t c)
{
    if (!s->alone) {
        s->alone = gz_calloc(0x110000, 1);
        if (!s->alone)
            return 0;
    }
    if (s->alone[c])
        return s->alone[c] == 1;
    int ok = !attaches(c) && wb(c) != U_WB_REGIONAL_INDICATOR && wb(c) != U_WB_CR && wb(c) != U_WB_LF &&
             wb(c) != U_WB_NEWLINE && !u_hasBinaryProperty(c, UCHAR_EMOJI) &&
             !u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) && !u_hasBinaryProperty(c, UCHAR_EMOJI_COMPONENT);
    static const int32_t ctx[] = {'a', '1', 0x05D0, 0x30A2, 0x3042, 0x4E2D, 0xAC00, 0x0E01, '_', '.', ',', ':',
                                  '\'', '"', ' ', '@', 0x00B7, -1};
    for (size_t k = 0; ok && k < sizeof ctx / sizeof ctx[0]; k++) {
        int32_t x = ctx[k] < 0 ? c : ctx[k];
        char buf[16];
        int32_t len = 0, at1, at2;
        UBool err = 0;
        U8_APPEND((uint8_t *)buf, len, (int32_t)sizeof buf, x, err);
        at1 = len;
        U8_APPEND((uint8_t *)buf, len, (int32_t)sizeof buf, c, err);
        at2 = len;
        U8_APPEND((uint8_t *)buf, len, (int32_t)sizeof buf, x, err);
        UErrorCode ec = U_ZERO_ERROR;
        s->utext = utext_openUTF8(s->utext, buf, len, &ec);
        ubrk_setUText(s->icu, s->utext, &ec);
        ok = !err && U_SUCCESS(ec) && ubrk_isBoundary(s->icu, at1) && ubrk_isBoundary(s->icu, at2);
        if (ok) {
            ubrk_following(s->icu, at1);
            ok = ubrk_getRuleStatus(s->icu) == UBRK_WORD_NONE;
        }
    }
    s->alone[c] = ok ? 1 : 2;
    return ok;
}

/* Whether c (-1: the text's edge) can join nothing to letters or digits
 * beside it: a CJ character of ours, a space, a line feed, or one ICU cuts
 * off everywhere. */
static int separates(an_segmenter *s, int32_t c)
{
    return c < 0 || c == 0x0A || bit(s->dict->fast_set, c) || wb(c) == U_WB_WSEGSPACE || alone(s, c);
}

/* The unit that starts at i (a dictionary run, or one character): where it
 * ends, and in *ok whether ICU's word break is certain to cut it as we do
 * (with *status). */
static size_t fast_unit(an_segmenter *s, size_t i, size_t n, int32_t *status, int *ok)
{
    const an_cjdict *d = s->dict;
    const int32_t *cp = s->cp;
    int32_t c = cp[i];
    int32_t before = i ? cp[i - 1] : -1;
    *ok = 0;
    if (bit(d->dict_set, c)) {
        size_t e = i;
        int all_fast = 1;
        while (e < n && bit(d->dict_set, cp[e]))
            all_fast &= bit(d->fast_set, cp[e++]);
        *status = run_status(cp + i, e - i);
        *ok = all_fast && !(before >= 0 && bit(d->sticky_set, before)) && !(e < n && bit(d->sticky_set, cp[e]));
        return e;
    }
    *status = UBRK_WORD_NONE;
    if (c < 0x80 && isalnum(c)) {
        /* ASCII letters and digits: one word (200, or 100 if all digits)
         * when what surrounds it joins nothing */
        size_t e = i;
        int letters = 0, digits = 0;
        while (e < n && cp[e] < 0x80 && isalnum(cp[e])) {
            letters |= isalpha(cp[e]) != 0;
            digits |= isdigit(cp[e++]) != 0;
        }
        /* a mixed run's status follows ICU's rule chaining: left to ICU */
        *status = letters ? UBRK_WORD_LETTER : UBRK_WORD_NUMBER;
        *ok = !(letters && digits) && separates(s, before) &&
              (e == n || (separates(s, cp[e]) && !(e + 1 < n && attaches(cp[e + 1]))));
        return e;
    }
    if (wb(c) == U_WB_WSEGSPACE) {
        /* spaces: one segment (WB3d) unless something attaches */
        size_t e = i + 1;
        while (e < n && wb(cp[e]) == U_WB_WSEGSPACE)
            e++;
        *ok = !(e < n && attaches(cp[e]));
        return e;
    }
    if (c == 0x0A) /* WB3a/3b: alone, but CR LF */
        *ok = before != 0x0D;
    else
        *ok = before != 0x200D && !(i + 1 < n && attaches(cp[i + 1])) && alone(s, c);
    return i + 1;
}

/* ICU over the code points [i0, i1), which stand alone. */
static gz_status icu_part(an_segmenter *s, const char *text, size_t i0, size_t i1)
{
    uint32_t b0 = s->cp_byte[i0], b1 = s->cp_byte[i1];
    UErrorCode ec = U_ZERO_ERROR;
    s->utext = utext_openUTF8(s->utext, text + b0, (int64_t)(b1 - b0), &ec);
    ubrk_setUText(s->icu, s->utext, &ec);
    if (U_FAILURE(ec))
        return GZ_INVALID;
    ubrk_first(s->icu);
    int32_t e;
    while ((e = ubrk_next(s->icu)) != UBRK_DONE)
        if (!push(s, b0 + (uint32_t)e, ubrk_getRuleStatus(s->icu)))
            return GZ_NOMEM;
    s->icu_cp += i1 - i0;
    return GZ_OK;
}

/* Room for the code points of a text of n bytes and their byte offsets. */
static int reserve(an_segmenter *s, size_t n)
{
    if (gz_grow(&s->mem, &s->cap, 2 * (n + 1), sizeof *s->mem, 2048) != GZ_OK)
        return 0;
    s->cp = (int32_t *)s->mem;
    s->cp_byte = s->mem + n + 1;
    return 1;
}

gz_status an_segmenter_break(an_segmenter *s, const char *text, size_t len, const int32_t **ends,
                             const int32_t **status, size_t *n_seg)
{
    *n_seg = 0;
    s->n_out = 0;
    if (len > INT32_MAX)
        return GZ_INVALID;
    if (!reserve(s, len))
        return GZ_NOMEM;
    /* decode; an invalid byte is U+FFFD, as ICU's UTF-8 UText reads it */
    size_t n = 0;
    for (int32_t off = 0; off < (int32_t)len;) {
        s->cp_byte[n] = (uint32_t)off;
        UChar32 c;
        U8_NEXT(text, off, (int32_t)len, c);
        s->cp[n++] = c < 0 ? 0xFFFD : c;
    }
    s->cp_byte[n] = (uint32_t)len;
    gz_status st = GZ_OK;
    if (!s->dict) {
        st = n ? icu_part(s, text, 0, n) : GZ_OK;
    } else {
        size_t other = 0; /* start of the stretch left to ICU */
        for (size_t i = 0; i < n && st == GZ_OK;) {
            int32_t unit_status;
            int ok;
            size_t e = fast_unit(s, i, n, &unit_status, &ok);
            if (!ok) {
                i = e;
                continue;
            }
            if (other < i && (st = icu_part(s, text, other, i)) != GZ_OK)
                break;
            if (bit(s->dict->dict_set, s->cp[i])) {
                const uint32_t *w;
                size_t m = search(s, s->cp + i, e - i, &w);
                if (m == 0)
                    st = GZ_NOMEM;
                for (size_t k = 0; st == GZ_OK && k < m; k++)
                    if (!push(s, s->cp_byte[i + w[k]], unit_status))
                        st = GZ_NOMEM;
            } else if (!push(s, s->cp_byte[e], unit_status)) {
                st = GZ_NOMEM;
            }
            s->fast_cp += e - i;
            i = other = e;
        }
        if (st == GZ_OK && other < n)
            st = icu_part(s, text, other, n);
    }
    if (st != GZ_OK)
        return st;
    *ends = s->out_end;
    *status = s->out_status;
    *n_seg = s->n_out;
    return GZ_OK;
}

void an_segmenter_counts(const an_segmenter *s, size_t *fast_cp, size_t *icu_cp)
{
    *fast_cp = s->fast_cp;
    *icu_cp = s->icu_cp;
}
