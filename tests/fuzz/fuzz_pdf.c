/* tests/fuzz/fuzz_pdf.c: libFuzzer target for the PDF reader, in process
 * (no budget child). The property: any input is read or refused with
 * GZ_INVALID and a reason, and what is read is valid UTF-8 that the
 * bulletin parser takes (GZ_OK or GZ_INVALID), its nodes inside the text. */
#include "corpus/corpus.h"
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_reader(CP_SOURCE_PDF, data, size);
}
