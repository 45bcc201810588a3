#!/usr/bin/env bash
# Builds mrtsim with clang, AddressSanitizer and UndefinedBehaviorSanitizer into build-sanitize/ (CPU
# backend, no MPI, no XGBoost: their libraries are not instrumented and XGBoost brings a second OpenMP
# runtime), together with the libFuzzer harnesses of tests/fuzz, and runs the fast half of the test
# suite under the sanitizers (`ctest -L fast`: everything but the statistical studies, kill/resume
# runs, MPI and CUDA). Any sanitizer report fails the test that triggered it.
# Usage: bash scripts/sanitize.sh [--build-only] [extra ctest arguments]
# scripts/test.sh runs it (clang and its runtimes come from scripts/setup.sh --for-tests).
set -euo pipefail
cd "$(dirname "$0")/.."

build_only=0
ctest_extra=()
for arg in "$@"; do
  if [ "$arg" = "--build-only" ]; then build_only=1; else ctest_extra+=("$arg"); fi
done

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# -O1 keeps the instrumented suite fast enough; line tables make the reports point at source lines.
# Warnings are not errors here: the GCC build of scripts/test.sh holds the code to -Werror, and this
# job is about what the code does at run time, not about a second compiler's warning set.
cmake -S . -B build-sanitize -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Sanitize \
  -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -gline-tables-only" -DMRTSIM_SANITIZE=ON -DMRTSIM_BUILD_FUZZERS=ON \
  -DMRTSIM_ENABLE_CUDA=OFF -DMRTSIM_ENABLE_MPI=OFF -DMRTSIM_ENABLE_XGBOOST=OFF -DMRTSIM_BUILD_BENCHMARKS=OFF \
  -DMRTSIM_INSTALL=OFF -DMRTSIM_WARNINGS_AS_ERRORS=OFF "${launcher[@]}" >/dev/null
cmake --build build-sanitize -j "$(nproc)" --target mrtsim mrtsim_tests fuzz_mrt_csv fuzz_study_yaml \
  fuzz_sizing_options fuzz_checkpoint
((build_only)) && exit 0

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir build-sanitize --output-on-failure -j "$(nproc)" -L fast "${ctest_extra[@]}"
