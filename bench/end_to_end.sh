#!/usr/bin/env bash
# End-to-end benchmark: `mrtsim run` on the HeartSteps-sized workload (bench/heartsteps_workload.yaml)
# with 1 thread and with all cores, plus the GPU when one is present. Prints one Markdown row per run
# (subject-decision cells/s, replicates/s, speed-up over MRTAnalysis's ~3 s per replicate).
# Usage: bash bench/end_to_end.sh [REPLICATES (default 20000)]
set -euo pipefail
cd "$(dirname "$0")/.."
replicates=${1:-20000}
[ -x build/mrtsim ] || bash scripts/setup.sh >/dev/null
cells_per_replicate=$((42 * 210))
run() {  # backend threads
  local start end
  start=$(date +%s.%N)
  ./build/mrtsim run bench/heartsteps_workload.yaml --out /tmp/mrtsim-bench --restart --quiet --replicates "$replicates" \
    --backend "$1" --threads "$2" >/dev/null
  end=$(date +%s.%N)
  awk -v b="$1" -v t="$2" -v r="$replicates" -v c="$cells_per_replicate" -v s0="$start" -v s1="$end" 'BEGIN {
    s = s1 - s0
    printf "| %s | %s | %d | %.2f | %.3g | %.3g | %.0f |\n", b, (b == "cuda" ? "-" : t), r, s, r * c / s, r / s, 3 * r / s }'
}
echo "| backend | threads | replicates | seconds | cells/s | replicates/s | x R (3 s/replicate) |"
echo "|---|---|---|---|---|---|---|"
run cpu 1
[ "$(nproc)" -gt 1 ] && run cpu "$(nproc)"
if ./build/mrtsim run bench/heartsteps_workload.yaml --backend cuda --replicates 1 --quiet --restart --out /tmp/mrtsim-bench >/dev/null 2>&1; then
  run cuda 0
fi
