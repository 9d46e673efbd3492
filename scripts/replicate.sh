#!/bin/sh
# scripts/replicate.sh SRC DST: copies the last commit of the index SRC to
# DST (a folder, or rsync's HOST:PATH) so that a `gazette serve` reading
# DST only ever sees whole commits (docs/replicas.md). Segments and deletes
# are immutable files, so the new ones go first; MANIFEST, the commit, goes
# last, written by rsync to a temporary name and renamed; then the files no
# commit names any more are removed. A commit made on SRC during the copy
# makes it start again, so that DST ends on SRC's newest commit. Needs
# rsync on both ends. Exit 0 when DST holds SRC's last commit.
set -eu
[ $# = 2 ] || { echo "usage: $0 SRC DST" >&2; exit 2; }
SRC=${1%/}
DST=${2%/}
[ -f "$SRC/MANIFEST" ] || { echo "replicate: $SRC: no index here (no MANIFEST)" >&2; exit 2; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for attempt in 1 2 3 4 5; do
    cp "$SRC/MANIFEST" "$T/MANIFEST"          # the commit to copy
    # exit 24: a file vanished on SRC (a commit removed it): caught below
    rsync -a --exclude MANIFEST --exclude LOCK --exclude DAMAGE --exclude '*.tmp' "$SRC/" "$DST/" || [ $? = 24 ]
    # a commit since: the files it removed may be ones T/MANIFEST names
    cmp -s "$SRC/MANIFEST" "$T/MANIFEST" || continue
    rsync -a "$T/MANIFEST" "$DST/MANIFEST"    # the commit point on DST
    cmp -s "$SRC/MANIFEST" "$T/MANIFEST" || continue
    rsync -a --delete --exclude MANIFEST --exclude LOCK --exclude DAMAGE --exclude '*.tmp' "$SRC/" "$DST/" || [ $? = 24 ]
    # a commit during that pass may have had files DST's MANIFEST names
    # removed: then DST gets that commit too
    cmp -s "$SRC/MANIFEST" "$T/MANIFEST" || continue
    echo "replicate: $DST holds the commit of $SRC/MANIFEST as of attempt $attempt" >&2
    exit 0
done
echo "replicate: $SRC committed during each of 5 attempts; DST keeps its last whole commit" >&2
exit 1
