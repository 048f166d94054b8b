#!/bin/sh
# field-run.sh: re-runs `layerkit check` and `layerkit verify --exact-version` over field-test
# apps (docs/field-tests.md) and prints one Markdown table row per app, so the tables there can
# be regenerated.
#
# usage: scripts/field-run.sh [-b LAYERKIT] [-o OUTDIR] APP...
#
#   APP      a folder or template file of an app already on disk (a fetched repository exported
#            with `git archive`; nothing here fetches or builds it). `NAME=PATH` names the row.
#   -b       the layerkit binary (default: build ./cmd/layerkit into a temporary folder)
#   -o       keep each app's check and verify JSON in OUTDIR (NAME.check.json, NAME.verify.json)
#
# pyenv's interpreters (~/.pyenv/versions/*/bin) are put first on PATH, so verify finds the
# python3.X of each function's runtime; functions whose python3.X is missing are skipped and
# counted as such. Columns:
#
#   functions  Python functions verify saw (zip packages; container images are not verified)
#   checked    functions verify ran to a verdict (agree + disagree)
#   E/W/I      check's findings by severity (error / warning / info), all functions
#   codes      check's findings by code
#   agree / disagree / unverifiable / skipped / error   verify's statuses (see `layerkit verify --help`)
#   disagreeing  the functions where check's verdict and the interpreter's differ
#
# A "disagree" is where to look first: either a false error, or a real failure check missed.
# Warnings and infos are not decided by verify; docs/field-tests.md says how each was judged.
set -eu

bin=
out=
while getopts b:o: opt; do
	case $opt in
	b) bin=$OPTARG ;;
	o) out=$OPTARG ;;
	*) sed -n '2,12p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { sed -n '2,12p' "$0" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
if [ -z "$bin" ]; then
	bin=$tmp/layerkit
	(cd "$(dirname "$0")/.." && CGO_ENABLED=0 go build -o "$bin" ./cmd/layerkit)
fi
[ -z "$out" ] || mkdir -p "$out"

for d in "$HOME"/.pyenv/versions/*/bin; do
	[ -d "$d" ] && PATH=$d:$PATH
done
export PATH

echo "| app | functions | checked | E/W/I | codes | agree | disagree | unverifiable | skipped | error | disagreeing |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for arg in "$@"; do
	case $arg in
	*=*) name=${arg%%=*} path=${arg#*=} ;;
	*) name=$(basename "$arg") path=$arg ;;
	esac
	c=$tmp/$name.check.json
	v=$tmp/$name.verify.json
	# exit 1 means findings (check) or a disagreement (verify); 2 and up is reported in the row.
	"$bin" check "$path" --format json >"$c" 2>"$tmp/check.err" || [ $? -eq 1 ] || echo '{"error": "check failed"}' >"$c"
	"$bin" verify --exact-version "$path" --format json >"$v" 2>"$tmp/verify.err" || [ $? -eq 1 ] || echo '{"error": "verify failed"}' >"$v"
	[ -z "$out" ] || cp "$c" "$v" "$out/"
	python3 - "$name" "$c" "$v" <<'EOF'
import collections, json, sys
name, cpath, vpath = sys.argv[1:]
c, v = json.load(open(cpath)), json.load(open(vpath))
if "error" in c or "error" in v:
    print(f"| {name} | {c.get('error', '')} {v.get('error', '')} |")
    sys.exit(0)
sev = collections.Counter(f["severity"] for f in c.get("findings", []))
codes = collections.Counter(f"{f['code']} {f['severity'][0]}" for f in c.get("findings", []))
s = v.get("summary", {})
fns = v.get("functions", [])
dis = [f"{f['function']} (check {'fails' if f['static']['fails'] else 'passes'})"
       for f in fns if f["status"] == "disagree"]
print("| {} | {} | {} | {}/{}/{} | {} | {} | {} | {} | {} | {} | {} |".format(
    name, s.get("functions", 0), s.get("agree", 0) + s.get("disagree", 0),
    sev["error"], sev["warning"], sev["info"],
    ", ".join(f"{k}×{n}" for k, n in sorted(codes.items())) or "–",
    s.get("agree", 0), s.get("disagree", 0), s.get("unverifiable", 0), s.get("skipped", 0),
    s.get("errors", 0), "; ".join(dis) or "–"))
EOF
done
