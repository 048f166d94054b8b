#!/usr/bin/env bash
# Benchmarks `layerkit check` on a generated app (bench/gen) against, in the same run on
# the same machine:
#   baseline  what a team does today, the smart way: unzip every layer once into a temp
#             /opt, then for each function copy its package to a temp /var/task and run
#             python3 -c "import <handler module>" with Lambda's sys.path (nproc at a time);
#   floor     reading every byte a check must read and tokenizing every Python source once
#             (bench/floor: zip central directories,
#             the reachable source, the dist-info metadata), spread over the cores.
# Prints the median wall time of each (best of the baseline), peak RSS, and the ratios
# baseline/layerkit and layerkit/floor. Needs go, python3, unzip and /usr/bin/time.
#
#   bench/run.sh                          # 200 functions, 5 layers, a 250 MB large layer
#   FUNCTIONS=1000 LARGE_MB=2500 bench/run.sh
#   BASELINE=0 bench/run.sh               # layerkit and floor only
#   bench/run.sh APPDIR                   # an app bench/gen wrote before
#
# Environment: FUNCTIONS (200), LAYERS (5), LARGE_MB (250), SEED (1), RUNS (5: layerkit and
# floor runs; the median is kept), BASELINE_RUNS (1), BASELINE (1), KEEP (0: keep the app),
# LAYERKIT (a layerkit binary to measure instead of building ./cmd/layerkit).
set -euo pipefail

if [[ ${1:-} == __baseline ]]; then
	# __baseline APP WORK: the baseline itself (run under /usr/bin/time).
	app=$2 work=$3
	pyver=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
	rm -rf "$work" && mkdir -p "$work/opt"
	while read -r kind p; do
		case $kind in
		zip) unzip -q -o "$app/$p" -d "$work/opt" ;;
		dir) cp -r "$app/$p/." "$work/opt/" ;;
		esac
	done <"$app/bench-layers.txt"
	export APP=$app WORK=$work PYVER=$pyver
	# shellcheck disable=SC2016
	nl -nln "$app/bench-functions.txt" | xargs -P "$(nproc)" -L 1 bash -c '
		task=$WORK/task$0
		cp -r "$APP/$1" "$task"
		python3 -I -S -c "import sys; sys.path[:0] = [\"$task\", \"$WORK/opt/python/lib/python$PYVER/site-packages\", \"$WORK/opt/python\"]; import $2" ||
			echo "baseline: import $2 failed for $1" >&2
		rm -rf "$task"'
	rm -rf "$work"
	exit 0
fi

self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$0")/.."
FUNCTIONS=${FUNCTIONS:-200} LAYERS=${LAYERS:-5} LARGE_MB=${LARGE_MB:-250} SEED=${SEED:-1}
RUNS=${RUNS:-5} BASELINE_RUNS=${BASELINE_RUNS:-1} BASELINE=${BASELINE:-1} KEEP=${KEEP:-0}
tmp=$(mktemp -d)
cleanup() { [[ $KEEP == 1 ]] || rm -rf "$tmp/app"; rm -rf "$tmp/bin" "$tmp/work" "$tmp"/*.time; }
trap cleanup EXIT
mkdir -p "$tmp/bin"
if [[ -n ${LAYERKIT:-} ]]; then
	cp "$LAYERKIT" "$tmp/bin/layerkit" # a build to compare
else
	CGO_ENABLED=0 go build -o "$tmp/bin/layerkit" ./cmd/layerkit
fi
CGO_ENABLED=0 go build -o "$tmp/bin/floor" ./bench/floor
pyver=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')

app=${1:-}
if [[ -z $app ]]; then
	app=$tmp/app
	go run ./bench/gen -o "$app" -functions "$FUNCTIONS" -layers "$LAYERS" -large-mb "$LARGE_MB" -seed "$SEED" -python "$pyver"
	if [[ $KEEP == 1 ]]; then echo "app kept in $app"; fi
fi
app=$(cd "$app" && pwd)
find "$app" -type f -exec cat {} + >/dev/null # warm the page cache: every run reads from memory

# timed NAME CMD...: runs CMD under /usr/bin/time (for the peak RSS), appends
# "seconds maxrss_kb" to $tmp/NAME.time.
timed() {
	local name=$1
	shift
	local rc=0 start end
	start=$(date +%s%N)
	/usr/bin/time -f "%M" -o "$tmp/$name.one" "$@" >/dev/null 2>"$tmp/$name.err" || rc=$?
	end=$(date +%s%N)
	if [[ $rc -gt 1 ]]; then # layerkit exits 1 when it reports errors
		echo "$name failed ($rc):" >&2
		cat "$tmp/$name.err" >&2
		exit 1
	fi
	echo "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }') $(tail -1 "$tmp/$name.one")" >>"$tmp/$name.time"
}
median() { sort -n -k1 "$1" | awk '{ t[NR] = $1; if ($2 > m) m = $2 } END { printf "%s %d\n", t[int((NR + 1) / 2)], m }'; }
best() { sort -n -k1 "$1" | awk '{ if ($2 > m) m = $2 } NR == 1 { t = $1 } END { printf "%s %d\n", t, m }'; }

timed layerkit "$tmp/bin/layerkit" check "$app" --format json # warm-up, not counted
: >"$tmp/layerkit.time"
for _ in $(seq "$RUNS"); do
	timed layerkit "$tmp/bin/layerkit" check "$app" --format json
	timed floor "$tmp/bin/floor" "$app"
done
read -r lk_s lk_kb < <(median "$tmp/layerkit.time")
read -r fl_s fl_kb < <(median "$tmp/floor.time")

files=$(awk '{ n[$1]++ } END { printf "%d zips, %d reachable files", n["zip"], n["entry"] + n["file"] }' "$app/bench-floor.txt")
large=$(ls -l "$app/layers/sci.zip" | awk '{ printf "%.1f MB zipped", $5 / 1e6 }')
echo
echo "app: $app ($(wc -l <"$app/bench-functions.txt") functions, $(wc -l <"$app/bench-layers.txt") layers; large layer $LARGE_MB MB unzipped, $large; floor: $files)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-32s %10s %12s\n' "what" "wall (s)" "peak RSS"
printf '%-32s %10s %9d MB\n' "layerkit check (median of $RUNS)" "$lk_s" $((lk_kb / 1024))
printf '%-32s %10s %9d MB\n' "floor (median of $RUNS)" "$fl_s" $((fl_kb / 1024))
if [[ $BASELINE == 1 ]]; then
	: >"$tmp/baseline.time"
	for _ in $(seq "$BASELINE_RUNS"); do
		timed baseline "$self" __baseline "$app" "$tmp/work"
		grep -h "failed" "$tmp/baseline.err" >&2 || true
	done
	read -r bl_s bl_kb < <(best "$tmp/baseline.time")
	printf '%-32s %10s %9d MB\n' "baseline (best of $BASELINE_RUNS)" "$bl_s" $((bl_kb / 1024))
	awk -v b="$bl_s" -v l="$lk_s" 'BEGIN { printf "baseline / layerkit: %.1fx\n", b / l }'
fi
awk -v f="$fl_s" -v l="$lk_s" 'BEGIN { printf "layerkit / floor:    %.2fx\n", l / f }'
