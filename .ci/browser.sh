#!/usr/bin/env bash
# Install what the viz/notebook/browser tests need: Debian Chromium (headless browser test) and
# the Python packages for the notebooks and the browser driver. Called from .ci/run before pytest.
set -euo pipefail

if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi

# playwright drives the Debian Chromium (executable_path=/usr/bin/chromium); no browser download.
python -m pip install -q "playwright>=1.40" "nbclient>=0.10" "nbformat>=5.9" "ipykernel>=6.29" \
  "matplotlib>=3.8" "pandas>=2.1"
python -m ipykernel install --user --name python3 >/dev/null 2>&1 || true
