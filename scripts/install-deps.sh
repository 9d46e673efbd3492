#!/bin/sh
# scripts/install-deps.sh: installs the Debian packages Gazette needs, only
# those missing. Idempotent; run as root (make demo / make test call it).
# Usage: scripts/install-deps.sh [--test] [--browser] [--bench]
set -eu

PKGS="build-essential cmake pkg-config libicu-dev libzstd-dev libxxhash-dev \
libmicrohttpd-dev libjson-c-dev libpoppler-glib-dev libxml2-dev libzip-dev"
for arg in "$@"; do
    case "$arg" in
    --test) PKGS="$PKGS libcriterion-dev clang libcairo2-dev fonts-noto-cjk qpdf" ;;
    --browser) PKGS="$PKGS chromium fonts-noto-cjk" ;;
    --bench) PKGS="$PKGS libsqlite3-dev libxapian-dev g++ wrk time perl libcairo2-dev fonts-noto-cjk poppler-utils mupdf-tools" ;;
    esac
done

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing packages:$missing (run as root, or install them)" >&2
    exit 1
fi
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
