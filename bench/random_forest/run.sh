#!/usr/bin/env bash
# The random-forest vs ranger comparison of docs/random_forest.md: five cohorts of 100 subjects and
# one of 500 (x 30 decision points) from the Qian et al. (2025) model, mrtsim's forest and the true
# conditional means written by random_forest_vs_ranger, ranger fitted in R; then XGBoost's own
# thread-count check. Needs R with ranger, and a build with benchmarks and XGBoost
# (bash scripts/setup.sh does both). A few minutes on 2 cores.
# Usage: bash bench/random_forest/run.sh [build dir]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
cmake --build "$build" --target random_forest_vs_ranger >/dev/null
driver="$build/bench/random_forest_vs_ranger"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
files=()
for seed in 1 2 3 4 5; do
  "$driver" 100 "$seed" "$work/n100_seed$seed.csv"
  files+=("$work/n100_seed$seed.csv")
done
"$driver" 500 1 "$work/n500_seed1.csv"
files+=("$work/n500_seed1.csv")
Rscript bench/random_forest/compare_with_ranger.R "${files[@]}"
echo
echo "### XGBoost's own threads (one 500-tree booster per arm, nthread 2 and 4 against 1)"
echo
for n in 100 500; do "$driver" --xgboost-nthread-check "$n" 1 | sed 's/^/    /'; done
