#!/usr/bin/env bash
# Reruns committed studies and compares the new tables with the committed ones value for value: the
# proof that an engine change kept the outputs of existing studies bit-identical (or, after a
# deliberate change of the random stream, the list of what changed). Each study reruns with the
# replicate count its committed rejection.csv records.
# Usage: bash bench/check_committed_tables.sh [CONFIG:DIR ...]
#   (default: one study of every model family and extension; see `studies` below)
# Environment: MRTSIM (default ./build/mrtsim), THREADS (default all cores).
set -euo pipefail
cd "$(dirname "$0")/.."
mrtsim=${MRTSIM:-./build/mrtsim}
threads=${THREADS:-0}
studies=("$@")
if ((${#studies[@]} == 0)); then
  studies=(
    configs/liao2016/table2b3b_normal.yaml:docs/liao2016/normal               # plain model, normal errors
    configs/liao2016/table4b_weeks.yaml:docs/liao2016/table4b                 # N from the formula
    configs/liao2016/table5b_feedback.yaml:docs/liao2016/table5b              # availability feedback
    configs/liao2016/table10b_variance.yaml:docs/liao2016/table10b            # error SD arrays
    configs/liao2016/table5_11b_carryover.yaml:docs/liao2016/table5_11b       # C_t model, exposure shift
    configs/permutation/small_n_liao.yaml:docs/permutation/small_n_liao       # permutation test per replicate
    configs/qian2025/simulation.yaml:docs/qian2025/simulation                 # distal estimators, MC truth
  )
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
differ=0
for entry in "${studies[@]}"; do
  config=${entry%%:*}
  committed=${entry#*:}
  # The replicates column of the committed table (the header names it).
  replicates=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "replicates") c = i } NR == 2 { print $c; exit }' \
    "$committed/rejection.csv")
  out="$scratch/$(basename "$committed")"
  start=$(date +%s)
  "$mrtsim" run "$config" --replicates "$replicates" --out "$out" --threads "$threads" --quiet >/dev/null
  for table in rejection.csv coefficients.csv; do
    # Tables committed before a column was added lack it: compare the committed columns, every row.
    # Tables of mrtsim before 0.3.0 name three measures differently and have the mean of the SEs,
    # which 0.3.0 replaced by their root mean square (model_se): compare under the new names.
    if python3 - "$committed/$table" "$out/$table" <<'PY'
import csv, sys
renamed = {"empirical_sd": "empirical_se", "ci_coverage": "coverage", "ci_coverage_unadjusted": "coverage_unadjusted"}
dropped = {"mean_se", "mean_se_unadjusted"}
with open(sys.argv[1]) as a, open(sys.argv[2]) as b:
    old, new = list(csv.DictReader(a)), list(csv.DictReader(b))
old = [{renamed.get(k, k): v for k, v in row.items() if k not in dropped} for row in old]
differences = [(i, k, row[k], new[i].get(k)) for i, row in enumerate(old) if i < len(new)
               for k in row if k != "engine_version" and row[k] != new[i].get(k)]
for i, k, was, now in differences[:5]:
    print(f"  row {i + 1}, {k}: committed {was}, now {now}", file=sys.stderr)
sys.exit(1 if differences or len(old) != len(new) else 0)
PY
    then
      status="identical"
    else
      status="DIFFERENT"
      differ=1
    fi
    echo "$committed/$table: $status ($replicates replicates, $(($(date +%s) - start)) s)"
  done
done
exit $differ
