/* indexer/memseg.c: filling an in-memory segment. Terms are interned in an
 * open-addressing table keyed by XXH3; each term's occurrences go as
 * varints into its own chain of slices (memseg_impl.h). Flushing is in
 * flush.c. */
#include "common/law.h"
#include "common/probe.h"
#include "indexer/memseg_impl.h"

#include <string.h>

ix_memseg *ix_memseg_open(uint32_t segment_id)
{
    ix_memseg *m = gz_calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->id = segment_id;
    gz_buf_init(&m->strings);
    gz_buf_putc(&m->strings, 0); /* offset 0: "" */
    gz_buf_init(&m->docs);
    gz_buf_init(&m->units);
    gz_buf_init(&m->text);
    gz_buf_init(&m->term_text);
    gz_buf_init(&m->keys);
    m->hash_cap = 1u << 16;
    m->hash = gz_calloc(m->hash_cap, sizeof *m->hash);
    if (!m->hash)
        m->status = GZ_NOMEM;
    return m;
}

void ix_memseg_close(ix_memseg *m)
{
    if (!m)
        return;
    gz_buf_fini(&m->strings);
    gz_buf_fini(&m->docs);
    gz_buf_fini(&m->units);
    gz_buf_fini(&m->text);
    gz_buf_fini(&m->term_text);
    gz_buf_fini(&m->keys);
    gz_free(m->pend);
    gz_free(m->hash);
    gz_free(m->str_hash);
    gz_free(m->terms);
    gz_free(m->pool);
    gz_free(m->unit_len);
    gz_free(m->unit_words);
    gz_free(m->unit_first);
    gz_free(m);
}

uint32_t ix_memseg_id(const ix_memseg *m) { return m->id; }
uint32_t ix_memseg_n_docs(const ix_memseg *m) { return m->n_docs; }
uint32_t ix_memseg_n_units(const ix_memseg *m) { return m->n_units; }
gz_status ix_memseg_status(const ix_memseg *m) { return m->status; }

size_t ix_memseg_bytes(const ix_memseg *m)
{
    return m->pool_cap + m->text.cap +
           m->strings.cap + m->docs.cap + m->units.cap + m->term_text.cap +
           m->hash_cap * sizeof *m->hash + m->cap_terms * sizeof *m->terms;
}

int ix_memseg_full(const ix_memseg *m) { return m->pool_len >= ((size_t)3 << 30) || m->text.len >= ((size_t)3 << 30); }

uint32_t ix_str(ix_memseg *m, const char *s)
{
    if (!s || !*s)
        return 0;
    size_t len = strlen(s);
    /* interned: unit paths and labels repeat across units */
    if (m->n_str * 2 >= m->str_cap) {
        size_t cap = m->str_cap ? m->str_cap * 2 : 4096;
        uint32_t *nh = gz_calloc(cap, sizeof *nh);
        if (!nh) {
            m->status = GZ_NOMEM;
            return 0;
        }
        for (size_t i = 0; i < m->str_cap; i++)
            if (m->str_hash[i]) {
                const char *t = m->strings.data + m->str_hash[i];
                size_t at = gz_probe_first(gz_xxh3(t, strlen(t)), cap);
                while (nh[at])
                    at = gz_probe_next(at, cap);
                nh[at] = m->str_hash[i];
            }
        gz_free(m->str_hash);
        m->str_hash = nh;
        m->str_cap = cap;
    }
    size_t at = gz_probe_first(gz_xxh3(s, len), m->str_cap);
    for (; m->str_hash[at]; at = gz_probe_next(at, m->str_cap)) {
        const char *t = m->strings.data + m->str_hash[at];
        if (strncmp(t, s, len) == 0 && t[len] == 0)
            return m->str_hash[at];
    }
    uint32_t off = (uint32_t)m->strings.len;
    gz_buf_put(&m->strings, s, len);
    gz_buf_putc(&m->strings, 0);
    if (m->strings.status != GZ_OK) {
        m->status = GZ_NOMEM;
        return 0;
    }
    m->str_hash[at] = off;
    m->n_str++;
    return off;
}

uint32_t ix_memseg_doc(ix_memseg *m, const ix_docmeta *d, const char *text, size_t len)
{
    if (m->status != GZ_OK)
        return 0;
    uint8_t r[GZ_DOC_REC] = {0};
    gz_put32(r + GZ_DOC_TITLE, ix_str(m, d->title));
    gz_put32(r + GZ_DOC_DOCNO_RAW, ix_str(m, d->docno_raw));
    gz_put32(r + GZ_DOC_ISSUER, ix_str(m, d->issuer));
    gz_put32(r + GZ_DOC_DOCNO, ix_str(m, d->docno));
    gz_put32(r + GZ_DOC_BODY, ix_str(m, d->body));
    gz_put32(r + GZ_DOC_DATE, d->date);
    gz_put32(r + GZ_DOC_YEAR, d->year);
    gz_put32(r + GZ_DOC_SERIAL, d->serial);
    gz_put32(r + GZ_DOC_KIND, d->kind);
    gz_put64(r + GZ_DOC_TEXT_OFF, m->text_len);
    gz_put32(r + GZ_DOC_TEXT_LEN, (uint32_t)len);
    gz_put32(r + GZ_DOC_FIRST_UNIT, m->n_units);
    m->doc_first = m->n_units;
    gz_put32(r + GZ_DOC_N_UNITS, 0);
    gz_put32(r + GZ_DOC_SOURCE, ix_str(m, d->source));
    gz_put32(r + GZ_DOC_ISSUE, ix_str(m, d->issue));
    gz_put32(r + GZ_DOC_VERSION_DATE, d->version_date);
    gz_put32(r + GZ_DOC_STATUS, d->status);
    gz_buf_put(&m->docs, r, sizeof r);
    m->doc_text = text ? m->text.len : SIZE_MAX;
    m->doc_text_len = len;
    if (text)
        gz_buf_put(&m->text, text, len);
    m->text_len += len;
    if (m->docs.status != GZ_OK || m->text.status != GZ_OK)
        m->status = GZ_NOMEM;
    return m->n_docs++;
}

/* A new slice of size bytes at the pool's end; its offset, or 0 (the pool
 * starts with a byte no slice uses) when memory runs out. */
static uint32_t new_slice(ix_memseg *m, size_t size)
{
    if (!m->pool_len)
        m->pool_len = 1;
    if (m->pool_len + size > m->pool_cap) {
        size_t cap = m->pool_cap ? m->pool_cap * 2 : (size_t)1 << 20;
        while (cap < m->pool_len + size)
            cap *= 2;
        uint8_t *p = cap <= UINT32_MAX ? gz_realloc(m->pool, cap) : NULL;
        if (!p) {
            m->status = GZ_NOMEM;
            return 0;
        }
        m->pool = p;
        m->pool_cap = cap;
    }
    uint32_t at = (uint32_t)m->pool_len;
    m->pool_len += size;
    return at;
}

static inline void put_byte(ix_memseg *m, ix_term *t, uint8_t b)
{
    if (t->at == t->end) { /* full: chain a slice twice the size, up to 1 KiB */
        unsigned level = t->level < IX_SLICE_MAX_LEVEL ? t->level + 1u : IX_SLICE_MAX_LEVEL;
        size_t size = (size_t)IX_SLICE_FIRST << level;
        uint32_t next = new_slice(m, size);
        if (!next)
            return;
        gz_put32(m->pool + t->end, next);
        t->level = (uint8_t)level;
        t->at = next;
        t->end = next + (uint32_t)size - 4;
    }
    m->pool[t->at++] = b;
}

static inline void put_varint(ix_memseg *m, ix_term *t, uint64_t v)
{
    while (v >= 0x80) {
        put_byte(m, t, (uint8_t)(v | 0x80));
        v >>= 7;
    }
    put_byte(m, t, (uint8_t)v);
}

/* Appends an occurrence of term t (units and positions in order): none
 * for a term without positions, positions and spans clamped to what a
 * posting holds; a span over 1 marks the term as having spans. */
static inline void add_occ(ix_memseg *m, ix_term *t, uint32_t unit, uint32_t pos, uint32_t span)
{
    if (t->flags & GZ_TERM_NOPOS) {
        pos = 0;
        span = 1;
    }
    if (pos > IX_POS_MAX)
        pos = IX_POS_MAX;
    span = span < 1 ? 1 : span > IX_SPAN_MAX ? IX_SPAN_MAX : span;
    uint32_t spanned = span > 1;
    if (spanned)
        t->flags |= GZ_TERM_SPANS;
    if (t->count == 0 || unit != t->last_unit) {
        put_varint(m, t, (uint64_t)(unit - (t->count ? t->last_unit : 0)) << 2 | 2 | spanned);
        put_varint(m, t, pos);
    } else {
        put_varint(m, t, (uint64_t)(pos - t->last_pos) << 2 | spanned);
    }
    if (spanned)
        put_varint(m, t, span - 1);
    t->last_unit = unit;
    t->last_pos = pos;
    t->count++;
}

/* Reading a term's chain of slices back, a byte at a time. */
typedef struct slice_rd {
    const uint8_t *pool;
    uint32_t at, end; /* the next byte, the end of this slice's data */
    unsigned level;   /* of this slice */
} slice_rd;

static inline uint8_t slice_byte(slice_rd *s)
{
    if (s->at == s->end) { /* the slice's last 4 bytes: the next one's offset */
        s->level = s->level < IX_SLICE_MAX_LEVEL ? s->level + 1 : IX_SLICE_MAX_LEVEL;
        s->at = gz_get32(s->pool + s->end);
        s->end = s->at + (IX_SLICE_FIRST << s->level) - 4;
    }
    return s->pool[s->at++];
}

static inline uint64_t slice_varint(slice_rd *s)
{
    uint64_t v = 0;
    uint8_t b;
    unsigned shift = 0;
    do {
        b = slice_byte(s);
        v |= (uint64_t)(b & 0x7F) << shift;
        shift += 7;
    } while (b & 0x80);
    return v;
}

/* Calls f for each of t's occurrences, in order. */
#define TERM_WALK(m, t, f)                                                                                         \
    do {                                                                                                           \
        slice_rd s_ = {(m)->pool, (t)->head, (t)->head + IX_SLICE_FIRST - 4, 0};                                  \
        uint32_t unit = 0, pos = 0;                                                                                \
        for (uint32_t k_ = 0; k_ < (t)->count; k_++) {                                                             \
            uint64_t v_ = slice_varint(&s_);                                                                       \
            if (v_ & 2) {                                                                                          \
                unit += (uint32_t)(v_ >> 2);                                                                       \
                pos = (uint32_t)slice_varint(&s_);                                                                 \
            } else {                                                                                               \
                pos += (uint32_t)(v_ >> 2);                                                                        \
            }                                                                                                      \
            uint32_t span = v_ & 1 ? (uint32_t)slice_varint(&s_) + 1 : 1;                                          \
            f;                                                                                                     \
        }                                                                                                          \
    } while (0)

size_t ix_term_read(const ix_memseg *m, const ix_term *t, ix_rec *out)
{
    size_t n = 0;
    TERM_WALK(m, t, out[n++] = ((ix_rec){unit, pos | (span - 1) << IX_POS_BITS}));
    return n;
}

void ix_term_feed(const ix_memseg *m, const ix_term *t, ix_postenc *e)
{
    const uint32_t *lens = t->flags & GZ_TERM_NOPOS ? m->unit_words : m->unit_len;
    TERM_WALK(m, t, ix_postenc_occ(e, unit, lens[unit], m->unit_first[unit], pos, span));
}

/* Doubles the term table when it is half full. */
static int grow_hash(ix_memseg *m)
{
    size_t cap = m->hash_cap * 2;
    uint32_t *nh = gz_calloc(cap, sizeof *nh);
    if (!nh) {
        m->status = GZ_NOMEM;
        return -1;
    }
    for (uint32_t t = 0; t < m->n_terms; t++) {
        size_t at = gz_probe_first(m->terms[t].hash, cap);
        while (nh[at])
            at = gz_probe_next(at, cap);
        nh[at] = t + 1;
    }
    gz_free(m->hash);
    m->hash = nh;
    m->hash_cap = cap;
    return 0;
}

/* The id of the term key (hash h), or UINT32_MAX with *slot the empty
 * slot of the table where it would go. */
static uint32_t probe(const ix_memseg *m, const char *key, size_t klen, uint64_t h, size_t *slot)
{
    size_t at = gz_probe_first(h, m->hash_cap);
    for (; m->hash[at]; at = gz_probe_next(at, m->hash_cap)) {
        const ix_term *t = &m->terms[m->hash[at] - 1];
        if (t->hash == h && t->len == klen && memcmp(m->term_text.data + t->off, key, klen) == 0)
            return m->hash[at] - 1;
    }
    *slot = at;
    return UINT32_MAX;
}

/* Interns a term (key: field byte + text, hash h); returns its id or
 * UINT32_MAX. */
static uint32_t intern(ix_memseg *m, const char *key, size_t klen, uint64_t h)
{
    if (m->n_terms * 2 >= m->hash_cap && grow_hash(m) < 0)
        return UINT32_MAX;
    size_t at;
    uint32_t id = probe(m, key, klen, h, &at);
    if (id != UINT32_MAX)
        return id;
    if (gz_grow(&m->terms, &m->cap_terms, m->n_terms + 1, sizeof *m->terms, 1024) != GZ_OK) {
        m->status = GZ_NOMEM;
        return UINT32_MAX;
    }
    uint32_t head = new_slice(m, IX_SLICE_FIRST);
    if (!head)
        return UINT32_MAX;
    ix_term *t = &m->terms[m->n_terms];
    memset(t, 0, sizeof *t);
    t->hash = h;
    t->off = (uint32_t)m->term_text.len;
    t->len = (uint16_t)klen;
    t->flags = gz_key_nopos(key) ? GZ_TERM_NOPOS : 0;
    t->head = t->at = head;
    t->end = head + IX_SLICE_FIRST - 4;
    gz_buf_put(&m->term_text, key, klen);
    if (m->term_text.status != GZ_OK) {
        m->status = GZ_NOMEM;
        return UINT32_MAX;
    }
    m->hash[at] = ++m->n_terms;
    return m->n_terms - 1;
}

/* The unit's tokens to intern: their keys (field byte + text) side by side
 * in keys, and per token where its key starts, its hash, its position and
 * span. */
typedef struct pending {
    uint64_t hash;
    uint32_t key, len, pos, span;
} pending;

/* The unit's record, its length (positions) and word count. */
static void unit_record(ix_memseg *m, const ix_unitmeta *u, uint32_t len, uint32_t words)
{
    uint32_t unit = m->n_units;
    if (!m->stream_units) {
        if (gz_grow(&m->unit_len, &m->cap_unit_len, unit + 1, sizeof *m->unit_len, 1024) != GZ_OK ||
            gz_grow(&m->unit_words, &m->cap_unit_words, unit + 1, sizeof *m->unit_words, 1024) != GZ_OK ||
            gz_grow(&m->unit_first, &m->cap_unit_first, unit + 1, sizeof *m->unit_first, 1024) != GZ_OK) {
            m->status = GZ_NOMEM;
            return;
        }
        m->unit_len[unit] = len;
        m->unit_words[unit] = words;
        m->unit_first[unit] = unit == m->doc_first;
    }
    m->n_positions += len;
    m->n_words += words;

    uint8_t r[GZ_UNIT_REC];
    ix_memseg_unit_rec(m, u, m->n_docs - 1, len, words, r);
    if (m->stream_units)
        gz_units_most(r, m->units_most);
    else
        gz_buf_put(&m->units, r, sizeof r);
    if (m->units.status != GZ_OK)
        m->status = GZ_NOMEM;
    m->n_units++;
    /* the document's unit count */
    uint8_t *d = (uint8_t *)m->docs.data + (size_t)(m->n_docs - 1 - m->docs_base) * GZ_DOC_REC;
    gz_put32(d + GZ_DOC_N_UNITS, gz_get32(d + GZ_DOC_N_UNITS) + 1);
}

void ix_memseg_unit_rec(ix_memseg *m, const ix_unitmeta *u, uint32_t doc, uint32_t len, uint32_t words,
                        uint8_t r[GZ_UNIT_REC])
{
    memset(r, 0, GZ_UNIT_REC);
    gz_put32(r + GZ_UNIT_DOC, doc);
    gz_put32(r + GZ_UNIT_KIND, u->kind);
    gz_put32(r + GZ_UNIT_NUMBER, (uint32_t)u->number);
    gz_put32(r + GZ_UNIT_SUB, u->sub);
    gz_put32(r + GZ_UNIT_LABEL, ix_str(m, u->label));
    gz_put32(r + GZ_UNIT_PATH, ix_str(m, u->path));
    gz_put32(r + GZ_UNIT_START, u->start);
    gz_put32(r + GZ_UNIT_END, u->end);
    gz_put32(r + GZ_UNIT_LEN, len);
    gz_put32(r + GZ_UNIT_WORDS, words);
    gz_put32(r + GZ_UNIT_PAGE, u->page);
    gz_put32(r + GZ_UNIT_PAGE_END, u->page_end);
    gz_put32(r + GZ_UNIT_HASH, u->hash);
}

/* The Han character where token i ends (the first of the gram or
 * run-final unigram there; tokens come ordered by position) and its
 * bytes in *len, or NULL if none. */
static const char *han_after(const an_token *t, size_t n, size_t i, size_t *len)
{
    uint32_t at = t[i].pos + t[i].span;
    size_t j = i + 1;
    while (j < n && t[j].pos < at)
        j++;
    for (; j < n && t[j].pos == at; j++)
        if (t[j].type == AN_GRAM || t[j].type == AN_UNI) {
            const char *c = t[j].text;
            if (gz_utf8_next(&c, t[j].text + t[j].len) < 0)
                return NULL;
            *len = (size_t)(c - t[j].text);
            return t[j].text;
        }
    return NULL;
}

/* The works the document's text names (GZ_FIELD_CITES), each once, at
 * its first unit. */
static void cited_terms(ix_memseg *m, uint32_t unit)
{
    if (m->doc_text == SIZE_MAX)
        return;
    const char *text = m->text.data + m->doc_text;
    size_t at = 0, n, seen = m->keys.len;
    char key[GZ_TERM_MAX + 1];
    key[0] = GZ_FIELD_CITES;
    while ((n = gz_law_next_cited(text, m->doc_text_len, &at, key + 1, sizeof key - 1))) {
        /* the keys named already (after the unit's own in m->keys): a
         * byte of length then the key */
        int again = 0;
        for (size_t k = seen; k < m->keys.len && !again; k += 1 + (uint8_t)m->keys.data[k])
            again = (uint8_t)m->keys.data[k] == n + 1 && memcmp(m->keys.data + k + 1, key, n + 1) == 0;
        if (again)
            continue;
        gz_buf_putc(&m->keys, (char)(n + 1));
        gz_buf_put(&m->keys, key, n + 1);
        uint32_t term = m->keys.status == GZ_OK ? intern(m, key, n + 1, gz_xxh3(key, n + 1)) : UINT32_MAX;
        if (term == UINT32_MAX) {
            m->status = m->status == GZ_OK ? GZ_NOMEM : m->status;
            return;
        }
        add_occ(m, &m->terms[term], unit, 0, 1);
    }
}

void ix_memseg_unit(ix_memseg *m, const ix_unitmeta *um, const an_token *t, size_t n)
{
    if (m->status != GZ_OK || m->n_docs == 0)
        return;
    /* its text's hash, from the document's text held */
    ix_unitmeta with_hash = *um;
    const ix_unitmeta *u = &with_hash;
    with_hash.hash = m->doc_text != SIZE_MAX && um->start <= um->end && um->end <= m->doc_text_len
                         ? (uint32_t)gz_xxh3(m->text.data + m->doc_text + um->start, um->end - um->start)
                         : 0;
    uint32_t unit = m->n_units;
    if (gz_grow(&m->pend, &m->cap_pend, 2 * n, sizeof *m->pend, 256) != GZ_OK) {
        m->status = GZ_NOMEM;
        return;
    }
    /* first every key and its hash, their slots prefetched; then the
     * lookups, each prefetching the term a few tokens ahead: the table is
     * far larger than the caches, and a miss at a time would dominate */
    m->keys.len = 0;
    uint32_t len = 0, words = 0;
    size_t np = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i].len == 0 || t[i].len > GZ_TERM_MAX - 1)
            continue; /* a 10 MB run of letters is not a term anyone types */
        /* words of one or two characters add nothing the grams at the same
         * position do not say (a two-character word is its gram); keeping
         * them would cost a fifth of the postings */
        if (t[i].type == AN_WORD && t[i].span < 3)
            continue;
        char field = t[i].type == AN_WORD ? GZ_FIELD_WORD : GZ_FIELD_GRAM;
        pending *q = &m->pend[np++];
        q->key = (uint32_t)m->keys.len;
        q->len = t[i].len + 1;
        q->pos = t[i].pos;
        q->span = t[i].span;
        gz_buf_putc(&m->keys, field);
        gz_buf_put(&m->keys, t[i].text, t[i].len);
        if (t[i].pos + t[i].span > len)
            len = t[i].pos + t[i].span;
        words += field == GZ_FIELD_WORD;
        /* a number and the Han character after it (GZ_FIELD_NUMCHAR) */
        size_t cl;
        const char *c;
        if (field == GZ_FIELD_GRAM && gz_all_digits(t[i].text, t[i].len) &&
            t[i].len + 5 <= GZ_TERM_MAX && (c = han_after(t, n, i, &cl))) {
            pending *r = &m->pend[np++];
            r->key = (uint32_t)m->keys.len;
            r->len = t[i].len + 1 + (uint32_t)cl;
            r->pos = t[i].pos;
            r->span = t[i].span + 1;
            gz_buf_putc(&m->keys, GZ_FIELD_NUMCHAR);
            gz_buf_put(&m->keys, t[i].text, t[i].len);
            gz_buf_put(&m->keys, c, cl);
        }
    }
    if (m->keys.status != GZ_OK) {
        m->status = GZ_NOMEM;
        return;
    }
    for (size_t i = 0; i < np; i++) {
        pending *q = &m->pend[i];
        q->hash = gz_xxh3(m->keys.data + q->key, q->len);
        __builtin_prefetch(&m->hash[gz_probe_first(q->hash, m->hash_cap)]);
    }
    enum { AHEAD = 6, TEXT_AHEAD = 3 };
    for (size_t i = 0; i < np; i++) {
        if (i + AHEAD < np) {
            uint32_t id = m->hash[gz_probe_first(m->pend[i + AHEAD].hash, m->hash_cap)];
            if (id)
                __builtin_prefetch(&m->terms[id - 1]);
        }
        if (i + TEXT_AHEAD < np) { /* the term's text, once its entry is in */
            uint32_t id = m->hash[gz_probe_first(m->pend[i + TEXT_AHEAD].hash, m->hash_cap)];
            if (id) {
                __builtin_prefetch(m->term_text.data + m->terms[id - 1].off);
                __builtin_prefetch(m->pool + m->terms[id - 1].at, 1);
            }
        }
        pending *q = &m->pend[i];
        uint32_t term = intern(m, m->keys.data + q->key, q->len, q->hash);
        if (term == UINT32_MAX)
            return;
        add_occ(m, &m->terms[term], unit, q->pos, q->span);
    }
    if (unit == m->doc_first)
        cited_terms(m, unit);
    if (m->status != GZ_OK)
        return;
    unit_record(m, u, len, words);
}

void ix_memseg_unit_as(ix_memseg *m, const ix_unitmeta *u, uint32_t len, uint32_t words)
{
    if (m->status != GZ_OK || m->n_docs == 0)
        return;
    unit_record(m, u, len, words);
}

uint32_t ix_memseg_term(ix_memseg *m, const char *key, size_t klen)
{
    if (m->status != GZ_OK || klen < 2 || klen > GZ_TERM_MAX)
        return UINT32_MAX;
    return intern(m, key, klen, gz_xxh3(key, klen));
}

void ix_memseg_occ(ix_memseg *m, uint32_t term, uint32_t unit, uint32_t pos, uint32_t span)
{
    if (m->status == GZ_OK && term < m->n_terms && unit < m->n_units)
        add_occ(m, &m->terms[term], unit, pos, span);
}

/* ------------------------------------------------- common words' matches */

/* Where a word of n characters occurs: its grams g[0..n-1) at positions
 * p, p + 1, ... of one unit. Each gram's occurrences come sorted by unit
 * and position, so every gram after the first is merged forward. Adds one
 * occurrence of term to m per match. */
static void word_matches(ix_memseg *m, uint32_t term, ix_rec *const *g, const size_t *ng, size_t n)
{
    size_t at[GZ_TERM_MAX] = {0};
    for (size_t i = 0; i < ng[0] && m->status == GZ_OK; i++) {
        uint32_t u = g[0][i].unit, p = g[0][i].pos_span & IX_POS_MAX;
        size_t k = 1;
        for (; k + 1 < n; k++) {
            uint64_t want = (uint64_t)u << 32 | (p + k);
            while (at[k] < ng[k] && ((uint64_t)g[k][at[k]].unit << 32 | (g[k][at[k]].pos_span & IX_POS_MAX)) < want)
                at[k]++;
            if (at[k] == ng[k])
                return; /* no later start can match either */
            if (g[k][at[k]].unit != u || (g[k][at[k]].pos_span & IX_POS_MAX) != p + k)
                break;
        }
        if (k + 1 == n)
            add_occ(m, &m->terms[term], u, 0, 1);
    }
}

size_t ix_word_grams(const char *key, size_t len, char gk[][IX_GRAM_KEY], size_t *gl)
{
    /* the characters, then each pair of neighbours */
    const char *c[GZ_TERM_MAX + 1];
    size_t n = 0;
    for (const char *q = key + 1, *e = key + len; q < e && n < GZ_TERM_MAX;) {
        c[n++] = q;
        if (gz_utf8_next(&q, e) < 0)
            break;
        c[n] = q;
    }
    if (n < 3 || n >= GZ_TERM_MAX)
        return 0;
    for (size_t k = 0; k + 1 < n; k++) {
        size_t l = (size_t)(c[k + 2] - c[k]); /* characters k and k + 1 */
        if (l + 1 > IX_GRAM_KEY)
            return 0;
        gk[k][0] = GZ_FIELD_GRAM;
        memcpy(gk[k] + 1, c[k], l);
        gl[k] = l + 1;
    }
    return n - 1;
}

void ix_memseg_phrases(ix_memseg *m, uint32_t min_count)
{
    uint32_t n_terms = m->n_terms; /* the phrase terms added below are not words */
    ix_rec *g[GZ_TERM_MAX];
    size_t ng[GZ_TERM_MAX], cap[GZ_TERM_MAX] = {0};
    memset(g, 0, sizeof g);
    for (uint32_t w = 0; w < n_terms && m->status == GZ_OK; w++) {
        const ix_term *wt = &m->terms[w];
        const char *key = m->term_text.data + wt->off;
        /* seen often as a word (its text occurs at least as often) */
        if (key[0] != GZ_FIELD_WORD || wt->count < min_count)
            continue;
        /* its grams, then each gram's occurrences */
        char gk[GZ_TERM_MAX][IX_GRAM_KEY];
        size_t gl[GZ_TERM_MAX];
        size_t n = ix_word_grams(key, wt->len, gk, gl) + 1;
        if (n < 3)
            continue;
        int ok = 1;
        for (size_t k = 0; k + 1 < n && ok; k++) {
            size_t slot;
            uint32_t id = probe(m, gk[k], gl[k], gz_xxh3(gk[k], gl[k]), &slot);
            if (id == UINT32_MAX) {
                ok = 0;
                break;
            }
            const ix_term *t = &m->terms[id];
            if (gz_grow(&g[k], &cap[k], t->count, sizeof *g[k], 256) != GZ_OK) {
                m->status = GZ_NOMEM;
                break;
            }
            ng[k] = ix_term_read(m, t, g[k]);
        }
        if (!ok || m->status != GZ_OK)
            continue;
        char pk[GZ_TERM_MAX + 1];
        memcpy(pk, key, wt->len);
        pk[0] = GZ_FIELD_PHRASE;
        uint32_t pt = intern(m, pk, wt->len, gz_xxh3(pk, wt->len));
        if (pt != UINT32_MAX)
            word_matches(m, pt, g, ng, n);
    }
    for (size_t k = 0; k < GZ_TERM_MAX; k++)
        gz_free(g[k]);
}
