/* The gazette command as a person runs it: arguments are checked and named
 * when wrong, and what it prints cannot drive the terminal. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <unistd.h>

TestSuite(cli);

/* Runs a shell command; its exit status, its standard output and error in
 * out (caller frees). */
static int run(const char *cmd, char **out)
{
    char full[8192];
    snprintf(full, sizeof full, "%s 2>&1", cmd);
    FILE *p = popen(full, "r");
    cr_assert_not_null(p);
    gz_buf b;
    gz_buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        gz_buf_put(&b, chunk, n);
    int st = pclose(p);
    *out = strdup(gz_buf_cstr(&b));
    gz_buf_fini(&b);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(cli, serve_refuses_a_port_it_cannot_use_as_given)
{
    const char *bad[] = {"99999", "abc", "-1", "80x", "", "65536"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char cmd[4200], *out;
        snprintf(cmd, sizeof cmd, "timeout 5 %s/gazette serve --index /nonexistent --port '%s'", GZ_BUILD_DIR,
                 bad[i]);
        int st = run(cmd, &out);
        cr_assert_eq(st, 2, "--port '%s': exit %d: %s", bad[i], st, out);
        cr_assert(strstr(out, "--port"), "--port '%s': the message names it: %s", bad[i], out);
        free(out);
    }
    char cmd[4200], *out;
    snprintf(cmd, sizeof cmd, "timeout 5 %s/gazette serve --index /nonexistent --threads 0", GZ_BUILD_DIR);
    cr_assert_eq(run(cmd, &out), 2, "%s", out);
    free(out);
}

Test(cli, search_prints_control_bytes_of_file_names_escaped)
{
    char src[] = "/tmp/gz-cli-XXXXXX", idx[] = "/tmp/gz-cli-idx-XXXXXX";
    cr_assert_not_null(mkdtemp(src));
    cr_assert_not_null(mkdtemp(idx));
    /* a file name carrying a terminal escape (retitle, clear the screen) */
    char path[4200];
    snprintf(path, sizeof path, "%s/evil\x1b]0;pwned\x07\x1b[2J.md", src);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("# 测试转义条例\n\n<!-- INFO END -->\n\n第一条 终端转义测试的独特内容。\n", f);
    fclose(f);
    char cmd[8192], *out;
    snprintf(cmd, sizeof cmd, "%s/gazette index --quiet --index %s %s", GZ_BUILD_DIR, idx, src);
    cr_assert_eq(run(cmd, &out), 0, "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "%s/gazette search --index %s 终端转义测试", GZ_BUILD_DIR, idx);
    cr_assert_eq(run(cmd, &out), 0, "%s", out);
    cr_assert(strstr(out, "1 hits"), "%s", out);
    cr_assert_null(strchr(out, '\x1b'), "a raw ESC reached the terminal");
    cr_assert_null(strchr(out, '\x07'), "a raw BEL reached the terminal");
    cr_assert(strstr(out, "evil\\x1B]0;pwned\\x07\\x1B[2J.md"), "%s", out);
    free(out);
}

Test(cli, search_refuses_bad_numbers_and_filters_by_name)
{
    char cmd[4200], *out;
    snprintf(cmd, sizeof cmd, "%s/gazette search --index /nonexistent -n -1 x", GZ_BUILD_DIR);
    cr_assert_eq(run(cmd, &out), 2);
    cr_assert(strstr(out, "invalid value for -n: '-1'"), "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "%s/gazette search --index /nonexistent --offset 99999999999 x", GZ_BUILD_DIR);
    cr_assert_eq(run(cmd, &out), 2);
    cr_assert(strstr(out, "--offset"), "%s", out);
    free(out);
}

Test(cli, article_cited_by_lists_the_citing_articles)
{
    char idx[] = "/tmp/gz-cli-cited-XXXXXX";
    cr_assert_not_null(mkdtemp(idx));
    char cmd[8192], *out;
    snprintf(cmd, sizeof cmd, "%s/gazette index --quiet --index %s '%s/laws/公司法(2023-12-29).md'", GZ_BUILD_DIR, idx,
             GZ_SAMPLE_DIR);
    cr_assert_eq(run(cmd, &out), 0, "%s", out);
    free(out);
    /* 第二百三十二条 and 第二百三十三条 cite 本法第二百二十九条, 第二百三十条 前条 */
    snprintf(cmd, sizeof cmd, "%s/gazette article --index %s 公司法第二百二十九条 --cited-by", GZ_BUILD_DIR, idx);
    cr_assert_eq(run(cmd, &out), 0, "%s", out);
    cr_assert(strstr(out, "被引用: 3\n"), "%s", out);
    cr_assert(strstr(out, "中华人民共和国公司法 第二百三十二条"), "%s", out);
    free(out);
    /* its own references, for people: the text as written -> where it leads */
    snprintf(cmd, sizeof cmd, "%s/gazette article --index %s 公司法第二百三十二条", GZ_BUILD_DIR, idx);
    cr_assert_eq(run(cmd, &out), 0, "%s", out);
    cr_assert(strstr(out, "本法第二百二十九条第一款第一项 -> 中华人民共和国公司法 第二百二十九条第一款第一项"), "%s", out);
    free(out);
    /* search takes no --cited-by */
    snprintf(cmd, sizeof cmd, "%s/gazette search --index %s 公司 --cited-by", GZ_BUILD_DIR, idx);
    cr_assert_eq(run(cmd, &out), 2, "%s", out);
    cr_assert(strstr(out, "unknown option '--cited-by'"), "%s", out);
    free(out);
}
