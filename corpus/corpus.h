/* corpus/corpus.h: the one public header of gz_corpus. Reads source files
 * (bulletins as PDF, HTML pages, Word .docx files or plain text in any
 * supported encoding, laws in Markdown) and turns each into a structured gz_doc: issue -> document ->
 * chapter -> article -> item, with byte offsets into the cleaned text.
 * Knows nothing of analysis or the index. Called by the CLI and the indexer
 * driver. */
#ifndef GZ_CORPUS_CORPUS_H
#define GZ_CORPUS_CORPUS_H

#include "common/common.h"

typedef enum cp_format {
    CP_FORMAT_AUTO = 0, /* .md files and files with `# title` / INFO END are Markdown */
    CP_FORMAT_GAZETTE,  /* plain text of a bulletin, as extracted from PDF */
    CP_FORMAT_MARKDOWN, /* one law a file, LawRefBook style */
} cp_format;

/* What a file holds, by its first bytes and then its name. */
typedef enum cp_source {
    CP_SOURCE_TEXT = 0, /* plain text or Markdown, any supported encoding */
    CP_SOURCE_PDF,      /* %PDF- */
    CP_SOURCE_HTML,     /* .html/.htm/.xhtml, or <!DOCTYPE html / <html at the start */
    CP_SOURCE_DOCX,     /* .docx, or a zip holding word/document.xml */
    CP_SOURCE_OLE,      /* Word 97-2003 and other OLE compound files: refused */
} cp_source;

/* Guesses the source kind of data[0..len) named path (may be NULL). */
cp_source cp_source_sniff(const char *path, const char *data, size_t len);

/* Extracts the text of a PDF, HTML or DOCX file in this process, without a
 * budget (fuzzing, benchmarks): appends UTF-8 to out with one paragraph a
 * line, a blank line before a paragraph that starts a block, a tab between
 * table cells and, for PDF, a form feed '\f' at each page end. Returns
 * GZ_OK, GZ_NOMEM, or GZ_INVALID with err->msg giving the reason ("no text
 * layer (scanned)", "encrypted PDF ...", "damaged PDF: <poppler's reason>",
 * "damaged zip: <libzip's reason>", "Word 97-2003 not supported; save as
 * .docx"). For CP_SOURCE_TEXT it decodes as cp_decode does. */
gz_status cp_extract_text(cp_source kind, const char *data, size_t len, gz_buf *out,
                          gz_error *err);

/* The budget of one PDF, HTML or DOCX file: its reader runs in a child
 * process killed after seconds (the file refused "took longer than N s")
 * and limited to megabytes of address space ("needed more than N MB";
 * not enforced in sanitizer builds, whose shadow memory needs more).
 * Defaults: 60 s, 2048 MB. Set before reading starts; read by every thread. */
void cp_budget_set(double seconds, size_t megabytes);

/* The program a budgeted reader runs in (the gazette command gives its
 * own /proc/self/exe): it is forked and exec'd as `EXE read-child KIND`,
 * gets the file on stdin and calls cp_reader_serve, so it inherits no lock
 * another thread of the caller held. Without one (NULL, the default) the
 * reader runs in a plain fork, which a caller with other threads using ICU
 * or a sanitizer's allocator must not rely on. exe is borrowed: it must
 * outlive the reading. The limit is then megabytes of address space in
 * all, where a plain fork gets them on top of what it inherits. */
void cp_reader_helper(const char *exe);

/* The helper's side: reads a file of kind (a cp_source) from in_fd to its
 * end, extracts its text and writes [u32 status][u64 length][text or
 * reason] to out_fd. Returns 0, or 1 when it could not read or write. */
int cp_reader_serve(int kind, int in_fd, int out_fd);

/* Largest file accepted (bytes); larger files are refused with GZ_INVALID. */
#define CP_MAX_FILE_BYTES (256u << 20)

/* Converts raw bytes to UTF-8. Accepts UTF-8 with or without BOM, UTF-16 LE/BE
 * with BOM, and GB18030/GBK (tried when the bytes are not valid UTF-8).
 * Refuses (GZ_INVALID, err names the reason and byte offset): empty input,
 * NUL bytes outside UTF-16, binary data, bytes valid in no supported encoding.
 * On GZ_OK *out (free with gz_free) holds NUL-terminated UTF-8 without BOM and
 * *encoding names what was detected ("UTF-8", "UTF-16LE", "GB18030", ...). */
gz_status cp_decode(const char *data, size_t len, char **out, size_t *out_len,
                    const char **encoding, gz_error *err);

/* Parses UTF-8 text into doc (initialised by the caller with gz_doc_init;
 * the caller keeps ownership and calls gz_doc_fini). path is copied and used
 * for format detection and messages. Returns GZ_OK, GZ_NOMEM or GZ_INVALID. */
gz_status cp_parse_text(const char *path, const char *utf8, size_t len, cp_format fmt,
                        gz_doc *doc, gz_error *err);

/* Parses a file's bytes, whatever its source kind: PDF, HTML and DOCX go
 * through their reader within the budget (cp_budget_set), text through
 * cp_decode; then cp_parse_text. path names the file in messages and for
 * format detection. A PDF's nodes get their pages (gz_doc_page). */
gz_status cp_parse_bytes(const char *path, const char *data, size_t len, cp_format fmt,
                         gz_doc *doc, gz_error *err);

/* Reads, decodes and parses one file. err->msg names the file and reason:
 * "[corpus][read] a.txt: invalid UTF-8 at byte 17 (not GB18030 either)". */
gz_status cp_parse_file(const char *path, cp_format fmt, gz_doc *doc, gz_error *err);

/* Lists the regular files under path (itself if a file), recursively, sorted
 * by byte order, skipping hidden entries. A symbolic link below path is not
 * followed: it is skipped, named with its reason, and the listing goes on;
 * with follow_symlinks a link is followed if its target lies inside path
 * (else skipped: dangling, a loop, outside the root), and each real file
 * and directory is listed once. An entry that cannot be read is skipped
 * the same way; only path itself failing is an error (GZ_IO, err naming
 * it). Free with cp_listing_fini. */
typedef struct cp_listing {
    char **files;
    size_t n;
    char **skipped; /* "path: reason", one for each entry left out */
    size_t n_skipped;
} cp_listing;
gz_status cp_list(const char *path, int follow_symlinks, cp_listing *out, gz_error *err);
void cp_listing_fini(cp_listing *l);
/* cp_list without following links, the skipped entries dropped: *out is
 * an array of n paths; free with cp_paths_free. */
gz_status cp_list_files(const char *path, char ***out, size_t *n, gz_error *err);
void cp_paths_free(char **paths, size_t n);

/* The cleaning step on its own (for tests and tools): rejoins paragraphs
 * split by PDF page breaks, drops blank lines and trims each line; lines are
 * separated by '\n'. When the text holds form feeds (page ends, as the PDF
 * reader and pdftotext write them), only a paragraph cut by one is rejoined;
 * otherwise a blank line is taken for a possible page end. *out is freed
 * with gz_free. */
gz_status cp_clean_gazette(const char *utf8, size_t len, char **out, size_t *out_len);

/* Parses a date such as 2023年11月30日 or 二〇二三年十一月三十日 at the start of s
 * into "YYYY-MM-DD" (iso must hold 11 bytes). Returns the bytes consumed, or 0. */
size_t cp_date_parse(const char *s, size_t len, char iso[11]);

#endif
