#!/usr/bin/env bash
# One command for a newcomer: install, build, and run the built-in example study.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
./build/mrtsim run configs/quickstart.yaml --out results/quickstart --restart
