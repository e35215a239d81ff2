#!/usr/bin/env bash
# Prints the path of a `temporal` CLI that can run `temporal server start-dev`.
# Order: $TEMPORAL_CLI_PATH, `temporal` on PATH, a binary cached by an earlier build,
# else build it with `go install`. The cache sits outside the work tree because CI
# clones afresh while the machine's caches stay, so only the first run pays for the build.
set -euo pipefail

version="v1.5.1" # the newest tag `go install` accepts; later tags carry a replace directive
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/governed-rollout/temporal-cli-${version}"
cached="$cache_dir/temporal"

if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
  if [ -x "$TEMPORAL_CLI_PATH" ]; then echo "$TEMPORAL_CLI_PATH"; exit 0; fi
  echo "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable file" >&2
  exit 1
fi
if on_path=$(command -v temporal 2>/dev/null); then echo "$on_path"; exit 0; fi
if [ -x "$cached" ]; then echo "$cached"; exit 0; fi

if ! command -v go >/dev/null 2>&1; then
  echo "no temporal CLI found and no Go toolchain to build one: install the Temporal CLI or set TEMPORAL_CLI_PATH" >&2
  exit 1
fi
echo "building the Temporal CLI ${version} into $cache_dir (first run only, a few minutes)" >&2
mkdir -p "$cache_dir"
# Build into a scratch dir first so an interrupted build never leaves a half-written binary in the cache.
scratch=$(mktemp -d "$cache_dir/.build.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
GOBIN="$scratch" go install "github.com/temporalio/cli/cmd/temporal@${version}" >&2
mv "$scratch/temporal" "$cached"
echo "$cached"
