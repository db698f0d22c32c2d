#!/usr/bin/env bash
# The test command: makes PostgreSQL, Chromium and Node.js available (see scripts/postgres.sh), runs every test of SmartRules.sln and
# ends with one line "N passed, M failed" summed from the test results. Exits non-zero on any failure.
#
#   ./scripts/test.sh               every test; the reliability suite in its bounded sizes (5-minute soak) — what CI runs
#   ./scripts/test.sh reliability   the reliability suite alone at full size (30-minute soak, 100k-customer backfill,
#                                   10,000 hostile requests); SMARTRULES_SOAK_MINUTES etc. still override
#
# The reliability suite (tests/SmartRules.Reliability.Tests) starts clusters of three silo processes and measures them,
# so it runs after the other test projects, alone, with its figures printed. Benchmarks are not run here: see bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-all}"
case "$mode" in
  all) ;;
  reliability) export SMARTRULES_SOAK_MINUTES="${SMARTRULES_SOAK_MINUTES:-30}" ;;
  *) echo "usage: $0 [reliability]" >&2; exit 2 ;;
esac
source scripts/postgres.sh
ensure_postgres

if [ "$mode" = all ]; then
  # The browser tests (the console, the Orleans dashboard, the Aspire dashboard) drive Debian's Chromium with
  # Playwright for .NET, whose NuGet package brings its own driver (Playwright cannot download its own browsers).
  if ! command -v chromium >/dev/null 2>&1; then
    echo "browser: installing Debian's chromium"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  # The OpenAPI lint (Redocly CLI) runs on Node.js; Debian's npm brings it where it is missing.
  if ! command -v npm >/dev/null 2>&1; then
    echo "node: installing Debian's npm"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
  fi
  (cd tests/SmartRules.Server.Tests/openapi && npm ci --no-audit --no-fund --silent)
fi
# The multi-host scenario makes network namespaces with iproute2's ip.
if ! command -v ip >/dev/null 2>&1; then
  echo "network: installing Debian's iproute2"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2 >/dev/null
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
reliability=tests/SmartRules.Reliability.Tests
set +e
status=0
if [ "$mode" = all ]; then
  dotnet test SmartRules.sln -c Release --logger "trx" --results-directory "$results" --filter "FullyQualifiedName!~SmartRules.Reliability.Tests" || status=$?
  dotnet test "$reliability" -c Release --no-build --logger "trx" --logger "console;verbosity=detailed" --results-directory "$results" || status=$?
else
  dotnet test "$reliability" -c Release --logger "trx" --logger "console;verbosity=detailed" --results-directory "$results" || status=$?
fi
set -e

totals=$(cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*>' | awk '
  { for (i = 1; i <= NF; i++) {
      if ($i ~ /^passed=/) { gsub(/[^0-9]/, "", $i); passed += $i }
      if ($i ~ /^failed=/) { gsub(/[^0-9]/, "", $i); failed += $i }
      if ($i ~ /^notExecuted=/) { gsub(/[^0-9]/, "", $i); skipped += $i }
  } }
  END { printf "%d %d %d", passed, failed, skipped }')
read -r passed failed skipped <<<"${totals:-0 0 0}"

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or a test host failed before any result was written: count it as a failure.
  failed=1
fi
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "no test ran" >&2
  failed=1
fi

[ "$skipped" -eq 0 ] || echo "($skipped skipped)"
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
