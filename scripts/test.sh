#!/usr/bin/env bash
# Builds mrtsim (installing what it needs) and runs the whole test suite: the CTest suite (C++ unit
# and statistical tests, CLI tests, repository checks, the installed-package example), then the R
# package's R CMD check against the engine just built (scripts/r_check.sh). CUDA tests run where a
# GPU is present and report themselves skipped elsewhere. Then the hostile-input checks (README "Bad
# input"): the fast half of the suite again, built with clang under AddressSanitizer and
# UndefinedBehaviorSanitizer (scripts/sanitize.sh), and the four libFuzzer harnesses (scripts/fuzz.sh)
# for 20 seconds each.
#
# Tests must use nothing outside the repository. Where a folder named "shared" sits beside the
# checkout (as on the project's CI machines), it is hidden for the duration of the tests, so a test
# that still reads it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --for-tests -DMRTSIM_WARNINGS_AS_ERRORS=ON

sibling="$(dirname "$PWD")/shared"
namespace=(unshare --mount)
[ "$(id -u)" -eq 0 ] || namespace+=(--map-root-user)
# Runs "$@" with the sibling shared folder hidden, where there is one and it can be hidden.
without_shared() {
  if [ -e "$sibling" ]; then
    if "${namespace[@]}" true 2>/dev/null; then
      echo "test: hiding $sibling while the tests run" >&2
      "${namespace[@]}" sh -c 'mount -t tmpfs none "$1" && shift && exec "$@"' sh "$sibling" "$@"
    else
      echo "test: cannot hide $sibling (no mount namespaces here); the repository check still guards it" >&2
      "$@"
    fi
  else
    "$@"
  fi
}

without_shared ctest --test-dir build --output-on-failure -j "$(nproc)"
bash scripts/r_check.sh
without_shared bash scripts/sanitize.sh
bash scripts/fuzz.sh 20
