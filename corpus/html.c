#include "corpus/readers.h"
gz_status cp_html_text(const char *data, size_t len, gz_buf *out, gz_error *err)
{
    return gz_error_set(err, GZ_INVALID, -1, "HTML");
}
