/* indexer/writer.c: `gazette index`. Workers (one per core) take every
 * n-th file of the sorted list, skip those whose stat or content hash is
 * unchanged, parse and analyse the rest into their own in-memory segments
 * and flush them at the memory budget, under ids that interleave by
 * worker: a build is the same bytes every time. The main thread then
 * builds the new manifest (deletes for changed and pruned files, the merge
 * policy) and commits it by rename: all of a run's segments become visible
 * together, or none do. */
#include "common/probe.h"
#include "corpus/corpus.h"
#include "indexer/indexer.h"
#include "indexer/memseg.h"
#include "indexer/merge.h"
#include "indexer/state.h"
#include "indexer/units.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

enum { R_PENDING = 0, R_UNCHANGED, R_INDEXED, R_REFUSED };

typedef struct job {
    char *path, *key, *display;
} job;

typedef struct result {
    int state;
    uint64_t hash_lo, hash_hi, size;
    uint32_t segment, first_doc, n_docs;
    uint64_t mtime_ns, ctime_ns, ino; /* as gz_man_source */
} result;

typedef struct writer {
    const ix_options *o;
    FILE *log;
    const gz_manifest *old;
    uint32_t *src_hash; /* open addressing over old->src by key: index + 1 */
    size_t src_cap;
    job *jobs;
    result *res;
    size_t n_jobs;
    size_t *listed; /* per path given: the files it lists */
    atomic_size_t done;
    int n_threads;
    atomic_ullong bytes;
    size_t budget; /* bytes per worker */
    pthread_mutex_t mu;
    uint32_t first_seg_id, next_seg_id; /* next: above every id given */
    gz_man_segment *segs;
    size_t n_segs, cap_segs;
    atomic_int fatal;
    gz_error fatal_err;
    size_t skipped; /* entries the listing left out */
} writer;

static int cmp_seg_id(const void *a, const void *b)
{
    uint32_t x = ((const gz_man_segment *)a)->id, y = ((const gz_man_segment *)b)->id;
    return (x > y) - (x < y);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static const gz_man_source *old_source(const writer *w, const char *key)
{
    if (!w->src_cap)
        return NULL;
    for (size_t at = gz_probe_first(gz_xxh3(key, strlen(key)), w->src_cap); w->src_hash[at];
         at = gz_probe_next(at, w->src_cap)) {
        const gz_man_source *s = &w->old->src[w->src_hash[at] - 1];
        if (strcmp(s->key, key) == 0)
            return s;
    }
    return NULL;
}

static void set_fatal(writer *w, const gz_error *e)
{
    pthread_mutex_lock(&w->mu);
    if (!atomic_load(&w->fatal)) {
        w->fatal_err = *e;
        atomic_store(&w->fatal, 1);
    }
    pthread_mutex_unlock(&w->mu);
}

static void logf_locked(writer *w, const char *fmt, const char *a, const char *b)
{
    pthread_mutex_lock(&w->mu);
    if (w->o->progress)
        fputs("\r\033[K", w->log);
    fprintf(w->log, fmt, a, b);
    pthread_mutex_unlock(&w->mu);
}

static gz_status flush_seg(writer *w, ix_memseg *m)
{
    char path[4200];
    gz_man_segment g;
    gz_error e = {0};
    gz_path_segment(path, sizeof path, w->o->dir, ix_memseg_id(m));
    gz_status st = ix_memseg_flush(m, path, &g, &e);
    if (st != GZ_OK) {
        set_fatal(w, &e);
        return st;
    }
    pthread_mutex_lock(&w->mu);
    if ((st = gz_grow(&w->segs, &w->cap_segs, w->n_segs + 1, sizeof *w->segs, 8)) == GZ_OK)
        w->segs[w->n_segs++] = g;
    pthread_mutex_unlock(&w->mu);
    return st;
}

/* Worker k's n-th segment: ids interleave by worker (first + k, then
 * + n_threads each), so a build's ids do not depend on which worker
 * flushed first. */
static ix_memseg *new_seg(writer *w, int k, uint32_t *n)
{
    uint32_t id = w->first_seg_id + (uint32_t)k + (uint32_t)w->n_threads * (*n)++;
    pthread_mutex_lock(&w->mu);
    if (id >= w->next_seg_id)
        w->next_seg_id = id + 1;
    pthread_mutex_unlock(&w->mu);
    return ix_memseg_open(id);
}

static uint64_t ns_of(struct timespec t) { return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec; }

/* The stat to record for a file read now (its fstat): 0s if it changed
 * less than racy_ms before, as it may change again inside the same
 * timestamp tick (a coarse clock, a 2 s FAT time) without its stat
 * showing it. */
static void record_stat(result *r, const struct stat *st, unsigned racy_ms)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    uint64_t m = ns_of(st->st_mtim), c = ns_of(st->st_ctim), t = ns_of(now);
    uint64_t racy_ns = (uint64_t)(racy_ms ? racy_ms : 3000) * 1000000u;
    int racy = m + racy_ns > t || c + racy_ns > t;
    r->mtime_ns = racy ? 0 : m;
    r->ctime_ns = racy ? 0 : c;
    r->ino = racy ? 0 : (uint64_t)st->st_ino;
}

/* The file is as it was when last hashed: same size, mtime, ctime and
 * inode as recorded (and they were recorded). */
static int stat_unchanged(const gz_man_source *old, const struct stat *st)
{
    return old->ino && old->ino == (uint64_t)st->st_ino && old->size == (uint64_t)st->st_size &&
           old->mtime_ns == ns_of(st->st_mtim) && old->ctime_ns == ns_of(st->st_ctim);
}

static char *read_raw(const char *path, size_t *len, struct stat *out, gz_error *e)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        gz_error_set(e, GZ_IO, -1, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > CP_MAX_FILE_BYTES) {
        gz_error_set(e, GZ_INVALID, -1, "not a regular file, or larger than %u bytes", CP_MAX_FILE_BYTES);
        fclose(f);
        return NULL;
    }
    char *b = gz_alloc((size_t)st.st_size + 1);
    size_t n = b ? fread(b, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    if (!b || n != (size_t)st.st_size) {
        gz_free(b);
        gz_error_set(e, GZ_IO, -1, "read error");
        return NULL;
    }
    *len = n;
    *out = st;
    return b;
}

/* A worker and its share: the jobs k, k + n_threads, k + 2 n_threads...
 * in order, so what each segment holds, and in what order, depends on the
 * files alone, not on timing (a build is reproducible byte for byte); the
 * files interleave, so the shares are even whatever the order of sizes
 * and whichever files changed. */
typedef struct worker {
    writer *w;
    int k;
} worker;

static void *work(void *arg)
{
    writer *w = ((worker *)arg)->w;
    int k = ((worker *)arg)->k;
    uint32_t n_segs = 0;
    an_analyzer *an = NULL; /* opened for the first file to analyse */
    gz_error e = {0};
    ix_memseg *seg = NULL;
    size_t i;
    for (i = (size_t)k; !atomic_load(&w->fatal) && i < w->n_jobs; i += (size_t)w->n_threads) {
        job *j = &w->jobs[i];
        result *r = &w->res[i];
        size_t len = 0;
        memset(&e, 0, sizeof e);
        /* as it was when last hashed: not read at all */
        const gz_man_source *old = old_source(w, j->key);
        struct stat sb;
        if (old && stat(j->path, &sb) == 0 && S_ISREG(sb.st_mode) && stat_unchanged(old, &sb)) {
            r->state = R_UNCHANGED;
            r->hash_lo = old->hash_lo;
            r->hash_hi = old->hash_hi;
            r->size = old->size;
            r->mtime_ns = old->mtime_ns;
            r->ctime_ns = old->ctime_ns;
            r->ino = old->ino;
            atomic_fetch_add(&w->done, 1);
            continue;
        }
        char *raw = read_raw(j->path, &len, &sb, &e);
        if (!raw) {
            r->state = R_REFUSED;
            logf_locked(w, "gazette: [corpus][read] %s: %s\n", j->path, e.msg);
            atomic_fetch_add(&w->done, 1);
            continue;
        }
        atomic_fetch_add(&w->bytes, len);
        XXH128_hash_t h = XXH3_128bits(raw, len);
        r->hash_lo = h.low64;
        r->hash_hi = h.high64;
        r->size = len;
        record_stat(r, &sb, w->o->racy_ms);
        if (old && old->hash_lo == h.low64 && old->hash_hi == h.high64) {
            r->state = R_UNCHANGED;
            gz_free(raw);
            atomic_fetch_add(&w->done, 1);
            continue;
        }
        gz_doc doc;
        gz_doc_init(&doc);
        gz_status st = cp_parse_bytes(j->display, raw, len, CP_FORMAT_AUTO, &doc, &e);
        gz_free(raw);
        /* no analyzer (ICU's data missing): no file of this run can be
         * analysed, which stops the run */
        int no_analyzer = st == GZ_OK && !an && an_analyzer_open(&an, &e) != GZ_OK;
        if (st == GZ_NOMEM || no_analyzer) {
            set_fatal(w, &e);
        } else if (st != GZ_OK) {
            r->state = R_REFUSED;
            logf_locked(w, "gazette: [corpus][read] %s: %s\n", j->path, e.msg);
        } else {
            if (!seg && !(seg = new_seg(w, k, &n_segs))) {
                gz_error_set(&e, GZ_NOMEM, -1, "[indexer] out of memory");
                set_fatal(w, &e);
            } else {
                uint32_t first = ix_memseg_n_docs(seg), n = 0;
                st = ix_add_parsed(seg, an, &doc, j->display, &n);
                if (st != GZ_OK) {
                    gz_error_set(&e, st, -1, "[indexer] %s: %s", j->path, gz_status_str(st));
                    set_fatal(w, &e);
                } else {
                    r->state = R_INDEXED;
                    r->segment = ix_memseg_id(seg);
                    r->first_doc = first;
                    r->n_docs = n;
                    if (ix_memseg_bytes(seg) > w->budget || ix_memseg_full(seg)) {
                        flush_seg(w, seg);
                        ix_memseg_close(seg);
                        seg = NULL;
                    }
                }
            }
        }
        gz_doc_fini(&doc);
        atomic_fetch_add(&w->done, 1);
    }
    if (seg && !atomic_load(&w->fatal) && ix_memseg_n_docs(seg))
        flush_seg(w, seg);
    ix_memseg_close(seg);
    an_analyzer_close(an);
    return NULL;
}

/* ------------------------------------------------------------ listing */

static gz_status list_jobs(writer *w, char **paths, size_t n_paths, gz_error *err)
{
    size_t cap = 0;
    if (!(w->listed = gz_calloc(n_paths + 1, sizeof *w->listed)))
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    for (size_t p = 0; p < n_paths; p++) {
        cp_listing l;
        if (cp_list(paths[p], w->o->follow_symlinks, &l, err) != GZ_OK)
            return GZ_IO;
        /* links not followed, unreadable entries: named, and the run goes on */
        for (size_t i = 0; i < l.n_skipped; i++)
            fprintf(w->log, "[corpus][list] %s\n", l.skipped[i]);
        w->skipped += l.n_skipped;
        char **files = l.files;
        size_t n = l.n;
        cp_paths_free(l.skipped, l.n_skipped);
        w->listed[p] = n;
        struct stat st;
        int is_dir = stat(paths[p], &st) == 0 && S_ISDIR(st.st_mode);
        size_t plen = strlen(paths[p]);
        for (size_t i = 0; i < n; i++) {
            if (gz_grow(&w->jobs, &cap, w->n_jobs + 1, sizeof *w->jobs, 1024) != GZ_OK) {
                cp_paths_free(files, n);
                return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
            }
            job *j = &w->jobs[w->n_jobs];
            char real[PATH_MAX];
            j->path = files[i];
            const char *key = realpath(files[i], real) ? real : files[i];
            j->key = gz_strndup(key, strlen(key));
            /* reported as the path relative to the directory given */
            const char *disp = files[i];
            if (is_dir && strncmp(files[i], paths[p], plen) == 0) {
                disp = files[i] + plen;
                while (*disp == '/')
                    disp++;
            }
            j->display = gz_strndup(disp, strlen(disp));
            w->n_jobs++;
            files[i] = NULL;
        }
        cp_paths_free(files, n);
    }
    return GZ_OK;
}

/* ------------------------------------------------------------- commit */

static int under(const char *key, char **roots, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(roots[i]);
        if (strncmp(key, roots[i], l) == 0 && (key[l] == '/' || key[l] == 0))
            return 1;
    }
    return 0;
}

/* The paths given, resolved as the sources' keys are (NULL: no memory). */
static char **real_roots(char **paths, size_t n)
{
    char **roots = gz_calloc(n + 1, sizeof *roots);
    for (size_t p = 0; roots && p < n; p++) {
        char real[PATH_MAX];
        const char *root = realpath(paths[p], real) ? real : paths[p];
        if (!(roots[p] = gz_strndup(root, strlen(root)))) {
            for (size_t k = 0; k < p; k++)
                gz_free(roots[k]);
            gz_free(roots);
            return NULL;
        }
    }
    return roots;
}

/* A source --prune removes: under a path given, its file gone. */
static int pruned(const gz_man_source *src, char **roots, size_t n_roots)
{
    return under(src->key, roots, n_roots) && access(src->key, F_OK) != 0;
}

/* --prune's limit, per path given: it removes nothing under a path that
 * now lists no file (an unmounted share, an emptied folder) and at most
 * prune_max_pct percent of the sources indexed under any other, unless
 * forced. Past it: GZ_INVALID naming the path and the count. */
static gz_status prune_limit(const ix_options *o, const gz_manifest *man, const size_t *seen_by, char **roots,
                             const size_t *listed, size_t n_roots, gz_error *err)
{
    unsigned pct = o->prune_max_pct ? o->prune_max_pct : 50;
    for (size_t p = 0; p < n_roots && !o->prune_force; p++) {
        size_t total = 0, gone = 0;
        for (size_t i = 0; i < man->n_src; i++) {
            if (!under(man->src[i].key, &roots[p], 1))
                continue;
            total++;
            gone += !seen_by[i] && access(man->src[i].key, F_OK) != 0;
        }
        if (!gone)
            continue;
        if (listed[p] == 0)
            return gz_error_set(err, GZ_INVALID, -1,
                                "[indexer][prune] %s lists no file now (not mounted? emptied?): --prune would "
                                "remove all %zu sources indexed under it; refused (--prune-force removes them)",
                                roots[p], gone);
        if ((uint64_t)gone * 100 > (uint64_t)total * pct)
            return gz_error_set(err, GZ_INVALID, -1,
                                "[indexer][prune] %s: --prune would remove %zu of the %zu sources indexed under "
                                "it, more than %u%%; refused (--prune-force removes them)",
                                roots[p], gone, total, pct);
    }
    return GZ_OK;
}

static void free_sources(gz_manifest *m)
{
    for (size_t i = 0; i < m->n_src; i++) {
        gz_free(m->src[i].key);
        gz_free(m->src[i].display);
    }
    gz_free(m->src);
    m->src = NULL;
    m->n_src = m->cap_src = 0;
}

static void progress(writer *w, double t0, int final)
{
    size_t done = atomic_load(&w->done);
    if (w->o->on_progress)
        w->o->on_progress(done, w->n_jobs, (uint64_t)atomic_load(&w->bytes), w->o->progress_arg);
    if (!w->o->progress)
        return;
    double mb = atomic_load(&w->bytes) / 1e6, dt = now() - t0;
    double rate = dt > 0 ? mb / dt : 0;
    double eta = done ? dt * (double)(w->n_jobs - done) / (double)done : 0;
    int width = 24, fill = w->n_jobs ? (int)(width * done / w->n_jobs) : width;
    fprintf(w->log, "\r\033[K[%.*s%*s] %zu/%zu files  %.1f MB  %.1f MB/s  ETA %.0fs%s", fill,
            "########################", width - fill, "", done, w->n_jobs, mb, rate, eta, final ? "\n" : "");
    fflush(w->log);
}

static void remove_garbage(const char *dir, const gz_manifest *m)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        unsigned id, gen;
        int keep = 1;
        char tail[8];
        if (sscanf(e->d_name, "seg-%u.gz%1s", &id, tail) == 2) {
            keep = 0;
            for (size_t i = 0; i < m->n_seg; i++)
                keep |= m->seg[i].id == id;
        } else if (sscanf(e->d_name, "del-%u-%u.gz%1s", &id, &gen, tail) == 3) {
            keep = 0;
            for (size_t i = 0; i < m->n_seg; i++)
                keep |= m->seg[i].id == id && m->seg[i].del_gen == gen;
        } else if (strstr(e->d_name, ".tmp")) {
            keep = 0;
        }
        if (!keep) {
            char p[4200];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    }
    closedir(d);
}

/* Takes the writer lock; returns the fd or -1 with err set. */
static int take_lock(const char *dir, gz_error *err)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/LOCK", dir);
    int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        gz_error_set(err, GZ_IO, -1, "[indexer][lock] %s: %s", p, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        gz_error_set(err, GZ_IO, -1,
                     "[indexer][lock] %s: another gazette index or optimize is writing this index", dir);
        close(fd);
        return -1;
    }
    return fd;
}

/* The highest segment id among dir's files, so that a rebuilt manifest
 * never reuses one. */
static uint32_t highest_segment_file(const char *dir)
{
    uint32_t top = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        unsigned id;
        if (sscanf(e->d_name, "seg-%u.gz", &id) == 1 && id > top)
            top = id;
    }
    if (d)
        closedir(d);
    return top;
}

/* The committed state: the manifest, and each segment verified (its file
 * maps, every checksum and bound holds) with its deletes read. A segment
 * that fails is damaged: bad[i] is set and its first reason logged, the
 * first of all in err. A damaged MANIFEST is GZ_CORRUPT, unless repair is
 * set: then the state starts empty (the run indexes what it is given
 * anew). *n_bad counts the damaged segments. */
static gz_status open_state(const char *dir, ix_state *s, const char *analyzer_id, int repair, FILE *log,
                            unsigned char **bad, size_t *n_bad, gz_buf *names, gz_error *err)
{
    gz_manifest *man = s->man;
    *bad = NULL;
    *n_bad = 0;
    gz_status st = gz_manifest_read(dir, man, err);
    if (st == GZ_CORRUPT)
        gz_buf_puts(names, "MANIFEST\n");
    if (st == GZ_CORRUPT && repair) {
        fprintf(log, "gazette: [indexer][repair] %s; the index is rebuilt from the paths given\n",
                err ? err->msg : "MANIFEST damaged");
        gz_manifest_fini(man);
        gz_manifest_init(man);
        st = GZ_EOF;
        *n_bad = 1;
        if (err)
            memset(err, 0, sizeof *err);
    }
    if (st == GZ_EOF) {
        man->analyzer_id = gz_strndup(analyzer_id, strlen(analyzer_id));
        man->next_segment_id = highest_segment_file(dir) + 1;
        st = man->analyzer_id ? GZ_OK : GZ_NOMEM;
    } else if (st == GZ_OK && strcmp(man->analyzer_id, analyzer_id) != 0) {
        return gz_error_set(err, GZ_VERSION, -1,
                            "[indexer] %s was built by analyzer '%s', this is '%s': rebuild it in a new directory",
                            dir, man->analyzer_id, analyzer_id);
    }
    if (st != GZ_OK)
        return st;
    /* the segments join the state one by one, each with its deletes */
    gz_man_segment *segs = man->seg;
    size_t n = man->n_seg;
    man->seg = NULL;
    man->n_seg = man->cap_seg = 0;
    for (size_t i = 0; i < n && st == GZ_OK; i++)
        st = ix_state_add(s, &segs[i]);
    gz_free(segs);
    if (st != GZ_OK || !(*bad = gz_calloc(man->n_seg + 1, 1)))
        return gz_error_set(err, GZ_NOMEM, -1, "[indexer] out of memory");
    for (size_t i = 0; i < man->n_seg; i++) {
        char p[4200];
        gz_error e = {0};
        gz_segment *seg;
        gz_path_segment(p, sizeof p, dir, man->seg[i].id);
        st = gz_segment_open(p, &seg, &e);
        if (st == GZ_OK) {
            gz_segment_close(seg);
            if (man->seg[i].del_gen) {
                gz_path_deletes(p, sizeof p, dir, man->seg[i].id, man->seg[i].del_gen);
                st = gz_deletes_read(p, man->seg[i].n_docs, &s->deleted[i], &e);
            }
        }
        if (st == GZ_NOMEM)
            return gz_error_set(err, st, -1, "[indexer] out of memory");
        if (st != GZ_OK) {
            if (!e.msg[0])
                gz_error_set(&e, st, -1, "%s: %s", p, gz_status_str(st));
            if (repair || *n_bad) /* the first is in err */
                fprintf(log, "gazette: [indexer] damaged: %s\n", e.msg);
            gz_buf_printf(names, "%s\n", strrchr(p, '/') ? strrchr(p, '/') + 1 : p);
            if (!*n_bad && err)
                *err = e;
            (*bad)[i] = 1;
            ++*n_bad;
        }
    }
    return GZ_OK;
}

/* Writes changed delete files, drops emptied segments, commits, then
 * removes what the new commit no longer references. */
static gz_status commit(const char *dir, ix_state *s, int *not_durable, gz_error *err)
{
    gz_manifest *m = s->man;
    m->generation++;
    gz_status st = GZ_OK;
    unsigned char *gone = gz_calloc(m->n_seg + 1, 1);
    if (!gone)
        return gz_error_set(err, GZ_NOMEM, -1, "[indexer] out of memory");
    for (size_t i = 0; i < m->n_seg && st == GZ_OK; i++) {
        gz_man_segment *g = &m->seg[i];
        gone[i] = g->n_deleted >= g->n_docs; /* nothing live: the segment leaves */
        if (!gone[i] && s->dirty[i]) {
            char p[4200];
            gz_path_deletes(p, sizeof p, dir, g->id, (uint32_t)m->generation);
            st = gz_deletes_write(p, g->n_docs, s->deleted[i], err);
            g->del_gen = (uint32_t)m->generation;
            s->dirty[i] = 0;
        }
    }
    if (st == GZ_OK)
        ix_state_drop(s, gone);
    gz_free(gone);
    if (st == GZ_OK)
        st = gz_fsync_dir(dir, err);
    /* old positional ids of the segments that leave keep resolving */
    if (st == GZ_OK)
        st = ix_moved_update(dir, m, (uint64_t)time(NULL), err);
    int live = 0;
    if (st == GZ_OK)
        st = gz_manifest_commit(dir, m, &live, err);
    if (st == GZ_OK) {
        remove_garbage(dir, m);
    } else if (live) {
        /* the new MANIFEST is in place and read by every new searcher, but
         * the rename may not survive a power cut: the files of the commit
         * before stay, so that either commit is whole */
        *not_durable = 1;
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err ? err->msg : "");
        gz_error_set(err, st, -1, "committed, but not yet durable: %s", why);
        st = GZ_OK;
    }
    return st;
}

/* What a writer does with a damaged last commit: refuse (optimize, which
 * cannot read sources again); refuse once and repair on the next run,
 * when the damage is what the run before reported (gazette index); or
 * repair at once (--repair). */
enum { REPAIR_NEVER, REPAIR_REPORTED, REPAIR_NOW };

/* DIR/DAMAGE: the damaged files a refusing run reported, one a line. */
static void damage_path(char *out, size_t cap, const char *dir) { snprintf(out, cap, "%s/DAMAGE", dir); }

/* Every line of names is a line of DIR/DAMAGE. */
static int damage_reported(const char *dir, const gz_buf *names)
{
    char p[4200], line[512];
    damage_path(p, sizeof p, dir);
    FILE *f = fopen(p, "r");
    if (!f)
        return 0;
    gz_buf seen; /* "\n" + the file: each line found as "\n" + line */
    gz_buf_init(&seen);
    gz_buf_putc(&seen, '\n');
    while (fgets(line, sizeof line, f))
        gz_buf_puts(&seen, line);
    fclose(f);
    int all = names->len > 0;
    char want[520];
    for (size_t at = 0; all && at < names->len;) {
        const char *nl = memchr(names->data + at, '\n', names->len - at);
        size_t n = nl ? (size_t)(nl - names->data) + 1 - at : names->len - at;
        snprintf(want, sizeof want, "\n%.*s", (int)n, names->data + at);
        all = strstr(gz_buf_cstr(&seen), want) != NULL;
        at += n;
    }
    gz_buf_fini(&seen);
    return all;
}

static void damage_report(const char *dir, const gz_buf *names)
{
    char p[4200];
    damage_path(p, sizeof p, dir);
    FILE *f = fopen(p, "w");
    if (f) {
        fwrite(names->data, 1, names->len, f);
        fclose(f);
    }
}

/* The preamble of every writing run: the lock and the committed state,
 * checked against this build's analyzer id (workers open analyzers only
 * for files to analyse) and verified (open_state). *lock is -1 when
 * another writer holds the lock, and then nothing else is opened. A
 * damaged commit is GZ_CORRUPT naming the first damaged file, unless it is
 * to be repaired (the mode above): then bad[] says which segments to
 * drop, and *n_bad how many. */
static gz_status begin_write(const char *dir, int mode, FILE *log, int *lock, gz_manifest *man, ix_state *s,
                             unsigned char **bad, size_t *n_bad, gz_error *err)
{
    gz_manifest_init(man);
    ix_state_init(s, man);
    *bad = NULL;
    *n_bad = 0;
    if ((*lock = take_lock(dir, err)) < 0)
        return GZ_IO;
    gz_buf names;
    gz_buf_init(&names);
    gz_status st = open_state(dir, s, an_build_id(), mode == REPAIR_NOW, log, bad, n_bad, &names, err);
    int damaged = names.len > 0 && (st == GZ_CORRUPT || (st == GZ_OK && *n_bad));
    if (damaged && mode == REPAIR_REPORTED && damage_reported(dir, &names)) {
        fprintf(log, "gazette: [indexer][repair] the damage the last run reported is still there: repairing it "
                     "in place\n");
        ix_state_fini(s);
        gz_manifest_fini(man);
        gz_manifest_init(man);
        ix_state_init(s, man);
        gz_free(*bad);
        names.len = 0;
        if (err)
            memset(err, 0, sizeof *err);
        st = open_state(dir, s, an_build_id(), 1, log, bad, n_bad, &names, err);
    } else if (damaged && mode != REPAIR_NOW) {
        damage_report(dir, &names); /* the next gazette index repairs it */
        st = GZ_CORRUPT;            /* err names the first damaged file */
    } else if (!names.len) {
        char p[4200];
        damage_path(p, sizeof p, dir);
        unlink(p); /* nothing damaged (any more) */
    }
    gz_buf_fini(&names);
    return st;
}

static void end_write(int lock, gz_manifest *man, ix_state *s)
{
    ix_state_fini(s);
    gz_manifest_fini(man);
    if (lock >= 0)
        close(lock);
}

/* Moves the sources of the segments marked in bad to *dropped and drops
 * the segments. */
static gz_status drop_damaged(ix_state *s, const unsigned char *bad, gz_manifest *dropped)
{
    gz_manifest *m = s->man;
    size_t w = 0;
    for (size_t i = 0; i < m->n_src; i++) {
        size_t k = 0;
        while (k < m->n_seg && m->seg[k].id != m->src[i].segment)
            k++;
        if (k < m->n_seg && bad[k]) {
            if (gz_manifest_add_source(dropped, &m->src[i]) != GZ_OK)
                return GZ_NOMEM;
            gz_free(m->src[i].key);
            gz_free(m->src[i].display);
            continue;
        }
        m->src[w++] = m->src[i];
    }
    m->n_src = w;
    ix_state_drop(s, bad);
    return GZ_OK;
}

gz_status ix_index(const ix_options *o, char **paths, size_t n_paths, ix_report *rep, gz_error *err)
{
    memset(rep, 0, sizeof *rep);
    double t0 = now();
    writer w = {0};
    w.o = o;
    w.log = o->log ? o->log : stderr;
    if (mkdir(o->dir, 0755) != 0 && errno != EEXIST)
        return gz_error_set(err, GZ_IO, -1, "[indexer] cannot create %s: %s", o->dir, strerror(errno));
    int lock;
    gz_manifest man;
    ix_state s;
    unsigned char *bad;
    size_t n_bad;
    gz_status st =
        begin_write(o->dir, o->repair ? REPAIR_NOW : REPAIR_REPORTED, w.log, &lock, &man, &s, &bad, &n_bad, err);
    if (lock < 0) {
        end_write(lock, &man, &s);
        return st;
    }
    pthread_mutex_init(&w.mu, NULL);
    /* a repair: the damaged segments leave, and their sources with them, so
     * that each is indexed anew where this run lists it */
    gz_manifest dropped;
    gz_manifest_init(&dropped);
    if (st == GZ_OK && n_bad) {
        rep->damaged_segments = n_bad;
        st = drop_damaged(&s, bad, &dropped);
    }
    gz_free(bad);
    if (st == GZ_OK && !n_bad) /* a repair leaves them to its commit */
        remove_garbage(o->dir, &man); /* files of runs that died before committing */
    if (st == GZ_OK)
        st = list_jobs(&w, paths, n_paths, err);
    if (st == GZ_OK) {
        w.old = &man;
        w.src_cap = 16;
        while (w.src_cap < man.n_src * 2 + 2)
            w.src_cap *= 2;
        w.src_hash = gz_calloc(w.src_cap, sizeof *w.src_hash);
        w.res = gz_calloc(w.n_jobs + 1, sizeof *w.res);
        if (!w.src_hash || !w.res)
            st = gz_error_set(err, GZ_NOMEM, -1, "out of memory");
        for (size_t i = 0; st == GZ_OK && i < man.n_src; i++) {
            size_t at = gz_probe_first(gz_xxh3(man.src[i].key, strlen(man.src[i].key)), w.src_cap);
            while (w.src_hash[at])
                at = gz_probe_next(at, w.src_cap);
            w.src_hash[at] = (uint32_t)i + 1;
        }
    }
    if (st == GZ_OK) {
        int n_threads = o->threads > 0 ? o->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
        if (n_threads < 1)
            n_threads = 1;
        if (n_threads > 16)
            n_threads = 16;
        w.budget = (o->ram_mb ? o->ram_mb : 256) * (size_t)1 << 20;
        w.budget /= (size_t)n_threads;
        w.first_seg_id = w.next_seg_id = man.next_segment_id;
        w.n_threads = n_threads;
        pthread_t th[16];
        worker wk[16];
        for (int i = 0; i < n_threads; i++) {
            wk[i] = (worker){&w, i};
            pthread_create(&th[i], NULL, work, &wk[i]);
        }
        if (o->progress || o->on_progress)
            while (atomic_load(&w.done) < w.n_jobs && !atomic_load(&w.fatal)) {
                progress(&w, t0, 0);
                usleep(200000);
            }
        for (int i = 0; i < n_threads; i++)
            pthread_join(th[i], NULL);
#ifdef __GLIBC__
        /* the workers' freed segments back to the system: the merges
         * that follow would otherwise run on top of their arenas */
        malloc_trim(0);
#endif
        if (o->progress || o->on_progress)
            progress(&w, t0, 1);
        man.next_segment_id = w.next_seg_id;
        /* in id order, whichever flushed first */
        if (w.n_segs > 1)
            qsort(w.segs, w.n_segs, sizeof *w.segs, cmp_seg_id);
        if (atomic_load(&w.fatal)) {
            if (err)
                *err = w.fatal_err;
            st = w.fatal_err.code ? w.fatal_err.code : GZ_IO;
        }
    }

    /* the new state */
    size_t n_before_seg = man.n_seg;
    for (size_t i = 0; st == GZ_OK && i < w.n_segs; i++)
        st = ix_state_add(&s, &w.segs[i]);
    int changed = n_bad > 0;
    gz_manifest nm; /* the sources of the new commit */
    gz_manifest_init(&nm);
    char **roots = NULL;
    size_t *seen_by = NULL; /* which job of this run listed each old source (job + 1; 0: none) */
    if (st == GZ_OK) {
        roots = real_roots(paths, n_paths);
        seen_by = gz_calloc(man.n_src + 1, sizeof *seen_by);
        if (!roots || !seen_by)
            st = gz_error_set(err, GZ_NOMEM, -1, "[indexer] out of memory");
        for (size_t i = 0; st == GZ_OK && i < w.n_jobs; i++) {
            const gz_man_source *old = old_source(&w, w.jobs[i].key);
            if (old)
                seen_by[old - man.src] = i + 1;
        }
    }
    if (st == GZ_OK && o->prune)
        st = prune_limit(o, &man, seen_by, roots, w.listed, n_paths, err);
    if (st == GZ_OK) {
        for (size_t i = 0; st == GZ_OK && i < man.n_src; i++) {
            const gz_man_source *src = &man.src[i];
            const result *r = seen_by[i] ? &w.res[seen_by[i] - 1] : NULL;
            /* replaced when its file was indexed anew; gone, with --prune */
            int drop = r && r->state == R_INDEXED;
            if (!r && o->prune && pruned(src, roots, n_paths)) {
                drop = 1;
                rep->removed++;
            }
            if (drop) {
                st = ix_state_mark(&s, src->segment, src->first_doc, src->n_docs);
                changed = 1;
            } else {
                /* unchanged: its stat as seen now (written only if this
                 * run commits for another reason) */
                gz_man_source keep = *src;
                if (r && r->state == R_UNCHANGED) {
                    keep.mtime_ns = r->mtime_ns;
                    keep.ctime_ns = r->ctime_ns;
                    keep.ino = r->ino;
                }
                st = gz_manifest_add_source(&nm, &keep);
            }
        }
        for (size_t j = 0; st == GZ_OK && j < w.n_jobs; j++) {
            result *r = &w.res[j];
            rep->files++;
            rep->indexed += r->state == R_INDEXED;
            rep->unchanged += r->state == R_UNCHANGED;
            rep->refused += r->state == R_REFUSED;
            if (r->state != R_INDEXED)
                continue;
            /* a file of no documents names no segment */
            gz_man_source src = {w.jobs[j].key, w.jobs[j].display, r->hash_lo, r->hash_hi, r->size,
                                 r->n_docs ? r->segment : 0, r->first_doc, r->n_docs, r->mtime_ns, r->ctime_ns,
                                 r->ino};
            st = gz_manifest_add_source(&nm, &src);
            rep->docs_added += r->n_docs;
            changed = 1;
        }
        /* the repair's sources: indexed anew, or lost when not listed */
        for (size_t i = 0; st == GZ_OK && i < dropped.n_src; i++) {
            size_t j = 0;
            while (j < w.n_jobs && strcmp(w.jobs[j].key, dropped.src[i].key) != 0)
                j++;
            if (j < w.n_jobs && w.res[j].state == R_INDEXED) {
                rep->repaired++;
            } else {
                rep->lost++;
                fprintf(w.log, "gazette: [indexer][repair] %s: %s: its documents leave the index\n",
                        dropped.src[i].display, j < w.n_jobs ? "refused" : "not among the paths given");
            }
        }
        /* the new list of sources replaces the old */
        free_sources(&man);
        man.src = nm.src;
        man.n_src = nm.n_src;
        man.cap_src = nm.cap_src;
        nm.src = NULL;
        nm.n_src = nm.cap_src = 0;
        /* documents of new segments that no source claims (a file that
         * failed half way) are deleted at once */
        for (size_t i = n_before_seg; st == GZ_OK && i < man.n_seg; i++) {
            gz_man_segment *g = &man.seg[i];
            unsigned char *claimed = gz_calloc(g->n_docs + 1, 1);
            if (!claimed) {
                st = GZ_NOMEM;
                break;
            }
            for (size_t k = 0; k < man.n_src; k++)
                if (man.src[k].segment == g->id)
                    memset(claimed + man.src[k].first_doc, 1, man.src[k].n_docs);
            for (uint32_t d = 0; d < g->n_docs && st == GZ_OK; d++)
                if (!claimed[d])
                    st = ix_state_mark(&s, g->id, d, 1);
            gz_free(claimed);
        }
        rep->segments_written = w.n_segs;
        if (st == GZ_OK && changed)
            st = ix_merge_policy(o->dir, &s, &rep->segments_merged, err);
        if (st == GZ_OK && changed)
            st = commit(o->dir, &s, &rep->not_durable, err);
        rep->committed = st == GZ_OK && changed;
        if (rep->committed && n_bad) {
            char p[4200];
            damage_path(p, sizeof p, o->dir);
            unlink(p); /* repaired */
        }
        rep->generation = man.generation;
    }
    for (size_t p = 0; roots && p < n_paths; p++)
        gz_free(roots[p]);
    gz_free(roots);
    gz_free(seen_by);
    gz_manifest_fini(&dropped);
    if (st != GZ_OK) {
        /* nothing committed: remove this run's files, judged against the
         * manifest on disk (and only if it reads cleanly) */
        gz_manifest cur;
        gz_manifest_init(&cur);
        gz_status rs = gz_manifest_read(o->dir, &cur, NULL);
        if (rs == GZ_OK || rs == GZ_EOF)
            remove_garbage(o->dir, &cur);
        gz_manifest_fini(&cur);
    }
    rep->bytes_read = atomic_load(&w.bytes);
    rep->skipped = w.skipped;
    rep->seconds = now() - t0;
    for (size_t i = 0; i < w.n_jobs; i++) {
        gz_free(w.jobs[i].path);
        gz_free(w.jobs[i].key);
        gz_free(w.jobs[i].display);
    }
    gz_free(w.jobs);
    gz_free(w.listed);
    gz_free(w.res);
    gz_free(w.src_hash);
    gz_free(w.segs);
    gz_manifest_fini(&nm);
    end_write(lock, &man, &s);
    pthread_mutex_destroy(&w.mu);
    return st;
}

gz_status ix_optimize(const ix_options *o, ix_report *rep, gz_error *err)
{
    memset(rep, 0, sizeof *rep);
    double t0 = now();
    int lock;
    gz_manifest man;
    ix_state s;
    unsigned char *bad;
    size_t n_bad;
    FILE *log = o->log ? o->log : stderr;
    /* a damaged commit is refused: repairing is gazette index's, which
     * reads the sources again */
    gz_status st = begin_write(o->dir, REPAIR_NEVER, log, &lock, &man, &s, &bad, &n_bad, err);
    gz_free(bad);
    if (st == GZ_OK && (man.n_seg > 1 || (man.n_seg == 1 && man.seg[0].n_deleted))) {
        size_t *pos = gz_alloc(man.n_seg * sizeof *pos);
        for (size_t i = 0; pos && i < man.n_seg; i++)
            pos[i] = i;
        size_t n = man.n_seg;
        st = pos ? ix_merge(o->dir, &s, pos, n, man.next_segment_id++, err) : GZ_NOMEM;
        gz_free(pos);
        rep->segments_merged = n;
        if (st == GZ_OK)
            st = commit(o->dir, &s, &rep->not_durable, err);
        rep->committed = st == GZ_OK;
    }
    rep->generation = man.generation;
    rep->seconds = now() - t0;
    end_write(lock, &man, &s);
    return st;
}
