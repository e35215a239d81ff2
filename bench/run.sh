#!/usr/bin/env bash
# Builds the benchmark with its own tsc output (.tmp/bench, gitignored) and runs it
# (--startup: the worker start-to-ready benchmark, bench/startup.ts, instead of bench/main.ts).
# The compiled src/ there finds sql/ and scripts/ two levels up, so both are linked in. The CLI's own
# figures (bench/cli.ts) and the worker's memory (bench/workerMemory.ts) spawn bin/rollout.js, which runs
# the build in dist/ (with its prebuilt workflow bundle).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/temporal-cli.sh >/dev/null
npx tsc -p bench/tsconfig.json
npm run build --silent
ln -sfn ../../sql .tmp/bench/sql
ln -sfn ../../scripts .tmp/bench/scripts
if [ "${1:-}" = "--startup" ]; then
  shift
  exec node .tmp/bench/bench/startup.js "$@"
fi
exec node .tmp/bench/bench/main.js "$@"
