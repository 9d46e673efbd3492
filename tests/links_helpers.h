/* tests/links_helpers.h: the index the links' tests start from (a
 * bulletin and, a run later, laws beside it: two segments) and the
 * nightly job's edit, shared by the searcher's and the server's suites. */
#ifndef GZ_TESTS_LINKS_HELPERS_H
#define GZ_TESTS_LINKS_HELPERS_H

#include "indexer/indexer.h"

#include <stdio.h>
#include <stdlib.h>

/* Makes dir and laws from their mkdtemp templates, copies the sample's
 * laws into laws, and indexes into dir the seed bulletin, then the seed
 * and laws (the paths of the second run in both[2]). Aborts on failure. */
static inline void th_two_segments(char *dir, char *laws, char **both)
{
    char cmd[4400];
    if (!mkdtemp(dir) || !mkdtemp(laws))
        abort();
    snprintf(cmd, sizeof cmd, "cp %s/laws/*.md %s/", GZ_SAMPLE_DIR, laws);
    if (system(cmd) != 0)
        abort();
    both[0] = GZ_SAMPLE_DIR "/seed";
    both[1] = laws;
    ix_options o = {.dir = dir, .threads = 2};
    ix_report r;
    gz_error err = {0};
    if (ix_index(&o, both, 1, &r, &err) != GZ_OK || ix_index(&o, both, 2, &r, &err) != GZ_OK)
        abort();
}

/* Appends text to dir/name. Aborts on failure. */
static inline void th_append(const char *dir, const char *name, const char *text)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "a");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        abort();
}

#endif
