#!/usr/bin/env bash
# Runs tests/browser/serve_browser_test.py with a Python that has Selenium (Debian's python3-selenium
# lives in /usr/bin/python3, which may not be the first python3 on the PATH). Exits 77 (CTest: skipped)
# where Selenium, Chromium or chromedriver is missing.
# Usage: run_browser_test.sh MRTSIM_BINARY OUTPUT_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for python in /usr/bin/python3 python3; do
  if command -v "$python" >/dev/null && "$python" -c "import selenium" 2>/dev/null; then
    exec "$python" "$here/serve_browser_test.py" "$@"
  fi
done
echo "serve browser test: skipped (no Python with Selenium; scripts/setup.sh --for-tests installs python3-selenium)"
exit 77
