/* format/segment.h (private): the body of gz_segment, shared by segment.c
 * and postings.c. */
#ifndef GZ_FORMAT_SEGMENT_H
#define GZ_FORMAT_SEGMENT_H

#include "format/format.h"

#include <stdatomic.h>
#include <sys/types.h>

struct ZSTD_DDict_s;

struct gz_segment {
    atomic_uint refs; /* the snapshots holding it (gz_segment_ref) */
    dev_t dev;        /* the file mapped: a later snapshot takes this */
    ino_t ino;        /* mapping only while its path names the same file */
    char *path;
    const uint8_t *map;
    size_t map_len;
    int fd;
    const uint8_t *sec[GZ_SEC__COUNT];
    uint64_t sec_len[GZ_SEC__COUNT];
    uint32_t n_docs, n_units, n_terms, zblock;
    uint64_t n_positions, n_words;
    uint32_t dict_n_terms, dict_n_blocks;
    const uint8_t *dict_offsets, *dict_blocks;
    uint64_t dict_blocks_len;
    uint32_t n_tblocks;
    const uint8_t *tblocks, *tframes;
    uint64_t tframes_len;
    struct ZSTD_DDict_s *ddict;
    uint8_t unit_w[GZ_UNIT_FIELDS]; /* packed units: each field's width, */
    uint16_t unit_at[GZ_UNIT_FIELDS]; /* its bit in a record, */
    uint32_t unit_bits;               /* the record's bits */
};

#endif
