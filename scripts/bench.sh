#!/usr/bin/env bash
# Benchmarks layerkit end to end, as users run it, against a baseline measured in the same
# command: starting the Python interpreter with nothing to do (python3 -I -S -c pass), the
# least any check that asks Python itself would cost. Prints the wall time per check and
# the ratio to that baseline, then the Go benchmarks (scan + resolve on a generated app).
#
#   scripts/bench.sh            # 50 runs per example
#   RUNS=200 scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-50}
bin=$(mktemp -d)/layerkit
trap 'rm -rf "$(dirname "$bin")"' EXIT
CGO_ENABLED=0 go build -o "$bin" ./cmd/layerkit

# ms per run of a command, over $runs runs
per_run() {
  local start end
  start=$(date +%s%N)
  for _ in $(seq "$runs"); do "$@" >/dev/null 2>&1 || true; done
  end=$(date +%s%N)
  awk -v a="$start" -v b="$end" -v n="$runs" 'BEGIN { printf "%.2f", (b - a) / 1e6 / n }'
}

base=$(per_run python3 -I -S -c pass)
printf '%-34s %9s %12s\n' "what" "ms/run" "vs python3"
printf '%-34s %9s %12s\n' "python3 -I -S -c pass (baseline)" "$base" "1.00x"
for ex in examples/*/; do
  ms=$(per_run "$bin" check "$ex" --format json)
  printf '%-34s %9s %11sx\n' "layerkit check $ex" "$ms" "$(awk -v a="$ms" -v b="$base" 'BEGIN { printf "%.2f", a / b }')"
done
echo
go test ./internal/check/ ./internal/pyscan/ -run '^$' -bench . -benchtime 20x
