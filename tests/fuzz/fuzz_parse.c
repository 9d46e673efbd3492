/* tests/fuzz/fuzz_parse.c: libFuzzer target for decoding and parsing. The
 * property: any input is parsed or refused with GZ_INVALID, and every node's
 * offsets nest inside its parent and inside the text. */
#include "corpus/corpus.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *utf8;
    size_t len;
    const char *enc;
    if (cp_decode((const char *)data, size, &utf8, &len, &enc, NULL) != GZ_OK)
        return 0;
    for (int fmt = CP_FORMAT_GAZETTE; fmt <= CP_FORMAT_MARKDOWN; fmt++) {
        gz_doc d;
        gz_doc_init(&d);
        gz_status st = cp_parse_text("fuzz", utf8, len, (cp_format)fmt, &d, NULL);
        if (st != GZ_OK && st != GZ_INVALID)
            abort();
        for (size_t i = 0; st == GZ_OK && i < d.n_nodes; i++) {
            const gz_node *n = &d.nodes[i];
            if (n->start > n->end || n->end > d.text_len)
                abort();
            if (n->parent != GZ_NONE &&
                (d.nodes[n->parent].start > n->start || d.nodes[n->parent].end < n->end))
                abort();
        }
        gz_doc_fini(&d);
    }
    gz_free(utf8);
    return 0;
}
