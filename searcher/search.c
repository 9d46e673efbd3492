/* searcher/search.c: opening an index (and its compact per-segment tables),
 * evaluating a parsed query over every segment, ranking units with BM25
 * over the matched words plus title, word, article-label and proximity
 * boosts, grouping by document on request, and writing the JSON answer
 * with snippets whose highlights are exact byte ranges of the stored text.
 * Matching is exhaustive where totals and facets need every match; scoring
 * is pruned (MaxScore), and the page alone of one exact term (or an AND of
 * such) goes through postings cursors with block-max (docs/query.md). */
#include "searcher/index.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_article_ref(const void *a, const void *b)
{
    const sr_article_ref *x = a, *y = b;
    if (x->number != y->number)
        return x->number < y->number ? -1 : 1;
    if (x->sub != y->sub)
        return x->sub < y->sub ? -1 : 1;
    if (x->seg != y->seg)
        return x->seg < y->seg ? -1 : 1;
    return (x->unit > y->unit) - (x->unit < y->unit);
}

static void segtab_fini(sr_segtab *t)
{
    gz_free(t->year);
    gz_free(t->issuer);
    gz_free(t->date);
    gz_free(t->first_unit);
    gz_free(t->n_units);
    gz_free(t->doc);
    gz_free(t->len);
    gz_free(t->kind);
}

/* The compact tables of every segment (sr_segtab), the issuer codes, and
 * the articles by number, read once per snapshot. */
static gz_status load_tables(sr_index *ix)
{
    size_t n = ix->snap->man.n_seg;
    ix->tab = gz_calloc(n + 1, sizeof *ix->tab);
    ix->issuers = gz_calloc(1, sizeof *ix->issuers);
    if (!ix->tab || !ix->issuers)
        return GZ_NOMEM;
    ix->issuers[0] = gz_strndup("", 0);
    ix->n_issuers = 1;
    for (size_t s = 0; s < n; s++) {
        gz_seg_stats ss;
        gz_segment_stats(ix->snap->seg[s], &ss);
        sr_segtab *t = &ix->tab[s];
        size_t nd = (size_t)ss.n_docs + 1, nu = (size_t)ss.n_units + 1;
        t->year = gz_calloc(nd, sizeof *t->year);
        t->issuer = gz_calloc(nd, sizeof *t->issuer);
        t->date = gz_calloc(nd, sizeof *t->date);
        t->first_unit = gz_calloc(nd, sizeof *t->first_unit);
        t->n_units = gz_calloc(nd, sizeof *t->n_units);
        t->doc = gz_calloc(nu, sizeof *t->doc);
        t->len = gz_calloc(nu, sizeof *t->len);
        t->kind = gz_calloc(nu, sizeof *t->kind);
        if (!t->year || !t->issuer || !t->date || !t->first_unit || !t->n_units || !t->doc || !t->len || !t->kind)
            return GZ_NOMEM;
        for (uint32_t d = 0; d < ss.n_docs; d++) {
            gz_docinfo di;
            if (gz_segment_doc(ix->snap->seg[s], d, &di) != GZ_OK)
                return GZ_CORRUPT;
            t->year[d] = (uint16_t)(di.date / 10000);
            t->date[d] = di.date;
            t->first_unit[d] = di.first_unit;
            t->n_units[d] = di.n_units;
            size_t id = 0;
            while (id < ix->n_issuers && strcmp(ix->issuers[id], di.issuer) != 0)
                id++;
            if (id == ix->n_issuers && id < UINT16_MAX) {
                char **v = gz_realloc(ix->issuers, (id + 1) * sizeof *v);
                if (!v)
                    return GZ_NOMEM;
                ix->issuers = v;
                ix->issuers[id] = gz_strndup(di.issuer, strlen(di.issuer));
                ix->n_issuers++;
            }
            t->issuer[d] = (uint16_t)(id < ix->n_issuers ? id : 0);
        }
        for (uint32_t u = 0; u < ss.n_units; u++) {
            gz_unitinfo ui;
            if (gz_segment_unit(ix->snap->seg[s], u, &ui) != GZ_OK)
                return GZ_CORRUPT;
            t->doc[u] = ui.doc;
            t->len[u] = ui.len ? ui.len : 1;
            t->kind[u] = (uint8_t)(ui.kind < GZ_KIND__COUNT ? ui.kind : 0);
            /* articles by number, for lookups */
            if (ui.kind != GZ_KIND_ARTICLE || ui.number < 0)
                continue;
            if (gz_grow(&ix->articles, &ix->cap_articles, ix->n_articles + 1, sizeof *ix->articles, 1024) !=
                GZ_OK)
                return GZ_NOMEM;
            ix->articles[ix->n_articles++] = (sr_article_ref){(uint32_t)ui.number, ui.sub, (uint32_t)s, u};
        }
    }
    qsort(ix->articles, ix->n_articles, sizeof *ix->articles, cmp_article_ref);
    return GZ_OK;
}

gz_status sr_index_open(const char *dir, sr_index **out, gz_error *err)
{
    *out = NULL;
    sr_index *ix = gz_calloc(1, sizeof *ix);
    if (!ix)
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    ix->dir = gz_strndup(dir, strlen(dir));
    gz_status st = gz_snapshot_open(dir, &ix->snap, err);
    if (st == GZ_EOF)
        st = gz_error_set(err, GZ_IO, -1, "[searcher] %s: no index here (run gazette index first)", dir);
    if (st == GZ_OK && (st = an_analyzer_open(&ix->an, err)) == GZ_OK)
        an_analyzer_use_segmenter(ix->an, 0); /* queries are short: ICU, no dictionary to load */
    if (st == GZ_OK && strcmp(an_analyzer_id(ix->an), ix->snap->man.analyzer_id) != 0)
        st = gz_error_set(err, GZ_VERSION, -1, "[searcher] %s was built by analyzer '%s', this is '%s'", dir,
                          ix->snap->man.analyzer_id, an_analyzer_id(ix->an));
    if (st != GZ_OK) {
        sr_index_close(ix);
        return st;
    }
    if ((st = load_tables(ix)) != GZ_OK) {
        sr_index_close(ix);
        return gz_error_set(err, st, -1, "[searcher] %s: cannot read the document table", dir);
    }
    ix->cache = sr_cache_new(SR_CACHE_BYTES); /* none if out of memory: slower, not wrong */
    ix->n_units = ix->snap->n_units ? ix->snap->n_units : 1;
    ix->avg_len = (double)ix->snap->n_positions / (double)ix->n_units;
    if (ix->avg_len < 1)
        ix->avg_len = 1;
    *out = ix;
    return GZ_OK;
}

void sr_index_close(sr_index *ix)
{
    if (!ix)
        return;
    for (size_t i = 0; ix->snap && ix->tab && i < ix->snap->man.n_seg; i++)
        segtab_fini(&ix->tab[i]);
    gz_free(ix->tab);
    for (size_t i = 0; i < ix->n_issuers; i++)
        gz_free(ix->issuers[i]);
    gz_free(ix->issuers);
    gz_free(ix->articles);
    sr_cache_free(ix->cache);
    for (size_t i = 0; i < ix->norm_cap; i++)
        gz_free(ix->norm_val[i]);
    gz_free(ix->norm_key);
    gz_free(ix->norm_val);
    gz_snapshot_close(ix->snap);
    gz_textctx_free(ix->tctx);
    an_analyzer_close(ix->an);
    gz_free(ix->dir);
    gz_free(ix);
}

uint64_t sr_index_generation(const sr_index *ix) { return ix->snap->man.generation; }

gz_status sr_index_cache(sr_index *ix, size_t bytes)
{
    sr_cache_free(ix->cache);
    ix->cache = bytes ? sr_cache_new(bytes) : NULL;
    return !bytes || ix->cache ? GZ_OK : GZ_NOMEM;
}

uint64_t sr_index_disk_generation(const char *dir)
{
    gz_manifest m;
    gz_manifest_init(&m);
    uint64_t g = gz_manifest_read(dir, &m, NULL) == GZ_OK ? m.generation : 0;
    gz_manifest_fini(&m);
    return g;
}

/* ------------------------------------------------------------ booleans */

typedef struct seg_eval {
    const gz_segment *seg;
    const uint8_t *deleted;
    ulist *leaf; /* per leaf */
} seg_eval;

static gz_status ul_copy(ulist *dst, const ulist *src)
{
    for (size_t i = 0; i < src->n; i++)
        if (ul_push(dst, src->unit[i], src->tf[i]) != GZ_OK)
            return GZ_NOMEM;
    return GZ_OK;
}

static gz_status all_units(const seg_eval *se, ulist *out)
{
    gz_seg_stats ss;
    gz_segment_stats(se->seg, &ss);
    for (uint32_t u = 0; u < ss.n_units; u++)
        if (ul_push(out, u, 1) != GZ_OK)
            return GZ_NOMEM;
    return GZ_OK;
}

static int keeps(const seg_eval *se, const q_node *f, uint32_t unit, gz_buf *scratch, an_analyzer *an)
{
    gz_unitinfo ui;
    gz_docinfo di;
    if (gz_segment_unit(se->seg, unit, &ui) != GZ_OK || gz_segment_doc(se->seg, ui.doc, &di) != GZ_OK)
        return 0;
    switch (f->field) {
    case F_DATE:
    case F_YEAR: return di.date >= f->lo && di.date <= f->hi && di.date != 0;
    case F_KIND: return f->kind >= 0 && ((int)ui.kind == f->kind || (int)di.kind == f->kind);
    case F_ISSUER: return strcmp(di.issuer, f->text) == 0 || strstr(di.body, f->text) != NULL;
    case F_DOCNO: {
        gz_docno a, b;
        if (!gz_docno_find(f->text, strlen(f->text), &a))
            return strstr(di.docno_raw, f->text) != NULL;
        return gz_docno_find(di.docno, strlen(di.docno), &b) && a.year == b.year && a.serial == b.serial &&
               strcmp(a.issuer, b.issuer) == 0;
    }
    case F_TITLE: {
        /* normalised substring of the title or of the unit's place */
        const char *n1;
        size_t l1;
        const uint32_t *map;
        if (an_normalize(an, f->text, strlen(f->text), &n1, &l1, &map) != GZ_OK)
            return 0;
        scratch->len = 0;
        gz_buf_put(scratch, n1, l1);
        gz_buf_cstr(scratch);
        char *want = scratch->data ? gz_strndup(scratch->data, scratch->len) : NULL;
        int hit = 0;
        const char *fields[2] = {di.title, ui.path};
        for (int k = 0; want && k < 2 && !hit; k++) {
            const char *n2;
            size_t l2;
            if (an_normalize(an, fields[k], strlen(fields[k]), &n2, &l2, &map) == GZ_OK)
                hit = memmem(n2, l2, want, strlen(want)) != NULL;
        }
        gz_free(want);
        return hit;
    }
    default: return 1;
    }
}

/* Evaluates n over one segment into out (sorted units). */
static gz_status eval(const seg_eval *se, const q_node *n, ulist *out, gz_buf *scratch, an_analyzer *an)
{
    gz_status st = GZ_OK;
    switch (n->type) {
    case Q_TEXT:
        return ul_copy(out, &se->leaf[n->leaf]);
    case Q_FILTER: {
        ulist all = {0};
        st = all_units(se, &all);
        for (size_t i = 0; st == GZ_OK && i < all.n; i++)
            if (keeps(se, n, all.unit[i], scratch, an))
                st = ul_push(out, all.unit[i], 1);
        ul_fini(&all);
        return st;
    }
    case Q_NOT: {
        ulist all = {0}, inner = {0};
        st = all_units(se, &all);
        if (st == GZ_OK)
            st = eval(se, n->kid[0], &inner, scratch, an);
        for (size_t i = 0, j = 0; st == GZ_OK && i < all.n; i++) {
            while (j < inner.n && inner.unit[j] < all.unit[i])
                j++;
            if (j >= inner.n || inner.unit[j] != all.unit[i])
                st = ul_push(out, all.unit[i], 1);
        }
        ul_fini(&all);
        ul_fini(&inner);
        return st;
    }
    case Q_OR: {
        /* one k-way merge of the operands */
        ulist *kid = gz_calloc(n->n_kid + 1, sizeof *kid);
        size_t *at = gz_calloc(n->n_kid + 1, sizeof *at);
        if (!kid || !at)
            st = GZ_NOMEM;
        for (size_t k = 0; st == GZ_OK && k < n->n_kid; k++)
            st = eval(se, n->kid[k], &kid[k], scratch, an);
        while (st == GZ_OK) {
            uint32_t u = GZ_POST_END;
            for (size_t k = 0; k < n->n_kid; k++)
                if (at[k] < kid[k].n && kid[k].unit[at[k]] < u)
                    u = kid[k].unit[at[k]];
            if (u == GZ_POST_END)
                break;
            for (size_t k = 0; k < n->n_kid; k++)
                at[k] += at[k] < kid[k].n && kid[k].unit[at[k]] == u;
            st = ul_push(out, u, 1);
        }
        for (size_t k = 0; kid && k < n->n_kid; k++)
            ul_fini(&kid[k]);
        gz_free(kid);
        gz_free(at);
        return st;
    }
    case Q_AND: {
        /* lists intersect; filters and negations then remove */
        ulist acc = {0};
        int have = 0;
        for (size_t k = 0; st == GZ_OK && k < n->n_kid; k++) {
            const q_node *c = n->kid[k];
            if (c->type == Q_FILTER || c->type == Q_NOT)
                continue;
            ulist kid = {0}, inter = {0};
            st = eval(se, c, &kid, scratch, an);
            if (!have) {
                acc = kid;
                have = 1;
                continue;
            }
            for (size_t i = 0, j = 0; st == GZ_OK && i < acc.n && j < kid.n;) {
                if (acc.unit[i] < kid.unit[j])
                    i++;
                else if (kid.unit[j] < acc.unit[i])
                    j++;
                else {
                    st = ul_push(&inter, acc.unit[i], 1);
                    i++;
                    j++;
                }
            }
            ul_fini(&acc);
            ul_fini(&kid);
            acc = inter;
        }
        if (!have && st == GZ_OK)
            st = all_units(se, &acc);
        for (size_t k = 0; st == GZ_OK && k < n->n_kid; k++) {
            const q_node *c = n->kid[k];
            if (c->type != Q_FILTER && c->type != Q_NOT)
                continue;
            ulist neg = {0}, kept = {0};
            if (c->type == Q_NOT)
                st = eval(se, c->kid[0], &neg, scratch, an);
            for (size_t i = 0, j = 0; st == GZ_OK && i < acc.n; i++) {
                int keep;
                if (c->type == Q_FILTER) {
                    keep = keeps(se, c, acc.unit[i], scratch, an);
                } else {
                    while (j < neg.n && neg.unit[j] < acc.unit[i])
                        j++;
                    keep = !(j < neg.n && neg.unit[j] == acc.unit[i]);
                }
                if (keep)
                    st = ul_push(&kept, acc.unit[i], 1);
            }
            ul_fini(&neg);
            ul_fini(&acc);
            acc = kept;
        }
        *out = acc;
        return st;
    }
    }
    return st;
}

/* ------------------------------------------------------------- scoring */

#define BM25_K1 1.2
#define BM25_B 0.75
#define W_TITLE 0.6
#define W_WORD 0.5
#define W_LABEL 3.0
#define W_PROX 0.5

typedef struct hit {
    double score;
    uint32_t seg, unit, doc, date;
    uint32_t more[2];   /* by document: its next best matching units, or UINT32_MAX */
    uint32_t n_in_doc;  /* by document: how many of its units match */
    uint32_t kind;      /* the unit's gz_kind, for the facets */
} hit;

static double bm25(double idf, double tf, double len, double avg)
{
    return idf * tf * (BM25_K1 + 1) / (tf + BM25_K1 * (1 - BM25_B + BM25_B * len / avg));
}

/* 第N条 as a whole leaf: units labelled so get a boost over mentions. */
static int leaf_article_number(const char *text, int64_t *num)
{
    size_t len = strlen(text);
    if (len < 9 || memcmp(text, "第", 3) != 0 || memcmp(text + len - 3, "条", 3) != 0)
        return 0;
    return gz_numeral_parse(text + 3, len - 6, num) == len - 6;
}

static int cmp_hit_score(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    if (x->seg != y->seg)
        return x->seg < y->seg ? -1 : 1;
    return (x->unit > y->unit) - (x->unit < y->unit);
}

static int cmp_hit_date(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? 1 : -1;
    return cmp_hit_score(a, b);
}

/* ------------------------------------------------------------- output */

static void json_kv_str(gz_buf *b, const char *k, const char *v)
{
    gz_buf_printf(b, "\"%s\":", k);
    gz_json_str(b, v, strlen(v));
}

static void json_date(gz_buf *b, uint32_t d)
{
    if (d)
        gz_buf_printf(b, "\"date\":\"%04u-%02u-%02u\"", d / 10000, d / 100 % 100, d % 100);
    else
        gz_buf_puts(b, "\"date\":null");
}

static int cmp_occ(const void *a, const void *b)
{
    const occ *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* The snippet of a unit: up to ~160 characters around its first match, and
 * the highlights inside it as byte ranges of the snippet. */
static void write_snippet(sr_index *ix, const q_plan *plan, const char *doc_text, size_t doc_len,
                          const gz_unitinfo *ui, uint32_t base, gz_buf *b)
{
    const char *text = doc_text + ui->start;
    uint32_t len = ui->end <= doc_len ? ui->end - ui->start : 0;
    occ found[64];
    size_t n_found = 0;
    const an_token *t;
    size_t n;
    /* the snippet shows the first matches: analyse the unit's first 1 KiB
     * (cut at a line end) and the whole unit only if nothing is found there */
    uint32_t head = len;
    if (len > 1024) {
        const char *nl = memchr(text + 768, '\n', len - 768);
        head = nl && nl - text < 2048 ? (uint32_t)(nl - text) : len;
    }
    for (int pass = 0; pass < 2 && n_found == 0; pass++) {
        uint32_t upto = pass ? len : head;
        if (pass && head == len)
            break;
        if (an_analyze(ix->an, text, upto, AN_MODE_SNIPPET, &t, &n) == GZ_OK)
            for (size_t l = 0; l < plan->n_leaf && n_found < 64; l++)
                if (plan->leaf[l].positive)
                    n_found += sr_leaf_occurrences(&plan->leaf[l], text, t, n, found + n_found, 64 - n_found);
    }
    qsort(found, n_found, sizeof *found, cmp_occ);
    /* window: from a little before the first match, at most 480 bytes */
    uint32_t from = n_found && found[0].start > 90 ? found[0].start - 90 : 0, to;
    while (from > 0 && ((unsigned char)text[from] & 0xC0) == 0x80)
        from--;
    to = from + 480 < len ? from + 480 : len;
    while (to < len && ((unsigned char)text[to] & 0xC0) == 0x80)
        to--;
    gz_buf_puts(b, "\"snippet\":");
    gz_json_str(b, text + from, to - from);
    gz_buf_printf(b, ",\"snippet_start\":%u,\"highlights\":[", base + ui->start + from);
    uint32_t last_end = 0;
    int first = 1;
    for (size_t i = 0; i < n_found; i++) {
        occ o = found[i];
        if (o.start < from || o.end > to || o.start < last_end)
            continue;
        gz_buf_printf(b, "%s[%u,%u]", first ? "" : ",", o.start - from, o.end - from);
        last_end = o.end;
        first = 0;
    }
    gz_buf_putc(b, ']');
}

static void write_unit(gz_buf *b, const gz_unitinfo *ui, uint32_t seg_id, uint32_t unit)
{
    gz_buf_printf(b, "\"unit\":{\"id\":\"%u-%u-%u\",\"kind\":\"%s\"", seg_id, ui->doc, unit,
                  gz_kind_name((gz_kind)ui->kind));
    if (ui->number >= 0)
        gz_buf_printf(b, ",\"number\":%d", ui->number);
    if (ui->sub)
        gz_buf_printf(b, ",\"sub\":%u", ui->sub);
    gz_buf_putc(b, ',');
    json_kv_str(b, "label", ui->label);
    gz_buf_putc(b, ',');
    json_kv_str(b, "path", ui->path);
    gz_buf_printf(b, ",\"start\":%u,\"end\":%u}", ui->start, ui->end);
}

static void write_hit(sr_index *ix, const q_plan *plan, const hit *h, gz_buf *b, gz_buf *text, int doc_mode)
{
    const gz_segment *seg = ix->snap->seg[h->seg];
    gz_unitinfo ui;
    gz_docinfo di;
    if (gz_segment_unit(seg, h->unit, &ui) != GZ_OK || gz_segment_doc(seg, ui.doc, &di) != GZ_OK)
        return;
    uint32_t seg_id = ix->snap->man.seg[h->seg].id;
    gz_buf_printf(b, "{\"id\":\"%u-%u\",", seg_id, ui.doc);
    json_kv_str(b, "source", di.source);
    gz_buf_putc(b, ',');
    json_kv_str(b, "title", di.title);
    gz_buf_putc(b, ',');
    if (*di.docno_raw)
        json_kv_str(b, "docno", di.docno_raw);
    else
        gz_buf_puts(b, "\"docno\":null");
    gz_buf_putc(b, ',');
    json_date(b, di.date);
    gz_buf_printf(b, ",\"score\":%.4f,", h->score);
    if (*di.issue) {
        json_kv_str(b, "issue", di.issue);
        gz_buf_putc(b, ',');
    }
    /* only the unit's bytes are decompressed; the snippet code sees them
     * as the document's text from ui.start on */
    if (gz_segment_text_range(seg, ui.doc, ui.start, ui.end, text, &ix->tctx) == GZ_OK) {
        gz_unitinfo local = ui;
        local.start = 0;
        local.end = (uint32_t)text->len;
        write_snippet(ix, plan, text->data ? text->data : "", text->len, &local, ui.start, b);
    }
    else
        gz_buf_puts(b, "\"snippet\":\"\",\"snippet_start\":0,\"highlights\":[]");
    gz_buf_putc(b, ',');
    write_unit(b, &ui, seg_id, h->unit);
    if (doc_mode) {
        /* the document's other best units */
        gz_buf_printf(b, ",\"units_matched\":%u,\"more_units\":[", h->n_in_doc);
        for (int k = 0, first = 1; k < 2; k++) {
            gz_unitinfo mu;
            if (h->more[k] == UINT32_MAX || gz_segment_unit(seg, h->more[k], &mu) != GZ_OK)
                continue;
            if (!first)
                gz_buf_putc(b, ',');
            gz_buf_putc(b, '{');
            write_unit(b, &mu, seg_id, h->more[k]);
            gz_buf_putc(b, '}');
            first = 0;
        }
        gz_buf_putc(b, ']');
    }
    gz_buf_putc(b, '}');
}

typedef struct facet {
    char key[64];
    size_t count;
} facet;

static int cmp_facet(const void *a, const void *b)
{
    const facet *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->key, y->key);
}

static void write_facet(gz_buf *b, const char *name, facet *f, size_t n)
{
    qsort(f, n, sizeof *f, cmp_facet);
    gz_buf_printf(b, "\"%s\":[", name);
    for (size_t i = 0; i < n && i < 50; i++) {
        gz_buf_printf(b, "%s{\"value\":", i ? "," : "");
        gz_json_str(b, f[i].key, strlen(f[i].key));
        gz_buf_printf(b, ",\"count\":%zu}", f[i].count);
    }
    gz_buf_putc(b, ']');
}

/* Word-field cursors of one segment, per leaf and word, opened lazily. */
typedef struct word_cursors {
    gz_post *p;
    signed char *state; /* 0 unopened, 1 open, -1 absent */
    size_t *base;       /* per leaf: index of its first word */
    size_t n;
} word_cursors;

static void wc_init(word_cursors *wc, const q_plan *plan)
{
    memset(wc, 0, sizeof *wc);
    wc->base = gz_calloc(plan->n_leaf + 1, sizeof *wc->base);
    for (size_t l = 0; wc->base && l < plan->n_leaf; l++) {
        wc->base[l] = wc->n;
        wc->n += plan->leaf[l].n_words;
    }
    wc->p = gz_calloc(wc->n + 1, sizeof *wc->p);
    wc->state = gz_calloc(wc->n + 1, 1);
}

static void wc_fini(word_cursors *wc)
{
    for (size_t i = 0; wc->state && i < wc->n; i++)
        if (wc->state[i] == 1)
            gz_post_fini(&wc->p[i]);
    gz_free(wc->p);
    gz_free(wc->state);
    gz_free(wc->base);
    memset(wc, 0, sizeof *wc);
}

static gz_post *word_cursor(word_cursors *wc, const gz_segment *seg, const q_plan *plan, size_t l, size_t w)
{
    if (!wc->p || !wc->state || !wc->base)
        return NULL;
    size_t i = wc->base[l] + w;
    if (wc->state[i] == 0) {
        char term[GZ_TERM_MAX + 1];
        size_t wl = strlen(plan->leaf[l].words[w]);
        gz_terminfo ti;
        wc->state[i] = -1;
        if (wl + 1 <= GZ_TERM_MAX) {
            term[0] = GZ_FIELD_WORD;
            memcpy(term + 1, plan->leaf[l].words[w], wl);
            if (gz_segment_term(seg, term, wl + 1, &ti) == 1) {
                if (gz_post_open(&wc->p[i], seg, &ti) == GZ_OK)
                    wc->state[i] = 1;
                else
                    gz_post_fini(&wc->p[i]);
            }
        }
    }
    return wc->state[i] == 1 ? &wc->p[i] : NULL;
}

/* Keeps the `want` best hits in a max-heap, the worst on top (h[0]). */
static void heap_offer(hit *h, size_t *k, size_t want, const hit *x, int (*cmp)(const void *, const void *))
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

/* Proximity: for each pair of query words next to each other in the query
 * (among those the unit holds), the closest two occurrences, as a bonus
 * that halves at 4 positions apart. */
static double proximity(const uint32_t *const *pos, const size_t *n_pos, const double *idf, size_t n)
{
    double bonus = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        const uint32_t *pa = pos[i], *pb = pos[i + 1];
        size_t na = n_pos[i], nb = n_pos[i + 1];
        uint32_t best = UINT32_MAX;
        for (size_t x = 0, y = 0; x < na && y < nb && best;) {
            uint32_t d = pa[x] > pb[y] ? pa[x] - pb[y] : pb[y] - pa[x];
            if (d < best)
                best = d;
            if (pa[x] < pb[y])
                x++;
            else
                y++;
        }
        if (best != UINT32_MAX)
            bonus += W_PROX * (idf[i] < idf[i + 1] ? idf[i] : idf[i + 1]) * 4.0 / (4.0 + best);
    }
    return bonus;
}

typedef struct run_opts {
    size_t want;    /* keep only the best `want` (0: keep every hit) */
    int (*cmp)(const void *, const void *);
    int prune;      /* with want: skip units whose bound cannot enter the best */
    size_t *year_n, *iss_n, *kind_n; /* facet counters over every match, or NULL */
} run_opts;

typedef struct run_out {
    hit *hits;      /* every hit, or the best `want` in no order */
    size_t n_hits;
    size_t total;   /* live matching units */
    size_t scored;  /* units scored in full */
    size_t blocks, skipped; /* direct path: postings blocks met, skipped undecoded */
} run_out;

/* The final score from its parts; the bound uses the same expression with
 * the bounds of the costly parts, so bound >= score in floating point too. */
static double combine(double cheap, double costly, double qf, double am, double add)
{
    return (cheap + costly) * qf * am + add;
}

/* Scoring state of one run: the query's constants, the per-segment cursors
 * of the costly parts, and the page being kept. */
typedef struct scorer {
    sr_index *ix;
    const q_plan *plan;
    const run_opts *o;
    run_out *r;
    size_t n_leaf;
    double *idf, *pidf;
    int64_t *label_num;
    int any_label;
    /* per unit, filled by the caller: each positive leaf's tf there (0:
     * absent), and whether the unit's document title holds it */
    uint32_t *tf;
    uint8_t *title;
    /* costly parts, per segment */
    word_cursors wc;
    size_t *pl, *n_at;
    const uint32_t **at;
    sr_matcher **mt;
    /* the page */
    hit *hits;
    size_t n_hits, cap;
    int keep_all;
} scorer;

static gz_status scorer_init(scorer *sc, sr_index *ix, const q_plan *plan, const run_opts *o, run_out *r,
                             const double *df)
{
    size_t n = plan->n_leaf;
    memset(sc, 0, sizeof *sc);
    sc->ix = ix, sc->plan = plan, sc->o = o, sc->r = r, sc->n_leaf = n;
    sc->idf = gz_calloc(2 * n + 1, sizeof *sc->idf);
    sc->label_num = gz_calloc(n + 1, sizeof *sc->label_num);
    sc->tf = gz_calloc(n + 1, sizeof *sc->tf);
    sc->title = gz_calloc(n + 1, 1);
    sc->pl = gz_calloc(2 * n + 1, sizeof *sc->pl);
    sc->at = gz_calloc(n + 1, sizeof *sc->at);
    sc->mt = gz_calloc(n + 1, sizeof *sc->mt);
    if (!sc->idf || !sc->label_num || !sc->tf || !sc->title || !sc->pl || !sc->at || !sc->mt)
        return GZ_NOMEM;
    sc->pidf = sc->idf + n;
    sc->n_at = sc->pl + n;
    for (size_t l = 0; l < n; l++) {
        sc->idf[l] = log(1 + ((double)ix->n_units - df[l] + 0.5) / (df[l] + 0.5));
        if (!leaf_article_number(plan->leaf[l].text, &sc->label_num[l]))
            sc->label_num[l] = -1;
        sc->any_label |= sc->label_num[l] >= 0 && plan->leaf[l].positive;
    }
    sc->keep_all = o->want == 0;
    return sc->keep_all ? GZ_OK : gz_grow(&sc->hits, &sc->cap, o->want, sizeof *sc->hits, 16);
}

static void scorer_fini(scorer *sc);

/* Hands the page to the run's output if st is GZ_OK; frees the rest. */
static gz_status scorer_finish(scorer *sc, gz_status st)
{
    if (st == GZ_OK) {
        sc->r->hits = sc->hits;
        sc->r->n_hits = sc->n_hits;
        sc->hits = NULL;
    }
    scorer_fini(sc);
    return st;
}

static void scorer_segment_begin(scorer *sc) { wc_init(&sc->wc, sc->plan); }

static void scorer_segment_end(scorer *sc)
{
    wc_fini(&sc->wc);
    for (size_t l = 0; sc->mt && l < sc->n_leaf; l++) {
        sr_matcher_close(sc->mt[l]);
        sc->mt[l] = NULL;
    }
}

static void scorer_fini(scorer *sc)
{
    scorer_segment_end(sc);
    gz_free(sc->idf);
    gz_free(sc->label_num);
    gz_free(sc->tf);
    gz_free(sc->title);
    gz_free(sc->pl);
    gz_free(sc->at);
    gz_free(sc->mt);
    gz_free(sc->hits);
}

/* The page is full and x cannot enter it. Pruning orders by score (by
 * date nothing is pruned), and x comes after every unit in the page, so a
 * tie with the page's worst loses. */
static inline int cannot_enter(const scorer *sc, const hit *x)
{
    return !sc->keep_all && sc->o->prune && sc->n_hits == sc->o->want && x->score <= sc->hits[0].score;
}

/* Scores live unit u of segment s (document doc) from sc->tf and
 * sc->title, with the any-word factor am and bonus add, and offers it to
 * the page: the cheap parts first, the costly ones only if the bound lets
 * the unit in. */
static gz_status score_unit(scorer *sc, size_t s, uint32_t u, uint32_t doc, double am, double add)
{
    const q_plan *plan = sc->plan;
    const sr_segtab *t = &sc->ix->tab[s];
    const gz_segment *seg = sc->ix->snap->seg[s];
    size_t n_leaf = sc->n_leaf;
    /* the unit's number, only when a word is an article label */
    gz_unitinfo ui = {0};
    int have_ui = 0;
    if (sc->any_label && t->kind[u] == GZ_KIND_ARTICLE) {
        if (gz_segment_unit(seg, u, &ui) != GZ_OK)
            return GZ_OK;
        have_ui = 1;
    }
    /* the cheap parts, and the bounds of the costly ones */
    double cheap = 0, costly_max = 0, len = t->len[u];
    size_t matched = 0, n_pl = 0;
    for (size_t l = 0; l < n_leaf; l++) {
        if (!plan->leaf[l].positive)
            continue;
        if (sc->tf[l]) {
            cheap += bm25(sc->idf[l], sc->tf[l], len, sc->ix->avg_len);
            matched++;
            if (have_ui && sc->label_num[l] >= 0 && sc->label_num[l] == ui.number)
                cheap += W_LABEL * sc->idf[l];
            costly_max += W_WORD * sc->idf[l] * (BM25_K1 + 1) * (double)plan->leaf[l].n_words;
            sc->pl[n_pl] = l;
            sc->pidf[n_pl++] = sc->idf[l];
        }
        /* the document's title line holds the word too */
        if (sc->title[l])
            cheap += W_TITLE * sc->idf[l];
    }
    for (size_t k = 0; k + 1 < n_pl; k++)
        costly_max += W_PROX * (sc->pidf[k] < sc->pidf[k + 1] ? sc->pidf[k] : sc->pidf[k + 1]);
    double qf = plan->question && n_leaf ? (1.0 + (double)matched) / (1.0 + (double)n_leaf) : 1.0;
    hit h = {0, (uint32_t)s, u, doc, t->date[doc], {UINT32_MAX, UINT32_MAX}, 1, t->kind[u]};
    h.score = combine(cheap, costly_max, qf, am, add);
    if (cannot_enter(sc, &h))
        return GZ_OK; /* whatever the costly parts give */
    /* the costly parts: whole words (3+ characters) as ICU segments them,
     * cursors opened once per segment and moving forward */
    double costly = 0;
    uint32_t words = 1;
    for (size_t k = 0; k < n_pl; k++) {
        size_t l = sc->pl[k];
        if (plan->leaf[l].n_words && !have_ui) {
            if (gz_segment_unit(seg, u, &ui) != GZ_OK)
                break;
            have_ui = 1;
        }
        if (have_ui && ui.words)
            words = ui.words;
        for (size_t w = 0; w < plan->leaf[l].n_words; w++) {
            gz_post *p = word_cursor(&sc->wc, seg, plan, l, w);
            if (p && gz_post_seek(p, u) == GZ_OK && p->unit == u)
                costly += W_WORD * bm25(sc->idf[l], p->tf, words, 8);
        }
    }
    if (n_pl > 1) {
        /* where each word occurs: its matcher, opened once per segment */
        gz_status st = GZ_OK;
        for (size_t k = 0; k < n_pl && st == GZ_OK; k++) {
            size_t l = sc->pl[k];
            if (!sc->mt[l])
                st = sr_matcher_open(seg, &plan->leaf[l], &sc->mt[l]);
            if (st == GZ_OK)
                st = sr_matcher_starts(sc->mt[l], u, &sc->at[k], &sc->n_at[k]);
        }
        if (st != GZ_OK)
            return st;
        costly += proximity(sc->at, sc->n_at, sc->pidf, n_pl);
    }
    h.score = combine(cheap, costly, qf, am, add);
    sc->r->scored++;
    if (sc->keep_all) {
        if (gz_grow(&sc->hits, &sc->cap, sc->n_hits + 1, sizeof *sc->hits, 256) != GZ_OK)
            return GZ_NOMEM;
        sc->hits[sc->n_hits++] = h;
    } else {
        heap_offer(sc->hits, &sc->n_hits, sc->o->want, &h, sc->o->cmp);
    }
    return GZ_OK;
}

static void count_facets(const run_opts *o, const sr_segtab *t, uint32_t u, uint32_t doc)
{
    if (!o->year_n)
        return;
    if (t->year[doc])
        o->year_n[t->year[doc] % 10000]++;
    o->iss_n[t->issuer[doc]]++;
    o->kind_n[t->kind[u]]++;
}

/* An OR of words (a question, or words joined by OR), pruned: the words'
 * lists are merged here, each unit knowing which words it holds, and a unit
 * whose bound from those words alone cannot enter the page is counted but
 * not scored (MaxScore: a unit holding only words that cannot lift it into
 * the page is skipped without a BM25). The bound of a word the unit holds
 * is its most: BM25 below IDF x (k1 + 1), the label boost, its whole words
 * at their most, and proximity charged to it at W_PROX x IDF; to that the
 * title boosts the unit's document gets (from any word, held or not),
 * looked up once per document. */
static int or_plan(const q_plan *plan, const run_opts *o)
{
    const q_node *n = plan->root;
    if (!o->prune || !o->want || plan->any_word || n->type != Q_OR || n->n_kid != plan->n_leaf)
        return 0;
    for (size_t k = 0; k < n->n_kid; k++)
        if (n->kid[k]->type != Q_TEXT || !plan->leaf[n->kid[k]->leaf].positive)
            return 0;
    return 1;
}

static gz_status score_or(scorer *sc, size_t s, seg_eval *se)
{
    const q_plan *plan = sc->plan;
    size_t n_leaf = sc->n_leaf;
    const sr_segtab *t = &sc->ix->tab[s];
    size_t *cur = gz_calloc(2 * n_leaf + 1, sizeof *cur), *tcur = cur ? cur + n_leaf : NULL;
    double *most = gz_calloc(n_leaf + 1, sizeof *most);
    gz_status st = cur && most ? GZ_OK : GZ_NOMEM;
    for (size_t l = 0; st == GZ_OK && l < n_leaf; l++) {
        double idf = sc->idf[l];
        most[l] = idf * (BM25_K1 + 1) + (sc->label_num[l] >= 0 ? W_LABEL * idf : 0) +
                  W_WORD * idf * (BM25_K1 + 1) * (double)plan->leaf[l].n_words + W_PROX * idf;
    }
    uint32_t cur_doc = UINT32_MAX;
    double titles = 0;
    while (st == GZ_OK) {
        uint32_t u = GZ_POST_END;
        for (size_t l = 0; l < n_leaf; l++)
            if (cur[l] < se->leaf[l].n && se->leaf[l].unit[cur[l]] < u)
                u = se->leaf[l].unit[cur[l]];
        if (u == GZ_POST_END)
            break;
        double bound = 0;
        size_t held = 0;
        for (size_t l = 0; l < n_leaf; l++) {
            const ulist *ll = &se->leaf[l];
            sc->tf[l] = 0;
            if (cur[l] < ll->n && ll->unit[cur[l]] == u) {
                sc->tf[l] = ll->tf[cur[l]++];
                bound += most[l];
                held++;
            }
        }
        uint32_t doc = t->doc[u];
        if (gz_bit(se->deleted, doc))
            continue;
        sc->r->total++;
        count_facets(sc->o, t, u, doc);
        if (doc != cur_doc) {
            /* which words the document's title holds: once per document */
            cur_doc = doc;
            uint32_t first_unit = t->first_unit[doc];
            titles = 0;
            for (size_t l = 0; l < n_leaf; l++) {
                const ulist *ll = &se->leaf[l];
                while (tcur[l] < ll->n && ll->unit[tcur[l]] < first_unit)
                    tcur[l]++;
                sc->title[l] = tcur[l] < ll->n && ll->unit[tcur[l]] == first_unit;
                titles += sc->title[l] ? W_TITLE * sc->idf[l] : 0;
            }
        }
        double qf = plan->question ? (1.0 + (double)held) / (1.0 + (double)n_leaf) : 1.0;
        hit h = {(bound + titles) * qf * (1 + 1e-9), (uint32_t)s, u, 0, 0, {0, 0}, 0, 0};
        if (cannot_enter(sc, &h))
            continue;
        st = score_unit(sc, s, u, doc, 1, 0);
    }
    gz_free(cur);
    gz_free(most);
    return st;
}

/* Every unit the root matches in segment s, from the leaves' match lists. */
static gz_status score_lists(scorer *sc, size_t s, seg_eval *se, gz_buf *scratch)
{
    if (or_plan(sc->plan, sc->o))
        return score_or(sc, s, se);
    const q_plan *plan = sc->plan;
    size_t n_leaf = sc->n_leaf;
    const sr_segtab *t = &sc->ix->tab[s];
    ulist evaluated = {0};
    const ulist *res = &evaluated;
    gz_status st = GZ_OK;
    if (plan->root->type == Q_TEXT)
        res = &se->leaf[plan->root->leaf]; /* no copy of a lone word's list */
    else
        st = eval(se, plan->root, &evaluated, scratch, sc->ix->an);
    size_t *cur = gz_calloc(2 * n_leaf + 1, sizeof *cur), *tcur = cur ? cur + n_leaf : NULL;
    if (!cur)
        st = GZ_NOMEM;
    uint32_t cur_doc = UINT32_MAX, first_unit = 0;
    double am = 1, add = 0;
    for (size_t i = 0; st == GZ_OK && i < res->n; i++) {
        uint32_t u = res->unit[i], doc = t->doc[u];
        if (gz_bit(se->deleted, doc))
            continue;
        if (doc != cur_doc) {
            cur_doc = doc;
            first_unit = t->first_unit[doc];
            am = 1, add = 0;
            if (plan->any_word) {
                /* how many of the words the unit's document holds */
                size_t in_doc = 0, pos = 0;
                for (size_t l = 0; l < n_leaf; l++) {
                    if (!plan->leaf[l].positive)
                        continue;
                    pos++;
                    const ulist *ll = &se->leaf[l];
                    size_t lo = ul_lower(ll, first_unit);
                    in_doc += lo < ll->n && ll->unit[lo] < first_unit + t->n_units[doc];
                }
                am = 1.0 + 4.0 * (double)in_doc / (double)(pos ? pos : 1);
                if (in_doc == pos)
                    add = 100.0; /* documents with every word above the rest */
            }
        }
        sc->r->total++;
        count_facets(sc->o, t, u, doc);
        for (size_t l = 0; l < n_leaf; l++) {
            sc->tf[l] = 0;
            sc->title[l] = 0;
            if (!plan->leaf[l].positive)
                continue;
            /* the units come in order: each leaf's list is walked once */
            const ulist *ll = &se->leaf[l];
            while (cur[l] < ll->n && ll->unit[cur[l]] < u)
                cur[l]++;
            if (cur[l] < ll->n && ll->unit[cur[l]] == u)
                sc->tf[l] = ll->tf[cur[l]];
            while (tcur[l] < ll->n && ll->unit[tcur[l]] < first_unit)
                tcur[l]++;
            sc->title[l] = tcur[l] < ll->n && ll->unit[tcur[l]] == first_unit;
        }
        st = score_unit(sc, s, u, doc, am, add);
    }
    gz_free(cur);
    ul_fini(&evaluated);
    return st;
}

/* ------------------------------------------- direct path (dynamic pruning) */

/* A leaf that is one exact term: its postings are its matches, its
 * dictionary df the number of units holding it. */
static int direct_leaf(const q_leaf *lf)
{
    return lf->positive && lf->n_v == 1 && lf->v[0].n == 1 && !lf->v[0].e[0].prefix;
}

/* The page by relevance of a word or an AND of words that are each one
 * exact term: then no match list is needed (totals and facets are counted
 * from the cursors). */
static int direct_plan(const q_plan *plan, const run_opts *o)
{
    if (!o->prune || !o->want || !plan->root || plan->question || plan->any_word || !plan->n_leaf)
        return 0;
    const q_node *n = plan->root;
    if (n->type == Q_TEXT)
        return plan->n_leaf == 1 && direct_leaf(&plan->leaf[0]);
    if (n->type != Q_AND || n->n_kid != plan->n_leaf)
        return 0;
    for (size_t k = 0; k < n->n_kid; k++)
        if (n->kid[k]->type != Q_TEXT || !direct_leaf(&plan->leaf[n->kid[k]->leaf]))
            return 0;
    return 1;
}

/* Whether a document's title unit holds a term: a cursor that only moves
 * forward, asked for documents in order, remembering the last answer. */
typedef struct title_cursor {
    gz_post p;
    uint32_t doc;
    uint8_t holds;
} title_cursor;

static int title_holds(title_cursor *tc, const sr_segtab *t, uint32_t doc)
{
    if (doc != tc->doc) {
        uint32_t f = t->first_unit[doc];
        gz_post_seek(&tc->p, f);
        tc->doc = doc;
        tc->holds = tc->p.unit == f;
    }
    return tc->holds;
}

/* Units of deleted documents that hold the term (to take from its df). */
static size_t in_deleted(const gz_segment *seg, const gz_terminfo *ti, const sr_segtab *t, const uint8_t *deleted,
                         uint32_t n_docs)
{
    gz_post p;
    size_t n = 0;
    if (gz_post_open(&p, seg, ti) == GZ_OK)
        for (uint32_t d = 0; d < n_docs && p.unit != GZ_POST_END; d++) {
            if (!gz_bit(deleted, d))
                continue;
            uint32_t end = t->first_unit[d] + t->n_units[d];
            for (gz_post_seek(&p, t->first_unit[d]); p.unit < end; gz_post_next(&p))
                n++;
        }
    gz_post_fini(&p);
    return n;
}

/* A word's live units, counted and (when asked) their facets, from its
 * postings' units alone. */
static gz_status count_one(const gz_segment *seg, const gz_terminfo *ti, const sr_segtab *t, const uint8_t *deleted,
                           const run_opts *o, size_t *total)
{
    gz_post p;
    gz_status st = gz_post_open(&p, seg, ti);
    while (st == GZ_OK && p.unit != GZ_POST_END) {
        for (uint32_t i = p.i; i < p.n; i++) {
            uint32_t u = p.units[i], doc = t->doc[u];
            if (gz_bit(deleted, doc))
                continue;
            ++*total;
            count_facets(o, t, u, doc);
        }
        st = gz_post_next_block(&p);
    }
    gz_post_fini(&p);
    return st == GZ_EOF ? GZ_OK : st;
}

/* One word: block-max. A block of its postings whose bound (BM25 at the
 * block's highest tf and shortest unit, plus the title boost only if a
 * document it spans has the word in its title, plus the label and
 * whole-word maxima) cannot enter the page is skipped undecoded. */
static gz_status direct_one(scorer *sc, size_t s, const gz_terminfo *ti)
{
    const sr_segtab *t = &sc->ix->tab[s];
    const gz_segment *seg = sc->ix->snap->seg[s];
    const uint8_t *deleted = sc->ix->snap->deleted[s];
    const q_leaf *lf = &sc->plan->leaf[0];
    double idf = sc->idf[0];
    gz_post p;
    title_cursor probe = {.doc = UINT32_MAX}, tc = {.doc = UINT32_MAX};
    gz_status st = gz_post_open(&p, seg, ti);
    if (st == GZ_OK)
        st = gz_post_open(&probe.p, seg, ti);
    if (st == GZ_OK)
        st = gz_post_open(&tc.p, seg, ti);
    double other_max = W_WORD * idf * (BM25_K1 + 1) * (double)lf->n_words;
    double label_max = sc->label_num[0] >= 0 ? W_LABEL * idf : 0;
    for (uint32_t b = 0; st == GZ_OK && b < p.n_blocks; b++) {
        uint32_t lo = b ? p.blk_last[b - 1] + 1 : 0, hi = p.blk_last[b];
        int full = !sc->keep_all && sc->n_hits == sc->o->want;
        if (full) {
            /* the title boost: only if a document the block spans has the
             * word in its title (asked when it spans a few) */
            uint32_t d0 = t->doc[lo], d1 = t->doc[hi];
            int title = d1 - d0 > 8;
            for (uint32_t d = d0; d <= d1 && !title; d++)
                title = title_holds(&probe, t, d);
            /* BM25 at its highest over the block's impacts */
            const uint32_t *imp;
            uint32_t n_imp = gz_post_impacts(&p, b, &imp);
            double best = 0;
            for (uint32_t k = 0; k < n_imp; k++) {
                double v = bm25(idf, imp[2 * k], imp[2 * k + 1], sc->ix->avg_len);
                if (v > best)
                    best = v;
            }
            double cheap = best + label_max + (title ? W_TITLE * idf : 0);
            hit h = {combine(cheap, other_max, 1, 1, 0), (uint32_t)s, lo, 0, 0, {0, 0}, 0, 0};
            sc->r->blocks++;
            if (cannot_enter(sc, &h)) {
                sc->r->skipped++;
                continue;
            }
        }
        if ((st = gz_post_seek(&p, lo)) != GZ_OK)
            break;
        /* the block's units, stopping at its last (the next block may be
         * skipped: it is not decoded until entered) */
        for (;;) {
            uint32_t u = p.unit, doc = t->doc[u];
            if (!gz_bit(deleted, doc)) {
                sc->tf[0] = p.tf;
                sc->title[0] = (uint8_t)title_holds(&tc, t, doc);
                /* the unit's own bound first, without the scorer's call */
                hit h = {0, (uint32_t)s, u, 0, 0, {0, 0}, 0, 0};
                if (full)
                    h.score = combine(bm25(idf, p.tf, t->len[u], sc->ix->avg_len) + label_max +
                                          (sc->title[0] ? W_TITLE * idf : 0),
                                      other_max, 1, 1, 0);
                if ((!full || !cannot_enter(sc, &h)) && (st = score_unit(sc, s, u, doc, 1, 0)) != GZ_OK)
                    break;
            }
            if (p.i + 1 >= p.n || (st = gz_post_next(&p)) != GZ_OK)
                break;
        }
    }
    gz_post_fini(&p);
    gz_post_fini(&probe.p);
    gz_post_fini(&tc.p);
    return st;
}

/* An AND of words: the rarest drives, the others seek to it; no list is
 * built. Every unit holding all of them is counted and scored. */
static gz_status direct_and(scorer *sc, size_t s, const gz_terminfo *ti)
{
    size_t n = sc->n_leaf, drive = 0;
    const sr_segtab *t = &sc->ix->tab[s];
    const gz_segment *seg = sc->ix->snap->seg[s];
    const uint8_t *deleted = sc->ix->snap->deleted[s];
    gz_post *c = gz_calloc(n, sizeof *c);
    title_cursor *tc = gz_calloc(n, sizeof *tc);
    gz_status st = c && tc ? GZ_OK : GZ_NOMEM;
    for (size_t l = 0; st == GZ_OK && l < n; l++) {
        tc[l].doc = UINT32_MAX;
        if ((st = gz_post_open(&c[l], seg, &ti[l])) == GZ_OK)
            st = gz_post_open(&tc[l].p, seg, &ti[l]);
        if (ti[l].df < ti[drive].df)
            drive = l;
    }
    while (st == GZ_OK && c[drive].unit != GZ_POST_END) {
        uint32_t u = c[drive].unit;
        int all = 1;
        for (size_t l = 0; l < n && all; l++) {
            if (l == drive)
                continue;
            if ((st = gz_post_seek(&c[l], u)) != GZ_OK)
                break;
            if (c[l].unit != u) {
                all = 0;
                st = gz_post_seek(&c[drive], c[l].unit); /* jump the driver */
            }
        }
        if (st != GZ_OK || !all)
            continue;
        uint32_t doc = t->doc[u];
        if (!gz_bit(deleted, doc)) {
            sc->r->total++;
            count_facets(sc->o, t, u, doc);
            for (size_t l = 0; l < n; l++) {
                sc->tf[l] = c[l].tf;
                sc->title[l] = (uint8_t)title_holds(&tc[l], t, doc);
            }
            st = score_unit(sc, s, u, doc, 1, 0);
        }
        if (st == GZ_OK)
            st = gz_post_next(&c[drive]);
    }
    if (st == GZ_EOF)
        st = GZ_OK;
    for (size_t l = 0; c && l < n; l++)
        gz_post_fini(&c[l]);
    for (size_t l = 0; tc && l < n; l++)
        gz_post_fini(&tc[l].p);
    gz_free(c);
    gz_free(tc);
    return st;
}

/* The direct path of run(): terms looked up in every segment (their df
 * summed for the IDF), then each segment scored from its cursors. */
static gz_status run_direct(sr_index *ix, const q_plan *plan, const run_opts *o, run_out *r)
{
    gz_snapshot *snap = ix->snap;
    size_t n_seg = snap->man.n_seg, n_leaf = plan->n_leaf;
    gz_terminfo *ti = gz_calloc(n_seg * n_leaf + 1, sizeof *ti);
    uint8_t *found = gz_calloc(n_seg + 1, 1);
    double *df = gz_calloc(n_leaf + 1, sizeof *df);
    gz_status st = ti && found && df ? GZ_OK : GZ_NOMEM;
    for (size_t s = 0; st == GZ_OK && s < n_seg; s++) {
        found[s] = 1;
        for (size_t l = 0; l < n_leaf; l++) {
            const q_elem *e = &plan->leaf[l].v[0].e[0];
            int rc = gz_segment_term(snap->seg[s], e->term, e->len, &ti[s * n_leaf + l]);
            if (rc < 0)
                st = GZ_CORRUPT;
            if (rc == 1)
                df[l] += ti[s * n_leaf + l].df;
            else
                found[s] = 0;
        }
    }
    scorer sc;
    gz_status st2 = scorer_init(&sc, ix, plan, o, r, df);
    if (st == GZ_OK)
        st = st2;
    for (size_t s = 0; st == GZ_OK && s < n_seg; s++) {
        if (!found[s])
            continue;
        scorer_segment_begin(&sc);
        if (n_leaf == 1) {
            if (o->year_n) {
                /* facets need every unit: their ids only, no tf, no score */
                st = count_one(snap->seg[s], &ti[s], &ix->tab[s], snap->deleted[s], o, &r->total);
            } else {
                r->total += ti[s].df;
                if (snap->deleted[s]) {
                    gz_seg_stats ss;
                    gz_segment_stats(snap->seg[s], &ss);
                    r->total -= in_deleted(snap->seg[s], &ti[s], &ix->tab[s], snap->deleted[s], ss.n_docs);
                }
            }
            if (st == GZ_OK)
                st = direct_one(&sc, s, &ti[s]);
        } else {
            st = direct_and(&sc, s, &ti[s * n_leaf]);
        }
        scorer_segment_end(&sc);
    }
    gz_free(ti);
    gz_free(found);
    gz_free(df);
    return scorer_finish(&sc, st);
}

/* Runs plan: matches every leaf in every segment (totals and facets need
 * every match), then scores the matching live units. The cheap parts of a
 * score (BM25 of each word from its match counts, title and label boosts,
 * the question and any-word factors) are computed for every unit; the
 * costly parts (whole-word postings, proximity) only when their upper bound
 * lets the unit enter the best `want` (MaxScore over the score's parts), so
 * the best `want` are exactly those exhaustive scoring finds. */
static gz_status run(sr_index *ix, const q_plan *plan, const run_opts *o, run_out *r)
{
    if (direct_plan(plan, o))
        return run_direct(ix, plan, o, r);
    gz_snapshot *snap = ix->snap;
    size_t n_seg = snap->man.n_seg, n_leaf = plan->n_leaf;
    seg_eval *se = gz_calloc(n_seg + 1, sizeof *se);
    double *df = gz_calloc(n_leaf + 1, sizeof *df);
    memset(r, 0, sizeof *r);
    gz_status st = se && df ? GZ_OK : GZ_NOMEM;
    gz_buf scratch;
    gz_buf_init(&scratch);
    /* leaves, per segment; document frequencies over all of them */
    for (size_t s = 0; st == GZ_OK && s < n_seg; s++) {
        se[s].seg = snap->seg[s];
        se[s].deleted = snap->deleted[s];
        se[s].leaf = gz_calloc(n_leaf + 1, sizeof *se[s].leaf);
        if (!se[s].leaf) {
            st = GZ_NOMEM;
            break;
        }
        for (size_t l = 0; st == GZ_OK && l < n_leaf; l++) {
            const q_leaf *lf = &plan->leaf[l];
            /* a phrase of several grams, or a prefix, costs positions or
             * many cursors: its list is kept for the next query */
            int costly = lf->n_v > 1 || (lf->n_v == 1 && (lf->v[0].n > 1 || (lf->v[0].n && lf->v[0].e[0].prefix)));
            if (costly && sr_cache_get(ix->cache, s, lf->text, &se[s].leaf[l]))
                ;
            else if ((st = sr_match_leaf(snap->seg[s], lf, &se[s].leaf[l])) == GZ_OK && costly &&
                     se[s].leaf[l].n >= 64)
                sr_cache_put(ix->cache, s, lf->text, &se[s].leaf[l]);
            df[l] += (double)se[s].leaf[l].n;
        }
    }
    scorer sc;
    gz_status st2 = scorer_init(&sc, ix, plan, o, r, df);
    if (st == GZ_OK)
        st = st2;
    for (size_t s = 0; st == GZ_OK && plan->root && s < n_seg; s++) {
        scorer_segment_begin(&sc);
        st = score_lists(&sc, s, &se[s], &scratch);
        scorer_segment_end(&sc);
    }
    for (size_t s = 0; se && s < n_seg; s++) {
        for (size_t l = 0; se[s].leaf && l < n_leaf; l++)
            ul_fini(&se[s].leaf[l]);
        gz_free(se[s].leaf);
    }
    gz_free(se);
    gz_free(df);
    gz_buf_fini(&scratch);
    return scorer_finish(&sc, st);
}

gz_status sr_search_ids(sr_index *ix, const char *query, uint64_t **ids, size_t *n, gz_error *err)
{
    q_plan plan;
    run_out r = {0};
    run_opts o = {0, cmp_hit_score, 0, NULL, NULL, NULL};
    gz_status st = q_parse(ix->an, query, Q_READ_KEYWORDS, &plan);
    if (st == GZ_OK)
        st = run(ix, &plan, &o, &r);
    q_plan_fini(&plan);
    if (st != GZ_OK)
        return gz_error_set(err, st, -1, "[searcher][search] %s", gz_status_str(st));
    *ids = gz_alloc((r.n_hits + 1) * sizeof **ids);
    if (!*ids) {
        gz_free(r.hits);
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    for (size_t i = 0; i < r.n_hits; i++)
        (*ids)[i] = (uint64_t)ix->snap->man.seg[r.hits[i].seg].id << 32 | r.hits[i].unit;
    *n = r.n_hits;
    gz_free(r.hits);
    return GZ_OK;
}

/* Parses and runs rq's query as sr_search_json reads it: a question as an
 * OR of its words; keywords no unit holds together again as any of them. */
static gz_status search(sr_index *ix, const sr_request *rq, run_opts *o, q_plan *plan, run_out *r, int *question,
                        int *any)
{
    const char *q = rq->query ? rq->query : "";
    *question = q_is_question(q);
    *any = 0;
    memset(r, 0, sizeof *r);
    gz_status st = q_parse(ix->an, q, *question ? Q_READ_QUESTION : Q_READ_KEYWORDS, plan);
    if (st == GZ_OK)
        st = run(ix, plan, o, r);
    if (st == GZ_OK && !*question && r->total == 0 && plan->n_leaf > 1 && plan->root && plan->root->type == Q_AND) {
        q_plan_fini(plan);
        gz_free(r->hits);
        memset(r, 0, sizeof *r);
        *any = 1;
        st = q_parse(ix->an, q, Q_READ_ANY_WORD, plan);
        if (st == GZ_OK) {
            const char *m = "no single unit holds every word: any word, documents holding all first";
            if (plan->notes.len)
                gz_buf_putc(&plan->notes, ',');
            gz_json_str(&plan->notes, m, strlen(m));
            st = run(ix, plan, o, r);
        }
    }
    return st;
}

gz_status sr_search_top(sr_index *ix, const sr_request *rq, sr_top *top, gz_error *err)
{
    memset(top, 0, sizeof *top);
    size_t want = rq->offset + (rq->n ? rq->n : 10);
    int by_date = rq->sort == SR_SORT_DATE;
    run_opts o = {want, by_date ? cmp_hit_date : cmp_hit_score, !rq->exhaustive && !by_date, NULL, NULL, NULL};
    q_plan plan;
    run_out r;
    int question, any;
    gz_status st = search(ix, rq, &o, &plan, &r, &question, &any);
    q_plan_fini(&plan);
    if (st != GZ_OK)
        return gz_error_set(err, st, -1, "[searcher][search] %s", gz_status_str(st));
    if (r.n_hits > 1)
        qsort(r.hits, r.n_hits, sizeof *r.hits, o.cmp);
    size_t n = r.n_hits > rq->offset ? r.n_hits - rq->offset : 0;
    top->hit = gz_alloc((n + 1) * sizeof *top->hit);
    if (!top->hit) {
        gz_free(r.hits);
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        const hit *h = &r.hits[rq->offset + i];
        top->hit[i].id = (uint64_t)ix->snap->man.seg[h->seg].id << 32 | h->unit;
        top->hit[i].score = h->score;
    }
    top->n = n;
    top->total = r.total;
    top->scored = r.scored;
    top->blocks = r.blocks;
    top->skipped = r.skipped;
    gz_free(r.hits);
    return GZ_OK;
}

void sr_top_fini(sr_top *top)
{
    gz_free(top->hit);
    memset(top, 0, sizeof *top);
}

gz_status sr_search_json(sr_index *ix, const sr_request *rq, gz_buf *out, gz_error *err)
{
    const char *q = rq->query ? rq->query : "";
    q_plan plan;
    int question, any;
    /* facets over every match: array increments while run() walks them */
    size_t *year_n = gz_calloc(10000, sizeof *year_n), *iss_n = gz_calloc(ix->n_issuers + 1, sizeof *iss_n);
    size_t kind_n[GZ_KIND__COUNT] = {0};
    if (!year_n || !iss_n) {
        gz_free(year_n);
        gz_free(iss_n);
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    size_t want = rq->offset + (rq->n ? rq->n : 10);
    int by_date = rq->sort == SR_SORT_DATE, by_doc = rq->unit == SR_BY_DOCUMENT;
    int (*cmp)(const void *, const void *) = by_date ? cmp_hit_date : cmp_hit_score;
    /* by document, every unit's score is needed to rank documents by their
     * best units; by unit, the best `want` are kept (pruned unless asked) */
    run_opts o = {by_doc ? 0 : want, cmp, !rq->exhaustive && !by_date, year_n, iss_n, kind_n};
    run_out r;
    gz_status st = search(ix, rq, &o, &plan, &r, &question, &any);
    /* (an any-word second reading follows a first that matched nothing,
     * so the facets count the matches of the query as finally read) */
    hit *hits = r.hits;
    size_t n_hits = r.n_hits;
    if (st != GZ_OK) {
        q_plan_fini(&plan);
        gz_free(hits);
        gz_free(year_n);
        gz_free(iss_n);
        return gz_error_set(err, st, -1, "[searcher][search] %s", gz_status_str(st));
    }
    facet years[64], issuers[64], kinds[GZ_KIND__COUNT];
    size_t ny = 0, ni = 0, nk = 0;
    for (int y = 9999; year_n && y > 0 && ny < 64; y--)
        if (year_n[y]) {
            snprintf(years[ny].key, sizeof years[ny].key, "%d", y);
            years[ny++].count = year_n[y];
        }
    for (size_t k = 1; iss_n && k < ix->n_issuers && ni < 64; k++)
        if (iss_n[k]) {
            snprintf(issuers[ni].key, sizeof issuers[ni].key, "%s", ix->issuers[k]);
            issuers[ni++].count = iss_n[k];
        }
    for (int k = 0; k < GZ_KIND__COUNT; k++)
        if (kind_n[k]) {
            snprintf(kinds[nk].key, sizeof kinds[nk].key, "%s", gz_kind_name((gz_kind)k));
            kinds[nk++].count = kind_n[k];
        }
    gz_free(year_n);
    gz_free(iss_n);
    size_t total = r.total;
    if (by_doc) {
        /* the best unit of each document */
        size_t w = 0;
        for (size_t s = 0; s < ix->snap->man.n_seg; s++) {
            gz_seg_stats ss;
            gz_segment_stats(ix->snap->seg[s], &ss);
            /* the three best units of each document, and their count */
            int64_t *best = gz_alloc(3 * ((size_t)ss.n_docs + 1) * sizeof *best);
            uint32_t *count = gz_calloc((size_t)ss.n_docs + 1, sizeof *count);
            if (!best || !count) {
                gz_free(best);
                gz_free(count);
                break;
            }
            for (size_t d = 0; d < 3 * (size_t)ss.n_docs; d++)
                best[d] = -1;
            for (size_t i = 0; i < n_hits; i++) {
                if (hits[i].seg != s)
                    continue;
                int64_t *b = best + 3 * (size_t)hits[i].doc, x = (int64_t)i;
                count[hits[i].doc]++;
                for (int k = 0; k < 3; k++) {
                    if (b[k] < 0 || cmp_hit_score(&hits[x], &hits[b[k]]) < 0) {
                        int64_t t = b[k];
                        b[k] = x;
                        x = t;
                        if (x < 0)
                            break;
                    }
                }
            }
            for (size_t i = 0; i < n_hits; i++) {
                const int64_t *b = best + 3 * (size_t)hits[i].doc;
                if (hits[i].seg != s || b[0] != (int64_t)i)
                    continue;
                hit h = hits[i];
                h.more[0] = b[1] >= 0 ? hits[b[1]].unit : UINT32_MAX;
                h.more[1] = b[2] >= 0 ? hits[b[2]].unit : UINT32_MAX;
                h.n_in_doc = count[h.doc];
                hits[w++] = h;
            }
            gz_free(best);
            gz_free(count);
        }
        total = n_hits = w;
    }
    /* the page: the best offset + n, by a bounded heap, then sorted */
    if (n_hits > want && want < n_hits / 4) {
        size_t k = 0;
        for (size_t i = 0; i < n_hits; i++) {
            hit x = hits[i];
            heap_offer(hits, &k, want, &x, cmp);
        }
        n_hits = k;
    }
    if (n_hits > 1)
        qsort(hits, n_hits, sizeof *hits, cmp);
    gz_buf_puts(out, "{");
    json_kv_str(out, "query", q);
    gz_buf_puts(out, ",\"read_as\":");
    gz_json_str(out, plan.read_as.data ? plan.read_as.data : "", plan.read_as.len);
    gz_buf_printf(out, ",\"mode\":\"%s\",\"unit\":\"%s\",\"notes\":[%s],\"total\":%zu,\"hits\":[",
                  question ? "question" : any ? "any-word" : "keywords", rq->unit == SR_BY_DOCUMENT ? "document" : "article",
                  plan.notes.data ? plan.notes.data : "", total);
    gz_buf text;
    gz_buf_init(&text);
    size_t n = rq->n ? rq->n : 10;
    for (size_t i = rq->offset, k = 0; i < n_hits && k < n; i++, k++) {
        if (k)
            gz_buf_putc(out, ',');
        write_hit(ix, &plan, &hits[i], out, &text, rq->unit == SR_BY_DOCUMENT);
    }
    gz_buf_fini(&text);
    gz_buf_puts(out, "],\"facets\":{");
    write_facet(out, "year", years, ny);
    gz_buf_putc(out, ',');
    write_facet(out, "issuer", issuers, ni);
    gz_buf_putc(out, ',');
    write_facet(out, "kind", kinds, nk);
    gz_buf_puts(out, "}}");
    gz_free(hits);
    q_plan_fini(&plan);
    return out->status == GZ_OK ? GZ_OK : gz_error_set(err, GZ_NOMEM, -1, "out of memory");
}
