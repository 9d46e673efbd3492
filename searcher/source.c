/* searcher/source.c: the file a document was read from, opened for the
 * server's /source route. Only a file the snapshot's MANIFEST lists as the
 * document's source is reachable, and only while it is still that file:
 * the path the opened descriptor resolves to must be the source's key (a
 * real path, taken when it was indexed), so a symbolic link put in its
 * place or in a folder above it, pointing anywhere, is refused. */
#include "searcher/docid.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The MANIFEST's source holding document doc of segment s, or NULL. */
static const gz_man_source *source_of(const sr_index *ix, size_t s, uint32_t doc)
{
    const gz_manifest *m = &ix->snap->man;
    uint32_t seg = m->seg[s].id;
    for (size_t i = 0; i < m->n_src; i++) {
        const gz_man_source *src = &m->src[i];
        if (src->segment == seg && doc >= src->first_doc && doc - src->first_doc < src->n_docs)
            return src;
    }
    return NULL;
}

gz_status sr_source_open(sr_index *ix, const char *id, int *fd, const char **name, gz_error *err)
{
    *fd = -1;
    *name = NULL;
    size_t s;
    uint32_t doc;
    if (!sr_doc_find(ix, id, &s, &doc))
        return gz_error_set(err, GZ_INVALID, -1, "[searcher][source] no document %s", id);
    const gz_man_source *src = source_of(ix, s, doc);
    if (!src || src->key[0] != '/')
        return gz_error_set(err, GZ_INVALID, -1, "[searcher][source] document %s has no source file", id);
    int f = open(src->key, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (f < 0)
        return gz_error_set(err, GZ_IO, -1, "[searcher][source] %s: cannot open", src->display);
    /* what was opened, its every folder resolved: still the file indexed */
    char proc[64], real[PATH_MAX];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", f);
    ssize_t n = readlink(proc, real, sizeof real - 1);
    struct stat st;
    if (n < 0 || (real[n] = 0, strcmp(real, src->key) != 0) || fstat(f, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(f);
        return gz_error_set(err, GZ_INVALID, -1, "[searcher][source] %s is no longer the file indexed",
                            src->display);
    }
    *fd = f;
    *name = src->key;
    return GZ_OK;
}
