/* indexer/units.h (private): from a parsed file to documents and units. */
#ifndef GZ_INDEXER_UNITS_H
#define GZ_INDEXER_UNITS_H

#include "indexer/memseg.h"

/* Adds the documents of d to seg, analysing every unit with an. source is
 * the path reported in results. *n_docs gets the number added. */
gz_status ix_add_parsed(ix_memseg *seg, an_analyzer *an, const gz_doc *d, const char *source,
                        uint32_t *n_docs);

#endif
