#!/bin/sh
# field-fix.sh: runs `layerkit check --fix --unsafe-fixes` on a copy of each field-test app and
# prints one line per app: errors and fixable findings before and after, whether --diff exits 1,
# and whether a second --fix leaves every byte as it was. A fix that adds an error, or a second
# --fix that changes something, is a bug (issue 20).
#
# usage: scripts/field-fix.sh -b LAYERKIT APP...
#
#   APP   a folder of an app already on disk (a fetched repository exported with git archive);
#         it is copied into a temporary folder, never changed.
set -eu

bin=
while getopts b: opt; do
	case $opt in
	b) bin=$OPTARG ;;
	*) sed -n '2,11p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$bin" ] && [ $# -gt 0 ] || { sed -n '2,11p' "$0" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

counts() { # errors and fixable findings of check's JSON report on stdin
	python3 -c 'import json, sys
try:
    f = json.load(sys.stdin)["findings"]
    print(sum(x["severity"] == "error" for x in f), sum("fix" in x for x in f))
except Exception:
    print("- -")'
}

treesum() { (cd "$1" && find . -type f -exec sha256sum {} + | sort | sha256sum | cut -c1-12); }

for app in "$@"; do
	name=$(basename "$app")
	copy="$tmp/$name"
	cp -r "$app" "$copy"
	before=$("$bin" check "$copy" --format json 2>/dev/null | counts)
	rc=0
	"$bin" check "$copy" --diff --unsafe-fixes >/dev/null 2>&1 || rc=$?
	"$bin" check "$copy" --fix --unsafe-fixes >/dev/null 2>&1 || true
	after=$("$bin" check "$copy" --format json 2>/dev/null | counts)
	once=$(treesum "$copy")
	"$bin" check "$copy" --fix --unsafe-fixes >/dev/null 2>&1 || true
	same=yes
	[ "$once" = "$(treesum "$copy")" ] || same=NO
	echo "$name errors,fixable before: $before  --diff exit: $rc  after: $after  second --fix unchanged: $same"
done
