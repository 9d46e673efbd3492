/* corpus/corpus.c: entry points: format detection, reading files, listing
 * directories. */
#include "common/probe.h"
#include "corpus/lines.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

gz_status cp_parse_gazette(gz_doc *doc, cp_text *t, gz_error *err);
gz_status cp_parse_markdown(gz_doc *doc, const char *s, size_t len, cp_text *t, gz_error *err);

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static cp_format detect(const char *path, const char *s, size_t len)
{
    if (path && (ends_with(path, ".md") || ends_with(path, ".markdown")))
        return CP_FORMAT_MARKDOWN;
    size_t head = len < 4096 ? len : 4096;
    if ((len >= 2 && s[0] == '#' && s[1] == ' ') || memmem(s, head, "<!-- INFO END -->", 17))
        return CP_FORMAT_MARKDOWN;
    return CP_FORMAT_GAZETTE;
}

gz_status cp_parse_text_join(const char *path, const char *utf8, size_t len, cp_format fmt,
                             cp_join join, gz_doc *doc, gz_error *err);

gz_status cp_parse_text(const char *path, const char *utf8, size_t len, cp_format fmt,
                        gz_doc *doc, gz_error *err)
{
    /* form feeds mark the page ends (pdftotext's output): only they cut a
     * paragraph; without them a blank line may be one */
    return cp_parse_text_join(path, utf8, len, fmt,
                              memchr(utf8, '\f', len) ? CP_JOIN_PAGES : CP_JOIN_BLANK, doc, err);
}

/* cp_parse_text with the page-end rule given (readers.c) */
gz_status cp_parse_text_join(const char *path, const char *utf8, size_t len, cp_format fmt,
                             cp_join join, gz_doc *doc, gz_error *err)
{
    gz_free(doc->path);
    doc->path = gz_strndup(path ? path : "", path ? strlen(path) : 0);
    if (!doc->path)
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    if (fmt == CP_FORMAT_AUTO)
        fmt = detect(path, utf8, len);
    cp_text t;
    cp_text_init(&t);
    gz_status st;
    if (fmt == CP_FORMAT_MARKDOWN) {
        st = cp_parse_markdown(doc, utf8, len, &t, err);
    } else {
        cp_text_from_raw(&t, utf8, len, join);
        st = t.status != GZ_OK ? gz_error_set(err, t.status, -1, "out of memory")
                                : cp_parse_gazette(doc, &t, err);
    }
    if (st == GZ_OK) {
        doc->text = gz_buf_take(&t.buf, &doc->text_len);
        if (!doc->text)
            st = gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    if (st == GZ_OK && t.n_pages) { /* the page map moves to the document */
        doc->n_pages = t.n_pages;
        doc->page_at = t.page_at;
        doc->n_page_at = t.n_page_at;
        t.page_at = NULL;
    }
    cp_text_fini(&t);
    return st;
}

static gz_status read_all(const char *path, char **out, size_t *len, gz_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        gz_error_set(err, GZ_IO, -1, "cannot open: %s", strerror(e));
        if (err)
            err->sys_errno = e;
        return GZ_IO;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return gz_error_set(err, GZ_IO, -1, "not a regular file");
    }
    if ((uint64_t)st.st_size > CP_MAX_FILE_BYTES) {
        fclose(f);
        return gz_error_set(err, GZ_INVALID, -1, "file too large (%lld bytes, limit %u)",
                            (long long)st.st_size, CP_MAX_FILE_BYTES);
    }
    size_t n = (size_t)st.st_size;
    char *buf = gz_alloc(n + 1);
    if (!buf) {
        fclose(f);
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    size_t got = fread(buf, 1, n, f);
    int bad = ferror(f);
    fclose(f);
    if (bad || got != n) {
        gz_free(buf);
        return gz_error_set(err, GZ_IO, -1, "read error");
    }
    buf[n] = 0;
    *out = buf;
    *len = n;
    return GZ_OK;
}

/* Prefixes err->msg with "[corpus][read] path: ". */
static gz_status name_file(gz_error *err, gz_status st, const char *path)
{
    if (err && st != GZ_OK) {
        char reason[sizeof err->msg];
        memcpy(reason, err->msg, sizeof reason);
        snprintf(err->msg, sizeof err->msg, "[corpus][read] %s: %s", path, reason);
        err->code = st;
    }
    return st;
}

gz_status cp_parse_file(const char *path, cp_format fmt, gz_doc *doc, gz_error *err)
{
    char *raw = NULL;
    size_t raw_len = 0;
    gz_status st = read_all(path, &raw, &raw_len, err);
    if (st == GZ_OK)
        st = cp_parse_bytes(path, raw, raw_len, fmt, doc, err);
    gz_free(raw);
    return name_file(err, st, path);
}

/* ------------------------------------------------------------ listing */

typedef struct path_list {
    char **v;
    size_t n, cap;
} path_list;

static gz_status push_path(path_list *l, const char *p)
{
    if (gz_grow(&l->v, &l->cap, l->n + 1, sizeof *l->v, 64) != GZ_OK)
        return GZ_NOMEM;
    if (!(l->v[l->n] = gz_strndup(p, strlen(p))))
        return GZ_NOMEM;
    l->n++;
    return GZ_OK;
}

/* A walk: the files found, the entries skipped (each "path: reason"), and
 * when following links, the root's real path and every directory and file
 * met (device, inode), so a loop ends and a file is listed once. */
typedef struct walker {
    path_list files, skipped;
    int follow;
    char root[PATH_MAX];
    size_t root_len;
    struct met_slot { dev_t dev; ino_t ino; int used; } *met; /* open addressing */
    size_t n_met, cap_met;
} walker;

static gz_status skip(walker *w, const char *path, const char *reason)
{
    gz_buf b;
    gz_buf_init(&b);
    gz_buf_printf(&b, "%s: %s", path, reason);
    gz_status st = b.status == GZ_OK ? push_path(&w->skipped, gz_buf_cstr(&b)) : GZ_NOMEM;
    gz_buf_fini(&b);
    return st;
}

/* Was (dev, ino) met before? Remembers it if not. */
static int met(walker *w, const struct stat *st, gz_status *rc)
{
    if (2 * (w->n_met + 1) > w->cap_met) {
        size_t cap = w->cap_met ? 2 * w->cap_met : 256;
        struct met_slot *m = gz_calloc(cap, sizeof *m);
        if (!m) {
            *rc = GZ_NOMEM;
            return 0;
        }
        for (size_t i = 0; i < w->cap_met; i++) {
            if (!w->met[i].used)
                continue;
            size_t at = gz_probe_first((size_t)w->met[i].ino * 0x9E3779B1u, cap);
            while (m[at].used)
                at = gz_probe_next(at, cap);
            m[at] = w->met[i];
        }
        gz_free(w->met);
        w->met = m;
        w->cap_met = cap;
    }
    for (size_t at = gz_probe_first((size_t)st->st_ino * 0x9E3779B1u, w->cap_met);;
         at = gz_probe_next(at, w->cap_met)) {
        struct met_slot *x = &w->met[at];
        if (!x->used) {
            *x = (struct met_slot){st->st_dev, st->st_ino, 1};
            w->n_met++;
            return 0;
        }
        if (x->dev == st->st_dev && x->ino == st->st_ino)
            return 1;
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists path into w. The root (depth 0) is what the caller named: a link
 * there is followed and an error fails the listing. Below it an entry that
 * cannot be listed is skipped with its reason, and a symbolic link is
 * followed only with w->follow and only to inside the root. */
static gz_status walk(walker *w, const char *path, int depth, gz_error *err)
{
    struct stat st;
    if ((depth ? lstat(path, &st) : stat(path, &st)) != 0) {
        if (!depth)
            return gz_error_set(err, GZ_IO, -1, "[corpus][list] %s: %s", path, strerror(errno));
        return skip(w, path, strerror(errno));
    }
    if (S_ISLNK(st.st_mode)) {
        char real[PATH_MAX];
        if (!realpath(path, real))
            return skip(w, path, errno == ELOOP ? "a symbolic link loop" : "a dangling symbolic link");
        if (strncmp(real, w->root, w->root_len) != 0 || (real[w->root_len] != '/' && real[w->root_len] != 0))
            return skip(w, path, "a symbolic link to outside the indexed root");
        if (!w->follow)
            return skip(w, path, "a symbolic link, not followed (--follow-symlinks follows links inside the root)");
        if (stat(path, &st) != 0)
            return skip(w, path, strerror(errno));
    }
    gz_status rc = GZ_OK;
    if (S_ISREG(st.st_mode)) {
        /* through links, a file may be met again: listed once */
        if (w->follow && met(w, &st, &rc))
            return skip(w, path, "the same file as another path listed");
        return rc == GZ_OK && push_path(&w->files, path) == GZ_OK ? GZ_OK
                                                                   : gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    if (!S_ISDIR(st.st_mode))
        return depth ? skip(w, path, "not a regular file or directory") : GZ_OK;
    if (depth > 64)
        return skip(w, path, "nested more than 64 directories deep");
    if (w->follow && met(w, &st, &rc))
        return skip(w, path, "a directory listed already (a loop of links)");
    DIR *d = opendir(path);
    if (!d) {
        if (!depth)
            return gz_error_set(err, GZ_IO, -1, "[corpus][list] %s: %s", path, strerror(errno));
        return skip(w, path, strerror(errno));
    }
    /* children in byte order, so which of two paths to one file is listed
     * (the first) does not depend on the directory's order */
    path_list kids = {0};
    struct dirent *e;
    gz_buf child;
    gz_buf_init(&child);
    while (rc == GZ_OK && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        child.len = 0;
        gz_buf_puts(&child, path);
        if (child.len && child.data[child.len - 1] != '/')
            gz_buf_putc(&child, '/');
        gz_buf_puts(&child, e->d_name);
        rc = child.status == GZ_OK ? push_path(&kids, child.data) : GZ_NOMEM;
    }
    closedir(d);
    if (kids.n > 1)
        qsort(kids.v, kids.n, sizeof *kids.v, cmp_str);
    for (size_t i = 0; rc == GZ_OK && i < kids.n; i++)
        rc = walk(w, kids.v[i], depth + 1, err);
    if (rc == GZ_NOMEM)
        gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    cp_paths_free(kids.v, kids.n);
    gz_buf_fini(&child);
    return rc;
}

gz_status cp_list(const char *path, int follow_symlinks, cp_listing *out, gz_error *err)
{
    memset(out, 0, sizeof *out);
    walker w = {.follow = follow_symlinks};
    /* the root's real path: where a followed link must stay, and what
     * names why a link is skipped */
    if (!realpath(path, w.root))
        return gz_error_set(err, GZ_IO, -1, "[corpus][list] %s: %s", path, strerror(errno));
    w.root_len = strlen(w.root);
    if (w.root_len == 1)
        w.root_len = 0; /* the root of the file system: every path is inside */
    gz_status st = walk(&w, path, 0, err);
    gz_free(w.met);
    if (st != GZ_OK) {
        cp_paths_free(w.files.v, w.files.n);
        cp_paths_free(w.skipped.v, w.skipped.n);
        return st;
    }
    if (w.files.n > 1) /* an empty folder lists nothing: no array to sort */
        qsort(w.files.v, w.files.n, sizeof *w.files.v, cmp_str);
    out->files = w.files.v;
    out->n = w.files.n;
    out->skipped = w.skipped.v;
    out->n_skipped = w.skipped.n;
    return GZ_OK;
}

void cp_listing_fini(cp_listing *l)
{
    cp_paths_free(l->files, l->n);
    cp_paths_free(l->skipped, l->n_skipped);
    memset(l, 0, sizeof *l);
}

gz_status cp_list_files(const char *path, char ***out, size_t *n, gz_error *err)
{
    cp_listing l;
    gz_status st = cp_list(path, 0, &l, err);
    if (st != GZ_OK)
        return st;
    cp_paths_free(l.skipped, l.n_skipped);
    *out = l.files;
    *n = l.n;
    return GZ_OK;
}

void cp_paths_free(char **paths, size_t n)
{
    for (size_t i = 0; i < n; i++)
        gz_free(paths[i]);
    gz_free(paths);
}
