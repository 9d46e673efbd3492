/* analysis/testing.h: the segmenter's counters, for tests and benchmarks
 * only; the library's own code and embedders include analysis/analysis.h,
 * never this. */
#ifndef GZ_ANALYSIS_TESTING_H
#define GZ_ANALYSIS_TESTING_H

#include "analysis/analysis.h"

/* Code points our segmenter has cut for this analyzer (0: ICU did all). */
size_t an_analyzer_segmented(const an_analyzer *a);
/* Code points cut by our own paths and by ICU since the open (for the
 * analyzer's runs too). */
void an_segmenter_counts(const an_segmenter *s, size_t *fast_cp, size_t *icu_cp);

#endif
