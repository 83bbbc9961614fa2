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

step "generated code is up to date (buf generate)"
npx buf generate
if [ -d .git ] && ! git diff --quiet -- proto/gen || [ -n "$(git ls-files --others --exclude-standard proto/gen)" ]; then
  git status --short proto/gen
  echo "generated code differs from proto/: run 'npm run generate' and commit the result" >&2
  exit 1
fi

step "vitest"
npx vitest run

if [ -f python/pyproject.toml ]; then
  step "python tests"
  bash scripts/test-python.sh
else
  step "python tests"
  echo "skipped: the python/ package does not exist yet"
fi
