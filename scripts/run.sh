#!/usr/bin/env bash
# Sets up a fresh machine, builds target/nograd.jar (dashboard included) and serves on port 8080 with every
# default embedded; extra arguments go to the server, e.g. --server.port=9090 --nograd.data-dir=/var/lib/nograd
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mvn -B -q package -DskipTests
# A heap that ran out leaves a JVM in an unknown state: exit and let the supervisor restart it (the jobs resume).
# JAVA_OPTS adds JVM options, e.g. JAVA_OPTS=-Xmx8g.
exec java -XX:+ExitOnOutOfMemoryError ${JAVA_OPTS:-} -jar target/nograd.jar "$@"
