/* server/server.c: HTTP on libmicrohttpd with a thread pool. Routes:
 *   GET /                  the search page (q, unit, year, issuer, kind, sort, page)
 *   GET /doc/ID            a document a page at a time (?from=BYTE; ?u=UNIT marks
 *                          one and starts the page there), an anchor per unit
 *   GET /article?ref=      the article lookup page
 *   GET /api/search?q=     the CLI's JSON (n, offset, unit, sort, year, issuer, kind)
 *   GET /api/article?ref=  the CLI's JSON
 *   GET /api/doc/ID        the CLI's JSON, a page at a time (from, u)
 *   GET /source/ID         the file document ID was read from (PDF at its
 *                          pages: /source/ID#page=N), only a source of the
 *                          index, never a page on our origin (source_reply)
 *   GET /static/app.css    the embedded stylesheet
 * Anything else is 404, any path with "..", a NUL (%00 anywhere in the
 * request line) or a backslash 400, two Content-Length headers 400, any
 * method but GET and HEAD 405 (with Allow) (under /source/, 404 for any
 * path that is not a document's id, whatever it holds), more than SV_MAX_PARAMS
 * parameters 414, a parameter over SV_MAX_QUERY_BYTES 413, a bad filter,
 * n or offset 400 naming it. Each request borrows a searcher from a pool
 * that follows the MANIFEST (a new commit), so a request finishes on the
 * snapshot it began with and no restart is needed. A search runs within
 * the searcher's budget (a partial answer past it), and a request that
 * held much memory gives it back to the system when it ends. */
#include "server/server.h"
#include "searcher/searcher.h"
#include "server/html.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <malloc.h>
#include <microhttpd.h>
#include <pthread.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SV_STR_(x) #x
#define SV_STR(x) SV_STR_(x)

struct sv_server {
    struct MHD_Daemon *d;
    char *dir;
    pthread_mutex_t mu;
    pthread_mutex_t open_mu; /* one thread opens a new commit, the others wait for it */
    sr_index *proto;         /* the current generation's first searcher: the
                              * pool's searchers share its tables (it serves none) */
    struct slot *free;         /* idle searchers of the current generation */
    unsigned gen;
    uint64_t commit;   /* the generation's commit (MANIFEST's generation) */
    struct stat st;    /* the MANIFEST the generation was opened from */
    int have_st;
    /* the last commit that would not open: its MANIFEST; whether a file it
     * names is missing (a copy under way, docs/replicas.md) rather than
     * damaged; when it is tried again; what is said of it (no server path) */
    struct stat bad_st;
    int have_bad, bad_missing;
    int64_t retry_at, retry_ms;
    char damage[200];
};

/* ------------------------------------------------------ the index pool */

/* Searchers are not thread-safe: each request borrows one from a pool.
 * The pool's searchers of one commit share its segments and tables
 * (sr_index_share), so a thread more costs an analyzer and a small cache,
 * not another copy of the index's tables; a new commit is opened from the
 * last one (sr_index_reopen), verifying only its new segments. When a
 * commit replaces MANIFEST the pool's generation moves on: new requests
 * get searchers of the new snapshot, and searchers of the old one are
 * closed as their requests give them back (the old snapshot with the last
 * of them). A commit that does not
 * open leaves the pool where it is: the last good commit serves on, and
 * the new one is tried again after SV_RETRY_MS, then twice as long each
 * time up to SV_RETRY_MAX_MS (an open hashes every segment it has not
 * verified yet). */
typedef struct slot {
    sr_index *ix;
    unsigned gen;
    struct slot *next;
} slot;

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec && a->st_size == b->st_size;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What a client is told of an error: without the index's path (the
 * server's file system is not the public's business) nor the tag. */
static void public_msg(const sv_server *s, const char *msg, char *out, size_t cap)
{
    size_t dl = strlen(s->dir), o = 0;
    const char *tag_end = msg[0] == '[' ? strstr(msg, "] ") : NULL;
    if (tag_end)
        msg = tag_end + 2;
    while (*msg && o + 1 < cap) {
        if (strncmp(msg, s->dir, dl) == 0 && msg[dl] == '/')
            msg += dl + 1;
        else
            out[o++] = *msg++;
    }
    out[o] = 0;
}

/* Moves the pool to a new generation, the commit proto holds (opened from
 * the MANIFEST st, or a later one), whose searchers share proto's tables:
 * searchers of the old one go as they are given back. Under s->mu. */
static void new_generation(sv_server *s, const struct stat *st, sr_index *proto)
{
    sr_index_close(s->proto);
    s->proto = proto;
    s->st = *st;
    s->have_st = 1;
    s->gen++;
    s->commit = sr_index_generation(proto);
    s->have_bad = 0;
    s->damage[0] = 0;
    for (slot **p = &s->free; *p;) {
        slot *y = *p;
        if (y->gen != s->gen) {
            *p = y->next;
            sr_index_close(y->ix);
            gz_free(y);
        } else {
            p = &y->next;
        }
    }
}

/* The commit of MANIFEST st would not open (e): noted, said once in the
 * log, tried again later. Under s->mu. */
static void note_bad(sv_server *s, const struct stat *st, const gz_error *e)
{
    int missing = e->code == GZ_IO && e->sys_errno == ENOENT;
    char said[sizeof s->damage];
    public_msg(s, e->msg, said, sizeof said);
    if (!s->have_bad || !same_file(st, &s->bad_st) || missing != s->bad_missing || strcmp(said, s->damage) != 0)
        fprintf(stderr,
                missing ? "gazette serve: the last commit names a file that is not there (yet): %s (a copy under "
                          "way, or run gazette check); %s, trying again in 1 s, then less often\n"
                        : "gazette serve: the index is damaged: %s (run gazette check); %s\n",
                e->msg, s->have_st ? "serving the last good commit" : "nothing to serve");
    int again = s->have_bad && same_file(st, &s->bad_st);
    s->retry_ms = !again ? SV_RETRY_MS : s->retry_ms * 2 < SV_RETRY_MAX_MS ? s->retry_ms * 2 : SV_RETRY_MAX_MS;
    s->bad_st = *st;
    s->have_bad = 1;
    s->bad_missing = missing;
    s->retry_at = now_ms() + s->retry_ms;
    snprintf(s->damage, sizeof s->damage, "%s", said);
}

/* A pooled searcher sharing proto's tables, of generation gen. */
static slot *slot_of(sr_index *proto, unsigned gen, gz_error *err)
{
    slot *x = gz_calloc(1, sizeof *x);
    if (!x) {
        gz_error_set(err, GZ_NOMEM, -1, "out of memory");
        return NULL;
    }
    if (sr_index_share(proto, SV_CACHE_BYTES, &x->ix, err) != GZ_OK) {
        gz_free(x);
        return NULL;
    }
    x->gen = gen;
    return x;
}

/* An idle searcher of the pool's generation, or a new one sharing its
 * tables (cheap). Under s->mu. */
static slot *pooled(sv_server *s, gz_error *err)
{
    slot *x = s->free;
    if (x)
        s->free = x->next;
    else if (s->proto)
        x = slot_of(s->proto, s->gen, err);
    return x;
}

/* Opens the commit on disk (MANIFEST st), from the pool's last one, as a
 * new generation unless it is the pool's (a commit may land during the
 * open), and returns a searcher of it. Under s->open_mu, not s->mu. */
static slot *open_commit(sv_server *s, const struct stat *st, gz_error *e, gz_error *err)
{
    sr_index *proto = NULL;
    /* s->proto changes only under open_mu: the segments it holds that the
     * new commit names are taken, not verified again */
    if ((s->proto ? sr_index_reopen(s->proto, &proto, e) : sr_index_open(s->dir, &proto, e)) != GZ_OK)
        return NULL;
    sr_index_cache(proto, 0); /* it answers no request */
    /* the first share builds the tables kept for later, outside s->mu */
    slot *x = slot_of(proto, 0, err);
    if (!x) {
        sr_index_close(proto);
        return NULL;
    }
    pthread_mutex_lock(&s->mu);
    if (!(s->have_st && sr_index_generation(proto) == s->commit && same_file(st, &s->st))) {
        new_generation(s, st, proto);
        proto = NULL;
    }
    x->gen = s->gen;
    pthread_mutex_unlock(&s->mu);
    sr_index_close(proto); /* this commit was the pool's already */
    return x;
}

/* A searcher for a request: of the last commit, or, while the last commit
 * does not open, of the last good one. *damaged is set when the last
 * commit is damaged (what is wrong, for the client); a commit naming a
 * file not there yet is said only in the log, its previous commit being a
 * whole one. NULL when there is no good commit to serve: err says why
 * (GZ_EOF: no index yet; GZ_CORRUPT: damaged, as in *damaged; GZ_IO: a
 * file not there; GZ_NOMEM). */
static slot *acquire(sv_server *s, char *damaged, size_t cap, gz_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/MANIFEST", s->dir);
    damaged[0] = 0;
    struct stat st;
    int on_disk = stat(path, &st) == 0;
    pthread_mutex_lock(&s->mu);
    int fresh = on_disk && s->have_st && same_file(&st, &s->st);
    int known_bad = on_disk && s->have_bad && same_file(&st, &s->bad_st);
    int try_open = on_disk && !fresh && (!known_bad || now_ms() >= s->retry_at);
    slot *x = NULL;
    if (fresh) {
        x = pooled(s, err);
        pthread_mutex_unlock(&s->mu);
        return x;
    }
    if (known_bad && try_open)
        s->retry_at = now_ms() + s->retry_ms; /* one request tries; the rest are served */
    pthread_mutex_unlock(&s->mu);
    gz_error e = {0};
    if (!on_disk)
        gz_error_set(&e, GZ_EOF, -1, "no index yet");
    if (try_open) {
        pthread_mutex_lock(&s->open_mu);
        /* opened, or tried and found bad, while this thread waited (a
         * thread retrying a commit known bad is the one that tries) */
        pthread_mutex_lock(&s->mu);
        int done = (s->have_st && same_file(&st, &s->st)) ||
                   (!known_bad && s->have_bad && same_file(&st, &s->bad_st));
        pthread_mutex_unlock(&s->mu);
        if (done) {
            pthread_mutex_unlock(&s->open_mu);
            return acquire(s, damaged, cap, err);
        }
        x = open_commit(s, &st, &e, err);
        pthread_mutex_unlock(&s->open_mu);
        if (x || err->code == GZ_NOMEM)
            return x;
        if (e.code == GZ_NOMEM) {
            *err = e;
            return NULL;
        }
    }
    /* the last good commit serves on */
    pthread_mutex_lock(&s->mu);
    if (try_open)
        note_bad(s, &st, &e);
    int said = s->have_bad && !s->bad_missing;
    if (said)
        snprintf(damaged, cap, "%s", s->damage);
    if (s->have_st)
        x = pooled(s, err);
    else if (said)
        gz_error_set(err, GZ_CORRUPT, -1, "%s", damaged);
    else if (s->have_bad)
        gz_error_set(err, GZ_IO, -1, "index incomplete: %s", s->damage);
    else
        *err = e;
    pthread_mutex_unlock(&s->mu);
    return x;
}

static void release(sv_server *s, slot *x)
{
    pthread_mutex_lock(&s->mu);
    if (x->gen == s->gen) {
        x->next = s->free;
        s->free = x;
        x = NULL;
    }
    pthread_mutex_unlock(&s->mu);
    if (x) {
        sr_index_close(x->ix);
        gz_free(x);
    }
}

/* ------------------------------------------------------------- replies */

/* Set while a request is answered from the last good commit because the
 * last one is damaged (one request per thread at a time): every answer
 * says so. */
static __thread const char *tl_damaged;

/* The damage notice in a 200 answer (a header says it in every answer):
 * in a page, a line at the top; in a JSON answer, "index_damaged". */
static void insert_notice(gz_buf *body, const char *type)
{
    gz_buf note;
    gz_buf_init(&note);
    size_t at = 0;
    if (strncmp(type, "text/html", 9) == 0) {
        const char *bt = strstr(gz_buf_cstr(body), "<body>");
        if (!bt)
            goto done;
        at = (size_t)(bt - body->data) + 6;
        gz_buf_puts(&note, "<p class=\"notice\" role=\"alert\">索引已损坏（");
        html_escape(&note, tl_damaged, strlen(tl_damaged));
        gz_buf_puts(&note, "），以下是上一次完好的索引的结果；请管理员运行 gazette check 修复。</p>");
    } else if (strncmp(type, "application/json", 16) == 0 && body->len && body->data[0] == '{') {
        at = 1;
        gz_buf_puts(&note, "\"index_damaged\":");
        gz_json_str(&note, tl_damaged, strlen(tl_damaged));
        gz_buf_putc(&note, ',');
    } else {
        goto done;
    }
    gz_buf out;
    gz_buf_init(&out);
    gz_buf_put(&out, body->data, at);
    gz_buf_put(&out, note.data, note.len);
    gz_buf_put(&out, body->data + at, body->len - at);
    gz_buf tmp = *body;
    *body = out;
    gz_buf_fini(&tmp);
done:
    gz_buf_fini(&note);
}

/* An answer; location (NULL for none) is its Location header. */
static enum MHD_Result reply_at(struct MHD_Connection *c, unsigned status, const char *type, gz_buf *body,
                                const char *location)
{
    if (tl_damaged && status == 200)
        insert_notice(body, type);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(body->len, body->data ? body->data : (void *)"", MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; style-src 'self'; frame-ancestors 'none'");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    if (status == 405)
        MHD_add_response_header(r, "Allow", "GET, HEAD");
    if (location)
        MHD_add_response_header(r, "Location", location);
    MHD_add_response_header(r, "Cache-Control", "no-cache");
    if (tl_damaged)
        MHD_add_response_header(r, "X-Gazette-Index-Damaged", tl_damaged);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type, gz_buf *body)
{
    return reply_at(c, status, type, body, NULL);
}

static enum MHD_Result json_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
    gz_buf b;
    gz_buf_init(&b);
    gz_buf_printf(&b, "{\"error\":{\"status\":%u,\"message\":", status);
    gz_json_str(&b, msg, strlen(msg));
    gz_buf_puts(&b, "}}");
    enum MHD_Result r = reply(c, status, "application/json; charset=utf-8", &b);
    gz_buf_fini(&b);
    return r;
}

static enum MHD_Result html_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
    gz_buf b;
    gz_buf_init(&b);
    html_error_page(&b, (int)status, msg);
    enum MHD_Result r = reply(c, status, "text/html; charset=utf-8", &b);
    gz_buf_fini(&b);
    return r;
}

/* A page rendered into out (an answer's HTML). */
static enum MHD_Result page_reply(struct MHD_Connection *c, gz_buf *out)
{
    return reply(c, 200, "text/html; charset=utf-8", out);
}

/* How a source file is sent: its type by its name, and what the browser
 * may do with it. Archived HTML is shown as text in a sandbox (no script,
 * no style, no request of its own on our origin); Word and unknown files
 * are downloaded. */
static void source_type(const char *name, const char **type, int *attach)
{
    static const char *const map[][2] = {
        {".pdf", "application/pdf"},
        {".txt", "text/plain; charset=utf-8"},
        {".md", "text/plain; charset=utf-8"},
        {".html", "text/plain"},
        {".htm", "text/plain"},
        {".xhtml", "text/plain"},
        {".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    };
    const char *dot = strrchr(name, '.');
    *type = "application/octet-stream";
    *attach = 1;
    for (size_t i = 0; dot && i < sizeof map / sizeof map[0]; i++)
        if (strcasecmp(dot, map[i][0]) == 0) {
            *type = map[i][1];
            *attach = strncmp(*type, "application/", 12) == 0 && strcmp(*type, "application/pdf") != 0;
        }
}

/* The original file of a document (sr_source_open says which files are
 * reachable): 404 for anything else, without saying why (what is on the
 * server's disk is not the public's business). */
static enum MHD_Result source_reply(struct MHD_Connection *c, sr_index *ix, const char *id)
{
    int fd;
    const char *name;
    gz_error err = {0};
    struct stat st;
    if (sr_source_open(ix, id, &fd, &name, &err) != GZ_OK)
        return html_error(c, 404, "没有这个文件");
    if (fstat(fd, &st) != 0) {
        close(fd);
        return html_error(c, 404, "没有这个文件");
    }
    struct MHD_Response *r = MHD_create_response_from_fd((size_t)st.st_size, fd); /* owns fd */
    if (!r) {
        close(fd);
        return MHD_NO;
    }
    const char *type;
    int attach;
    source_type(name, &type, &attach);
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    /* a PDF opens in the browser's viewer; anything else is inert */
    MHD_add_response_header(r, "Content-Security-Policy",
                            strcmp(type, "application/pdf") == 0 ? "default-src 'none'; frame-ancestors 'none'"
                                                                 : "sandbox; default-src 'none'");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    if (attach) { /* saved under the file's own name (RFC 6266) */
        const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
        gz_buf cd;
        gz_buf_init(&cd);
        gz_buf_puts(&cd, "attachment; filename*=UTF-8''");
        for (const unsigned char *p = (const unsigned char *)base; *p; p++)
            if (isalnum(*p) || strchr("-._~", *p))
                gz_buf_putc(&cd, (char)*p);
            else
                gz_buf_printf(&cd, "%%%02X", *p);
        MHD_add_response_header(r, "Content-Disposition", gz_buf_cstr(&cd));
        gz_buf_fini(&cd);
    }
    MHD_add_response_header(r, "Cache-Control", "no-cache");
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

/* 301 to the document's lasting link, at the same unit or byte. */
static enum MHD_Result moved(struct MHD_Connection *c, gz_buf *out, const char *id, const char *unit, size_t from)
{
    char to[SR_LINK_MAX + 2 * SR_UNIT_ID_MAX + 32];
    if (*unit)
        snprintf(to, sizeof to, "/doc/%s?u=%s#u-%s", id, unit, unit);
    else if (from)
        snprintf(to, sizeof to, "/doc/%s?from=%zu", id, from);
    else
        snprintf(to, sizeof to, "/doc/%s", id);
    gz_buf_printf(out,
                  "<!doctype html><meta charset=\"utf-8\"><title>已移动</title>"
                  "<p>此文件的地址已改为 <a href=\"%s\">%s</a></p>\n",
                  to, to);
    return reply_at(c, 301, "text/html; charset=utf-8", out, to);
}

static const char *arg(struct MHD_Connection *c, const char *k)
{
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, k);
    return v ? v : "";
}

static int too_long(struct MHD_Connection *c)
{
    const char *keys[] = {"q",      "ref",  "year", "issuer", "kind", "date", "unit",
                          "sort",   "n",    "offset", "page", "u",  "from", "expand", "all_versions", "all_in_document"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strlen(arg(c, keys[i])) > SV_MAX_QUERY_BYTES)
            return 1;
    return 0;
}

/* A count parameter: "" is dflt; else decimal digits only, at most max.
 * 0 for anything else (a sign, a space, 2^64). */
static int count_arg(const char *v, size_t max, size_t dflt, size_t *out)
{
    if (!*v) {
        *out = dflt;
        return 1;
    }
    size_t x = 0;
    for (const char *p = v; *p; p++) {
        if (!isdigit((unsigned char)*p) || x > (max - (size_t)(*p - '0')) / 10)
            return 0;
        x = x * 10 + (size_t)(*p - '0');
    }
    *out = x;
    return 1;
}

/* What the request line said, seen before libmicrohttpd decodes it: a NUL
 * (%00) would cut a decoded path or value short, and too many parameters
 * are refused before they are parsed. Kept as flag bits in the address of
 * the connection's state (marks[bits]), so nothing is allocated for it. */
enum { RAW_NUL = 1, RAW_PARAMS = 2, RAW_SEEN = 4 };
static char marks[8];

static void *uri_seen(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    int bits = 0;
    size_t params = 0;
    for (const char *p = uri; *p; p++) {
        if (p[0] == '%' && p[1] == '0' && p[2] == '0')
            bits |= RAW_NUL;
        params += *p == '&' || *p == '?';
    }
    if (params > SV_MAX_PARAMS) {
        bits |= RAW_PARAMS;
        /* libmicrohttpd (0.9.75) parses them next, into the connection's
         * memory pool; when they do not fit (from ~2,000 parameters in a
         * 128 KiB pool) it drops the 431 it means to send and holds the
         * connection to its timeout, whatever the pool's size: this one's
         * timeout is a second (when they fit, the handler answers 414) */
        MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, 1u);
    }
    return &marks[bits];
}

static enum MHD_Result count_length(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    (void)value;
    if (strcasecmp(key, "Content-Length") == 0)
        ++*(int *)cls;
    return MHD_YES;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **state)
{
    sv_server *s = cls;
    (void)version;
    (void)upload;
    int bits = *state ? (int)((char *)*state - marks) : 0;
    int api = strncmp(url, "/api/", 5) == 0;
    if (!(bits & RAW_SEEN)) { /* first call: headers only */
        *state = &marks[bits | RAW_SEEN];
        int lengths = 0;
        MHD_get_connection_values(c, MHD_HEADER_KIND, count_length, &lengths);
        if (lengths > 1)
            return json_error(c, 400, "more than one Content-Length");
        if (bits & RAW_PARAMS)
            return api ? json_error(c, 414, "too many parameters") : html_error(c, 414, "查询参数过多");
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0; /* no bodies accepted */
        return MHD_YES;
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return json_error(c, 405, "only GET and HEAD");
    if ((bits & RAW_NUL) || strstr(url, "..") || strchr(url, '\\') || strstr(url, "%2e") || strstr(url, "%2E") ||
        strstr(url, "//"))
        return strncmp(url, "/source/", 8) == 0 ? html_error(c, 404, "没有这个文件")
               : api ? json_error(c, 400, "bad path or parameter (.., //, a backslash or a NUL)")
                   : html_error(c, 400, "请求地址无效");
    if (too_long(c))
        return api ? json_error(c, 413, "query too long") : html_error(c, 413, "查询内容过长");
    if (strcmp(url, "/static/app.css") == 0) {
        gz_buf b;
        gz_buf_init(&b);
        gz_buf_puts(&b, html_css);
        enum MHD_Result r = reply(c, 200, "text/css; charset=utf-8", &b);
        gz_buf_fini(&b);
        return r;
    }
    int route = strcmp(url, "/") == 0                    ? 1
                : strncmp(url, "/doc/", 5) == 0          ? 2
                : strcmp(url, "/article") == 0           ? 3
                : strcmp(url, "/api/search") == 0        ? 4
                : strcmp(url, "/api/article") == 0       ? 5
                : strncmp(url, "/api/doc/", 9) == 0      ? 6
                : strncmp(url, "/source/", 8) == 0       ? 7
                                                         : 0;
    if (!route)
        return api ? json_error(c, 404, "no such endpoint") : html_error(c, 404, "没有这个页面");
    gz_error err = {0};
    char damaged[200];
    slot *sl = acquire(s, damaged, sizeof damaged, &err);
    if (!sl && err.code == GZ_CORRUPT) {
        char msg[320];
        snprintf(msg, sizeof msg, api ? "index damaged: %s" : "索引已损坏（%s），请管理员运行 gazette check 修复",
                 damaged);
        return api ? json_error(c, 503, msg) : html_error(c, 503, msg);
    }
    if (!sl)
        return api ? json_error(c, 503, err.msg) : html_error(c, 503, "索引尚未建立");
    tl_damaged = damaged[0] ? damaged : NULL;
    sr_index *ix = sl->ix;
    /* the answer as a struct (include/gazette.h), then its JSON or its page */
    gz_buf out;
    gz_buf_init(&out);
    sr_arena answer;
    sr_arena_init(&answer);
    int64_t mem_base = gz_alloc_live();
    gz_alloc_peak_reset();
    enum MHD_Result res;
    gz_status st = GZ_OK;
    if (route == 1 || route == 4) {
        /* the filters are structure, never query text */
        sr_request rq = {.query = arg(c, "q"), .limits = {.cpu_ms = SR_DEFAULT_CPU_MS}};
        gazette_page pg;
        rq.filters = (sr_filters){arg(c, "year"), arg(c, "issuer"), arg(c, "kind"), arg(c, "date")};
        rq.unit = strcmp(arg(c, "unit"), "document") == 0 ? SR_BY_DOCUMENT : SR_BY_UNIT;
        rq.sort = strcmp(arg(c, "sort"), "date") == 0 ? SR_SORT_DATE : SR_SORT_SCORE;
        rq.all_versions = strcmp(arg(c, "all_versions"), "1") == 0;
        /* 展开 on a page (expand=ID) shows every matching unit of each
         * document, that one's among them */
        rq.all_in_document = strcmp(arg(c, "all_in_document"), "1") == 0 || *arg(c, "expand");
        size_t page = 1;
        const char *bad = NULL;
        if (!count_arg(arg(c, "page"), SR_MAX_RANK / 10, 1, &page) || page < 1)
            bad = "page: not a number from 1 to 1000";
        else if (route == 4 && !count_arg(arg(c, "n"), SV_MAX_PAGE, 10, &rq.n))
            bad = "n: not a number from 0 to " SV_STR(SV_MAX_PAGE);
        else if (route == 4 && !count_arg(arg(c, "offset"), SR_MAX_RANK, 0, &rq.offset))
            bad = "offset: not a number from 0 to " SV_STR(SR_MAX_RANK);
        if (route == 1)
            rq.n = 10, rq.offset = (page - 1) * 10;
        if (rq.n == 0)
            rq.n = 10;
        if (rq.offset + rq.n > SR_MAX_RANK && !bad)
            bad = "offset: past the " SV_STR(SR_MAX_RANK) " best hits kept";
        if (bad) {
            res = api ? json_error(c, 400, bad) : html_error(c, 400, "页码或参数无效");
        } else if (route == 1 && !*arg(c, "q") && !*arg(c, "year") && !*arg(c, "issuer") && !*arg(c, "kind") &&
                   !*arg(c, "date")) {
            page_params p = {.page = 1};
            html_search_page(&out, NULL, &p);
            res = reply(c, 200, "text/html; charset=utf-8", &out);
        } else if ((st = sr_search(ix, &rq, &answer, &pg, &err)) == GZ_INVALID) {
            res = api ? json_error(c, 400, err.msg) : html_error(c, 400, err.msg);
        } else if (st != GZ_OK) {
            res = api ? json_error(c, 500, err.msg) : html_error(c, 500, err.msg);
        } else if (route == 4) {
            sr_page_json(&pg, &out);
            res = reply(c, 200, "application/json; charset=utf-8", &out);
        } else {
            page_params p = {arg(c, "q"), arg(c, "unit"), arg(c, "year"), arg(c, "issuer"),
                             arg(c, "kind"), arg(c, "sort"), "", page, arg(c, "expand"),
                             arg(c, "all_versions")};
            html_search_page(&out, &pg, &p);
            res = page_reply(c, &out);
        }
    } else if (route == 7) {
        res = source_reply(c, ix, url + 8);
    } else if (route == 3 || route == 5) {
        gazette_article art;
        const char *ref = arg(c, "ref");
        /* the page lists what cites the article (被引用); the API on request */
        sr_limits lim = {0, 0, SR_DEFAULT_CPU_MS};
        if ((st = route == 3 || strcmp(arg(c, "cited_by"), "1") == 0
                      ? sr_article_cited_by(ix, ref, &lim, &answer, &art, &err)
                      : sr_article(ix, ref, &answer, &art, &err)) != GZ_OK) {
            res = api ? json_error(c, 500, err.msg) : html_error(c, 500, err.msg);
        } else if (route == 5) {
            sr_article_answer_json(&art, &out);
            res = reply(c, 200, "application/json; charset=utf-8", &out);
        } else {
            html_article_page(&out, &art, ref);
            res = page_reply(c, &out);
        }
    } else {
        const char *id = url + (route == 2 ? 5 : 9);
        size_t from = 0;
        gazette_document doc;
        char to_id[SR_LINK_MAX], to_unit[SR_UNIT_ID_MAX];
        if (!count_arg(arg(c, "from"), UINT32_MAX, 0, &from)) {
            res = api ? json_error(c, 400, "from: not a byte offset (0 to 4294967295)")
                      : html_error(c, 400, "页码或参数无效");
        } else if (route == 2 && sr_doc_moved(ix, id, arg(c, "u"), to_id, to_unit)) {
            /* a link of a segment a merge retired: to the lasting one */
            res = moved(c, &out, to_id, to_unit, from);
        } else if ((st = sr_show(ix, id, from, *arg(c, "u") ? arg(c, "u") : NULL, &answer, &doc, &err)) !=
                   GZ_OK) {
            res = api ? json_error(c, 404, err.msg) : html_error(c, 404, "没有这个文件");
        } else if (route == 6) {
            sr_document_json(&doc, &out);
            res = reply(c, 200, "application/json; charset=utf-8", &out);
        } else {
            /* the table of contents is the whole document's: its pages
             * from the first (at most SV_TOC_PAGES), when this is not all */
            gazette_document pages[SV_TOC_PAGES];
            const gazette_document *pp[SV_TOC_PAGES];
            size_t n_pages = 0;
            for (int64_t at = doc.text_start == 0 && doc.next < 0 ? -1 : 0; at >= 0 && n_pages < SV_TOC_PAGES;
                 at = pages[n_pages++].next) {
                gz_error e2 = {0};
                if (sr_show(ix, id, (uint64_t)at, NULL, &answer, &pages[n_pages], &e2) != GZ_OK)
                    break;
                pp[n_pages] = &pages[n_pages];
            }
            html_doc_page(&out, &doc, arg(c, "u"), pp, n_pages);
            res = page_reply(c, &out);
        }
    }
    tl_damaged = NULL;
    gz_buf_fini(&out);
    sr_arena_fini(&answer);
    release(s, sl);
    /* a request that held much memory hands the freed pages back, so the
     * server's resident size returns to where it was */
    if (gz_alloc_peak() - mem_base > SV_TRIM_BYTES)
        malloc_trim(0);
    return res;
}

gz_status sv_server_open(const sv_options *o, sv_server **out, unsigned *port_out, gz_error *err)
{
    *out = NULL;
    sv_server *s = gz_calloc(1, sizeof *s);
    if (!s)
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    s->dir = gz_strndup(o->index_dir, strlen(o->index_dir));
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->open_mu, NULL);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)o->port);
    if (inet_pton(AF_INET, o->bind ? o->bind : "127.0.0.1", &addr.sin_addr) != 1) {
        sv_server_close(s);
        return gz_error_set(err, GZ_INVALID, -1, "[server] bad bind address %s", o->bind);
    }
    s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL,
                            handle, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads ? o->threads : 4),
                            MHD_OPTION_CONNECTION_LIMIT, 512u, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024),
                            MHD_OPTION_URI_LOG_CALLBACK, uri_seen, NULL, MHD_OPTION_END);
    if (!s->d) {
        sv_server_close(s);
        return gz_error_set(err, GZ_IO, -1, "[server] cannot listen on %s:%u (in use?)",
                            o->bind ? o->bind : "127.0.0.1", o->port);
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    *port_out = info ? info->port : o->port;
    *out = s;
    return GZ_OK;
}

void sv_server_close(sv_server *s)
{
    if (!s)
        return;
    if (s->d)
        MHD_stop_daemon(s->d);
    while (s->free) {
        slot *x = s->free;
        s->free = x->next;
        sr_index_close(x->ix);
        gz_free(x);
    }
    sr_index_close(s->proto);
    pthread_mutex_destroy(&s->open_mu);
    pthread_mutex_destroy(&s->mu);
    gz_free(s->dir);
    gz_free(s);
}
