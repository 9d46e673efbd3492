/* The HTTP API and page over real HTTP on loopback: answers, refusals,
 * escaping, and a reindex committing while requests run. */
#include "format/format.h"
#include "indexer/indexer.h"
#include "searcher/searcher.h"
#include "searcher/testing.h"
#include "server/server.h"
#include "gen/pdf_render.h"
#include "helpers.h"
#include "links_helpers.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char dir[] = "/tmp/gz-http-XXXXXX";
static char extra[] = "/tmp/gz-http-src-XXXXXX";
static char older[] = "/tmp/gz-http-2007-XXXXXX";
static sv_server *srv;
static unsigned port;

static void start(void)
{
    cr_assert_not_null(mkdtemp(dir));
    cr_assert_not_null(mkdtemp(extra));
    /* beside the 2023 bulletin, a notice of 2007: the year filter's test */
    th_write_corpus(older, "notice-2007.txt",
                    "伊金霍洛旗人民政府关于企业安全生产检查的通知\n\n伊政发〔2007〕9号\n\n各有关单位：\n\n"
                    "请各企业开展安全生产自查。\n\n伊金霍洛旗人民政府\n2007年3月1日\n");
    ix_options o = {.dir = dir, .threads = 2};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {GZ_SAMPLE_DIR "/seed", older};
    cr_assert_eq(ix_index(&o, paths, 2, &r, &err), GZ_OK, "%s", err.msg);
    sv_options so = {.index_dir = dir, .bind = "127.0.0.1", .port = 0, .threads = 4};
    cr_assert_eq(sv_server_open(&so, &srv, &port, &err), GZ_OK, "%s", err.msg);
}

static void stop(void) { sv_server_close(srv); }

TestSuite(http, .init = start, .fini = stop, .timeout = 300);

/* The headers of the last answer http_raw read with a body asked for. */
static char last_headers[4096];

/* Sends raw request bytes; returns the status and puts the body in *body. */
static int http_raw(const char *req, size_t len, gz_buf *body)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    if (write(fd, req, len) != (ssize_t)len) {
        close(fd);
        return -1;
    }
    gz_buf all;
    gz_buf_init(&all);
    char chunk[65536];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) > 0)
        gz_buf_put(&all, chunk, (size_t)n);
    close(fd);
    int status = -1;
    const char *s = gz_buf_cstr(&all);
    if (sscanf(s, "HTTP/1.%*d %d", &status) != 1)
        status = -1;
    const char *b = strstr(s, "\r\n\r\n");
    if (body) {
        snprintf(last_headers, sizeof last_headers, "%.*s", b ? (int)(b - s) : 0, s);
        body->len = 0;
        if (b)
            gz_buf_put(body, b + 4, all.len - (size_t)(b + 4 - s));
        gz_buf_cstr(body);
    }
    gz_buf_fini(&all);
    return status;
}

static int get(const char *path, gz_buf *body)
{
    char req[16384];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", path);
    return http_raw(req, (size_t)n, body);
}

Test(http, api_search_answers_the_cli_json)
{
    gz_buf b;
    gz_buf_init(&b);
    cr_assert_eq(get("/api/search?q=%E8%81%8C%E5%B7%A5%E4%BB%A3%E8%A1%A8%E5%A4%A7%E4%BC%9A&n=3", &b), 200);
    json_object *o = json_tokener_parse(b.data), *hits, *u, *v;
    cr_assert_not_null(o, "%.200s", b.data);
    json_object_object_get_ex(o, "hits", &hits);
    json_object_object_get_ex(json_object_array_get_idx(hits, 0), "unit", &u);
    json_object_object_get_ex(u, "label", &v);
    cr_assert_str_eq(json_object_get_string(v), "第四十四条");
    json_object_put(o);
    /* the same JSON as the searcher gives the CLI */
    sr_index *ix;
    gz_error err;
    cr_assert_eq(sr_index_open(dir, &ix, &err), GZ_OK);
    gz_buf cli;
    gz_buf_init(&cli);
    sr_request rq = {.query = "职工代表大会", .n = 3};
    cr_assert_eq(sr_search_json(ix, &rq, &cli, &err), GZ_OK);
    cr_assert_str_eq(b.data, gz_buf_cstr(&cli));
    sr_index_close(ix);
    gz_buf_fini(&cli);
    gz_buf_fini(&b);
}

Test(http, api_article_and_doc)
{
    gz_buf b;
    gz_buf_init(&b);
    cr_assert_eq(get("/api/article?ref=%E7%AC%AC%E5%9B%9B%E5%8D%81%E5%85%AD%E6%9D%A1", &b), 200);
    cr_assert(strstr(b.data, "纪委书记不得兼任其他职务或者分管其他工作。"), "%.300s", b.data);
    cr_assert_eq(get("/api/doc/1-1", &b), 200);
    cr_assert(strstr(b.data, "\"units\":["));
    cr_assert_eq(get("/api/doc/99-99", &b), 404);
    gz_buf_fini(&b);
}

Test(http, page_escapes_what_it_echoes)
{
    gz_buf b;
    gz_buf_init(&b);
    cr_assert_eq(get("/?q=%3Cscript%3Ealert(1)%3C/script%3E", &b), 200);
    cr_assert_null(strstr(b.data, "<script>"), "a raw <script> was echoed");
    cr_assert(strstr(b.data, "&lt;script&gt;"));
    cr_assert_eq(get("/?q=%E9%83%9D%E6%B0%B8%E6%B8%85", &b), 200);
    cr_assert(strstr(b.data, "<mark>郝永清</mark>"), "highlighted in the page");
    /* by document: the other matching places of a document are linked */
    cr_assert_eq(get("/?q=%E4%BC%81%E4%B8%9A&unit=document", &b), 200);
    cr_assert(strstr(b.data, "本文件共") && strstr(b.data, "处匹配"), "a document hit lists its other places");
    gz_buf_fini(&b);
}

Test(http, refusals)
{
    gz_buf b;
    gz_buf_init(&b);
    cr_assert_eq(get("/../etc/passwd", &b), 400);
    cr_assert_eq(get("/static/../../etc/passwd", &b), 400);
    cr_assert_eq(get("/static/%2e%2e/%2e%2e/etc/passwd", &b), 400);
    cr_assert_eq(get("/etc/passwd", &b), 404);
    cr_assert_eq(get("/api/nothing", &b), 404);
    char big[3000] = "/api/search?q=";
    memset(big + strlen(big), 'a', 2000);
    cr_assert_eq(get(big, &b), 413);
    const char post[] = "POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc";
    cr_assert_eq(http_raw(post, sizeof post - 1, &b), 405);
    const char junk[] = "GARBAGE\r\n\r\n";
    int st = http_raw(junk, sizeof junk - 1, &b);
    cr_assert(st == 400 || st == -1, "malformed request: %d", st);
    /* invalid UTF-8 in a parameter */
    cr_assert_eq(get("/api/search?q=%FF%FE%E4", &b), 200);
    json_object *o = json_tokener_parse(b.data);
    cr_assert_not_null(o, "still JSON: %.100s", b.data);
    json_object_put(o);
    gz_buf_fini(&b);
}

/* The whole answer, headers too, of a raw request. */
static void http_all(const char *req, gz_buf *all)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    all->len = 0;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0 && write(fd, req, strlen(req)) == (ssize_t)strlen(req)) {
        char chunk[65536];
        ssize_t n;
        while ((n = read(fd, chunk, sizeof chunk)) > 0)
            gz_buf_put(all, chunk, (size_t)n);
    }
    close(fd);
    gz_buf_cstr(all);
}

Test(http, filters_cannot_be_widened_by_the_query)
{
    gz_buf b;
    gz_buf_init(&b);
    /* q=企业 OR&year=2007: the 2007 notice only, whatever the OR */
    const char *paths[] = {"/api/search?q=%E4%BC%81%E4%B8%9A%20OR&year=2007&n=100",
                           "/api/search?q=%E4%BC%81%E4%B8%9A%20OR%20(&year=2007&n=100",
                           "/api/search?q=%E4%BC%81%E4%B8%9A%20OR%20year:2023&year=2007&n=100"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        cr_assert_eq(get(paths[i], &b), 200);
        json_object *o = json_tokener_parse(b.data), *hits, *total;
        cr_assert_not_null(o, "%.200s", b.data);
        json_object_object_get_ex(o, "hits", &hits);
        json_object_object_get_ex(o, "total", &total);
        cr_assert_gt(json_object_get_int(total), 0);
        for (size_t k = 0; k < json_object_array_length(hits); k++) {
            json_object *d;
            json_object_object_get_ex(json_object_array_get_idx(hits, k), "date", &d);
            cr_assert(strncmp(json_object_get_string(d), "2007-", 5) == 0, "%s: a hit of %s", paths[i],
                      json_object_get_string(d));
        }
        json_object_put(o);
    }
    /* the page too, and a bad filter is refused naming it */
    cr_assert_eq(get("/?q=%E4%BC%81%E4%B8%9A%20OR&year=2007", &b), 200);
    cr_assert_null(strstr(b.data, "2023-"), "the page shows another year");
    cr_assert_eq(get("/api/search?q=a&year=20x7", &b), 400);
    cr_assert(strstr(b.data, "year:"), "%s", b.data);
    cr_assert_eq(get("/api/search?q=a&kind=poem", &b), 400);
    gz_buf_fini(&b);
}

Test(http, a_cut_query_says_partial_in_json_and_on_the_page)
{
    gz_buf b;
    gz_buf_init(&b);
    /* 40 different words: past SR_MAX_WORDS */
    char path[4096] = "/api/search?q=";
    const char *w = "%E6%94%BF%E5%BA%9C%20"; /* 政府 then a blank */
    for (int i = 0; i < 40; i++)
        snprintf(path + strlen(path), sizeof path - strlen(path), "%s%d%%20", w, i);
    cr_assert_eq(get(path, &b), 200);
    cr_assert(strstr(b.data, "\"partial\":true"), "%.300s", b.data);
    char page[4096] = "/";
    strcat(page, strstr(path, "?"));
    cr_assert_eq(get(page, &b), 200);
    cr_assert(strstr(b.data, "部分结果"), "the page says the answer is partial");
    cr_assert_eq(get("/api/search?q=%E6%94%BF%E5%BA%9C", &b), 200);
    cr_assert(strstr(b.data, "\"partial\":false"));
    gz_buf_fini(&b);
}

Test(http, small_refusals_each_with_its_status)
{
    gz_buf b, all;
    gz_buf_init(&b);
    gz_buf_init(&all);
    /* ~920 parameters in a 7 KB URL: 414, not a dropped connection */
    char many[16384] = "/api/search?q=a";
    for (int i = 0; i < 920; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "&x%d=1", i);
    cr_assert_eq(get(many, &b), 414);
    /* offsets out of range, negative, past 2^64: 400, not 500 */
    cr_assert_eq(get("/api/search?q=a&offset=1000000000", &b), 400);
    cr_assert(strstr(b.data, "offset"), "%s", b.data);
    cr_assert_eq(get("/api/search?q=a&offset=-1", &b), 400);
    cr_assert_eq(get("/api/search?q=a&offset=18446744073709551617", &b), 400);
    cr_assert_eq(get("/api/search?q=a&n=abc", &b), 400);
    cr_assert_eq(get("/?q=a&page=-1", &b), 400);
    cr_assert_eq(get("/api/search?q=a&offset=20", &b), 200);
    /* a NUL in the path or a parameter */
    cr_assert_eq(get("/static/app.css%00.txt", &b), 400);
    cr_assert_eq(get("/api/search?q=%E8%81%8C%00%E5%B7%A5", &b), 400);
    /* two Content-Length headers */
    const char two[] = "GET /api/search?q=a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 5\r\n"
                       "Connection: close\r\n\r\n";
    cr_assert_eq(http_raw(two, sizeof two - 1, &b), 400);
    /* 405 says what is allowed; no page may be framed */
    http_all("DELETE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &all);
    cr_assert(strstr(all.data, " 405 "), "%.100s", all.data);
    cr_assert(strstr(all.data, "Allow: GET, HEAD\r\n"), "%.400s", all.data);
    http_all("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &all);
    cr_assert(strstr(all.data, "frame-ancestors 'none'"), "%.400s", all.data);
    gz_buf_fini(&b);
    gz_buf_fini(&all);
}

static atomic_int failures, done_flag, requests;

static void *hammer(void *arg)
{
    (void)arg;
    gz_buf b;
    gz_buf_init(&b);
    while (!atomic_load(&done_flag)) {
        int st = get("/api/search?q=%E4%BC%81%E4%B8%9A&n=5", &b);
        if (st != 200 || !strstr(b.data, "\"total\""))
            atomic_fetch_add(&failures, 1);
        atomic_fetch_add(&requests, 1);
    }
    gz_buf_fini(&b);
    return NULL;
}

Test(http, reindex_during_requests_fails_none)
{
    pthread_t th[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&th[i], NULL, hammer, NULL);
    /* a new file, committed while the requests run */
    char path[512];
    snprintf(path, sizeof path, "%s/notice.txt", extra);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("伊金霍洛旗人民政府关于测试热更新的通知\n\n伊政发〔2024〕1号\n\n各有关单位：\n\n"
          "热更新检索测试正文，独一无二的词语：鄂托克前旗验证。\n\n伊金霍洛旗人民政府\n2024年1月2日\n", f);
    fclose(f);
    ix_options o = {.dir = dir, .threads = 1};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {extra};
    usleep(200000);
    cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
    usleep(300000);
    atomic_store(&done_flag, 1);
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    cr_assert_eq(atomic_load(&failures), 0, "%d of %d requests failed", atomic_load(&failures),
                 atomic_load(&requests));
    cr_assert_gt(atomic_load(&requests), 10);
    /* the new commit is served without a restart */
    gz_buf b;
    gz_buf_init(&b);
    cr_assert_eq(get("/api/search?q=%E9%84%82%E6%89%98%E5%85%8B%E5%89%8D%E6%97%97%E9%AA%8C%E8%AF%81", &b), 200);
    cr_assert(strstr(b.data, "\"total\":1"), "%.300s", b.data);
    gz_buf_fini(&b);
}

/* The segment file of the highest id in dir. */
static void newest_segment(char *out, size_t cap)
{
    unsigned best = 0;
    for (unsigned id = 1; id < 1000; id++) {
        char p[4200];
        gz_path_segment(p, sizeof p, dir, id);
        if (access(p, F_OK) == 0)
            best = id;
    }
    cr_assert_gt(best, 0);
    gz_path_segment(out, cap, dir, best);
}

Test(http, a_damaged_commit_is_said_and_the_last_good_one_served)
{
    gz_buf b;
    gz_buf_init(&b);
    const char *q = "/api/search?q=%E8%81%8C%E5%B7%A5%E4%BB%A3%E8%A1%A8%E5%A4%A7%E4%BC%9A&n=3";
    cr_assert_eq(get(q, &b), 200);
    cr_assert_null(strstr(b.data, "index_damaged"));
    /* a new commit whose new segment is then damaged on disk */
    char path[4200];
    snprintf(path, sizeof path, "%s/notice.txt", extra);
    FILE *f = fopen(path, "w");
    fputs("关于损坏测试的通知\n\n各有关单位：\n\n损坏测试正文。\n", f);
    fclose(f);
    ix_options o = {.dir = dir, .threads = 1, .log = fopen("/dev/null", "w")};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {GZ_SAMPLE_DIR "/seed", extra};
    cr_assert_eq(ix_index(&o, paths + 1, 1, &r, &err), GZ_OK, "%s", err.msg);
    char seg[4200];
    newest_segment(seg, sizeof seg);
    size_t len;
    char *img = th_read(seg, &len);
    img[len / 2] ^= 0x5a;
    f = fopen(seg, "wb");
    fwrite(img, 1, len, f);
    fclose(f);
    const char *name = strrchr(seg, '/') + 1;
    /* the API and the page say so, naming the file but no server path, and
     * answer from the last good commit */
    cr_assert_eq(get(q, &b), 200);
    cr_assert(strstr(b.data, "\"index_damaged\"") && strstr(b.data, name), "%.300s", b.data);
    cr_assert_null(strstr(b.data, dir), "no server path: %.300s", b.data);
    cr_assert(strstr(b.data, "第四十四条"), "the last good answer: %.300s", b.data);
    cr_assert_eq(get("/?q=%E8%81%8C%E5%B7%A5", &b), 200);
    cr_assert(strstr(b.data, "索引已损坏") && strstr(b.data, name), "%.300s", b.data);
    /* a server holding no good commit answers 503, saying why */
    sv_server *other;
    unsigned other_port, keep = port;
    sv_options so = {.index_dir = dir, .bind = "127.0.0.1", .port = 0, .threads = 2};
    cr_assert_eq(sv_server_open(&so, &other, &other_port, &err), GZ_OK, "%s", err.msg);
    port = other_port;
    cr_assert_eq(get(q, &b), 503);
    cr_assert(strstr(b.data, "index damaged") && strstr(b.data, name), "%.300s", b.data);
    cr_assert_null(strstr(b.data, dir), "no server path: %.300s", b.data);
    cr_assert_eq(get("/?q=%E8%81%8C%E5%B7%A5", &b), 503);
    cr_assert(strstr(b.data, "索引已损坏"), "%.300s", b.data);
    /* repaired in place: served again, damage no longer said */
    o.repair = 1;
    cr_assert_eq(ix_index(&o, paths, 2, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(r.damaged_segments, 1);
    cr_assert_eq(get(q, &b), 200);
    cr_assert_null(strstr(b.data, "index_damaged"), "%.300s", b.data);
    port = keep;
    sv_server_close(other);
    fclose(o.log);
    free(img);
    gz_buf_fini(&b);
}

/* ---------------------------------------------------- /source/ID: files */

/* Writes text to folder/name. */
static void write_file(const char *folder, const char *name, const char *text)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", folder, name);
    FILE *f = fopen(path, "w");
    cr_assert(f && fputs(text, f) >= 0 && fclose(f) == 0, "%s", path);
}

/* A bulletin notice whose body holds word. */
static void write_notice(const char *folder, const char *name, const char *word)
{
    char text[1024];
    snprintf(text, sizeof text,
             "伊金霍洛旗人民政府关于%s的通知\n\n伊政发〔2021〕3号\n\n各有关单位：\n\n请做好%s工作。\n\n"
             "伊金霍洛旗人民政府\n2021年5月6日\n",
             word, word);
    write_file(folder, name, text);
}

/* An index of src, served on a port of its own (the test's `port`). */
static sv_server *serve_corpus(char *src, char *ix)
{
    cr_assert_not_null(mkdtemp(ix));
    ix_options o = {.dir = ix, .threads = 1};
    ix_report r;
    gz_error err = {0};
    char *paths[] = {src};
    cr_assert_eq(ix_index(&o, paths, 1, &r, &err), GZ_OK, "%s", err.msg);
    sv_server *s;
    sv_options so = {.index_dir = ix, .bind = "127.0.0.1", .port = 0, .threads = 2};
    cr_assert_eq(sv_server_open(&so, &s, &port, &err), GZ_OK, "%s", err.msg);
    return s;
}

/* The id of the document read from source, by a search for word. */
static void id_of(const char *word_enc, const char *source, char *id, size_t cap)
{
    gz_buf b;
    gz_buf_init(&b);
    char q[256];
    snprintf(q, sizeof q, "/api/search?q=%s&n=50", word_enc);
    cr_assert_eq(get(q, &b), 200);
    json_object *o = json_tokener_parse(b.data), *hits, *v;
    cr_assert(json_object_object_get_ex(o, "hits", &hits), "%.300s", b.data);
    id[0] = 0;
    for (size_t i = 0; i < json_object_array_length(hits); i++) {
        json_object *h = json_object_array_get_idx(hits, i);
        json_object_object_get_ex(h, "source", &v);
        if (strcmp(json_object_get_string(v), source) == 0) {
            json_object_object_get_ex(h, "id", &v);
            snprintf(id, cap, "%s", json_object_get_string(v));
        }
    }
    json_object_put(o);
    gz_buf_fini(&b);
    cr_assert(id[0], "no hit from %s", source);
}

#define GONGGAO "%E5%85%AC%E5%91%8A" /* 公告 */

/* serve_corpus, then the id (64 bytes) of source's document, which holds
 * 公告, and *b made ready. */
static sv_server *serve_and_find(char *src, char *ix, const char *source, char *id, gz_buf *b)
{
    sv_server *s = serve_corpus(src, ix);
    id_of(GONGGAO, source, id, 64);
    gz_buf_init(b);
    return s;
}

/* Fails before (every /source/ path was 404, no route): an indexed file is
 * served as it is on disk, text as text/plain, archived HTML never as
 * HTML; nothing else is reachable: .., encoded .., an id of no document,
 * an id that is no id, each 404 without a byte of the file named. */
Test(http, source_serves_the_indexed_files_only)
{
    char src[] = "/tmp/gz-http-source-XXXXXX", ix[] = "/tmp/gz-http-source-ix-XXXXXX";
    cr_assert_not_null(mkdtemp(src));
    write_notice(src, "a.txt", "公告");
    write_notice(src, "公告 v1.log", "公告");
    write_file(src, "page.html",
               "<html><head><meta charset=\"utf-8\"><title>关于公告的通知</title><script>alert(1)</script></head>"
               "<body><h1>关于公告的通知</h1><p>各有关单位：请做好公告工作。</p></body></html>");
    char pdf[4200];
    snprintf(pdf, sizeof pdf, "%s/notice.pdf", src);
    const char *text = "伊金霍洛旗人民政府关于公告的通知\n\n各有关单位：\n\n请做好公告工作。\n";
    cr_assert_eq(th_pdf_render(pdf, text, strlen(text), NULL, NULL), 1);
    char id[64], url[256];
    gz_buf b;
    sv_server *s = serve_and_find(src, ix, "a.txt", id, &b);
    snprintf(url, sizeof url, "/source/%s", id);
    cr_assert_eq(get(url, &b), 200);
    size_t len;
    char apath[4200];
    snprintf(apath, sizeof apath, "%s/a.txt", src);
    char *want = th_read(apath, &len);
    cr_assert(b.len == len && memcmp(b.data, want, len) == 0, "%.200s", b.data);
    free(want);
    cr_assert(strstr(last_headers, "Content-Type: text/plain; charset=utf-8"), "%s", last_headers);
    /* archived HTML: text in a sandbox, never active on our origin */
    id_of(GONGGAO, "page.html", id, sizeof id);
    snprintf(url, sizeof url, "/source/%s", id);
    cr_assert_eq(get(url, &b), 200);
    cr_assert(strstr(b.data, "<script>alert(1)</script>"), "the file as it is: %.200s", b.data);
    cr_assert(strstr(last_headers, "Content-Type: text/plain\r\n"), "%s", last_headers);
    cr_assert(strstr(last_headers, "Content-Security-Policy: sandbox; default-src 'none'"), "%s", last_headers);
    cr_assert(strstr(last_headers, "X-Content-Type-Options: nosniff"), "%s", last_headers);
    /* a PDF: as it is, for the browser's viewer, at the hit's page */
    id_of(GONGGAO, "notice.pdf", id, sizeof id);
    snprintf(url, sizeof url, "/source/%s", id);
    cr_assert_eq(get(url, &b), 200);
    cr_assert(b.len > 4 && memcmp(b.data, "%PDF", 4) == 0);
    cr_assert(strstr(last_headers, "Content-Type: application/pdf\r\n"), "%s", last_headers);
    cr_assert(strstr(last_headers, "Content-Security-Policy: default-src 'none'"), "%s", last_headers);
    cr_assert_null(strstr(last_headers, "Content-Disposition"), "%s", last_headers);
    cr_assert_eq(get("/?q=%E5%85%AC%E5%91%8A", &b), 200);
    snprintf(url, sizeof url, "<a href=\"/source/%s#page=1\">notice.pdf</a> · 第1页", id);
    cr_assert(strstr(b.data, url), "%s", b.data);
    /* a type the page does not show: a download, under its own name */
    id_of(GONGGAO, "公告 v1.log", id, sizeof id);
    snprintf(url, sizeof url, "/source/%s", id);
    cr_assert_eq(get(url, &b), 200);
    cr_assert(strstr(last_headers, "Content-Type: application/octet-stream\r\n"), "%s", last_headers);
    cr_assert(strstr(last_headers, "Content-Disposition: attachment; filename*=UTF-8''%E5%85%AC%E5%91%8A%20v1.log\r\n"),
              "%s", last_headers);
    /* nothing else */
    const char *bad[] = {"/source/../../../../etc/passwd",
                         "/source/..%2f..%2f..%2f..%2fetc%2fpasswd",
                         "/source/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                         "/source/%2E%2E/%2E%2E/etc/passwd",
                         "/source/%2fetc%2fpasswd",
                         "/source//etc/passwd",
                         "/source/d0000000000000000-0",
                         "/source/99-0",
                         "/source/1-99",
                         "/source/a.txt",
                         "/source/"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(get(bad[i], &b), 404, "%s: %.200s", bad[i], b.data);
        cr_assert_null(strstr(b.data, "root:"), "%s", bad[i]);
        cr_assert_null(strstr(b.data, "请做好公告工作"), "%s", bad[i]);
    }
    sv_server_close(s);
    gz_buf_fini(&b);
}

/* Fails before (no route). A source replaced by a link pointing out of
 * the indexed folder, or under a folder replaced by one, is not served:
 * 404, and not a byte of what the link points at. */
Test(http, source_follows_no_link_out)
{
    char src[] = "/tmp/gz-http-links-XXXXXX", ix[] = "/tmp/gz-http-links-ix-XXXXXX",
         out[] = "/tmp/gz-http-outside-XXXXXX";
    cr_assert_not_null(mkdtemp(src));
    cr_assert_not_null(mkdtemp(out));
    char sub[4200], p[4200], q[4200];
    snprintf(sub, sizeof sub, "%s/sub", src);
    cr_assert_eq(mkdir(sub, 0755), 0);
    write_notice(src, "c.txt", "公告");
    write_notice(sub, "d.txt", "公告");
    write_notice(out, "d.txt", "绝密"); /* the same name, outside */
    sv_server *s = serve_corpus(src, ix);
    char idc[64], idd[64], url[128];
    id_of(GONGGAO, "c.txt", idc, sizeof idc);
    id_of(GONGGAO, "sub/d.txt", idd, sizeof idd);
    gz_buf b;
    gz_buf_init(&b);
    snprintf(url, sizeof url, "/source/%s", idd);
    cr_assert_eq(get(url, &b), 200);
    /* c.txt becomes a link to /etc/passwd */
    snprintf(p, sizeof p, "%s/c.txt", src);
    cr_assert_eq(unlink(p), 0);
    cr_assert_eq(symlink("/etc/passwd", p), 0);
    snprintf(url, sizeof url, "/source/%s", idc);
    cr_assert_eq(get(url, &b), 404, "%.200s", b.data);
    cr_assert_null(strstr(b.data, "root:"));
    /* sub/ becomes a link to a folder outside holding a d.txt */
    snprintf(q, sizeof q, "%s/sub-moved", src);
    cr_assert_eq(rename(sub, q), 0);
    cr_assert_eq(symlink(out, sub), 0);
    snprintf(url, sizeof url, "/source/%s", idd);
    cr_assert_eq(get(url, &b), 404, "%.200s", b.data);
    cr_assert_null(strstr(b.data, "绝密"));
    sv_server_close(s);
    gz_buf_fini(&b);
}

/* Fails before: a hit showed neither its page nor a link to the original.
 * A source with page ends (a form feed, as pdftotext writes them): the hit
 * on page 2 says 第2页 and links the original at that page. */
Test(http, a_hit_from_a_paged_source_says_its_page)
{
    char src[] = "/tmp/gz-http-paged-XXXXXX", ix[] = "/tmp/gz-http-paged-ix-XXXXXX";
    cr_assert_not_null(mkdtemp(src));
    write_file(src, "paged.txt",
               "伊金霍洛旗人民政府关于公告的通知\n\n伊政发〔2021〕3号\n\n各有关单位：\n\n请做好公告工作。\n\f"
               "另请注意乌兰木伦镇的防汛安排。\n\n伊金霍洛旗人民政府\n2021年5月6日\n");
    char id[64], want[160];
    gz_buf b;
    sv_server *s = serve_and_find(src, ix, "paged.txt", id, &b);
    cr_assert_eq(get("/?q=%E4%B9%8C%E5%85%B0%E6%9C%A8%E4%BC%A6%E9%95%87", &b), 200); /* 乌兰木伦镇 */
    snprintf(want, sizeof want, "<a href=\"/source/%s#page=2\">paged.txt</a> · 第2页", id);
    cr_assert(strstr(b.data, want), "%s", b.data);
    cr_assert(strstr(b.data, "<a class=\"t\" href=\"/doc/"), "%s", b.data);
    sv_server_close(s);
    gz_buf_fini(&b);
}

/* Fails before: the document page of a 10-chapter regulation had no table
 * of contents, and its meta line could hold empty fields. Every entry of
 * the table links to an anchor on the page, of a 章 whose first line the
 * entry shows. */
Test(http, the_law_view_has_a_toc_whose_anchors_exist)
{
    char id[64];
    id_of("%E8%81%8C%E5%B7%A5%E4%BB%A3%E8%A1%A8%E5%A4%A7%E4%BC%9A", "yijinhuoluo-2023-11-12.txt", id, sizeof id);
    gz_buf b;
    gz_buf_init(&b);
    char url[256];
    snprintf(url, sizeof url, "/doc/%s", id);
    cr_assert_eq(get(url, &b), 200);
    const char *toc = strstr(b.data, "<details class=\"toc fold\"><summary>目录</summary>");
    cr_assert_not_null(toc, "%.2000s", b.data);
    const char *toc_end = strstr(toc, "</details>");
    size_t n = 0;
    for (const char *a = strstr(toc, "href=\"#u-"); a && a < toc_end; a = strstr(a + 1, "href=\"#u-")) {
        char anchor[64], text[256], want[400];
        cr_assert_eq(sscanf(a, "href=\"#%63[^\"]\">%255[^<]", anchor, text), 2);
        snprintf(want, sizeof want, "<div id=\"%s\" class=\"unit chapter\">%s", anchor, text);
        cr_assert(strstr(b.data, want), "%s: no chapter opening with %s", anchor, text);
        n++;
    }
    cr_assert_geq(n, 10, "%zu entries", n);
    cr_assert(strstr(b.data, "第七章 管理监督"));
    /* opened at 第七章, the page starts there: the table is still the whole
     * document's, the chapters before it linked to the pages they start */
    char unit[64];
    const char *ch7 = strstr(toc, "\">第七章");
    cr_assert_not_null(ch7);
    while (ch7 > toc && strncmp(ch7 - 3, "#u-", 3) != 0)
        ch7--;
    cr_assert_eq(sscanf(ch7, "%63[^\"]", unit), 1);
    snprintf(url, sizeof url, "/doc/%s?u=%s", id, unit);
    cr_assert_eq(get(url, &b), 200);
    toc = strstr(b.data, "<summary>目录</summary>");
    cr_assert_not_null(toc);
    char before[256], here[128];
    snprintf(before, sizeof before, "<a href=\"/doc/%s?u=", id);
    snprintf(here, sizeof here, "<a href=\"#u-%s\">第七章", unit);
    const char *first = strstr(toc, "<li class=\"lv0\">");
    cr_assert(first && strncmp(first + strlen("<li class=\"lv0\">"), before, strlen(before)) == 0, "%.600s", toc);
    cr_assert(strstr(toc, here), "%.2000s", toc);
    cr_assert(strstr(toc, "第一章") && strstr(toc, "第十章"), "%.2000s", toc);
    /* the meta line: no empty field between two dots */
    const char *meta = strstr(b.data, "<p class=\"meta\">");
    cr_assert_not_null(meta);
    cr_assert_null(strstr(meta, "·  ·"));
    cr_assert_null(strstr(meta, "· ·"));
    gz_buf_fini(&b);
}

/* The value of header name in a whole answer, into out ("" if none). */
static void header(const gz_buf *all, const char *name, char *out, size_t cap)
{
    char want[64];
    snprintf(want, sizeof want, "\r\n%s: ", name);
    const char *h = strstr(all->data, want), *e = h ? strstr(h + 2, "\r\n") : NULL;
    snprintf(out, cap, "%.*s", e ? (int)(e - h - strlen(want)) : 0, e ? h + strlen(want) : "");
}

/* A link taken from the page before the nightly job (another file edited,
 * indexed again, optimize) opens the same document after it: the page
 * redirects to the lasting link, at the same article; the API answers
 * with the document and says moved_from. A removed file's link: 404. */
Test(http, a_link_taken_before_the_nightly_job_redirects_after_it)
{
    char idx[] = "/tmp/gz-http-moved-XXXXXX", laws[] = "/tmp/gz-http-laws-XXXXXX", *both[2];
    th_two_segments(idx, laws, both);
    ix_options o = {.dir = idx, .threads = 2, .prune = 1};
    ix_report r;
    gz_error err = {0};
    sv_server *s2;
    sv_options so = {.index_dir = idx, .bind = "127.0.0.1", .port = 0, .threads = 2};
    cr_assert_eq(sv_server_open(&so, &s2, &port, &err), GZ_OK, "%s", err.msg);
    /* 电子签名法 第二条: its link as the results page gives it */
    gz_buf b, all;
    gz_buf_init(&b);
    gz_buf_init(&all);
    cr_assert_eq(get("/api/search?q=%E7%94%B5%E5%AD%90%E7%AD%BE%E5%90%8D%E7%AC%AC%E4%BA%8C%E6%9D%A1&n=1", &b), 200);
    json_object *ans = json_tokener_parse(b.data), *hits, *h, *u, *v;
    json_object_object_get_ex(ans, "hits", &hits);
    cr_assert_eq(json_object_array_length(hits), 1, "%.300s", b.data);
    h = json_object_array_get_idx(hits, 0);
    char at[32], unit[48], lasting[48], label[64], title[256];
    json_object_object_get_ex(h, "at", &v);
    snprintf(at, sizeof at, "%s", json_object_get_string(v));
    json_object_object_get_ex(h, "id", &v);
    snprintf(lasting, sizeof lasting, "%s", json_object_get_string(v));
    json_object_object_get_ex(h, "title", &v);
    snprintf(title, sizeof title, "%s", json_object_get_string(v));
    json_object_object_get_ex(h, "unit", &u);
    json_object_object_get_ex(u, "id", &v);
    snprintf(unit, sizeof unit, "%s", json_object_get_string(v));
    json_object_object_get_ex(u, "label", &v);
    snprintf(label, sizeof label, "%s", json_object_get_string(v));
    json_object_put(ans);
    cr_assert(strstr(title, "电子签名法"), "%s", title);
    /* the nightly job */
    th_append(laws, "公司法(2023-12-29).md", "\n第九百条 本条为修改后新增的内容。\n");
    cr_assert_eq(ix_index(&o, both, 2, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(ix_optimize(&o, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_geq(r.segments_merged, 2);
    /* the page: 301 to the lasting link at the same article */
    char req[512], loc[256];
    snprintf(req, sizeof req, "GET /doc/%s?u=%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", at, unit);
    http_all(req, &all);
    cr_assert(strstr(all.data, " 301 "), "%.300s", all.data);
    header(&all, "Location", loc, sizeof loc);
    char want[128];
    snprintf(want, sizeof want, "/doc/%s?u=", lasting);
    cr_assert(strncmp(loc, want, strlen(want)) == 0, "Location: %s", loc);
    cr_assert_null(strstr(loc, unit), "the unit's id now: %s", loc);
    *strchr(loc, '#') = '\0';
    cr_assert_eq(get(loc, &b), 200);
    cr_assert(strstr(b.data, title) && strstr(b.data, label), "%s", loc);
    /* the API: the document, saying where the link came from */
    snprintf(req, sizeof req, "/api/doc/%s", at);
    cr_assert_eq(get(req, &b), 200);
    ans = json_tokener_parse(b.data);
    json_object_object_get_ex(ans, "moved_from", &v);
    cr_assert_str_eq(json_object_get_string(v), at);
    json_object_object_get_ex(ans, "document", &h);
    json_object_object_get_ex(h, "title", &v);
    cr_assert_str_eq(json_object_get_string(v), title);
    json_object_put(ans);
    /* the file removed: its old link names nothing */
    char path[4400];
    snprintf(path, sizeof path, "%s/电子签名法(2019-04-23).md", laws);
    cr_assert_eq(unlink(path), 0);
    cr_assert_eq(ix_index(&o, both, 2, &r, &err), GZ_OK, "%s", err.msg);
    cr_assert_eq(r.removed, 1);
    snprintf(req, sizeof req, "/api/doc/%s", at);
    cr_assert_eq(get(req, &b), 404, "%.200s", b.data);
    snprintf(req, sizeof req, "/doc/%s", at);
    cr_assert_eq(get(req, &b), 404);
    snprintf(req, sizeof req, "/doc/%s", lasting);
    cr_assert_eq(get(req, &b), 404);
    sv_server_close(s2);
    gz_buf_fini(&b);
    gz_buf_fini(&all);
}

/* 3,000 parameters (a 22 KB request line): more than libmicrohttpd's
 * 128 KiB connection pool holds once parsed. It drops the 431 it means to
 * send; the connection must still end at once, not at the 30 s timeout. */
Test(http, a_request_line_of_thousands_of_parameters_ends_at_once)
{
    static char many[32768];
    strcpy(many, "GET /api/search?q=a");
    for (int i = 0; i < 3000; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "&x%d=1", i);
    strcat(many, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    cr_assert_gt(strlen(many), 22000);
    gz_buf b;
    gz_buf_init(&b);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int status = http_raw(many, strlen(many), &b);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    cr_assert(status == -1 || status == 414 || status == 431, "status %d", status);
    cr_assert_lt(s, 3.0, "held %.1f s", s);
    /* the server goes on answering */
    cr_assert_eq(get("/api/search?q=a", &b), 200);
    gz_buf_fini(&b);
}

/* Four requests at a time: the pool's searchers share one opening of the
 * commit (its tables are read once, not once a thread). */
static void *four_gets(void *arg)
{
    (void)arg;
    gz_buf b;
    gz_buf_init(&b);
    intptr_t ok = 0;
    for (int i = 0; i < 10; i++)
        ok += get("/api/search?q=%E5%AE%89%E5%85%A8%E7%94%9F%E4%BA%A7&n=10", &b) == 200;
    gz_buf_fini(&b);
    return (void *)ok;
}

Test(http, one_commit_is_opened_once_however_many_threads_serve_it)
{
    gz_buf b;
    gz_buf_init(&b);
    uint64_t before = sr_index_opens();
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, four_gets, NULL);
    intptr_t ok = 0;
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        ok += (intptr_t)r;
    }
    cr_assert_eq(ok, 40);
    cr_assert_eq(sr_index_opens() - before, 1, "opened %llu times", (unsigned long long)(sr_index_opens() - before));
    gz_buf_fini(&b);
}
