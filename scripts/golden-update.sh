#!/bin/sh
# scripts/golden-update.sh [BUILD]: rewrites tests/golden/analysis/*.expected
# from the current analyzer. Review the diff before committing: the golden
# files are the record of what the analyzer is meant to emit.
set -eu
B=${1:-build}
for f in tests/golden/analysis/*.txt; do
    mode=""
    case "$(basename "$f")" in query-*) mode="--query" ;; esac
    "$B/gazette" analyze $mode - < "$f" > "${f%.txt}.expected"
done
