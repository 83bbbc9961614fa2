#!/usr/bin/env bash
# Makes .venv (if missing) and installs python/requirements-dev.txt and ./python into it.
# The TypeScript tests read datasets back with this venv's numpy, h5py and minari.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  echo "creating .venv"
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
  -r python/requirements-dev.txt ./python
