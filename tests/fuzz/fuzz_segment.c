/* tests/fuzz/fuzz_segment.c: libFuzzer target for opening and reading a
 * segment file. The property: any bytes open as OK, CORRUPT or VERSION,
 * never a crash; an opened segment reads through every document, unit,
 * term and posting without a crash. */
#include "format/format.h"
#include "tests/seg_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int walk_term(void *arg, const char *term, size_t len, const gz_terminfo *ti)
{
    const gz_segment *s = arg;
    gz_post p;
    (void)term;
    (void)len;
    if (gz_post_open(&p, s, ti) == GZ_OK) {
        for (int i = 0; i < 100000 && p.unit != GZ_POST_END; i++) {
            const uint32_t *pos, *span;
            uint32_t n;
            gz_post_positions(&p, &pos, &span, &n);
            if (gz_post_next(&p) != GZ_OK)
                break;
        }
    }
    gz_post_fini(&p);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size + 1);
    memcpy(copy, data, size);
    /* mutations almost never keep the checksums right, which would stop
     * every input at the header: half the time, recompute them so the
     * decoders behind them see the mutated bytes too */
    if (size && data[size - 1] & 1)
        th_fix_checksums(copy, size);
    data = copy;
    char path[64];
    snprintf(path, sizeof path, "/tmp/gz-fuzz-segment-%d.gzs", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    gz_segment *s;
    gz_error err;
    gz_status st = gz_segment_open(path, &s, &err);
    if (st != GZ_OK && st != GZ_CORRUPT && st != GZ_VERSION && st != GZ_IO)
        abort();
    if (st == GZ_OK) {
        gz_seg_stats ss;
        gz_segment_stats(s, &ss);
        gz_buf text;
        gz_buf_init(&text);
        gz_textctx *tc = NULL;
        for (uint32_t d = 0; d < ss.n_docs; d++) {
            gz_docinfo di;
            gz_unitinfo ui;
            if (gz_segment_doc(s, d, &di) == GZ_OK) {
                gz_segment_text(s, d, &text, &tc);
                for (uint32_t u = di.first_unit; u < di.first_unit + di.n_units && u < ss.n_units; u++)
                    gz_segment_unit(s, u, &ui);
            }
        }
        gz_segment_terms(s, walk_term, s);
        gz_textctx_close(tc);
        gz_buf_fini(&text);
        gz_segment_close(s);
    }
    unlink(path);
    free(copy);
    return 0;
}
