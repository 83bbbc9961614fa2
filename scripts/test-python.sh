#!/usr/bin/env bash
# The Python client's tests against the real server: makes .venv if missing, installs
# python/requirements-dev.txt and ./python into it, builds dist/ if needed, runs pytest.
# Run by scripts/test-all.sh; extra arguments go to pytest (e.g. -k vector, -x).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-python.sh

if [ ! -f dist/server/cli.js ]; then
  npm run build
fi

set +e
.venv/bin/python -m pytest python/tests "$@"
code=$?
set -e
if [ "$code" -eq 5 ]; then
  echo "test-python.sh: pytest collected no tests" >&2
  exit 1
fi
exit "$code"
