#!/bin/sh
# scripts/fuzz.sh [SECONDS] [TARGETS]: builds the libFuzzer targets with
# clang (ASan + UBSan, every library of ours instrumented; poppler, libxml2
# and libzip are Debian's) and runs each for SECONDS (default 60), all of
# them or those named ("pdf html docx").
# New inputs go to build-fuzz/work; the repository corpus in
# tests/fuzz/corpus/<target> is then replaced by a coverage-minimal merge of
# both, which `make test` replays.
set -eu
SECS=${1:-60}
TARGETS=${2:-"parse analyze query segment pdf html docx"}
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
    -DGZ_BUILD_TESTS=OFF -DGZ_FUZZ=ON >/dev/null
for t in $TARGETS; do
    cmake --build build-fuzz -j2 --target fuzz_$t
    mkdir -p "build-fuzz/work-$t" "tests/fuzz/corpus/$t"
    "build-fuzz/fuzz_$t" -max_total_time="$SECS" -max_len=65536 \
        "build-fuzz/work-$t" "tests/fuzz/corpus/$t"
    rm -rf "build-fuzz/min-$t" && mkdir -p "build-fuzz/min-$t"
    "build-fuzz/fuzz_$t" -merge=1 "build-fuzz/min-$t" "tests/fuzz/corpus/$t" "build-fuzz/work-$t"
    rm -rf "tests/fuzz/corpus/$t" && mv "build-fuzz/min-$t" "tests/fuzz/corpus/$t"
done
