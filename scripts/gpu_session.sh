#!/usr/bin/env bash
# Run ON THE GPU MACHINE (see scripts/gpu_prepare.sh): unpacks the carried .deb files, builds mrtsim
# with the CUDA backend, runs the whole test suite (CUDA cases included), the kernel benchmark and the
# end-to-end benchmark, and leaves logs in $OUT (or /tmp/mrtsim-gpu).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/mrtsim-gpu}
mkdir -p "$out"
# The machine is bare and handed back afterwards, so the headers and libraries go straight into /.
for f in .deps/debs/*.deb; do dpkg -x "$f" /; done
ldconfig
export PATH=/usr/local/cuda/bin:$PATH
nvidia-smi -L | tee "$out/device.txt"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DMRTSIM_ENABLE_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=native 2>&1 | tail -3
cmake --build build -j "$(nproc)" 2>&1 | tail -3
ctest --test-dir build --output-on-failure -j 4 2>&1 | tee "$out/ctest.log" | tail -15
./build/bench/bench_kernels --benchmark_min_time=1 2>&1 | tee "$out/bench_kernels.txt"
bash bench/end_to_end.sh 200000 | tee "$out/end_to_end.md"
