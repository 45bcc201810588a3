#!/usr/bin/env bash
# Reproduces Qian et al. (2025) Figure 2 (Section 4.1) with the paper's comparators:
# configs/qian2025/figure2.yaml (DCEE with gam / rf / lm nuisance models, with and without 5-fold
# cross-fitting, WCLS, GEE; n = 30 ... 500) and configs/qian2025/figure2_snmm.yaml (SNMM, n = 100 ...
# 500), each cell reporting the marginal and the moderated estimand, 1000 replicates per cell; then
# writes the report with bench/qian2025/summarize.py.
#
# Full run (the default): tables under docs/qian2025/figure2{,_snmm}/, report docs/qian2025_simulation.md.
# Cost: nearly all in the rf cells (two 500-tree forests per replicate, ten with cross-fitting); the
# report records each study's wall time (about 6 CPU-hours, 3 hours on 2 cores: bench/RESULTS.md).
# Interrupted runs resume from the checkpoint (delete the output folders, or pass --restart, to start over).
#
# Quick look: REPLICATES=10 OUT=/tmp/figure2 bash bench/qian2025/reproduce_figure2.sh (report
# OUT/report.md; the two 10^6-subject Monte Carlo truths are a fixed cost of a few CPU-minutes).
#
# Usage: [REPLICATES=N] [OUT=DIR] [MRTSIM=binary] bash bench/qian2025/reproduce_figure2.sh [extra mrtsim run options]
set -euo pipefail
cd "$(dirname "$0")/../.."
mrtsim=${MRTSIM:-./build/mrtsim}
[ -x "$mrtsim" ] || bash scripts/setup.sh
out=${OUT:-docs/qian2025}
report=${OUT:+$out/report.md}
report=${report:-docs/qian2025_simulation.md}
replicates=()
note=""
if [ -n "${REPLICATES:-}" ]; then
  replicates=(--replicates "$REPLICATES")
  note="A reduced run with $REPLICATES replicates per cell: its Monte Carlo errors are large, so it says nothing about the methods; the full run is \`bash bench/qian2025/reproduce_figure2.sh\`."
fi
command="${REPLICATES:+REPLICATES=$REPLICATES }${OUT:+OUT=$OUT }bash bench/qian2025/reproduce_figure2.sh"
timings=""
for study in figure2 figure2_snmm; do
  start=$(date +%s)
  "$mrtsim" run "configs/qian2025/$study.yaml" --out "$out/$study" "${replicates[@]}" --quiet "$@" >/dev/null
  timings+="${timings:+, }\`$study\` $(($(date +%s) - start)) s"
  echo "$study: $(($(date +%s) - start)) s wall"
done
note+="${note:+ }Wall time of this run (a run resumed from a checkpoint counts only its last part): $timings, on $(nproc) cores."
python3 bench/qian2025/summarize.py "$out/figure2/coefficients.csv" "$out/figure2_snmm/coefficients.csv" \
  --out "$report" --command "$command" --title "Qian et al. (2025) Figure 2 reproduced by mrtsim" --note "$note"
# The full run's comparison with the paper (its numbers are this seed's and version's).
[ -n "${REPLICATES:-}" ] || cat bench/qian2025/figure2_comparison.md >>"$report"
echo "wrote $report"
