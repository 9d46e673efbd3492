/* corpus/readers.c: which reader a file goes to, and the budget it runs
 * under. A PDF, HTML or DOCX file is read in a child process, so a
 * pathological file that loops, eats memory or crashes its library costs
 * the nightly job that one file, refused by name, and nothing else. The
 * gazette command also serves as the child (cp_reader_helper,
 * cp_reader_serve). */
#include "corpus/readers.h"
#include "corpus/lines.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#if defined(__SANITIZE_ADDRESS__)
#define GZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GZ_ASAN 1
#endif
#endif

static double budget_seconds = 60;
static size_t budget_mb = 2048;

void cp_budget_set(double seconds, size_t megabytes)
{
    budget_seconds = seconds > 0 ? seconds : 60;
    budget_mb = megabytes ? megabytes : 2048;
}

static int has_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path), m = strlen(suffix);
    return n >= m && strcasecmp(path + n - m, suffix) == 0;
}

/* Skips a UTF-8 BOM and blanks, then compares case-insensitively. */
static int starts_markup(const char *s, size_t len, const char *tag)
{
    size_t i = len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    size_t n = strlen(tag);
    return len - i >= n && strncasecmp(s + i, tag, n) == 0;
}

cp_source cp_source_sniff(const char *path, const char *data, size_t len)
{
    const char *p = path ? path : "";
    if (len >= 5 && memcmp(data, "%PDF-", 5) == 0)
        return CP_SOURCE_PDF;
    if (len >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return CP_SOURCE_OLE;
    if (has_suffix(p, ".doc") || has_suffix(p, ".dot"))
        return CP_SOURCE_OLE;
    if (has_suffix(p, ".docx") || (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0))
        return CP_SOURCE_DOCX;
    if (has_suffix(p, ".pdf"))
        return CP_SOURCE_PDF; /* damaged: poppler says why */
    if (has_suffix(p, ".html") || has_suffix(p, ".htm") || has_suffix(p, ".xhtml") ||
        starts_markup(data, len, "<!DOCTYPE html") || starts_markup(data, len, "<html"))
        return CP_SOURCE_HTML;
    return CP_SOURCE_TEXT;
}

gz_status cp_extract_text(cp_source kind, const char *data, size_t len, gz_buf *out,
                          gz_error *err)
{
    switch (kind) {
    case CP_SOURCE_PDF:
        return cp_pdf_text(data, len, out, err);
    case CP_SOURCE_HTML:
        return cp_html_text(data, len, out, err);
    case CP_SOURCE_DOCX:
        return cp_docx_text(data, len, out, err);
    case CP_SOURCE_OLE:
        return gz_error_set(err, GZ_INVALID, 0, "Word 97-2003 not supported; save as .docx");
    case CP_SOURCE_TEXT:
        break;
    }
    char *utf8;
    size_t n;
    const char *enc;
    gz_status st = cp_decode(data, len, &utf8, &n, &enc, err);
    if (st == GZ_OK) {
        gz_buf_put(out, utf8, n);
        gz_free(utf8);
    }
    return st;
}

/* ------------------------------------------------------------ budget */

static const char *helper_exe; /* cp_reader_helper */

void cp_reader_helper(const char *exe)
{
    helper_exe = exe;
}

static int write_all(int fd, const void *p, size_t n)
{
    for (const char *c = p; n;) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs the reader and sends the result as [u32 status][u64 length][text
 * or reason]. Returns 0 when all was written. */
static int serve(cp_source kind, const char *data, size_t len, int fd)
{
    gz_buf b;
    gz_buf_init(&b);
    gz_error e = {0};
    uint32_t st = (uint32_t)cp_extract_text(kind, data, len, &b, &e);
    if (st == GZ_OK && b.status != GZ_OK)
        st = GZ_NOMEM;
    const char *p = st == GZ_OK ? (b.data ? b.data : "") : e.msg;
    uint64_t n = st == GZ_OK ? b.len : strlen(e.msg);
    return write_all(fd, &st, sizeof st) || write_all(fd, &n, sizeof n) || write_all(fd, p, n);
}

int cp_reader_serve(int kind, int in_fd, int out_fd)
{
    gz_buf in;
    gz_buf_init(&in);
    char chunk[65536];
    for (;;) {
        ssize_t got = read(in_fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return 1;
        if (got == 0)
            break;
        gz_buf_put(&in, chunk, (size_t)got);
    }
    if (in.status != GZ_OK || kind < CP_SOURCE_TEXT || kind > CP_SOURCE_OLE)
        return 1;
    return serve((cp_source)kind, in.data ? in.data : "", in.len, out_fd) ? 1 : 0;
}

/* The address-space limit of a reader: the budget on top of what the
 * process has mapped (a plain fork), or the budget alone (a fresh helper).
 * Worked out before the fork; none in sanitizer builds, whose shadow
 * memory alone exceeds any budget. */
static rlim_t memory_limit(int fresh)
{
    long pages = 0;
    if (!fresh) {
        FILE *f = fopen("/proc/self/statm", "r");
        if (f) {
            if (fscanf(f, "%ld", &pages) != 1)
                pages = 0;
            fclose(f);
        }
    }
    return (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + (rlim_t)budget_mb * 1048576u;
}

static void limit_memory(rlim_t lim)
{
#ifndef GZ_ASAN
    struct rlimit rl = {lim, lim};
    setrlimit(RLIMIT_AS, &rl);
#else
    (void)lim;
#endif
}

/* Waits for fd to be readable (events POLLIN) or writable (POLLOUT) until
 * the deadline: 0 ready, 1 timed out. */
static int wait_fd(int fd, short events, double deadline)
{
    for (;;) {
        double left = deadline - now_s();
        if (left <= 0)
            return 1;
        struct pollfd pf = {fd, events, 0};
        int r = poll(&pf, 1, (int)ceil(left * 1000));
        if (r < 0 && errno == EINTR)
            continue;
        return r == 0;
    }
}

/* Reads n bytes (into dst, or appended to out) before the deadline.
 * Returns 0, 1 at a timeout, -1 at EOF or an error. */
static int read_by(int fd, void *dst, gz_buf *out, size_t n, double deadline)
{
    char chunk[65536];
    while (n) {
        if (wait_fd(fd, POLLIN, deadline))
            return 1;
        size_t want = n < sizeof chunk ? n : sizeof chunk;
        ssize_t got = read(fd, dst ? dst : chunk, dst ? n : want);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return -1;
        if (dst)
            dst = (char *)dst + got;
        else
            gz_buf_put(out, chunk, (size_t)got);
        n -= (size_t)got;
    }
    return 0;
}

/* Writes the file to the helper's stdin before the deadline: 0, 1 at a
 * timeout, -1 if the helper went away. */
static int write_by(int fd, const char *p, size_t n, double deadline)
{
    while (n) {
        if (wait_fd(fd, POLLOUT, deadline))
            return 1;
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Two ways to run a reader under the budget. With a helper (the gazette
 * command sets itself), fork and exec it: a fresh process that inherits no
 * lock another thread held at the fork (the indexer's workers use ICU and
 * malloc while a sibling forks; a forked copy that needs one of those locks
 * would wait for ever), its stdin the file. Without one (a library user,
 * the tests), fork alone, the child reading the parent's copy of the bytes:
 * safe while no other thread of the caller can hold a lock the reader
 * needs. Either way stderr goes to /dev/null (poppler reports syntax errors
 * there) and the parent waits until the time budget, then kills. */
static gz_status extract_budgeted(cp_source kind, const char *data, size_t len, gz_buf *out,
                                  gz_error *err)
{
    int to_child[2] = {-1, -1}, from_child[2];
    if (pipe2(from_child, O_CLOEXEC) != 0 || (helper_exe && pipe2(to_child, O_CLOEXEC) != 0))
        return gz_error_set(err, GZ_IO, -1, "cannot start the reader: %s", strerror(errno));
    double deadline = now_s() + budget_seconds;
    char kind_arg[16];
    snprintf(kind_arg, sizeof kind_arg, "%d", (int)kind);
    char *const argv[] = {(char *)"gazette", (char *)"read-child", kind_arg, NULL};
    rlim_t lim = memory_limit(helper_exe != NULL);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(from_child[0]);
        close(from_child[1]);
        if (helper_exe) {
            close(to_child[0]);
            close(to_child[1]);
        }
        return gz_error_set(err, GZ_IO, -1, "cannot start the reader: %s", strerror(e));
    }
    if (pid == 0) {
        /* async-signal-safe calls only until exec (the parent has threads) */
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, 2);
        if (helper_exe) {
            dup2(to_child[0], 0);
            dup2(from_child[1], 1);
            limit_memory(lim);
            execv(helper_exe, argv);
            _exit(127);
        }
        limit_memory(lim);
        _exit(serve(kind, data, len, from_child[1]) ? 1 : 0);
    }
    close(from_child[1]);
    int r = 0;
    if (helper_exe) {
        close(to_child[0]);
        r = write_by(to_child[1], data, len, deadline);
        close(to_child[1]);
        if (r < 0)
            r = 0; /* the helper went away early: its status says why */
    }
    uint32_t st = 0;
    uint64_t n = 0;
    if (!r)
        r = read_by(from_child[0], &st, NULL, sizeof st, deadline);
    if (!r)
        r = read_by(from_child[0], &n, NULL, sizeof n, deadline);
    gz_buf reason;
    gz_buf_init(&reason);
    if (!r)
        r = read_by(from_child[0], NULL, st == GZ_OK ? out : &reason, (size_t)n, deadline);
    close(from_child[0]);
    if (r == 1)
        kill(pid, SIGKILL);
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    gz_status rc = GZ_OK;
    if (r == 1)
        rc = gz_error_set(err, GZ_INVALID, -1, "took longer than %g s", budget_seconds);
    else if (r < 0 && WIFSIGNALED(ws))
        rc = gz_error_set(err, GZ_INVALID, -1,
                          "the reader died (signal %d: a damaged file, or more than %zu MB)",
                          WTERMSIG(ws), budget_mb);
    else if (r < 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 127 && helper_exe)
        rc = gz_error_set(err, GZ_IO, -1, "cannot run the reader %s", helper_exe);
    else if (r < 0)
        rc = gz_error_set(err, GZ_INVALID, -1,
                          "the reader stopped without an answer (more than %zu MB?)", budget_mb);
    else if (st == GZ_NOMEM)
        rc = gz_error_set(err, GZ_INVALID, -1, "needed more than %zu MB", budget_mb);
    else if (st != GZ_OK)
        rc = gz_error_set(err, st == GZ_IO ? GZ_IO : GZ_INVALID, -1, "%.*s", (int)reason.len,
                          reason.data ? reason.data : "");
    else if (out->status != GZ_OK)
        rc = gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    gz_buf_fini(&reason);
    return rc;
}

gz_status cp_parse_text_join(const char *path, const char *utf8, size_t len, cp_format fmt,
                             cp_join join, gz_doc *doc, gz_error *err);

gz_status cp_parse_bytes(const char *path, const char *data, size_t len, cp_format fmt,
                         gz_doc *doc, gz_error *err)
{
    cp_source kind = cp_source_sniff(path, data, len);
    if (kind == CP_SOURCE_TEXT) {
        char *utf8 = NULL;
        size_t n = 0;
        const char *enc;
        gz_status st = cp_decode(data, len, &utf8, &n, &enc, err);
        if (st == GZ_OK)
            st = cp_parse_text(path, utf8, n, fmt, doc, err);
        gz_free(utf8);
        return st;
    }
    if (kind == CP_SOURCE_OLE)
        return cp_extract_text(kind, data, len, NULL, err);
    gz_buf text;
    gz_buf_init(&text);
    gz_status st = extract_budgeted(kind, data, len, &text, err);
    if (st == GZ_OK) {
        gz_buf_cstr(&text);
        if (text.status != GZ_OK)
            st = gz_error_set(err, GZ_NOMEM, -1, "out of memory");
    }
    /* a reader's blank lines are paragraph breaks it saw, not page ends:
     * only a form feed rejoins a paragraph */
    if (st == GZ_OK)
        st = cp_parse_text_join(path, text.data ? text.data : "", text.len,
                                fmt == CP_FORMAT_AUTO ? CP_FORMAT_GAZETTE : fmt, CP_JOIN_PAGES, doc,
                                err);
    if (st == GZ_OK && kind == CP_SOURCE_PDF && !doc->n_pages)
        doc->n_pages = 1; /* one page: no form feed said so */
    gz_buf_fini(&text);
    return st;
}
