#!/usr/bin/env bash
# Sets up a fresh machine and runs every test CI runs: unit tests (on native BLAS and on the ojalgo
# fallback), the server over real HTTP/WebSocket/SSE on real H2 files, the contract checker, and the
# dashboard in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mvn -B verify "$@"
