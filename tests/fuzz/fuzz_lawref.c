/* tests/fuzz/fuzz_lawref.c: libFuzzer target for the law desk's parsers
 * (common/law.h) on any bytes, in a buffer of exactly their size. The
 * properties: a typed reference parses to GZ_OK with an article >= 1 or to
 * GZ_INVALID; every cross-reference, 款/项 range, decision target and
 * key stays inside its input, and references come in order without
 * overlapping. */
#include "common/law.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size ? size : 1);
    memcpy(s, data, size);

    gz_lawref r;
    gz_status st = gz_lawref_parse(s, size, &r, NULL);
    if (st == GZ_OK ? r.article < 1 || strlen(r.name) >= sizeof r.name : st != GZ_INVALID)
        abort();

    gz_xref_scan sc;
    gz_xref x;
    size_t last = 0;
    gz_xref_scan_init(&sc, s, size);
    while (gz_xref_scan_next(&sc, &x)) {
        if (x.start >= x.end || x.end > size || x.start < last || x.name.end > size || x.name.start > x.name.end)
            abort();
        last = x.end;
    }

    gz_span sp;
    for (int32_t c = 0; c < 3; c++)
        for (int32_t i = 0; i < 3; i++)
            if (gz_law_clause_range(s, size, c, i, &sp) && (sp.start > sp.end || sp.end > size))
                abort();

    gz_law_act act;
    gz_span t[4];
    size_t n = gz_law_act_targets(s, size, &act, t, 4);
    for (size_t k = 0; k < n && k < 4; k++)
        if (t[k].start > t[k].end || t[k].end > size)
            abort();

    gz_law_alias al[4];
    n = gz_law_aliases(s, size, al, 4);
    for (size_t k = 0; k < n && k < 4; k++)
        if (al[k].alias.start >= al[k].alias.end || al[k].alias.end > size || al[k].name.start > al[k].name.end ||
            al[k].name.end > size)
            abort();

    char key[64];
    if (gz_law_work_key(s, size, key, sizeof key) >= sizeof key || strlen(key) >= sizeof key)
        abort();
    gz_law_version_date(s, size, gz_law_name_date(s, size));
    uint32_t d;
    gz_law_date_parse(s, size, &d);
    free(s);
    return 0;
}
