#!/usr/bin/env bash
# Regenerates the figures of docs/benchmarks.md ("Speed against a baseline build") in one
# run, each against a baseline build of layerkit measured in the same run, runs alternated
# (A B A B ...) so that both see the same load:
#   - the 200-function app (bench/gen defaults): CPU, wall, peak RSS, and the ratios;
#   - the growth law per function (200 → 1,000 functions), per reachable module (a
#     vendored package of VENDORED modules imported by 1 and by 200 functions), per zip
#     entry and per unreachable byte (the large layer at 25 and 250 MB);
#   - HEAD against the read-and-tokenize floor (bench/floor: every byte a check must read,
#     each Python source tokenized once) and the read-only floor, on the 200-function app
#     and the vendored-package apps, with issue 19.1's ratios;
#   - a CPU profile of the 200-function app (LAYERKIT_CPUPROFILE, RUNS runs merged);
#   - the Go benchmarks of the hot paths at both builds, compared with benchstat.
# Prints Markdown to stdout. Needs go, git and /usr/bin/time.
#
#   bench/figures.sh                   # baseline: the merge base with main
#   BASE=4dd1ac3 RUNS=11 bench/figures.sh
#
# Environment: BASE (a git revision to compare with; default: merge-base HEAD main),
# RUNS (7: runs per command; the median is printed), VENDORED (5000), COUNT (6: go test
# -count for benchstat), QUICK (0; 1 skips the 1,000-function app and the Go benchmarks),
# BIG (0; 1 adds issue 19.3's row: what a 2,500 MB / 200,000-file layer adds to the
# 200-function app, against the same app with that layer at 25 MB; the app takes about
# 4 minutes to generate and 220 MB of disk), LINEAR (1; issue 19.2's rows: 1,000 and 10,000
# functions, CPU ratio, peak RSS and the GC's share of a CPU profile; "only" runs just them,
# 0 skips them), LRUNS (3: runs of each of those).
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${BASE:-$(git merge-base HEAD main)}
RUNS=${RUNS:-7} VENDORED=${VENDORED:-5000} COUNT=${COUNT:-6} QUICK=${QUICK:-0} BIG=${BIG:-0}
LINEAR=${LINEAR:-1} LRUNS=${LRUNS:-3}
tmp=$(mktemp -d)
cleanup() {
	git worktree remove --force "$tmp/base" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# the two builds
git worktree add --detach "$tmp/base" "$BASE" >/dev/null 2>&1
(cd "$tmp/base" && CGO_ENABLED=0 go build -o "$tmp/base.bin" ./cmd/layerkit)
CGO_ENABLED=0 go build -o "$tmp/head.bin" ./cmd/layerkit
CGO_ENABLED=0 go build -o "$tmp/floor" ./bench/floor
go build -o "$tmp/gen" ./bench/gen

# run CMD...: one run under /usr/bin/time; appends "cpu wall rss_kb" to $out.
run() {
	local out=$1
	shift
	/usr/bin/time -f "%U %S %e %M" -o "$tmp/t" "$@" >/dev/null 2>&1 || true
	awk '{printf "%.3f %.3f %d\n", $1 + $2, $3, $4}' "$tmp/t" >>"$out"
}
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
col() { awk -v c="$2" '{print $c}' "$1" | median; }

# pair NAME APP: RUNS alternated runs of each build on APP; prints a table row.
pair() {
	local name=$1 app=$2
	rm -f "$tmp/a" "$tmp/b"
	run "$tmp/a" "$tmp/head.bin" check "$app" --format json # warm-up
	run "$tmp/b" "$tmp/base.bin" check "$app" --format json
	rm -f "$tmp/a" "$tmp/b"
	for _ in $(seq "$RUNS"); do
		run "$tmp/a" "$tmp/head.bin" check "$app" --format json
		run "$tmp/b" "$tmp/base.bin" check "$app" --format json
	done
	local ca cb
	ca=$(col "$tmp/a" 1) cb=$(col "$tmp/b" 1)
	printf '| %s | %s s | %s s | %.2f× | %s s | %s s | %d MB | %d MB |\n' "$name" "$ca" "$cb" \
		"$(echo "$ca $cb" | awk '{print $1 / $2}')" "$(col "$tmp/a" 2)" "$(col "$tmp/b" 2)" \
		$(($(col "$tmp/a" 3) / 1024)) $(($(col "$tmp/b" 3) / 1024))
	echo "$name $ca $cb" >>"$tmp/cpu"
	echo "$ca $cb $(col "$tmp/a" 3) $(col "$tmp/b" 3)" >"$tmp/last"
}

# linear: issue 19.2 — CPU(10,000) against 10 × CPU(1,000) functions, peak RSS, and the
# collector's share of the CPU (runtime.gcBgMarkWorker, gcAssistAlloc, bgsweep and
# bgscavenge, cumulative, in a profile of the 10,000-function check).
linear() {
	"$tmp/gen" -o "$tmp/lin1" -functions 1000 -large-mb 25 >/dev/null 2>&1
	"$tmp/gen" -o "$tmp/lin10" -functions 10000 -large-mb 25 >/dev/null 2>&1
	local args=(--format json --max-template-size 20000)
	rm -f "$tmp/l1" "$tmp/l10"
	for _ in $(seq "$LRUNS"); do
		run "$tmp/l1" "$tmp/head.bin" check "$tmp/lin1/template.yaml" "${args[@]}"
		run "$tmp/l10" "$tmp/head.bin" check "$tmp/lin10/template.yaml" "${args[@]}"
	done
	LAYERKIT_NO_SUPERVISOR=1 LAYERKIT_CPUPROFILE="$tmp/lin.prof" "$tmp/head.bin" check "$tmp/lin10/template.yaml" "${args[@]}" >/dev/null 2>&1 || true
	local gc
	gc=$(go tool pprof -top -cum "$tmp/head.bin" "$tmp/lin.prof" 2>/dev/null | awk '
		$6 == "runtime.gcBgMarkWorker" || $6 == "runtime.gcAssistAlloc" || $6 == "runtime.bgsweep" || $6 == "runtime.bgscavenge" {s += $5}
		END {printf "%.1f", s}')
	echo "Linear to 10,000 functions (issue 19.2): HEAD $(git rev-parse --short HEAD), bench/gen -large-mb 25, $LRUNS runs each alternated, medians; load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	echo "| functions | CPU | wall | peak RSS |"
	echo "|---:|---:|---:|---:|"
	printf '| 1,000 | %s s | %s s | %d MB |\n' "$(col "$tmp/l1" 1)" "$(col "$tmp/l1" 2)" $(($(col "$tmp/l1" 3) / 1024))
	printf '| 10,000 | %s s | %s s | %d MB |\n' "$(col "$tmp/l10" 1)" "$(col "$tmp/l10" 2)" $(($(col "$tmp/l10" 3) / 1024))
	echo
	awk -v a="$(col "$tmp/l1" 1)" -v b="$(col "$tmp/l10" 1)" -v r="$(col "$tmp/l10" 3)" -v gc="$gc" 'BEGIN {
		printf "CPU(10,000) = %.1f × CPU(1,000) (issue 19.2: at most 11×); peak RSS at 10,000: %d MB (under 200 MB); the collector: %s %% of the CPU profile of the 10,000-function check (under 15 %%).\n", b / a, r / 1024, gc
	}'
	echo
}
if [[ $LINEAR != 0 ]]; then
	linear
	[[ $LINEAR == only ]] && exit 0
fi

"$tmp/gen" -o "$tmp/app200" >/dev/null
"$tmp/gen" -o "$tmp/app200s" -large-mb 25 >/dev/null
"$tmp/gen" -o "$tmp/v1" -functions 1 -layers 1 -large-mb 25 -vendored "$VENDORED" >/dev/null
"$tmp/gen" -o "$tmp/v200" -functions 200 -layers 1 -large-mb 25 -vendored "$VENDORED" >/dev/null
[[ $QUICK == 1 ]] || "$tmp/gen" -o "$tmp/app1000" -functions 1000 >/dev/null

echo "HEAD $(git rev-parse --short HEAD) against $(git rev-parse --short "$BASE"); $RUNS runs each, alternated, medians; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| app | CPU | CPU (base) | ratio | wall | wall (base) | peak RSS | peak RSS (base) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
pair "200 functions, 250 MB layer" "$tmp/app200"
pair "200 functions, 25 MB layer" "$tmp/app200s"
[[ $QUICK == 1 ]] || pair "1,000 functions, 250 MB layer" "$tmp/app1000"
pair "1 function, vendored $VENDORED modules" "$tmp/v1"
pair "200 functions, vendored $VENDORED modules" "$tmp/v200"

echo
echo "Growth law (HEAD, CPU seconds from the rows above):"
awk -v v="$VENDORED" '
	{cpu[NR] = $NF; head[NR] = $(NF - 1)}
	END {
		n = NR
		printf "- per unreachable byte and zip entry (25 → 250 MB: 18,000 more entries, 225 MB more): %.1f ms\n", (head[1] - head[2]) * 1000
		if (n == 5) printf "- per function (200 → 1,000 functions): %.3f ms\n", (head[3] - head[1]) / 800 * 1000
		printf "- per reachable module of a shared layer package (1 function, %d modules): %.1f µs\n", v, head[n - 1] / v * 1e6
		printf "- per further function importing it (1 → 200 functions): %.2f ms; 200 functions cost %.1f× one\n", (head[n] - head[n - 1]) / 199 * 1000, head[n] / head[n - 1]
	}' "$tmp/cpu"

# floorpair NAME APP KEY: RUNS alternated runs of HEAD, the floor and the read-only floor
# on APP; prints a table row and keeps "head floor" CPU in $tmp/floor.KEY.
floorpair() {
	local name=$1 app=$2 key=$3
	rm -f "$tmp/fh" "$tmp/ff" "$tmp/fr"
	for _ in $(seq "$RUNS"); do
		run "$tmp/fh" "$tmp/head.bin" check "$app" --format json
		run "$tmp/ff" "$tmp/floor" "$app"
		run "$tmp/fr" "$tmp/floor" -read-only "$app"
	done
	local h f r
	h=$(col "$tmp/fh" 1) f=$(col "$tmp/ff" 1) r=$(col "$tmp/fr" 1)
	printf '| %s | %s s | %s s | %.2f× | %s s | %d MB | %d MB |\n' "$name" "$h" "$f" \
		"$(echo "$h $f" | awk '{print $1 / $2}')" "$r" $(($(col "$tmp/fh" 3) / 1024)) $(($(col "$tmp/ff" 3) / 1024))
	echo "$h $f" >"$tmp/floor.$key"
}

echo
echo "Against the floor (HEAD; bench/floor reads every byte a check must read and tokenizes each"
echo "Python source once with pyscan.Tokens; CPU seconds, $RUNS runs each, alternated, medians):"
echo
echo "| app | layerkit CPU | floor CPU | layerkit / floor | floor CPU, read only | layerkit peak RSS | floor peak RSS |"
echo "|---|---:|---:|---:|---:|---:|---:|"
floorpair "200 functions, 250 MB layer" "$tmp/app200" app
floorpair "1 function, vendored $VENDORED modules" "$tmp/v1" v1
floorpair "200 functions, vendored $VENDORED modules" "$tmp/v200" v200
read -r h1 _ <"$tmp/floor.v1"
read -r h200 f200 <"$tmp/floor.v200"
awk -v h1="$h1" -v h200="$h200" -v f200="$f200" 'BEGIN {
	printf "\nIssue 19.1 (same runs): 200 functions importing the vendored package cost %.2f× one such function (bar: 2×) and %.2f× the read-and-tokenize floor (bar: 1.5×).\n",
		h200 / h1, h200 / f200
}'

if [[ $BIG == 1 ]]; then
	"$tmp/gen" -o "$tmp/app200b" -large-mb 2500 >/dev/null 2>&1
	echo
	echo "Flat in layer size (issue 19.3): the large layer at 2,500 MB (200,000 files) and at 25 MB, 200 functions:"
	echo
	echo "| app | CPU | CPU (base) | ratio | wall | wall (base) | peak RSS | peak RSS (base) |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|"
	pair "200 functions, 2,500 MB layer" "$tmp/app200b"
	read -r bc bcb br brb <"$tmp/last"
	pair "200 functions, 25 MB layer" "$tmp/app200s"
	read -r sc scb sr srb <"$tmp/last"
	awk -v bc="$bc" -v bcb="$bcb" -v sc="$sc" -v scb="$scb" -v br="$br" -v brb="$brb" -v sr="$sr" -v srb="$srb" 'BEGIN {
		printf "\nThe 2,500 MB layer adds %.3f s of CPU and %d MB of peak RSS (base: %.3f s, %d MB); issue 19.3 asks under 0.3 s and 60 MB.\n",
			bc - sc, (br - sr) / 1024, bcb - scb, (brb - srb) / 1024
	}'
fi

echo
echo "CPU profile of the 200-function app (HEAD, $RUNS runs merged, top 25 by cumulative time):"
echo
echo '```'
for i in $(seq "$RUNS"); do
	LAYERKIT_NO_SUPERVISOR=1 LAYERKIT_CPUPROFILE="$tmp/prof$i" "$tmp/head.bin" check "$tmp/app200" --format json >/dev/null 2>&1 || true
done
go tool pprof -top -cum "$tmp/head.bin" "$tmp"/prof* 2>/dev/null | sed -n '4,30p'
echo '```'

[[ $QUICK == 1 ]] && exit 0
echo
echo "Go benchmarks of the hot paths, base against HEAD (benchstat):"
echo
bench() {
	go test ./internal/pyscan ./internal/pysyntax ./internal/pyresolve ./internal/tree -run '^$' \
		-bench 'Scan$|ScanSmall|Tokens|Check$|Analyze|ZipIndex|ZipWalk|Overlay' -count "$COUNT" 2>/dev/null
	LAYERKIT_BENCH_APP=$tmp/app200 go test ./internal/check -run '^$' -bench 'GeneratedApp$' -count "$COUNT" 2>/dev/null
}
(cd "$tmp/base" && bench) >"$tmp/old.txt"
bench >"$tmp/new.txt"
echo '```'
go run golang.org/x/perf/cmd/benchstat@latest "$tmp/old.txt" "$tmp/new.txt"
echo '```'
