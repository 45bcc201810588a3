#!/usr/bin/env bash
# Installs the Debian packages mrtsim builds against, then configures and builds it in build/.
# Idempotent: packages already present are not reinstalled, and an existing build is updated.
# Usage: bash scripts/setup.sh [--for-tests] [extra cmake -D options]
#   --for-tests  also installs what the whole test suite needs beyond the C++ build (R and the R
#                packages the R package's check uses; Chromium with its WebDriver and Selenium for the
#                browser test of `mrtsim serve`; clang with its sanitizer and fuzzer runtimes and OpenMP
#                for scripts/sanitize.sh and scripts/fuzz.sh; the aarch64 cross compiler and qemu-user
#                for scripts/check_arm_identity.sh); the C++ build itself never needs them.
# The CUDA backend is built wherever nvcc is found: for the GPU of this machine when one is present,
# otherwise for sm_90 only (every kernel still compiles; a plain CMake build without this script
# builds for every major architecture of the toolkit).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build python3 libeigen3-dev libyaml-cpp-dev libboost-dev libcli11-dev
          nlohmann-json3-dev libgtest-dev libbenchmark-dev libopenmpi-dev openmpi-bin libxgboost-dev
          libcpp-httplib-dev zlib1g-dev pkg-config)
test_packages=(r-base-core r-cran-jsonlite r-cran-testthat r-cran-knitr r-cran-rmarkdown qpdf
               chromium chromium-driver python3-selenium clang libclang-rt-14-dev libomp-14-dev
               g++-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user)
cmake_options=()
for arg in "$@"; do
  if [ "$arg" = "--for-tests" ]; then packages+=("${test_packages[@]}"); else cmake_options+=("$arg"); fi
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# nvcc is not always on PATH even where the toolkit is installed.
if ! command -v nvcc >/dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then export PATH=/usr/local/cuda/bin:$PATH; fi
cuda_architectures=90
if command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1; then cuda_architectures=native; fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES="$cuda_architectures" \
  "${cmake_options[@]}" >/dev/null
cmake --build build -j "$(nproc)"
