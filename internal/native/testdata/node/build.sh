#!/bin/sh
# Builds the Node.js addon test objects committed beside this script (x86_64, gcc; the
# flags are ../build.sh's). CI does not run it; rerun it by hand after changing a
# source, and commit the .node files. See README.md.
set -eu
cd "$(dirname "$0")"
FLAGS="-shared -fPIC -Os -s -Wl,--hash-style=gnu -Wl,-z,noseparate-code -Wl,--build-id=none -Wl,-z,max-page-size=4096"
gcc $FLAGS -o abi108.node abi108.c
gcc $FLAGS -o napi.node napi.c
for f in abi108.node napi.node; do
	printf '%s: ' "$f"
	readelf --dyn-syms -W "$f" | grep -Eo '(napi|node)_[a-z_0-9]+' | sort -u | tr '\n' ' '
	echo
done
