/* common/testing.h: hooks for tests and benchmarks only; the library's
 * own code and embedders include common/common.h, never this. */
#ifndef GZ_COMMON_TESTING_H
#define GZ_COMMON_TESTING_H

#include "common/common.h"

/* Copies the run of exactly `chars` Han characters starting at (or just
 * before, on a character boundary) byte `at` of text into out (NUL-ended,
 * 4 * chars + 1 bytes); its byte length, or 0 if the text there is not
 * such a run. For drawing test and benchmark queries from a corpus. */
size_t gz_han_run_at(const char *text, size_t len, size_t at, size_t chars, char *out);

#endif
