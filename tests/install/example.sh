#!/bin/sh
# Installs the build into a scratch prefix, builds docs/example/search.c
# against the installed copy with pkg-config (shared, then static), indexes
# the sample with the installed binary and checks the example prints hits.
# usage: example.sh CMAKE BUILD_DIR SOURCE_DIR CC [EXTRA_CFLAGS]
set -eu
cmake=$1 build=$2 src=$3 cc=$4 extra=${5:-}
scratch=$build/install-test
rm -rf "$scratch"
mkdir -p "$scratch"
"$cmake" --install "$build" --prefix "$scratch/prefix" >"$scratch/install.log"
lib=$(dirname "$(find "$scratch/prefix" -name gazette.pc | head -1)")
[ -f "$lib/gazette.pc" ] || { echo "FAIL: no gazette.pc installed under $scratch/prefix"; exit 1; }
[ -f "$scratch/prefix/include/gazette.h" ] || { echo "FAIL: gazette.h not installed"; exit 1; }
export PKG_CONFIG_PATH="$lib"
libdir=$(pkg-config --variable=libdir gazette)
# shared: -lgazette finds libgazette.so
$cc $extra -Wall -Werror "$src/docs/example/search.c" $(pkg-config --cflags --libs gazette) \
    -Wl,-rpath,"$libdir" -o "$scratch/search"
# static: the archive alone, with what pkg-config --static adds
$cc $extra -Wall -Werror "$src/docs/example/search.c" $(pkg-config --cflags gazette) "$libdir/libgazette.a" \
    $(pkg-config --static --libs gazette | sed 's/-lgazette//') -o "$scratch/search-static"
"$scratch/prefix/bin/gazette" --version | grep -q "gazette $(pkg-config --modversion gazette)" ||
    { echo "FAIL: gazette --version is not the pkg-config version $(pkg-config --modversion gazette)"; exit 1; }
"$scratch/prefix/bin/gazette" index "$src/sample" --index "$scratch/idx" --quiet
for bin in search search-static; do
    "$scratch/$bin" "$scratch/idx" 职工代表大会 >"$scratch/$bin.out"
    cat "$scratch/$bin.out"
    grep -q '^[1-9][0-9]* hits for 职工代表大会' "$scratch/$bin.out" || { echo "FAIL: $bin: no hit count"; exit 1; }
    grep -q '^1\. .*\[d[0-9a-f]\{16\}-[0-9]*\]$' "$scratch/$bin.out" || { echo "FAIL: $bin: no hit printed"; exit 1; }
done
echo "ok: installed libgazette builds and runs docs/example/search.c"
