/* server/server.h: the one public header of gz_server: the HTTP JSON API
 * and the web page for citizens, on libmicrohttpd with a thread pool. Reads
 * the index through the searcher only; notices each new commit and serves
 * it without a restart. Called by the CLI (`gazette serve`). */
#ifndef GZ_SERVER_SERVER_H
#define GZ_SERVER_SERVER_H

#include "common/common.h"

typedef struct sv_options {
    const char *index_dir;
    const char *bind;      /* "127.0.0.1" by default */
    unsigned port;         /* 8080 by default; 0: any free port */
    unsigned threads;      /* worker threads; 0: 4 */
} sv_options;

typedef struct sv_server sv_server;

/* Opens a server: it serves in background threads until closed; *port_out
 * gets the bound port. open/close, as every handle of the project. */
gz_status sv_server_open(const sv_options *o, sv_server **out, unsigned *port_out, gz_error *err);
/* Stops serving (requests in flight finish) and frees s. NULL is allowed. */
void sv_server_close(sv_server *s);

/* Limits (docs/api.md). */
#define SV_MAX_QUERY_BYTES 1024
#define SV_MAX_PAGE 100
#define SV_MAX_PARAMS 64          /* parameters in a request line; more: 414 */
#define SV_TRIM_BYTES (1u << 20)  /* a request that held more: freed pages go back */
#define SV_CACHE_BYTES (4u << 20) /* match-list cache of each pooled searcher */
#define SV_RETRY_MS 1000          /* a commit that did not open: tried again after, */
#define SV_RETRY_MAX_MS 60000     /* then twice as long each time, up to this */
#define SV_TOC_PAGES 8            /* pages of a document its table of contents reads */

#endif
