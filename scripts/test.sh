#!/usr/bin/env bash
# Builds mrtsim (installing what it needs) and runs the whole test suite with CTest.
# CUDA tests run where a GPU is present and report themselves skipped elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
