#!/usr/bin/env bash
# Full reproduction of Liao et al. (2016) Tables 2B and 3B, availability Pattern 1: all 198 cells of
# each table (5 error families, H0 and H1), then the comparison with the published values.
# Then Table 4B (4- and 8-week studies) and the generative-model variants of Sections 6.2-6.3 (Tables
# 5B, 6B, 10B, V/11B, 12B, 13B; Pattern 1 / cells defined without pictures) the same way.
# Usage: bash bench/liao2016/reproduce.sh [REPLICATES (default 2000)] [extra mrtsim run options]
# Environment: VARIANT_REPLICATES (default 1000) for Tables 5B-13B, VARIANTS_ONLY=1 to skip 2B/3B/4B,
# MRTSIM (default ./build/mrtsim).
# Writes docs/liao2016/<study>/{rejection,coefficients}.csv, docs/liao2016_tables_2B_3B.md,
# docs/liao2016_table4b.md and docs/liao2016_<table>.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
replicates=${1:-2000}
shift || true
mrtsim=${MRTSIM:-./build/mrtsim}
[ -x "$mrtsim" ] || bash scripts/setup.sh
variant_replicates=${VARIANT_REPLICATES:-1000}
if [ -z "${VARIANTS_ONLY:-}" ]; then
dirs=()
for family in normal t3 exp ar1 ar5; do
  out=docs/liao2016/$family
  "$mrtsim" run configs/liao2016/table2b3b_$family.yaml --replicates "$replicates" --out "$out" --restart "$@" >/dev/null
  rm -f "$out/results.json" "$out/summary.md"  # the CSVs and the comparison below are what is kept
  dirs+=("$out")
done
python3 bench/liao2016/compare_tables.py --reference bench/liao2016/reference/liao2016_tables_2B_3B.csv \
  --out docs/liao2016_tables_2B_3B.md --command "bash bench/liao2016/reproduce.sh $replicates" \
  --title "Liao et al. (2016) Tables 2B and 3B (availability Pattern 1) reproduced by mrtsim" "${dirs[@]}"

# Table 4B (4- and 8-week studies, N from the sample-size formula), against our transcription of the
# paper's Pattern 1 rows (bench/liao2016/reference/).
"$mrtsim" run configs/liao2016/table4b_weeks.yaml --replicates "$replicates" --out docs/liao2016/table4b --restart "$@" >/dev/null
rm -f docs/liao2016/table4b/results.json docs/liao2016/table4b/summary.md
python3 bench/liao2016/compare_tables.py --reference bench/liao2016/reference/liao2016_table4b_pattern1.csv \
  --out docs/liao2016_table4b.md --command "bash bench/liao2016/reproduce.sh $replicates" \
  --title "Liao et al. (2016) Table 4B (availability Pattern 1, 4- and 8-week studies) reproduced by mrtsim" \
  docs/liao2016/table4b
fi

# Runs one study into docs/liao2016/NAME and compares it with our transcription of the paper's table;
# bench/liao2016/notes/NAME.md, where present, is appended (settings and explanations).
# Usage: reproduce_table CONFIG NAME REFERENCE TITLE
reproduce_table() {
  local config=$1 name=$2 reference=$3 title=$4 out=docs/liao2016/$2 notes=()
  [ -f "bench/liao2016/notes/$name.md" ] && notes=(--notes "bench/liao2016/notes/$name.md")
  "$mrtsim" run "configs/liao2016/$config" --replicates "$variant_replicates" --out "$out" --restart "${extra[@]}" >/dev/null
  rm -f "$out/results.json" "$out/summary.md"
  python3 bench/liao2016/compare_tables.py --reference "bench/liao2016/reference/$reference" \
    --out "docs/liao2016_$name.md" --command "VARIANT_REPLICATES=$variant_replicates bash bench/liao2016/reproduce.sh" --title "$title" "${notes[@]}" "$out"
}
extra=("$@")
reproduce_table table6b_weekend.yaml table6b liao2016_table6b_pattern1.csv \
  "Liao et al. (2016) Table 6B / Table II (weekend effect in alpha(t), availability Pattern 1) reproduced by mrtsim"
reproduce_table table10b_variance.yaml table10b liao2016_table10b.csv \
  "Liao et al. (2016) Table 10B / Table IV (treatment- and time-dependent error variance, constant trend and Trend 3) reproduced by mrtsim"
reproduce_table table5_11b_carryover.yaml table5_11b liao2016_table5_11b.csv \
  "Liao et al. (2016) Tables V and 11B (C_t model: availability and outcome depend on recent treatment) reproduced by mrtsim"
reproduce_table table12b_effect.yaml table12b liao2016_table12b_pattern1.csv \
  "Liao et al. (2016) Table 12B (true effect below the formula's, availability Pattern 1) reproduced by mrtsim"
reproduce_table table13b_availability.yaml table13b liao2016_table13b_pattern1.csv \
  "Liao et al. (2016) Table 13B (true availability below the formula's, Pattern 1) reproduced by mrtsim"
reproduce_table table5b_feedback.yaml table5b liao2016_table5b.csv \
  "Liao et al. (2016) Table 5B (availability depends on recent treatment, eta = -0.2) reproduced by mrtsim"
