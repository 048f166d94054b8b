#!/bin/bash
# Called by data "external": the project's dependencies as a layer zip.
set -e
eval "$(jq -r '@sh "name=\(.name) build=\(.build) out=\(.out)"')"
cd "$(dirname "$0")"
dir="$build/$name"
rm -rf "$build"
mkdir -p "$dir"
reqs="$build/requirements.txt"
poetry export -f requirements.txt --output "$reqs" --without-hashes --quiet
pip install \
    --platform manylinux2014_x86_64 \
    --only-binary=:all: \
    -r "$reqs" \
    -t "$dir/python" \
    -q
cd "$dir"
zip -r "$name.zip" . -q
mv "$name.zip" "../$name.zip"
rm -rf "../$name"
jq -n --arg out "$out" '{"filename":$out}'
