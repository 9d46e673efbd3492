/* Bad and unusual input: each case is parsed correctly or refused with a
 * message naming the file and the reason; never a crash (run under ASan). */
#include "corpus/corpus.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <iconv.h>
#include <unistd.h>

static char dir[] = "/tmp/gz-badinput-XXXXXX";

static void mkdir_tmp(void) { cr_assert_not_null(mkdtemp(dir)); }

TestSuite(badinput, .init = mkdir_tmp);

static const char *write_tmp(const char *name, const void *data, size_t len)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
    return path;
}

static gz_status parse(const char *path, gz_doc *doc, gz_error *err)
{
    gz_doc_init(doc);
    memset(err, 0, sizeof *err);
    return cp_parse_file(path, CP_FORMAT_AUTO, doc, err);
}

static void expect_refused(const char *name, const void *data, size_t len, const char *reason)
{
    const char *path = write_tmp(name, data, len);
    gz_doc d;
    gz_error err;
    cr_assert_eq(parse(path, &d, &err), GZ_INVALID, "%s was not refused", name);
    cr_assert(strstr(err.msg, path), "message does not name the file: %s", err.msg);
    cr_assert(strstr(err.msg, reason), "message does not give the reason '%s': %s", reason, err.msg);
    gz_doc_fini(&d);
}

Test(badinput, empty_file_refused) { expect_refused("empty.txt", "", 0, "empty file"); }

Test(badinput, blank_file_refused) { expect_refused("blank.txt", "\n \r\n\xE3\x80\x80\n", 8, "no text"); }

Test(badinput, binary_file_refused)
{
    unsigned char bin[4096];
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < sizeof bin; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        bin[i] = (unsigned char)x;
    }
    bin[100] = 0;
    expect_refused("random.bin", bin, sizeof bin, "binary");
    /* control bytes without NUL: still binary */
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (unsigned char)(1 + i % 8);
    expect_refused("controls.bin", bin, sizeof bin, "binary");
}

/* A file is binary when more than 1% of its bytes are control bytes
 * other than tab, line feed, vertical tab, form feed and carriage return
 * (9 to 13): each control byte at the edges of those ranges (1, 8, 14,
 * 31) counts, and 9 to 13, 32 and 127 do not; 1% exactly is text. */
Test(badinput, control_bytes_are_counted_at_their_edges)
{
    static const unsigned char counted[] = {1, 8, 14, 31}, free_[] = {9, 10, 11, 12, 13, ' ', 127};
    char text[1600];
    for (size_t c = 0; c < sizeof counted; c++)
        for (int over = 0; over < 2; over++) {
            /* 1000 bytes; control bytes spread through them (across the
             * vector loop and its tail), 10 of them or 11 */
            size_t n = 1000;
            for (size_t i = 0; i < n; i++)
                text[i] = (char)(i % 50 == 49 ? '\n' : 'a' + i % 26);
            for (size_t k = 0; k < 40; k++) /* many of the free ones */
                text[3 + k * 23] = (char)free_[k % sizeof free_];
            for (size_t k = 0; k < 10u + (size_t)over; k++)
                text[7 + k * 89] = (char)counted[c];
            const char *path = write_tmp("controls.txt", text, n);
            gz_doc d;
            gz_error err;
            gz_status st = parse(path, &d, &err);
            if (over) {
                cr_assert_eq(st, GZ_INVALID, "byte %u: 11 in 1000 is binary", counted[c]);
                cr_assert(strstr(err.msg, "binary"), "%s", err.msg);
            } else {
                cr_assert_eq(st, GZ_OK, "byte %u: 10 in 1000 is text: %s", counted[c], err.msg);
            }
            gz_doc_fini(&d);
        }
}

Test(badinput, nul_bytes_refused)
{
    const char s[] = "第一条 为了规范\0个人独资企业的行为。";
    expect_refused("nul.txt", s, sizeof s - 1, "NUL byte at offset 22");
}

Test(badinput, invalid_utf8_refused_with_offset)
{
    char s[] = "第一条 为了规范个人独资企业的行为。\xFF\xFE\xFD";
    expect_refused("bad.txt", s, sizeof s - 1, "invalid UTF-8 at byte 52");
    char bom[] = "\xEF\xBB\xBF第一条\x80";
    expect_refused("badbom.txt", bom, sizeof bom - 1, "invalid UTF-8 at byte 12");
}

/* Converts with glibc's iconv, independent of the ICU path under test. */
static char *convert(const char *to, const char *s, size_t len, size_t *out_len)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    cr_assert_neq(cd, (iconv_t)-1);
    size_t cap = len * 4 + 16, left = cap;
    char *out = malloc(cap), *o = out, *in = (char *)s;
    size_t in_left = len;
    cr_assert_neq(iconv(cd, &in, &in_left, &o, &left), (size_t)-1, "iconv to %s failed", to);
    iconv_close(cd);
    *out_len = cap - left;
    return out;
}

static void expect_same_as_seed(const char *name, const char *bom, size_t bom_len, const char *to)
{
    size_t len, conv_len;
    char *utf8 = th_read(TH_SEED, &len);
    cr_assert_not_null(utf8);
    char *conv = to ? convert(to, utf8, len, &conv_len) : (conv_len = len, memcpy(malloc(len), utf8, len));
    char *file = malloc(bom_len + conv_len);
    memcpy(file, bom, bom_len);
    memcpy(file + bom_len, conv, conv_len);
    const char *path = write_tmp(name, file, bom_len + conv_len);

    gz_doc a, b;
    gz_error err;
    cr_assert_eq(parse(TH_SEED, &a, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(parse(path, &b, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(a.text_len, b.text_len, "%s: cleaned text differs in length", name);
    cr_assert_eq(memcmp(a.text, b.text, a.text_len), 0, "%s: cleaned text differs", name);
    cr_assert_eq(a.n_nodes, b.n_nodes, "%s: structure differs", name);
    for (size_t i = 0; i < a.n_nodes; i++) {
        cr_assert_eq(a.nodes[i].kind, b.nodes[i].kind);
        cr_assert_eq(a.nodes[i].start, b.nodes[i].start);
        cr_assert_eq(a.nodes[i].end, b.nodes[i].end);
        cr_assert_eq(a.nodes[i].number, b.nodes[i].number);
    }
    gz_doc_fini(&a);
    gz_doc_fini(&b);
    free(utf8);
    free(conv);
    free(file);
}

Test(badinput, gb18030_parses_like_utf8) { expect_same_as_seed("seed.gb18030.txt", "", 0, "GB18030"); }

Test(badinput, utf16le_with_bom_parses_like_utf8)
{
    expect_same_as_seed("seed.utf16le.txt", "\xFF\xFE", 2, "UTF-16LE");
}

Test(badinput, utf16be_with_bom_parses_like_utf8)
{
    expect_same_as_seed("seed.utf16be.txt", "\xFE\xFF", 2, "UTF-16BE");
}

Test(badinput, utf8_bom_parses_like_utf8) { expect_same_as_seed("seed.bom.txt", "\xEF\xBB\xBF", 3, NULL); }

Test(badinput, ten_megabyte_line)
{
    size_t unit = strlen("国有企业领导人员"), n = (10u << 20) / unit + 1;
    char *s = malloc(n * unit + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * unit, "国有企业领导人员", unit);
    const char *path = write_tmp("long.txt", s, n * unit);
    gz_doc d;
    gz_error err;
    cr_assert_eq(parse(path, &d, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(d.text_len, n * unit, "the line must be kept whole");
    cr_assert_eq(memcmp(d.text, s, d.text_len), 0);
    gz_doc_fini(&d);
    free(s);
}

Test(badinput, missing_file_named)
{
    gz_doc d;
    gz_error err;
    cr_assert_eq(parse("/nonexistent/gazette.txt", &d, &err), GZ_IO);
    cr_assert(strstr(err.msg, "/nonexistent/gazette.txt"));
    cr_assert(strstr(err.msg, "No such file"));
    gz_doc_fini(&d);
}

Test(badinput, every_allocation_failure_is_reported)
{
    size_t len;
    char *law = th_read(GZ_SAMPLE_DIR "/laws/电子签名法(2019-04-23).md", &len);
    cr_assert_not_null(law);
    /* fail the 0th, 1st, ... allocation until a parse gets through */
    int completed = 0;
    for (long n = 0; n < 100000 && !completed; n++) {
        gz_doc d;
        gz_error err = {0};
        gz_doc_init(&d);
        gz_alloc_fail_after(n);
        gz_status st = cp_parse_text("law.md", law, len, CP_FORMAT_AUTO, &d, &err);
        gz_alloc_fail_after(-1);
        cr_assert(st == GZ_OK || st == GZ_NOMEM, "allocation %ld: status %s", n, gz_status_str(st));
        completed = st == GZ_OK;
        gz_doc_fini(&d);
    }
    cr_assert(completed);
    free(law);
}

Test(badinput, a_title_is_bounded)
{
    size_t unit = strlen("国有企业"), n = 100000;
    char *s = malloc(n * unit + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * unit, "国有企业", unit);
    const char *path = write_tmp("title.txt", s, n * unit);
    gz_doc d;
    gz_error err;
    cr_assert_eq(parse(path, &d, &err), GZ_OK, "%s", err.msg);
    const char *title = gz_doc_get(&d, d.nodes[0].title);
    cr_assert_leq(strlen(title), 600);
    cr_assert_gt(strlen(title), 500);
    cr_assert_eq(gz_utf8_valid_prefix(title, strlen(title)), strlen(title), "cut on a character boundary");
    gz_doc_fini(&d);
    free(s);
}

/* A title's blanks go between two Han characters (a PDF's letter-spaced
 * 关 于 印 发) and stay between words of scripts that space their words:
 * a Mongolian title keeps its spaces, so its words do not run together. */
Test(badinput, title_blanks_dropped_only_between_han)
{
    const char md[] = "# ᠨᠢᠭᠡ ᠬᠣᠶᠠᠷ ᠭᠤᠷᠪᠠ\n\n第一条 ᠨᠢᠭᠡ ᠬᠣᠶᠠᠷ。\n";
    const char *path = write_tmp("mongol.md", md, sizeof md - 1);
    gz_doc d;
    gz_error err;
    cr_assert_eq(parse(path, &d, &err), GZ_OK, "%s", err.msg);
    cr_assert_str_eq(d.pool.data + d.nodes[0].title, "ᠨᠢᠭᠡ ᠬᠣᠶᠠᠷ ᠭᠤᠷᠪᠠ");
    gz_doc_fini(&d);

    const char zh[] = "# 关 于 印 发 办法\n\n第一条 内容。\n";
    path = write_tmp("spaced.md", zh, sizeof zh - 1);
    cr_assert_eq(parse(path, &d, &err), GZ_OK, "%s", err.msg);
    cr_assert_str_eq(d.pool.data + d.nodes[0].title, "关于印发办法");
    gz_doc_fini(&d);
}
