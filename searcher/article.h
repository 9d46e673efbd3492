/* searcher/article.h (private): article references typed in the search box
 * (article.c), for search.c. */
#ifndef GZ_SEARCHER_ARTICLE_H
#define GZ_SEARCHER_ARTICLE_H

#include "searcher/run.h"

/* An article reference typed in the search box (刑法第二百三十二条,
 * 《中华人民共和国刑法》第232条, 刑法 第232条: a title, then its label, and
 * nothing else)? Then 1, the articles it names as (snapshot segment index
 * << 32 | unit), exact titles first, into *ids (freed with gz_free), and
 * into cited the keywords finding the units that cite it (刑法 第232条).
 * 0 if the query is not one, or names no article (article.c). */
int sr_reference(sr_index *ix, const char *query, uint64_t **ids, size_t *n, char *cited, size_t cap);
/* Puts the units ids[0..n) (as sr_reference gives them) first in r's
 * hits, above every other, once each, keeping the best want (0: all);
 * the total counts them. */
gz_status sr_hits_first(sr_index *ix, run_out *r, const uint64_t *ids, size_t n, size_t want);

/* Builds the article table (and the works it names, versions.c) at the
 * first call; GZ_NOMEM if it cannot. */
gz_status sr_articles_ready(sr_index *ix);

#endif
