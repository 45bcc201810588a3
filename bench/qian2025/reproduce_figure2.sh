#!/usr/bin/env bash
# Reproduces Qian et al. (2025) Figure 2 (Section 4.1) with the paper's comparators:
# configs/qian2025/figure2.yaml (DCEE with gam / rf / lm nuisance models, with and without 5-fold
# cross-fitting, WCLS, GEE; n = 30 ... 500) and configs/qian2025/figure2_snmm.yaml (SNMM, n = 100 ...
# 500), each cell reporting the marginal and the moderated estimand, 1000 replicates per cell; then
# writes the report with bench/qian2025/summarize_figure2.py.
#
# Full run (the default): tables under docs/qian2025/figure2{,_snmm}/, report docs/qian2025_figure2.md.
# Cost: dominated by the rf cells (two 500-tree forests per replicate, ten with cross-fitting); see
# bench/qian2025/figure2_reduced/README.md for the measured cost of the reduced run and the estimate
# for the full one (about 6 CPU-hours, 3 hours on 2 cores). Interrupted runs resume from the checkpoint
# (delete the output folders, or pass --restart, to start over).
#
# Reduced run: REPLICATES=10 OUT=bench/qian2025/figure2_reduced bash bench/qian2025/reproduce_figure2.sh
# (what is committed there; the report says how many replicates it has).
#
# Usage: [REPLICATES=N] [OUT=DIR] [MRTSIM=binary] bash bench/qian2025/reproduce_figure2.sh [extra mrtsim run options]
set -euo pipefail
cd "$(dirname "$0")/../.."
mrtsim=${MRTSIM:-./build/mrtsim}
[ -x "$mrtsim" ] || bash scripts/setup.sh
out=${OUT:-docs/qian2025}
report=${OUT:+$out/figure2.md}
report=${report:-docs/qian2025_figure2.md}
replicates=()
note=""
if [ -n "${REPLICATES:-}" ]; then
  replicates=(--replicates "$REPLICATES")
  note="A reduced run with $REPLICATES replicates per cell, to show the study end to end: its Monte Carlo errors are large (coverage MC SE about $(python3 -c "import math; print(round(math.sqrt(0.95 * 0.05 / $REPLICATES), 2))")), so it says nothing about the methods; the full run is \`bash bench/qian2025/reproduce_figure2.sh\`."
fi
command="${REPLICATES:+REPLICATES=$REPLICATES }${OUT:+OUT=$OUT }bash bench/qian2025/reproduce_figure2.sh"
for study in figure2 figure2_snmm; do
  start=$(date +%s)
  "$mrtsim" run "configs/qian2025/$study.yaml" --out "$out/$study" "${replicates[@]}" --quiet "$@" >/dev/null
  echo "$study: $(($(date +%s) - start)) s wall"
done
python3 bench/qian2025/summarize_figure2.py "$out/figure2/coefficients.csv" "$out/figure2_snmm/coefficients.csv" \
  --out "$report" --command "$command" --note "$note"
echo "wrote $report"
