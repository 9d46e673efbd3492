/* common/status.c: status names and the gz_error filler used by every module. */
#include "common/common.h"

#include <stdio.h>
#include <string.h>

const char *gz_status_str(gz_status s)
{
    switch (s) {
    case GZ_OK: return "ok";
    case GZ_EOF: return "end of stream";
    case GZ_NOMEM: return "out of memory";
    case GZ_IO: return "i/o error";
    case GZ_CORRUPT: return "corrupt";
    case GZ_VERSION: return "unsupported version";
    case GZ_INVALID: return "invalid input";
    case GZ_LIMIT: return "budget spent";
    }
    return "unknown status";
}

gz_status gz_error_set(gz_error *err, gz_status code, int64_t offset, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        err->offset = offset;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}
