#!/usr/bin/env bash
# The linear-nuisance subset of the Qian et al. (2025) Section 4.1 simulation
# (configs/qian2025/simulation.yaml: DCEE-lm with and without 5-fold cross-fitting, WCLS, GEE x 2
# estimands x 7 sample sizes, 1000 replicates each, Monte Carlo truth from 10^6 subjects): tables under
# docs/qian2025/simulation/, report docs/qian2025/simulation/report.md. About 5 minutes on 2 cores; the
# paper's Figure 2 in full (gam and rf nuisances, SNMM) is bench/qian2025/reproduce_figure2.sh.
# Usage: bash bench/qian2025/reproduce.sh [extra mrtsim run options]
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -x build/mrtsim ] || bash scripts/setup.sh
./build/mrtsim run configs/qian2025/simulation.yaml --out docs/qian2025/simulation --restart --quiet "$@" >/dev/null
python3 bench/qian2025/summarize.py docs/qian2025/simulation/coefficients.csv --out docs/qian2025/simulation/report.md \
  --command "bash bench/qian2025/reproduce.sh" --title "Qian et al. (2025) Section 4.1, linear nuisance models, reproduced by mrtsim"
echo "wrote docs/qian2025/simulation/report.md"
