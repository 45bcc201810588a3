#!/usr/bin/env bash
# Reproduction of the simulation of Cohn, Qian & Murphy (2023) Section 6.2: the paper's settings x H0/H1
# x REPLICATES (default 2000) replicates of EMEE2 on the cohn2023 model, then the comparison with the
# published table (bench/cohn2023/compare.py).
# Usage: bash bench/cohn2023/reproduce.sh [REPLICATES] [extra mrtsim run options]
# Environment: EVERY (default 13) keeps every EVERY-th of the 1,372 settings, a subset stratified over
# the table's factors (EVERY=1: all of them, configs/cohn2023/sec6_2.yaml); MRTSIM (default ./build/mrtsim).
# Writes docs/cohn2023/sec6_2[_every_K]/{rejection,coefficients}.csv and docs/cohn2023_sec6_2[_every_K].md.
set -euo pipefail
cd "$(dirname "$0")/../.."
replicates=${1:-2000}
shift || true
mrtsim=${MRTSIM:-./build/mrtsim}
every=${EVERY:-13}
[ -x "$mrtsim" ] || bash scripts/setup.sh
if [ "$every" = 1 ]; then
  name=sec6_2
  config=configs/cohn2023/sec6_2.yaml
else
  name=sec6_2_every_$every
  config=configs/cohn2023/$name.yaml
  python3 configs/cohn2023/make_sec6_2.py --every "$every" --out "$config"
fi
out=docs/cohn2023/$name
start=$(date +%s)
"$mrtsim" run "$config" --replicates "$replicates" --out "$out" --restart "$@" >/dev/null
echo "$config: $(( $(date +%s) - start )) s" >&2
rm -f "$out/results.json" "$out/summary.md" "$out"/*.svg  # the CSVs and the comparison below are what is kept
python3 bench/cohn2023/compare.py --config "$config" --results "$out" --out "docs/cohn2023_$name.md" \
  --command "EVERY=$every bash bench/cohn2023/reproduce.sh $replicates" --notes bench/cohn2023/notes.md
