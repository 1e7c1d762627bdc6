#!/usr/bin/env bash
# Install everything the tests need on a fresh machine; safe to run again (skips what is there).
# Debian's Chromium (Galata never downloads a browser here), JupyterLab, this package with its
# test extra (building the frontend with jlpm), and the ui-tests' node modules.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export PIP_DISABLE_PIP_VERSION_CHECK=1

step() { echo; echo "=== $* ($(date -u +%H:%M:%S)) ==="; }

step "system packages"
if [ -x /usr/bin/chromium ]; then
    echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || true)"
else
    [ "$(id -u)" = 0 ] || { echo "scripts/setup.sh: run as root, or: sudo apt-get install -y chromium" >&2; exit 1; }
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends chromium
fi
command -v node >/dev/null || { echo "scripts/setup.sh: Node.js is required (apt-get install nodejs)" >&2; exit 1; }
echo "node $(node --version), $(python --version)"

step "pip install jupyterlab -e .[test] (builds the frontend with jlpm)"
# JupyterLab is not a dependency of the package (it runs inside the user's JupyterLab);
# the Galata tests and `jupyter labextension list` need it.
python -m pip install "jupyterlab>=4.6,<5" -e ".[test]"

step "installed extensions"
labext="$(jupyter labextension list 2>&1)"
serverext="$(jupyter server extension list 2>&1)"
echo "$labext"; echo "$serverext"
grep -Eq "jupyterlab-readiness.*enabled.*OK" <<<"$labext" \
    || { echo "scripts/setup.sh: the labextension jupyterlab-readiness is not installed and enabled" >&2; exit 1; }
grep -Eq "jupyterlab_readiness.*enabled" <<<"$serverext" && grep -Eq "jupyterlab_readiness.*OK" <<<"$serverext" \
    || { echo "scripts/setup.sh: the server extension jupyterlab_readiness is not enabled and loading" >&2; exit 1; }

step "ui-tests node modules"
(cd ui-tests && jlpm install --immutable)
