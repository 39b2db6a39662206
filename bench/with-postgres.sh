#!/usr/bin/env bash
# Runs a benchmark against TEST_DATABASE_URL, or a throwaway PostgreSQL 15 it starts (and stops) itself.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${TEST_DATABASE_URL:-}" ]; then
	# With fsync and synchronous commit on: the figures are what a real server pays per commit.
	export PG_THROWAWAY_DURABLE=1
	# shellcheck source=../scripts/pg-throwaway.sh
	source scripts/pg-throwaway.sh
fi
"$@"
