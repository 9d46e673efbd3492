/* Golden files of the on-disk format: tests/golden/format/index holds a
 * MANIFEST and one segment built from the fixed input below (two
 * documents, five units, tokens made here, not by the analyser, so only
 * a change of the format changes them); tests/golden/format/damaged holds
 * copies with a byte of the body flipped, cut short, and of another format
 * version. The index must open and read back the known values; a fresh
 * build must equal it byte for byte; each damaged copy must fail with its
 * named status. After a deliberate change of the format, regenerate them
 * with scripts/golden-format.sh (GAZETTE_GOLDEN_UPDATE=1) and say so in
 * the version log (format/format.h, docs/format.md). */
#include "format/format.h"
#include "indexer/indexer.h"
#include "indexer/memseg.h"
#include "helpers.h"
#include "seg_helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define GOLDEN_DIR GZ_SAMPLE_DIR "/../tests/golden/format"
#define SEG_ID 1

typedef struct golden_unit {
    gz_kind kind;
    int32_t number;
    const char *label, *text;
    uint32_t page, page_end;
} golden_unit;

typedef struct golden_doc {
    const char *title, *docno_raw, *source;
    uint32_t date, version_date;
    golden_unit units[4];
} golden_doc;

static const golden_doc docs[] = {
    {"中华人民共和国公司法", "", "laws/公司法.md", 19931229, 20231229,
     {{GZ_KIND_ARTICLE, 1, "第一条", "第一条　公司应当依法纳税。", 1, 1},
      {GZ_KIND_ARTICLE, 2, "第二条", "第二条　公司设立董事会，董事会对股东会负责。", 1, 2},
      {GZ_KIND_ARTICLE, 3, "第三条", "第三条　本法自公布之日起施行。", 2, 2}}},
    {"关于印发办法的通知", "伊政发〔2023〕11号", "bulletin/2023-11.txt", 20230301, 0,
     {{GZ_KIND_PARAGRAPH, -1, "", "各旗区人民政府：现将办法印发给你们。", 0, 0},
      {GZ_KIND_PARAGRAPH, -1, "", "请认真贯彻执行。", 0, 0}}},
};

static int is_han(uint32_t c) { return c >= 0x4E00 && c <= 0x9FFF; }

/* The unit's tokens: every two adjacent Han characters of a run as a gram
 * at the first one's position, the run's last character alone, positions
 * counted over the grams. */
static size_t tokens_of(const char *text, an_token *t, size_t cap)
{
    const char *p = text, *end = text + strlen(text);
    const char *ch[256];
    size_t n_ch = 0, n = 0;
    uint32_t pos = 0;
    while (p <= end) {
        const char *at = p;
        int32_t c = p < end ? gz_utf8_next(&p, end) : -1;
        if (c >= 0 && is_han((uint32_t)c)) {
            ch[n_ch++] = at;
            continue;
        }
        for (size_t i = 0; i < n_ch && n < cap; i++) {
            const char *stop = i + 2 < n_ch ? ch[i + 2] : i + 1 < n_ch ? at : NULL;
            an_type ty = i + 1 < n_ch ? AN_GRAM : AN_UNI;
            const char *e = ty == AN_GRAM ? stop : at;
            t[n++] = (an_token){ch[i], (uint32_t)(e - ch[i]), pos++, 1, (uint32_t)(ch[i] - text),
                                (uint32_t)(e - text), ty};
        }
        n_ch = 0;
        if (c < 0)
            break;
    }
    return n;
}

/* Builds the golden index into dir (which exists). */
static void build(const char *dir)
{
    ix_memseg *m = ix_memseg_open(SEG_ID);
    cr_assert_not_null(m);
    gz_manifest man;
    gz_manifest_init(&man);
    man.generation = 1;
    man.analyzer_id = strdup("golden");
    man.next_segment_id = SEG_ID + 2;
    for (size_t d = 0; d < sizeof docs / sizeof docs[0]; d++) {
        char text[1024] = "";
        for (const golden_unit *u = docs[d].units; u->text; u++)
            snprintf(text + strlen(text), sizeof text - strlen(text), "%s\n", u->text);
        ix_docmeta dm = {.title = docs[d].title, .docno_raw = docs[d].docno_raw, .issuer = "", .docno = "",
                         .body = "", .source = docs[d].source, .issue = "", .date = docs[d].date,
                         .kind = GZ_KIND_DOCUMENT, .version_date = docs[d].version_date};
        uint32_t first = ix_memseg_n_docs(m);
        ix_memseg_doc(m, &dm, text, strlen(text));
        uint32_t at = 0;
        for (const golden_unit *u = docs[d].units; u->text; u++) {
            ix_unitmeta um = {.kind = u->kind, .number = u->number, .label = u->label, .path = "",
                              .start = at, .end = at + (uint32_t)strlen(u->text), .page = u->page,
                              .page_end = u->page_end};
            an_token t[256];
            size_t n = tokens_of(u->text, t, 256);
            ix_memseg_unit(m, &um, t, n);
            at = um.end + 1;
        }
        char key[256];
        snprintf(key, sizeof key, "/golden/%s", docs[d].source);
        gz_man_source src = {.key = key, .display = (char *)docs[d].source, .hash_lo = d + 1,
                             .hash_hi = 0x60, .size = strlen(text), .segment = SEG_ID, .first_doc = first,
                             .n_docs = 1, .mtime_ns = 1, .ctime_ns = 2, .ino = 3 + d};
        cr_assert_eq(gz_manifest_add_source(&man, &src), GZ_OK);
    }
    cr_assert_eq(ix_memseg_status(m), GZ_OK);
    char path[4200];
    gz_path_segment(path, sizeof path, dir, SEG_ID);
    gz_man_segment seg;
    gz_error err = {0};
    cr_assert_eq(ix_memseg_flush(m, path, &seg, &err), GZ_OK, "%s", err.msg);
    ix_memseg_close(m);
    cr_assert_eq(gz_manifest_add_segment(&man, &seg), GZ_OK);
    /* a segment a merge retired: its two documents are now the first
     * source's (the moved table, GZ_FLAG_MOVED) */
    gz_man_moved mv = {.segment = SEG_ID + 1, .first_doc = 3, .n_docs = 2, .first_unit = 17,
                       .source = gz_xxh3(docs[0].source, strlen(docs[0].source)), .retired = 1767225600};
    cr_assert_eq(gz_manifest_add_moved(&man, &mv), GZ_OK);
    int live = 0;
    cr_assert_eq(gz_manifest_commit(dir, &man, &live, &err), GZ_OK, "%s", err.msg);
    gz_manifest_fini(&man);
}

static void write_file(const char *path, const void *p, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(p, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

static const char *seg_name(void)
{
    static char name[64];
    char path[4200];
    gz_path_segment(path, sizeof path, "", SEG_ID);
    snprintf(name, sizeof name, "%s", strrchr(path, '/') + 1);
    return name;
}

/* The damaged copies of the golden segment and manifest in dir/damaged,
 * from the ones in dir/index. */
static void damage(const char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/index/%s", dir, seg_name());
    size_t len;
    uint8_t *seg = (uint8_t *)th_read(path, &len);
    cr_assert_not_null(seg);
    snprintf(path, sizeof path, "%s/damaged", dir);
    mkdir(path, 0755);
    uint8_t *copy = malloc(len);
    memcpy(copy, seg, len);
    copy[GZ_HEADER_LEN + len / 2 - GZ_HEADER_LEN / 2] ^= 0x10; /* a byte in the body */
    snprintf(path, sizeof path, "%s/damaged/flipped-body.gzs", dir);
    write_file(path, copy, len);
    snprintf(path, sizeof path, "%s/damaged/truncated.gzs", dir);
    write_file(path, seg, len - 100);
    memcpy(copy, seg, len);
    gz_put16(copy + 8, 2); /* version 2, every checksum right */
    th_fix_checksums(copy, len);
    snprintf(path, sizeof path, "%s/damaged/version2.gzs", dir);
    write_file(path, copy, len);
    free(copy);
    free(seg);
    snprintf(path, sizeof path, "%s/index/MANIFEST", dir);
    uint8_t *man = (uint8_t *)th_read(path, &len);
    cr_assert_not_null(man);
    gz_put16(man + 8, 2);
    gz_put64(man + 32, gz_xxh3(man, 32));
    snprintf(path, sizeof path, "%s/damaged/version2", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/damaged/version2/MANIFEST", dir);
    write_file(path, man, len);
    free(man);
}

Test(golden_format, the_index_reads_back_its_known_values)
{
    gz_snapshot *snap;
    gz_error err = {0};
    cr_assert_eq(gz_snapshot_open(GOLDEN_DIR "/index", &snap, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(snap->man.n_seg, 1);
    cr_assert_str_eq(snap->man.analyzer_id, "golden");
    cr_assert_eq(snap->man.n_src, 2);
    cr_assert_str_eq(snap->man.src[1].display, "bulletin/2023-11.txt");
    cr_assert_eq(snap->man.n_moved, 1);
    const gz_man_moved *mv = &snap->man.moved[0];
    cr_assert(mv->segment == 2 && mv->first_doc == 3 && mv->n_docs == 2 && mv->first_unit == 17 &&
              mv->retired == 1767225600 && mv->source == gz_xxh3(snap->man.src[0].display,
                                                                   strlen(snap->man.src[0].display)));
    const gz_segment *s = snap->seg[0];
    gz_docinfo di;
    cr_assert_eq(gz_segment_doc(s, 0, &di), GZ_OK);
    cr_assert_str_eq(di.title, "中华人民共和国公司法");
    cr_assert_eq(di.date, 19931229);
    cr_assert_eq(di.version_date, 20231229);
    cr_assert_eq(di.status, GZ_DOCSTAT_UNKNOWN);
    cr_assert_eq(di.n_units, 3);
    cr_assert_eq(gz_segment_doc(s, 1, &di), GZ_OK);
    cr_assert_str_eq(di.title, "关于印发办法的通知");
    cr_assert_str_eq(di.docno_raw, "伊政发〔2023〕11号");
    cr_assert_eq(di.date, 20230301);
    cr_assert_eq(di.version_date, 0);
    cr_assert_eq(di.first_unit, 3);
    cr_assert_eq(gz_segment_doc(s, 2, &di), GZ_INVALID);
    const uint32_t want_page[5][2] = {{1, 1}, {1, 2}, {2, 2}, {0, 0}, {0, 0}};
    for (uint32_t u = 0; u < 5; u++) {
        gz_unitinfo ui;
        cr_assert_eq(gz_segment_unit(s, u, &ui), GZ_OK);
        cr_assert(ui.page == want_page[u][0] && ui.page_end == want_page[u][1], "unit %u: pages %u-%u", u, ui.page,
                  ui.page_end);
    }
    gz_unitinfo ui;
    cr_assert_eq(gz_segment_unit(s, 1, &ui), GZ_OK);
    cr_assert_str_eq(ui.label, "第二条");
    cr_assert_eq(ui.number, 2);
    cr_assert_eq(ui.kind, GZ_KIND_ARTICLE);
    gz_buf text;
    gz_buf_init(&text);
    gz_textctx *tc = NULL;
    cr_assert_eq(gz_segment_text_range(s, 0, ui.start, ui.end, &text, &tc), GZ_OK);
    cr_assert_str_eq(gz_buf_cstr(&text), "第二条　公司设立董事会，董事会对股东会负责。");
    gz_buf_fini(&text);
    gz_textctx_close(tc);
    /* 公司 in units 0 and 1, at position 3 (after 第一, 一条, 条 alone);
     * 董事 twice in unit 1, at 7 and 10 */
    const struct {
        const char *term;
        uint32_t df, units[2], tfs[2], pos[2];
    } want[] = {{"g公司", 2, {0, 1}, {1, 1}, {3, 3}}, {"g董事", 1, {1}, {2}, {7, 10}}};
    for (size_t k = 0; k < 2; k++) {
        gz_terminfo ti;
        int found;
        cr_assert_eq(gz_segment_term(s, want[k].term, strlen(want[k].term), &found, &ti), GZ_OK, "%s", want[k].term);
        cr_assert(found, "%s", want[k].term);
        cr_assert_eq(ti.df, want[k].df);
        gz_post p;
        cr_assert_eq(gz_post_open(&p, s, &ti), GZ_OK);
        for (uint32_t i = 0; i < want[k].df; i++) {
            cr_assert(p.unit == want[k].units[i] && p.tf == want[k].tfs[i], "%s: unit %u tf %u", want[k].term,
                      p.unit, p.tf);
            const uint32_t *pos, *span;
            uint32_t n;
            cr_assert_eq(gz_post_positions(&p, &pos, &span, &n), GZ_OK);
            cr_assert_eq(pos[0], want[k].pos[i], "%s: position %u", want[k].term, pos[0]);
            if (n > 1)
                cr_assert_eq(pos[1], want[k].pos[1]);
            gz_post_next(&p);
        }
        cr_assert_eq(p.unit, GZ_POST_END);
        gz_post_fini(&p);
    }
    gz_snapshot_close(snap);
}

/* The writer makes the same bytes from the same input: a change of the
 * layout shows here, and then the golden files and the version log. With
 * GAZETTE_GOLDEN_UPDATE=1 it writes the golden files anew instead (then
 * review and commit them). */
Test(golden_format, a_fresh_build_equals_the_golden_bytes)
{
    const char *update = getenv("GAZETTE_GOLDEN_UPDATE");
    if (update && strcmp(update, "1") == 0) {
        char path[4200];
        snprintf(path, sizeof path, "%s/index", GOLDEN_DIR);
        mkdir(path, 0755);
        build(path);
        damage(GOLDEN_DIR);
        return;
    }
    char dir[] = "/tmp/gz-golden-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    build(dir);
    const char *names[] = {"MANIFEST", seg_name()};
    for (size_t k = 0; k < 2; k++) {
        char a[4200], b[4200];
        snprintf(a, sizeof a, "%s/%s", dir, names[k]);
        snprintf(b, sizeof b, "%s/index/%s", GOLDEN_DIR, names[k]);
        size_t la = 0, lb = 0;
        char *x = th_read(a, &la), *y = th_read(b, &lb);
        cr_assert(x && y, "%s", b);
        cr_assert(la == lb && memcmp(x, y, la) == 0, "%s: %zu bytes built, %zu golden: regenerate "
                  "(scripts/golden-format.sh) and log the format change", names[k], la, lb);
        free(x);
        free(y);
        remove(a);
    }
    rmdir(dir);
}

Test(golden_format, damaged_copies_fail_with_their_status)
{
    const struct {
        const char *name;
        gz_status st;
        const char *says;
    } cases[] = {{"flipped-body.gzs", GZ_CORRUPT, "section "}, /* the damaged section named */
                 {"truncated.gzs", GZ_CORRUPT, "truncated"},
                 {"version2.gzs", GZ_VERSION, "index the sources again"}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/damaged/%s", GOLDEN_DIR, cases[k].name);
        gz_segment *s = NULL;
        gz_error err = {0};
        cr_assert_eq(gz_segment_open(path, &s, &err), cases[k].st, "%s: %s", cases[k].name, err.msg);
        cr_assert_null(s);
        cr_assert(strstr(err.msg, path) && strstr(err.msg, cases[k].says), "%s", err.msg);
    }
    gz_manifest m;
    gz_manifest_init(&m);
    gz_error err = {0};
    cr_assert_eq(gz_manifest_read(GOLDEN_DIR "/damaged/version2", &m, &err), GZ_VERSION, "%s", err.msg);
    cr_assert(strstr(err.msg, "index the sources again"), "%s", err.msg);
    gz_manifest_fini(&m);
}

/* gazette check on an index of another version says to index again, not
 * that a repair would do. */
Test(golden_format, check_tells_to_index_another_version_again)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    gz_error err = {0};
    cr_assert_eq(ix_check(GOLDEN_DIR "/damaged/version2", out, &err), GZ_VERSION);
    fclose(out);
    cr_assert(strstr(text, "BAD") && strstr(text, "index the sources again"), "%s", text);
    cr_assert_null(strstr(text, "repair"), "%s", text);
    free(text);
}
