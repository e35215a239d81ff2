#!/usr/bin/env bash
# Prints the path of a `temporal` CLI that can run `temporal server start-dev`.
# Order: $TEMPORAL_CLI_PATH, `temporal` on PATH, a binary cached by an earlier build,
# else build it with `go install` (scripts/lib/go-cached-build.sh).
set -euo pipefail
. "$(dirname "$0")/lib/go-cached-build.sh"

version="v1.5.1" # the newest tag `go install` accepts; later tags carry a replace directive
cache_dir="$(governed_rollout_cache)/temporal-cli-${version}"

if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
  if [ -x "$TEMPORAL_CLI_PATH" ]; then echo "$TEMPORAL_CLI_PATH"; exit 0; fi
  echo "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable file" >&2
  exit 1
fi
if on_path=$(command -v temporal 2>/dev/null); then echo "$on_path"; exit 0; fi
go_cached_build "$cache_dir" temporal "github.com/temporalio/cli/cmd/temporal@${version}"
echo "$cache_dir/temporal"
