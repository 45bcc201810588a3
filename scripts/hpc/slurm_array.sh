#!/usr/bin/env bash
# Ready-to-edit Slurm job array for a large mrtsim study: one shard per array task, then one merge.
#
#   sbatch scripts/hpc/slurm_array.sh                         # the shards (array tasks 1..8)
#   sbatch --dependency=afterok:<job id> --wrap \
#     "mrtsim merge results/my_study/shard_{1..8} --out results/my_study/tables"
#
# A task that is killed (time limit, preemption) loses at most its current batch: resubmit the same
# array task (sbatch --array=<i> ...) and it resumes from its folder's checkpoint.
#SBATCH --job-name=mrtsim
#SBATCH --array=1-8
#SBATCH --cpus-per-task=16
#SBATCH --time=04:00:00
#SBATCH --output=logs/mrtsim_%A_%a.out
# On GPU nodes, ask for one GPU per task instead, e.g.:  #SBATCH --gres=gpu:1
set -euo pipefail

STUDY=${STUDY:-configs/liao2016/table2b3b_normal.yaml}
OUT=${OUT:-results/my_study}
SHARDS=${SLURM_ARRAY_TASK_COUNT:-8}

mkdir -p logs "$OUT"
# The shard's own folder doubles as its checkpoint; mrtsim merge reads these folders.
./build/mrtsim run "$STUDY" --shard "${SLURM_ARRAY_TASK_ID}/${SHARDS}" --out "$OUT/shard_${SLURM_ARRAY_TASK_ID}" \
  --threads "${SLURM_CPUS_PER_TASK:-0}" --quiet
