#!/usr/bin/env bash
# Lint and format checks, as CI runs them: ruff (Python: lint and format) and eslint + prettier
# (TypeScript of src/ and ui-tests/). `jlpm lint` and `ruff format .` fix what they can.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "=== ruff check, ruff format --check ==="
python -m ruff check .
python -m ruff format --check .

echo "=== eslint, prettier (jlpm lint:check) ==="
jlpm lint:check
