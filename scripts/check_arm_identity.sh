#!/usr/bin/env bash
# An ARM64 build gives the same bits as x86-64 (docs/fast_math.md, "ARM"): builds
# tests/tools/arm_identity_check.cc with the project's floating-point flags for this machine, for
# x86-64-v3 (FMA available to the compiler) and with the aarch64 cross compiler, runs the ARM program
# under qemu-user, and compares the three outputs line by line. Each program also checks its build's
# widest lanes (NEON on ARM64, AVX2 in the x86-64-v3 build) against its one-lane path and fails if
# they differ (reported on stderr).
# Usage: check_arm_identity.sh [CXX_FLAGS...]   (exit 77: no aarch64-linux-gnu-g++ or qemu-aarch64)
# Installs with: apt-get install g++-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in aarch64-linux-gnu-g++ qemu-aarch64; do
  command -v "$tool" >/dev/null || { echo "no $tool: skipped"; exit 77; }
done
# What CMake gives all C++ code (cmake/dependencies.cmake), or the flags given to this script.
flags=(-std=c++17 -O2 -ffp-contract=off)
(($#)) && flags=("$@")
eigen=$(pkg-config --cflags eigen3 2>/dev/null || echo -I/usr/include/eigen3)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source=tests/tools/arm_identity_check.cc
builds=(native)
compilers=(c++)
targets=("")
if [ "$(uname -m)" = x86_64 ] && grep -q ' avx2 ' /proc/cpuinfo && grep -q ' fma ' /proc/cpuinfo; then
  builds+=(x86-64-v3)
  compilers+=(c++)
  targets+=(-march=x86-64-v3)
fi
builds+=(arm64)
compilers+=(aarch64-linux-gnu-g++)
targets+=("")
# The builds compile in parallel (each takes most of a minute).
pids=()
for k in "${!builds[@]}"; do
  # shellcheck disable=SC2086  # $eigen is one or more -I options; an empty target is no option
  "${compilers[$k]}" "${flags[@]}" ${targets[$k]} -I. $eigen "$source" -o "$work/${builds[$k]}" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
for build in "${builds[@]}"; do
  if [ "$build" = arm64 ]; then
    qemu-aarch64 -L /usr/aarch64-linux-gnu "$work/arm64" >"$work/arm64.txt"
  else
    "$work/$build" >"$work/$build.txt"
  fi
done
cat "$work/native.txt"
status=0
for build in "${builds[@]:1}"; do
  if diff "$work/native.txt" "$work/$build.txt" >"$work/diff.txt"; then
    echo "$build: identical"
  else
    echo "$build: DIFFERS from the native build:"
    cat "$work/diff.txt"
    status=1
  fi
done
exit $status
