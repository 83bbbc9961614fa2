#!/usr/bin/env bash
# Every check and test of gymrpc: lint, types, protos (lint, breaking, generated-code drift),
# the TypeScript tests and the Python tests. Run by `npm test` and by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "biome (lint + format)"
npx biome check .

step "tsc --noEmit"
npx tsc --noEmit -p tsconfig.json

step "buf lint"
npx buf lint

step "buf breaking"
if against=$(git rev-parse --verify --quiet HEAD~1) && git cat-file -e "$against:buf.yaml" 2>/dev/null; then
  npx buf breaking --against ".git#ref=$against"
else
  echo "skipped: no earlier commit with buf.yaml to compare against"
fi

step "generated code is up to date (scripts/generate.sh: buf, grpcio-tools)"
bash scripts/generate.sh
generated=(proto/gen python/src/gymrpc/v1)
if [ -d .git ] && ! git diff --quiet -- "${generated[@]}" || [ -n "$(git ls-files --others --exclude-standard "${generated[@]}")" ]; then
  git status --short "${generated[@]}"
  echo "generated code differs from proto/: run 'npm run generate' and commit the result" >&2
  exit 1
fi

step "python environment (.venv: the package, numpy, h5py, minari)"
bash scripts/setup-python.sh

step "vitest"
npx vitest run

step "python tests"
bash scripts/test-python.sh
