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
# What a Release build gives all C++ code (cmake/dependencies.cmake), or the flags given to this script.
flags=(-std=c++17 -O3 -DNDEBUG -ffp-contract=off)
(($#)) && flags=("$@")
eigen=$(pkg-config --cflags eigen3 2>/dev/null || echo -I/usr/include/eigen3)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source=tests/tools/arm_identity_check.cc
sources=("$source" sims/binary_shapes.cc)  # the one .cc the check needs (the Cohn set-up)
# Each build, its compiler, its target option and the lanes its program must have checked against its
# one-lane path (a line on its stderr; none for the generic x86-64 build, which has no vector lanes).
builds=(native)
compilers=(c++)
targets=("")
lanes=("")
if [ "$(uname -m)" = x86_64 ] && grep -q ' avx2 ' /proc/cpuinfo && grep -q ' fma ' /proc/cpuinfo; then
  builds+=(x86-64-v3)
  compilers+=(c++)
  targets+=(-march=x86-64-v3)
  lanes+=(avx2)
fi
builds+=(arm64)
compilers+=(aarch64-linux-gnu-g++)
targets+=(-Wno-psabi)  # g++'s note that passing std::pair<double, double> changed in GCC 10.1: no ABI of ours
lanes+=(neon)
# The builds compile in parallel (each takes most of a minute); all finish before any failure is reported.
pids=()
for k in "${!builds[@]}"; do
  # shellcheck disable=SC2086  # $eigen is one or more -I options; an empty target is no option
  "${compilers[$k]}" "${flags[@]}" ${targets[$k]} -I. $eigen "${sources[@]}" -o "$work/${builds[$k]}" &
  pids+=($!)
done
compiled=0
for pid in "${pids[@]}"; do wait "$pid" || compiled=1; done
((compiled == 0)) || { echo "a build of $source failed"; exit 1; }
status=0
for k in "${!builds[@]}"; do
  build=${builds[$k]}
  run=("$work/$build")
  [ "$build" = arm64 ] && run=(qemu-aarch64 -L /usr/aarch64-linux-gnu "$work/arm64")
  "${run[@]}" >"$work/$build.txt" 2>"$work/$build.err" || status=1
  cat "$work/$build.err"
  if [ -n "${lanes[$k]}" ] && ! grep -q "^${lanes[$k]} lanes: .*, 0 differ$" "$work/$build.err"; then
    echo "$build: its ${lanes[$k]} lanes were not checked against its one-lane path"
    status=1
  fi
done
cat "$work/native.txt"
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
