/* indexer/indexer.h: the one public header of gz_indexer. Builds and
 * commits segments from source files: incremental (content hashes), crash
 * safe (one commit per run, by renaming the manifest), one writer at a time
 * (a lock file), both cores, bounded memory. Reads and writes the index
 * only through format/. Called by the CLI (gazette index, optimize, check,
 * stats). */
#ifndef GZ_INDEXER_INDEXER_H
#define GZ_INDEXER_INDEXER_H

#include "common/common.h"

#include <stdio.h>

#define IX_DEFAULT_DIR "gazette-index"

typedef struct ix_options {
    const char *dir;  /* index directory */
    size_t ram_mb;    /* memory budget for in-memory segments (all workers) */
    int threads;      /* workers; 0: the number of cores */
    int prune;        /* remove documents whose files are gone */
    int prune_force;  /* prune past the limit below */
    unsigned prune_max_pct; /* --prune removes at most this share (percent,
                       * 0: 50) of the indexed sources under a root, and
                       * none under a root that now lists no file (an
                       * unmounted share); past it the run commits nothing */
    int repair;       /* a damaged last commit: drop its damaged segments
                       * and index their sources again (without it the run
                       * refuses, naming the damaged file) */
    int follow_symlinks; /* follow links that stay inside the path given
                          * (else each link is skipped and named) */
    int progress;     /* draw a progress line on stderr */
    /* called from the calling thread about five times a second while files
     * are read, and once at the end: files done of files, bytes read */
    void (*on_progress)(size_t done, size_t files, uint64_t bytes, void *arg);
    void *progress_arg;
    FILE *log;        /* refused files and notes; NULL: stderr */
    unsigned racy_ms; /* a file modified (mtime or ctime) less than this before
                       * it was read has its stat not recorded, so the next run
                       * hashes it again: a change inside the same timestamp
                       * tick would not show in its stat (0: 3000) */
} ix_options;

typedef struct ix_report {
    size_t files, indexed, unchanged, refused, removed;
    size_t skipped;   /* entries not listed (links, unreadable): named on o->log */
    size_t docs_added, segments_written, segments_merged;
    uint64_t bytes_read;
    double seconds;
    int committed;    /* 1 if this run made a commit */
    int not_durable;  /* committed (live), but the directory's fsync after
                       * it failed: a power cut could still undo it */
    size_t damaged_segments; /* dropped by a repair */
    size_t repaired, lost;   /* their sources indexed again / not listed */
    uint64_t generation;
} ix_report;

/* Indexes the files under paths (files or directories) into o->dir and
 * commits once. Files that cannot be read or parsed are named on o->log and
 * skipped; what they had indexed before stays. GZ_OK when the commit was
 * made (or nothing changed; rep->not_durable: made, live, not yet durable,
 * with err saying why); an error if nothing was committed, with err saying
 * why: another writer holds the lock, the disk is full, a path is missing,
 * --prune would remove more than its limit, the last commit is damaged
 * (GZ_CORRUPT naming the file; o->repair repairs it). */
gz_status ix_index(const ix_options *o, char **paths, size_t n_paths, ix_report *rep, gz_error *err);

/* Merges every segment into one (dropping deleted documents) and commits. */
gz_status ix_optimize(const ix_options *o, ix_report *rep, gz_error *err);

/* Verifies every checksum and structural invariant of the last commit;
 * prints what it checks to out and names each problem. GZ_OK if sound. */
gz_status ix_check(const char *dir, FILE *out, gz_error *err);

/* Prints documents, units, terms, bytes per section and per posting. */
gz_status ix_stats(const char *dir, FILE *out, gz_error *err);

#endif
