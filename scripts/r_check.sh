#!/usr/bin/env bash
# Builds the R package r/mrtsim and runs R CMD check --as-cran --no-manual on it with the engine
# this project built, so that its tests and vignette run against that engine. Fails on any ERROR
# or WARNING, and on any NOTE other than CRAN's "New submission" note.
#
#   bash scripts/r_check.sh                          # engine ./build/mrtsim
#   MRTSIM_PATH=/path/to/mrtsim bash scripts/r_check.sh
#
# Needs R and the packages the R package uses or suggests (Debian: r-base-core r-cran-jsonlite
# r-cran-testthat r-cran-knitr r-cran-rmarkdown, which brings pandoc; qpdf for the size check of
# PDFs is optional). The check log stays in build/r-check/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export MRTSIM_PATH="${MRTSIM_PATH:-$root/build/mrtsim}"
if [[ ! -x "$MRTSIM_PATH" ]]; then
  echo "r_check.sh: no mrtsim executable at $MRTSIM_PATH (build it, or set MRTSIM_PATH)" >&2
  exit 1
fi
command -v R >/dev/null || { echo "r_check.sh: R is not installed" >&2; exit 1; }

out="$root/build/r-check"
rm -rf "$out"
mkdir -p "$out"
cd "$out"

R CMD build "$root/r/mrtsim"
tarball="$(ls mrtsim_*.tar.gz)"

# Checks that need the internet (CRAN's package list, the time server, URLs) are switched off:
# the machines this runs on may have none.
export _R_CHECK_CRAN_INCOMING_REMOTE_=false
export _R_CHECK_FUTURE_FILE_TIMESTAMPS_=false
export _R_CHECK_FORCE_SUGGESTS_=true
R CMD check --as-cran --no-manual "$tarball" || true

log="$out/mrtsim.Rcheck/00check.log"
[[ -f "$log" ]] || { echo "r_check.sh: R CMD check wrote no log" >&2; exit 1; }
# Every check that ended in ERROR, WARNING or NOTE, as "header<TAB>details". Allowed: CRAN's
# new-submission note, and the note that the time could not be verified (no internet).
findings="$(awk '
  function flush() { if (header != "") print header "\t" details; header = ""; details = "" }
  /^\* / { flush(); if ($0 ~ /\.\.\. *(ERROR|WARNING|NOTE)$/) header = $0; previous = $0; next }
  /^ *(ERROR|WARNING|NOTE)$/ { flush(); header = previous " " $0; next }
  { if (header != "") details = details " | " $0; previous = $0 }
  END { flush() }' "$log")"
unexpected="$(printf '%s\n' "$findings" | grep -v -E \
  -e '^\* checking CRAN incoming feasibility \.\.\. NOTE	( \| (Maintainer: [^|]*|New submission|))*$' \
  -e '^\* checking for future file timestamps \.\.\. NOTE	 \| unable to verify current time$' \
  -e '^$' || true)"
if [[ -n "$unexpected" ]] || grep -q -E '^Status: .*ERROR' "$log"; then
  echo "r_check.sh: R CMD check found problems (log: $log):" >&2
  printf '%s\n' "$unexpected" | tr '\t' '\n' >&2
  exit 1
fi
echo "r_check.sh: R CMD check passed ($(grep '^Status:' "$log"))"
