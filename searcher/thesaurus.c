/* searcher/thesaurus.c: parsing the thesaurus (thesaurus.h), strictly: a
 * reviewed plain-data file must say exactly what it means, so a malformed
 * line is an error naming it, never skipped. */
#include "searcher/thesaurus.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

typedef struct th_entry {
    char *word;
    char **to;
    size_t n_to;
} th_entry;

struct q_thesaurus {
    th_entry *e;
    size_t n, cap;
};

void q_thesaurus_close(q_thesaurus *th)
{
    if (!th)
        return;
    for (size_t i = 0; i < th->n; i++) {
        for (size_t k = 0; k < th->e[i].n_to; k++)
            gz_free(th->e[i].to[k]);
        gz_free(th->e[i].to);
        gz_free(th->e[i].word);
    }
    gz_free(th->e);
    gz_free(th);
}

/* A word: Han characters, ASCII letters and digits, at most 48 bytes (16
 * Han characters: 机动车交通事故责任强制保险 is 13). */
static const char *bad_word(const char *w, size_t len)
{
    if (!len)
        return "an empty word";
    if (len > 48)
        return "a word over 48 bytes";
    const char *p = w, *end = w + len;
    while (p < end) {
        int32_t c = gz_utf8_next(&p, end);
        if (c < 0)
            return "invalid UTF-8";
        if (!gz_is_han(c) && !(c < 0x80 && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))))
            return "a character that is not Han, a letter or a digit";
    }
    return NULL;
}

/* Splits s[0..len) at sep bytes (or at blanks when sep is 0) into fresh
 * words appended to *v; the reason if one is malformed. */
static const char *split(const char *s, size_t len, char sep, char ***v, size_t *n, gz_status *st)
{
    size_t i = 0;
    while (i < len) {
        if (!sep)
            while (i < len && (s[i] == ' ' || s[i] == '\t'))
                i++;
        if (i == len)
            break;
        size_t j = i;
        while (j < len && (sep ? s[j] != sep : s[j] != ' ' && s[j] != '\t'))
            j++;
        const char *why = bad_word(s + i, j - i);
        if (why)
            return why;
        char **nv = gz_realloc(*v, (*n + 1) * sizeof *nv);
        if (!nv || !(nv[*n] = gz_strndup(s + i, j - i))) {
            if (nv)
                *v = nv;
            *st = GZ_NOMEM;
            return "out of memory";
        }
        *v = nv;
        ++*n;
        i = j + (sep && j < len);
        if (sep && j + 1 == len)
            return "an empty word";
    }
    return *n ? NULL : "no word";
}

static void trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t'))
        ++*s, --*len;
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' || (*s)[*len - 1] == '\r'))
        --*len;
}

gz_status q_thesaurus_parse(const char *text, size_t len, q_thesaurus **out, gz_error *err)
{
    *out = NULL;
    q_thesaurus *th = gz_calloc(1, sizeof *th);
    if (!th)
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    gz_status st = GZ_OK;
    const char *p = text, *end = text + len;
    for (size_t line = 1; p < end && st == GZ_OK; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *l = p;
        size_t ll = (size_t)((nl ? nl : end) - p);
        p = nl ? nl + 1 : end;
        const char *hash = memchr(l, '#', ll);
        if (hash)
            ll = (size_t)(hash - l);
        trim(&l, &ll);
        if (!ll)
            continue;
        const char *arrow = memmem(l, ll, "=>", 2), *why = NULL;
        char **from = NULL, **to = NULL;
        size_t n_from = 0, n_to = 0;
        if (!arrow) {
            why = "no '=>'";
        } else {
            const char *a = l, *b = arrow + 2;
            size_t al = (size_t)(arrow - l), bl = ll - al - 2;
            trim(&a, &al);
            trim(&b, &bl);
            if (memmem(b, bl, "=>", 2))
                why = "more than one '=>'";
            else if (!al)
                why = "nothing before '=>'";
            else if (!bl)
                why = "nothing after '=>'";
            else if ((why = split(a, al, '/', &from, &n_from, &st)) != NULL)
                ;
            else
                why = split(b, bl, 0, &to, &n_to, &st);
        }
        for (size_t f = 0; !why && f < n_from; f++) {
            for (size_t i = 0; i < th->n && !why; i++)
                if (strcmp(th->e[i].word, from[f]) == 0)
                    why = "a word already given on an earlier line";
            if (!why && gz_grow(&th->e, &th->cap, th->n + 1, sizeof *th->e, 64) != GZ_OK) {
                st = GZ_NOMEM;
                why = "out of memory";
            }
            if (why)
                break;
            th_entry *e = &th->e[th->n];
            e->word = from[f];
            from[f] = NULL;
            e->to = gz_calloc(n_to + 1, sizeof *e->to);
            e->n_to = 0;
            for (size_t k = 0; e->to && k < n_to; k++)
                if ((e->to[k] = gz_strndup(to[k], strlen(to[k]))))
                    e->n_to++;
            th->n++;
            if (!e->to || e->n_to != n_to) {
                st = GZ_NOMEM;
                why = "out of memory";
            }
        }
        for (size_t f = 0; f < n_from; f++)
            gz_free(from[f]);
        for (size_t k = 0; k < n_to; k++)
            gz_free(to[k]);
        gz_free(from);
        gz_free(to);
        if (why) {
            q_thesaurus_close(th);
            return gz_error_set(err, st == GZ_OK ? GZ_INVALID : st, -1, "thesaurus line %zu: %s", line, why);
        }
    }
    *out = th;
    return GZ_OK;
}

size_t q_thesaurus_size(const q_thesaurus *th) { return th ? th->n : 0; }
const char *q_thesaurus_word(const q_thesaurus *th, size_t i) { return th->e[i].word; }
size_t q_thesaurus_targets(const q_thesaurus *th, size_t i, const char *const **to)
{
    *to = (const char *const *)th->e[i].to;
    return th->e[i].n_to;
}

/* thesaurus.txt, linked in whole (CMake passes its path), NUL-ended. */
__asm__(".section .rodata\n"
        ".global sr_thesaurus_text\n"
        "sr_thesaurus_text:\n"
        ".incbin \"" GZ_THESAURUS_PATH "\"\n"
        ".byte 0\n"
        ".previous\n");
extern const char sr_thesaurus_text[];

static q_thesaurus *builtin;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static void builtin_parse(void)
{
    gz_error err;
    if (q_thesaurus_parse(sr_thesaurus_text, strlen(sr_thesaurus_text), &builtin, &err) != GZ_OK)
        builtin = NULL;
}

const q_thesaurus *q_thesaurus_builtin(void)
{
    pthread_once(&builtin_once, builtin_parse);
    return builtin;
}
