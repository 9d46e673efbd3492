#!/bin/sh
# Regenerates the format's golden files (tests/golden/format: a MANIFEST and
# segment from the fixed input in tests/unit/format/test_golden.c, and their
# damaged copies) with a build's test_format. Run after a deliberate change
# of the format, review, and log the change in format/format.h and
# docs/format.md. Usage: scripts/golden-format.sh [BUILD_DIR] (default build)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
rm -rf tests/golden/format
mkdir -p tests/golden/format
GAZETTE_GOLDEN_UPDATE=1 "$build/tests/test_format" --filter='golden_format/a_fresh_build_equals_the_golden_bytes'
ls -l tests/golden/format/index tests/golden/format/damaged
