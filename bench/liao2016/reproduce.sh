#!/usr/bin/env bash
# Full reproduction of Liao et al. (2016) Tables 2B and 3B, availability Pattern 1: all 198 cells of
# each table (5 error families, H0 and H1), then the comparison with the published values.
# Then Table 4B (4- and 8-week studies) the same way.
# Usage: bash bench/liao2016/reproduce.sh [REPLICATES (default 2000)] [extra mrtsim run options]
# Writes docs/liao2016/<study>/{rejection,coefficients}.csv, docs/liao2016_tables_2B_3B.md and
# docs/liao2016_table4b.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
replicates=${1:-2000}
shift || true
[ -x build/mrtsim ] || bash scripts/setup.sh
dirs=()
for family in normal t3 exp ar1 ar5; do
  out=docs/liao2016/$family
  ./build/mrtsim run configs/liao2016/table2b3b_$family.yaml --replicates "$replicates" --out "$out" --restart "$@" >/dev/null
  rm -f "$out/results.json" "$out/summary.md"  # the CSVs and the comparison below are what is kept
  dirs+=("$out")
done
python3 bench/liao2016/compare_tables.py --reference ../shared/reference/liao2016_tables_2B_3B.csv \
  --out docs/liao2016_tables_2B_3B.md --command "bash bench/liao2016/reproduce.sh $replicates" \
  --title "Liao et al. (2016) Tables 2B and 3B (availability Pattern 1) reproduced by mrtsim" "${dirs[@]}"

# Table 4B (4- and 8-week studies, N from the sample-size formula), against our transcription of the
# paper's Pattern 1 rows (bench/liao2016/reference/).
./build/mrtsim run configs/liao2016/table4b_weeks.yaml --replicates "$replicates" --out docs/liao2016/table4b --restart "$@" >/dev/null
rm -f docs/liao2016/table4b/results.json docs/liao2016/table4b/summary.md
python3 bench/liao2016/compare_tables.py --reference bench/liao2016/reference/liao2016_table4b_pattern1.csv \
  --out docs/liao2016_table4b.md --command "bash bench/liao2016/reproduce.sh $replicates" \
  --title "Liao et al. (2016) Table 4B (availability Pattern 1, 4- and 8-week studies) reproduced by mrtsim" \
  docs/liao2016/table4b
