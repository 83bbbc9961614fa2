#!/usr/bin/env bash
# Regenerates the committed code from proto/: TypeScript with buf (proto/gen/ts), then the
# Python stubs with grpcio-tools (python/src/gymrpc/v1). Run by `npm run generate`.
# Python: uses $PYTHON if set, else the repo's .venv (made, with python/requirements-dev.txt,
# when missing). grpcio-tools is pinned there so the stubs are the same on every machine.
set -euo pipefail
cd "$(dirname "$0")/.."

npx buf generate

PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  PY=.venv/bin/python
  if [ ! -x "$PY" ]; then
    python3 -m venv .venv
  fi
  if ! "$PY" -c "import grpc_tools" 2>/dev/null; then
    "$PY" -m pip install --quiet --disable-pip-version-check -r python/requirements-dev.txt
  fi
fi
if ! "$PY" -c "import grpc_tools" 2>/dev/null; then
  echo "generate.sh: $PY has no grpc_tools; run: $PY -m pip install -r python/requirements-dev.txt" >&2
  exit 1
fi

# Only gymrpc's own protos: google.protobuf comes from protobuf and google.rpc from
# googleapis-common-protos at run time (the local proto/google copies only resolve imports).
out=python/src
rm -rf "$out/gymrpc/v1"
mapfile -t protos < <(cd proto && find gymrpc -name '*.proto' | LC_ALL=C sort)
"$PY" -m grpc_tools.protoc -Iproto \
  --python_out="$out" --pyi_out="$out" --grpc_python_out="$out" \
  "${protos[@]/#/proto/}"
# Package markers so the generated modules import as gymrpc.v1 and gymrpc.v1.envs.
find "$out/gymrpc/v1" -type d -exec touch {}/__init__.py \;
