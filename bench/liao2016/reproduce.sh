#!/usr/bin/env bash
# Full reproduction of Liao et al. (2016) Tables 2B and 3B, availability Pattern 1: all 198 cells of
# each table (5 error families, H0 and H1), then the comparison with the published values.
# Usage: bash bench/liao2016/reproduce.sh [REPLICATES (default 2000)] [extra mrtsim run options]
# Writes docs/liao2016/<family>/{rejection,coefficients}.csv and docs/liao2016_tables_2B_3B.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
replicates=${1:-2000}
shift || true
[ -x build/mrtsim ] || bash scripts/setup.sh
dirs=()
for family in normal t3 exp ar1 ar5; do
  out=docs/liao2016/$family
  ./build/mrtsim run configs/liao2016/table2b3b_$family.yaml --replicates "$replicates" --out "$out" "$@" >/dev/null
  rm -f "$out/results.json" "$out/summary.md"  # the CSVs and the comparison below are what is kept
  dirs+=("$out")
done
python3 bench/liao2016/compare_tables.py ../shared/reference/liao2016_tables_2B_3B.csv \
  docs/liao2016_tables_2B_3B.md "${dirs[@]}"
