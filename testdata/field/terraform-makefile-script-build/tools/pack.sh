#!/bin/bash
# pack.sh SERVICE [--with-deps]: copy a service into build/SERVICE, with its locked
# dependencies when asked.
set -Eeuo pipefail

WITH_DEPS=false

usage() {
    echo "usage: $0 SERVICE [--with-deps]" >&2
}

if [ $# -lt 1 ] || [[ "$1" =~ ^-{1,2}(h|help)$ ]]; then
    usage; exit 1
fi
SERVICE="$1"; shift
while [[ $# -gt 0 ]]; do
    arg="$1"; shift
    case $arg in
        "-d"|"--with-deps") WITH_DEPS=true ;;
        *) usage; exit 1 ;;
    esac
done

OUT="$PWD/build/$SERVICE"
SRC="$PWD/$SERVICE"
export PIPENV_VENV_IN_PROJECT=true

mkdir -p "$OUT"
cd "$OUT" || exit
cp -r "$SRC/src" "$OUT/src"
cp "$SRC/Pipfile.lock" "$OUT/Pipfile.lock"

if [ "$WITH_DEPS" == true ]; then
    pipenv install
    cp -r "$OUT"/.venv/lib/*/site-packages/* "$OUT"
    pipenv --rm
fi
echo "built $OUT"
