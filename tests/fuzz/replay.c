/* tests/fuzz/replay.c: runs a fuzz target over every file of its corpus
 * directory, so the corpora are regression tests under ctest (zstd does the
 * same). Prints one line per file count and the plain closing line. */
#include "corpus/corpus.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    size_t total = 0;
    for (int a = 1; a < argc; a++) {
        char **files;
        size_t n;
        gz_error err;
        if (cp_list_files(argv[a], &files, &n, &err) != GZ_OK) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        for (size_t i = 0; i < n; i++) {
            FILE *f = fopen(files[i], "rb");
            if (!f) {
                fprintf(stderr, "replay: cannot open %s\n", files[i]);
                continue;
            }
            fseek(f, 0, SEEK_END);
            long len = ftell(f);
            fseek(f, 0, SEEK_SET);
            uint8_t *buf = len >= 0 ? malloc((size_t)len + 1) : NULL;
            if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
                fprintf(stderr, "replay: cannot read %s\n", files[i]);
                fclose(f);
                free(buf);
                continue;
            }
            fclose(f);
            LLVMFuzzerTestOneInput(buf, (size_t)len);
            free(buf);
        }
        total += n;
        cp_paths_free(files, n);
    }
    printf("replayed %zu inputs\n", total);
    return total ? 0 : 1;
}
