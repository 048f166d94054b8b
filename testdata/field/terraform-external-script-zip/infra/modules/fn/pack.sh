#!/bin/bash
# Called by data "external": zips the app folder into $build/$name.zip, under app/.
set -e
eval "$(jq -r '@sh "name=\(.name) src=\(.src) build=\(.build) out=\(.out)"')"
cd "$(dirname "$0")"
rm -rf "$build"
mkdir -p "$build"
cp -R $src $build/app
cd $build/app
rm -rf __pycache__/
rm -f *.pyc
cd ..
zip -r $name.zip . -q
rm -rf app
jq -n --arg out "$out" '{"filename":$out}'
