/* corpus/corpus.h: the one public header of gz_corpus. Reads source files
 * (gazette plain text extracted from PDF, law Markdown) in any supported
 * encoding and turns each into a structured gz_doc: issue -> document ->
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
 * separated by '\n'. *out is freed with gz_free. */
gz_status cp_clean_gazette(const char *utf8, size_t len, char **out, size_t *out_len);

/* Parses a date such as 2023年11月30日 or 二〇二三年十一月三十日 at the start of s
 * into "YYYY-MM-DD" (iso must hold 11 bytes). Returns the bytes consumed, or 0. */
size_t cp_date_parse(const char *s, size_t len, char iso[11]);

#endif
