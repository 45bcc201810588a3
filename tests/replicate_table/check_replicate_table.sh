#!/usr/bin/env bash
# CTest Study.ReplicateTableRecomputesTheSummary: runs a continuous (liao2016, WCLS) and a binary
# (cohn2023, EMEE2 with its unadjusted variance) study with output.replicates and recomputes every
# performance measure of their coefficients.csv from replicates.csv.gz with base R
# (recompute_measures.R), independently of mrtsim's implementation.
# Usage: check_replicate_table.sh MRTSIM_BINARY SOURCE_DIR. Exit 77 (skipped) without Rscript.
set -euo pipefail
mrtsim=$1
here="$2/tests/replicate_table"
command -v Rscript >/dev/null || { echo "Rscript not found: skipped"; exit 77; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# The quick-start study (two error processes x two effects) with the per-replicate table.
sed 's/^  formats: \[csv, markdown, json\]$/  formats: [csv, markdown, json]\n  replicates: true/' \
  "$2/configs/quickstart.yaml" > "$scratch/continuous.yaml"
grep -q "replicates: true" "$scratch/continuous.yaml"
"$mrtsim" run "$scratch/continuous.yaml" --replicates 150 --out "$scratch/continuous" --threads 2 --quiet >/dev/null
"$mrtsim" run "$here/binary_study.yaml" --out "$scratch/binary" --threads 2 --quiet >/dev/null
Rscript "$here/recompute_measures.R" "$scratch/continuous"
Rscript "$here/recompute_measures.R" "$scratch/binary" 0.01  # its study.target_mcse
