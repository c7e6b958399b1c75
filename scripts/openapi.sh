#!/usr/bin/env bash
# Regenerates docs/openapi.json from the running code: boots the server in a test (OpenApiDocTest) and
# writes what it serves at /v3/api-docs. Run it after changing an endpoint or a record the API returns,
# then review the diff; the next frontend build regenerates the dashboard's types from the file.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q test -Dskip.frontend -Dtest=OpenApiDocTest -Dsurefire.failIfNoSpecifiedTests=false -Dnograd.openapi.write=true "$@"
git --no-pager diff --stat -- docs/openapi.json || true
