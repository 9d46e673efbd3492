/* searcher/group.h (private): a page's hits grouped by work and document
 * (group.c), for search.c. */
#ifndef GZ_SEARCHER_GROUP_H
#define GZ_SEARCHER_GROUP_H

#include "searcher/index.h"
#include "searcher/topk.h"

/* Hits to ask sr_run for when a page of want is grouped: some are left
 * out, so more than want are ranked. */
size_t sr_group_want(const sr_request *rq, size_t want);

/* Groups the ranked hits[0..n) in place and returns how many stay, in
 * their order: unless rq->all_versions, a hit in an older version of a law
 * whose current version holds the same unit (kind, label) with the same
 * text is left out (it collapses into the current one's); by unit, unless
 * rq->all_in_document, at most two hits of a document stay, and the
 * second's n_in_doc counts the document's further hits left out
 * ("该文件另有N处匹配"; 0 on every other hit). */
size_t sr_group_hits(sr_index *ix, const sr_request *rq, hit *hits, size_t n);

#endif
