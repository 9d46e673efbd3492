/* searcher/search.c: opening an index (and its compact per-segment tables),
 * reading a query (question, keywords, any word), and writing the answers
 * around what run.c ranks: the page, grouped by document on request, with
 * snippets whose highlights are exact byte ranges of the stored text, the
 * facets, and sr_search_top's page alone. */
#include "searcher/answer.h"
#include "searcher/article.h"
#include "searcher/cache.h"
#include "searcher/cites.h"
#include "searcher/docid.h"
#include "searcher/group.h"
#include "searcher/hint.h"
#include "searcher/match.h"
#include "searcher/refs.h"
#include "searcher/run.h"
#include "searcher/score.h"
#include "searcher/testing.h"
#include "searcher/versions.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void segtab_fini(sr_segtab *t)
{
    gz_free(t->year);
    gz_free(t->prior);
    gz_free(t->work);
    gz_free(t->vdate);
    gz_free(t->vstat);
    gz_free(t->issuer);
    gz_free(t->date);
    gz_free(t->first_unit);
    gz_free(t->n_units);
    gz_free(t->doc);
    gz_free(t->len);
    gz_free(t->kind);
}

/* The compact tables of every segment (sr_segtab) and the issuer codes,
 * read once per snapshot (the articles by number wait for the first
 * article lookup: article.c). */
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
        t->prior = gz_calloc(nd, sizeof *t->prior);
        t->work = gz_calloc(nd, sizeof *t->work);
        t->vdate = gz_calloc(nd, sizeof *t->vdate);
        t->vstat = gz_calloc(nd, sizeof *t->vstat);
        t->doc = gz_calloc(nu, sizeof *t->doc);
        t->len = gz_calloc(nu, sizeof *t->len);
        t->kind = gz_calloc(nu, sizeof *t->kind);
        if (!t->year || !t->issuer || !t->date || !t->first_unit || !t->n_units || !t->prior || !t->doc || !t->len ||
            !t->kind || !t->work || !t->vdate || !t->vstat)
            return GZ_NOMEM;
        for (uint32_t d = 0; d < ss.n_docs; d++) {
            gz_docinfo di;
            if (gz_segment_doc(ix->snap->seg[s], d, &di) != GZ_OK)
                return GZ_CORRUPT;
            t->year[d] = (uint16_t)(di.date / 10000);
            t->date[d] = di.version_date ? di.version_date : di.date; /* --sort date: a law's version */
            t->first_unit[d] = di.first_unit;
            t->n_units[d] = di.n_units;
            t->prior[d] = sr_title_prior(di.title);
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
        }
    }
    return GZ_OK;
}

static atomic_uint_fast64_t n_opens;

uint64_t sr_index_opens(void) { return atomic_load(&n_opens); }

static gz_status index_open(const char *dir, const gz_snapshot *prev, sr_index **out, gz_error *err)
{
    *out = NULL;
    atomic_fetch_add(&n_opens, 1);
    sr_index *ix = gz_calloc(1, sizeof *ix);
    if (!ix)
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    ix->dir = gz_strndup(dir, strlen(dir));
    gz_status st = gz_snapshot_open_from(dir, prev, &ix->snap, err);
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
    if ((st = load_tables(ix)) != GZ_OK || (st = sr_versions_build(ix)) != GZ_OK) {
        sr_index_close(ix);
        return gz_error_set(err, st, -1, "[searcher] %s: cannot read the document table", dir);
    }
    ix->cache = sr_cache_open(SR_CACHE_BYTES); /* none if out of memory: slower, not wrong */
    ix->n_units = ix->snap->n_units ? ix->snap->n_units : 1;
    ix->avg_len = (double)ix->snap->n_positions / (double)ix->n_units;
    if (ix->avg_len < 1)
        ix->avg_len = 1;
    *out = ix;
    return GZ_OK;
}

struct sr_shared {
    atomic_uint refs;
};

gz_status sr_index_share(sr_index *ix, size_t cache_bytes, sr_index **out, gz_error *err)
{
    *out = NULL;
    gz_status st;
    /* what is built at first use is built now: shared, it no longer changes */
    if ((st = sr_articles_ready(ix)) != GZ_OK || (st = sr_links_ready(ix)) != GZ_OK ||
        (st = sr_cites_ready(ix)) != GZ_OK)
        return gz_error_set(err, st, -1, "[searcher] %s: cannot read the document table", ix->dir);
    if (!ix->shared) {
        if (!(ix->shared = gz_calloc(1, sizeof *ix->shared)))
            return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
        atomic_init(&ix->shared->refs, 1);
    }
    sr_index *c = gz_alloc(sizeof *c);
    if (!c)
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    *c = *ix;
    c->tctx = NULL;
    c->refs_busy = 0;
    c->cache = NULL;
    c->an = NULL;
    if ((st = an_analyzer_open(&c->an, err)) != GZ_OK) {
        gz_free(c);
        return st;
    }
    an_analyzer_use_segmenter(c->an, 0);
    if (cache_bytes && !(c->cache = sr_cache_open(cache_bytes))) {
        an_analyzer_close(c->an);
        gz_free(c);
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    atomic_fetch_add(&ix->shared->refs, 1);
    *out = c;
    return GZ_OK;
}

gz_status sr_index_open(const char *dir, sr_index **out, gz_error *err) { return index_open(dir, NULL, out, err); }

gz_status sr_index_reopen(const sr_index *prev, sr_index **out, gz_error *err)
{
    return index_open(prev->dir, prev->snap, out, err);
}

void sr_index_close(sr_index *ix)
{
    if (!ix)
        return;
    sr_cache_close(ix->cache);
    gz_textctx_close(ix->tctx);
    an_analyzer_close(ix->an);
    if (ix->shared && atomic_fetch_sub(&ix->shared->refs, 1) > 1) {
        gz_free(ix); /* the others still read the rest */
        return;
    }
    gz_free(ix->shared);
    for (size_t i = 0; ix->snap && ix->tab && i < ix->snap->man.n_seg; i++)
        segtab_fini(&ix->tab[i]);
    gz_free(ix->tab);
    for (size_t i = 0; i < ix->n_issuers; i++)
        gz_free(ix->issuers[i]);
    gz_free(ix->issuers);
    gz_free(ix->articles);
    sr_versions_fini(ix);
    gz_free(ix->links);
    gz_snapshot_close(ix->snap);
    gz_free(ix->dir);
    gz_free(ix);
}

uint64_t sr_index_generation(const sr_index *ix) { return ix->snap->man.generation; }

gz_status sr_index_cache(sr_index *ix, size_t bytes)
{
    sr_cache_close(ix->cache);
    ix->cache = bytes ? sr_cache_open(bytes) : NULL;
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

/* ------------------------------------------------------------- answer */

static int cmp_occ(const void *a, const void *b)
{
    const occ *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* The snippet of a unit: up to ~160 characters around its first match, and
 * the highlights inside it as byte ranges of the snippet. */
static void fill_snippet(sr_index *ix, const q_plan *plan, const char *doc_text, size_t doc_len,
                         const gz_unitinfo *ui, uint32_t base, sr_arena *a, gazette_hit *h)
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
        head = nl && nl - text < 2048 ? (uint32_t)(nl - text) : len < 2048 ? len : 2048;
        while (head < len && head > 0 && ((unsigned char)text[head] & 0xC0) == 0x80)
            head--; /* a line of more than 2 KiB: its first 2 KiB, on a character */
    }
    /* the second pass reads at most 64 KiB (a snippet is not worth more),
     * and only while the query's budget lasts: a page of 100 hits in long
     * units would otherwise analyse megabytes */
    for (int pass = 0; pass < 2 && n_found == 0; pass++) {
        uint32_t upto = pass ? (len < 65536 ? len : 65536) : head;
        if (pass && (head == len || (sr_budget_now && sr_budget_check(sr_budget_now) != GZ_OK)))
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
    h->snippet = sr_arena_strn(a, text + from, to - from);
    h->snippet_len = to - from;
    h->snippet_start = base + ui->start + from;
    gazette_range *r = sr_arena_alloc(a, (n_found + 1) * sizeof *r);
    uint32_t last_end = 0;
    for (size_t i = 0; r && i < n_found; i++) {
        occ o = found[i];
        if (o.start < from || o.end > to || o.start < last_end)
            continue;
        r[h->n_highlights++] = (gazette_range){o.start - from, o.end - from};
        last_end = o.end;
    }
    h->highlights = r;
}

/* Hit h as a page's hit; 0 if its records do not read. counted: h's
 * n_in_doc counts its document's hits left off the page (group.c). */
static int fill_hit(sr_index *ix, const q_plan *plan, const hit *h, gz_buf *text, int doc_mode, int counted,
                    sr_arena *a, gazette_hit *out)
{
    const gz_segment *seg = ix->snap->seg[h->seg];
    gz_unitinfo ui;
    gz_docinfo di;
    if (gz_segment_unit(seg, h->unit, &ui) != GZ_OK || gz_segment_doc(seg, ui.doc, &di) != GZ_OK)
        return 0;
    memset(out, 0, sizeof *out);
    sr_doc_ref_fill(a, ix, h->seg, ui.doc, &di, &out->doc);
    out->score = h->score;
    out->issue = *di.issue ? di.issue : NULL;
    /* only the unit's bytes are decompressed, at most the 64 KiB a snippet
     * reads (a unit may be a whole book); the snippet code sees them as
     * the document's text from ui.start on */
    uint32_t upto = ui.end - ui.start > 65536 + 4 ? ui.start + 65536 + 4 : ui.end;
    if (gz_segment_text_range(seg, ui.doc, ui.start, upto, text, &ix->tctx) == GZ_OK) {
        while (upto < ui.end && text->len && ((unsigned char)text->data[text->len - 1] & 0xC0) == 0x80)
            text->len--; /* a character cut at upto */
        if (upto < ui.end && text->len && (unsigned char)text->data[text->len - 1] >= 0xC0)
            text->len--;
        gz_unitinfo local = ui;
        local.start = 0;
        local.end = (uint32_t)text->len;
        fill_snippet(ix, plan, text->data ? text->data : "", text->len, &local, ui.start, a, out);
        uint32_t from = out->snippet_start - ui.start;
        sr_refs_text(ix, h->seg, ui.doc, text->data ? text->data : "", text->len, ui.start, from,
                     from + out->snippet_len, a, &out->refs, &out->n_refs);
    } else {
        out->snippet = "";
    }
    sr_unit_fill(a, ix, h->seg, h->unit, &ui, &out->unit);
    sr_work_versions(a, ix, h->seg, ui.doc, 0, &out->versions, &out->n_versions);
    if (counted)
        out->more_in_document = h->n_in_doc;
    if (doc_mode) {
        /* the document's other best units */
        out->units_matched = h->n_in_doc;
        gazette_unit *more = sr_arena_alloc(a, 2 * sizeof *more);
        for (int k = 0; more && k < 2; k++) {
            gz_unitinfo mu;
            if (h->more[k] != UINT32_MAX && gz_segment_unit(seg, h->more[k], &mu) == GZ_OK)
                sr_unit_fill(a, ix, h->seg, h->more[k], &mu, &more[out->n_more_units++]);
        }
        out->more_units = more;
    }
    return 1;
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

/* The 50 values with the most matches, from all that have any. */
static void fill_facet(sr_arena *a, facet *f, size_t n, gazette_facet *out)
{
    qsort(f, n, sizeof *f, cmp_facet);
    size_t k = n < 50 ? n : 50;
    gazette_facet_value *v = sr_arena_alloc(a, (k + 1) * sizeof *v);
    out->v = v;
    out->n = v ? k : 0;
    for (size_t i = 0; v && i < k; i++)
        v[i] = (gazette_facet_value){sr_arena_str(a, f[i].key), f[i].count};
}

gz_status sr_search_ids(sr_index *ix, const char *query, uint64_t **ids, size_t *n, gz_error *err)
{
    q_plan plan;
    run_out r = {0};
    run_opts o = {0, sr_cmp_hit_score, 0, NULL, NULL, NULL, NULL, 0, 0, NULL};
    gz_status st = q_parse(ix->an, query, Q_READ_KEYWORDS, NULL, &plan);
    if (st == GZ_OK)
        st = sr_run(ix, &plan, &o, &r);
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

/* Parses and runs rq's query as sr_search_json reads it: an article
 * reference as that article, then what cites it; a question as an OR of
 * its words; a keyword of words run together that no unit holds, by its
 * words; keywords no unit holds together again as any of them. *missed:
 * nothing matched as typed (the answer gets a hint). Runs within the
 * thread's budget (sr_budget_now); r->partial says the budget ran out or
 * the query was cut. */
static gz_status search(sr_index *ix, const sr_request *rq, run_opts *o, q_plan *plan, run_out *r, int *question,
                        int *any, int *missed)
{
    *missed = 0;
    const char *q = rq->query ? rq->query : "";
    *question = q_is_question(q);
    *any = 0;
    memset(r, 0, sizeof *r);
    /* an article reference: that article first, then the units citing it
     * (a long title, 《伊金霍洛旗属国有企业领导人员管理办法》第四十六条, reads
     * as a sentence, but a text that is a title and a label is not asked) */
    uint64_t *refs;
    size_t n_refs;
    char cited[512];
    if (sr_reference(ix, q, &refs, &n_refs, cited, sizeof cited)) {
        *question = 0;
        gz_status st = q_parse(ix->an, cited, Q_READ_KEYWORDS, &rq->filters, plan);
        if (st == GZ_OK && (st = sr_run(ix, plan, o, r)) == GZ_OK)
            st = sr_hits_first(ix, r, refs, n_refs, o->want);
        plan->reference = 1;
        gz_free(refs);
        r->partial |= plan->cut;
        return st;
    }
    gz_status st = q_parse(ix->an, q, *question ? Q_READ_QUESTION : Q_READ_KEYWORDS, &rq->filters, plan);
    /* a question by score: the units of the laws that answer it best
     * rise (score.h) */
    run_opts final = *o;
    final.by_law = *question && o->want && o->cmp == sr_cmp_hit_score;
    if (st == GZ_OK)
        st = sr_run(ix, plan, &final, r);
    *missed = st == GZ_OK && !*question && !r->partial && r->total == 0 && plan->root;
    /* one keyword of words run together (工伤赔偿标准) that no unit holds
     * as typed: by its words (several keywords: any word, below) */
    if (st == GZ_OK && !*question && !r->partial && r->total == 0 && plan->root && plan->root->type == Q_TEXT &&
        q_has_run_together(ix->an, q)) {
        q_plan_fini(plan);
        gz_free(r->hits);
        memset(r, 0, sizeof *r);
        st = q_parse(ix->an, q, Q_READ_WORDS, &rq->filters, plan);
        if (st == GZ_OK)
            st = sr_run(ix, plan, o, r);
        r->partial |= plan->cut;
        return st;
    }
    if (st == GZ_OK && !*question && !r->partial && r->total == 0 && plan->n_leaf > 1 && plan->root &&
        plan->root->type == Q_AND) {
        q_plan_fini(plan);
        gz_free(r->hits);
        memset(r, 0, sizeof *r);
        *any = 1;
        st = q_parse(ix->an, q, Q_READ_ANY_WORD, &rq->filters, plan);
        if (st == GZ_OK) {
            const char *m = "no single unit holds every word: any word, documents holding all first";
            sr_list_add(&plan->notes, m, strlen(m));
            st = sr_run(ix, plan, o, r);
        }
    }
    r->partial |= plan->cut;
    return st;
}

/* What a question needs once per snapshot, built before its budget
 * starts: the works' citations (cites.c), read from every stored text. */
static gz_status ready_for(sr_index *ix, const sr_request *rq, gz_error *err)
{
    gz_status st = q_is_question(rq->query ? rq->query : "") ? sr_cites_ready(ix) : GZ_OK;
    return st == GZ_OK ? GZ_OK : gz_error_set(err, st, -1, "[searcher] %s: cannot read the stored texts", ix->dir);
}

/* What every search checks before it runs: the filters, and that the page
 * lies within the ranks kept. */
static gz_status check_request(const sr_request *rq, gz_error *err)
{
    gz_status st = sr_filters_check(&rq->filters, err);
    if (st != GZ_OK)
        return st;
    if (rq->offset > SR_MAX_RANK || rq->n > SR_MAX_RANK - rq->offset)
        return gz_error_set(err, GZ_INVALID, -1, "[searcher] offset: %zu + n: %zu is past the %d best hits kept",
                            rq->offset, rq->n, SR_MAX_RANK);
    return GZ_OK;
}

gz_status sr_search_top(sr_index *ix, const sr_request *rq, sr_top *top, gz_error *err)
{
    memset(top, 0, sizeof *top);
    gz_status st = check_request(rq, err);
    if (st == GZ_OK)
        st = ready_for(ix, rq, err);
    if (st != GZ_OK)
        return st;
    size_t want = rq->offset + (rq->n ? rq->n : 10);
    int by_date = rq->sort == SR_SORT_DATE;
    run_opts o = {want, by_date ? sr_cmp_hit_date : sr_cmp_hit_score, !rq->exhaustive && !by_date, NULL, NULL, NULL, NULL,
                  SR_COUNT_EXACT, 0, NULL};
    q_plan plan;
    run_out r;
    int question, any, missed;
    sr_budget b;
    sr_budget_begin(&b, &rq->limits);
    st = search(ix, rq, &o, &plan, &r, &question, &any, &missed);
    q_plan_fini(&plan);
    top->peak_bytes = sr_budget_end(&b);
    top->work = b.work;
    top->partial = r.partial;
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
    top->total_estimated = r.total_estimated;
    top->bounded = r.bounded;
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

static gz_status fill_page(sr_index *ix, const sr_request *rq, const char *q, const sr_budget *bud, sr_arena *a,
                           gazette_page *out, gz_error *err);

gz_status sr_search(sr_index *ix, const sr_request *rq, sr_arena *a, gazette_page *out, gz_error *err)
{
    memset(out, 0, sizeof *out);
    const char *q = rq->query ? rq->query : "";
    if (check_request(rq, err) != GZ_OK)
        return GZ_INVALID;
    gz_status st = ready_for(ix, rq, err);
    if (st != GZ_OK)
        return st;
    sr_budget b;
    sr_budget_begin(&b, &rq->limits);
    st = fill_page(ix, rq, q, &b, a, out, err);
    sr_budget_end(&b);
    if (st == GZ_OK && a->failed)
        st = gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    return st;
}

gz_status sr_search_json(sr_index *ix, const sr_request *rq, gz_buf *out, gz_error *err)
{
    sr_arena a;
    sr_arena_init(&a);
    gazette_page p;
    gz_status st = sr_search(ix, rq, &a, &p, err);
    if (st == GZ_OK) {
        sr_page_json(&p, out);
        if (out->status != GZ_OK)
            st = gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    sr_arena_fini(&a);
    return st;
}

/* sr_search within the budget b. */
static gz_status fill_page(sr_index *ix, const sr_request *rq, const char *q, const sr_budget *bud, sr_arena *a,
                           gazette_page *out, gz_error *err)
{    q_plan plan;
    int question, any, missed;
    /* facets over every match: array increments while sr_run() walks them */
    size_t *year_n = gz_calloc(10000, sizeof *year_n), *iss_n = gz_calloc(ix->n_issuers + 1, sizeof *iss_n);
    size_t kind_n[GZ_KIND__COUNT] = {0}, vstat_n[8] = {0};
    if (!year_n || !iss_n) {
        gz_free(year_n);
        gz_free(iss_n);
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    size_t want = rq->offset + (rq->n ? rq->n : 10);
    int by_date = rq->sort == SR_SORT_DATE, by_doc = rq->unit == SR_BY_DOCUMENT;
    int (*cmp)(const void *, const void *) = by_date ? sr_cmp_hit_date : sr_cmp_hit_score;
    /* by document, every unit's score is needed to rank documents by their
     * best units; by unit, the best `want` are kept (pruned unless asked) */
    size_t ranked = sr_group_want(rq, want); /* grouping leaves some out */
    run_opts o = {by_doc ? 0 : ranked, cmp, !rq->exhaustive && !by_date, year_n, iss_n, kind_n, vstat_n, SR_COUNT_EXACT,
                  0, NULL};
    run_out r;
    gz_status st = search(ix, rq, &o, &plan, &r, &question, &any, &missed);
    /* by unit, the page is grouped from the best `ranked`; when grouping
     * leaves fewer than the page and more hits were cut, rank more (the
     * grouping of a longer ranking begins with that of a shorter one) */
    size_t grouped = 0;
    while (st == GZ_OK && !by_doc) {
        if (r.n_hits > 1)
            qsort(r.hits, r.n_hits, sizeof *r.hits, cmp);
        size_t cut = r.n_hits;
        grouped = sr_group_hits(ix, rq, r.hits, r.n_hits);
        if (grouped >= want || cut < ranked || r.total <= cut || ranked >= SR_MAX_RANK || r.partial)
            break;
        ranked = ranked * 4 < SR_MAX_RANK ? ranked * 4 : SR_MAX_RANK;
        o.want = ranked;
        q_plan_fini(&plan);
        gz_free(r.hits);
        /* the same matches again: the first run's total and facets stand,
         * and are not counted again (copies of a law, versions of one
         * work, collapse many hits and may take several runs) */
        o.year_n = o.iss_n = o.kind_n = o.vstat_n = NULL;
        size_t total = r.total;
        int estimated = r.total_estimated;
        double scale = r.facet_scale;
        st = search(ix, rq, &o, &plan, &r, &question, &any, &missed);
        r.total = total;
        r.total_estimated = estimated;
        r.facet_scale = scale;
    }
    if (st == GZ_OK && !by_doc)
        r.n_hits = grouped;
    if (st == GZ_OK && r.facet_scale > 0) { /* counted on a sample: scaled to the whole */
        for (int y = 0; y < 10000; y++)
            year_n[y] = (size_t)((double)year_n[y] * r.facet_scale + 0.5);
        for (size_t k = 0; k <= ix->n_issuers; k++)
            iss_n[k] = (size_t)((double)iss_n[k] * r.facet_scale + 0.5);
        for (int k = 0; k < GZ_KIND__COUNT; k++)
            kind_n[k] = (size_t)((double)kind_n[k] * r.facet_scale + 0.5);
        for (int k = 0; k < 8; k++)
            vstat_n[k] = (size_t)((double)vstat_n[k] * r.facet_scale + 0.5);
    }
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
    /* every value with a match (the page shows the 50 with the most) */
    size_t ny = 0, ni = 0, nk = 0, n_fac = GZ_KIND__COUNT;
    for (int y = 9999; y > 0; y--)
        n_fac += year_n[y] != 0;
    for (size_t k = 1; k < ix->n_issuers; k++)
        n_fac += iss_n[k] != 0;
    facet *fac = gz_alloc(n_fac * sizeof *fac);
    if (!fac) {
        gz_free(year_n);
        gz_free(iss_n);
        gz_free(r.hits);
        q_plan_fini(&plan);
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    facet *kinds = fac, *years = fac + GZ_KIND__COUNT, *issuers;
    for (int y = 9999; y > 0; y--)
        if (year_n[y]) {
            snprintf(years[ny].key, sizeof years[ny].key, "%d", y);
            years[ny++].count = year_n[y];
        }
    issuers = years + ny;
    for (size_t k = 1; k < ix->n_issuers; k++)
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
                    if (b[k] < 0 || sr_cmp_hit_score(&hits[x], &hits[b[k]]) < 0) {
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
    /* the page: the best offset + n, by a bounded heap, then sorted and
     * grouped (versions collapsed, two hits a document) */
    if (n_hits > ranked && ranked < n_hits / 4) {
        size_t k = 0;
        for (size_t i = 0; i < n_hits; i++) {
            hit x = hits[i];
            sr_heap_offer(hits, &k, ranked, &x, cmp);
        }
        n_hits = k;
    }
    if (by_doc) {
        if (n_hits > 1)
            qsort(hits, n_hits, sizeof *hits, cmp);
        n_hits = sr_group_hits(ix, rq, hits, n_hits);
    }
    out->query = sr_arena_str(a, q);
    out->read_as = sr_arena_strn(a, plan.read_as.data ? plan.read_as.data : "", plan.read_as.len);
    const char *mode = question        ? "question"
                       : plan.reference ? "reference"
                       : plan.words     ? "words"
                       : any            ? "any-word"
                                        : "keywords";
    out->mode = mode;
    out->reading.code = mode;
    gz_buf zh;
    gz_buf_init(&zh);
    q_reading_text(&plan, mode, &zh);
    out->reading.text = sr_arena_strn(a, zh.data ? zh.data : "", zh.len);
    gz_buf_fini(&zh);
    out->reading.expanded = sr_list_array(a, &plan.expanded, &out->reading.n_expanded);
    if (missed) /* nothing as typed: what to try */
        out->hint = sr_hint(ix, q, a);
    out->by = rq->unit == SR_BY_DOCUMENT ? GAZETTE_BY_DOCUMENT : GAZETTE_BY_UNIT;
    out->notes = sr_list_array(a, &plan.notes, &out->n_notes);
    out->total = total;
    out->total_estimated = !by_doc && r.total_estimated;
    out->facets_estimated = r.facet_scale > 0;
    out->partial = r.partial;
    if (r.partial) {
        static const char *const why[] = {"query", "work", "memory", "time", "query"};
        out->limit = why[bud->over];
    }
    size_t n = rq->n ? rq->n : 10, k = 0;
    gazette_hit *ph = sr_arena_alloc(a, (n_hits > rq->offset && n_hits - rq->offset < n ? n_hits - rq->offset : n) *
                                            sizeof *ph + 1);
    gz_buf text;
    gz_buf_init(&text);
    for (size_t i = rq->offset; ph && i < n_hits && k < n; i++)
        k += fill_hit(ix, &plan, &hits[i], &text, by_doc, !by_doc && !rq->all_in_document, a, &ph[k]);
    gz_buf_fini(&text);
    out->hits = ph;
    out->n_hits = k;
    fill_facet(a, years, ny, &out->year);
    fill_facet(a, issuers, ni, &out->issuer);
    fill_facet(a, kinds, nk, &out->kind);
    /* 时效: the versions of laws by standing */
    facet val[3] = {{"现行", vstat_n[SR_VS_CURRENT] + vstat_n[SR_VS_AMENDED]},
                    {"历史", vstat_n[SR_VS_HISTORICAL]},
                    {"已废止", vstat_n[SR_VS_REPEALED]}};
    size_t nv = 0;
    for (size_t i = 0; i < 3; i++)
        if (val[i].count)
            val[nv++] = val[i];
    fill_facet(a, val, nv, &out->validity);
    gz_free(fac);
    gz_free(hits);
    q_plan_fini(&plan);
    return GZ_OK;
}
