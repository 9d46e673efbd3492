/* searcher/versions.h (private): the works of a snapshot and their
 * versions (versions.c), for search.c and article.c. */
#ifndef GZ_SEARCHER_VERSIONS_H
#define GZ_SEARCHER_VERSIONS_H

#include "searcher/answer.h"
#include "searcher/index.h"

/* A document's standing among its work's versions (sr_segtab.vstat). */
enum {
    SR_VS_NONE = 0,   /* not a version of a work (a bulletin document) */
    SR_VS_CURRENT,    /* the newest version: 现行有效 */
    SR_VS_HISTORICAL, /* an older version */
    SR_VS_REPEALED,   /* a version of a work a 废止 decision in the index names */
    SR_VS_AMENDED,    /* the newest version, amended by a later 修改 decision */
};

/* The status word of sr_segtab.vstat (docs/api.md): "current",
 * "historical", "repealed", "amended"; NULL for SR_VS_NONE. */
const char *sr_vstat_name(uint8_t vstat);

/* Groups the snapshot's live documents that carry a version date by work
 * key (gz_law_work_key of the title), newest first, fills each segment's
 * work and vstat tables, and reads the 废止/修改 decisions' titles. Run
 * once when the index opens, after the segment tables. */
gz_status sr_versions_build(sr_index *ix);
void sr_versions_fini(sr_index *ix);

/* The work of a work key (gz_law_work_key), or SR_NO_WORK. */
uint32_t sr_work_find(const sr_index *ix, const char *key);
/* The work of a key, added (no versions) when it is not there yet: the
 * regulations inside bulletin documents join the table at the first
 * article lookup. SR_NO_WORK when out of memory. */
uint32_t sr_work_intern(sr_index *ix, const char *key, const char *clean);

#define SR_NO_WORK UINT32_MAX

/* The versions of the work of document doc of segment s, newest first,
 * one a version date (the other documents of its own date are its parts,
 * not versions): with_self 0 the others only (a hit's "另有N个历史版本"),
 * 1 this one too (a document's version switcher). None for a work of one
 * version. */
void sr_work_versions(sr_arena *a, sr_index *ix, size_t s, uint32_t doc, int with_self,
                      const gazette_work_version **out, size_t *n);

#endif
