/* format/snapshot.c: opening the last commit of an index for reading. */
#include "format/format.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void gz_snapshot_close(gz_snapshot *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->man.n_seg; i++) {
        if (s->seg)
            gz_segment_close(s->seg[i]);
        if (s->deleted)
            gz_free(s->deleted[i]);
    }
    gz_free(s->seg);
    gz_free(s->deleted);
    gz_manifest_fini(&s->man);
    gz_free(s->dir);
    gz_free(s);
}

static gz_status try_open(const char *dir, const gz_snapshot *prev, gz_snapshot **out, gz_error *err)
{
    gz_snapshot *s = gz_calloc(1, sizeof *s);
    if (!s)
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    s->dir = gz_strndup(dir, strlen(dir));
    gz_manifest_init(&s->man);
    gz_status st = gz_manifest_read(dir, &s->man, err);
    if (st != GZ_OK) {
        gz_snapshot_close(s);
        return st;
    }
    size_t n = s->man.n_seg;
    s->seg = gz_calloc(n + 1, sizeof *s->seg);
    s->deleted = gz_calloc(n + 1, sizeof *s->deleted);
    if (!s->seg || !s->deleted) {
        gz_snapshot_close(s);
        return gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        const gz_man_segment *g = &s->man.seg[i];
        char path[4200];
        gz_path_segment(path, sizeof path, dir, g->id);
        for (size_t j = 0; prev && j < prev->man.n_seg && !s->seg[i]; j++)
            if (prev->man.seg[j].id == g->id && gz_segment_is(prev->seg[j], path))
                s->seg[i] = gz_segment_ref(prev->seg[j]);
        if (!s->seg[i] && (st = gz_segment_open(path, &s->seg[i], err)) != GZ_OK)
            break;
        gz_seg_stats ss;
        gz_segment_stats(s->seg[i], &ss);
        if (ss.n_docs != g->n_docs || ss.n_units != g->n_units) {
            st = gz_error_set(err, GZ_CORRUPT, -1, "[snapshot] %s: %u docs, manifest says %u", path,
                              ss.n_docs, g->n_docs);
            break;
        }
        if (g->del_gen) {
            gz_path_deletes(path, sizeof path, dir, g->id, g->del_gen);
            if ((st = gz_deletes_read(path, g->n_docs, &s->deleted[i], err)) != GZ_OK)
                break;
        }
        s->n_units += ss.n_units;
        s->n_positions += ss.n_positions;
        s->n_live_docs += g->n_docs - g->n_deleted;
    }
    if (st != GZ_OK) {
        gz_snapshot_close(s);
        return st;
    }
    *out = s;
    return GZ_OK;
}

gz_status gz_snapshot_open(const char *dir, gz_snapshot **out, gz_error *err)
{
    return gz_snapshot_open_from(dir, NULL, out, err);
}

gz_status gz_snapshot_open_from(const char *dir, const gz_snapshot *prev, gz_snapshot **out, gz_error *err)
{
    *out = NULL;
    gz_status st = GZ_IO;
    /* a writer removes the files of an older commit only after the new
     * MANIFEST is in place: a missing file means "read the manifest again" */
    for (int attempt = 0; attempt < 5; attempt++) {
        st = try_open(dir, prev, out, err);
        if (st != GZ_IO || !err || err->sys_errno != ENOENT)
            break;
    }
    return st;
}
