#!/usr/bin/env bash
# The test command: makes PostgreSQL and Chromium available (see scripts/postgres.sh), runs every test of SmartRules.sln and
# ends with one line "N passed, M failed" summed from the test results. Exits non-zero on any failure.
# Benchmarks are not run here: see bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/postgres.sh
ensure_postgres

# The dashboard check drives Debian's Chromium with playwright-core (Playwright cannot download its own browsers).
if ! command -v chromium >/dev/null 2>&1; then
  echo "browser: installing Debian's chromium"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
(cd tests/SmartRules.Server.Tests/browser && npm ci --no-audit --no-fund --silent)

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
set +e
dotnet test SmartRules.sln -c Release --logger "trx" --results-directory "$results"
status=$?
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

echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
