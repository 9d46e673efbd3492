/* api/gazette.c: include/gazette.h over the modules: a gazette_index is a
 * searcher (searcher/) and the arena its answers live in until the next
 * call; writing, checking and statistics go to indexer/ and format/. The
 * public types mirror the internal ones field for field; the conversions
 * are here and nowhere else. */
#include "include/gazette.h"
#include "format/format.h"
#include "indexer/indexer.h"
#include "searcher/searcher.h"

#include <stdio.h>
#include <string.h>

_Static_assert((int)GAZETTE_LIMIT == (int)GZ_LIMIT && (int)GAZETTE_INVALID == (int)GZ_INVALID &&
                   (int)GAZETTE_BAD_VERSION == (int)GZ_VERSION,
               "gazette_status mirrors gz_status");
_Static_assert(sizeof(((gazette_error *)0)->msg) == sizeof(((gz_error *)0)->msg), "one message size");

struct gazette_index {
    sr_index *ix;
    sr_arena answers; /* what the last call handed back */
    gz_buf json;      /* what the last JSON call handed back */
};

/* The internal error as the public one; returns its status. */
static gazette_status out_err(gz_status st, const gz_error *e, gazette_error *err)
{
    if (err) {
        err->code = (gazette_status)st;
        err->sys_errno = st == GZ_OK ? 0 : e->sys_errno;
        err->offset = st == GZ_OK ? -1 : e->offset;
        memcpy(err->msg, st == GZ_OK ? "" : e->msg, st == GZ_OK ? 1 : sizeof err->msg);
    }
    return (gazette_status)st;
}

static gazette_status bad_arg(const char *what, gazette_error *err)
{
    gz_error e = {0};
    return out_err(gz_error_set(&e, GZ_INVALID, -1, "[gazette] %s", what), &e, err);
}

const char *gazette_version(void) { return GAZETTE_VERSION_STRING; }

const char *gazette_status_str(gazette_status s) { return gz_status_str((gz_status)s); }

gazette_status gazette_open(const char *dir, gazette_index **out, gazette_error *err)
{
    if (!out)
        return bad_arg("gazette_open: out is NULL", err);
    *out = NULL;
    if (!dir)
        return bad_arg("gazette_open: dir is NULL", err);
    gz_error e = {0};
    gazette_index *g = gz_calloc(1, sizeof *g);
    if (!g)
        return out_err(gz_error_set(&e, GZ_NOMEM, -1, "out of memory"), &e, err);
    gz_status st = sr_index_open(dir, &g->ix, &e);
    if (st != GZ_OK) {
        gz_free(g);
        return out_err(st, &e, err);
    }
    sr_arena_init(&g->answers);
    gz_buf_init(&g->json);
    *out = g;
    return out_err(GZ_OK, &e, err);
}

void gazette_close(gazette_index *g)
{
    if (!g)
        return;
    sr_arena_fini(&g->answers);
    gz_buf_fini(&g->json);
    sr_index_close(g->ix);
    gz_free(g);
}

void gazette_query_init(gazette_query *q)
{
    memset(q, 0, sizeof *q);
    q->n = 10;
    q->max_cpu_ms = GAZETTE_DEFAULT_CPU_MS;
}

gazette_status gazette_search(gazette_index *g, const gazette_query *q, const gazette_page **out, gazette_error *err)
{
    if (!g || !q || !out)
        return bad_arg("gazette_search: index, query and out must not be NULL", err);
    *out = NULL;
    sr_arena_reset(&g->answers);
    sr_request rq = {.query = q->text ? q->text : "",
                     .n = q->n,
                     .offset = q->offset,
                     .unit = q->by == GAZETTE_BY_DOCUMENT ? SR_BY_DOCUMENT : SR_BY_UNIT,
                     .sort = q->sort == GAZETTE_SORT_DATE ? SR_SORT_DATE : SR_SORT_SCORE,
                     .all_versions = q->all_versions,
                     .all_in_document = q->all_in_document,
                     .filters = {q->year, q->issuer, q->kind, q->date},
                     .limits = {q->max_work, q->max_memory, q->max_cpu_ms}};
    gazette_page *p = sr_arena_alloc(&g->answers, sizeof *p);
    gz_error e = {0};
    gz_status st = p ? sr_search(g->ix, &rq, &g->answers, p, &e) : gz_error_set(&e, GZ_NOMEM, -1, "out of memory");
    if (st == GZ_OK)
        *out = p;
    return out_err(st, &e, err);
}

/* An article answer (cited: with the units citing it) into g->answers. */
static gazette_status article_call(gazette_index *g, const char *ref, int cited, const gazette_article **out,
                                   gazette_error *err)
{
    if (!g || !ref || !out)
        return bad_arg(cited ? "gazette_article_cited_by: index, ref and out must not be NULL"
                             : "gazette_article_lookup: index, ref and out must not be NULL",
                       err);
    *out = NULL;
    sr_arena_reset(&g->answers);
    gazette_article *a = sr_arena_alloc(&g->answers, sizeof *a);
    gz_error e = {0};
    sr_limits lim = {0, 0, GAZETTE_DEFAULT_CPU_MS};
    gz_status st = !a      ? gz_error_set(&e, GZ_NOMEM, -1, "out of memory")
                   : cited ? sr_article_cited_by(g->ix, ref, &lim, &g->answers, a, &e)
                           : sr_article(g->ix, ref, &g->answers, a, &e);
    if (st == GZ_OK)
        *out = a;
    return out_err(st, &e, err);
}

gazette_status gazette_article_lookup(gazette_index *g, const char *ref, const gazette_article **out,
                                      gazette_error *err)
{
    return article_call(g, ref, 0, out, err);
}

gazette_status gazette_article_cited_by(gazette_index *g, const char *ref, const gazette_article **out,
                                        gazette_error *err)
{
    return article_call(g, ref, 1, out, err);
}

gazette_status gazette_document_page(gazette_index *g, const char *id, uint64_t from, const char *unit,
                                     const gazette_document **out, gazette_error *err)
{
    if (!g || !id || !out)
        return bad_arg("gazette_document_page: index, id and out must not be NULL", err);
    *out = NULL;
    sr_arena_reset(&g->answers);
    gazette_document *d = sr_arena_alloc(&g->answers, sizeof *d);
    gz_error e = {0};
    gz_status st =
        d ? sr_show(g->ix, id, from, unit, &g->answers, d, &e) : gz_error_set(&e, GZ_NOMEM, -1, "out of memory");
    if (st == GZ_OK)
        *out = d;
    return out_err(st, &e, err);
}

/* One answer's JSON through its writer (searcher/json.c) into g->json. */
#define ANSWER_JSON(name, type, writer)                                                                        \
    gazette_status name(gazette_index *g, const type *answer, const char **json, size_t *len, gazette_error *err) \
    {                                                                                                          \
        if (!g || !answer || !json)                                                                            \
            return bad_arg(#name ": index, answer and json must not be NULL", err);                             \
        g->json.len = 0;                                                                                       \
        writer(answer, &g->json);                                                                              \
        gz_error e = {0};                                                                                      \
        if (g->json.status != GZ_OK) {                                                                         \
            gz_buf_fini(&g->json);                                                                             \
            gz_buf_init(&g->json);                                                                             \
            return out_err(gz_error_set(&e, GZ_NOMEM, -1, "out of memory"), &e, err);                          \
        }                                                                                                      \
        *json = gz_buf_cstr(&g->json);                                                                         \
        if (len)                                                                                               \
            *len = g->json.len;                                                                                \
        return out_err(GZ_OK, &e, err);                                                                        \
    }
ANSWER_JSON(gazette_page_json, gazette_page, sr_page_json)
ANSWER_JSON(gazette_article_json, gazette_article, sr_article_answer_json)
ANSWER_JSON(gazette_document_json, gazette_document, sr_document_json)

gazette_status gazette_index_paths(const char *dir, const char *const *paths, size_t n_paths,
                                   const gazette_index_options *o, gazette_index_report *rep, gazette_error *err)
{
    if (!dir || (!paths && n_paths))
        return bad_arg("gazette_index_paths: dir is NULL, or paths is NULL with n_paths > 0", err);
    gazette_index_options none = {0};
    if (!o)
        o = &none;
    ix_options io = {.dir = dir,
                     .ram_mb = o->ram_mb,
                     .threads = o->threads,
                     .prune = o->prune,
                     .on_progress = o->progress,
                     .progress_arg = o->progress_arg};
    ix_report r;
    memset(&r, 0, sizeof r);
    gz_error e = {0};
    gz_status st = ix_index(&io, (char **)paths, n_paths, &r, &e);
    if (rep)
        *rep = (gazette_index_report){r.files,     r.indexed,    r.unchanged,        r.refused,
                                      r.removed,   r.docs_added, r.segments_written, r.bytes_read,
                                      r.seconds,   r.committed,  r.generation};
    return out_err(st, &e, err);
}

gazette_status gazette_check(const char *dir, gazette_error *err)
{
    if (!dir)
        return bad_arg("gazette_check: dir is NULL", err);
    /* ix_check narrates what it checks; the API reports the verdict */
    FILE *quiet = fopen("/dev/null", "w");
    gz_error e = {0};
    gz_status st = quiet ? ix_check(dir, quiet, &e) : gz_error_set(&e, GZ_IO, -1, "[gazette] cannot open /dev/null");
    if (quiet)
        fclose(quiet);
    return out_err(st, &e, err);
}

gazette_status gazette_stats_read(const char *dir, gazette_stats *out, gazette_error *err)
{
    if (!dir || !out)
        return bad_arg("gazette_stats_read: dir and out must not be NULL", err);
    memset(out, 0, sizeof *out);
    gz_snapshot *s;
    gz_error e = {0};
    gz_status st = gz_snapshot_open(dir, &s, &e);
    if (st == GZ_EOF)
        st = gz_error_set(&e, GZ_IO, -1, "[gazette] %s: no index here", dir);
    if (st != GZ_OK)
        return out_err(st, &e, err);
    out->generation = s->man.generation;
    out->segments = s->man.n_seg;
    out->documents = s->n_live_docs;
    out->units = s->n_units;
    out->positions = s->n_positions;
    for (size_t i = 0; i < s->man.n_seg; i++) {
        gz_seg_stats ss;
        gz_segment_stats(s->seg[i], &ss);
        out->bytes += ss.file_bytes;
    }
    gz_snapshot_close(s);
    return out_err(GZ_OK, &e, err);
}
