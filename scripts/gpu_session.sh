#!/usr/bin/env bash
# Run ON THE GPU MACHINE (see scripts/gpu_prepare.sh), in one command of about 10 minutes:
#   run(command="bash scripts/gpu_session.sh", carry=[".deps/debs"], timeout_s=600)
# Unpacks the carried .deb files, builds mrtsim with the CUDA backend (only the targets used here),
# runs the CUDA test cases and the bit-identity tests, the kernel benchmarks at several launch shapes,
# an end-to-end study and `mrtsim permute` on the GPU (and on all CPU cores for comparison), and
# Nsight Compute's occupancy and throughput figures when ncu is present. Every step has its own time
# limit and the script goes on after a failed step, so the logs in $OUT (or /tmp/mrtsim-gpu) are as
# complete as possible; summary.txt lists each step's exit status.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/mrtsim-gpu}
mkdir -p "$out"
summary="$out/summary.txt"
: >"$summary"
step() {  # name seconds command...: runs the command under a time limit, logs to $out/name.log
  local name=$1 seconds=$2 start rc
  shift 2
  start=$(date +%s)
  timeout "$seconds" "$@" >"$out/$name.log" 2>&1
  rc=$?
  echo "$name: exit $rc, $(($(date +%s) - start)) s" | tee -a "$summary"
  tail -n 25 "$out/$name.log"
  return $rc
}

# The machine is bare and handed back afterwards, so the headers and libraries go straight into /.
for f in .deps/debs/*.deb; do dpkg -x "$f" /; done
ldconfig
export PATH=/usr/local/cuda/bin:$PATH
{ date -u; nvidia-smi -L; nvcc --version | tail -2; nproc; } | tee "$out/device.txt"

step configure 120 cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DMRTSIM_ENABLE_CUDA=ON \
  -DCMAKE_CUDA_ARCHITECTURES=native -DMRTSIM_BUILD_BENCHMARKS=ON || exit 1
step build 330 cmake --build build -j "$(nproc)" --target mrtsim mrtsim_tests bench_kernels || exit 1

# CUDA cases (bit for bit against the CPU) and the CPU-side identity checks of the same kernel source.
step tests 120 ./build/tests/mrtsim_tests \
  --gtest_filter='*/cuda*:*CudaMatchesCpu*:SimdPaths.*:CudaWarpEmulation.*:FastMathLevels.*:PermutationCli.*'

# WCLS at 1, 2, 4, 8 and 16 warps per block, permutation tests, `mrtsim permute`'s reshuffles of the
# HeartSteps data and DCEE on the GPU.
step bench_kernels 150 ./build/bench/bench_kernels --benchmark_filter='Cuda' --benchmark_min_time=0.5

# End to end: the HeartSteps-sized workload, 10^6 replicates on the GPU, 10^5 on all CPU cores.
# cells per replicate: 42 x 210 = 8,820; cells/s = replicates x 8,820 / the "real" time.
e2e() {  # backend replicates
  ./build/mrtsim run bench/heartsteps_workload.yaml --out "/tmp/mrtsim-e2e-$1" --restart --quiet --backend "$1" \
    --threads 0 --replicates "$2" --batch-size 1048576 >/dev/null && echo "$1: $2 replicates"
}
step e2e_cuda 90 bash -c "$(declare -f e2e); time e2e cuda 1000000"
step e2e_cpu 60 bash -c "$(declare -f e2e); time e2e cpu 100000"

# `mrtsim permute` on the HeartSteps data (7,770 rows, 5 coefficients): 10^7 reshuffles on the GPU,
# 2 x 10^5 on all CPU cores; reshuffles/s = reshuffles / the "real" time.
permute() {  # backend reshuffles
  ./build/mrtsim permute --data tests/data/data_mimicHeartSteps.csv --id userid --outcome logstep_30min \
    --treatment intervention --rand-prob rand_prob --availability avail --moderators logstep_pre30min \
    --controls logstep_pre30min,logstep_30min_lag1 --seed 1 --backend "$1" --threads 0 --reshuffles "$2"
}
step permute_cuda 60 bash -c "$(declare -f permute); time permute cuda 10000000"
step permute_cpu 30 bash -c "$(declare -f permute); time permute cpu 200000"

if command -v ncu >/dev/null; then
  step ncu 90 ncu --section Occupancy --section SpeedOfLight --section LaunchStats --kernel-name regex:wcls \
    --launch-count 2 ./build/bench/bench_kernels --benchmark_filter='BM_WclsReplicatesCuda/131072/4/' \
    --benchmark_min_time=0.01
else
  echo "ncu: not installed" | tee -a "$summary"
fi
cat "$summary"
