/* corpus/corpus.c: entry points: format detection, reading files, listing
 * directories. */
#include "corpus/lines.h"

#include <dirent.h>
#include <errno.h>
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

static gz_status walk(const char *path, path_list *l, int depth, gz_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return gz_error_set(err, GZ_IO, -1, "[corpus][list] %s: %s", path, strerror(errno));
    if (S_ISREG(st.st_mode))
        return push_path(l, path) == GZ_OK ? GZ_OK : gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    if (!S_ISDIR(st.st_mode) || depth > 64)
        return GZ_OK;
    DIR *d = opendir(path);
    if (!d)
        return gz_error_set(err, GZ_IO, -1, "[corpus][list] %s: %s", path, strerror(errno));
    gz_status rc = GZ_OK;
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
        if (child.status != GZ_OK)
            rc = gz_error_set(err, GZ_NOMEM, -1, "out of memory");
        else
            rc = walk(child.data, l, depth + 1, err);
    }
    gz_buf_fini(&child);
    closedir(d);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

gz_status cp_list_files(const char *path, char ***out, size_t *n, gz_error *err)
{
    path_list l = {0};
    gz_status st = walk(path, &l, 0, err);
    if (st != GZ_OK) {
        cp_paths_free(l.v, l.n);
        return st;
    }
    if (l.n > 1)
        qsort(l.v, l.n, sizeof *l.v, cmp_str);
    *out = l.v;
    *n = l.n;
    return GZ_OK;
}

void cp_paths_free(char **paths, size_t n)
{
    for (size_t i = 0; i < n; i++)
        gz_free(paths[i]);
    gz_free(paths);
}
