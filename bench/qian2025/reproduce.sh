#!/usr/bin/env bash
# Reproduces the Qian et al. (2025) Section 4.1 simulation (configs/qian2025/simulation.yaml: 4
# methods x 2 estimands x 7 sample sizes, 1000 replicates each, Monte Carlo truth from 10^6 subjects)
# and writes docs/qian2025_simulation.md with the tables under docs/qian2025/simulation/.
# About 5 minutes on 2 cores.
# Usage: bash bench/qian2025/reproduce.sh [extra mrtsim run options]
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -x build/mrtsim ] || bash scripts/setup.sh
./build/mrtsim run configs/qian2025/simulation.yaml --out docs/qian2025/simulation --restart --quiet "$@" >/dev/null
python3 bench/qian2025/summarize.py docs/qian2025/simulation/coefficients.csv --out docs/qian2025_simulation.md \
  --command "bash bench/qian2025/reproduce.sh"
echo "wrote docs/qian2025_simulation.md"
