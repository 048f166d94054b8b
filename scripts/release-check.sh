#!/usr/bin/env bash
# Checks the ways layerkit is installed. First, README's first install line, `go install
# github.com/layerkit/layerkit/cmd/layerkit@latest`, against a local module proxy serving
# HEAD as v0.0.1 (git archive: the files a proxy serves), with a fresh module cache; the
# installed binary must print that version. Then the release configuration (.goreleaser.yaml)
# the way a release runs it:
# `goreleaser check`, then `goreleaser release --snapshot --clean` in a temporary clone of
# HEAD (committed files only; nothing is written in this tree), then checks what it made:
# one archive per linux/darwin/windows x amd64/arm64, the checksums file matching them, and
# this machine's binary printing the commit it was built from.
#
#   scripts/release-check.sh
#   LAYERKIT_INSTALL_GORELEASER=1 scripts/release-check.sh   # go install goreleaser first (minutes)
#
# goreleaser is taken from $GORELEASER, else PATH, else $(go env GOPATH)/bin; without it the
# script says so and exits 0, unless LAYERKIT_INSTALL_GORELEASER=1, which installs the pinned
# version below from the Go module proxy into the temporary folder. (goreleaser v2.18 and
# later need Go 1.27; v2.17.0 builds with Go 1.26.)
set -euo pipefail
cd "$(dirname "$0")/.."
goreleaser_version=v2.17.0
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# go install …@latest from a proxy. Dependencies come from this machine's module cache
# (its cache/download folder is laid out as a proxy, its zips verified when go downloaded
# them), so no network is needed: GOSUMDB=off, as the checksum database may be unreachable.
module=$(go list -m)
modver=v0.0.1
proxy="$work/proxy/$module/@v"
mkdir -p "$proxy"
printf '%s\n' "$modver" > "$proxy/list"
printf '{"Version":"%s","Time":"%s"}\n' "$modver" "$(git log -1 --format=%cI HEAD)" > "$proxy/$modver.info"
git show HEAD:go.mod > "$proxy/$modver.mod"
git archive --format=zip --prefix="$module@$modver/" -o "$proxy/$modver.zip" HEAD
start=$(date +%s)
cachedl="$(go env GOMODCACHE)/cache/download"
GOFLAGS=-modcacherw GOMODCACHE="$work/modcache" GOBIN="$work/gobin" CGO_ENABLED=0 \
  GOPROXY="file://$work/proxy,file://$cachedl" GOSUMDB=off GOTOOLCHAIN=local \
  go install "$module/cmd/layerkit@latest"
line=$("$work/gobin/layerkit" version)
echo "release-check: go install $module/cmd/layerkit@latest ($(( $(date +%s) - start )) s): $line"
case "$line" in
  "layerkit $modver (commit not recorded, "*) ;;
  *) echo "release-check: FAIL: want layerkit $modver"; exit 1 ;;
esac
rm -rf "$work/modcache"

gr=${GORELEASER:-}
if [ -z "$gr" ]; then
  gr=$(command -v goreleaser || true)
fi
if [ -z "$gr" ] && [ -x "$(go env GOPATH)/bin/goreleaser" ]; then
  gr="$(go env GOPATH)/bin/goreleaser"
fi
if [ -z "$gr" ]; then
  if [ "${LAYERKIT_INSTALL_GORELEASER:-}" != 1 ]; then
    echo "release-check: skipped: goreleaser not found (set GORELEASER=path, or LAYERKIT_INSTALL_GORELEASER=1 to go install $goreleaser_version)"
    exit 0
  fi
  echo "release-check: go install github.com/goreleaser/goreleaser/v2@$goreleaser_version"
  GOBIN="$work/bin" CGO_ENABLED=0 go install "github.com/goreleaser/goreleaser/v2@$goreleaser_version"
  gr="$work/bin/goreleaser"
fi
echo "release-check: $("$gr" --version 2>&1 | grep -i '^gitVersion' || echo "$gr")"

# A clone, so that goreleaser sees a plain git repository (Go stamps no commit in a git
# worktree) and its dist/ stays out of this tree. GOFLAGS from the caller (for example
# -buildvcs=false) would change what is built: cleared.
git clone -q --no-hardlinks "$repo" "$work/src"
git -C "$work/src" checkout -q "$(git -C "$repo" rev-parse HEAD)"
commit=$(git -C "$work/src" rev-parse HEAD)
cd "$work/src"
export GOFLAGS= GOTOOLCHAIN=${GOTOOLCHAIN:-local}
"$gr" check
"$gr" release --snapshot --clean --skip=publish

dist="$work/src/dist"
sums=$(ls "$dist"/layerkit_*_checksums.txt)
fail=0
for os in linux darwin windows; do
  for arch in amd64 arm64; do
    ext=tar.gz; [ "$os" = windows ] && ext=zip
    a=$(ls "$dist"/layerkit_*_"${os}_${arch}.$ext" 2>/dev/null || true)
    if [ -z "$a" ]; then
      echo "release-check: FAIL: no archive for $os/$arch"; fail=1; continue
    fi
    if ! grep -q "  $(basename "$a")\$" "$sums"; then
      echo "release-check: FAIL: $(basename "$a") not in $(basename "$sums")"; fail=1
    fi
  done
done
(cd "$dist" && sha256sum --check --quiet "$(basename "$sums")") || { echo "release-check: FAIL: checksums"; fail=1; }

# This machine's archive: the binary runs and names the commit it was built from.
host_os=$(go env GOOS); host_arch=$(go env GOARCH)
if [ "$host_os" != windows ]; then
  mkdir "$work/x"
  tar -xzf "$dist"/layerkit_*_"${host_os}_${host_arch}.tar.gz" -C "$work/x"
  line=$("$work/x/layerkit" version)
  echo "release-check: $line"
  case "$line" in
    *"commit ${commit:0:12},"*) ;;
    *) echo "release-check: FAIL: version line does not name the clean commit ${commit:0:12}"; fail=1 ;;
  esac
fi
# The wheel of this machine, wrapping the release's binary, installed into a virtualenv.
if [ "$host_os" != windows ] && python3 -m venv "$work/venv" >/dev/null 2>&1; then
  whl=$(LAYERKIT_DIST="$dist" "$repo/scripts/build-wheels.sh" "$(git -C "$repo" describe --tags --abbrev=0 2>/dev/null || echo v0.0.1)" "$work/wheels" "$host_os/$host_arch" | tail -n 1)
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$work/venv/bin/pip" install -q --no-index "$whl"
  wline=$("$work/venv/bin/layerkit" --version)
  echo "release-check: $(basename "$whl"): $wline"
  [ "$wline" = "$line" ] || { echo "release-check: FAIL: the wheel's layerkit is not the release's"; fail=1; }
else
  echo "release-check: wheel not tried (python3 -m venv unavailable)"
fi
ls -l "$dist"/*.tar.gz "$dist"/*.zip "$sums" | awk '{print "release-check: " $5 "\t" $NF}' | sed "s|$dist/||"
[ "$fail" = 0 ] && echo "release-check: ok"
exit "$fail"
