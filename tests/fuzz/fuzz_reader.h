/* tests/fuzz/fuzz_reader.h: the property the readers' fuzz targets share
 * (fuzz_pdf, fuzz_html, fuzz_docx). */
#ifndef GZ_TESTS_FUZZ_READER_H
#define GZ_TESTS_FUZZ_READER_H

#include "corpus/corpus.h"

#include <stdlib.h>

static inline int fuzz_reader(cp_source kind, const uint8_t *data, size_t size)
{
    gz_buf text;
    gz_buf_init(&text);
    gz_error err = {0};
    gz_status st = cp_extract_text(kind, (const char *)data, size, &text, &err);
    if (st != GZ_OK && (st != GZ_INVALID || !err.msg[0]))
        abort(); /* a refusal always gives its reason */
    if (st == GZ_OK) {
        if (text.status != GZ_OK || gz_utf8_valid_prefix(text.data ? text.data : "", text.len) != text.len)
            abort();
        gz_doc d;
        gz_doc_init(&d);
        st = cp_parse_text("fuzz", text.data ? text.data : "", text.len, CP_FORMAT_GAZETTE, &d, NULL);
        if (st != GZ_OK && st != GZ_INVALID)
            abort();
        for (size_t i = 0; st == GZ_OK && i < d.n_nodes; i++)
            if (d.nodes[i].start > d.nodes[i].end || d.nodes[i].end > d.text_len ||
                gz_doc_page(&d, d.nodes[i].start) > d.n_pages)
                abort();
        gz_doc_fini(&d);
    }
    gz_buf_fini(&text);
    return 0;
}

#endif
