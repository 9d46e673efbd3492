/* format/files.c: whole-file writes with headers, the manifest, delete
 * bitmaps, and directory fsync: everything the commit protocol touches. */
#include "format/format.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

void gz_path_segment(char *out, size_t cap, const char *dir, uint32_t id)
{
    snprintf(out, cap, "%s/seg-%06u.gzs", dir, id);
}

void gz_path_deletes(char *out, size_t cap, const char *dir, uint32_t id, uint32_t gen)
{
    snprintf(out, cap, "%s/del-%06u-%06u.gzd", dir, id, gen);
}

static gz_status sys_err(gz_error *err, const char *what, const char *path)
{
    int e = errno;
    gz_error_set(err, GZ_IO, -1, "[format][%s] %s: %s", what, path, strerror(e));
    if (err)
        err->sys_errno = e;
    return GZ_IO;
}

static gz_status write_all(int fd, const void *p, size_t len)
{
    const char *c = p;
    while (len) {
        ssize_t n = write(fd, c, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return GZ_IO;
        }
        c += n;
        len -= (size_t)n;
    }
    return GZ_OK;
}

gz_status gz_file_write(const char *path, uint16_t kind, uint32_t flags, const void *body, size_t len,
                        gz_error *err)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return sys_err(err, "write", tmp);
    uint8_t hdr[GZ_HEADER_LEN];
    gz_header_put(hdr, kind, flags, body, len);
    if (write_all(fd, hdr, sizeof hdr) != GZ_OK || write_all(fd, body, len) != GZ_OK || fsync(fd) != 0) {
        gz_status st = sys_err(err, "write", tmp);
        close(fd);
        unlink(tmp);
        return st;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        gz_status st = sys_err(err, "write", path);
        unlink(tmp);
        return st;
    }
    return GZ_OK;
}

/* ------------------------------------------------- segments, streamed */

#define SEGW_BUF (1u << 20)

struct gz_segw {
    char path[4200], tmp[4208];
    int fd;
    gz_status st;
    int sys_errno;
    uint8_t *buf;
    size_t n_buf;
    uint64_t at; /* bytes of the body so far (table of contents included) */
    int cur;     /* the section being written, 0: none */
    uint64_t off[GZ_SEC__COUNT], len[GZ_SEC__COUNT];
    int begun[GZ_SEC__COUNT];
    XXH3_state_t *h;
    uint64_t hash[GZ_SEC__COUNT];
    int patched[GZ_SEC__COUNT]; /* its checksum is read back at commit */
};

#define SEGW_TOC (4 + 28 * (GZ_SEC__COUNT - 1))

static void segw_flush(gz_segw *w)
{
    if (w->st == GZ_OK && w->n_buf && write_all(w->fd, w->buf, w->n_buf) != GZ_OK) {
        w->sys_errno = errno;
        w->st = GZ_IO;
    }
    w->n_buf = 0;
}

gz_status gz_segw_open(gz_segw **out, const char *path, gz_error *err)
{
    gz_segw *w = gz_calloc(1, sizeof *w);
    *out = NULL;
    if (!w || !(w->buf = gz_alloc(SEGW_BUF)) || !(w->h = XXH3_createState())) {
        if (w) {
            gz_free(w->buf);
            gz_free(w);
        }
        return gz_error_set(err, GZ_NOMEM, -1, "[format][write] %s: out of memory", path);
    }
    snprintf(w->path, sizeof w->path, "%s", path);
    snprintf(w->tmp, sizeof w->tmp, "%s.tmp", path);
    w->fd = open(w->tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        gz_status st = sys_err(err, "write", w->tmp);
        XXH3_freeState(w->h);
        gz_free(w->buf);
        gz_free(w);
        return st;
    }
    /* the header and the table of contents are written last, in place */
    memset(w->buf, 0, GZ_HEADER_LEN + SEGW_TOC);
    w->n_buf = GZ_HEADER_LEN + SEGW_TOC;
    w->at = SEGW_TOC;
    *out = w;
    return GZ_OK;
}

static void segw_end(gz_segw *w)
{
    if (w->cur) {
        w->len[w->cur] = w->at - w->off[w->cur];
        w->hash[w->cur] = XXH3_64bits_digest(w->h);
        w->cur = 0;
    }
}

void gz_segw_section(gz_segw *w, int id)
{
    segw_end(w);
    if (id <= 0 || id >= GZ_SEC__COUNT || w->begun[id]) {
        w->st = w->st == GZ_OK ? GZ_INVALID : w->st;
        return;
    }
    w->cur = id;
    w->begun[id] = 1;
    w->off[id] = w->at;
    XXH3_64bits_reset(w->h);
}

void gz_segw_put(gz_segw *w, const void *p, size_t n)
{
    if (w->st != GZ_OK || !w->cur || !n)
        return;
    XXH3_64bits_update(w->h, p, n);
    w->at += n;
    const uint8_t *c = p;
    if (n >= SEGW_BUF) {
        segw_flush(w);
        if (w->st == GZ_OK && write_all(w->fd, c, n) != GZ_OK) {
            w->sys_errno = errno;
            w->st = GZ_IO;
        }
        return;
    }
    if (w->n_buf + n > SEGW_BUF)
        segw_flush(w);
    memcpy(w->buf + w->n_buf, c, n);
    w->n_buf += n;
}

void gz_segw_patch(gz_segw *w, int id, uint64_t at, const void *p, size_t n)
{
    if (w->st != GZ_OK)
        return;
    uint64_t end = w->cur == id ? w->at : w->off[id] + w->len[id];
    if (id <= 0 || id >= GZ_SEC__COUNT || !w->begun[id] || at > end - w->off[id] || n > end - w->off[id] - at) {
        w->st = GZ_INVALID;
        return;
    }
    segw_flush(w);
    if (w->st == GZ_OK && pwrite(w->fd, p, n, (off_t)(GZ_HEADER_LEN + w->off[id] + at)) != (ssize_t)n) {
        w->sys_errno = errno;
        w->st = GZ_IO;
    }
    w->patched[id] = 1;
}

/* XXH3-64 of the file's bytes [from, from + len), read back in pieces
 * (a map of the whole file would count all of it in the writer's
 * resident size). */
static gz_status segw_hash(gz_segw *w, uint64_t from, uint64_t len, uint64_t *out)
{
    XXH3_64bits_reset(w->h);
    while (len) {
        size_t n = len < SEGW_BUF ? (size_t)len : SEGW_BUF;
        ssize_t got = pread(w->fd, w->buf, n, (off_t)from);
        if (got <= 0)
            return GZ_IO;
        XXH3_64bits_update(w->h, w->buf, (size_t)got);
        from += (uint64_t)got;
        len -= (uint64_t)got;
    }
    *out = XXH3_64bits_digest(w->h);
    return GZ_OK;
}

static void segw_free(gz_segw *w)
{
    XXH3_freeState(w->h);
    gz_free(w->buf);
    gz_free(w);
}

void gz_segw_abort(gz_segw *w)
{
    if (!w)
        return;
    close(w->fd);
    unlink(w->tmp);
    segw_free(w);
}

gz_status gz_segw_commit(gz_segw *w, uint64_t *bytes, gz_error *err)
{
    segw_end(w);
    segw_flush(w);
    gz_status st = w->st;
    if (st == GZ_INVALID) {
        gz_error_set(err, st, -1, "[format][write] %s: a section begun twice", w->tmp);
        gz_segw_abort(w);
        return st;
    }
    /* the table of contents, sections in id order; one never begun is
     * empty, at the body's end */
    for (int id = 1; id < GZ_SEC__COUNT && st == GZ_OK; id++)
        if (w->patched[id])
            st = segw_hash(w, GZ_HEADER_LEN + w->off[id], w->len[id], &w->hash[id]);
    uint8_t toc[SEGW_TOC], *t = toc;
    gz_put32(t, GZ_SEC__COUNT - 1);
    t += 4;
    for (int id = 1; id < GZ_SEC__COUNT; id++, t += 28) {
        if (!w->begun[id]) {
            w->off[id] = w->at;
            w->hash[id] = XXH3_64bits("", 0);
        }
        gz_put32(t, (uint32_t)id);
        gz_put64(t + 4, w->off[id]);
        gz_put64(t + 12, w->len[id]);
        gz_put64(t + 20, w->hash[id]);
    }
    if (st == GZ_OK && pwrite(w->fd, toc, sizeof toc, GZ_HEADER_LEN) != (ssize_t)sizeof toc)
        st = GZ_IO;
    /* the header's checksum of the whole body, read back */
    size_t size = GZ_HEADER_LEN + (size_t)w->at;
    uint64_t body_hash = 0;
    if (st == GZ_OK)
        st = segw_hash(w, GZ_HEADER_LEN, w->at, &body_hash);
    if (st == GZ_OK) {
        uint8_t hdr[GZ_HEADER_LEN];
        gz_header_put_hashed(hdr, GZ_FILE_SEGMENT, 0, w->at, body_hash);
        if (pwrite(w->fd, hdr, sizeof hdr, 0) != (ssize_t)sizeof hdr || fsync(w->fd) != 0)
            st = GZ_IO;
    }
    if (st != GZ_OK) {
        if (w->st == GZ_IO && w->sys_errno)
            errno = w->sys_errno;
        st = sys_err(err, "write", w->tmp);
        gz_segw_abort(w);
        return st;
    }
    if (close(w->fd) != 0 || rename(w->tmp, w->path) != 0) {
        st = sys_err(err, "write", w->path);
        unlink(w->tmp);
        segw_free(w);
        return st;
    }
    *bytes = size;
    segw_free(w);
    return GZ_OK;
}

gz_status gz_fsync_dir(const char *dir, gz_error *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return sys_err(err, "fsync", dir);
    int rc = fsync(fd);
    close(fd);
    return rc == 0 ? GZ_OK : sys_err(err, "fsync", dir);
}

/* Reads a whole file with a header of the given kind. *img is malloc'd;
 * *body points inside it. */
static gz_status read_file(const char *path, uint16_t kind, uint8_t **img, const uint8_t **body,
                           uint64_t *body_len, gz_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return GZ_EOF;
        return sys_err(err, "read", path);
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return sys_err(err, "read", path);
    }
    size_t len = (size_t)st.st_size;
    uint8_t *b = gz_alloc(len + 1);
    if (!b) {
        close(fd);
        return gz_error_set(err, GZ_NOMEM, -1, "[format][read] %s: out of memory", path);
    }
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, b + got, len - got);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            break;
        }
        got += (size_t)n;
    }
    close(fd);
    gz_error e2 = {0};
    gz_status rc = got == len ? gz_header_check(b, len, kind, body, body_len, &e2) : GZ_IO;
    if (rc != GZ_OK) {
        gz_free(b);
        return gz_error_set(err, rc, e2.offset, "[format][read] %s: %s", path,
                            got == len ? e2.msg : "short read");
    }
    *img = b;
    return GZ_OK;
}

/* ------------------------------------------------------------ manifest */

void gz_manifest_init(gz_manifest *m) { memset(m, 0, sizeof *m); }

void gz_manifest_fini(gz_manifest *m)
{
    for (size_t i = 0; i < m->n_src; i++) {
        gz_free(m->src[i].key);
        gz_free(m->src[i].display);
    }
    gz_free(m->src);
    gz_free(m->seg);
    gz_free(m->moved);
    gz_free(m->analyzer_id);
    memset(m, 0, sizeof *m);
}

gz_status gz_manifest_add_segment(gz_manifest *m, const gz_man_segment *s)
{
    if (gz_grow(&m->seg, &m->cap_seg, m->n_seg + 1, sizeof *m->seg, 16) != GZ_OK)
        return GZ_NOMEM;
    m->seg[m->n_seg++] = *s;
    return GZ_OK;
}

gz_status gz_manifest_add_source(gz_manifest *m, const gz_man_source *s)
{
    if (gz_grow(&m->src, &m->cap_src, m->n_src + 1, sizeof *m->src, 256) != GZ_OK)
        return GZ_NOMEM;
    gz_man_source *d = &m->src[m->n_src];
    *d = *s;
    d->key = gz_strndup(s->key, strlen(s->key));
    d->display = gz_strndup(s->display, strlen(s->display));
    if (!d->key || !d->display) {
        gz_free(d->key);
        gz_free(d->display);
        return GZ_NOMEM;
    }
    m->n_src++;
    return GZ_OK;
}

gz_status gz_manifest_add_moved(gz_manifest *m, const gz_man_moved *v)
{
    if (gz_grow(&m->moved, &m->cap_moved, m->n_moved + 1, sizeof *m->moved, 64) != GZ_OK)
        return GZ_NOMEM;
    m->moved[m->n_moved++] = *v;
    return GZ_OK;
}

gz_status gz_manifest_read(const char *dir, gz_manifest *m, gz_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/MANIFEST", dir);
    uint8_t *img;
    const uint8_t *body;
    uint64_t len;
    gz_status st = read_file(path, GZ_FILE_MANIFEST, &img, &body, &len, err);
    if (st != GZ_OK)
        return st;
    int has_stat = (gz_get32(img + 12) & GZ_FLAG_SOURCE_STAT) != 0;
    int has_moved = (gz_get32(img + 12) & GZ_FLAG_MOVED) != 0;
    gz_reader r = {body, body + len, GZ_OK};
    m->generation = gz_rd_u64(&r);
    uint32_t n;
    const char *s = gz_rd_str(&r, &n);
    m->analyzer_id = gz_strndup(s, n);
    m->next_segment_id = gz_rd_u32(&r);
    uint32_t n_seg = gz_rd_u32(&r);
    for (uint32_t i = 0; i < n_seg && r.status == GZ_OK; i++) {
        gz_man_segment g;
        g.id = gz_rd_u32(&r);
        g.n_docs = gz_rd_u32(&r);
        g.n_units = gz_rd_u32(&r);
        g.bytes = gz_rd_u64(&r);
        g.del_gen = gz_rd_u32(&r);
        g.n_deleted = gz_rd_u32(&r);
        if (r.status == GZ_OK && gz_manifest_add_segment(m, &g) != GZ_OK)
            st = GZ_NOMEM;
    }
    uint32_t n_src = gz_rd_u32(&r);
    for (uint32_t i = 0; i < n_src && r.status == GZ_OK && st == GZ_OK; i++) {
        gz_man_source src = {0};
        uint32_t kl, dl;
        const char *k = gz_rd_str(&r, &kl), *d = gz_rd_str(&r, &dl);
        src.hash_lo = gz_rd_u64(&r);
        src.hash_hi = gz_rd_u64(&r);
        src.size = gz_rd_u64(&r);
        src.segment = gz_rd_u32(&r);
        src.first_doc = gz_rd_u32(&r);
        src.n_docs = gz_rd_u32(&r);
        if (has_stat) {
            src.mtime_ns = gz_rd_u64(&r);
            src.ctime_ns = gz_rd_u64(&r);
            src.ino = gz_rd_u64(&r);
        }
        if (r.status != GZ_OK)
            break;
        char *kk = gz_strndup(k, kl), *dd = gz_strndup(d, dl);
        src.key = kk;
        src.display = dd;
        if (!kk || !dd || gz_manifest_add_source(m, &src) != GZ_OK)
            st = GZ_NOMEM;
        gz_free(kk);
        gz_free(dd);
    }
    uint32_t n_moved = has_moved ? gz_rd_u32(&r) : 0;
    for (uint32_t i = 0; i < n_moved && r.status == GZ_OK && st == GZ_OK; i++) {
        gz_man_moved v;
        v.segment = gz_rd_u32(&r);
        v.first_doc = gz_rd_u32(&r);
        v.n_docs = gz_rd_u32(&r);
        v.first_unit = gz_rd_u32(&r);
        v.source = gz_rd_u64(&r);
        v.retired = gz_rd_u64(&r);
        if (r.status == GZ_OK && gz_manifest_add_moved(m, &v) != GZ_OK)
            st = GZ_NOMEM;
    }
    gz_free(img);
    if (st == GZ_OK && (r.status != GZ_OK || r.p != r.end || !m->analyzer_id))
        st = gz_error_set(err, GZ_CORRUPT, -1, "[format][manifest] %s: malformed body", path);
    else if (st == GZ_NOMEM)
        gz_error_set(err, st, -1, "[format][manifest] out of memory");
    return st;
}

gz_status gz_manifest_commit(const char *dir, const gz_manifest *m, int *live, gz_error *err)
{
    *live = 0;
    gz_buf b;
    gz_buf_init(&b);
    gz_buf_u64(&b, m->generation);
    gz_buf_str(&b, m->analyzer_id ? m->analyzer_id : "", m->analyzer_id ? strlen(m->analyzer_id) : 0);
    gz_buf_u32(&b, m->next_segment_id);
    gz_buf_u32(&b, (uint32_t)m->n_seg);
    for (size_t i = 0; i < m->n_seg; i++) {
        const gz_man_segment *g = &m->seg[i];
        gz_buf_u32(&b, g->id);
        gz_buf_u32(&b, g->n_docs);
        gz_buf_u32(&b, g->n_units);
        gz_buf_u64(&b, g->bytes);
        gz_buf_u32(&b, g->del_gen);
        gz_buf_u32(&b, g->n_deleted);
    }
    gz_buf_u32(&b, (uint32_t)m->n_src);
    for (size_t i = 0; i < m->n_src; i++) {
        const gz_man_source *s = &m->src[i];
        gz_buf_str(&b, s->key, strlen(s->key));
        gz_buf_str(&b, s->display, strlen(s->display));
        gz_buf_u64(&b, s->hash_lo);
        gz_buf_u64(&b, s->hash_hi);
        gz_buf_u64(&b, s->size);
        gz_buf_u32(&b, s->segment);
        gz_buf_u32(&b, s->first_doc);
        gz_buf_u32(&b, s->n_docs);
        gz_buf_u64(&b, s->mtime_ns);
        gz_buf_u64(&b, s->ctime_ns);
        gz_buf_u64(&b, s->ino);
    }
    /* the moved table only when there is one: a manifest of an index no
     * merge has touched is what it was before the table */
    if (m->n_moved)
        gz_buf_u32(&b, (uint32_t)m->n_moved);
    for (size_t i = 0; i < m->n_moved; i++) {
        const gz_man_moved *v = &m->moved[i];
        gz_buf_u32(&b, v->segment);
        gz_buf_u32(&b, v->first_doc);
        gz_buf_u32(&b, v->n_docs);
        gz_buf_u32(&b, v->first_unit);
        gz_buf_u64(&b, v->source);
        gz_buf_u64(&b, v->retired);
    }
    gz_status st = b.status;
    if (st == GZ_OK) {
        char path[4200];
        snprintf(path, sizeof path, "%s/MANIFEST", dir);
        st = gz_file_write(path, GZ_FILE_MANIFEST, GZ_FLAG_SOURCE_STAT | (m->n_moved ? GZ_FLAG_MOVED : 0), b.data,
                           b.len, err);
        *live = st == GZ_OK; /* renamed: readers open it from now on */
        if (st == GZ_OK)
            st = gz_fsync_dir(dir, err);
    } else {
        gz_error_set(err, st, -1, "[format][manifest] out of memory");
    }
    gz_buf_fini(&b);
    return st;
}

/* ------------------------------------------------------------- deletes */

gz_status gz_deletes_read(const char *path, uint32_t n_docs, uint8_t **bits, gz_error *err)
{
    uint8_t *img;
    const uint8_t *body;
    uint64_t len;
    gz_status st = read_file(path, GZ_FILE_DELETES, &img, &body, &len, err);
    if (st == GZ_EOF) { /* as a missing segment: a reader of an older commit reads the manifest again */
        gz_error_set(err, GZ_IO, -1, "[format][deletes] %s: missing", path);
        if (err)
            err->sys_errno = ENOENT;
        return GZ_IO;
    }
    if (st != GZ_OK)
        return st;
    size_t nb = ((size_t)n_docs + 7) / 8;
    if (len != 4 + nb || gz_get32(body) != n_docs) {
        gz_free(img);
        return gz_error_set(err, GZ_CORRUPT, -1, "[format][deletes] %s: wrong size", path);
    }
    *bits = gz_alloc(nb ? nb : 1);
    if (!*bits) {
        gz_free(img);
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    memcpy(*bits, body + 4, nb);
    gz_free(img);
    return GZ_OK;
}

gz_status gz_deletes_write(const char *path, uint32_t n_docs, const uint8_t *bits, gz_error *err)
{
    size_t nb = ((size_t)n_docs + 7) / 8;
    uint8_t *body = gz_alloc(4 + nb);
    if (!body)
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    gz_put32(body, n_docs);
    memcpy(body + 4, bits, nb);
    gz_status st = gz_file_write(path, GZ_FILE_DELETES, 0, body, 4 + nb, err);
    gz_free(body);
    return st;
}
