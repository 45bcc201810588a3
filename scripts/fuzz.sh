#!/usr/bin/env bash
# Runs each libFuzzer harness of tests/fuzz (built by scripts/sanitize.sh into build-sanitize/) for a
# bounded time, starting from its committed seed corpus tests/fuzz/<name>/ (left unchanged: new inputs
# go to a scratch corpus). A crash, leak, sanitizer report or timeout fails the script and leaves the
# input under build-sanitize/fuzz-artifacts/.
# Usage: bash scripts/fuzz.sh [SECONDS_PER_HARNESS (default 20)] [extra libFuzzer flags, e.g. -runs=1000000]
# Environment: FUZZ_SEED (default 1): a fixed seed makes the CI run repeatable; FUZZ_SEED=0 lets
# libFuzzer pick one (longer local runs). FUZZ_HARNESSES (default: all four) names the harnesses to run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
shift || true

artifacts=build-sanitize/fuzz-artifacts
mkdir -p "$artifacts"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# Longest inputs: a study file with a small grid (a few kB of grid can ask for millions of scenarios,
# which is work, not a bug); a data set of a few dozen rows; a command line; a log of a few records.
declare -A max_len=([mrt_csv]=4096 [study_yaml]=2048 [sizing_options]=512 [checkpoint]=8192)
for name in ${FUZZ_HARNESSES:-mrt_csv study_yaml sizing_options checkpoint}; do
  corpus="$(mktemp -d)"
  echo "fuzz: $name for ${seconds}s" >&2
  status=0
  build-sanitize/tests/fuzz/fuzz_$name "$corpus" "tests/fuzz/$name" -max_total_time="$seconds" \
    -max_len="${max_len[$name]}" -seed="${FUZZ_SEED:-1}" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/${name}-" "$@" 2> "$artifacts/$name.log" || status=$?
  grep -E "^(#[0-9]+.*DONE|stat::number_of_executed_units)" "$artifacts/$name.log" >&2 || true
  rm -rf "$corpus"
  if ((status != 0)); then
    tail -n 60 "$artifacts/$name.log" >&2
    echo "fuzz: $name failed (log $artifacts/$name.log)" >&2
    exit 1
  fi
done
