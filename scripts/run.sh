#!/usr/bin/env bash
# Sets up a fresh machine, builds target/nograd.jar (dashboard included) and serves on port 8080 with every
# default embedded; extra arguments go to the server, e.g. --server.port=9090 --nograd.data-dir=/var/lib/nograd
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mvn -B -q package -DskipTests
exec java -jar target/nograd.jar "$@"
