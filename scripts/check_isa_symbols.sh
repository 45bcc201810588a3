#!/usr/bin/env bash
# Checks that the kernels compiled for AVX2 and AVX-512 (kernels/cpu_kernels_avx2.cc, _avx512.cc) share
# no function with the rest of the program: every weak or unique symbol they define must name their
# lane policy (Avx2Lanes, Avx512Lanes). A weak symbol without it (an Eigen assignment, a SmallLu
# constructor that the compiler did not inline) has the same name as the portable copy elsewhere, and
# the linker keeps one of them: possibly the AVX-512 one, which then runs, and crashes, on every CPU.
# Usage: check_isa_symbols.sh path/to/libmrtsim_kernels.a   (exit 77: no nm on this machine)
set -euo pipefail
library=$1
command -v nm >/dev/null || { echo "no nm: skipped"; exit 77; }
nm -C --defined-only "$library" | awk '
  /^cpu_kernels_avx2\.cc\.o:$/   { member = $1; policy = "Avx2Lanes"; next }
  /^cpu_kernels_avx512\.cc\.o:$/ { member = $1; policy = "Avx512Lanes"; next }
  /^[^ ]+\.o:$/                  { policy = ""; next }
  policy != "" && ($2 == "W" || $2 == "V" || $2 == "u") && index($0, policy) == 0 {
    print member " " substr($0, index($0, $3)); shared++
  }
  END {
    if (shared) { print shared " symbols above may be merged with a copy for another instruction set"; exit 1 }
    print "every weak symbol of the AVX2 / AVX-512 kernels names its lane policy"
  }'
